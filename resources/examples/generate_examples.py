#!/usr/bin/env python3
"""Generate the example runs bundled with RunLens (`runlens --demo`, docs, tests).

Writes a small, realistic CIFAR-10 image-classification sweep in the on-disk layout of
Weights & Biases, plus three generic "config.yaml + metrics.json" baseline folders:

    <out>/wandb/run-YYYYMMDD_HHMMSS-<id>/files/{config.yaml,wandb-summary.json,wandb-metadata.json}
    <out>/wandb/sweep-<sweepid>/config-<runid>.yaml      one per sweep run
    <out>/wandb/latest-run/                              a real copy of the newest run folder
    <out>/baselines/<name>/{config.yaml,metrics.json}

Both W&B writer generations occur, as in real repositories: the first runs were made with the
Python SDK writer (0.17.x: `wandb_version: 1` header, `{desc, value}` per key, insertion order,
2-space indent, `json.dumps`-style summary, GB floats in metadata); the rest with wandb-core
(0.19.x: no header, `{value}` only, keys sorted the way Go's yaml.v3 sorts them, 4-space indent,
compact summary in random key order, Go float formatting such as `1.7146e+09`, byte counts as
JSON strings and protojson's double space after colons in metadata).

Run folder names use the local time of the machine (UTC+2, CEST), while `startedAt` in
wandb-metadata.json is UTC, exactly as W&B does: the two differ by two hours on purpose.

A second tree, MOREDIR, holds follow-up experiments of the same lab in three more formats,
so that the examples show four tools side by side (the shared keys `optimizer.name`,
`optimizer.lr`, `seed`, `model.arch`, `val/acc`, `val/loss` line up in one column each):

    <more>/mlruns/                                       an MLflow file store (MLflow 2.12)
        0/meta.yaml                                      "Default", empty, as MLflow creates it
        <18-digit id>/meta.yaml                          "cifar100-finetune"
        <18-digit id>/<uuid4 hex>/{meta.yaml,params/,metrics/,tags/}
    <more>/lightning_logs/distill/version_{0..3}/{hparams.yaml,metrics.csv}   CSVLogger
    <more>/optuna/cifar100-finetune-hpo.log             an Optuna journal (JournalFileBackend)

- cifar100-finetune: the sweep's resnet18 fine-tuned on CIFAR-100 for 15 epochs, optimizer
  adam/sgd x two learning rates x seed 0/1. Params are `mlflow.log_params(flatten(cfg))` with
  dotted names, one file each without a trailing newline; metrics `train/loss`, `val/loss`,
  `val/acc` once per epoch (a `/` in a key is a subfolder, `<ms> <value> <step>` lines) and
  `test/acc` once at the end. SGD at lr 0.1 diverges to `nan` with seed 1; a first attempt of
  one run is FAILED after four epochs (re-run at the end); a smoke-test run was deleted
  (`lifecycle_stage: deleted` + `deleted_time`, left in place as MLflow does). The empty
  `.trash/` and `artifacts/` folders MLflow also makes are not written (git keeps no empty
  folders).
- distill: resnet34 distilled into resnet18 on CIFAR-10 for 10 epochs, temperature 2|4 x
  alpha 0.5|0.9. hparams.yaml as Lightning's save_hyperparameters writes it without OmegaConf
  (PyYAML `yaml.dump`: nested, sorted keys); metrics.csv as Lightning 2.2's CSVLogger writes it
  (sorted header of every key seen, one row per log call, sparse cells, CRLF line ends from
  Python's csv module): `train_loss_step` every 50 steps, `val/acc` and `val/loss` then
  `train_loss_epoch` at each epoch's end, `lr-AdamW` from LearningRateMonitor at each epoch's
  start with an empty `epoch` cell.

The output is deterministic (fixed random seeds, fixed fake timestamps, no clock): running the
script twice gives byte-identical files; the second tree has its own seeded generator, so it
never changes the first. Usage:

    generate_examples.py [OUTDIR [MOREDIR]]
        OUTDIR   default: resources/examples/runs next to this script
        MOREDIR  default: a folder `more` beside OUTDIR (OUTDIR/../more), where RunLens's
                 demo looks for it; pass --no-more to write OUTDIR only

Each output folder is deleted first, but only if it holds nothing except this script's own
output (OUTDIR: wandb/, baselines/; MOREDIR: mlruns/, lightning_logs/, optuna/); both are
checked before either is touched.
Needs Python 3 with PyYAML (used for the Python-SDK-style YAML, as the real SDK does).
"""

import argparse
import csv
import functools
import hashlib
import io
import json
import math
import random
import shutil
import struct
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

SEED = 20240502
UTC = timezone.utc
LOCAL_TZ = timezone(timedelta(hours=2))  # the lab is in CEST; W&B names folders in local time
FIRST_START = datetime(2024, 5, 2, 10, 11, 12, 123456, tzinfo=UTC)
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
OWN_TOP_LEVEL = {"wandb", "baselines"}
MORE_OWN_TOP_LEVEL = {"mlruns", "lightning_logs", "optuna"}

EPOCHS = 30
STEPS_PER_EPOCH = 391  # ceil(50000 / 128)
LOG_EVERY = 50

# Mean final val accuracy per (optimizer, lr) for resnet18; resnet34 adds ARCH_BONUS.
# AdamW at 3e-4 is slightly best, SGD at 0.1 is clearly too hot.
BASE_VAL_ACC = {
    ("adam", 1e-4): 0.902, ("adam", 3e-4): 0.921, ("adam", 1e-3): 0.914,
    ("adamw", 1e-4): 0.907, ("adamw", 3e-4): 0.928, ("adamw", 1e-3): 0.921,
    ("sgd", 0.01): 0.905, ("sgd", 0.03): 0.924, ("sgd", 0.1): 0.889,
}
ARCH_BONUS = {"resnet18": 0.0, "resnet34": 0.007}
SEED_NOISE = 0.0025

