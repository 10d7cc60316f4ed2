"""Scenario/time split of the train corpus into train and validation (never random rows).

Rule, per `scenario` value:
1. Its flows are ordered by (ts, flow_uid) and cut into *runs*: a new run starts where the gap
   between consecutive flow starts exceeds `instance_gap_s` (a scenario replayed later is a repeat).
2. One run: the earliest floor(fraction * n) flows train, the rest validate (at least one flow on
   each side when n >= 2; a single flow trains).
3. Several runs: whole runs are assigned, never split: the earliest k runs train, the rest validate,
   k = clamp(round_half_up(fraction * runs), 1, runs - 1). So no repeated instance is in both.
The holdout corpus, when given, is the test set and is never split.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import SplitEmptyError


@dataclass
class Split:
    train: np.ndarray  # row indices into the corpus
    validation: np.ndarray
    scenarios: list[dict]  # per scenario: flows, runs, train/validation counts, mode

    def describe(self, fraction: float, instance_gap_s: float) -> str:
        return (
            f"per-scenario time split: flows ordered by (ts, flow_uid); runs separated by gaps > {instance_gap_s:g} s; "
            f"single-run scenarios: earliest {fraction:.0%} of flows train, the rest validate; "
            f"repeated scenarios: earliest round({fraction:.0%} of runs) whole runs train, later runs validate "
            "(a run is never in both); the holdout corpus, when given, is the test set"
        )


def _runs(ts: np.ndarray, instance_gap_s: float) -> list[np.ndarray]:
    """Positions (into the time-ordered array) of each run."""
    cuts = np.flatnonzero(np.diff(ts) > instance_gap_s) + 1
    return np.split(np.arange(len(ts)), cuts)


def split_by_scenario_time(frame: pd.DataFrame, fraction: float = 0.75, instance_gap_s: float = 600.0) -> Split:
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    train_parts: list[np.ndarray] = []
    validation_parts: list[np.ndarray] = []
    scenarios: list[dict] = []
    for scenario, group in frame.groupby("scenario", sort=True):
        ordered = group.sort_values(["ts", "flow_uid"], kind="mergesort")
        index = ordered.index.to_numpy()
        runs = _runs(ordered["ts"].to_numpy(), instance_gap_s)
        if len(runs) == 1:
            n = len(index)
            cut = n if n == 1 else min(n - 1, max(1, math.floor(fraction * n)))
            mode = "time"
        else:
            k = min(len(runs) - 1, max(1, math.floor(fraction * len(runs) + 0.5)))
            cut = int(sum(len(run) for run in runs[:k]))
            mode = "runs"
        train_parts.append(index[:cut])
        validation_parts.append(index[cut:])
        scenarios.append({
            "scenario": str(scenario), "flows": int(len(index)), "runs": len(runs), "mode": mode,
            "train": int(cut), "validation": int(len(index) - cut),
        })
    train = np.sort(np.concatenate(train_parts)) if train_parts else np.array([], dtype=int)
    validation = np.sort(np.concatenate(validation_parts)) if validation_parts else np.array([], dtype=int)
    if len(train) == 0 or len(validation) == 0:
        raise SplitEmptyError("the split left train or validation empty", {"rows": len(frame)})
    return Split(train=train, validation=validation, scenarios=scenarios)
