#include "timeparse.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace runlens {

using namespace Qt::StringLiterals;

qint64 parseIsoTimeMs(const QString &text) {
    static const QRegularExpression re(
        u"^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(Z|[+-]\\d{2}:?\\d{2})?$"_s);
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch()) return -1;
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const int ms = m.captured(7).isEmpty() ? 0 : (m.captured(7) + u"00"_s).left(3).toInt();
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt(), ms);
    if (!date.isValid() || !time.isValid()) return -1;
    int offsetSec = 0;
    const QString zone = m.captured(8);
    if (!zone.isEmpty() && zone != u"Z") {
        QString digits = zone.mid(1);
        digits.remove(u':');
        offsetSec = (digits.left(2).toInt() * 3600 + digits.mid(2, 2).toInt() * 60) *
                    (zone[0] == u'-' ? -1 : 1);
    }
    return QDateTime(date, time, QTimeZone::utc()).toMSecsSinceEpoch() - qint64(offsetSec) * 1000;
}

qint64 parseCompactLocalTimeMs(const QString &text) {
    const QDateTime dt = QDateTime::fromString(text, u"yyyyMMdd_HHmmss"_s);
    return dt.isValid() ? dt.toMSecsSinceEpoch() : -1;
}

QString formatTimeMs(qint64 ms) {
    if (ms < 0) return {};
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
        .toString(u"yyyy-MM-dd'T'HH:mm:ss'Z'"_s);
}

} // namespace runlens