OLD_DESCS = {
    "epochs": "Number of passes over the training set",
    "seed": "Seed for the python, numpy and torch RNGs",
    "data": "Dataset, batch size and augmentation",
}

REPO_ROOT = "/home/mkeller/cifar-sweep"
GIT_REMOTE = "https://github.com/example-lab/cifar-sweep.git"


# --------------------------------------------------------------------------------------------
# Writers that imitate the two W&B generations byte for byte.

def go_float(x, nan="NaN", inf="Infinity"):
    """Format a float like Go's strconv.FormatFloat(x, 'g', -1, 64), as wandb-core does."""
    if math.isnan(x):
        return nan
    if math.isinf(x):
        return inf if x > 0 else "-" + inf
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    r = repr(x)
    sign = ""
    if r[0] == "-":
        sign, r = "-", r[1:]
    mant, _, e = r.partition("e")
    ip, _, fp = mant.partition(".")
    digits = ip + fp
    dp = len(ip) + (int(e) if e else 0)
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    nd = len(digits)
    exp = dp - 1
    if exp < -4 or exp >= 6:  # shortest formatting uses precision 6 for this decision
        m = digits[0] + ("." + digits[1:] if nd > 1 else "")
        return f"{sign}{m}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{sign}0.{'0' * -dp}{digits}"
    if dp >= nd:
        return sign + digits + "0" * (dp - nd)
    return f"{sign}{digits[:dp]}.{digits[dp:]}"


def go_json(v):
    """Compact JSON as wandb-core's simplejsonext writes it (bare NaN/Infinity tokens)."""
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k) + ":" + go_json(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    return json.dumps(v)


def _yaml_v3_less(a, b):
    """gopkg.in/yaml.v3 keyList.Less for string keys: digit runs compare numerically and
    non-letters sort before letters (so `_wandb` comes first)."""
    ar, br = a, b
    digits = False
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            digits = ar[i].isdigit()
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return al if digits else bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def go_sorted(keys):
    return sorted(keys, key=functools.cmp_to_key(
        lambda a, b: -1 if _yaml_v3_less(a, b) else (1 if _yaml_v3_less(b, a) else 0)))


_YAML_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def go_yaml_scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v, nan=".nan", inf=".inf")
    s = str(v)
    plain = (s != "" and s == s.strip() and s[0] not in _YAML_INDICATORS
             and ": " not in s and " #" not in s and s.isprintable()
             and not s.endswith(":") and yaml.safe_load(s) == s)
    return s if plain else json.dumps(s)


def go_yaml(obj, indent=0):
    """YAML as wandb-core's yaml.v3 writes config.yaml: 4-space indent, sorted keys,
    block sequences indented under their key. (Lists of mappings are not needed here.)"""
    pad = " " * indent
    out = []
    for k in go_sorted(obj.keys()):
        v = obj[k]
        key = go_yaml_scalar(k)
        if isinstance(v, dict) and v:
            out.append(f"{pad}{key}:\n")
            out.append(go_yaml(v, indent + 4))
        elif isinstance(v, list) and v:
            out.append(f"{pad}{key}:\n")
            for item in v:
                assert not isinstance(item, (dict, list)), "not needed, not implemented"
                out.append(f"{pad}    - {go_yaml_scalar(item)}\n")
        elif isinstance(v, dict):
            out.append(f"{pad}{key}: {{}}\n")
        elif isinstance(v, list):
            out.append(f"{pad}{key}: []\n")
        else:
            out.append(f"{pad}{key}: {go_yaml_scalar(v)}\n")
    return "".join(out)


def py_yaml(obj):
    """YAML as the Python SDK writes it (wandb/sdk/lib/config_util.py)."""
    return yaml.dump(obj, default_flow_style=False, allow_unicode=True, sort_keys=False)


def protojson(obj):
    """wandb-core's wandb-metadata.json: protojson multiline, which (in 0.18/0.19 builds)
    puts two spaces after each colon."""
    return json.dumps(obj, indent=2, separators=(",", ":  "))


# --------------------------------------------------------------------------------------------
# The experiment.

def f32(x):
    """A float32 loss value as `tensor.item()` returns it."""
    return struct.unpack("f", struct.pack("f", x))[0]


def rand_id(rng, n=8, used=None):
    while True:
        s = "".join(rng.choice(ID_ALPHABET) for _ in range(n))
        if used is None or s not in used:
            if used is not None:
                used.add(s)
            return s


def optimizer_cfg(name, lr):
    if name == "sgd":
        return {"name": "sgd", "lr": lr, "momentum": 0.9, "weight_decay": 0.0005}
    return {"name": name, "lr": lr, "betas": [0.9, 0.999],
            "weight_decay": 0.05 if name == "adamw" else 0.0001}


def run_specs():
    """The runs in the order they were started."""
    specs = []
    # Grid sweep: W&B's grid iterates over parameters in sorted order (optimizer, then seed).
    for opt, lrs in (("adam", (1e-4, 3e-4, 1e-3)), ("adamw", (1e-4, 3e-4, 1e-3)),
                     ("sgd", (0.01, 0.03, 0.1))):
        for lr in lrs:
            for seed in (0, 1, 2):
                specs.append(dict(opt=opt, lr=lr, seed=seed, arch="resnet18", sweep=True,
                                  kind="ok", args=[]))
    # The first runs came from a workstation with the older SDK (Python writer).
    for s in specs[:5]:
        s["gen"] = "old"
    for s in specs[5:]:
        s["gen"] = "new"
    # Follow-ups started by hand on the cluster.
    specs.append(dict(opt="sgd", lr=0.3, seed=0, arch="resnet18", sweep=False, kind="diverged",
                      gen="new", args=["--optimizer", "sgd", "--lr", "0.3", "--seed", "0"]))
    for seed, kind in ((0, "crashed"), (0, "ok"), (1, "ok"), (2, "ok")):
        specs.append(dict(opt="adamw", lr=3e-4, seed=seed, arch="resnet34", sweep=False,
                          kind=kind, gen="new",
                          args=["--config", "configs/resnet34_adamw.yaml", "--seed", str(seed)]))
    return specs


