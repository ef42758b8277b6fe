#!/usr/bin/env python3
"""Writes the W&B transaction logs in seeds/: the fuzz target fuzz_wandblog starts from them and
tst_wandblog reads them back, so the reader is checked against logs written by a second,
independent encoder (this one: plain Python, zlib's CRC-32 and its own protobuf encoding and
LevelDB-style framing, no wandb or protobuf package). Run it from anywhere; it rewrites seeds/.

    python3 tests/data/wandblog/make_seeds.py

What each file holds is pinned in tst_wandblog.cpp (TestWandbLog::seeds_data).
"""
import os
import random
import struct
import zlib
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from protoenc import f_bytes as field_bytes, f_varint as field_varint, varint  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "seeds")
BLOCK = 32768
HEADER = b":W&B" + struct.pack("<H", 0xBEE1) + b"\x00"
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


def item(path, value_json=None):
    """A HistoryItem / ConfigItem / SummaryItem: key (1) or nested_key (2), value_json (16)."""
    if isinstance(path, str):
        out = field_bytes(1, path)
    else:
        out = b"".join(field_bytes(2, p) for p in path)
    if value_json is not None:
        out += field_bytes(16, value_json)
    return out


def record(kind, body, num=1):
    """A wandb_internal.Record: num (1) and one record_type field."""
    return field_varint(1, num) + field_bytes(kind, body)


def changes(updates, removes=()):
    return b"".join(field_bytes(1, item(p, v)) for p, v in updates) + b"".join(
        field_bytes(2, item(p)) for p in removes)


def history(items, step=None):
    body = b"".join(field_bytes(1, item(p, v)) for p, v in items)
    if step is not None:
        body += field_bytes(2, field_varint(1, step) if step else b"")
    return record(2, body)


def summary(updates, removes=()):
    return record(3, changes(updates, removes))


def config(updates, removes=()):
    return record(5, changes(updates, removes))


def output(line):
    return record(13, field_varint(1, 1) + field_bytes(3, line))


def stats(name, value):
    return record(7, field_varint(1, 0) + field_bytes(3, field_bytes(1, name) + field_bytes(16, value)))


def exit_record(code, runtime):
    body = (field_varint(1, code) if code else b"") + field_varint(2, runtime)
    return record(18, body)


def run(run_id, name, project, config_items=(), tags=(), start=(1714564800, 250000000)):
    body = field_bytes(1, run_id) + field_bytes(3, project)
    if config_items:
        body += field_bytes(4, changes(config_items))
    body += field_bytes(8, name)
    body += b"".join(field_bytes(10, t) for t in tags)
    body += field_bytes(13, "seed-host")
    body += field_bytes(17, field_varint(1, start[0]) + field_varint(2, start[1]))
    body += field_bytes(21, field_bytes(1, "https://example.com/x.git") + field_bytes(2, "abc123"))
    return record(17, body)


def chunk(kind, payload, bad_crc=False):
    crc = zlib.crc32(payload, zlib.crc32(bytes([kind]))) & 0xFFFFFFFF
    if bad_crc:
        crc ^= 0x5A5A5A5A
    return struct.pack("<IHB", crc, len(payload), kind) + payload


def frame(records, out=None):
    """LevelDB's log writer: records split at block boundaries, short block ends zero-padded."""
    out = bytearray(HEADER) if out is None else out
    for r in records:
        begin = True
        while True:
            left = BLOCK - len(out) % BLOCK
            if left < 7:
                out += b"\0" * left
                continue
            n = min(left - 7, len(r))
            end = n == len(r)
            kind = FULL if begin and end else FIRST if begin else LAST if end else MIDDLE
            out += chunk(kind, r[:n])
            r = r[n:]
            begin = False
            if end:
                break
    return out


def complete_records():
    rows = []
    for step, (loss, acc) in enumerate([(0.9, 0.5), (0.5, 0.75), (0.7, 0.8)]):
        rows.append(history([("loss", repr(loss)), ("acc", repr(acc)), ("_step", str(step)),
                             ("_timestamp", repr(1714564810.5 + step)), ("_runtime", str(10 + step)),
                             (["img", "_type"], '"image-file"'), (["img", "width"], "32")], step))
        rows.append(summary([("loss", repr(loss)), ("acc", repr(acc)), ("_step", str(step)),
                             (["_wandb", "runtime"], str(10 + step))]))
        rows.append(stats("cpu", "12.5"))
        rows.append(output("epoch %d" % step))
    return [
        run("seed0001", "brave-fox", "seeds",
            [("_wandb", "{}"), ("lr", "0.001"), ("optimizer", '{"name": "adam", "betas": [0.9, 0.999]}')],
            tags=["baseline"]),
        config([(["optimizer", "name"], '"sgd"'), ("seed", "7")], removes=[["optimizer", "betas"]]),
        *rows,
        summary([("best", "Infinity"), ("worst", "NaN")]),
        exit_record(0, 95),
    ]


