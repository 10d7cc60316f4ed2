"""flow-ae: an MLP autoencoder trained on benign flows only; the ONNX graph outputs the per-row
reconstruction error `score` = mean((reconstruction - standardized input)^2)."""
from __future__ import annotations

import warnings

import numpy as np
import onnx
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from . import onnx_graph
from .errors import OnnxGraphEditError
from .transforms import ML_OPSET, TARGET_OPSET, signed_log1p


def train_autoencoder(x_benign: np.ndarray, seed: int) -> Pipeline:
    scaler = StandardScaler().fit(signed_log1p(x_benign))
    z = scaler.transform(signed_log1p(x_benign))
    n_features = z.shape[1]
    bottleneck = max(2, n_features // 5)
    regressor = MLPRegressor(
        hidden_layer_sizes=(max(bottleneck * 2, 8), bottleneck, max(bottleneck * 2, 8)),
        alpha=1e-4, max_iter=400, random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        regressor.fit(z, z)
    return Pipeline([("scaler", scaler), ("ae", regressor)])


def score_autoencoder(pipeline: Pipeline, x: np.ndarray) -> np.ndarray:
    z = pipeline.named_steps["scaler"].transform(signed_log1p(x.astype(np.float64)))
    reconstruction = pipeline.named_steps["ae"].predict(z)
    return np.mean((reconstruction - z) ** 2, axis=1)


def export_autoencoder(pipeline: Pipeline, n_features: int) -> tuple[onnx.ModelProto, str, str]:
    """Returns the graph plus the standardized-input and reconstruction tensor names."""
    onx = convert_sklearn(
        pipeline, initial_types=[("input", FloatTensorType([None, n_features]))],
        target_opset={"": TARGET_OPSET, "ai.onnx.ml": ML_OPSET},
    )
    scaled = onnx_graph.replace_ml_scalers(onx)
    if len(scaled) != 1 or len(onx.graph.output) != 1:
        raise OnnxGraphEditError("expected one Scaler and one output in the autoencoder graph", scaled)
    reconstruction = onx.graph.output[0].name
    producer = next(n for n in onx.graph.node if reconstruction in n.output)
    if producer.op_type == "Reshape":
        # skl2onnx 1.20 reshapes a multi-output MLPRegressor to [-1, 1]; the [N, F] tensor before it is the reconstruction.
        reconstruction = producer.input[0]
    onnx_graph.prepend_signed_log1p(onx)
    score = onnx_graph.append_mse_score(onx, reconstruction, scaled[0], "score")
    onnx_graph.prune_to_outputs(onx, [score])
    onnx.checker.check_model(onx)
    return onx, scaled[0], reconstruction