def make_config(spec):
    # Insertion order as the training script builds it; the new writer sorts anyway.
    cfg = {
        "optimizer": optimizer_cfg(spec["opt"], spec["lr"]),
        "seed": spec["seed"],
        "model": {"arch": spec["arch"], "dropout": 0.1, "width": 64},
        "data": {"dataset": "cifar10", "batch_size": 128,
                 "augment": {"crop": True, "flip": True}},
        "epochs": EPOCHS,
        "scheduler": {"name": "cosine", "warmup_steps": 500},
    }
    return cfg


def old_config_yaml(cfg, start):
    wb = {
        "python_version": "3.11.7",
        "cli_version": "0.17.4",
        "framework": "torch",
        "is_jupyter_run": False,
        "is_kaggle_kernel": False,
        "start_time": int(start.timestamp()),
        "t": {1: [1, 41, 55], 2: [1, 41, 55], 3: [16, 23], 4: "3.11.7", 5: "0.17.4",
              8: [5], 13: "linux-x86_64"},
    }
    doc = {k: {"desc": OLD_DESCS.get(k), "value": v} for k, v in cfg.items()}
    doc["_wandb"] = {"desc": None, "value": wb}
    return "wandb_version: 1\n\n" + py_yaml(doc)


def new_config_yaml(cfg):
    wb = {
        "cli_version": "0.19.1",
        "m": [],
        "python_version": "3.11.7",
        "t": {"1": [1, 41, 55], "2": [1, 41, 55], "3": [13, 16, 23, 55], "4": "3.11.7",
              "5": "0.19.1", "8": [5], "12": "0.19.1", "13": "linux-x86_64"},
    }
    doc = {k: {"value": v} for k, v in cfg.items()}
    doc["_wandb"] = {"value": wb}
    return go_yaml(doc)


def make_metrics(rng, spec):
    """Final metrics of one run; they depend on the hyperparameters, plus small seed noise."""
    steps = EPOCHS * STEPS_PER_EPOCH // LOG_EVERY + EPOCHS
    sha = "%064x" % rng.getrandbits(256)
    image = {"_type": "image-file", "path": None, "sha256": sha,
             "size": rng.randint(90000, 140000), "width": 256, "height": 256, "format": "png"}
    if spec["kind"] == "diverged":
        epoch = 4
        steps = epoch * STEPS_PER_EPOCH // LOG_EVERY + epoch
        image["path"] = f"media/images/samples_{steps}_{sha[:20]}.png"
        return {
            "train/loss": float("nan"),
            "train/grad_norm": float("inf"),
            "val/loss": float("nan"),
            "val/acc": 0.1,
            "test/acc": 0.1,
            "epoch": epoch,
            "best": {"val_acc": rng.randint(1100, 1250) / 5000, "epoch": 1},
            "samples": image,
        }, steps
    acc = BASE_VAL_ACC[(spec["opt"], spec["lr"])] + ARCH_BONUS[spec["arch"]]
    val_acc = round((acc + rng.gauss(0, SEED_NOISE)) * 5000) / 5000      # 5k validation images
    test_acc = round((val_acc - 0.003 + rng.gauss(0, 0.0015)) * 10000) / 10000
    best_acc = round((val_acc + abs(rng.gauss(0, 0.0015))) * 5000) / 5000
    val_loss = f32(0.10 + 2.2 * (1 - val_acc) + rng.gauss(0, 0.004))
    train_loss = f32(0.012 + 0.55 * (1 - val_acc) + rng.gauss(0, 0.003))
    grad_norm = f32(rng.uniform(0.35, 0.9) * (2.0 if spec["opt"] == "sgd" else 1.0))
    image["path"] = f"media/images/samples_{steps}_{sha[:20]}.png"
    return {
        "train/loss": train_loss,
        "train/grad_norm": grad_norm,
        "val/loss": val_loss,
        "val/acc": val_acc,
        "test/acc": test_acc,
        "epoch": EPOCHS,
        "best": {"val_acc": best_acc, "epoch": rng.randint(EPOCHS - 6, EPOCHS)},
        "samples": image,
    }, steps


def old_metadata(spec, start, commit):
    return json.dumps({
        "os": "Linux-6.5.0-28-generic-x86_64-with-glibc2.35",
        "python": "3.11.7",
        "heartbeatAt": (start + timedelta(microseconds=612345)).replace(tzinfo=None).isoformat(),
        "startedAt": start.replace(tzinfo=None).isoformat(),
        "docker": None,
        "cuda": None,
        "args": spec["args"],
        "state": "running",
        "program": f"{REPO_ROOT}/train.py",
        "codePathLocal": "train.py",
        "codePath": "train.py",
        "git": {"remote": GIT_REMOTE, "commit": commit},
        "email": "m.keller@example.org",
        "root": REPO_ROOT,
        "host": "ws-lab-07",
        "username": "mkeller",
        "executable": "/home/mkeller/.venvs/cifar/bin/python",
        "cpu_count": 16,
        "cpu_count_logical": 32,
        "disk": {"/": {"total": 1862.6550369262695, "used": 1033.2814559936523}},
        "gpu": "NVIDIA GeForce RTX 3090",
        "gpu_count": 1,
        "memory": {"total": 62.71418762207031},
    }, indent=4) + "\n"  # the Python SDK ends the file with a newline, wandb-core does not


