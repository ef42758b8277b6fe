#!/usr/bin/env python3
"""An independent decoder of W&B transaction logs (`run-<id>.wandb`), used by hand to check the
values tst_corpus_wandblog pins: the framing with zlib.crc32 and the Record protobufs by field
number (FORMATS.md 1.6), no wandb or protobuf package. For each log it prints the framing's
problems, the record counts by type, the RunRecord, the config and summary after every change
record (the summary from the last history values when there is no summary record), the exit
record, and per numeric history key its count, min, max, mean and last value by step.

    python3 tests/data/wandblog/decode_log.py path/to/run-<id>.wandb ...
"""
import collections
import json
import math
import struct
import sys
import zlib

BLOCK = 32768
TYPES = {2: "history", 3: "summary", 4: "output", 5: "config", 6: "files", 7: "stats",
         8: "artifact", 9: "tbrecord", 10: "alert", 11: "telemetry", 12: "metric",
         13: "output_raw", 17: "run", 18: "exit", 20: "final", 21: "header", 22: "footer",
         23: "preempting", 24: "noop_link_artifact", 25: "use_artifact", 26: "environment",
         27: "output_logger", 100: "request"}


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, i


def fields(b):
    i, out = 0, []
    while i < len(b):
        tag, i = varint(b, i)
        f, w = tag >> 3, tag & 7
        if w == 0:
            v, i = varint(b, i)
        elif w == 1:
            v, i = b[i:i + 8], i + 8
        elif w == 5:
            v, i = b[i:i + 4], i + 4
        elif w == 2:
            n, i = varint(b, i)
            if i + n > len(b):
                raise ValueError("length past the end")
            v, i = b[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % w)
        out.append((f, w, v))
    return out


def records(data, problems):
    """Yields (offset, payload); notes problems as the Go reader meets them."""
    if len(data) < 7 or data[:4] != b":W&B" or data[4:6] != b"\xe1\xbe" or data[6] != 0:
        problems.append("no W&B header of version 0 (%d bytes)" % len(data))
        return
    pos, buf, start = 7, None, None
    while True:
        left = BLOCK - pos % BLOCK
        if left < 7:
            pos += left
            continue
        if pos + 7 > len(data):
            if pos < len(data) and any(data[pos:]):
                problems.append("cut inside a chunk header at %d" % pos)
            break
        crc, length, kind = struct.unpack("<IHB", data[pos:pos + 7])
        if crc == 0 and length == 0 and kind == 0:
            pos += left
            continue
        if pos + 7 + length > len(data):
            problems.append("cut: the chunk at %d announces %d bytes" % (pos, length))
            break
        payload = data[pos + 7:pos + 7 + length]
        if zlib.crc32(payload, zlib.crc32(bytes([kind]))) != crc:
            problems.append("bad checksum at %d" % pos)
            pos += left
            buf = None
            continue
        here, pos = pos, pos + 7 + length
        if kind == 1:
            yield here, payload
        elif kind == 2:
            buf, start = payload, here
        elif kind == 3 and buf is not None:
            buf += payload
        elif kind == 4 and buf is not None:
            yield start, buf + payload
            buf = None
    if buf is not None:
        problems.append("cut: the record at %d has no last chunk" % start)


def item(b):
    key, nested, value = "", [], None
    for f, _, v in fields(b):
        if f == 1:
            key = v.decode("utf-8", "replace")
        elif f == 2:
            nested.append(v.decode("utf-8", "replace"))
        elif f == 16:
            value = v.decode("utf-8", "replace")
    return tuple(nested) if nested else (key,), value


def changes(b):
    updates, removes = [], []
    for f, _, v in fields(b):
        (updates if f == 1 else removes if f == 2 else []).append(item(v))
    return updates, removes


def set_path(tree, path, value):
    for p in path[:-1]:
        if not isinstance(tree.get(p), dict):
            tree[p] = {}
        tree = tree[p]
    tree[path[-1]] = value


def remove_path(tree, path):
    for p in path[:-1]:
        tree = tree.get(p)
        if not isinstance(tree, dict):
            return
    tree.pop(path[-1], None)


def loads(value, problems):
    try:
        return True, json.loads(value)
    except (TypeError, ValueError):
        problems.append("not JSON: %r" % (value,))
        return False, None


