#!/usr/bin/env python3
"""Writes the TensorBoard event files in seeds/: the fuzz target fuzz_tfevents starts from them
and tst_tfevents reads them back, so the reader is checked against files written by a second,
independent encoder (this one: plain Python, its own CRC-32C and protobuf encoding, no
tensorboard or protobuf package). Run it from anywhere; it rewrites seeds/ entirely.

    python3 tests/data/tfevents/make_seeds.py

tst_tfevents checks what each event file holds; `*.payloads` are the same records in the
second input shape of fuzz_tfevents (see fuzz/fuzz_tfevents.cpp).
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from protoenc import f_bytes, f_double, f_float, f_varint, key, varint  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "seeds")


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data):
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked(length)) + data + struct.pack("<I", masked(data))


def event(wall, step, summary_values):
    e = f_double(1, wall)
    if step:
        e += f_varint(2, step)
    return e + f_bytes(5, b"".join(f_bytes(1, v) for v in summary_values))


def file_version(wall):
    return record(f_double(1, wall) + f_bytes(3, "brain.Event:2"))


def simple(tag, v):
    return f_bytes(1, tag) + f_float(2, v)


def metadata(plugin, content=b""):
    data = f_bytes(1, plugin)
    if content:
        data += f_bytes(2, content)
    return f_bytes(1, data)


def tensor_value(tag, tensor, plugin=None):
    v = f_bytes(1, tag)
    if plugin:
        v += f_bytes(9, metadata(plugin))
    return v + f_bytes(8, tensor)


def hparams_event(wall, tag, plugin_data):
    return record(event(wall, 0, [f_bytes(1, tag) + f_bytes(9, metadata("hparams", plugin_data))]))


# google.protobuf.Value
def v_null():
    return f_varint(1, 0)


def v_num(d):
    return f_double(2, d)


def v_str(s):
    return f_bytes(3, s)


def v_bool(b):
    return f_varint(4, 1 if b else 0)


def v_struct(fields):
    return f_bytes(5, b"".join(f_bytes(1, f_bytes(1, k) + f_bytes(2, v)) for k, v in fields))


def v_list(values):
    return f_bytes(6, b"".join(f_bytes(1, v) for v in values))


def ssi(hparams, start=0.0):
    body = b"".join(f_bytes(1, f_bytes(1, k) + f_bytes(2, v)) for k, v in hparams)
    if start:
        body += f_double(5, start)
    return f_bytes(3, body)


def sei(status, end=0.0):
    body = f_varint(1, status)
    if end:
        body += f_double(2, end)
    return f_bytes(4, body)


def experiment(hparams, metrics):
    body = b""
    for name, desc in hparams:
        body += f_bytes(4, f_bytes(1, name) + f_bytes(3, desc) + f_varint(4, 3))
    for tag, desc in metrics:
        body += f_bytes(5, f_bytes(1, f_bytes(2, tag)) + f_bytes(4, desc))
    return f_bytes(2, body)


T0 = 1700000000.25


def scalars():
    out = file_version(T0)
    for i, (loss, acc) in enumerate([(0.9, 0.5), (0.6, 0.7), (0.4, 0.75)]):
        out += record(event(T0 + 10 * (i + 1), 100 * (i + 1), [simple("train/loss", loss)]))
        out += record(event(T0 + 10 * (i + 1), 100 * (i + 1), [simple("val_acc", acc)]))
    return out


def tensors():
    out = file_version(T0)
    # TF 2 `tf.summary.scalar`: DT_FLOAT in float_val, the plugin only on the first event.
    shape = f_bytes(2, b"")
    out += record(event(T0 + 1, 1, [tensor_value("lr", f_varint(1, 1) + shape + f_bytes(5, struct.pack("<f", 0.5)), "scalars")]))
    out += record(event(T0 + 2, 2, [tensor_value("lr", f_varint(1, 1) + shape + f_bytes(5, struct.pack("<f", 0.25)))]))
    # DT_DOUBLE in tensor_content.
    out += record(event(T0 + 3, 3, [tensor_value("dbl", f_varint(1, 2) + shape + f_bytes(4, struct.pack("<d", 1.0e-7)), "scalars")]))
    # DT_INT64 in int64_val, negative.
    out += record(event(T0 + 4, 4, [tensor_value("count", f_varint(1, 9) + shape + f_bytes(10, varint(-3)), "scalars")]))
    # A string tensor of the text plugin and a 2-d float tensor: skipped silently.
    out += record(event(T0 + 5, 5, [tensor_value("notes", f_varint(1, 7) + shape + f_bytes(8, "hello"), "text")]))
    dims = f_bytes(2, f_bytes(2, f_varint(1, 2)) + f_bytes(2, f_varint(1, 3)))
    out += record(event(T0 + 6, 6, [tensor_value("hist", f_varint(1, 1) + dims + f_bytes(5, struct.pack("<6f", *range(6))), "histograms")]))
    return out


def hparams():
    out = file_version(T0)
    out += hparams_event(T0 + 0.1, "_hparams_/experiment",
                         experiment([("optimizer/lr", "learning rate")], [("val_acc", "validation accuracy")]))
    out += hparams_event(T0 + 0.1, "_hparams_/session_start_info", ssi([
        ("optimizer/lr", v_num(0.001)),
        ("name", v_str("resnet")),
        ("amp", v_bool(True)),
        ("seed", v_null()),
        ("betas", v_list([v_num(0.9), v_num(0.999)])),
        ("model", v_struct([("depth", v_num(18)), ("act", v_str("relu"))])),
    ], start=T0))
    out += record(event(T0 + 50, 500, [simple("val_acc", 0.8)]))
    out += hparams_event(T0 + 60, "_hparams_/session_end_info", sei(1, end=T0 + 60))
    return out


def lightning():
    out = file_version(T0)
    out += record(event(T0 + 0.2, 0, [simple("hp_metric", -1.0)]))
    out += hparams_event(T0 + 0.2, "_hparams_/experiment", experiment([("lr", "")], [("hp_metric", "")]))
    out += hparams_event(T0 + 0.2, "_hparams_/session_start_info", ssi([("lr", v_num(0.01)), ("layers", v_str("[2, 4]"))]))
    out += hparams_event(T0 + 0.2, "_hparams_/session_end_info", sei(1))
    out += record(event(T0 + 5, 49, [simple("train_loss", 1.5)]))
    out += record(event(T0 + 5, 49, [simple("epoch", 0.0)]))
    return out


def damaged(kind):
    good = scalars()
    if kind == "truncated":
        return good[:-7]
    if kind == "bad_data_crc":
        b = bytearray(good)
        b[len(good) - 30] ^= 0x01  # inside the last record's data
        return bytes(b)
    if kind == "bad_length_crc":
        first = file_version(T0)
        b = bytearray(good)
        b[len(first) + 9] ^= 0xFF  # the second record's length checksum
        return bytes(b)
    if kind == "huge_length":
        length = struct.pack("<Q", 1 << 40)
        return file_version(T0) + length + struct.pack("<I", masked(length)) + b"\0" * 20
    if kind == "malformed_event":
        return file_version(T0) + record(b"\x0a\xff\xff\xff\x0f") + record(event(T0 + 1, 1, [simple("x", 2.0)]))
    raise ValueError(kind)


def garbage():
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(300))


def payload_seed(framed, flags=0):
    """The `RLPB` shape fuzz_tfevents also takes: the records' payloads, each behind a uint16
    length, framed by the fuzz target itself, so that mutations are not all stopped by a CRC."""
    out = b"RLPB" + bytes([flags])
    at = 0
    while at + 12 <= len(framed):
        (n,) = struct.unpack("<Q", framed[at:at + 8])
        out += struct.pack("<H", n) + framed[at + 12:at + 12 + n]
        at += 16 + n
    return out


FILES = {
    "scalars.tfevents": scalars,
    "tensors.tfevents": tensors,
    "hparams.tfevents": hparams,
    "lightning.tfevents": lightning,
    "truncated.tfevents": lambda: damaged("truncated"),
    "bad_data_crc.tfevents": lambda: damaged("bad_data_crc"),
    "bad_length_crc.tfevents": lambda: damaged("bad_length_crc"),
    "huge_length.tfevents": lambda: damaged("huge_length"),
    "malformed_event.tfevents": lambda: damaged("malformed_event"),
    "empty.tfevents": lambda: b"",
    "garbage.bin": garbage,
    "scalars.payloads": lambda: payload_seed(scalars()),
    "tensors.payloads": lambda: payload_seed(tensors()),
    "hparams.payloads": lambda: payload_seed(hparams()),
    "lightning.payloads": lambda: payload_seed(lightning(), flags=1),
}


def main():
    os.makedirs(SEEDS, exist_ok=True)
    for name in os.listdir(SEEDS):
        os.remove(os.path.join(SEEDS, name))
    for name, make in FILES.items():
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()
