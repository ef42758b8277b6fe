#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace runlens {

/// Appends a compact little-endian binary encoding to a byte array: fixed-width integers,
/// LEB128 varints, doubles bit for bit, and strings as Latin-1 when every character fits a
/// byte, else as UTF-16 (so any QString, lone surrogates included, reads back exactly).
/// Used by the run cache; the matching reader is ByteReader.
class ByteWriter {
public:
    explicit ByteWriter(QByteArray &out)
        : m_out(out) {}

    void u8(std::uint8_t v) { m_out.append(char(v)); }
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void varint(std::uint64_t v);
    void svarint(std::int64_t v) { varint((std::uint64_t(v) << 1) ^ std::uint64_t(v >> 63)); }
    void f64(double d);
    void string(const QString &s);
    void bytes(QByteArrayView b) {
        varint(std::uint64_t(b.size()));
        m_out.append(b);
    }

private:
    QByteArray &m_out;
};

/// Reads what ByteWriter wrote from a byte range it never reads past. Every length or count
/// is checked against the bytes that remain before anything is allocated, so a corrupt or
/// hostile input costs at most its own size; the first failure makes ok() false and every
/// later read return zero or empty.
class ByteReader {
public:
    ByteReader(const char *begin, const char *end)
        : m_p(begin)
        , m_end(end) {}
    explicit ByteReader(QByteArrayView b)
        : ByteReader(b.data(), b.data() + b.size()) {}

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_p == m_end; }
    qsizetype remaining() const { return m_end - m_p; }
    const char *position() const { return m_p; }
    void fail() {
        m_ok = false;
        m_p = m_end;
    }

    std::uint8_t u8();
    std::uint32_t u32();
    std::uint64_t u64();
    std::uint64_t varint();
    std::int64_t svarint() {
        const std::uint64_t v = varint();
        return std::int64_t(v >> 1) ^ -std::int64_t(v & 1);
    }
    /// A varint that must be at most `max`.
    std::uint64_t varint(std::uint64_t max);
    /// A count of items that each take at least `minBytes` bytes: bounded by what remains.
    qsizetype count(qsizetype minBytes = 1);
    double f64();
    QString string();
    void skipString();
    /// `n` raw bytes, viewed in place.
    QByteArrayView take(qsizetype n);
    QByteArrayView bytes() { return take(count()); }

private:
    const char *m_p;
    const char *m_end;
    bool m_ok = true;
};

/// A fast 64-bit checksum that detects corruption of a cache file (not tampering).
std::uint64_t checksum64(QByteArrayView bytes);

} // namespace runlens
