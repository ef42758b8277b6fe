#include "wandbhistory.h"
#include "scalars.h"
#include "wandbtree.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string_view sv(QByteArrayView b) {
    return std::string_view(b.data(), std::size_t(b.size()));
}

/// A path's id for lookups: its UTF-8 segments joined by NUL (a one-segment path is its key).
/// A segment that is not valid UTF-8 is spelled as its Key spells it (U+FFFD for each bad
/// sequence), so the id of a logged path and of the Key made from it are the same.
void encode(const std::vector<QByteArrayView> &path, std::string &out) {
    out.clear();
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (i) out += '\0';
        if (path[i].isValidUtf8()) {
            out.append(path[i].data(), std::size_t(path[i].size()));
        } else {
            const QByteArray repaired = QString::fromUtf8(path[i]).toUtf8();
            out.append(repaired.constData(), std::size_t(repaired.size()));
        }
    }
}

std::string encode(const QStringList &path) {
    std::string out;
    for (qsizetype i = 0; i < path.size(); ++i) {
        if (i) out += '\0';
        out += path[i].toStdString();
    }
    return out;
}

bool isMeta(QByteArrayView key) {
    return key == "_step" || key == "_runtime" || key == "_timestamp";
}

bool startsObject(QByteArrayView json) {
    for (const char c : json)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c == '{';
    return false;
}

/// Whether `id` is `prefix` or lies below it.
bool within(std::string_view id, std::string_view prefix) {
    return id.size() >= prefix.size() && id.substr(0, prefix.size()) == prefix &&
           (id.size() == prefix.size() || id[prefix.size()] == '\0');
}

QStringList keyOfViews(const std::vector<QByteArrayView> &path) {
    QStringList out;
    out.reserve(qsizetype(path.size()));
    for (const QByteArrayView s : path)
        out << QString::fromUtf8(s);
    return out;
}

} // namespace

