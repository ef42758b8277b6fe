#pragma once

#include <QString>

namespace runlens {

/// ISO 8601 / RFC 3339 time ("2024-01-05T10:15:00.123456", "...Z", "...+02:00") as ms since the
/// epoch; a time without a zone is taken as UTC (what W&B's metadata writes). -1 if unreadable.
qint64 parseIsoTimeMs(const QString &text);

/// W&B's folder timestamp "20240105_101500", which is the machine's local time. -1 if unreadable.
qint64 parseCompactLocalTimeMs(const QString &text);

/// ms since the epoch as "2024-01-05T10:15:00Z" (UTC, seconds precision).
QString formatTimeMs(qint64 ms);

} // namespace runlens
