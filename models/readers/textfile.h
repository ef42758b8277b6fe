#pragma once

#include "run/run.h"

#include <QByteArray>

#include <optional>

namespace runlens {

/// Reads a file that should hold text (YAML, JSON, CSV) with the guards every reader needs:
/// regular files only, a size cap checked before reading, binary content refused, invalid
/// UTF-8 repaired with U+FFFD, a UTF-8 byte order mark dropped. Each problem becomes an issue
/// on `run`. Returns nothing when the file cannot be used at all.
/// A missing file is reported as an issue unless `missing` is given, which is then set instead.
std::optional<QByteArray> readTextFile(const QString &path, qint64 maxBytes, RunRecord &run,
                                       bool *missing = nullptr);

/// Offset of the first byte that is not valid UTF-8, or -1.
qsizetype firstInvalidUtf8(const QByteArray &bytes);

/// 1-based line and column of a byte offset.
std::pair<int, int> lineColumnAt(const QByteArray &bytes, qsizetype offset);

} // namespace runlens
