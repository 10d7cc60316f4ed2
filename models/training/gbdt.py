"""flow-gbdt: a compact tree ensemble -> one ONNX graph (TreeEnsemble ops, CPU only).

Two tree models, one graph:
- the **detector**, a LightGBM *binary* GBDT (benign vs any attack): one tree per round, where a
  multiclass GBDT grows one per class per round (20 classes made 2,160 trees and ~10 k rows/s);
- the **labeller**, one scikit-learn decision tree over the attack classes, trained on attack flows
  only: it names the attack, it never decides whether there is one.

The graph outputs `probabilities` over `classes` (benign first) as serving expects:
`[1 - p, 0, .., p, .., 0]` where p = P(attack) from the detector, all of it on the labeller's class.
So the served rule "highest attack-class probability >= thresholds.alert" is exactly
"1 - p(benign) >= thresholds.alert", the labeller cannot split the attack mass below the threshold,
and the label of an alerting flow is the labeller's.
"""
from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import onnx
from onnx import helper
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType
from sklearn.tree import DecisionTreeClassifier

from . import onnx_graph
from .errors import OnnxGraphEditError, SplitEmptyError
from .transforms import TARGET_OPSET

# onnxmltools 1.16 converts LightGBM up to opset 15; a tree model runs on the CPU provider anyway.
GBDT_OPSET = min(TARGET_OPSET, 15)

# Chosen on the validation split (models/training/README.md "flow-gbdt: how it was chosen"): the
# fewest trees that detect every validation attack instance with no validation benign flow at 0.5,
# with the widest margin between the two among those.
DETECTOR_PARAMS = {
    "objective": "binary", "n_estimators": 15, "learning_rate": 0.3, "num_leaves": 15, "min_child_samples": 10,
    "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "class_weight": "balanced",
}
LABELLER_PARAMS = {"criterion": "gini", "min_samples_leaf": 3, "class_weight": None}


@dataclass
class FlowGbdt:
    """The Python model the ONNX graph is exported from (and checked against)."""

    detector: lgb.LGBMClassifier
    labeller: DecisionTreeClassifier
    # labeller node -> class index (into `classes`) of its most probable attack class (leaves only used)
    node_class: np.ndarray
    n_classes: int

    # what the inference bench reads of a LightGBM model
    @property
    def best_iteration_(self) -> int:
        return int(self.detector.n_estimators)

    @property
    def n_estimators(self) -> int:
        return int(self.detector.n_estimators)

    @property
    def n_trees(self) -> int:
        return int(self.detector.n_estimators) + 1


def train_gbdt(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, n_classes: int, seed: int) -> FlowGbdt:
    """`y` indexes classes, 0 = benign. The validation split is not used here: the fixed
    hyperparameters above were chosen on it."""
    del x_val, y_val
    attack = y_train != 0
    if not attack.any() or attack.all():
        raise SplitEmptyError("flow-gbdt needs benign and attack flows in the train split", f"{int(attack.sum())} attack of {len(attack)}")
    detector = lgb.LGBMClassifier(**DETECTOR_PARAMS, random_state=seed, num_threads=1, deterministic=True, force_row_wise=True, verbose=-1)
    detector.fit(x_train, attack.astype(np.int64))
    labeller = DecisionTreeClassifier(**LABELLER_PARAMS, random_state=seed)
    labeller.fit(x_train[attack], y_train[attack])
    _floor_tree_thresholds(labeller)
    # sklearn's predict takes the first of tied classes; so does argmax here
    node_class = labeller.classes_[labeller.tree_.value[:, 0, :].argmax(axis=1)].astype(np.int64)
    return FlowGbdt(detector=detector, labeller=labeller, node_class=node_class, n_classes=n_classes)


def attack_probability_of(model: FlowGbdt, x: np.ndarray) -> np.ndarray:
    return model.detector.predict_proba(np.asarray(x, dtype=np.float64))[:, 1]


def attack_class_of(model: FlowGbdt, x: np.ndarray) -> np.ndarray:
    return model.node_class[model.labeller.apply(np.asarray(x, dtype=np.float32))]


def predict_gbdt(model: FlowGbdt, x: np.ndarray) -> np.ndarray:
    """[N, n_classes]: column 0 = 1 - P(attack), the labeller's class = P(attack), others 0."""
    p = attack_probability_of(model, x)
    out = np.zeros((len(p), model.n_classes), dtype=np.float64)
    out[:, 0] = 1.0 - p
    out[np.arange(len(p)), attack_class_of(model, x)] = p
    return out


