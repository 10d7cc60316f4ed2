"""ONNX Runtime vs the Python model: the pipeline fails (nothing is written) when they disagree.

Probabilities: max |onnx - python| <= 1e-4 and the same argmax on every row.
Anomaly scores (unbounded, can be large): |onnx - python| <= 1e-4 * max(1, |python|), and the same
side of the threshold for every row not within that tolerance of it.
The float16 check that decides `fp16_ok` (never fails the run) is in fp16.py.
"""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort

from .errors import EquivalenceCheckError

PROBABILITY_TOLERANCE = 1e-4
SCORE_TOLERANCE = 1e-4


def run_onnx(model: onnx.ModelProto, x: np.ndarray, output: str) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run([output], {session.get_inputs()[0].name: x})[0]


def _score_errors(reference: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return np.abs(actual - reference) / np.maximum(1.0, np.abs(reference))


def check_probabilities(name: str, reference: np.ndarray, actual: np.ndarray) -> dict:
    diff = float(np.abs(actual - reference).max())
    agreement = float((actual.argmax(axis=1) == reference.argmax(axis=1)).mean())
    result = {"rows": int(len(reference)), "max_abs_diff": diff, "tolerance": PROBABILITY_TOLERANCE, "agreement": agreement,
              "passed": diff <= PROBABILITY_TOLERANCE and agreement == 1.0}
    if not result["passed"]:
        raise EquivalenceCheckError(f"{name}: ONNX probabilities differ from the Python model", result)
    return result


def check_scores(name: str, reference: np.ndarray, actual: np.ndarray, threshold: float) -> dict:
    actual = actual.reshape(-1)
    errors = _score_errors(reference, actual)
    clear = np.abs(reference - threshold) > SCORE_TOLERANCE * np.maximum(1.0, abs(threshold))
    agreement = float(((actual > threshold) == (reference > threshold))[clear].mean()) if clear.any() else 1.0
    result = {"rows": int(len(reference)), "max_abs_diff": float(np.abs(actual - reference).max()),
              "max_scaled_diff": float(errors.max()), "tolerance": f"{SCORE_TOLERANCE} * max(1, |score|)",
              "agreement": agreement, "passed": bool(errors.max() <= SCORE_TOLERANCE and agreement == 1.0)}
    if not result["passed"]:
        raise EquivalenceCheckError(f"{name}: ONNX scores differ from the Python model", result)
    return result
