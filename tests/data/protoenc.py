"""Protobuf wire-format encoding for the seed generators of the binary readers' fixtures
(tfevents/make_seeds.py, wandblog/make_seeds.py): plain Python, no protobuf package, so the
C++ decoder is checked against an encoder of its own."""
import struct


def varint(v):
    """An unsigned LEB128 varint; a negative int64 takes ten bytes, as protobuf writes it."""
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    """A field's key: its number and wire type (0 varint, 1 fixed64, 2 bytes, 5 fixed32)."""
    return varint(field << 3 | wire)


def f_varint(field, v):
    return key(field, 0) + varint(v)


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return key(field, 2) + varint(len(b)) + b


def f_double(field, d):
    return key(field, 1) + struct.pack("<d", d)


def f_float(field, f):
    return key(field, 5) + struct.pack("<f", f)
