// Protobuf wire-format encoding for the tests, the benchmarks and the fixtures they write: the
// counterpart of readers/protowire.h, shared by the TensorBoard and W&B log writers
// (tfeventwriter.h, wandblogwriter.h) and tst_protowire. Header-only.
#pragma once

#include <QByteArray>
#include <QString>

#include <cstring>

namespace protoenc {

/// An unsigned LEB128 varint (negative int64 values take ten bytes, as protobuf writes them).
inline QByteArray varint(quint64 v) {
    QByteArray out;
    do {
        char b = char(v & 0x7f);
        v >>= 7;
        if (v) b = char(b | 0x80);
        out.append(b);
    } while (v);
    return out;
}

/// A field's key: its number and wire type (0 varint, 1 fixed64, 2 bytes, 5 fixed32).
inline QByteArray key(int field, int wire) {
    return varint(quint64(field) << 3 | quint64(wire));
}

inline QByteArray varintField(int field, quint64 v) {
    return key(field, 0) + varint(v);
}

inline QByteArray bytesField(int field, const QByteArray &bytes) {
    return key(field, 2) + varint(quint64(bytes.size())) + bytes;
}

inline QByteArray stringField(int field, const QString &s) {
    return bytesField(field, s.toUtf8());
}

/// The low `n` bytes of `bits`, little-endian.
inline QByteArray le(quint64 bits, int n) {
    QByteArray out;
    for (int k = 0; k < n; ++k)
        out.append(char((bits >> (8 * k)) & 0xff));
    return out;
}

inline QByteArray doubleBytes(double d) {
    quint64 bits;
    std::memcpy(&bits, &d, sizeof bits);
    return le(bits, 8);
}

inline QByteArray floatBytes(float f) {
    quint32 bits;
    std::memcpy(&bits, &f, sizeof bits);
    return le(bits, 4);
}

inline QByteArray doubleField(int field, double d) {
    return key(field, 1) + doubleBytes(d);
}

inline QByteArray floatField(int field, float f) {
    return key(field, 5) + floatBytes(f);
}

} // namespace protoenc
