"""The training pipeline behind `python -m models.training.train` (see train.py for the command):
load, split, train three models, export, check ONNX equivalence, report, write artifacts."""
from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime, timezone

import numpy as np
import onnx
import pandas as pd

from . import artifacts, autoencoder, fp16, gbdt, mlp, onnx_graph
from .artifacts import REGISTRY_ROLES, check_versions_free
from .dataset import BENIGN, Dataset, load_dataset
from .equivalence import check_probabilities, check_scores, run_onnx
from .errors import DatasetSchemaError, DatasetValueError, OnnxGraphEditError
from .metrics import anomaly_metrics, attack_probability, classifier_metrics
from .report import plot_confusion, plot_importances, plot_scores, write_report
from .split import split_by_scenario_time
from .thresholds import alert_threshold, anomaly_threshold
from .transforms import as_float32
GOLDEN_ROWS = 8


def _log(message: str) -> None:
    print(f"[train] {message}", file=sys.stderr, flush=True)


def _created() -> str:
    # SOURCE_DATE_EPOCH pins the timestamp for byte-identical reruns.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _golden(x: np.ndarray, frame: pd.DataFrame, output: str, reference: np.ndarray) -> dict:
    """A few test rows (one per true label first) with the Python model's outputs, for serving tests."""
    first = frame.drop_duplicates("label").index.tolist()
    rows = (first + [k for k in range(len(frame)) if k not in first])[:GOLDEN_ROWS]
    return {
        "input": "input",
        "flow_uid": [str(frame["flow_uid"].iloc[k]) for k in rows],
        "rows": [[float(v) for v in x[k]] for k in rows],
        "outputs": {output: [np.asarray(reference[k]).astype(float).tolist() for k in rows]},
    }


def _summary(metrics: dict, prefix: str) -> dict:
    keys = ("benign_false_positive_rate", "flow_detection_rate", "instance_detection_rate", "macro_f1", "accuracy", "roc_auc")
    return {f"{prefix}_{k}": metrics[k] for k in keys if k in metrics}


def _check_tensor_only(name: str, model: onnx.ModelProto) -> None:
    violations = onnx_graph.tensor_only_violations(model)
    if violations:
        raise OnnxGraphEditError(f"{name}: a 'tensor' model contains non-tensor ops", violations)


def _fp16(model: onnx.ModelProto, x: np.ndarray, role: str, output: str, classes: list[str], thresholds: dict) -> tuple[dict, onnx.ModelProto | None]:
    """The float16 sibling and its verdict on the test split; the sibling is written only when ok."""
    try:
        half = fp16.convert(model)
    except OnnxGraphEditError as error:
        return {"ok": False, "reason": f"no float16 variant: {error}"}, None
    verdict = fp16.check(model, half, x, role, output, classes if role == "classifier" else None, thresholds)
    return verdict, (half if verdict["ok"] else None)


