#pragma once

#include "history.h"
#include "reader.h"

#include <QByteArrayView>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runlens {

class WandbTree;

/// Lookup by std::string_view into maps keyed by std::string (no key copy per lookup).
struct WandbIdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using WandbIdMap = std::unordered_map<std::string, std::size_t, WandbIdHash, std::equal_to<>>;

/// One item of a W&B history row as the log holds it: the key path (`key`, or the segments of
/// `nested_key`, as UTF-8) and the value as JSON text. Views into the record being read.
struct WandbHistoryItem {
    std::vector<QByteArrayView> path;
    QByteArrayView json;
};

/// The history of a W&B run, row by row (`wandb.log` calls): every numeric value of every key
/// goes into a MetricHistory (last by step, min, max, mean, count), so a long history costs
/// its keys, not its rows. `_step`, `_runtime` and `_timestamp` are the row's metadata, not
/// metrics. Values that are JSON objects count by their numeric leaves (`{"a": {"b": 1}}`
/// is metric a.b, as the summary flattens it); W&B media objects (a `_type` member, or
/// wandb-core's nested `_type` item beside the other fields of an image) are not metrics.
///
/// For curves it instead collects every point of one metric (collectPointsOf()), with the row's
/// step and `_timestamp`. Bounded: at most `maxKeys` metrics and `maxBytes` of kept text.
class WandbHistory {
public:
    struct Limits {
        int maxKeys = 20000;
        qint64 maxBytes = 64 * 1000 * 1000;
        ParseLimits parse;
    };
    struct Series {
        Key key;
        MetricHistory history;
    };

    explicit WandbHistory(Limits limits);
    /// The limits a run's ReadLimits set: flatten.maxKeys metrics, maxJsonBytes of text, key
    /// paths no deeper than either depth limit.
    static Limits limitsFor(const ReadLimits &limits);
    const Limits &limits() const { return m_limits; }

    /// Keeps the last value (JSON text) of every item too, for a summary when the log has no
    /// summary record (lastValuesInto()).
    void keepLastValues() { m_keepLast = true; }
    /// Collects only `metric`'s points (takePoints()); nothing else is kept.
    void collectPointsOf(const Key &metric);

    /// One row of the log: `recordStep` is the HistoryRecord's step when it has one. The row's
    /// step is its `_step` item, else `recordStep`, else its position.
    void addRow(std::span<const WandbHistoryItem> items, std::optional<qint64> recordStep);
    /// One row of a legacy `wandb-history.jsonl`: a parsed JSON object.
    void addRow(const Doc &doc, const DocNode &row);

    const std::vector<Series> &series() const { return m_series; }
    std::vector<HistoryPoint> takePoints() { return std::move(m_points); }
    qint64 rows() const { return m_rows; }
    /// Sets each item's last value into `tree`, in the order the keys were first logged.
    void lastValuesInto(WandbTree &tree) const;
    /// Whether keys or kept values were left out at the limits.
    bool tooManyKeys() const { return m_tooManyKeys; }
    /// Values that were neither a number nor JSON (counted, left out), and the first one's key.
    qint64 badValues() const { return m_badValues; }
    const QString &firstBadKey() const { return m_firstBadKey; }

private:
    void addNumber(std::string_view id, const std::vector<QByteArrayView> *path,
                   const QStringList *segments, double value);
    void addObject(QByteArrayView json, const std::vector<QByteArrayView> &path);
    void walk(const Doc &doc, int node, QStringList &path, int depth);
    void keepLast(std::string_view id, const WandbHistoryItem &item);

    Limits m_limits;
    bool m_keepLast = false;
    std::optional<std::string> m_pointsOf; ///< the metric's path id, for curves
    std::vector<HistoryPoint> m_points;
    std::vector<Series> m_series;
    WandbIdMap m_seriesIndex; ///< path id -> m_series
    struct Last {
        std::vector<std::string> path;
        std::string json;
    };
    std::vector<Last> m_last;
    WandbIdMap m_lastIndex;
    qint64 m_lastBytes = 0;
    qint64 m_rows = 0;
    double m_step = 0;
    double m_time = 0;
    bool m_tooManyKeys = false;
    qint64 m_badValues = 0;
    QString m_firstBadKey;
    std::string m_id; ///< scratch: a path's id
    std::vector<std::string> m_media;
};

/// Reads a legacy `wandb-history.jsonl` (SDK <= 0.9 and some later builds: one JSON object per
/// `wandb.log` call) into `history`, line by line, so its size does not matter. Lines that are
/// not JSON objects, lines longer than limits.maxJsonBytes and a cut-off last line are left out
/// and, when `run` is given, reported on it. False when the file is missing or unreadable.
bool readWandbHistoryJsonl(const QString &path, const ReadLimits &limits, WandbHistory &history,
                           RunRecord *run);

/// A number as W&B writes one in JSON: integers, reals, NaN, Infinity, -Infinity.
std::optional<double> wandbJsonNumber(QByteArrayView json);

} // namespace runlens
