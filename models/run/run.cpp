#include "run.h"

namespace runlens {

using namespace Qt::StringLiterals;

QString statusName(RunStatus s) {
    switch (s) {
    case RunStatus::Unknown:
        return u"unknown"_s;
    case RunStatus::Finished:
        return u"finished"_s;
    case RunStatus::Running:
        return u"running"_s;
    case RunStatus::Crashed:
        return u"crashed"_s;
    }
    return {};
}

QString Issue::severityName(Severity s) {
    switch (s) {
    case Severity::Note:
        return u"note"_s;
    case Severity::Warning:
        return u"warning"_s;
    case Severity::Error:
        return u"error"_s;
    }
    return {};
}

QString Issue::toString() const {
    QString out = file;
    if (!file.isEmpty() && line > 0) {
        out += u':' + QString::number(line);
        if (column > 0) out += u':' + QString::number(column);
    }
    if (!out.isEmpty()) out += u": "_s;
    return out + message;
}

QString withDirection(const QString &description, bool higherIsBetter) {
    const QString tag = higherIsBetter ? u"(higher is better)"_s : u"(lower is better)"_s;
    return description.isEmpty() ? tag : description + u' ' + tag;
}

std::optional<bool> directionInDescription(const QString &description) {
    if (description.endsWith(u"(higher is better)"_s)) return true;
    if (description.endsWith(u"(lower is better)"_s)) return false;
    return std::nullopt;
}

} // namespace runlens
