#include "history.h"

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

QString summaryName(MetricSummary s) {
    switch (s) {
    case MetricSummary::Last: return u"last"_s;
    case MetricSummary::Min: return u"min"_s;
    case MetricSummary::Max: return u"max"_s;
    case MetricSummary::Mean: return u"mean"_s;
    }
    return u"last"_s;
}

std::optional<MetricSummary> summaryFromName(const QString &name) {
    for (MetricSummary s :
         {MetricSummary::Last, MetricSummary::Min, MetricSummary::Max, MetricSummary::Mean})
        if (name.compare(summaryName(s), Qt::CaseInsensitive) == 0) return s;
    return std::nullopt;
}

Key historyKey(const Key &metric, MetricSummary s) {
    return Key(QStringList{u"history"_s, summaryName(s)} + metric.segments());
}

Key historyStepsKey(const Key &metric) {
    return Key(QStringList{u"history"_s, u"steps"_s} + metric.segments());
}

void MetricHistory::add(double step, double value) {
    // The last value by step; a value logged later at the same step replaces it.
    if (m_count == 0 || !(step < m_lastStep)) {
        m_lastStep = step;
        m_last = value;
    }
    ++m_count;
    if (std::isnan(value)) return;
    if (m_finite == 0) {
        m_min = m_max = value;
    } else {
        m_min = std::min(m_min, value);
        m_max = std::max(m_max, value);
    }
    m_sum += value;
    ++m_finite;
}

void MetricHistory::addTo(RunRecord &run, const Key &metric, const Value &lastValue) const {
    if (m_count == 0) return;
    run.add(Family::Metric, metric, lastValue.isMissing() ? Value::real(m_last) : lastValue);
    if (m_finite > 0) {
        run.add(Family::Meta, historyKey(metric, MetricSummary::Min), Value::real(m_min));
        run.add(Family::Meta, historyKey(metric, MetricSummary::Max), Value::real(m_max));
        run.add(Family::Meta, historyKey(metric, MetricSummary::Mean),
                Value::real(m_sum / m_finite));
    }
    run.add(Family::Meta, historyStepsKey(metric), Value::integer(m_count));
}

} // namespace runlens