std::optional<double> wandbJsonNumber(QByteArrayView json) {
    json = json.trimmed();
    if (json.isEmpty()) return std::nullopt;
    const char c = json.front();
    if (c == 'N' || c == 'I' || (c == '-' && json.size() > 1 && json[1] == 'I')) {
        if (json == "NaN") return kNaN;
        if (json == "Infinity") return std::numeric_limits<double>::infinity();
        if (json == "-Infinity") return -std::numeric_limits<double>::infinity();
        return std::nullopt;
    }
    if (c != '-' && (c < '0' || c > '9')) return std::nullopt;
    double d = 0;
    const char *end = json.data() + json.size();
    const auto [p, ec] = std::from_chars(json.data(), end, d);
    if (ec == std::errc() && p == end) return d;
    if (ec != std::errc::result_out_of_range) return std::nullopt;
    // Out of range (1e999, 1e-999): as the JSON reader reads it (infinity, zero).
    const Value v = parseNumber(sv(json));
    return v.isNumber() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

WandbHistory::WandbHistory(Limits limits)
    : m_limits(limits) {}

WandbHistory::Limits WandbHistory::limitsFor(const ReadLimits &limits) {
    ParseLimits parse = limits.parse;
    parse.maxDepth = std::min(limits.parse.maxDepth, limits.flatten.maxDepth);
    return {limits.flatten.maxKeys, limits.maxJsonBytes, parse};
}

void WandbHistory::collectPointsOf(const Key &metric) {
    m_pointsOf = encode(metric.segments());
}

void WandbHistory::addRow(std::span<const WandbHistoryItem> items,
                          std::optional<qint64> recordStep) {
    std::optional<double> step;
    m_time = kNaN;
    m_media.clear();
    for (const WandbHistoryItem &item : items) {
        if (item.path.size() == 1 && item.path[0] == "_step") {
            step = wandbJsonNumber(item.json);
        } else if (item.path.size() == 1 && item.path[0] == "_timestamp") {
            m_time = wandbJsonNumber(item.json).value_or(kNaN);
        } else if (item.path.size() >= 2 && item.path.back() == "_type") {
            // wandb-core logs a media object's fields as items of their own, `_type` among them.
            std::vector<QByteArrayView> prefix(item.path.begin(), item.path.end() - 1);
            encode(prefix, m_id);
            m_media.push_back(m_id);
        }
    }
    m_step = step ? *step : recordStep ? double(*recordStep) : double(m_rows);
    ++m_rows;
    for (const WandbHistoryItem &item : items) {
        if (item.path.empty()) continue;
        encode(item.path, m_id);
        if (m_keepLast && !m_pointsOf) keepLast(m_id, item);
        if (item.path.size() == 1 && isMeta(item.path[0])) continue;
        if (std::any_of(m_media.begin(), m_media.end(),
                        [&](const std::string &m) { return within(m_id, m); }))
            continue;
        if (m_pointsOf && !within(*m_pointsOf, m_id)) continue;
        if (const auto n = wandbJsonNumber(item.json)) {
            addNumber(m_id, &item.path, nullptr, *n);
        } else if (startsObject(item.json)) {
            addObject(item.json, item.path);
        } else if (!isJsonValue(item.json)) {
            if (m_badValues++ == 0) m_firstBadKey = keyOfViews(item.path).join(u'.');
        }
    }
}

void WandbHistory::addRow(const Doc &doc, const DocNode &row) {
    std::optional<double> step;
    m_time = kNaN;
    for (const auto &[key, child] : row.members) {
        const DocNode &n = doc.node(child);
        if (key == u"_step" && n.value.isNumber()) step = n.value.toDouble();
        if (key == u"_timestamp" && n.value.isNumber()) m_time = n.value.toDouble();
    }
    m_step = step ? *step : double(m_rows);
    ++m_rows;
    QStringList path;
    for (const auto &[key, child] : row.members) {
        if (key == u"_step" || key == u"_runtime" || key == u"_timestamp" || key == u"_wandb")
            continue;
        path = {key};
        walk(doc, child, path, 1);
    }
}

void WandbHistory::addNumber(std::string_view id, const std::vector<QByteArrayView> *path,
                             const QStringList *segments, double value) {
    if (m_pointsOf) {
        if (id == *m_pointsOf) m_points.push_back(HistoryPoint{m_step, value, m_time});
        return;
    }
    auto it = m_seriesIndex.find(id);
    if (it == m_seriesIndex.end()) {
        if (qsizetype(m_series.size()) >= m_limits.maxKeys) {
            m_tooManyKeys = true;
            return;
        }
        m_series.push_back(Series{Key(segments ? *segments : keyOfViews(*path)), {}});
        it = m_seriesIndex.emplace(std::string(id), m_series.size() - 1).first;
    }
    m_series[it->second].history.add(m_step, value);
}

void WandbHistory::addObject(QByteArrayView json, const std::vector<QByteArrayView> &path) {
    Doc doc;
    RunRecord scratch;
    const bool ok = parseJson(json.toByteArray(), doc, scratch, QString(), m_limits.parse);
    if (!ok || doc.truncated ||
        std::any_of(scratch.issues.begin(), scratch.issues.end(),
                    [](const Issue &i) { return i.severity == Issue::Severity::Error; })) {
        if (m_badValues++ == 0) m_firstBadKey = keyOfViews(path).join(u'.');
        return;
    }
    QStringList segments = keyOfViews(path);
    walk(doc, doc.root, segments, int(path.size()));
}

void WandbHistory::walk(const Doc &doc, int node, QStringList &path, int depth) {
    if (node < 0 || depth > m_limits.parse.maxDepth) return;
    const DocNode &n = doc.node(node);
    if (n.kind == DocNode::Kind::Scalar) {
        if (n.value.isNumber()) {
            const std::string id = encode(path);
            if (!m_pointsOf || within(*m_pointsOf, id))
                addNumber(id, nullptr, &path, n.value.toDouble());
        }
        return;
    }
    if (n.kind != DocNode::Kind::Map) return; // lists are one value, not a metric
    if (const DocNode *type = doc.member(n, u"_type"_s);
        type && type->value.type() == Value::Type::String)
        return; // a media object (image, table, histogram)
    for (const auto &[key, child] : n.members) {
        path.append(key);
        walk(doc, child, path, depth + 1);
        path.removeLast();
    }
}

void WandbHistory::keepLast(std::string_view id, const WandbHistoryItem &item) {
    auto it = m_lastIndex.find(id);
    if (it == m_lastIndex.end()) {
        if (qsizetype(m_last.size()) >= m_limits.maxKeys) {
            m_tooManyKeys = true;
            return;
        }
        Last last;
        for (const QByteArrayView s : item.path)
            last.path.emplace_back(s.data(), std::size_t(s.size()));
        m_last.push_back(std::move(last));
        it = m_lastIndex.emplace(std::string(id), m_last.size() - 1).first;
    }
    std::string &json = m_last[it->second].json;
    const qint64 grown = m_lastBytes - qint64(json.size()) + item.json.size();
    if (grown > m_limits.maxBytes) {
        m_tooManyKeys = true;
        return;
    }
    m_lastBytes = grown;
    json.assign(item.json.data(), std::size_t(item.json.size()));
}

void WandbHistory::lastValuesInto(WandbTree &tree) const {
    std::vector<QByteArrayView> path;
    for (const Last &last : m_last) {
        if (last.json.empty()) continue;
        path.clear();
        for (const std::string &s : last.path)
            path.emplace_back(s.data(), qsizetype(s.size()));
        tree.set(path, QByteArrayView(last.json.data(), qsizetype(last.json.size())));
    }
}

bool readWandbHistoryJsonl(const QString &path, const ReadLimits &limits, WandbHistory &history,
                           RunRecord *run) {
    QFile file(path);
    if (!QFileInfo(path).isFile() || !file.open(QIODevice::ReadOnly)) return false;
    qint64 lineNo = 0, badLines = 0, longLines = 0, firstBad = 0, firstLong = 0;
    QString firstMessage;
    bool cutShort = false;
    const auto row = [&](const QByteArray &line, bool complete) {
        if (line.trimmed().isEmpty()) return;
        Doc doc;
        RunRecord scratch;
        const bool ok = parseJson(line, doc, scratch, path, limits.parse);
        const auto error =
            std::find_if(scratch.issues.begin(), scratch.issues.end(),
                         [](const Issue &i) { return i.severity != Issue::Severity::Note; });
        const DocNode *top = doc.rootNode();
        if (ok && !doc.truncated && error == scratch.issues.end() && top &&
            top->kind == DocNode::Kind::Map) {
            history.addRow(doc, *top);
            return;
        }
        if (!complete && doc.truncated) {
            cutShort = true;
            return;
        }
        if (badLines++ == 0) {
            firstBad = lineNo;
            firstMessage = error != scratch.issues.end() ? error->message : u"not a JSON object"_s;
        }
    };
    QByteArray line;
    bool tooLong = false;
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        const qint64 n = file.readLine(buffer.data(), qint64(buffer.size()));
        if (n <= 0) break;
        if (!tooLong && line.size() + n > limits.maxJsonBytes) {
            tooLong = true;
            line.clear();
        }
        if (!tooLong) line.append(buffer.data(), n);
        if (buffer[std::size_t(n) - 1] != '\n') continue;
        ++lineNo;
        if (tooLong && longLines++ == 0) firstLong = lineNo;
        if (!tooLong) row(line, true);
        line.clear();
        tooLong = false;
    }
    if (!line.isEmpty()) {
        ++lineNo;
        row(line, false);
    }
    if (!run) return true;
    if (badLines > 0)
        run->addIssue(Issue::Severity::Error, path, int(firstBad), 0,
                      u"%1 line(s) are not JSON objects (the first: %2); they are left out"_s.arg(
                          QString::number(badLines), firstMessage));
    if (longLines > 0)
        run->addIssue(Issue::Severity::Error, path, int(firstLong), 0,
                      u"%1 line(s) longer than %2 bytes; they are left out"_s.arg(
                          QString::number(longLines), QString::number(limits.maxJsonBytes)));
    if (cutShort)
        run->addIssue(Issue::Severity::Warning, path, int(lineNo), 0,
                      u"the last line is cut short (the run was still writing); it is left out"_s);
    if (history.tooManyKeys())
        run->addIssue(Issue::Severity::Error, path, 0, 0,
                      u"more than %1 metrics in the history; the rest are left out"_s.arg(
                          limits.flatten.maxKeys));
    return true;
}

} // namespace runlens