def export_gbdt(model: FlowGbdt, n_features: int) -> onnx.ModelProto:
    onx = convert_lightgbm(
        model.detector, initial_types=[("input", FloatTensorType([None, n_features]))], zipmap=False,
        target_opset=GBDT_OPSET,
    )
    _round_thresholds_down(onx, model.detector)
    _set_default_opset(onx, GBDT_OPSET)  # the converter imports only what its own nodes need
    graph = onx.graph
    detector_out = "detector_probabilities"  # [N, 2]: P(benign), P(attack); the converter names it "probabilities"
    _rename_tensor(onx, graph.output[1].name, detector_out)
    fresh = lambda base: onnx_graph._fresh(onx, base)  # noqa: E731
    p_attack, p_benign, one_hot, attack_part = (fresh(n) for n in ("p_attack", "p_benign", "attack_one_hot", "attack_part"))
    starts = onnx_graph._add_const(onx, "col_start", np.array([1], dtype=np.int64))
    ends = onnx_graph._add_const(onx, "col_end", np.array([2], dtype=np.int64))
    axes = onnx_graph._add_const(onx, "col_axis", np.array([1], dtype=np.int64))
    one = onnx_graph._add_const(onx, "one", np.array(1.0, dtype=np.float32))
    graph.node.extend([
        helper.make_node("Slice", [detector_out, starts, ends, axes], [p_attack], name=fresh("slice_p_attack")),
        helper.make_node("Sub", [one, p_attack], [p_benign], name=fresh("sub_p_benign")),
        _labeller_node(model, "input", one_hot, fresh("labeller")),
        helper.make_node("Mul", [one_hot, p_attack], [attack_part], name=fresh("mul_p_attack")),
        helper.make_node("Concat", [p_benign, attack_part], ["probabilities"], axis=1, name=fresh("concat_probabilities")),
    ])
    probabilities = onnx_graph._float_output("probabilities", [None, model.n_classes])
    onnx_graph.prune_to_outputs(onx, [probabilities])
    onnx.checker.check_model(onx, full_check=True)
    return onx


def _rename_tensor(onx: onnx.ModelProto, old: str, new: str) -> None:
    for node in onx.graph.node:
        node.input[:] = [new if i == old else i for i in node.input]
        node.output[:] = [new if o == old else o for o in node.output]
    for value in onx.graph.output:
        if value.name == old:
            value.name = new


def _set_default_opset(onx: onnx.ModelProto, version: int) -> None:
    for entry in onx.opset_import:
        if entry.domain in ("", "ai.onnx"):
            entry.version = max(entry.version, version)
            return
    onx.opset_import.append(helper.make_opsetid("", version))


def _labeller_node(model: FlowGbdt, source: str, output: str, name: str) -> onnx.NodeProto:
    """The decision tree as an ai.onnx.ml TreeEnsembleRegressor with one target per attack class
    (classes[1:]): each leaf writes 1 to its class's target, so the output is the one-hot [N, C - 1]
    row the graph scales by P(attack). Thresholds are already float32 floors (see
    _floor_tree_thresholds), so ONNX and sklearn branch alike on float32 inputs."""
    tree = model.labeller.tree_
    left, right = tree.children_left, tree.children_right
    nodes = np.arange(tree.node_count)
    is_leaf = left == -1
    leaves = nodes[is_leaf]
    return helper.make_node(
        "TreeEnsembleRegressor", [source], [output], name=name, domain=onnx_graph.ML_DOMAIN,
        n_targets=model.n_classes - 1, aggregate_function="SUM", post_transform="NONE",
        nodes_treeids=[0] * tree.node_count, nodes_nodeids=nodes.tolist(),
        nodes_featureids=np.where(is_leaf, 0, tree.feature).astype(int).tolist(),
        nodes_modes=[b"LEAF" if leaf else b"BRANCH_LEQ" for leaf in is_leaf],
        nodes_values=np.where(is_leaf, 0.0, tree.threshold).astype(np.float32).tolist(),
        nodes_truenodeids=np.where(is_leaf, 0, left).astype(int).tolist(),
        nodes_falsenodeids=np.where(is_leaf, 0, right).astype(int).tolist(),
        nodes_missing_value_tracks_true=[0] * tree.node_count,
        target_treeids=[0] * len(leaves), target_nodeids=leaves.tolist(),
        target_ids=(model.node_class[leaves] - 1).astype(int).tolist(), target_weights=[1.0] * len(leaves),
    )


def _floor_tree_thresholds(labeller: DecisionTreeClassifier) -> int:
    """sklearn compares a float32 feature with a double threshold; replacing each threshold by its
    float32 floor changes no decision on float32 inputs and makes the float32 ONNX copy exact.
    Returns how many moved."""
    tree = labeller.tree_
    branch = tree.children_left != -1
    floors = np.array([float(_float32_floor(t)) for t in tree.threshold])
    moved = int((branch & (floors != tree.threshold)).sum())
    tree.threshold[branch] = floors[branch]  # tree_.threshold is a view of the node array
    if not np.array_equal(tree.threshold[branch], floors[branch]):
        raise OnnxGraphEditError("could not floor the decision tree's thresholds", moved)
    return moved


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


def gain_importances(model: FlowGbdt, feature_names: list[str]) -> list[tuple[str, float]]:
    """The detector's total gain per feature (what decides alerting)."""
    gains = model.detector.booster_.feature_importance(importance_type="gain")
    return sorted(zip(feature_names, (float(g) for g in gains)), key=lambda item: -item[1])


def describe(model: FlowGbdt) -> dict:
    """For metadata.export: the shape of the ensemble (what a row costs to score)."""
    dump = model.detector.booster_.dump_model()["tree_info"]
    return {
        "detector": {"kind": "lightgbm binary (benign vs attack)", "trees": len(dump),
                     "leaves": int(sum(t["num_leaves"] for t in dump)), **{k: v for k, v in DETECTOR_PARAMS.items() if k != "objective"}},
        "labeller": {"kind": "sklearn DecisionTreeClassifier over attack classes (attack flows only)",
                     "nodes": int(model.labeller.tree_.node_count), "depth": int(model.labeller.get_depth()),
                     "leaves": int(model.labeller.get_n_leaves()), **LABELLER_PARAMS},
        "output_rule": "probabilities = [1 - P(attack), one-hot(labeller class) * P(attack)]: the highest attack-class "
                       "probability is P(attack) = 1 - p(benign), so thresholds.alert applies to 1 - p(benign)",
    }

