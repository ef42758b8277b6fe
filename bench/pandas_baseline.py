#!/usr/bin/env python3
"""The script a researcher writes instead of using RunLens: the baseline of the load benchmark.

    pandas_baseline.py ROOT

Walks ROOT for */files/config.yaml, loads each with PyYAML's C loader, unwraps W&B's
`{value: ...}` per top-level key (dropping `_wandb` and `wandb_version`), loads the sibling
files/wandb-summary.json with json.load (missing -> no metrics), builds one record per run
`{'id': ..., **config, **summary}`, flattens all of them with a single pandas.json_normalize
call and writes the frame as CSV to os.devnull. Prints `rows=<n> cols=<m> seconds=<t>` to
stderr; the time covers walking, parsing, flattening and writing.

Needs pandas and PyYAML built with libyaml (Debian: python3-pandas, python3-yaml). Like the
typical hand-written script it does not dedupe latest-run copies or handle offline runs.
"""

import json
import os
import sys
import time

try:
    import pandas
    import yaml
    from yaml import CLoader
except ImportError as e:
    sys.exit(f"pandas_baseline: {e}; this interpreter ({sys.executable}) lacks pandas or "
             "PyYAML with libyaml (Debian: apt-get install python3-pandas python3-yaml)")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pandas_baseline.py ROOT")
    root = sys.argv[1]
    t0 = time.perf_counter()
    records = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if os.path.basename(dirpath) != "files" or "config.yaml" not in filenames:
            continue
        with open(os.path.join(dirpath, "config.yaml"), encoding="utf-8") as f:
            raw = yaml.load(f, Loader=CLoader) or {}
        config = {k: (v["value"] if isinstance(v, dict) and "value" in v else v)
                  for k, v in raw.items() if k not in ("_wandb", "wandb_version")}
        summary = {}
        summary_path = os.path.join(dirpath, "wandb-summary.json")
        if os.path.exists(summary_path):
            with open(summary_path, encoding="utf-8") as f:
                summary = json.load(f)
        run_dir = os.path.basename(os.path.dirname(dirpath))
        records.append({"id": run_dir.rsplit("-", 1)[-1], **config, **summary})
    df = pandas.json_normalize(records)
    df.to_csv(os.devnull)
    seconds = time.perf_counter() - t0
    print(f"rows={df.shape[0]} cols={df.shape[1]} seconds={seconds:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
