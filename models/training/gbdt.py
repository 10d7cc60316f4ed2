"""flow-gbdt: LightGBM multiclass over benign + attack labels -> ONNX TreeEnsemble (CPU only)."""
from __future__ import annotations

import lightgbm as lgb
import numpy as np
import onnx
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

from . import onnx_graph
from .errors import OnnxGraphEditError
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
    _round_thresholds_down(onx, model)
    probabilities = onnx_graph.expose_output(onx, "probabilities", "probabilities", [None, model.n_classes_])
    onnx_graph.prune_to_outputs(onx, [probabilities])
    onnx.checker.check_model(onx)
    return onx


def _split_thresholds(model: lgb.LGBMClassifier) -> dict[int, set[float]]:
    found: dict[int, set[float]] = {}
    stack = [tree["tree_structure"] for tree in model.booster_.dump_model()["tree_info"]]
    while stack:
        node = stack.pop()
        if "split_feature" in node:
            found.setdefault(int(node["split_feature"]), set()).add(float(node["threshold"]))
            stack += [node["left_child"], node["right_child"]]
    return found


def _float32_floor(value: float) -> np.float32:
    nearest = np.float32(value)
    return nearest if float(nearest) <= value else np.nextafter(nearest, np.float32(-np.inf))


def _round_thresholds_down(onx: onnx.ModelProto, model: lgb.LGBMClassifier) -> int:
    """LightGBM compares `x <= t` in double; the ONNX TreeEnsemble compares in float32 with t rounded
    to nearest. When t rounds up to a float32 value v, a flow with x == v goes the other way. For a
    float32 x, `x <= t` equals `x <= floor32(t)` exactly, so each threshold is replaced by its
    float32 floor (found from the booster's double thresholds). Returns how many moved."""
    thresholds = _split_thresholds(model)
    floors: dict[tuple[int, float], set] = {}
    for feature, values in thresholds.items():
        for t in values:
            floors.setdefault((feature, float(np.float32(t))), set()).add(float(_float32_floor(t)))
    moved = 0
    for node in onx.graph.node:
        if node.op_type not in ("TreeEnsembleClassifier", "TreeEnsembleRegressor"):
            continue
        attrs = {a.name: a for a in node.attribute}
        if "nodes_values" not in attrs:
            raise OnnxGraphEditError("TreeEnsemble without float nodes_values", node.name)
        features, modes, values = attrs["nodes_featureids"].ints, attrs["nodes_modes"].strings, attrs["nodes_values"].floats
        for k, mode in enumerate(modes):
            if mode != b"BRANCH_LEQ":
                continue
            candidates = floors.get((int(features[k]), float(np.float32(values[k]))), set())
            if len(candidates) == 1:  # two thresholds sharing a nearest float32 but not a floor stay as they are
                floor = next(iter(candidates))
                if floor != float(np.float32(values[k])):
                    values[k] = floor
                    moved += 1
    return moved


def gain_importances(model: lgb.LGBMClassifier, feature_names: list[str]) -> list[tuple[str, float]]:
    gains = model.booster_.feature_importance(importance_type="gain")
    return sorted(zip(feature_names, (float(g) for g in gains)), key=lambda item: -item[1])
