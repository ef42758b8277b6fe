#pragma once

#include <QByteArrayView>

#include <cstdint>

namespace runlens {

/// CRC-32/IEEE (zlib's `crc32`): continue from `crc` (0 to start). W&B's `.wandb` chunks.
std::uint32_t crc32Ieee(QByteArrayView data, std::uint32_t crc = 0);
/// CRC-32C (Castagnoli): continue from `crc` (0 to start). TFRecord framing.
std::uint32_t crc32c(QByteArrayView data, std::uint32_t crc = 0);
/// TFRecord's masked CRC-32C: ((c >> 15) | (c << 17)) + 0xa282ead8.
std::uint32_t maskedCrc32c(QByteArrayView data);

} // namespace runlens
