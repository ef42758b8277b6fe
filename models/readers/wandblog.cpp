#include "wandblog.h"
#include "protowire.h"
#include "wandblogframes.h"
#include "wandbrecords.h"
#include "wandbtree.h"

#include <algorithm>
#include <array>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// One change of a ConfigRecord or SummaryRecord: an update (with a value) or a removal.
struct Change {
    std::vector<QByteArrayView> path;
    QByteArrayView json;
};

/// Problems a record's content can have, counted with the offset of the first.
enum class Bad { Malformed, NotJson, TooDeep, Limit };
constexpr int kBadKinds = 4;

WandbTree::Limits treeLimits(const ReadLimits &l) {
    return {l.flatten.maxKeys, l.maxJsonBytes, std::min(l.parse.maxDepth, l.flatten.maxDepth)};
}

QString keyText(const std::vector<QByteArrayView> &path) {
    QStringList segments;
    for (const QByteArrayView s : path)
        segments << QString::fromUtf8(s);
    return Key(segments).display();
}

/// Applies the records of one log, in order, to a WandbLog.
class Decoder {
public:
    Decoder(const ReadLimits &limits, WandbLog &out)
        : m_limits(limits)
        , m_depth(treeLimits(limits).maxDepth)
        , m_out(out)
        , m_config(treeLimits(limits))
        , m_summary(treeLimits(limits))
        , m_history(WandbHistory::limitsFor(limits)) {
        m_history.keepLastValues();
    }

    void record(QByteArrayView bytes, qint64 offset) {
        m_offset = offset;
        ++m_out.records;
        int type = 0;
        QByteArrayView body;
        if (!readWandbRecord(bytes, type, body)) return bad(Bad::Malformed);
        switch (type) {
        case WandbHistoryType:
            if (!readWandbHistoryRecord(body, m_limits.flatten.maxKeys, m_depth, m_row))
                return bad(Bad::Malformed);
            if (m_row.tooDeep) bad(Bad::TooDeep);
            if (m_row.tooMany) bad(Bad::Limit);
            m_history.addRow(std::span<const WandbHistoryItem>(m_row.items.data(), m_row.used),
                             m_row.step);
            break;
        case WandbSummaryType:
            m_hadSummary = true;
            changes(body, m_summary);
            break;
        case WandbConfigType:
            changes(body, m_config);
            break;
        case WandbRunType: {
            WandbLogRun facts = m_out.run.value_or(WandbLogRun{});
            QByteArrayView config, summary;
            if (!readWandbRunRecord(body, m_limits.flatten.maxKeys, facts, config, summary))
                return bad(Bad::Malformed);
            m_out.run = facts;
            changes(config, m_config);
            if (!summary.isEmpty()) {
                m_hadSummary = true;
                changes(summary, m_summary);
            }
            break;
        }
        case WandbExitType: {
            WandbLogExit exit;
            if (!readWandbExit(body, exit)) return bad(Bad::Malformed);
            m_out.exit = exit;
            break;
        }
        default:
            break;
        }
    }

    void finish(const QString &file) {
        RunRecord scratch;
        const auto toDoc = [&](const WandbTree &tree, Doc &doc) {
            if (!tree.isEmpty()) parseJson(tree.toJson(), doc, scratch, file, m_limits.parse);
        };
        toDoc(m_config, m_out.config);
        if (m_hadSummary) {
            toDoc(m_summary, m_out.summary);
        } else {
            WandbTree fromHistory(treeLimits(m_limits));
            m_history.lastValuesInto(fromHistory);
            toDoc(fromHistory, m_out.summary);
            m_out.summaryFromHistory = !fromHistory.isEmpty();
        }
        m_out.history = m_history.series();
        m_out.historyRows = m_history.rows();
        Count &notJson = m_counts[std::size_t(Bad::NotJson)];
        if (m_history.badValues() > 0 && notJson.count == 0) m_badKey = m_history.firstBadKey();
        notJson.count += m_history.badValues();
        Count &limit = m_counts[std::size_t(Bad::Limit)];
        if (m_history.tooManyKeys() && limit.count == 0) limit.count = 1;
        report(scratch, file);
        for (Issue &i : scratch.issues)
            m_out.issues.push_back(std::move(i));
    }

private:
    struct Count {
        qint64 first = -1;
        qint64 count = 0;
    };

    void bad(Bad b, const QString &key = {}) {
        Count &c = m_counts[std::size_t(b)];
        if (c.count++ == 0) {
            c.first = m_offset;
            if (b == Bad::NotJson) m_badKey = key;
        }
    }

