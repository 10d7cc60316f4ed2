"""Python side of the inference benchmark (test/bench/inference/run.ts starts it, pinned to one CPU).

    .local/venv/bin/python test/bench/inference/inference-reference.py --train out/datasets/train.csv \
        --holdout out/datasets/holdout.csv --models models [--fit-cache FILE.pkl] [--no-fit]

Loads the rows, opens each model.onnx in onnxruntime (intra_op_num_threads=1), and retrains the
original Python models exactly as models/training/pipeline.py does (same modules, split and seed:
the pipeline keeps no fitted objects), or loads them from --fit-cache while the train CSV, the
training code, the seed and the library versions are the ones they were fitted with. The
retrained models are checked against the committed golden.json outputs (goldenMaxAbsDiff). Prints one JSON line `{"ready": ...}`, then answers one JSON
line per command read from stdin:

    {"runtime": "python-ort" | "python-model", "model": NAME, "batch": N, "seconds": S, "minIterations": K}
    -> {"iterations", "rows", "seconds", "p50_ms", "p99_ms", "mean_ms", "min_ms", "max_ms"}

Batches are the same rows the Node side uses: rows = holdout then train (float32), batch k of
size N starts at row (k * N) mod (rows - N + 1), k = 0..7 cycled (see feature-rows.ts).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import os
import random
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

from models.training import autoencoder, gbdt, mlp  # noqa: E402
from models.training.dataset import BENIGN, load_dataset  # noqa: E402
from models.training.pipeline import _cap  # noqa: E402
from models.training.split import split_by_scenario_time  # noqa: E402
from models.training.transforms import as_float32  # noqa: E402

MODELS = ("flow-gbdt", "flow-mlp", "flow-ae")
DISTINCT_BATCHES = 8


def batch_offsets(total_rows: int, batch: int) -> list[int]:
    span = total_rows - batch + 1
    return [(k * batch) % span for k in range(DISTINCT_BATCHES)]


def retrain(train_csv: str, metadata: dict) -> tuple[dict, dict]:
    """The three fits of pipeline.train, with its defaults and the committed models' seed."""
    training = metadata["training"]
    seed = int(training["seed"])
    fraction, gap, nn_max_rows = 0.75, 600.0, 300_000  # train.py defaults, the ones 1.0.0 was trained with
    random.seed(seed)
    np.random.seed(seed)
    corpus = load_dataset(train_csv)
    labels = set(corpus.frame["label"])
    classes = [BENIGN] + sorted(labels - {BENIGN})
    split = split_by_scenario_time(corpus.frame, fraction, gap)
    x_all = as_float32(corpus.features)
    y_all = corpus.frame["label"].map({c: k for k, c in enumerate(classes)}).to_numpy()
    x_tr, y_tr = x_all[split.train], y_all[split.train]
    x_va, y_va = x_all[split.validation], y_all[split.validation]
    t0 = time.perf_counter()
    gbdt_model = gbdt.train_gbdt(x_tr, y_tr, x_va, y_va, len(classes), seed)
    t1 = time.perf_counter()
    mlp_rows = _cap(np.arange(len(y_tr)), nn_max_rows, seed)
    mlp_model = mlp.train_mlp(x_tr[mlp_rows], y_tr[mlp_rows], len(classes), seed)
    t2 = time.perf_counter()
    ae_model = autoencoder.train_autoencoder(x_tr[_cap(np.flatnonzero(y_tr == 0), nn_max_rows, seed)], seed)
    t3 = time.perf_counter()
    models = {"flow-gbdt": gbdt_model, "flow-mlp": mlp_model, "flow-ae": ae_model}
    info = {
        "how": "models.training gbdt.train_gbdt / mlp.train_mlp / autoencoder.train_autoencoder on the same split "
               f"(split_by_scenario_time fraction {fraction}, instance gap {gap} s), seed {seed}, nn_max_rows {nn_max_rows}",
        "classes": classes,
        "trainRows": int(len(split.train)),
        "validationRows": int(len(split.validation)),
        "fitSeconds": {"flow-gbdt": t1 - t0, "flow-mlp": t2 - t1, "flow-ae": t3 - t2},
        "gbdtBestIteration": int(gbdt_model.best_iteration_ or gbdt_model.n_estimators),
        "timed": {
            "flow-gbdt": "gbdt.predict_gbdt: LGBMClassifier.predict_proba(x as float64, num_iteration=best), num_threads=1",
            "flow-mlp": "mlp.predict_mlp: signed_log1p then Pipeline(StandardScaler, MLPClassifier).predict_proba",
            "flow-ae": "autoencoder.score_autoencoder: signed_log1p, StandardScaler, MLPRegressor.predict, mean squared error per row",
        },
    }
    return models, info


TRAINING_SOURCES = ("dataset.py", "split.py", "transforms.py", "gbdt.py", "mlp.py", "autoencoder.py", "pipeline.py")


