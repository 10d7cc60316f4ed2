"""The per-model report: report.md, metrics.json and PNGs (matplotlib, Agg backend)."""
from __future__ import annotations

import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def plot_confusion(confusion: dict, path: str, title: str) -> None:
    counts = np.asarray(confusion["counts"], dtype=float)
    fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(confusion["columns"]), 1.0 + 0.7 * len(confusion["rows"])))
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(confusion["columns"])), confusion["columns"], rotation=45, ha="right")
    ax.set_yticks(range(len(confusion["rows"])), confusion["rows"])
    for (i, j), n in np.ndenumerate(counts):
        ax.text(j, i, int(n), ha="center", va="center", fontsize=8, color="white" if shares[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_scores(score: np.ndarray, is_attack: np.ndarray, threshold: float, path: str, title: str, xlabel: str, log_x: bool) -> None:
    fig, ax = plt.subplots(figsize=(7, 4))
    values = np.log10(np.maximum(score, 1e-12)) if log_x else score
    bins = np.linspace(values.min(), values.max() + 1e-9, 60)
    ax.hist(values[~is_attack], bins=bins, alpha=0.6, label=f"benign ({(~is_attack).sum()})")
    ax.hist(values[is_attack], bins=bins, alpha=0.6, label=f"attack ({is_attack.sum()})")
    ax.axvline(np.log10(threshold) if log_x else threshold, color="red", linestyle="--", label=f"threshold {threshold:.4g}")
    ax.set_yscale("log")
    ax.set_xlabel(f"log10({xlabel})" if log_x else xlabel)
    ax.set_ylabel("flows")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_importances(importances: list[tuple[str, float]], path: str, top: int = 20) -> None:
    shown = importances[:top][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(shown) + 1.2))
    ax.barh([name for name, _ in shown], [gain for _, gain in shown])
    ax.set_xlabel("total gain")
    ax.set_title(f"flow-gbdt feature importance (top {len(shown)}, LightGBM gain)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _detection_lines(m: dict) -> list[str]:
    lines = [
        f"- flows: {m['flows']} ({m['benign_flows']} benign, {m['attack_flows']} attack)",
        f"- benign false-positive rate: {_fmt(m['benign_false_positive_rate'])}",
        f"- per-flow detection rate: {_fmt(m['flow_detection_rate'])}",
        f"- per-instance detection rate: {_fmt(m['instance_detection_rate'])}",
    ]
    for key in ("accuracy", "macro_f1", "roc_auc"):
        if key in m:
            lines.append(f"- {key}: {_fmt(m[key])}")
    lines += ["", "| instance (scenario) | label | flows | called attack | detected |", "|---|---|---|---|---|"]
    lines += [f"| {i['scenario']} | {i['label']} | {i['flows']} | {i['called']} | {'yes' if i['detected'] else 'NO'} |" for i in m["instances"]]
    if "per_class" in m:
        lines += ["", "| class | precision | recall | f1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {c} | {_fmt(v['precision'])} | {_fmt(v['recall'])} | {_fmt(v['f1'])} | {v['support']} |" for c, v in m["per_class"].items()]
        if m["unseen_labels"]:
            lines.append(f"\nLabels not in the training classes (counted only in detection rates): {', '.join(m['unseen_labels'])}")
    return lines


def write_report(directory: str, metadata: dict, metrics: dict, figures: list[tuple[str, str]], importances: list[tuple[str, float]] | None) -> None:
    """`metrics` = {"validation": ..., "test": ..., "equivalence": ..., "fp16": ...}; figures = [(file, caption)]."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump(metrics, handle, indent=2, sort_keys=True)
    training = metadata["training"]
    lines = [
        f"# {metadata['name']} {metadata['version']} ({metadata['role']}, operators: {metadata['operators']})",
        "",
        f"Created {training['created']}, seed {training['seed']}, feature schema `{metadata['feature_schema']}` "
        f"({len(metadata['feature_names'])} features), thresholds {json.dumps(metadata['thresholds'])}, fp16_ok {metadata['fp16_ok']}.",
        "",
        "## Data", "",
        f"Split: {training['split']}.", "",
        "| role | path | rows | sha256 |", "|---|---|---|---|",
    ]
    lines += [f"| {d['role']} | {d['path']} | {d['rows']} | `{d['sha256']}` |" for d in training["data"]]
    lines += ["", f"Rows: train {training['rows']['train']}, validation {training['rows']['validation']}, test {training['rows']['test']} ({training['test_set']})."]
    eq = metrics["equivalence"]
    lines += [
        "", "## ONNX equivalence", "",
        f"ONNX Runtime vs the Python model on the test split ({eq['rows']} rows): max abs diff {eq['max_abs_diff']:.3g} "
        f"(tolerance {eq['tolerance']}), argmax/decision agreement {eq['agreement']:.4f}: {'PASS' if eq['passed'] else 'FAIL'}.",
        f"fp16: {metrics['fp16']['reason']}",
    ]
    for split in ("test", "validation"):
        if metrics.get(split):
            lines += ["", f"## Metrics on the {split} split", ""] + _detection_lines(metrics[split])
    if importances is not None:
        lines += ["", "## Feature importance (LightGBM gain)", "", "| rank | feature | gain |", "|---|---|---|"]
        lines += [f"| {k + 1} | {name} | {gain:.1f} |" for k, (name, gain) in enumerate(importances)]
    lines += ["", "## Figures", ""] + [f"![{caption}]({file})" for file, caption in figures]
    with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
