#include "key.h"

namespace runlens {

using namespace Qt::StringLiterals;

QString familyName(Family f) {
    switch (f) {
    case Family::Config:
        return u"config"_s;
    case Family::Metric:
        return u"metric"_s;
    case Family::Meta:
        return u"meta"_s;
    }
    return {};
}

std::optional<Family> familyFromName(QStringView name) {
    if (name == u"config") return Family::Config;
    if (name == u"metric" || name == u"metrics" || name == u"summary") return Family::Metric;
    if (name == u"meta") return Family::Meta;
    return std::nullopt;
}

Key Key::child(const QString &segment) const {
    Key k = *this;
    k.m_segments.append(segment);
    return k;
}

namespace {

bool needsQuoting(const QString &segment) {
    // `["` anywhere would read back as the start of a quoted segment.
    return segment.isEmpty() || segment.contains(u'.') || segment.startsWith(u'[') ||
           segment.contains(u"[\""_s);
}

} // namespace

QString Key::display() const {
    QString out;
    for (const QString &s : m_segments) {
        if (needsQuoting(s)) {
            QString escaped = s;
            escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s);
            out += u"[\""_s + escaped + u"\"]"_s;
        } else {
            if (!out.isEmpty()) out += u'.';
            out += s;
        }
    }
    return out;
}

Key Key::fromDisplay(QStringView text) {
    QStringList segments;
    QString current;
    bool haveCurrent = false;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        const QChar c = text[i];
        if (c == u'[' && i + 1 < n && text[i + 1] == u'"') {
            if (haveCurrent) segments.append(current);
            current.clear();
            i += 2;
            while (i < n && text[i] != u'"') {
                if (text[i] == u'\\' && i + 1 < n) ++i;
                current += text[i++];
            }
            i += 2; // closing quote and bracket
            segments.append(current);
            current.clear();
            haveCurrent = false;
            if (i < n && text[i] == u'.') ++i;
            continue;
        }
        if (c == u'.') {
            segments.append(current);
            current.clear();
            haveCurrent = false;
            ++i;
            continue;
        }
        current += c;
        haveCurrent = true;
        ++i;
    }
    if (haveCurrent) segments.append(current);
    return Key(segments);
}

} // namespace runlens
