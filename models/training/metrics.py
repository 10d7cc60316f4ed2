"""Detection metrics from the ONNX outputs (what will be served), per flow and per attack instance.

An attack instance is a scenario of the evaluated corpus; it is detected when at least one of its
flows is called an attack. A classifier calls a flow an attack when its highest non-benign class
probability reaches the `alert` threshold; the anomaly model when `score` exceeds `anomaly`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

from .dataset import BENIGN


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def detection_metrics(frame: pd.DataFrame, called_attack: np.ndarray) -> dict:
    is_attack = (frame["label"] != BENIGN).to_numpy()
    instances = []
    for scenario, group in frame[is_attack].groupby("scenario", sort=True):
        called = int(called_attack[group.index.to_numpy()].sum())
        instances.append({
            "scenario": str(scenario), "label": str(group["label"].iloc[0]), "family": str(group["family"].iloc[0]),
            "flows": int(len(group)), "called": called, "detected": called > 0,
        })
    benign_called = int(called_attack[~is_attack].sum())
    return {
        "flows": int(len(frame)),
        "benign_flows": int((~is_attack).sum()),
        "attack_flows": int(is_attack.sum()),
        "benign_false_positive_rate": _rate(benign_called, int((~is_attack).sum())),
        "flow_detection_rate": _rate(int(called_attack[is_attack].sum()), int(is_attack.sum())),
        "instance_detection_rate": _rate(sum(i["detected"] for i in instances), len(instances)),
        "instances": instances,
    }


def attack_probability(probabilities: np.ndarray, classes: list[str]) -> np.ndarray:
    """Highest non-benign class probability: the value the `alert` threshold applies to."""
    attack_columns = [k for k, c in enumerate(classes) if c != BENIGN]
    return probabilities[:, attack_columns].max(axis=1)


def served_labels(probabilities: np.ndarray, classes: list[str], alert: float) -> np.ndarray:
    """The label the inference stage serves: the most probable attack class when its probability
    reaches `alert`, else benign (not the argmax: an attack class can lead below `alert` when the
    attack probability is split between classes)."""
    attack_columns = np.array([k for k, c in enumerate(classes) if c != BENIGN])
    best = attack_columns[probabilities[:, attack_columns].argmax(axis=1)]
    called = probabilities[np.arange(len(probabilities)), best] >= np.float32(alert)
    return np.where(called, np.asarray(classes)[best], BENIGN)


def classifier_metrics(frame: pd.DataFrame, probabilities: np.ndarray, classes: list[str], alert: float) -> dict:
    truth = frame["label"].to_numpy()
    predicted = served_labels(probabilities, classes, alert)
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=classes, zero_division=0)
    per_class = {
        c: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for c, p, r, f, s in zip(classes, precision, recall, f1, support)
    }
    present = [c for c in classes if per_class[c]["support"] > 0]
    rows = classes + sorted(set(truth) - set(classes))  # labels the model never saw still get a row
    confusion = [[int(((truth == t) & (predicted == p)).sum()) for p in classes] for t in rows]
    result = detection_metrics(frame, attack_probability(probabilities, classes) >= alert)
    result.update({
        "accuracy": float((truth == predicted).mean()),
        "macro_f1": float(np.mean([per_class[c]["f1"] for c in present])) if present else None,
        "per_class": per_class,
        "unseen_labels": sorted(set(truth) - set(classes)),
        "confusion": {"rows": rows, "columns": classes, "counts": confusion},
    })
    return result


def anomaly_metrics(frame: pd.DataFrame, score: np.ndarray, threshold: float) -> dict:
    is_attack = (frame["label"] != BENIGN).to_numpy()
    result = detection_metrics(frame, score > threshold)
    result["roc_auc"] = float(roc_auc_score(is_attack, score)) if 0 < is_attack.sum() < len(is_attack) else None
    result["per_family_flow_detection_rate"] = {
        str(family): float((score[(frame["family"] == family).to_numpy()] > threshold).mean())
        for family in sorted(set(frame["family"][is_attack]))
    }
    return result
