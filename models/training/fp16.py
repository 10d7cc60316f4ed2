"""The float16 sibling of a tensor-operator model (`model.fp16.onnx`) and the check that sets `fp16_ok`.

.local/venv/bin/python -m models.training.fp16 --model-dir models/flow-ae/2.0.0 --test HOLDOUT.csv

Conversion (`convert`): float16 from the first MatMul/Gemm's input on (`onnx_graph.fp16_region`); the
signed log1p, the scaling and the converter's Cast stay float32, as do the graph's input and outputs.
Serving uses the file only on a GPU provider (libs/inference `placeModel`).

Check (`check`), on the model's test split, against the float32 model, under two evaluators:
ONNX Runtime CPU (runs float16 nodes without a CPU kernel in float32, which hides float16
arithmetic) and `onnx.reference.ReferenceEvaluator` (numpy float16 arithmetic throughout, the
pessimistic one). `fp16_ok` needs, under both:
- outputs within FP16_TOLERANCE: probabilities |diff| <= 1e-2; scores |diff| <= 1e-2 * max(1, |score|);
- decisions at the metadata threshold (classifier: the served label, i.e. attack / benign at
  `thresholds.alert` and which attack class; anomaly: score > `thresholds.anomaly`): no row may flip
  unless its float32 value is within the tolerance of the threshold (or, for the label, of the
  runner-up attack class), and at most FP16_MAX_FLIP_RATE (0.1 %) of rows, rounded up, may flip in all.

Exit status 0 prints a JSON summary (and writes the sibling when ok, removes a stale one when not,
and records the check in metadata.json); 2 prints `{"error", "code", "message"}` on stderr.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx.reference import ReferenceEvaluator

from . import onnx_graph
from .dataset import load_dataset
from .equivalence import run_onnx
from .errors import Fp16SourceError, TrainingError
from .metrics import attack_probability
from .transforms import as_float32

FP16_FILE = "model.fp16.onnx"
FP16_TOLERANCE = 1e-2
FP16_MAX_FLIP_RATE = 0.001
EVALUATORS = ("onnxruntime-cpu", "onnx-reference")


def convert(model: onnx.ModelProto) -> onnx.ModelProto:
    """Same model, same bytes on every run; records which float32 file it came from."""
    start, ends = onnx_graph.fp16_region(model)
    half = onnx_graph.to_mixed_fp16(model, start, ends)
    half.graph.name = model.graph.name
    del half.metadata_props[:]
    for key, value in (("fp16_of_sha256", hashlib.sha256(model.SerializeToString()).hexdigest()),
                       ("fp16_region", f"{start} -> {', '.join(ends)}")):
        half.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(half)
    return half


def run_reference(model: onnx.ModelProto, x: np.ndarray, output: str) -> np.ndarray:
    evaluator = ReferenceEvaluator(model)
    with np.errstate(over="ignore", invalid="ignore"):  # float16 overflow is what the check is for: it shows as inf/nan
        return np.asarray(evaluator.run([output], {model.graph.input[0].name: x})[0])


def _decisions(values: np.ndarray, role: str, classes: list[str] | None, thresholds: dict) -> tuple[np.ndarray, np.ndarray]:
    """(decision per row, its distance to the nearest other decision) — what serving would do."""
    if role == "classifier":
        attack = attack_probability(values, classes)
        alert = thresholds["alert"]
        attack_columns = np.sort(values[:, [k for k, c in enumerate(classes) if c != "benign"]], axis=1)
        runner_up = attack_columns[:, -1] - (attack_columns[:, -2] if attack_columns.shape[1] > 1 else 0.0)
        label = np.where(attack >= alert, np.argmax(np.where([c == "benign" for c in classes], -1.0, values), axis=1), -1)
        distance = np.where(attack >= alert, np.minimum(attack - alert, runner_up / 2), alert - attack)
        return label, np.abs(distance)
    scores = values.reshape(-1)
    threshold = thresholds["anomaly"]
    return scores > threshold, np.abs(scores - threshold) / max(1.0, abs(threshold))


def compare(fp32: np.ndarray, fp16: np.ndarray, role: str, classes: list[str] | None, thresholds: dict) -> dict:
    """One evaluator's outputs against the float32 model's."""
    fp32 = fp32.astype(np.float64)
    fp16 = fp16.astype(np.float64).reshape(fp32.shape)
    abs_diff = np.abs(fp16 - fp32)
    scaled = abs_diff if role == "classifier" else abs_diff / np.maximum(1.0, np.abs(fp32))
    d32, distance = _decisions(fp32, role, classes, thresholds)
    d16, _ = _decisions(fp16, role, classes, thresholds)
    flips = d32 != d16
    return {"max_abs_diff": float(abs_diff.max()), "max_diff": float(scaled.max()),
            "decision_flips": int(flips.sum()), "flips_outside_band": int((flips & (distance > FP16_TOLERANCE)).sum()),
            "decision_agreement": float(1.0 - flips.mean())}


def allowed_flips(rows: int) -> int:
    """FP16_MAX_FLIP_RATE of the rows, rounded up: one row at the threshold may flip on a small test split."""
    return math.ceil(FP16_MAX_FLIP_RATE * rows)


def check(fp32_model: onnx.ModelProto, fp16_model: onnx.ModelProto, x: np.ndarray, role: str, output: str,
          classes: list[str] | None, thresholds: dict) -> dict:
    """The verdict (worst of both evaluators) that sets `fp16_ok`; never raises on a float16 failure."""
    reference = run_onnx(fp32_model, x, output)
    per, errors = {}, {}
    for evaluator, run in zip(EVALUATORS, (run_onnx, run_reference)):
        try:
            per[evaluator] = compare(reference, run(fp16_model, x, output), role, classes, thresholds)
        except Exception as error:  # an op without a float16 kernel: report, do not fail the run
            errors[evaluator] = str(error).splitlines()[0]
    rows = int(len(x))
    if errors:
        return {"ok": False, "rows": rows, "evaluators": list(EVALUATORS), "errors": errors,
                "reason": f"float16 variant did not run: {errors}"}
    worst = {k: max(p[k] for p in per.values()) for k in ("max_abs_diff", "max_diff", "decision_flips", "flips_outside_band")}
    worst["decision_agreement"] = min(p["decision_agreement"] for p in per.values())
    allowed = allowed_flips(rows)
    ok = bool(worst["max_diff"] <= FP16_TOLERANCE and worst["flips_outside_band"] == 0 and worst["decision_flips"] <= allowed)
    tolerance = f"{FP16_TOLERANCE}" if role == "classifier" else f"{FP16_TOLERANCE} * max(1, |score|)"
    return {
        "ok": ok, "rows": rows, "evaluators": list(EVALUATORS), **worst, "tolerance": tolerance,
        "max_flip_rate": FP16_MAX_FLIP_RATE, "by_evaluator": per,
        "reason": (f"float16 from the first MatMul on (log1p, scaling and Cast stay fp32: raw features overflow fp16), "
                   f"{rows} test rows, worst of {' and '.join(EVALUATORS)}: max diff {worst['max_diff']:.3g} (tolerance {tolerance}), "
                   f"{worst['decision_flips']} decision flips ({worst['flips_outside_band']} away from the threshold; "
                   f"allowed 0 and {allowed}, {FP16_MAX_FLIP_RATE:.1%} of rows rounded up) -> fp16_ok {ok}"),
    }


def summary(verdict: dict) -> dict:
    """The part of the verdict metadata.json keeps (`fp16`, beside `fp16_ok`)."""
    keys = ("rows", "evaluators", "max_abs_diff", "max_diff", "tolerance", "decision_agreement", "decision_flips",
            "flips_outside_band", "max_flip_rate", "errors")
    return {"file": FP16_FILE if verdict["ok"] else None, **{k: _json_number(verdict[k]) for k in keys if k in verdict}}


def _json_number(value: object) -> object:
    """float16 overflow makes inf/nan differences; JSON (and JSON.parse in serving) has no such numbers."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def with_verdict(metadata: dict, verdict: dict) -> dict:
    """metadata with `fp16_ok` and `fp16` (right after it) and `metrics.fp16_max_diff` set from the verdict."""
    out = {}
    for key, value in metadata.items():
        if key == "fp16":
            continue
        out[key] = value
        if key == "fp16_ok":
            out["fp16_ok"] = bool(verdict["ok"])
            out["fp16"] = summary(verdict)
    if isinstance(out.get("metrics"), dict):
        out["metrics"] = {**out["metrics"], "fp16_max_diff": _json_number(verdict.get("max_diff"))}
    return out


