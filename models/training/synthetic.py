"""Small synthetic dataset in the `ids dataset` contract, for tests of the pipeline (not for models).

`python -m models.training.synthetic --out DIR [--seed 42] [--scale 1.0]` writes DIR/train.csv and
DIR/holdout.csv with their `.json` sidecars. Classes are separable-ish (overlapping noise), features
have heavy tails (bytes/s up to ~1e9) like real flow features, the holdout uses other scenario
instances ("tools") with shifted parameters, and `benign-web` is replayed twice in train so the
split's repeated-run rule is exercised.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os

import numpy as np
import pandas as pd

FEATURE_SCHEMA = "cic+kdd/1"
# (name, kind): count -> non-negative integer, heavy -> huge-range float, rate -> [0, 1], port -> a service port
FEATURES: list[tuple[str, str]] = [
    ("duration", "heavy"), ("fwd_pkts", "count"), ("bwd_pkts", "count"), ("fwd_bytes", "heavy"),
    ("bwd_bytes", "heavy"), ("fwd_pkt_len_mean", "count"), ("fwd_pkt_len_max", "count"),
    ("fwd_pkt_len_min", "count"), ("fwd_pkt_len_std", "count"), ("bwd_pkt_len_mean", "count"),
    ("bwd_pkt_len_max", "count"), ("bwd_pkt_len_min", "count"), ("bwd_pkt_len_std", "count"),
    ("flow_bytes_per_s", "heavy"), ("flow_pkts_per_s", "heavy"), ("iat_mean", "heavy"), ("iat_std", "heavy"),
    ("iat_max", "heavy"), ("iat_min", "heavy"), ("fwd_iat_mean", "heavy"), ("bwd_iat_mean", "heavy"),
    ("syn_count", "count"), ("fin_count", "count"), ("rst_count", "count"), ("psh_count", "count"),
    ("ack_count", "count"), ("urg_count", "count"), ("down_up_ratio", "rate"), ("init_win_fwd", "count"),
    ("init_win_bwd", "count"), ("active_mean", "heavy"), ("idle_mean", "heavy"), ("dst_port", "port"),
    ("count_same_host", "count"), ("srv_count", "count"), ("serror_rate", "rate"), ("rerror_rate", "rate"),
    ("same_srv_rate", "rate"), ("diff_srv_rate", "rate"), ("dst_host_count", "count"),
]
FEATURE_NAMES = [name for name, _ in FEATURES]

# label -> (family, service ports, flows per second)
CLASSES = {
    "benign": ("benign", [80, 443, 53, 22], 2.0),
    "syn-flood": ("dos", [80], 50.0),
    "port-scan": ("scan", list(range(1, 1024)), 20.0),
    "ssh-bruteforce": ("bruteforce", [22], 5.0),
    "sql-injection": ("web", [80, 8080], 3.0),
}
# (scenario, label, flows, runs) per corpus; the holdout uses other tools (other scenario ids).
TRAIN_SCENARIOS = [
    ("benign-web", "benign", 700, 2), ("benign-dns", "benign", 500, 1), ("syn-flood-hping3", "syn-flood", 300, 1),
    ("portscan-nmap", "port-scan", 300, 1), ("ssh-bruteforce-hydra", "ssh-bruteforce", 250, 1),
    ("sqli-sqlmap", "sql-injection", 250, 1),
]
HOLDOUT_SCENARIOS = [
    ("benign-web-b", "benign", 400, 1), ("syn-flood-scapy", "syn-flood", 150, 1),
    ("portscan-masscan", "port-scan", 150, 1), ("ssh-bruteforce-medusa", "ssh-bruteforce", 120, 1),
    ("sqli-manual", "sql-injection", 100, 1),
]


def _profiles(seed: int) -> dict[str, np.ndarray]:
    """Latent mean per class: a shared base plus a class-specific offset on a third of the features."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.5, 3.0, size=len(FEATURES))
    profiles = {}
    for label in CLASSES:
        offset = np.zeros(len(FEATURES))
        if label != "benign":
            picked = rng.choice(len(FEATURES), size=len(FEATURES) // 3, replace=False)
            offset[picked] = rng.choice([-1.0, 1.0], size=len(picked)) * rng.uniform(0.8, 2.0, size=len(picked))
        profiles[label] = base + offset
    return profiles


def _values(latent: np.ndarray, label: str, rng: np.random.Generator) -> np.ndarray:
    out = np.empty_like(latent)
    ports = CLASSES[label][1]
    for j, (_, kind) in enumerate(FEATURES):
        z = latent[:, j]
        if kind == "count":
            out[:, j] = np.round(np.expm1(np.clip(z, 0, None) * 2.0))
        elif kind == "heavy":
            out[:, j] = np.expm1(np.clip(z, 0, None) * 5.0)  # up to ~1e9 at z ~ 4
        elif kind == "rate":
            out[:, j] = 1.0 / (1.0 + np.exp(-(z - 1.5) * 2.0))
        else:
            out[:, j] = rng.choice(ports, size=len(z))
    return out


def generate(scenarios: list[tuple[str, str, int, int]], seed: int, shift: float, prefix: str, t0: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    profiles = _profiles(seed=1234)  # the same classes in both corpora; `shift` models other tools
    tool_shift = np.random.default_rng(seed + 7).normal(0, shift, size=(len(CLASSES), len(FEATURES)))
    frames = []
    start = t0
    for scenario, label, flows, runs in scenarios:
        family, _, rate = CLASSES[label]
        mean = profiles[label] + tool_shift[list(CLASSES).index(label)]
        latent = mean + rng.normal(0.0, 0.6, size=(flows, len(FEATURES)))
        values = _values(latent, label, rng)
        gaps = rng.exponential(1.0 / rate, size=flows)
        ts = start + np.cumsum(gaps)
        per_run = int(np.ceil(flows / runs))
        ts = ts + (np.arange(flows) // per_run) * 3600.0  # replays an hour apart
        start = float(ts[-1]) + 120.0
        frame = pd.DataFrame(values, columns=FEATURE_NAMES)
        frame.insert(0, "family", family)
        frame.insert(0, "label", label)
        frame.insert(0, "scenario", scenario)
        frame.insert(0, "ts", np.round(ts, 6))
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True).sort_values("ts", kind="mergesort").reset_index(drop=True)
    table.insert(0, "flow_uid", [f"{prefix}{i:07x}" for i in range(len(table))])
    return table


def write(table: pd.DataFrame, path: str, source: str) -> None:
    table.to_csv(path, index=False)
    sidecar = {
        "feature_schema": FEATURE_SCHEMA,
        "feature_names": FEATURE_NAMES,
        "rows": len(table),
        "inputs": [{"path": source, "sha256": hashlib.sha256(source.encode()).hexdigest()}],
    }
    with open(path + ".json", "w", encoding="utf-8") as handle:
        json.dump(sidecar, handle, indent=2)


def _scaled(scenarios, scale: float):
    return [(s, label, max(8, int(n * scale)), runs) for s, label, n, runs in scenarios]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every scenario's flow count")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    train = generate(_scaled(TRAIN_SCENARIOS, args.scale), args.seed, 0.0, "CT", 1_790_000_000.0)
    holdout = generate(_scaled(HOLDOUT_SCENARIOS, args.scale), args.seed + 1, 0.25, "CH", 1_790_500_000.0)
    write(train, os.path.join(args.out, "train.csv"), f"synthetic://seed-{args.seed}/train")
    write(holdout, os.path.join(args.out, "holdout.csv"), f"synthetic://seed-{args.seed}/holdout")
    print(json.dumps({"train": len(train), "holdout": len(holdout), "features": len(FEATURE_NAMES)}))


if __name__ == "__main__":
    main()
