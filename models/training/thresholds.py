"""Alert thresholds chosen on the validation split (never on the holdout): how high a score must be
for a model to alert so that validation benign flows rarely do."""
from __future__ import annotations

import numpy as np


def alert_threshold(benign_scores: np.ndarray, floor: float, target_fpr: float) -> float:
    """The lowest threshold >= `floor` at which at most floor(target_fpr * n) benign validation
    flows reach it (a classifier alerts when its score >= threshold). Ties stay on one side: the
    threshold is moved just above the first benign score that must not alert."""
    scores = np.sort(np.asarray(benign_scores, dtype=np.float64))[::-1]
    allowed = int(np.floor(target_fpr * len(scores)))
    if allowed >= len(scores):
        return float(floor)
    return float(max(floor, np.nextafter(np.float32(scores[allowed]), np.float32(np.inf))))


def anomaly_threshold(benign_scores: np.ndarray, margin: float, target_fpr: float) -> float:
    """`margin` times the highest validation benign score (an anomaly alerts when score > threshold):
    a benign flow of the holdout must be clearly worse reconstructed than every benign flow seen.
    `margin` <= 0 falls back to the (1 - target_fpr) quantile of the same scores."""
    scores = np.asarray(benign_scores, dtype=np.float64)
    if margin <= 0:
        return float(np.quantile(scores, 1.0 - target_fpr, method="higher"))
    return float(margin * scores.max())