def complete():
    return frame(complete_records())


def multiblock():
    # A config value of 40 000 characters: its record runs FIRST / LAST across block 0's end;
    # then records sized so that block 1 ends with 3 bytes of zero padding.
    big = '"' + "x" * 40000 + '"'
    out = frame([run("seed0002", "long-config", "seeds"), config([("notes", big)])])
    filler = output("")
    while BLOCK * 2 - len(out) > 7 + len(filler) + 3 + 7 + 200:
        out = frame([filler], out)
    pad = BLOCK * 2 - len(out) - 3 - 7
    line = "y" * (pad - len(output("")))
    while len(output(line)) > pad:
        line = line[:-1]
    out = frame([output(line)], out)
    return frame([history([("loss", "0.25"), ("_step", "0")]), exit_record(0, 5)], out)


def python_sdk_records():
    # As the Python SDK (<= 0.17) writes: history steps empty, dicts logged whole, summary only
    # at exit -- here never: the run was killed (no summary record, exit code 1).
    return [
        run("seed0003", "killed", "seeds", [("epochs", "10")]),
        history([("val", '{"acc": 0.5, "hist": {"_type": "histogram", "bins": [1, 2]}}'), ("_step", "0")], 0),
        history([("val", '{"acc": 0.625}'), ("_step", "1"), ("note", '"warming up"')], 0),
        exit_record(1, 3),
    ]


def no_exit_records():
    return [run("seed0004", "still-going", "seeds"),
            history([("loss", "1.5"), ("_step", "0")], 0),
            history([("loss", "1.25"), ("_step", "1")], 1)]


def payloads(records):
    """fuzz_wandblog's second input shape: "RLPB", a flags byte, then each record as a uint16
    little-endian length and its bytes; the target frames them itself, so that the fuzzer's
    mutations reach the record decoding instead of failing a checksum."""
    return b"RLPB\0" + b"".join(struct.pack("<H", len(r)) + r for r in records)


def truncated():
    return complete()[:-5]


def bad_crc():
    # Block 0: the run record, a summary whose chunk has a bad checksum, a summary lost with
    # the rest of the block, output records up to the block's end; block 1: what is read again.
    out = frame([run("seed0005", "damaged", "seeds")])
    out += chunk(FULL, summary([("lost", "1")]), bad_crc=True)
    out = frame([summary([("also_lost", "2")])], out)
    while BLOCK - len(out) % BLOCK > 7 + len(output("z" * 100)):
        out = frame([output("z" * 100)], out)
    out += b"\0" * (BLOCK - len(out) % BLOCK)
    return frame([summary([("kept", "3")]), exit_record(0, 4)], out)


def malformed():
    out = frame([run("seed0006", "malformed", "seeds")])
    out += chunk(FULL, b"\x12\xff\xff\xff\xff\x0f")  # a history field longer than the record
    return frame([summary([("bad", "{nope"), ("good", "1")]), exit_record(0, 1)], out)


def garbage():
    rng = random.Random(11)
    return bytes(rng.randrange(256) for _ in range(300))


FILES = {
    "complete.wandb": complete,
    "multiblock.wandb": multiblock,
    "python_sdk.wandb": lambda: frame(python_sdk_records()),
    "no_exit.wandb": lambda: frame(no_exit_records()),
    "truncated.wandb": truncated,
    "bad_crc.wandb": bad_crc,
    "malformed.wandb": malformed,
    "wrong_version.wandb": lambda: HEADER[:6] + b"\x01" + bytes(complete()[7:200]),
    "empty.wandb": lambda: b"",
    "garbage.bin": garbage,
    "complete.payloads": lambda: payloads(complete_records()),
    "python_sdk.payloads": lambda: payloads(python_sdk_records()),
    "no_exit.payloads": lambda: payloads(no_exit_records()),
}


def main():
    os.makedirs(SEEDS, exist_ok=True)
    for name in os.listdir(SEEDS):
        os.remove(os.path.join(SEEDS, name))
    for name, make in FILES.items():
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(bytes(make()))


if __name__ == "__main__":
    main()
