#!/usr/bin/env python3
"""Writes a synthetic MLflow SQLite store (mlflow.db) for timing RunLens on it.

    python3 bench/make_mlflow_db.py OUT.db RUNS [PARAMS METRICS STEPS]

RUNS runs in 10 experiments, each with PARAMS params (nested keys, numbers, words, lists),
METRICS metrics of STEPS logged points each (about every hundredth point NaN), and 3 tags:
the tables and columns MLflow's SqlAlchemyStore writes.
"""
import math
import random
import sqlite3
import sys


def main():
    out, runs = sys.argv[1], int(sys.argv[2])
    params = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    metrics = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    steps = int(sys.argv[5]) if len(sys.argv) > 5 else 100
    rnd = random.Random(7)
    db = sqlite3.connect(out)
    db.executescript("""
    CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name VARCHAR(256), artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT);
    CREATE TABLE runs (run_uuid VARCHAR(32) PRIMARY KEY, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT, deleted_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER);
    CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
    CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
    CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL, step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL, PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan));
    CREATE TABLE latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid));
    """)
    db.executemany("INSERT INTO experiments VALUES (?, ?, '', 'active', 0, 0)",
                   [(e, "exp-%d" % e) for e in range(10)])
    for r in range(runs):
        rid = "%032x" % rnd.getrandbits(128)
        start = 1700000000000 + r * 60000
        db.execute("INSERT INTO runs VALUES (?, ?, 'LOCAL', '', '', 'bench', 'FINISHED', ?, ?, NULL, '', 'active', '', ?)",
                   (rid, "run-%d" % r, start, start + 3600000, r % 10))
        p = []
        for k in range(params):
            kind = k % 4
            v = (str(rnd.choice([1e-4, 3e-4, 1e-3])) if kind == 0 else str(rnd.randint(1, 512)) if kind == 1
                 else rnd.choice(["adam", "sgd", "adamw"]) if kind == 2 else str([rnd.randint(1, 9), rnd.randint(1, 9)]))
            p.append(("group%d/param%d" % (k % 5, k), v, rid))
        db.executemany("INSERT INTO params VALUES (?, ?, ?)", p)
        db.executemany("INSERT INTO tags VALUES (?, ?, ?)",
                       [("mlflow.runName", "run-%d" % r, rid), ("mlflow.user", "bench", rid), ("team", "t%d" % (r % 3), rid)])
        m, latest = [], []
        for k in range(metrics):
            v = 0.0
            for s in range(steps):
                v = math.exp(-s / 30.0) + rnd.random() * 0.05
                nan = 1 if rnd.random() < 0.01 else 0
                m.append(("metric_%d" % k, 0.0 if nan else v, start + s * 1000, rid, s, nan))
            latest.append(("metric_%d" % k, v, start + (steps - 1) * 1000, steps - 1, 0, rid))
        db.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)", m)
        db.executemany("INSERT INTO latest_metrics VALUES (?, ?, ?, ?, ?, ?)", latest)
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