def new_metadata(spec, start, commit, writer_id):
    return protojson({
        "os": "Linux-5.15.0-105-generic-x86_64-with-glibc2.35",
        "python": "CPython 3.11.7",
        "startedAt": start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "args": spec["args"],
        "program": "/scratch/mkeller/cifar-sweep/train.py",
        "codePath": "train.py",
        "git": {"remote": GIT_REMOTE, "commit": commit},
        "email": "m.keller@example.org",
        "root": "/scratch/mkeller/cifar-sweep",
        "host": "gpu-node-03",
        "username": "mkeller",
        "executable": "/scratch/mkeller/venvs/cifar/bin/python",
        "codePathLocal": "train.py",
        "cpu_count": 64,
        "cpu_count_logical": 128,
        "gpu": "NVIDIA A100-SXM4-40GB",
        "gpu_count": 1,
        "disk": {"/": {"total": "479555555328", "used": "212143276032"}},
        "memory": {"total": "540701442048"},
        "gpu_nvidia": [{"name": "NVIDIA A100-SXM4-40GB", "memoryTotal": "42949672960",
                        "cudaCores": 6912, "architecture": "Ampere",
                        "uuid": "GPU-5f1c2a9e-3b7d-4e21-9c0a-8d2e6b41f7a3"}],
        "cudaVersion": "12.2",
        "writerId": writer_id,
    })


BASELINES = {
    "linear-probe": (
        "# Linear probe on frozen ImageNet features (no W&B; written by eval/linear_probe.py)\n"
        "method: linear_probe\n"
        "seed: 0\n"
        "model:\n"
        "  arch: resnet18\n"
        "  pretrained: imagenet\n"
        "  frozen: true\n"
        "data:\n"
        "  dataset: cifar10\n"
        "  batch_size: 256\n"
        "  augment:\n"
        "    crop: false\n"
        "    flip: false\n"
        "optimizer:\n"
        "  name: sgd\n"
        "  lr: 0.1\n"
        "  momentum: 0.9\n"
        "  weight_decay: 0.0\n"
        "epochs: 100\n",
        {"train/loss": 0.3318, "val/loss": 0.3912, "val/acc": 0.8762, "test/acc": 0.8714},
    ),
    "knn-k200": (
        "# k-nearest-neighbour classifier on frozen ImageNet features\n"
        "method: knn\n"
        "seed: 0\n"
        "model:\n"
        "  arch: resnet18\n"
        "  pretrained: imagenet\n"
        "  frozen: true\n"
        "data:\n"
        "  dataset: cifar10\n"
        "  batch_size: 512\n"
        "knn:\n"
        "  k: 200\n"
        "  metric: cosine\n"
        "  temperature: 0.07\n",
        {"val/acc": 0.8486, "test/acc": 0.8431},
    ),
    "random-features": (
        "# Lower bound: linear probe on a frozen, randomly initialised network\n"
        "method: linear_probe\n"
        "seed: 0\n"
        "model:\n"
        "  arch: resnet18\n"
        "  pretrained: null\n"
        "  frozen: true\n"
        "data:\n"
        "  dataset: cifar10\n"
        "  batch_size: 256\n"
        "  augment:\n"
        "    crop: false\n"
        "    flip: false\n"
        "optimizer:\n"
        "  name: sgd\n"
        "  lr: 0.1\n"
        "  momentum: 0.9\n"
        "  weight_decay: 0.0\n"
        "epochs: 100\n",
        {"train/loss": 1.5127, "val/loss": 1.6043, "val/acc": 0.4318, "test/acc": 0.4275},
    ),
}


def build(rng):
    """Return {relative path: text} for the whole example tree, plus a summary for humans."""
    files = {}
    used_ids = set()
    sweep_id = rand_id(rng, used=used_ids)
    commits = ["%040x" % rng.getrandbits(160), "%040x" % rng.getrandbits(160)]
    t = FIRST_START
    listing = []
    newest_dir = None
    for spec in run_specs():
        run_id = rand_id(rng, used=used_ids)
        start = t
        speed = 1.3 if spec["gen"] == "old" else 1.0  # the workstation is slower
        per_epoch = rng.uniform(36.0, 40.0) * speed * (1.75 if spec["arch"] == "resnet34" else 1)
        cfg = make_config(spec)
        dirname = f"run-{start.astimezone(LOCAL_TZ):%Y%m%d_%H%M%S}-{run_id}"
        base = f"wandb/{dirname}/files/"
        commit = commits[0] if spec["gen"] == "old" else commits[1]
        if spec["gen"] == "old":
            files[base + "config.yaml"] = old_config_yaml(cfg, start)
            files[base + "wandb-metadata.json"] = old_metadata(spec, start, commit)
        else:
            files[base + "config.yaml"] = new_config_yaml(cfg)
            files[base + "wandb-metadata.json"] = new_metadata(
                spec, start, commit, rand_id(rng, 32))
        if spec["kind"] == "crashed":
            runtime = round(per_epoch * 14.4 + rng.uniform(0, 30), 6)  # died in epoch 15
            t = start + timedelta(seconds=runtime + 1500)               # someone had to look
        else:
            metrics, steps = make_metrics(rng, spec)
            epochs_run = metrics["epoch"]
            runtime = round(per_epoch * epochs_run + rng.uniform(20, 45), 6)
            end_ts = round(start.timestamp() + runtime, 6)
            if spec["gen"] == "old":
                summary = dict(metrics)
                summary.update({"_timestamp": end_ts, "_runtime": runtime,
                                "_step": steps, "_wandb": {"runtime": int(runtime)}})
                files[base + "wandb-summary.json"] = json.dumps(summary)
            else:
                summary = dict(metrics)
                summary.update({"_timestamp": end_ts, "_runtime": runtime, "_step": steps,
                                "_wandb": {"runtime": int(runtime)}})
                keys = list(summary)
                rng.shuffle(keys)  # wandb-core writes a Go map: order is arbitrary
                files[base + "wandb-summary.json"] = go_json({k: summary[k] for k in keys})
            t = start + timedelta(seconds=runtime + rng.uniform(8, 40))
        t = t.replace(microsecond=rng.randrange(1000000))
        if spec["sweep"]:
            files[f"wandb/sweep-{sweep_id}/config-{run_id}.yaml"] = "wandb_version: 1\n\n" + \
                yaml.dump({"optimizer": {"value": cfg["optimizer"]}, "seed": {"value": spec["seed"]}},
                          default_flow_style=False, allow_unicode=True)
        newest_dir = f"wandb/{dirname}/"
        listing.append((dirname, spec))
    # Committed repositories often hold latest-run as a dereferenced copy, not a symlink.
    for path in [p for p in files if p.startswith(newest_dir)]:
        files["wandb/latest-run/" + path[len(newest_dir):]] = files[path]
    for name, (cfg_text, metrics) in BASELINES.items():
        files[f"baselines/{name}/config.yaml"] = cfg_text
        files[f"baselines/{name}/metrics.json"] = json.dumps(metrics, indent=2) + "\n"
    return files, listing, sweep_id, newest_dir


