// Helpers of the tests that load runs from TensorBoard event files (tst_tensorboardreader,
// tst_lightningevents): the load, a metric's curve as text, the curve-versus-table check.
// Header-only; include after <QTest>.
#pragma once

#include "readers/loader.h"
#include "readers/readerregistry.h"

#include "testutil.h"

namespace eventruns {

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::cell;

constexpr double kT0 = 1700000000.5;

inline LoadResult load(const QString &root, const QString &cacheDir = {}) {
    LoadOptions options;
    options.cacheDir = cacheDir;
    return loadRuns({root}, ReaderRegistry::withBuiltins(), options);
}

/// `step:value` of a metric's curve as its run's reader reads it.
inline QString curve(const RunTable &t, int row, const QString &metric) {
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    QStringList out;
    for (const HistoryPoint &p : registry.byFormat(t.run(row).format)
                                     ->readHistory(t.run(row).path, Key({metric}), ReadLimits{}))
        out << QString::number(p.step) + u':' + Value::formatReal(p.value);
    return out.join(u' ');
}

/// Every metric of a row that has a history agrees with its curve (count, last value by step).
inline QString curvesDisagree(const RunTable &t, int row) {
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c) {
        if (t.column(c).family != Family::Metric || !t.hasValue(row, c)) continue;
        const Key &k = t.column(c).key;
        if (cell(t, row, Family::Meta, historyStepsKey(k)).isMissing()) continue;
        const QString d = testutil::historyDisagreement(
            t, row, k,
            registry.byFormat(t.run(row).format)->readHistory(t.run(row).path, k, ReadLimits{}));
        if (!d.isEmpty()) out << k.display() + u": "_s + d;
    }
    return out.join(u'\n');
}

} // namespace eventruns
