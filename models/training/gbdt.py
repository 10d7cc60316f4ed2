"""flow-gbdt: LightGBM multiclass over benign + attack labels -> ONNX TreeEnsemble (CPU only)."""
from __future__ import annotations

import lightgbm as lgb
import numpy as np
import onnx
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

from . import onnx_graph
from .transforms import TARGET_OPSET

# onnxmltools 1.16 converts LightGBM up to opset 15; a tree model runs on the CPU provider anyway.
GBDT_OPSET = min(TARGET_OPSET, 15)


def train_gbdt(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, n_classes: int, seed: int) -> lgb.LGBMClassifier:
    model = lgb.LGBMClassifier(
        objective="multiclass", num_class=n_classes, class_weight="balanced",
        n_estimators=300, learning_rate=0.08, num_leaves=31, min_child_samples=10,
        subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
        random_state=seed, num_threads=1, deterministic=True, force_row_wise=True, verbose=-1,
    )
    # Early stopping on the validation split (later flows of the same scenarios), never on the holdout.
    model.fit(
        x_train, y_train, eval_X=(x_val,), eval_y=(y_val,),
        callbacks=[lgb.early_stopping(30, verbose=False)],
    )
    return model


def predict_gbdt(model: lgb.LGBMClassifier, x: np.ndarray) -> np.ndarray:
    return model.predict_proba(x.astype(np.float64), num_iteration=model.best_iteration_ or None)


def export_gbdt(model: lgb.LGBMClassifier, n_features: int) -> onnx.ModelProto:
    onx = convert_lightgbm(
        model, initial_types=[("input", FloatTensorType([None, n_features]))], zipmap=False,
        target_opset=GBDT_OPSET,
    )
    probabilities = onnx_graph.expose_output(onx, "probabilities", "probabilities", [None, model.n_classes_])
    onnx_graph.prune_to_outputs(onx, [probabilities])
    onnx.checker.check_model(onx)
    return onx


def gain_importances(model: lgb.LGBMClassifier, feature_names: list[str]) -> list[tuple[str, float]]:
    gains = model.booster_.feature_importance(importance_type="gain")
    return sorted(zip(feature_names, (float(g) for g in gains)), key=lambda item: -item[1])
