#pragma once

#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <cstring>

namespace runlens {

/// Walks the fields of one serialized protobuf message (the wire format only: no schema, no
/// generated code), for the binary logs whose records are protobufs (W&B's `.wandb`,
/// TensorBoard events). Never reads past its range and never allocates: a length or varint
/// that does not fit makes `next()` return false with `ok()` false, so a corrupt record costs
/// at most its own size. Nested messages are walked by a new reader over `bytes()`; callers
/// bound their own recursion. The reader keeps a view: the bytes must outlive it.
///
///     ProtoReader r(payload);
///     while (r.next()) {
///         if (r.field() == 1 && r.wireType() == ProtoReader::Varint) id = r.varint();
///     }
///     if (!r.ok()) ...  // malformed
class ProtoReader {
public:
    enum WireType : std::uint8_t { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

    explicit ProtoReader(QByteArrayView data)
        : m_p(reinterpret_cast<const std::uint8_t *>(data.data())), m_end(m_p + data.size()) {}

    /// Moves to the next field; false at the end of the message or on malformed input.
    bool next();
    /// False once the input turned out malformed (a truncated field, a bad wire type).
    bool ok() const { return m_ok; }

    int field() const { return m_field; }
    WireType wireType() const { return m_type; }

    /// The field's value by wire type; a value of another wire type reads as zero / empty.
    std::uint64_t varint() const { return m_type == Varint ? m_value : 0; }
    std::int64_t int64() const { return std::int64_t(varint()); }
    bool boolean() const { return varint() != 0; }
    double fixedDouble() const;
    float fixedFloat() const;
    QByteArrayView bytes() const {
        return m_type == Bytes ? QByteArrayView(m_bytes, qsizetype(m_value)) : QByteArrayView();
    }
    QString string() const { return QString::fromUtf8(bytes()); }

    /// Reads a packed (or single, unpacked) repeated double / float field value by value:
    /// `f(double)` for each element. Returns false when the packed bytes are malformed.
    template <typename F> bool forEachDouble(F &&f) const;
    template <typename F> bool forEachFloat(F &&f) const;
    template <typename F> bool forEachVarint(F &&f) const;

private:
    bool readVarint(std::uint64_t &out);

    const std::uint8_t *m_p;
    const std::uint8_t *m_end;
    const char *m_bytes = nullptr;
    std::uint64_t m_value = 0;
    int m_field = 0;
    WireType m_type = Varint;
    bool m_ok = true;
};

/// Decodes one varint from [p, end); advances p. False when it runs past end or past 10 bytes.
bool readProtoVarint(const std::uint8_t *&p, const std::uint8_t *end, std::uint64_t &out);

template <typename F> bool ProtoReader::forEachDouble(F &&f) const {
    if (m_type == Fixed64) {
        f(fixedDouble());
        return true;
    }
    const QByteArrayView b = bytes();
    if (m_type != Bytes || b.size() % 8 != 0) return false;
    for (qsizetype i = 0; i < b.size(); i += 8) {
        std::uint64_t bits = 0;
        for (int k = 7; k >= 0; --k)
            bits = (bits << 8) | std::uint8_t(b[i + k]);
        double d;
        static_assert(sizeof d == sizeof bits);
        std::memcpy(&d, &bits, sizeof d);
        f(d);
    }
    return true;
}

template <typename F> bool ProtoReader::forEachFloat(F &&f) const {
    if (m_type == Fixed32) {
        f(fixedFloat());
        return true;
    }
    const QByteArrayView b = bytes();
    if (m_type != Bytes || b.size() % 4 != 0) return false;
    for (qsizetype i = 0; i < b.size(); i += 4) {
        std::uint32_t bits = 0;
        for (int k = 3; k >= 0; --k)
            bits = (bits << 8) | std::uint8_t(b[i + k]);
        float v;
        static_assert(sizeof v == sizeof bits);
        std::memcpy(&v, &bits, sizeof v);
        f(v);
    }
    return true;
}

template <typename F> bool ProtoReader::forEachVarint(F &&f) const {
    if (m_type == Varint) {
        f(m_value);
        return true;
    }
    if (m_type != Bytes) return false;
    const QByteArrayView b = bytes();
    const auto *p = reinterpret_cast<const std::uint8_t *>(b.data());
    const auto *end = p + b.size();
    while (p < end) {
        std::uint64_t v = 0;
        if (!readProtoVarint(p, end, v)) return false;
        f(v);
    }
    return true;
}

} // namespace runlens