# --------------------------------------------------------------------------------------------
# The second tree: an MLflow file store and a PyTorch Lightning CSVLogger, written as MLflow
# 2.12 and Lightning 2.2 (May 2024) write them.

MORE_SEED = 20240506
MLRUNS_ROOT = "/scratch/mkeller/cifar-sweep/mlruns"  # the tracking URI's folder on the cluster
FT_EPOCHS = 15
FT_VAL_IMAGES = 5000  # held out from the 50k CIFAR-100 training images
FT_START = datetime(2024, 5, 6, 7, 58, 31, 412000, tzinfo=UTC)
# Mean final val accuracy of the fine-tuned resnet18 on CIFAR-100 per (optimizer, lr).
FT_VAL_ACC = {("adam", 1e-4): 0.741, ("adam", 3e-4): 0.752,
              ("sgd", 0.01): 0.748, ("sgd", 0.1): 0.703}
# MLflow's _generate_random_name: "<predicate>-<noun>-<0..999>".
MLFLOW_PREDICATES = ("abundant", "bemused", "capable", "casual", "clean", "crawling", "dapper",
                     "debonair", "nimble", "painted", "rogue", "smiling", "spiffy", "thoughtful")
MLFLOW_NOUNS = ("ant", "bass", "cat", "crab", "finch", "fox", "gnat", "hare", "lark", "mole",
                "moth", "ox", "shark", "squid", "toad", "wren")

KD_EPOCHS = 10
KD_LOG_EVERY = 50  # Trainer(log_every_n_steps=50), the default
KD_LR = 1e-3
# Mean final val accuracy of the distilled resnet18 per (temperature, alpha).
KD_VAL_ACC = {(2, 0.5): 0.894, (2, 0.9): 0.899, (4, 0.5): 0.897, (4, 0.9): 0.906}


def mlflow_yaml(obj):
    """meta.yaml as MLflow's write_yaml writes it: safe dumper, block style, sorted keys."""
    return yaml.safe_dump(obj, default_flow_style=False, allow_unicode=True, sort_keys=True)


def ms(t):
    """A datetime as MLflow keeps times: integer milliseconds since the epoch."""
    return int(round(t.timestamp() * 1000))