def _cap(rows: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """A seeded subsample (order kept) when `rows` exceeds `limit`; the split itself stays by time."""
    if len(rows) <= limit:
        return rows
    return np.sort(np.random.default_rng(seed).choice(rows, size=limit, replace=False))


def train(args) -> dict:
    """`args`: the namespace parsed by train.parse_args."""
    started = time.time()
    check_versions_free(args.out, args.version)
    random.seed(args.seed)
    np.random.seed(args.seed)
    corpus = load_dataset(args.train)
    holdout: Dataset | None = load_dataset(args.holdout) if args.holdout else None
    if holdout and (holdout.feature_names != corpus.feature_names or holdout.feature_schema != corpus.feature_schema):
        raise DatasetSchemaError("holdout feature schema/names differ from the train corpus", holdout.path)
    names = corpus.feature_names
    labels = set(corpus.frame["label"])
    if BENIGN not in labels or len(labels) < 2:
        raise DatasetValueError("the train corpus needs benign flows and at least one attack label", corpus.path)
    classes = [BENIGN] + sorted(labels - {BENIGN})
    families = {c: str(corpus.frame.loc[corpus.frame["label"] == c, "family"].mode().iloc[0]) for c in classes}
    split = split_by_scenario_time(corpus.frame, args.train_fraction, args.instance_gap)
    split_text = split.describe(args.train_fraction, args.instance_gap)
    x_all = as_float32(corpus.features)
    y_all = corpus.frame["label"].map({c: k for k, c in enumerate(classes)}).to_numpy()
    x_tr, y_tr = x_all[split.train], y_all[split.train]
    x_va, y_va = x_all[split.validation], y_all[split.validation]
    frame_va = corpus.frame.iloc[split.validation].reset_index(drop=True)
    if holdout:
        x_te, frame_te, test_set = as_float32(holdout.features), holdout.frame, "holdout corpus"
    else:
        x_te, frame_te, test_set = x_va, frame_va, "validation split (no holdout given)"
    is_attack_te = (frame_te["label"] != BENIGN).to_numpy()
    is_attack_va = (frame_va["label"] != BENIGN).to_numpy()
    _log(f"{corpus.rows} rows, {len(names)} features, classes {classes}; train {len(split.train)}, validation {len(split.validation)}, test {len(frame_te)}")

    built = {}
    # flow-gbdt
    gbdt_model = gbdt.train_gbdt(x_tr, y_tr, x_va, y_va, len(classes), args.seed)
    gbdt_onnx = gbdt.export_gbdt(gbdt_model, len(names))
    gbdt_ref = gbdt.predict_gbdt(gbdt_model, x_te)
    gbdt_te = run_onnx(gbdt_onnx, x_te, "probabilities")
    built["flow-gbdt"] = {
        "onnx": gbdt_onnx, "role": "classifier", "operators": "tree-ensemble", "output": "probabilities",
        "equivalence": check_probabilities("flow-gbdt", gbdt_ref, gbdt_te),
        "fp16": {"ok": False, "reason": "tree-ensemble (ai.onnx.ml) ops run on the CPU provider only; no float16 variant is made"},
        "test": gbdt_te, "validation": run_onnx(gbdt_onnx, x_va, "probabilities"), "reference": gbdt_ref,
        "importances": gbdt.gain_importances(gbdt_model, names),
        "export": gbdt.describe(gbdt_model),
    }
    _log(f"flow-gbdt done ({time.time() - started:.1f} s), max abs diff {built['flow-gbdt']['equivalence']['max_abs_diff']:.2g}")
    # flow-mlp
    mlp_rows = _cap(np.arange(len(y_tr)), args.nn_max_rows, args.seed)
    mlp_model = mlp.train_mlp(x_tr[mlp_rows], y_tr[mlp_rows], len(classes), args.seed)
    mlp_onnx, _ = mlp.export_mlp(mlp_model, len(names))
    _check_tensor_only("flow-mlp", mlp_onnx)
    mlp_ref = mlp.predict_mlp(mlp_model, x_te)
    mlp_te = run_onnx(mlp_onnx, x_te, "probabilities")
    built["flow-mlp"] = {
        "onnx": mlp_onnx, "role": "classifier", "operators": "tensor", "output": "probabilities",
        "equivalence": check_probabilities("flow-mlp", mlp_ref, mlp_te),
        "test": mlp_te, "validation": run_onnx(mlp_onnx, x_va, "probabilities"), "reference": mlp_ref,
        "importances": None,
        "export": {"hidden_layer_sizes": list(mlp_model.named_steps["mlp"].hidden_layer_sizes), "training_rows": int(len(mlp_rows))},
    }
    _log(f"flow-mlp done ({time.time() - started:.1f} s), max abs diff {built['flow-mlp']['equivalence']['max_abs_diff']:.2g}")
    # flow-ae: benign training flows only; threshold from validation benign flows
    ae_model = autoencoder.train_autoencoder(x_tr[_cap(np.flatnonzero(y_tr == 0), args.nn_max_rows, args.seed)], args.seed)
    ae_onnx, _, _ = autoencoder.export_autoencoder(ae_model, len(names))
    _check_tensor_only("flow-ae", ae_onnx)
    ae_va = run_onnx(ae_onnx, x_va, "score").reshape(-1)
    benign_va = ae_va[~is_attack_va]
    threshold = anomaly_threshold(benign_va, args.anomaly_margin, args.anomaly_fpr)
    ae_ref = autoencoder.score_autoencoder(ae_model, x_te)
    ae_te = run_onnx(ae_onnx, x_te, "score").reshape(-1)
    built["flow-ae"] = {
        "onnx": ae_onnx, "role": "anomaly", "operators": "tensor", "output": "score",
        "equivalence": check_scores("flow-ae", ae_ref, ae_te, threshold),
        "test": ae_te, "validation": ae_va, "reference": ae_ref, "importances": None, "threshold": threshold,
        "export": {"benign_training_rows": int(min((y_tr == 0).sum(), args.nn_max_rows)), "threshold_rule": (f"{args.anomaly_margin:g} x the highest validation benign score ({len(benign_va)} flows)" if args.anomaly_margin > 0
                                                                     else f"quantile {1 - args.anomaly_fpr:g} of validation benign scores ({len(benign_va)} flows)")},
    }
    _log(f"flow-ae done ({time.time() - started:.1f} s), threshold {threshold:.4g}")

    created = _created()
    data = [corpus.manifest("train")] + ([holdout.manifest("holdout")] if holdout else [])
    training = {
        "data": data, "split": split_text, "split_scenarios": split.scenarios, "seed": args.seed, "created": created,
        "test_set": test_set, "rows": {"train": int(len(split.train)), "validation": int(len(split.validation)), "test": int(len(frame_te))},
    }
    written = {}
    for name, b in built.items():
        if b["role"] == "classifier":
            # Chosen on the validation split's benign flows: the holdout only measures.
            alert = alert_threshold(attack_probability(b["validation"], classes)[~is_attack_va], args.alert_threshold, args.alert_fpr)
            thresholds = {"alert": alert}
            b["export"]["threshold_rule"] = (f"lowest >= {args.alert_threshold:g} with at most {args.alert_fpr:g} of validation benign flows "
                                             f"({int((~is_attack_va).sum())}) alerting")
            m_test = classifier_metrics(frame_te, b["test"], classes, alert)
            m_val = classifier_metrics(frame_va, b["validation"], classes, alert)
            outputs = {"probabilities": "probabilities"}
        else:
            thresholds = {"anomaly": b["threshold"]}
            m_test = anomaly_metrics(frame_te, b["test"], b["threshold"])
            m_val = anomaly_metrics(frame_va, b["validation"], b["threshold"])
            outputs = {"score": "score"}
        b["onnx"].graph.name = name  # converters put a random uuid here; the files must be byte-reproducible
        siblings = {}
        if b["operators"] == "tensor":
            # After the threshold: the check counts decisions that flip at it.
            b["fp16"], half = _fp16(b["onnx"], x_te, b["role"], b["output"], classes, thresholds)
            siblings = {fp16.FP16_FILE: half} if half is not None else {}
        metrics = {"test": m_test, "validation": m_val, "equivalence": b["equivalence"], "fp16": b["fp16"], "test_set": test_set}
        metadata = {
            "name": name, "version": args.version, "role": b["role"], "file": artifacts.MODEL_FILE,
            "operators": b["operators"], "fp16_ok": bool(b["fp16"]["ok"]),
            **({"fp16": fp16.summary(b["fp16"])} if b["operators"] == "tensor" else {}), "feature_schema": corpus.feature_schema,
            "feature_names": names, "input": "input", "outputs": outputs,
            **({"classes": classes} if b["role"] == "classifier" else {}),
            "families": families, "thresholds": thresholds, "training": training,
            "metrics": {**_summary(m_test, "test"), **_summary(m_val, "validation"),
                        "onnx_max_abs_diff": b["equivalence"]["max_abs_diff"], "fp16_max_diff": fp16.summary(b["fp16"]).get("max_diff")},
            "export": {"opset": {o.domain or "ai.onnx": o.version for o in b["onnx"].opset_import},
                       "golden": artifacts.GOLDEN_FILE, **b["export"]},
        }

        def report(directory: str, b=b, metadata=metadata, metrics=metrics, thresholds=thresholds) -> None:
            os.makedirs(directory, exist_ok=True)
            figures = []
            if b["role"] == "classifier":
                plot_confusion(metrics["test"]["confusion"], os.path.join(directory, "confusion.png"), f"{name}: {test_set}")
                figures.append(("confusion.png", "confusion matrix (test)"))
                plot_scores(attack_probability(b["test"], classes), is_attack_te, thresholds["alert"], os.path.join(directory, "scores.png"),
                            f"{name}: highest attack-class probability ({test_set})", "max attack probability", log_x=False)
            else:
                plot_scores(b["test"], is_attack_te, thresholds["anomaly"], os.path.join(directory, "scores.png"),
                            f"{name}: reconstruction error ({test_set})", "score", log_x=True)
            figures.append(("scores.png", "score distribution, benign vs attack, with the threshold"))
            if b["importances"] is not None:
                plot_importances(b["importances"], os.path.join(directory, "importance.png"))
                figures.append(("importance.png", "feature importance (gain)"))
            write_report(directory, metadata, metrics, figures, b["importances"])

        golden = _golden(x_te, frame_te, b["output"], b["reference"])
        written[name] = artifacts.write_version(args.out, name, args.version, b["onnx"], metadata, golden, report, siblings)
        _log(f"wrote {written[name]}")
    registry = artifacts.update_registry(args.out, REGISTRY_ROLES)
    return {
        "models": written, "registry": registry, "seconds": round(time.time() - started, 1),
        "metrics": {name: {"equivalence_max_abs_diff": b["equivalence"]["max_abs_diff"], "fp16_ok": bool(b["fp16"]["ok"])} for name, b in built.items()},
    }