def _test_rows(metadata: dict, csv_path: str) -> np.ndarray:
    """The model's test split: the holdout corpus its metadata names, checked by sha256."""
    manifest = next((d for d in metadata.get("training", {}).get("data", []) if d.get("role") == "holdout"), None)
    if manifest is None:
        raise Fp16SourceError("the model was trained without a holdout corpus: its test split is not a file to pass", metadata.get("name"))
    dataset = load_dataset(csv_path)
    if dataset.sha256 != manifest["sha256"]:
        raise Fp16SourceError(f"the test CSV is not the model's holdout (sha256 {manifest['sha256']})", csv_path)
    if dataset.feature_names != metadata["feature_names"]:
        raise Fp16SourceError("the test CSV's features differ from the model's", csv_path)
    return as_float32(dataset.features)


def run(model_dir: str, test_csv: str) -> dict:
    with open(os.path.join(model_dir, "metadata.json"), encoding="utf-8") as handle:
        metadata = json.load(handle)
    if metadata.get("operators") != "tensor":
        raise Fp16SourceError("only tensor-operator models get a float16 sibling (tree ensembles run on the CPU provider)", model_dir)
    fp32_model = onnx.load(os.path.join(model_dir, metadata["file"]))
    half = convert(fp32_model)
    output = next(iter(metadata["outputs"].values()))
    verdict = check(fp32_model, half, _test_rows(metadata, test_csv), metadata["role"], output, metadata.get("classes"), metadata["thresholds"])
    target = os.path.join(model_dir, FP16_FILE)
    if verdict["ok"]:
        write_model(target, half)
    elif os.path.exists(target):
        os.remove(target)
    with open(os.path.join(model_dir, "metadata.json"), "w", encoding="utf-8") as handle:
        json.dump(with_verdict(metadata, verdict), handle, indent=2)
        handle.write("\n")
    _update_report(os.path.join(model_dir, "report"), verdict)
    return {"model": model_dir, "fp16_ok": verdict["ok"], "file": target if verdict["ok"] else None,
            "fp16": summary(verdict), "by_evaluator": verdict.get("by_evaluator"), "reason": verdict["reason"]}


