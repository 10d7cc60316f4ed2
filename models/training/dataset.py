"""Loads a dataset CSV and its `.json` sidecar (the contract written by `ids dataset`) and checks both."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DatasetSchemaError, DatasetValueError

META_COLUMNS = ["flow_uid", "ts", "scenario", "label", "family"]
FAMILIES = ("benign", "dos", "scan", "web", "bruteforce")
BENIGN = "benign"


@dataclass
class Dataset:
    path: str
    sha256: str
    sidecar: dict
    frame: pd.DataFrame  # META_COLUMNS only
    features: np.ndarray = field(repr=False)  # float64 [N, F], feature_names order

    @property
    def feature_names(self) -> list[str]:
        return list(self.sidecar["feature_names"])

    @property
    def feature_schema(self) -> str:
        return str(self.sidecar["feature_schema"])

    @property
    def rows(self) -> int:
        return len(self.frame)

    def manifest(self, role: str) -> dict:
        """Training-data manifest entry: the CSV's own hash plus the captures it was extracted from."""
        return {
            "role": role,
            "path": _portable(self.path),
            "sha256": self.sha256,
            "rows": self.rows,
            "feature_schema": self.feature_schema,
            "inputs": list(self.sidecar.get("inputs", [])),
        }


def _portable(path: str) -> str:
    """Relative to the working directory (the repository root) when under it, so manifests do not
    carry one machine's checkout path; absolute otherwise."""
    relative = os.path.relpath(path, os.getcwd())
    return path if relative.startswith("..") else relative


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_sidecar(csv_path: str) -> dict:
    sidecar_path = csv_path + ".json"
    if not os.path.exists(sidecar_path):
        raise DatasetSchemaError("dataset sidecar is missing", sidecar_path)
    with open(sidecar_path, encoding="utf-8") as handle:
        sidecar = json.load(handle)
    for key in ("feature_schema", "feature_names"):
        if key not in sidecar:
            raise DatasetSchemaError(f"dataset sidecar has no '{key}'", sidecar_path)
    names = sidecar["feature_names"]
    if not names or len(set(names)) != len(names):
        raise DatasetSchemaError("feature_names is empty or has duplicates", sidecar_path)
    return sidecar


def load_dataset(csv_path: str) -> Dataset:
    csv_path = os.path.abspath(csv_path)
    if not os.path.exists(csv_path):
        raise DatasetSchemaError("dataset CSV does not exist", csv_path)
    sidecar = _read_sidecar(csv_path)
    names = list(sidecar["feature_names"])
    header = list(pd.read_csv(csv_path, nrows=0).columns)
    expected = META_COLUMNS + names
    if header != expected:
        first_bad = next((i for i, (a, b) in enumerate(zip(header, expected)) if a != b), min(len(header), len(expected)))
        raise DatasetSchemaError(
            f"CSV header differs from the contract at column {first_bad}: "
            f"got {header[first_bad] if first_bad < len(header) else '<end>'}, "
            f"want {expected[first_bad] if first_bad < len(expected) else '<end>'}",
            csv_path,
        )
    dtypes = {"flow_uid": str, "scenario": str, "label": str, "family": str, "ts": np.float64}
    dtypes.update({name: np.float64 for name in names})
    try:
        table = pd.read_csv(csv_path, dtype=dtypes, keep_default_na=False, na_values=[""])
    except ValueError as error:
        raise DatasetValueError(f"a column does not parse as its type: {error}", csv_path) from error
    if "rows" in sidecar and int(sidecar["rows"]) != len(table):
        raise DatasetSchemaError(f"sidecar says {sidecar['rows']} rows, CSV has {len(table)}", csv_path)
    if len(table) == 0:
        raise DatasetValueError("dataset has no rows", csv_path)
    bad_family = ~table["family"].isin(FAMILIES)
    if bad_family.any():
        row = int(np.flatnonzero(bad_family.to_numpy())[0])
        raise DatasetValueError(f"row {row}: family '{table['family'].iloc[row]}' is not one of {FAMILIES}", csv_path)
    benign_mismatch = (table["label"] == BENIGN) != (table["family"] == BENIGN)
    if benign_mismatch.any():
        row = int(np.flatnonzero(benign_mismatch.to_numpy())[0])
        raise DatasetValueError(f"row {row}: label and family disagree about benign", csv_path)
    features = table[names].to_numpy(dtype=np.float64)
    finite = np.isfinite(features)
    if not finite.all():
        row, col = (int(v) for v in np.argwhere(~finite)[0])
        raise DatasetValueError(f"row {row}, feature '{names[col]}' is not a finite number", csv_path)
    if not np.isfinite(table["ts"].to_numpy()).all():
        raise DatasetValueError("a ts is not a finite number", csv_path)
    return Dataset(
        path=csv_path,
        sha256=sha256_file(csv_path),
        sidecar=sidecar,
        frame=table[META_COLUMNS].reset_index(drop=True),
        features=features,
    )
