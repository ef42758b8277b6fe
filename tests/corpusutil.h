#pragma once
// Helpers of the tests that read ../shared/corpus: where it is, and the check that every
// metric history the table summarised reads back as curves.
#include "readers/readerregistry.h"
#include "testutil.h"

#include <QString>
#include <QStringList>

#include <cmath>

namespace testutil {

/// A tool's folder in the corpus (RUNLENS_CORPUS is ../shared/corpus from the source tree).
inline QString corpusDir(const QString &sub) {
    return QStringLiteral(RUNLENS_CORPUS) + u'/' + sub;
}

/// Equal numbers, NaN equal to NaN.
inline bool sameNumber(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

/// Every metric with a history in the rows of `format`, read again for curves by the row's
/// reader: the points must number `history.steps.<key>`, and the last by step (ties: the later
/// logged) must be the metric's value. Returns the mismatches; counts the metrics checked and
/// those whose last logged point is not the last by step.
inline QStringList curveMismatches(const runlens::RunTable &t, const QString &format,
                                   int &checked, int &outOfOrder) {
    using namespace runlens;
    using namespace Qt::StringLiterals;
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c) {
        const QStringList segments = t.column(c).key.segments();
        if (t.column(c).family != Family::Meta || segments.size() < 3 ||
            segments[0] != u"history" || segments[1] != u"steps")
            continue;
        const Key metric(segments.mid(2));
        for (int r = 0; r < t.rowCount(); ++r) {
            const RunInfo &run = t.run(r);
            if (run.format != format || !t.hasValue(r, c)) continue;
            ++checked;
            const std::vector<HistoryPoint> points =
                registry.byFormat(format)->readHistory(run.path, metric, ReadLimits{});
            const QString what = run.id + u' ' + metric.display() + u": "_s;
            if (qint64(points.size()) != t.value(r, c).toInt()) {
                out << what + u"%1 points, history.steps %2"_s.arg(points.size())
                                  .arg(t.value(r, c).displayText());
                continue;
            }
            const HistoryPoint *last = nullptr;
            for (const HistoryPoint &p : points)
                if (!last || !(p.step < last->step)) last = &p;
            outOfOrder += last != &points.back() ? 1 : 0;
            const Value v = cell(t, r, Family::Metric, metric);
            if (!last || !sameNumber(v.toDouble(), last->value))
                out << what + u"last point %1, table %2"_s.arg(last ? last->value : 0)
                                  .arg(v.displayText());
        }
    }
    return out;
}

} // namespace testutil