def flatten_dotted(cfg, prefix=""):
    """The `flatten(cfg)` people write before mlflow.log_params: nested keys joined with `.`."""
    out = {}
    for k, v in cfg.items():
        if isinstance(v, dict):
            out.update(flatten_dotted(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def ft_specs():
    """The fine-tuning runs in the order they were started."""
    specs = [dict(opt="adam", lr=3e-4, seed=0, epochs=1, kind="smoke", name=None)]
    for opt, lrs in (("adam", (1e-4, 3e-4)), ("sgd", (0.01, 0.1))):
        for lr in lrs:
            for seed in (0, 1):
                kind = "ok"
                if (opt, lr, seed) == ("adam", 3e-4, 0):
                    kind = "failed"  # the node lost its GPU in epoch 5; re-run at the end
                elif (opt, lr, seed) == ("sgd", 0.1, 1):
                    kind = "diverged"
                specs.append(dict(opt=opt, lr=lr, seed=seed, epochs=FT_EPOCHS, kind=kind,
                                  name=f"ft-{opt}-lr{lr:g}-s{seed}"))
    specs.append(dict(specs[3], kind="ok"))  # the re-run of the failed adam 3e-4 seed 0
    return specs


def ft_config(spec):
    opt = ({"name": "sgd", "lr": spec["lr"], "momentum": 0.9, "weight_decay": 0.0005}
           if spec["opt"] == "sgd" else
           {"name": spec["opt"], "lr": spec["lr"], "weight_decay": 5e-05})
    return {
        "optimizer": opt,
        "seed": spec["seed"],
        "model": {"arch": "resnet18", "pretrained": "cifar10"},
        "data": {"dataset": "cifar100", "batch_size": 128},
        "epochs": spec["epochs"],
    }


def ft_history(rng, spec):
    """Per-epoch (train/loss, val/loss, val/acc) of one fine-tuning run, and test/acc."""
    final = FT_VAL_ACC[(spec["opt"], spec["lr"])] + rng.gauss(0, 0.003)
    start = rng.uniform(0.36, 0.41) - (0.04 if spec["opt"] == "sgd" else 0.0)
    noisy = 2.0 if spec["lr"] >= 0.1 else 1.0
    rows = []
    n = FT_EPOCHS if spec["kind"] != "smoke" else 1
    for e in range(n):
        if spec["kind"] == "diverged" and e >= 2:
            if e == 2:  # the loss explodes, then everything is NaN
                rows.append((f32(rng.uniform(4.5, 6.5)), f32(rng.uniform(6.0, 9.0)),
                             round(rng.uniform(0.03, 0.06) * FT_VAL_IMAGES) / FT_VAL_IMAGES))
            else:       # the network predicts one class: 1% of CIFAR-100
                rows.append((float("nan"), float("nan"), 0.01))
            continue
        acc = final - (final - start) * math.exp(-e / 3.4) + rng.gauss(0, 0.004 * noisy)
        acc = round(acc * FT_VAL_IMAGES) / FT_VAL_IMAGES
        val_loss = f32(0.22 + 2.75 * (1 - acc) + 0.011 * max(0, e - 8) + rng.gauss(0, 0.01))
        train_loss = f32(0.21 + 2.55 * math.exp(-(e + 0.5) / 3.1) + rng.gauss(0, 0.012 * noisy)
                         + (0.08 if spec["lr"] >= 0.1 else 0.0))
        rows.append((train_loss, val_loss, acc))
    last_acc = rows[-1][2]
    test_acc = 0.01 if math.isnan(rows[-1][0]) else \
        round((last_acc - 0.004 + rng.gauss(0, 0.002)) * 10000) / 10000
    return rows, test_acc


def build_mlflow(rng):
    files = {}
    listing = []
    exp_id = str(rng.randrange(10 ** 17, 10 ** 18))  # _generate_unique_integer_id()
    commit = "%040x" % rng.getrandbits(160)
    created = ms(FT_START)
    # The first mlflow.set_experiment() makes the store, Default included, then the experiment.
    files["mlruns/0/meta.yaml"] = mlflow_yaml({
        "artifact_location": f"file://{MLRUNS_ROOT}/0", "creation_time": created,
        "experiment_id": "0", "last_update_time": created, "lifecycle_stage": "active",
        "name": "Default"})
    exp_created = created + rng.randint(15, 40)
    files[f"mlruns/{exp_id}/meta.yaml"] = mlflow_yaml({
        "artifact_location": f"file://{MLRUNS_ROOT}/{exp_id}", "creation_time": exp_created,
        "experiment_id": exp_id, "last_update_time": exp_created, "lifecycle_stage": "active",
        "name": "cifar100-finetune"})
    t = FT_START + timedelta(milliseconds=exp_created - created + rng.randint(300, 700))
    deleted = []
    for spec in ft_specs():
        run_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        name = spec["name"] or "%s-%s-%d" % (rng.choice(MLFLOW_PREDICATES),
                                            rng.choice(MLFLOW_NOUNS), rng.randrange(1000))
        base = f"mlruns/{exp_id}/{run_id}/"
        start = t
        for key, value in flatten_dotted(ft_config(spec)).items():
            files[base + "params/" + key] = str(value)  # str(), no trailing newline
        rows, test_acc = ft_history(rng, spec)
        if spec["kind"] == "failed":
            rows = rows[:4]
        setup = rng.uniform(14.0, 22.0)            # data loading, checkpoint, cudnn autotune
        per_epoch = rng.uniform(39.0, 43.0)
        lines = {"train/loss": [], "val/loss": [], "val/acc": []}
        now = start + timedelta(seconds=setup)
        for epoch, (train_loss, val_loss, val_acc) in enumerate(rows):
            now += timedelta(seconds=per_epoch + rng.uniform(-0.8, 0.8))
            stamp = ms(now)  # one log_metrics() call: one timestamp for all three
            for key, value in (("train/loss", train_loss), ("val/loss", val_loss),
                               ("val/acc", val_acc)):
                lines[key].append(f"{stamp} {value} {epoch}\n")
        if spec["kind"] == "failed":
            # CUDA error in epoch 5: the `with mlflow.start_run()` block ends the run FAILED.
            end = now + timedelta(seconds=per_epoch * rng.uniform(0.3, 0.7))
            status = 4
        else:
            now += timedelta(seconds=rng.uniform(3.0, 5.0))  # the test pass
            lines["test/acc"] = [f"{ms(now)} {test_acc} 0\n"]
            end = now + timedelta(milliseconds=rng.randint(40, 200))
            status = 3
        for key, text in lines.items():
            files[base + "metrics/" + key] = "".join(text)
        tags = {"mlflow.runName": name, "mlflow.source.git.commit": commit,
                "mlflow.source.name": "finetune_cifar100.py", "mlflow.source.type": "LOCAL",
                "mlflow.user": "mkeller"}
        for key, value in tags.items():
            files[base + "tags/" + key] = value
        meta = {
            "artifact_uri": f"file://{MLRUNS_ROOT}/{exp_id}/{run_id}/artifacts",
            "end_time": ms(end), "entry_point_name": "", "experiment_id": exp_id,
            "lifecycle_stage": "active", "run_id": run_id, "run_name": name,
            "run_uuid": run_id, "source_name": "", "source_type": 4, "source_version": "",
            "start_time": ms(start), "status": status, "tags": [], "user_id": "mkeller"}
        if spec["kind"] == "smoke":
            deleted.append((base, meta))
        files[base + "meta.yaml"] = mlflow_yaml(meta)
        listing.append((f"mlruns/{exp_id}/{run_id}", spec, name))
        t = end + timedelta(seconds=rng.uniform(4, 9) if spec["kind"] != "smoke" else
                            rng.uniform(240, 420))  # after the smoke test: a look, a fix
    # Once the grid was done, the smoke test was deleted in the UI: MLflow rewrites its
    # meta.yaml with lifecycle_stage deleted and the time, and leaves the folder in place.
    when = ms(t + timedelta(minutes=rng.uniform(20, 50)))
    for base, meta in deleted:
        files[base + "meta.yaml"] = mlflow_yaml(dict(meta, lifecycle_stage="deleted",
                                                     deleted_time=when))
    return files, listing, exp_id


def kd_rows(rng, temperature, alpha):
    """The rows CSVLogger collects for one distillation run, in logging order."""
    steps_per_epoch = STEPS_PER_EPOCH
    final = KD_VAL_ACC[(temperature, alpha)] + rng.gauss(0, 0.002)
    floor = 0.24 + 0.22 * alpha * temperature / 4
    top = rng.uniform(2.1, 2.4) * (0.8 + 0.25 * alpha * temperature / 4)
    tau = 1.4 * steps_per_epoch

    def loss_at(step):
        return floor + (top - floor) * math.exp(-step / tau)

    rows = []
    for epoch in range(KD_EPOCHS):
        first = epoch * steps_per_epoch
        last = first + steps_per_epoch - 1
        # LearningRateMonitor(logging_interval="epoch"), at the epoch's start: no epoch cell.
        lr = KD_LR * (1 + math.cos(math.pi * epoch / KD_EPOCHS)) / 2  # CosineAnnealingLR
        rows.append({"lr-AdamW": lr, "step": first})
        for step in range(first, last + 1):
            if (step + 1) % KD_LOG_EVERY == 0:
                value = f32(loss_at(step) * math.exp(rng.gauss(0, 0.07)))
                rows.append({"train_loss_step": value, "epoch": epoch, "step": step})
        acc = final - (final - 0.56) * math.exp(-epoch / 2.6) + rng.gauss(0, 0.004)
        acc = f32(round(acc * 10000) / 10000)  # torchmetrics Accuracy on the 10k test images
        val_loss = f32(0.05 + 2.3 * (1 - acc) + rng.gauss(0, 0.008))
        rows.append({"val/acc": acc, "val/loss": val_loss, "epoch": epoch, "step": last})
        epoch_loss = sum(loss_at(s) for s in range(first, last + 1)) / steps_per_epoch
        rows.append({"train_loss_epoch": f32(epoch_loss * math.exp(rng.gauss(0, 0.01))),
                     "epoch": epoch, "step": last})
    return rows


def csvlogger_text(rows):
    """metrics.csv as Lightning 2.2's CSVLogger leaves it: the sorted keys of all rows as the
    header (it rewrites the file when a key appears), rows as csv.DictWriter writes them."""
    keys = sorted(set().union(*rows))
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=keys)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def build_lightning(rng):
    files = {}
    listing = []
    version = 0
    for temperature in (2, 4):
        for alpha in (0.5, 0.9):
            hparams = {  # DistillModule.__init__(...) + self.save_hyperparameters()
                "model": {"arch": "resnet18", "teacher": "resnet34",
                          "teacher_ckpt": "checkpoints/resnet34-adamw-3e-4-s1.ckpt"},
                "optimizer": {"name": "adamw", "lr": KD_LR, "weight_decay": 0.05},
                "distill": {"temperature": temperature, "alpha": alpha},
                "data": {"dataset": "cifar10", "batch_size": 128},
                "seed": 0,
                "epochs": KD_EPOCHS,
            }
            base = f"lightning_logs/distill/version_{version}/"
            files[base + "hparams.yaml"] = yaml.dump(hparams)  # no OmegaConf: plain yaml.dump
            files[base + "metrics.csv"] = csvlogger_text(kd_rows(rng, temperature, alpha))
            listing.append((base.rstrip("/"), temperature, alpha))
            version += 1
    return files, listing


OPTUNA_SEED = 20240509
OPTUNA_START = datetime(2024, 5, 9, 8, 0, 0, tzinfo=UTC)


def optuna_op(code, **body):
    """One line of Optuna's JournalFileBackend: compact JSON, NaN/Infinity as Python writes."""
    return json.dumps({"op_code": code, "worker_id": "5f0c7a52-2d7e-4b8e-9a41-0c6f3e1d2b7a-140213",
                       **body}, separators=(",", ":")) + "\n"


def build_optuna():
    """The fine-tune's learning rate, optimizer and batch size searched with Optuna (TPE and a
    median pruner, 24 trials of up to 15 epochs): a journal file as Optuna 3.6 writes it. The
    objective is named `val/acc` (study.set_metric_names) and maximised; each epoch's val/acc is
    an intermediate value; trials the pruner stops are PRUNED, one trial FAILed (CUDA out of
    memory at batch size 256 with SGD) and the last one is still RUNNING."""
    rng = random.Random(OPTUNA_SEED)
    iso = lambda t: t.replace(tzinfo=None).isoformat(timespec="microseconds")
    lr_dist = json.dumps({"name": "FloatDistribution",
                          "attributes": {"step": None, "low": 1e-05, "high": 0.01, "log": True}})
    opt_choices = ["adam", "sgd"]
    opt_dist = json.dumps({"name": "CategoricalDistribution", "attributes": {"choices": opt_choices}})
    bs_choices = [64, 128, 256]
    bs_dist = json.dumps({"name": "CategoricalDistribution", "attributes": {"choices": bs_choices}})
    lines = [optuna_op(0, study_name="cifar100-finetune-hpo", directions=[2])]
    lines.append(optuna_op(3, study_id=0, system_attr={"study:metric_names": ["val/acc"]}))
    t = OPTUNA_START
    finished_curves = []
    for trial in range(24):
        lines.append(optuna_op(4, study_id=0, datetime_start=iso(t)))
        lr = 10 ** rng.uniform(-5, -2)
        opt = rng.randrange(2)
        bs = rng.randrange(3)
        for name, value, dist in (("optimizer.lr", lr, lr_dist), ("optimizer.name", opt, opt_dist),
                                  ("data.batch_size", bs, bs_dist)):
            lines.append(optuna_op(5, trial_id=trial, param_name=name, param_value_internal=value,
                                   distribution=dist))
        if trial == 23:  # still training when the folder was copied
            lines.append(optuna_op(7, trial_id=trial, step=0, intermediate_value=0.31))
            break
        if trial == 9:
            t += timedelta(seconds=41)
            lines.append(optuna_op(6, trial_id=trial, state=3, values=None,
                                   datetime_complete=iso(t)))
            continue
        best_lr = 3e-4 if opt == 0 else 3e-2
        ceiling = 0.78 - 0.05 * abs(math.log10(lr / best_lr)) - 0.01 * bs + rng.gauss(0, 0.006)
        acc, state = 0.0, 1
        for epoch in range(15):
            acc = ceiling * (1 - math.exp(-(epoch + 1) / 3.5)) + rng.gauss(0, 0.004)
            t += timedelta(seconds=52 + 12 * (2 - bs))
            lines.append(optuna_op(7, trial_id=trial, step=epoch, intermediate_value=acc))
            # The median pruner: from epoch 5 on, stop a trial below the median of the finished
            # ones at the same epoch.
            if epoch >= 4 and len(finished_curves) >= 5:
                median = sorted(c[epoch] for c in finished_curves)[len(finished_curves) // 2]
                if acc < median:
                    state = 2
                    break
        if state == 1:
            finished_curves.append([ceiling * (1 - math.exp(-(e + 1) / 3.5)) for e in range(15)])
            lines.append(optuna_op(6, trial_id=trial, state=1, values=[acc],
                                   datetime_complete=iso(t)))
        else:
            lines.append(optuna_op(6, trial_id=trial, state=2, values=[acc],
                                   datetime_complete=iso(t)))
        t += timedelta(seconds=3)
    return {"optuna/cifar100-finetune-hpo.log": "".join(lines)}


def build_more(rng):
    """Return {relative path: text} for the MLflow, Lightning and Optuna examples, plus
    listings. The Optuna study has its own seeded generator: the other files never change."""
    files, ft_listing, exp_id = build_mlflow(rng)
    kd_files, kd_listing = build_lightning(rng)
    files.update(kd_files)
    files.update(build_optuna())
    return files, ft_listing, kd_listing, exp_id


def check_clearable(out: Path, own=frozenset(OWN_TOP_LEVEL)):
    """Exit unless `out` is absent or a directory holding nothing but the folders in `own`."""
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir() or out.is_symlink():
        sys.exit(f"generate_examples: {out} exists and is not a directory; refusing to touch it")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in own)
    if foreign:
        sys.exit(f"generate_examples: {out} contains {', '.join(foreign)}, which this script "
                 "did not write; refusing to delete it")


def safe_clear(out: Path, own=frozenset(OWN_TOP_LEVEL)):
    """Delete OUTDIR, but only if it contains nothing but our own output."""
    check_clearable(out, own)
    if out.exists():
        shutil.rmtree(out)


def write_tree(out: Path, files):
    for rel in sorted(files):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[rel].encode("utf-8"))  # bytes as given: CRLF stays CRLF


