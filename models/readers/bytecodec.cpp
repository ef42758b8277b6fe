#include "bytecodec.h"

#include <QtEndian>

#include <algorithm>
#include <cstring>

namespace runlens {

namespace {

// String header: length << 1 | 1 for UTF-16, | 0 for Latin-1.
bool fitsLatin1(const QString &s) {
    for (const QChar c : s)
        if (c.unicode() > 0xff) return false;
    return true;
}

} // namespace

void ByteWriter::u32(std::uint32_t v) {
    char b[4];
    qToLittleEndian(v, b);
    m_out.append(b, 4);
}

void ByteWriter::u64(std::uint64_t v) {
    char b[8];
    qToLittleEndian(v, b);
    m_out.append(b, 8);
}

void ByteWriter::varint(std::uint64_t v) {
    char b[10];
    int n = 0;
    do {
        b[n++] = char((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    m_out.append(b, n);
}

void ByteWriter::f64(double d) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    u64(bits);
}

void ByteWriter::string(const QString &s) {
    if (fitsLatin1(s)) {
        varint(std::uint64_t(s.size()) << 1);
        const qsizetype at = m_out.size();
        m_out.resize(at + s.size());
        char *out = m_out.data() + at;
        for (const QChar c : s)
            *out++ = char(c.unicode());
        return;
    }
    varint(std::uint64_t(s.size()) << 1 | 1);
    const qsizetype at = m_out.size();
    m_out.resize(at + s.size() * 2);
    qToLittleEndian<char16_t>(s.utf16(), s.size(), m_out.data() + at);
}

std::uint8_t ByteReader::u8() {
    if (m_p == m_end) {
        fail();
        return 0;
    }
    return std::uint8_t(*m_p++);
}

std::uint32_t ByteReader::u32() {
    const QByteArrayView b = take(4);
    return m_ok ? qFromLittleEndian<std::uint32_t>(b.data()) : 0;
}

std::uint64_t ByteReader::u64() {
    const QByteArrayView b = take(8);
    return m_ok ? qFromLittleEndian<std::uint64_t>(b.data()) : 0;
}

std::uint64_t ByteReader::varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (m_p == m_end) break;
        const auto byte = std::uint8_t(*m_p++);
        if (shift == 63 && byte > 1) break; // more than 64 bits
        v |= std::uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80)) return v;
    }
    fail();
    return 0;
}

std::uint64_t ByteReader::varint(std::uint64_t max) {
    const std::uint64_t v = varint();
    if (v > max) {
        fail();
        return 0;
    }
    return v;
}

qsizetype ByteReader::count(qsizetype minBytes) {
    const std::uint64_t n = varint();
    if (!m_ok || n > std::uint64_t(remaining() / std::max<qsizetype>(minBytes, 1))) {
        fail();
        return 0;
    }
    return qsizetype(n);
}

double ByteReader::f64() {
    const std::uint64_t bits = u64();
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
}

QByteArrayView ByteReader::take(qsizetype n) {
    if (!m_ok || n < 0 || n > remaining()) {
        fail();
        return {};
    }
    const char *at = m_p;
    m_p += n;
    return QByteArrayView(at, n);
}

QString ByteReader::string() {
    const std::uint64_t header = varint();
    const bool utf16 = header & 1;
    const std::uint64_t length = header >> 1;
    if (!m_ok || length > std::uint64_t(remaining()) / (utf16 ? 2 : 1)) {
        fail();
        return {};
    }
    const QByteArrayView b = take(qsizetype(length) * (utf16 ? 2 : 1));
    if (!utf16) return QString::fromLatin1(b.data(), b.size());
    QString s(qsizetype(length), Qt::Uninitialized);
    qFromLittleEndian<char16_t>(b.data(), qsizetype(length), s.data());
    return s;
}

void ByteReader::skipString() {
    const std::uint64_t header = varint();
    const std::uint64_t length = header >> 1;
    if (!m_ok || length > std::uint64_t(remaining()) / ((header & 1) ? 2 : 1)) {
        fail();
        return;
    }
    take(qsizetype(length) * ((header & 1) ? 2 : 1));
}

std::uint64_t checksum64(QByteArrayView bytes) {
    // Word at a time: each step is a bijection of the state for a given word, so any change
    // of one word changes the result; mixing with a multiply spreads it over all bits.
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = 0x5255'4E4C'454E'5321ULL ^ (std::uint64_t(bytes.size()) * k);
    const char *p = bytes.data();
    qsizetype n = bytes.size();
    for (; n >= 8; p += 8, n -= 8) {
        h = (h ^ qFromLittleEndian<std::uint64_t>(p)) * k;
        h ^= h >> 32;
    }
    std::uint64_t tail = 0;
    for (qsizetype i = 0; i < n; ++i)
        tail |= std::uint64_t(std::uint8_t(p[i])) << (8 * i);
    h = (h ^ tail) * k;
    return h ^ (h >> 29);
}

} // namespace runlens
