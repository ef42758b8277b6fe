#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets that read Optuna journals and SQLite stores.

    python3 fuzz/seeds/make_seeds.py     (from the repository root; rewrites the seed files)

Small valid inputs with every operation and table the readers know, and a few broken ones;
libFuzzer mutates from these (scripts/fuzz.sh), and every build replays them as a test.
"""
import json
import os
import sqlite3

HERE = os.path.dirname(os.path.abspath(__file__))

FLOAT = {"name": "FloatDistribution", "attributes": {"step": None, "low": 0.0, "high": 1.0, "log": False}}
INT = {"name": "IntDistribution", "attributes": {"log": False, "step": 1, "low": 1, "high": 8}}
CHOICE = {"name": "CategoricalDistribution", "attributes": {"choices": ["adam", "sgd", None, True, 3]}}


def op(code, **body):
    return json.dumps({"op_code": code, "worker_id": "w-1", **body}, separators=(",", ":")) + "\n"


def journal():
    j = op(0, study_name="tune", directions=[1])
    j += op(0, study_name="tune", directions=[1])
    j += op(0, study_name="pareto", directions=[1, 2])
    j += op(3, study_id=1, system_attr={"study:metric_names": ["loss", "acc"]})
    j += op(4, study_id=0, datetime_start="2025-01-02T10:00:00.000000")
    j += op(5, trial_id=0, param_name="lr", param_value_internal=0.25, distribution=json.dumps(FLOAT))
    j += op(5, trial_id=0, param_name="layers", param_value_internal=4.0, distribution=json.dumps(INT))
    j += op(5, trial_id=0, param_name="opt", param_value_internal=1, distribution=json.dumps(CHOICE))
    j += op(7, trial_id=0, step=0, intermediate_value=0.9)
    j += op(7, trial_id=0, step=1, intermediate_value=float("nan"))
    j += op(8, trial_id=0, user_attr={"note": "first", "cfg": {"a": 1}})
    j += op(6, trial_id=0, state=1, values=[0.125], datetime_complete="2025-01-02T10:00:30.000000")
    j += op(4, study_id=1, datetime_start="2025-01-02T11:00:00+00:00")
    j += op(6, trial_id=1, state=1, values=[0.5, float("inf")])
    j += op(4, study_id=0, datetime_start="2025-01-02T12:00:00")
    j += op(6, trial_id=2, state=2, values=None)
    j += op(4, study_id=1, state=1, values=[1.5, -1.0], params={"opt": 0},
            distributions={"opt": json.dumps(CHOICE)}, intermediate_values={"0": 2.0},
            user_attrs={"k": [1, 2]}, datetime_start="2025-01-03T00:00:00",
            datetime_complete="2025-01-03T00:00:02")
    j += op(1, study_id=1)
    return j


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def sqlite(path, statements):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size = 512")  # small seeds: libFuzzer mutates every byte
    for s in statements:
        db.execute(s)
    db.commit()
    db.execute("VACUUM")
    db.close()


MLFLOW = [
    "CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name VARCHAR(256), artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT)",
    "CREATE TABLE runs (run_uuid VARCHAR(32) PRIMARY KEY, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT, deleted_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER)",
    "CREATE TABLE params (key VARCHAR(250), value VARCHAR(8000), run_uuid VARCHAR(32), PRIMARY KEY (key, run_uuid))",
    "CREATE TABLE tags (key VARCHAR(250), value VARCHAR(8000), run_uuid VARCHAR(32), PRIMARY KEY (key, run_uuid))",
    "CREATE TABLE metrics (key VARCHAR(250), value FLOAT, timestamp BIGINT, run_uuid VARCHAR(32), step BIGINT, is_nan BOOLEAN)",
    "CREATE TABLE latest_metrics (key VARCHAR(250), value FLOAT, timestamp BIGINT, step BIGINT, is_nan BOOLEAN, run_uuid VARCHAR(32), PRIMARY KEY (key, run_uuid))",
    "INSERT INTO experiments VALUES (0, 'Default', '', 'active', 0, 0), (3, 'gone', '', 'deleted', 0, 0)",
    "INSERT INTO runs VALUES ('aa', 'first', 'LOCAL', '', '', 'u', 'FINISHED', 1700000000000, 1700000001000, NULL, '', 'active', '', 0)",
    "INSERT INTO runs VALUES ('bb', NULL, 'LOCAL', '', '', 'u', 'RUNNING', NULL, NULL, NULL, '', 'deleted', '', 3)",
    "INSERT INTO params VALUES ('model/optimizer/lr', '0.001', 'aa'), ('betas', '[0.9, 0.95]', 'aa'), ('cfg', '{''a'': None}', 'aa'), ('lr', '0.1', 'bb')",
    "INSERT INTO tags VALUES ('mlflow.runName', 'first', 'aa'), ('team', 'x', 'aa')",
    "INSERT INTO metrics VALUES ('loss', 1.0, 1700000000100, 'aa', 0, 0), ('loss', 0.5, 1700000000200, 'aa', 1, 0), ('loss', 0, 1700000000300, 'aa', 2, 1), ('acc', 1.7976931348623157e308, 1700000000300, 'aa', 0, 0)",
    "INSERT INTO latest_metrics VALUES ('loss', 0, 1700000000300, 2, 1, 'aa'), ('f1', 0.5, 0, 0, 0, 'bb')",
]

OPTUNA = [
    "CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name VARCHAR(512))",
    "CREATE TABLE study_directions (study_direction_id INTEGER PRIMARY KEY, direction VARCHAR(8), study_id INTEGER, objective INTEGER)",
    "CREATE TABLE study_system_attributes (study_system_attribute_id INTEGER PRIMARY KEY, study_id INTEGER, key VARCHAR(512), value_json TEXT)",
    "CREATE TABLE trials (trial_id INTEGER PRIMARY KEY, number INTEGER, study_id INTEGER, state VARCHAR(8), datetime_start DATETIME, datetime_complete DATETIME)",
    "CREATE TABLE trial_params (param_id INTEGER PRIMARY KEY, trial_id INTEGER, param_name VARCHAR(512), param_value FLOAT, distribution_json TEXT)",
    "CREATE TABLE trial_values (trial_value_id INTEGER PRIMARY KEY, trial_id INTEGER, objective INTEGER, value FLOAT, value_type VARCHAR(7))",
    "CREATE TABLE trial_intermediate_values (trial_intermediate_value_id INTEGER PRIMARY KEY, trial_id INTEGER, step INTEGER, intermediate_value FLOAT, intermediate_value_type VARCHAR(7))",
    "CREATE TABLE trial_user_attributes (trial_user_attribute_id INTEGER PRIMARY KEY, trial_id INTEGER, key VARCHAR(512), value_json TEXT)",
    "CREATE TABLE version_info (version_info_id INTEGER PRIMARY KEY, schema_version INTEGER, library_version VARCHAR(256))",
    "INSERT INTO studies VALUES (1, 'tune'), (2, 'pareto')",
    "INSERT INTO study_directions VALUES (1, 'MINIMIZE', 1, 0), (2, 'MINIMIZE', 2, 0), (3, 'MAXIMIZE', 2, 1)",
    "INSERT INTO study_system_attributes VALUES (1, 2, 'study:metric_names', '[\"loss\", \"acc\"]')",
    "INSERT INTO trials VALUES (1, 0, 1, 'COMPLETE', '2025-01-02 10:00:00', '2025-01-02 10:00:30'), (2, 0, 2, 'COMPLETE', NULL, NULL), (3, 1, 1, 'PRUNED', NULL, NULL)",
    "INSERT INTO trial_params VALUES (1, 1, 'lr', 0.25, '%s'), (2, 1, 'opt', 1.0, '%s'), (3, 3, 'layers', 3.0, '%s')"
    % (json.dumps(FLOAT), json.dumps(CHOICE), json.dumps(INT)),
    "INSERT INTO trial_values VALUES (1, 1, 0, 0.125, 'FINITE'), (2, 2, 0, 0.5, 'FINITE'), (3, 2, 1, NULL, 'INF_NEG')",
    "INSERT INTO trial_intermediate_values VALUES (1, 1, 0, 0.9, 'FINITE'), (2, 3, 0, NULL, 'NAN')",
    "INSERT INTO trial_user_attributes VALUES (1, 1, 'cfg', '{\"a\": 1}')",
]


def main():
    j = journal().encode()
    d = os.path.join(HERE, "optuna_journal")
    write(os.path.join(d, "complete.log"), j)
    write(os.path.join(d, "unfinished-last-line.log"), j[: len(j) - 20])
    write(os.path.join(d, "malformed-line.log"), j.replace(b'{"op_code":4,"worker_id":"w-1","study_id":0', b'{"op_code":4,garbage\n{"op_code":4,"worker_id":"w-1","study_id":0', 1))
    write(os.path.join(d, "empty.log"), b"")
    d = os.path.join(HERE, "sqlite_stores")
    os.makedirs(d, exist_ok=True)
    sqlite(os.path.join(d, "mlflow.db"), MLFLOW)
    sqlite(os.path.join(d, "optuna.db"), OPTUNA)
    write(os.path.join(d, "header-only.db"), b"SQLite format 3\0" + bytes(84))


if __name__ == "__main__":
    main()