def _update_report(directory: str, verdict: dict) -> None:
    """The fp16 figures in report/metrics.json and the fp16 line of report.md, as the pipeline writes them."""
    metrics_file, report_file = os.path.join(directory, "metrics.json"), os.path.join(directory, "report.md")
    if os.path.exists(metrics_file):
        with open(metrics_file, encoding="utf-8") as handle:
            metrics = json.load(handle)
        metrics["fp16"] = verdict
        with open(metrics_file, "w", encoding="utf-8") as handle:
            json.dump(metrics, handle, indent=2, sort_keys=True)
    if os.path.exists(report_file):
        with open(report_file, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        lines = [f"fp16: {verdict['reason']}" if line.startswith("fp16: ") else line for line in lines]
        lines = [line.replace(f"fp16_ok {not verdict['ok']}.", f"fp16_ok {verdict['ok']}.") if line.startswith("Created ") else line for line in lines]
        with open(report_file, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))


def write_model(path: str, model: onnx.ModelProto) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as handle:
        handle.write(model.SerializeToString())
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.training.fp16", description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", required=True, help="a version directory: model.onnx + metadata.json (model.onnx is only read)")
    parser.add_argument("--test", required=True, help="the holdout CSV named in metadata.training.data (checked by sha256)")
    args = parser.parse_args(argv)
    try:
        result = run(args.model_dir, args.test)
    except TrainingError as error:
        print(json.dumps({"error": type(error).__name__, "code": error.code, "message": str(error)}), file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