def fit_stamp(train_csv: str, seed: int) -> str:
    """What a cached fit depends on: the train CSV, the training code, the seed and library versions."""
    import lightgbm
    import sklearn
    h = hashlib.sha256()
    for path in [train_csv] + [os.path.join(ROOT, "models", "training", f) for f in TRAINING_SOURCES]:
        with open(path, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    h.update(f"{seed}|{lightgbm.__version__}|{sklearn.__version__}|{np.__version__}".encode())
    return h.hexdigest()


def fitted(train_csv: str, metadata: dict, cache: str | None, allow_fit: bool):
    """The retrained models, from `cache` when its stamp matches (the fits take ~35 s on one core).
    Returns (objects or None, info)."""
    stamp = fit_stamp(train_csv, int(metadata["training"]["seed"]))
    if cache and os.path.exists(cache):
        with open(cache, "rb") as f:
            saved = pickle.load(f)
        if saved.get("stamp") == stamp:
            return saved["models"], {**saved["info"], "fromCache": cache}
    if not allow_fit:
        return None, {"skipped": "no cached fit matching the train CSV and training code (--no-fit): run the full bench once"}
    t0 = time.perf_counter()
    models, info = retrain(train_csv, metadata)
    info["retrainSeconds"] = time.perf_counter() - t0
    if cache:
        os.makedirs(os.path.dirname(os.path.abspath(cache)), exist_ok=True)
        with open(cache, "wb") as f:
            pickle.dump({"stamp": stamp, "models": models, "info": info}, f)
    return models, {**info, "fromCache": None}


def predictors(models: dict) -> dict:
    return {
        "flow-gbdt": lambda x: gbdt.predict_gbdt(models["flow-gbdt"], x),
        "flow-mlp": lambda x: mlp.predict_mlp(models["flow-mlp"], x),
        "flow-ae": lambda x: autoencoder.score_autoencoder(models["flow-ae"], x),
    }


def golden_check(predict, models_dir: str, versions: dict) -> dict:
    """Max abs diff between the retrained model and the committed model's Python outputs (golden.json):
    0 (or ~1e-15) means the retrained objects are the ones the committed ONNX files were exported from."""
    out = {}
    for name in MODELS:
        with open(os.path.join(models_dir, name, versions[name], "golden.json")) as f:
            golden = json.load(f)
        x = np.asarray(golden["rows"], dtype=np.float32)
        expected = np.asarray(next(iter(golden["outputs"].values())), dtype=np.float64)
        got = np.asarray(predict[name](x), dtype=np.float64).reshape(expected.shape)
        out[name] = float(np.max(np.abs(got - expected)))
    return out


def summarize(latencies: list[float], rows: int) -> dict:
    a = np.asarray(latencies)
    total = float(a.sum())
    return {
        "iterations": int(a.size), "rows": int(rows), "seconds": total,
        # numpy's default (linear) percentile; latency-stats.ts computes the same.
        "p50_ms": float(np.percentile(a, 50)) * 1e3, "p99_ms": float(np.percentile(a, 99)) * 1e3,
        "mean_ms": float(a.mean()) * 1e3, "min_ms": float(a.min()) * 1e3, "max_ms": float(a.max()) * 1e3,
    }


def measure(run, batches: list[np.ndarray], seconds: float, min_iterations: int) -> dict:
    run(batches[0])  # warm-up, untimed
    latencies: list[float] = []
    rows = 0
    clock = time.perf_counter
    deadline = clock() + seconds
    k = 0
    while True:
        x = batches[k % len(batches)]
        t = clock()
        run(x)
        latencies.append(clock() - t)
        rows += len(x)
        k += 1
        if k >= min_iterations and clock() >= deadline:
            break
    return summarize(latencies, rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--holdout", required=True)
    parser.add_argument("--models", required=True)
    parser.add_argument("--fit-cache", help="pickle of the retrained models, reused while the train CSV and training code match")
    parser.add_argument("--no-fit", action="store_true", help="never retrain: without a matching --fit-cache, python-model is not measured")
    args = parser.parse_args()
    with open(os.path.join(args.models, "registry.json")) as f:
        json.load(f)
    versions = {}
    metadata = {}
    for name in MODELS:
        found = sorted(os.listdir(os.path.join(args.models, name)), key=lambda v: [int(p) for p in v.split(".")] if v.count(".") == 2 and v.replace(".", "").isdigit() else [-1])
        versions[name] = found[-1]
        with open(os.path.join(args.models, name, versions[name], "metadata.json")) as f:
            metadata[name] = json.load(f)
    holdout = as_float32(load_dataset(args.holdout).features)
    train = as_float32(load_dataset(args.train).features)
    rows = np.ascontiguousarray(np.concatenate([holdout, train]), dtype=np.float32)

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sessions = {}
    for name in MODELS:
        path = os.path.join(args.models, name, versions[name], metadata[name]["file"])
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        output = next(iter(metadata[name]["outputs"].values()))
        sessions[name] = (session, metadata[name]["input"], output)

    models, info = fitted(args.train, metadata["flow-gbdt"], args.fit_cache, not args.no_fit)
    predict = predictors(models) if models is not None else None
    if predict is not None:
        info["goldenMaxAbsDiff"] = golden_check(predict, args.models, versions)
    import lightgbm
    import sklearn
    print(json.dumps({
        "ready": True, "rows": int(len(rows)), "features": int(rows.shape[1]), "versions": versions,
        "python": sys.version.split()[0], "onnxruntime": ort.__version__, "lightgbm": lightgbm.__version__,
        "sklearn": sklearn.__version__, "numpy": np.__version__, "retrain": info,
    }), flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        name, batch = cmd["model"], int(cmd["batch"])
        batches = [rows[o:o + batch] for o in batch_offsets(len(rows), batch)]
        if cmd["runtime"] == "python-ort":
            session, input_name, output = sessions[name]
            run = lambda x, s=session, i=input_name, o=output: s.run([o], {i: x})  # noqa: E731
        elif cmd["runtime"] == "python-model" and predict is not None:
            run = predict[name]
        else:
            print(json.dumps({"error": f"runtime {cmd['runtime']} unavailable"}), flush=True)
            continue
        print(json.dumps(measure(run, batches, float(cmd["seconds"]), int(cmd.get("minIterations", 3)))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
