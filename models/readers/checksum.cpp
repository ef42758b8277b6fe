#include "checksum.h"

#include <array>

namespace runlens {

namespace {

constexpr std::array<std::uint32_t, 256> makeTable(std::uint32_t poly) {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? (poly ^ (c >> 1)) : (c >> 1);
        t[i] = c;
    }
    return t;
}

constexpr auto kIeee = makeTable(0xedb88320u);
constexpr auto kCastagnoli = makeTable(0x82f63b78u);

std::uint32_t crc(const std::array<std::uint32_t, 256> &table, QByteArrayView data,
                  std::uint32_t crc) {
    std::uint32_t c = ~crc;
    for (const char ch : data)
        c = table[(c ^ std::uint8_t(ch)) & 0xff] ^ (c >> 8);
    return ~c;
}

} // namespace

std::uint32_t crc32Ieee(QByteArrayView data, std::uint32_t c) {
    return crc(kIeee, data, c);
}

std::uint32_t crc32c(QByteArrayView data, std::uint32_t c) {
    return crc(kCastagnoli, data, c);
}

std::uint32_t maskedCrc32c(QByteArrayView data) {
    const std::uint32_t c = crc32c(data);
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

} // namespace runlens
