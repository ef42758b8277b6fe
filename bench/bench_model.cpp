// Interactive-speed benchmark of the runs table model at scale: N runs x V values from K keys.
// Times what a user does in the window: a full reload swap, sorting by a number and by a
// string, toggling "varying keys only", a quick filter, painting screenfuls of cells, and the
// grouped view (grouping by two keys, painting groups, sorting groups by a mean).
//   bench_model [RUNS=100000] [VALUES_PER_RUN=200] [DISTINCT_KEYS=1000]
#include "grouptreemodel.h"
#include "runtablemodel.h"
#include "synthetic.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <random>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

double ms(QElapsedTimer &t) {
    const double v = t.nsecsElapsed() / 1e6;
    t.restart();
    return v;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const auto [runs, perRun, distinct] = bench::sizeFromArguments(app.arguments());
    if (!bench::Size{runs, perRun, distinct}.valid()) {
        std::fprintf(
            stderr,
            "usage: bench_model [RUNS] [VALUES_PER_RUN] [DISTINCT_KEYS >= VALUES_PER_RUN]\n");
        return 2;
    }
    const std::vector<Key> keys = bench::makeKeys(distinct);
    std::mt19937 gen(7);
    QElapsedTimer t;
    t.start();
    // What the loader's thread does on a reload: build the table.
    RunTable table;
    for (int r = 0; r < runs; ++r)
        table.appendRun(bench::makeRun(r, perRun, keys, gen));
    table.squeeze();
    const double built = ms(t);
    // What the GUI thread does: swap it in, recompute shown rows and varying columns.
    RunTableModel model;
    model.replaceTable(std::move(table));
    std::printf("runs=%d values/run=%d keys=%d shown columns=%d\n", runs, perRun, distinct,
                model.columnCount());
    std::printf("%-38s %9.1f ms\n", "build the table (loader thread)", built);
    std::printf("%-38s %9.1f ms\n", "swap it in (GUI thread)", ms(t));
    const auto column = [&](const QString &header) {
        for (int c = 0; c < model.columnCount(); ++c)
            if (model.headerData(c, Qt::Horizontal).toString() == header) return c;
        return -1;
    };
    model.sort(column(u"group2.key2"_s), Qt::DescendingOrder);
    std::printf("%-38s %9.1f ms\n", "sort by a number column", ms(t));
    model.sort(column(u"group0.key0"_s), Qt::AscendingOrder);
    std::printf("%-38s %9.1f ms\n", "sort by a string column", ms(t));
    model.addSortColumn(column(u"group1.key1"_s));
    std::printf("%-38s %9.1f ms\n", "add a secondary sort key", ms(t));
    model.setVaryingOnly(true);
    std::printf("%-38s %9.1f ms\n", "varying keys only: on", ms(t));
    model.setVaryingOnly(false);
    std::printf("%-38s %9.1f ms\n", "varying keys only: off", ms(t));
    model.setFilterText(u"lion"_s);
    std::printf("%-38s %9.1f ms  (%d rows match)\n", "quick filter 'lion'", ms(t),
                model.rowCount());
    model.setFilterText({});
    std::printf("%-38s %9.1f ms\n", "clear the filter", ms(t));
    // A screenful: 40 rows x 25 columns, display and alignment roles, at 200 scroll positions.
    std::mt19937 rng(1);
    qint64 cells = 0;
    for (int s = 0; s < 200; ++s) {
        const int top = int(rng() % unsigned(std::max(1, model.rowCount() - 40)));
        for (int r = top; r < top + 40 && r < model.rowCount(); ++r)
            for (int c = 0; c < 25 && c < model.columnCount(); ++c) {
                const QModelIndex i = model.index(r, c);
                cells += i.data().toString().size() + i.data(Qt::TextAlignmentRole).toInt();
            }
    }
    std::printf("%-38s %9.3f ms  (per screen)\n", "paint data for a screenful", ms(t) / 200);

    // The grouped view: group every shown run by two config keys, paint the groups, sort the
    // groups by a metric's mean.
    const RunTable &shown = model.table();
    const auto tableColumn = [&](Family f, const QString &key) {
        return shown.findColumn(f, Key::fromDisplay(key));
    };
    for (const auto &[first, second] : {std::pair{u"group5.key5"_s, u"group10.key10"_s},
                                        std::pair{u"group1.key1"_s, u"group5.key5"_s}}) {
        GroupTreeModel groups;
        t.restart();
        groups.setSource(&shown, model.shownRows(), model.viewColumns(),
                         {tableColumn(Family::Config, first), tableColumn(Family::Config, second)});
        std::printf("%-38s %9.1f ms  (%d groups)\n",
                    qPrintable(u"group by %1, %2"_s.arg(first, second)), ms(t), groups.groupCount());
        for (int r = 0; r < 40 && r < groups.rowCount(); ++r)
            for (int c = 0; c < 25 && c < groups.columnCount(); ++c)
                cells += groups.index(r, c).data().toString().size();
        std::printf("%-38s %9.1f ms\n", "  paint the first screenful of groups", ms(t));
        int mean = -1;
        for (int c = 0; c < groups.columnCount() && mean < 0; ++c)
            if (groups.headerData(c, Qt::Horizontal).toString().startsWith(u"group3.key3 "_s))
                mean = c;
        groups.sort(mean, Qt::DescendingOrder);
        std::printf("%-38s %9.1f ms\n", "  sort the groups by a metric's mean", ms(t));
    }
    return cells > 0 ? 0 : 1;
}