def apply(tree, ops, problems):
    updates, removes = ops
    for path, value in updates:
        ok, parsed = loads(value, problems)
        if ok:
            set_path(tree, list(path), parsed)
    for path, _ in removes:
        remove_path(tree, list(path))


def decode(path):
    data = open(path, "rb").read()
    problems, counts = [], collections.Counter()
    run, config, summary, exit_record, rows, had_summary = {}, {}, {}, None, [], False
    for offset, payload in records(data, problems):
        try:
            top = [(f, v) for f, _, v in fields(payload) if f in TYPES]
        except ValueError as e:
            problems.append("malformed record at %d: %s" % (offset, e))
            continue
        for f, v in top[-1:]:
            counts[TYPES[f]] += 1
            if f == 17:
                for g, _, x in fields(v):
                    names = {1: "run_id", 2: "entity", 3: "project", 6: "group", 7: "job_type",
                             8: "display_name", 9: "notes", 12: "sweep_id", 13: "host"}
                    if g in names and x:
                        run[names[g]] = x.decode()
                    elif g == 10:
                        run.setdefault("tags", []).append(x.decode())
                    elif g == 4:
                        apply(config, changes(x), problems)
                    elif g == 5 and x:
                        had_summary = True
                        apply(summary, changes(x), problems)
                    elif g == 17:
                        t = dict((h, y) for h, _, y in fields(x))
                        run["start_ms"] = t.get(1, 0) * 1000 + t.get(2, 0) // 1000000
            elif f == 5:
                apply(config, changes(v), problems)
            elif f == 3:
                had_summary = True
                apply(summary, changes(v), problems)
            elif f == 2:
                row, step = {}, None
                for g, _, x in fields(v):
                    if g == 1:
                        key, value = item(x)
                        ok, parsed = loads(value, problems)
                        if ok:
                            row[key] = parsed
                    elif g == 2:
                        step = dict((h, y) for h, _, y in fields(x)).get(1, 0)
                rows.append((step, row))
            elif f == 18:
                e = dict((h, y) for h, _, y in fields(v))
                code = e.get(1, 0)
                exit_record = {"code": code - (1 << 64) if code >= 1 << 63 else code,
                               "runtime": e.get(2, 0)}
    if not had_summary:
        for _, row in rows:
            for key, value in row.items():
                set_path(summary, list(key), value)
    return problems, counts, run, config, summary, exit_record, rows, had_summary


def leaves(key, value):
    """The numeric leaves of a logged value: a dict counts by its leaves, a media dict (with a
    `_type`) and lists, strings and bools not at all."""
    if isinstance(value, dict):
        if isinstance(value.get("_type"), str):
            return
        for k, v in value.items():
            yield from leaves(key + (k,), v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield key, value


def history(rows):
    series = collections.OrderedDict()
    for i, (step, row) in enumerate(rows):
        s = row.get(("_step",), step if step is not None else i)
        # wandb-core logs a media dict's fields as items of their own, `_type` among them.
        media = [key[:-1] for key, value in row.items() if len(key) > 1 and key[-1] == "_type"]
        for key, value in row.items():
            if key[0] in ("_step", "_runtime", "_timestamp") and len(key) == 1:
                continue
            if any(key[:len(m)] == m for m in media):
                continue
            for leaf, number in leaves(key, value):
                series.setdefault(".".join(leaf), []).append((s, number))
    for key, points in series.items():
        finite = [v for _, v in points if not math.isnan(v)]
        last = max(enumerate(points), key=lambda e: (e[1][0], e[0]))[1][1]
        yield key, len(points), min(finite, default=None), max(finite, default=None), (
            sum(finite) / len(finite) if finite else None), last


def main():
    for path in sys.argv[1:]:
        problems, counts, run, config, summary, exit_record, rows, had = decode(path)
        print(path)
        print("  problems:", problems or "none")
        print("  records:", sum(counts.values()), dict(counts))
        print("  run:", run)
        print("  exit:", exit_record)
        print("  config:", json.dumps(config))
        print("  summary%s:" % ("" if had else " (last history values)"), json.dumps(summary))
        for key, n, lo, hi, mean, last in history(rows):
            print("  history %s: %d values, min %r, max %r, mean %r, last %r" % (key, n, lo, hi, mean, last))


if __name__ == "__main__":
    main()
