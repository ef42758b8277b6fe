#include "protowire.h"

namespace runlens {

bool readProtoVarint(const std::uint8_t *&p, const std::uint8_t *end, std::uint64_t &out) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (p >= end) return false;
        const std::uint8_t b = *p++;
        v |= std::uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            out = v;
            return true;
        }
    }
    return false; // more than 10 bytes
}

bool ProtoReader::readVarint(std::uint64_t &out) {
    return readProtoVarint(m_p, m_end, out);
}

bool ProtoReader::next() {
    if (!m_ok || m_p >= m_end) return false;
    std::uint64_t tag = 0;
    if (!readVarint(tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) {
        m_ok = false;
        return false;
    }
    m_field = int(tag >> 3);
    switch (tag & 7) {
    case Varint:
        m_type = Varint;
        if (!readVarint(m_value)) m_ok = false;
        break;
    case Fixed64:
        m_type = Fixed64;
        if (m_end - m_p < 8) {
            m_ok = false;
            break;
        }
        m_value = 0;
        for (int k = 7; k >= 0; --k)
            m_value = (m_value << 8) | m_p[k];
        m_p += 8;
        break;
    case Fixed32:
        m_type = Fixed32;
        if (m_end - m_p < 4) {
            m_ok = false;
            break;
        }
        m_value = 0;
        for (int k = 3; k >= 0; --k)
            m_value = (m_value << 8) | m_p[k];
        m_p += 4;
        break;
    case Bytes: {
        m_type = Bytes;
        std::uint64_t n = 0;
        if (!readVarint(n) || n > std::uint64_t(m_end - m_p)) {
            m_ok = false;
            break;
        }
        m_bytes = reinterpret_cast<const char *>(m_p);
        m_value = n;
        m_p += n;
        break;
    }
    default: // groups (3, 4) are long deprecated and never in these logs; 6 and 7 do not exist
        m_ok = false;
    }
    return m_ok;
}

double ProtoReader::fixedDouble() const {
    if (m_type != Fixed64) return 0.0;
    double d;
    std::memcpy(&d, &m_value, sizeof d);
    return d;
}

float ProtoReader::fixedFloat() const {
    if (m_type != Fixed32) return 0.0f;
    const auto bits = std::uint32_t(m_value);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

} // namespace runlens
