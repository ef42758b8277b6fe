#!/usr/bin/env python3
"""Generate N synthetic Weights & Biases runs for RunLens load benchmarks.

    gen_wandb_runs.py N OUTDIR [--seed S]

Writes OUTDIR/wandb/run-YYYYMMDD_HHMMSS-<id>/files/{config.yaml,wandb-summary.json,
wandb-metadata.json} in the wandb-core (>= 0.18) format: config.yaml without header, every
top-level key wrapped in `{value: ...}`, keys sorted, 4-space indent, 40 config leaves nested
2-3 levels deep plus the `_wandb` block; a compact summary with ~20 metrics (a few percent of
the runs diverged: NaN losses, Infinity grad norm; some have NaN calibration error), a nested
`best` dict and the reserved `_step/_runtime/_timestamp/_wandb` keys; protojson metadata.

Files are produced from string templates (no yaml.dump per file), so 100k runs take a few
minutes at most. Output is deterministic for a given N and seed; run ids are unique (a
bijection of the run index onto 8-character [a-z0-9] ids). Standard library only.
"""

import argparse
import math
import os
import random
import sys
import time

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
T0 = 1714644672  # 2024-05-02 10:11:12 UTC; fake clock, never the real one


def run_id(i):
    """Bijective map of the index onto 36**8 ids (multiplier is coprime to 36)."""
    n = (i * 2654435761 + 1234567891) % (36 ** 8)
    out = []
    for _ in range(8):
        n, r = divmod(n, 36)
        out.append(ALPHABET[r])
    return "".join(out)


# Go's float formatting, shared with the example generator so both write what wandb-core writes.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "examples"))
from generate_examples import go_float as _go_float_slow  # noqa: E402


def gf(x):
    """Fast path of _go_float_slow: Python's repr agrees with Go except for integral floats
    and magnitudes in [1e6, 1e16)."""
    r = repr(x)
    if "e" in r or "n" in r or not (-1e6 < x < 1e6):
        return _go_float_slow(x)
    return r[:-2] if r.endswith(".0") else r


def yf(x):
    """A float as yaml.v3 writes it."""
    s = gf(x)
    return {"NaN": ".nan", "Infinity": ".inf", "-Infinity": "-.inf"}.get(s, s)


def f32(x):
    # Round to float32 precision the cheap way (value only needs to look like tensor.item()).
    return float(f"{x:.8g}")


CONFIG_TEMPLATE = """\
_wandb:
    value:
        cli_version: 0.19.1
        m: []
        python_version: 3.11.7
        t:
            "1":
                - 1
                - 41
                - 55
            "2":
                - 1
                - 41
                - 55
            "3":
                - 13
                - 16
                - 23
                - 55
            "4": 3.11.7
            "5": 0.19.1
            "8":
                - 5
            "12": 0.19.1
            "13": linux-x86_64
compile:
    value: {compile}
data:
    value:
        augment:
            color_jitter: {color_jitter}
            crop: {crop}
            cutout: {cutout}
            flip: {flip}
            mixup_alpha: {mixup_alpha}
        batch_size: {batch_size}
        dataset: {dataset}
        num_workers: 8
        root: /data/datasets
        val_split: 0.1
distributed:
    value:
        backend: nccl
        world_size: {world_size}
epochs:
    value: {epochs}
experiment:
    value:
        group: {group}
        name: {name}
        notes: {notes}
        tags:
            - bench
            - {dataset}
grad_clip:
    value: {grad_clip}
logging:
    value:
        log_every: 50
        save_every: {save_every}
loss:
    value:
        label_smoothing: {label_smoothing}
        name: cross_entropy
model:
    value:
        arch: {arch}
        depth: {depth}
        dropout: {dropout}
        init:
            bias: zeros
            scheme: {init_scheme}
        norm: {norm}
        width: {width}
optimizer:
    value:
        betas:
            - 0.9
            - {beta2}
        eps: 1e-08
        lr: {lr}
        name: {opt}
        weight_decay: {weight_decay}
precision:
    value: {precision}
scheduler:
    value:
        min_lr: {min_lr}
        name: {sched}
        warmup_steps: {warmup}
seed:
    value: {seed}
"""

SUMMARY_TEMPLATE = (
    '{{"train/loss":{train_loss},"val/acc":{val_acc},"_step":{step},"train/acc":{train_acc},'
    '"val/loss":{val_loss},"train/grad_norm":{grad_norm},"test/acc":{test_acc},'
    '"val/acc_top5":{val_top5},"train/lr":{final_lr},"_wandb":{{"runtime":{runtime_int}}},'
    '"test/loss":{test_loss},"val/f1":{val_f1},"val/ece":{val_ece},"epoch":{epoch},'
    '"best":{{"val_acc":{best_acc},"epoch":{best_epoch}}},"time/epoch_seconds":{epoch_s},'
    '"_runtime":{runtime},"train/throughput":{throughput},"test/acc_top5":{test_top5},'
    '"system/gpu_mem_gb":{gpu_mem},"params_m":{params_m},"flops_g":{flops_g},'
    '"_timestamp":{timestamp}}}'
)