def summary(files, out):
    total = sum(len(t.encode("utf-8")) for t in files.values())
    digest = hashlib.sha256("".join(f"{k}\0{files[k]}\0" for k in sorted(files)).encode())
    return (f"wrote {len(files)} files, {total} bytes, to {out} (content sha256 "
            f"{digest.hexdigest()[:16]})")


def main():
    default_out = Path(__file__).resolve().parent / "runs"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", type=Path, default=default_out,
                    help="the W&B sweep and the baselines (default: %(default)s)")
    ap.add_argument("moredir", nargs="?", type=Path, default=None,
                    help="the MLflow and Lightning examples (default: OUTDIR/../more)")
    ap.add_argument("--no-more", action="store_true", help="write OUTDIR only")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the runs written")
    args = ap.parse_args()
    if args.no_more and args.moredir is not None:
        ap.error("MOREDIR and --no-more exclude each other")

    out = args.outdir
    more = None
    if not args.no_more:
        more = args.moredir if args.moredir is not None else out.resolve().parent / "more"
        a, b = out.resolve(), more.resolve()
        if a == b or a in b.parents or b in a.parents:
            ap.error(f"OUTDIR {out} and MOREDIR {more} must not contain each other")

    files, listing, sweep_id, newest_dir = build(random.Random(SEED))
    more_files = None
    if more is not None:
        more_files, ft_listing, kd_listing, exp_id = build_more(random.Random(MORE_SEED))
        check_clearable(more, MORE_OWN_TOP_LEVEL)
    check_clearable(out, OWN_TOP_LEVEL)  # both checked before either is deleted

    safe_clear(out, OWN_TOP_LEVEL)
    write_tree(out, files)
    if more is not None:
        safe_clear(more, MORE_OWN_TOP_LEVEL)
        write_tree(more, more_files)

    if args.verbose:
        for dirname, s in listing:
            print(f"{dirname}  {s['gen']:3}  {s['kind']:8}  {s['opt']:5} lr={s['lr']:<6} "
                  f"seed={s['seed']} {s['arch']}{'  sweep' if s['sweep'] else ''}")
        print(f"sweep-{sweep_id}; latest-run = copy of {newest_dir}")
        if more is not None:
            for path, s, name in ft_listing:
                print(f"{path}  {s['kind']:8}  {s['opt']:4} lr={s['lr']:<6} seed={s['seed']} "
                      f"epochs={s['epochs']:<2} {name}")
            for path, temperature, alpha in kd_listing:
                print(f"{path}  temperature={temperature} alpha={alpha}")
    print(summary(files, out))
    if more is not None:
        print(summary(more_files, more))


if __name__ == "__main__":
    main()
