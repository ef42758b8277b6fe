#pragma once

#include "run/run.h"

#include <QString>

#include <limits>
#include <optional>
#include <vector>

namespace runlens {

/// What a metric column shows of a metric that has a history (MLflow, Lightning, Sacred, Ray
/// Tune, DVCLive, Keras logs): its last value (the default), or its minimum, maximum or mean
/// over the history.
enum class MetricSummary { Last, Min, Max, Mean };

/// `last`, `min`, `max`, `mean`.
QString summaryName(MetricSummary s);
std::optional<MetricSummary> summaryFromName(const QString &name);

/// The metadata key where readers keep a metric's summary over its history:
/// `history.<min|max|mean>.<metric key>` (Family::Meta), and `history.steps.<metric key>`
/// for how many values it logged. Last has no key: it is the metric's own value.
Key historyKey(const Key &metric, MetricSummary s);
Key historyStepsKey(const Key &metric);

/// One logged value of a metric, for curves: its step (or the position in the log when the
/// tool keeps none), the value, and the wall-clock time in seconds since the epoch when known
/// (NaN).
struct HistoryPoint {
    double step = 0;
    double value = 0;
    double time = std::numeric_limits<double>::quiet_NaN();
};

/// Collects one metric's logged values, then adds them to a run: the last value by step (ties:
/// the later logged) as the metric itself, and min, max, mean and the count as metadata under
/// historyKey(). NaN values count and can be the last value, but are left out of min, max and
/// mean (which are missing when every value is NaN); infinities take part.
class MetricHistory {
public:
    void add(double step, double value);
    /// Values in the order logged, without steps (the step is the position).
    void add(double value) { add(double(m_count), value); }
    int count() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    double last() const { return m_last; }

    /// Adds the summary entries for `metric` to `run` (nothing when no value was added). The
    /// last value keeps `lastValue` when given (the file's own spelling of the number).
    void addTo(RunRecord &run, const Key &metric, const Value &lastValue = {}) const;

private:
    int m_count = 0;
    int m_finite = 0;
    double m_lastStep = 0;
    double m_last = 0;
    double m_min = 0;
    double m_max = 0;
    double m_sum = 0;
};

} // namespace runlens