METADATA_TEMPLATE = """\
{{
  "os":  "Linux-5.15.0-105-generic-x86_64-with-glibc2.35",
  "python":  "CPython 3.11.7",
  "startedAt":  "{started}",
  "args":  [
    "--config",
    "configs/{dataset}_{arch}.yaml",
    "--seed",
    "{seed}"
  ],
  "program":  "/scratch/bench/train.py",
  "codePath":  "train.py",
  "git":  {{
    "remote":  "https://github.com/example-lab/bench.git",
    "commit":  "{commit}"
  }},
  "email":  "bench@example.org",
  "root":  "/scratch/bench",
  "host":  "gpu-node-{node:02d}",
  "username":  "bench",
  "executable":  "/scratch/bench/venv/bin/python",
  "codePathLocal":  "train.py",
  "cpu_count":  64,
  "cpu_count_logical":  128,
  "gpu":  "NVIDIA A100-SXM4-40GB",
  "gpu_count":  {world_size},
  "disk":  {{
    "/":  {{
      "total":  "479555555328",
      "used":  "{disk_used}"
    }}
  }},
  "memory":  {{
    "total":  "540701442048"
  }},
  "cudaVersion":  "12.2",
  "writerId":  "{writer}"
}}"""

ARCHS = {  # arch: (depth, params in millions, GFLOPs)
    "resnet18": (18, 11.2, 0.56), "resnet34": (34, 21.3, 1.16), "resnet50": (50, 23.5, 1.31),
    "vit_s16": (12, 21.7, 4.6), "convnext_t": (18, 27.8, 4.5),
}
DATASETS = {"cifar10": 10, "cifar100": 100, "svhn": 10, "tiny-imagenet": 200}


