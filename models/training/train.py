"""Trains flow-gbdt, flow-mlp and flow-ae from a dataset CSV and writes them in the model artifact contract.

.local/venv/bin/python -m models.training.train --train DATASET.csv [--holdout HOLDOUT.csv] --out models \
    [--version 1.0.0] [--seed 42] [--alert-threshold 0.5] [--anomaly-fpr 0.005]

Exit status 0 on success (a JSON summary on stdout), 2 on a TrainingError (code and input on stderr;
nothing is written when the ONNX equivalence check fails). Argument and version checks run before
the heavy libraries load (see pipeline.py for the work itself).
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from .artifacts import check_versions_free
from .errors import TrainingError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m models.training.train", description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, help="train corpus CSV (its sidecar is CSV + .json)")
    parser.add_argument("--holdout", help="holdout corpus CSV: the test set; without it the validation split is reported as test")
    parser.add_argument("--out", required=True, help="models root: writes <out>/<name>/<version>/ and <out>/registry.json")
    parser.add_argument("--version", default="1.0.0")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--train-fraction", type=float, default=0.75)
    parser.add_argument("--instance-gap", type=float, default=600.0, help="seconds without flows that separate two runs of a scenario")
    parser.add_argument("--nn-max-rows", type=int, default=300_000,
                        help="flow-mlp and flow-ae train on at most this many rows (seeded subsample of the train split); sklearn MLPs are slow on millions")
    parser.add_argument("--alert-threshold", type=float, default=0.5)
    parser.add_argument("--alert-fpr", type=float, default=0.001,
                        help="classifiers: thresholds.alert is the lowest value >= --alert-threshold with at most this share of validation benign flows alerting")
    parser.add_argument("--anomaly-fpr", type=float, default=0.005, help="flow-ae with --anomaly-margin 0: target benign false-positive rate on validation")
    parser.add_argument("--anomaly-margin", type=float, default=1.5,
                        help="flow-ae: threshold = this x the highest validation benign score (0: the --anomaly-fpr quantile instead)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d+\.\d+\.\d+", args.version):
        parser.error(f"--version must be semver MAJOR.MINOR.PATCH, got {args.version!r}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        check_versions_free(args.out, args.version)
        from .pipeline import train  # heavy imports (sklearn, lightgbm, onnx, matplotlib) only now

        summary = train(args)
    except TrainingError as error:
        print(json.dumps({"error": type(error).__name__, "code": error.code, "message": str(error)}), file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
