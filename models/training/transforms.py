"""Feature transforms shared by training (numpy) and the exported graphs (see onnx_graph)."""
from __future__ import annotations

import numpy as np

# Default-domain opset of the exported graphs: recent enough for ORT 1.30, old enough for TensorRT.
TARGET_OPSET = 17
ML_OPSET = 3


def as_float32(features: np.ndarray) -> np.ndarray:
    """What the served model sees: float32. Training on the float32-rounded values keeps tree split
    thresholds and the ONNX comparison on the same side."""
    return np.ascontiguousarray(features, dtype=np.float32)


def signed_log1p(features: np.ndarray) -> np.ndarray:
    """sign(x) * log1p(|x|): tames byte counts and rates spanning 1e0..1e12; monotone, so trees
    do not need it."""
    return np.sign(features) * np.log1p(np.abs(features))


def balanced_weights(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Per-row weight n / (C * count(class)): the "balanced" rule, for estimators without class_weight."""
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    present = counts > 0
    per_class = np.zeros(n_classes)
    per_class[present] = len(y) / (present.sum() * counts[present])
    return per_class[y]
