#!/usr/bin/env python3
"""Cross-check of `runlens table --group-by` against pandas, computed independently.

Reads the example runs itself (W&B: files/config.yaml as {key: {value: ...}} plus
files/wandb-summary.json; plain baselines: config.yaml plus metrics.json), groups them with
pandas by optimizer name and learning rate (runs lacking them in their own group), and compares
every aggregate of every metric, the NaN counts and the group sizes with the CSV that runlens
writes, to 1e-12 relative. Exit status 0 on agreement, 1 on any difference, 77 (CTest's skip
code) when pandas or PyYAML is not importable.

    crosscheck_grouping.py RUNLENS_BINARY RUNS_FOLDER

pandas before 2.1 turns the groupby mean of a group holding an infinity into NaN (its Kahan
compensation becomes NaN: pandas-dev/pandas#50367, fixed by #52964); for such groups the
reference mean is pandas' own Series.mean, which follows IEEE arithmetic as 2.1 does.
"""

import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = 77
try:
    import numpy as np
    import pandas as pd
    import yaml
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIP: {e}")
    sys.exit(SKIP)

KEYS = ["optimizer.name", "optimizer.lr"]
METRICS = ["val/acc", "test/acc", "val/loss", "train/loss", "train/grad_norm", "best.val_acc",
           "best.epoch", "epoch"]
AGGS = ["count", "mean", "std", "sem", "median", "min", "max"]
REL = 1e-12


def flatten(d, prefix=""):
    """Nested dicts to dotted keys; a W&B media dict (`_type`) stays one value."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and "_type" not in v:
            out.update(flatten(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def wandb_run(folder):
    files = folder / "files"
    doc = yaml.safe_load((files / "config.yaml").read_text())
    config = {k: v["value"] for k, v in doc.items()
              if isinstance(v, dict) and "value" in v and k != "_wandb"}
    summary_path = files / "wandb-summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    summary = {k: v for k, v in summary.items() if not k.startswith("_")}
    return flatten(config), flatten(summary)


def plain_run(folder):
    config = yaml.safe_load((folder / "config.yaml").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    return flatten(config), flatten(metrics)


def load_runs(root):
    runs = []
    for folder in sorted((root / "wandb").iterdir()):
        # latest-run is a copy of the newest run; sweep-* folders hold sweep configs only.
        if folder.name.startswith(("run-", "offline-run-")) and (folder / "files").is_dir():
            runs.append(wandb_run(folder))
    for folder in sorted((root / "baselines").iterdir()):
        if (folder / "config.yaml").exists():
            runs.append(plain_run(folder))
    return runs


def number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return math.nan
    return float(v)


def frame(runs):
    rows = []
    for config, metrics in runs:
        row = {k: config.get(k) for k in KEYS}
        for m in METRICS:
            v = metrics.get(m)
            row[m] = number(v) if v is not None else math.nan
            # NaN that the run reported, as opposed to a value it lacks.
            row["nan " + m] = isinstance(v, float) and math.isnan(v)
        rows.append(row)
    return pd.DataFrame(rows)


def same(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= REL * max(abs(a), abs(b)) or a == b


def group_key(values):
    name, lr = values
    name = None if name is None or (isinstance(name, float) and math.isnan(name)) else name
    lr = None if lr is None or (isinstance(lr, float) and math.isnan(lr)) else float(lr)
    return name, lr


def run_runlens(binary, root):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        out = subprocess.run(
            [binary, "table", str(root), "--group-by", ",".join(KEYS), "--metrics",
             ",".join(METRICS), "--agg", ",".join(AGGS), "--format", "csv", "-q"],
            env=env, check=True, capture_output=True, text=True).stdout
    table = {}
    for row in csv.DictReader(io.StringIO(out)):
        key = (row["optimizer.name"] or None,
               float(row["optimizer.lr"]) if row["optimizer.lr"] else None)
        if key in table:
            raise SystemExit(f"FAIL: runlens printed group {key} twice")
        table[key] = row
    return table


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    binary, root = sys.argv[1], Path(sys.argv[2])
    df = frame(load_runs(root))
    grouped = df.groupby(KEYS, dropna=False)
    stats = grouped[METRICS].agg(AGGS)
    nans = grouped[["nan " + m for m in METRICS]].sum()
    sizes = grouped.size()
    ours = run_runlens(binary, root)

    problems, compared, worst = [], 0, 0.0
    # Label lookups with NaN in a MultiIndex are unreliable in pandas 1.5: go by position (the
    # three results share the groupby's order) and by iterating the groups in that order.
    members = [(group_key(k), sub) for k, sub in grouped]
    keys = [group_key(k) for k in stats.index]
    if [k for k, _ in members] != keys or [group_key(k) for k in sizes.index] != keys:
        problems.append("pandas' groups came in different orders")
    if set(keys) != set(ours):
        problems.append(f"groups differ: pandas {sorted(keys, key=str)}, "
                        f"runlens {sorted(ours, key=str)}")
    for i, key in enumerate(keys):
        row = ours.get(key)
        if row is None:
            continue
        if int(row["runs"]) != int(sizes.iloc[i]):
            problems.append(f"{key} runs: runlens {row['runs']}, pandas {sizes.iloc[i]}")
        for m in METRICS:
            values = members[i][1][m].dropna()
            for agg in AGGS:
                expected = float(stats.iloc[i][(m, agg)])
                if agg == "mean" and np.isinf(values).any():
                    expected = float(values.mean())  # see the module docstring
                got = float(row[f"{m} {agg}"])
                compared += 1
                if math.isfinite(got) and math.isfinite(expected) and expected != 0:
                    worst = max(worst, abs(got - expected) / abs(expected))
                if not same(got, expected):
                    problems.append(f"{key} {m} {agg}: runlens {got!r}, pandas {expected!r}")
            compared += 1
            expected_nans = int(nans.iloc[i]["nan " + m])
            if int(row[f"{m} nan"]) != expected_nans:
                problems.append(f"{key} {m} nan: runlens {row[m + ' nan']}, "
                                f"pandas {expected_nans}")
    # Guard against a vacuous pass: the example sweep has 11 groups, NaN and inf among them.
    if len(ours) < 10 or compared < 10 * len(METRICS) * len(AGGS):
        problems.append(f"too little compared ({len(ours)} groups, {compared} values)")
    if not nans.to_numpy().any():
        problems.append("no NaN metric in the runs: the NaN handling went unchecked")

    for p in problems:
        print("FAIL:", p)
    print(f"{compared} values in {len(ours)} groups of {len(df)} runs compared with pandas "
          f"{pd.__version__}, largest relative difference {worst:.2g}: "
          f"{'ok' if not problems else f'{len(problems)} difference(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
