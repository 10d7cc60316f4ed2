"""flow-mlp: StandardScaler -> MLPClassifier on signed-log1p features -> pure tensor-op ONNX."""
from __future__ import annotations

import warnings

import numpy as np
import onnx
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from . import onnx_graph
from .errors import OnnxGraphEditError
from .transforms import ML_OPSET, TARGET_OPSET, balanced_weights, signed_log1p


def train_mlp(x_train: np.ndarray, y_train: np.ndarray, n_classes: int, seed: int) -> Pipeline:
    pipeline = Pipeline([
        ("scaler", StandardScaler()),
        ("mlp", MLPClassifier(hidden_layer_sizes=(64, 32), alpha=1e-4, max_iter=300, random_state=seed)),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(signed_log1p(x_train), y_train, mlp__sample_weight=balanced_weights(y_train, n_classes))
    return pipeline


def predict_mlp(pipeline: Pipeline, x: np.ndarray) -> np.ndarray:
    return pipeline.predict_proba(signed_log1p(x.astype(np.float64)))


def export_mlp(pipeline: Pipeline, n_features: int) -> tuple[onnx.ModelProto, str]:
    """Returns the graph and the name of its standardized-features tensor (fp16.py finds its own start: the first MatMul)."""
    mlp = pipeline.named_steps["mlp"]
    onx = convert_sklearn(
        pipeline, initial_types=[("input", FloatTensorType([None, n_features]))],
        options={id(mlp): {"zipmap": False}}, target_opset={"": TARGET_OPSET, "ai.onnx.ml": ML_OPSET},
    )
    scaled = onnx_graph.replace_ml_scalers(onx)
    if len(scaled) != 1:
        raise OnnxGraphEditError("expected exactly one Scaler in the MLP graph", scaled)
    onnx_graph.prepend_signed_log1p(onx)
    probabilities = onnx_graph.expose_output(onx, "probabilities", "probabilities", [None, len(mlp.classes_)])
    onnx_graph.prune_to_outputs(onx, [probabilities])  # drops the label path (ArrayFeatureExtractor, ML domain)
    onnx.checker.check_model(onx)
    return onx, scaled[0]