def make_run(rng, i):
    """Return (dirname, config.yaml, wandb-summary.json, wandb-metadata.json) of run i."""
    r = rng.random
    arch = rng.choice(tuple(ARCHS))
    depth, params_m, flops_g = ARCHS[arch]
    dataset = rng.choice(tuple(DATASETS))
    opt = rng.choice(("adam", "adamw", "sgd", "lamb"))
    lr = 10 ** rng.uniform(-5, -1)
    epochs = rng.choice((30, 50, 100, 200))
    world_size = rng.choice((1, 2, 4, 8))
    seed = rng.randrange(5)
    v = dict(
        compile=rng.choice(("true", "false")),
        color_jitter=yf(rng.choice((0.0, 0.2, 0.4))),
        crop=rng.choice(("true", "false")),
        cutout=rng.choice((0, 8, 16)),
        flip="true",
        mixup_alpha=yf(rng.choice((0.0, 0.2, 1.0))),
        batch_size=rng.choice((64, 128, 256, 512)),
        dataset=dataset,
        world_size=world_size,
        epochs=epochs,
        group=f"grid-{i // 500:04d}",
        name=f"{arch}-{dataset}-{i:07d}",
        notes=rng.choice(('""', "baseline", "rerun after fixing the data loader", "ablation")),
        grad_clip=rng.choice(("null", "1", "5")),
        save_every=rng.choice((1000, 5000)),
        label_smoothing=yf(rng.choice((0.0, 0.05, 0.1))),
        arch=arch,
        depth=depth,
        dropout=yf(rng.choice((0.0, 0.1, 0.2, 0.3))),
        init_scheme=rng.choice(("kaiming_normal", "xavier_uniform", "trunc_normal")),
        norm=rng.choice(("batchnorm", "layernorm", "groupnorm")),
        width=rng.choice((32, 64, 128, 256)),
        beta2=rng.choice(("0.999", "0.95")),
        lr=yf(lr),
        opt=opt,
        weight_decay=yf(rng.choice((0.0, 0.0001, 0.01, 0.05))),
        precision=rng.choice(("fp32", "bf16", "fp16")),
        min_lr=yf(rng.choice((0.0, 1e-6))),
        sched=rng.choice(("cosine", "step", "linear", "constant")),
        warmup=rng.choice((0, 500, 1000, 2000)),
        seed=seed,
    )
    config = CONFIG_TEMPLATE.format(**v)

    classes = DATASETS[dataset]
    # Accuracy peaks near lr 1e-3 (adam-like) / 3e-2 (sgd); runs with too high lr diverge.
    best_log_lr = -1.5 if opt == "sgd" else -3.0
    quality = math.exp(-((math.log10(lr) - best_log_lr) ** 2) / 1.5)
    ceiling = {10: 0.95, 100: 0.78, 200: 0.65}[classes]
    diverged = math.log10(lr) > best_log_lr + 1.2 and r() < 0.5
    runtime = epochs * rng.uniform(20, 90) / world_size
    start = T0 + i * 61 + rng.randrange(60)
    step = epochs * 40 + rng.randrange(40)
    if diverged:
        acc = 1.0 / classes
        train_loss = val_loss = test_loss = "NaN"
        grad_norm = "Infinity"
        val_ece = "NaN"
        epoch = rng.randrange(1, 6)
        step = epoch * 40
        runtime = runtime * epoch / epochs
    else:
        acc = ceiling * (0.55 + 0.45 * quality) + rng.gauss(0, 0.004)
        val_loss_f = -math.log(max(acc, 1e-3)) * 1.3 + rng.gauss(0, 0.01)
        train_loss = gf(f32(val_loss_f * rng.uniform(0.2, 0.7)))
        val_loss = gf(f32(val_loss_f))
        test_loss = gf(f32(val_loss_f * rng.uniform(0.98, 1.05)))
        grad_norm = gf(f32(rng.uniform(0.2, 3.0)))
        val_ece = "NaN" if r() < 0.05 else gf(f32(rng.uniform(0.01, 0.08)))
        epoch = epochs
    runtime = round(runtime + 30, 6)
    acc = min(max(acc, 0.0), 1.0)
    val_acc = round(acc * 5000) / 5000
    test_acc = round(min(1.0, max(0.0, acc - 0.004 + rng.gauss(0, 0.002))) * 10000) / 10000
    summary = SUMMARY_TEMPLATE.format(
        train_loss=train_loss, val_acc=gf(val_acc), step=step,
        train_acc=gf(min(1.0, round(acc * rng.uniform(1.0, 1.06), 4))),
        val_loss=val_loss, grad_norm=grad_norm, test_acc=gf(test_acc),
        val_top5=gf(round(min(1.0, acc + (1 - acc) * 0.8), 4)),
        final_lr=gf(0.0 if diverged else lr * 0.01), runtime_int=int(runtime),
        test_loss=test_loss, val_f1=gf(round(max(0.0, acc - rng.uniform(0, 0.02)), 4)),
        val_ece=val_ece, epoch=epoch,
        best_acc=gf(round(min(1.0, acc + abs(rng.gauss(0, 0.003))) * 5000) / 5000),
        best_epoch=max(1, epoch - rng.randrange(6)), epoch_s=gf(round(runtime / epoch, 3)),
        runtime=gf(runtime), throughput=gf(round(rng.uniform(800, 9000), 1)),
        test_top5=gf(round(min(1.0, acc + (1 - acc) * 0.78), 4)),
        gpu_mem=gf(round(rng.uniform(3, 38), 2)), params_m=gf(params_m), flops_g=gf(flops_g),
        timestamp=gf(round(start + runtime, 6)),
    )
    tm = time.gmtime(start)
    rid = run_id(i)
    metadata = METADATA_TEMPLATE.format(
        started=time.strftime("%Y-%m-%dT%H:%M:%S", tm) + ".%06dZ" % rng.randrange(1000000),
        dataset=dataset, arch=arch, seed=seed, commit="%040x" % rng.getrandbits(160),
        node=rng.randrange(1, 17), world_size=world_size,
        disk_used=str(200000000000 + rng.randrange(10 ** 10)),
        writer="".join(rng.choice(ALPHABET) for _ in range(32)),
    )
    dirname = time.strftime("run-%Y%m%d_%H%M%S-", tm) + rid
    return dirname, config, summary, metadata


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of runs")
    ap.add_argument("outdir", help="output folder (OUTDIR/wandb must not exist yet)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = ap.parse_args()
    if args.n < 0 or args.n > 36 ** 8:
        sys.exit("gen_wandb_runs: N out of range")
    wandb_dir = os.path.join(args.outdir, "wandb")
    if os.path.exists(wandb_dir):
        sys.exit(f"gen_wandb_runs: {wandb_dir} already exists; remove it first")
    os.makedirs(wandb_dir)

    rng = random.Random(args.seed)
    t = time.perf_counter()
    total = 0
    for i in range(args.n):
        dirname, config, summary, metadata = make_run(rng, i)
        files = os.path.join(wandb_dir, dirname, "files")
        os.makedirs(files)
        for name, text in (("config.yaml", config), ("wandb-summary.json", summary),
                           ("wandb-metadata.json", metadata)):
            data = text.encode()
            total += len(data)
            with open(os.path.join(files, name), "wb") as f:
                f.write(data)
        if args.n >= 10000 and (i + 1) % 10000 == 0:
            print(f"  {i + 1}/{args.n} runs", file=sys.stderr)
    print(f"gen_wandb_runs: {args.n} runs, {total / 1e6:.1f} MB in "
          f"{time.perf_counter() - t:.1f} s -> {wandb_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