    /// A ConfigRecord or SummaryRecord (update=1, remove=2): read whole, then applied as W&B
    /// applies them, updates first.
    void changes(QByteArrayView body, WandbTree &tree) {
        std::size_t updates = 0, removes = 0;
        ProtoReader r(body);
        while (r.next()) {
            if ((r.field() != 1 && r.field() != 2) || r.wireType() != ProtoReader::Bytes) continue;
            std::vector<Change> &list = r.field() == 1 ? m_updates : m_removes;
            std::size_t &used = r.field() == 1 ? updates : removes;
            if (used >= std::size_t(m_limits.flatten.maxKeys)) {
                bad(Bad::Limit);
                continue;
            }
            if (used == list.size()) list.emplace_back();
            switch (readWandbItem(r.bytes(), m_depth, list[used].path, list[used].json)) {
            case WandbItemResult::Ok:
                ++used;
                break;
            case WandbItemResult::TooDeep:
                bad(Bad::TooDeep);
                break;
            case WandbItemResult::Malformed:
                return bad(Bad::Malformed);
            }
        }
        if (!r.ok()) return bad(Bad::Malformed);
        for (std::size_t i = 0; i < updates; ++i) {
            const Change &c = m_updates[i];
            switch (tree.set(c.path, c.json)) {
            case WandbTree::Status::Ok:
                break;
            case WandbTree::Status::NotJson:
                bad(Bad::NotJson, keyText(c.path));
                break;
            case WandbTree::Status::TooDeep:
                bad(Bad::TooDeep);
                break;
            case WandbTree::Status::TooManyKeys:
            case WandbTree::Status::TooLarge:
                bad(Bad::Limit);
                break;
            }
        }
        for (std::size_t i = 0; i < removes; ++i)
            tree.remove(m_removes[i].path);
    }

    void report(RunRecord &run, const QString &file) const {
        const auto times = [](qint64 n) { return n == 1 ? QString() : u" (%1 in all)"_s.arg(n); };
        const auto where = [](const Count &c) {
            return c.first >= 0 ? u" in the record at byte %1"_s.arg(c.first) : QString();
        };
        for (int k = 0; k < kBadKinds; ++k) {
            const Count &c = m_counts[std::size_t(k)];
            if (c.count == 0) continue;
            QString message;
            switch (Bad(k)) {
            case Bad::Malformed:
                message = u"malformed record at byte %1 (not a valid W&B protobuf)%2; "
                          u"skipped"_s.arg(QString::number(c.first), times(c.count));
                break;
            case Bad::NotJson:
                message = u"a value that is not JSON%1%2%3; left out"_s.arg(
                    m_badKey.isEmpty() ? QString() : u" for '%1'"_s.arg(m_badKey), where(c),
                    times(c.count));
                break;
            case Bad::TooDeep:
                message = u"a key path deeper than %1 levels%2%3; left out"_s.arg(
                    QString::number(m_depth), where(c), times(c.count));
                break;
            case Bad::Limit:
                message = u"more than %1 keys or %2 bytes of values in the log's config, "
                          u"summary or history%3; the rest is left out"_s.arg(
                              QString::number(m_limits.flatten.maxKeys),
                              QString::number(m_limits.maxJsonBytes), where(c));
                break;
            }
            run.addIssue(Issue::Severity::Error, file, 0, 0, message);
        }
    }

    const ReadLimits &m_limits;
    const int m_depth;
    WandbLog &m_out;
    WandbTree m_config;
    WandbTree m_summary;
    WandbHistory m_history;
    bool m_hadSummary = false;
    qint64 m_offset = 0;
    std::array<Count, kBadKinds> m_counts{};
    QString m_badKey;
    WandbHistoryRow m_row; ///< reused from row to row
    std::vector<Change> m_updates;
    std::vector<Change> m_removes;
};

} // namespace

WandbLog readWandbLog(QIODevice &device, const QString &file, const ReadLimits &limits) {
    WandbLog out;
    WandbLogFrames frames(device, limits.maxJsonBytes);
    Decoder decoder(limits, out);
    if (frames.open()) {
        out.isLog = true;
        QByteArrayView record;
        qint64 offset = 0;
        while (frames.next(record, offset))
            decoder.record(record, offset);
    }
    out.cutShort = frames.cutShort();
    RunRecord framing;
    frames.report(framing, file);
    for (Issue &i : framing.issues)
        out.issues.push_back(std::move(i));
    decoder.finish(file);
    return out;
}

std::vector<HistoryPoint> readWandbLogPoints(QIODevice &device, const Key &metric,
                                             const ReadLimits &limits) {
    WandbHistory history(WandbHistory::limitsFor(limits));
    history.collectPointsOf(metric);
    WandbLogFrames frames(device, limits.maxJsonBytes);
    if (!frames.open()) return {};
    const int depth = treeLimits(limits).maxDepth;
    WandbHistoryRow row;
    QByteArrayView record;
    qint64 offset = 0;
    while (frames.next(record, offset)) {
        int type = 0;
        QByteArrayView body;
        if (readWandbRecord(record, type, body) && type == WandbHistoryType &&
            readWandbHistoryRecord(body, limits.flatten.maxKeys, depth, row))
            history.addRow(std::span<const WandbHistoryItem>(row.items.data(), row.used), row.step);
    }
    return history.takePoints();
}

} // namespace runlens
