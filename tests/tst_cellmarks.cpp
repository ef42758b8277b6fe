// What the table sources say beyond their cells (TableSource::columnMeta, cellMarks,
// cellSummary, description): the best value per metric column by its direction, the cells
// that differ from a baseline run, a diff's changes, and the family of each column.
#include "analysis/cellmarks.h"
#include "analysis/difftable.h"
#include "analysis/grouptable.h"
#include "analysis/keylist.h"
#include "analysis/pivot.h"
#include "analysis/tableview.h"
#include "run/runtable.h"

#include <QTest>

#include "testutil.h"

#include <limits>
#include <numeric>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Five runs: optimizer and lr, a higher-is-better `acc`, a lower-is-better `loss` (one NaN,
/// one missing), a `speed` tie and a `rare` metric only one run has.
RunTable runs() {
    struct Spec {
        const char *opt;
        double lr, acc, loss, speed;
    };
    const Spec specs[] = {{"sgd", 0.1, 0.90, 0.30, 5},
                          {"sgd", 0.1, 0.92, 0.28, 7},
                          {"adam", 1e-3, 0.95, kNaN, 7},
                          {"adam", 1e-3, 0.94, 0.20, 6},
                          {"sgd", 0.01, 0.80, -1, 1}};
    RunTable table;
    int n = 0;
    for (const Spec &s : specs) {
        RunRecord rec;
        rec.id = u"r%1"_s.arg(n);
        rec.add(Family::Config, testutil::key(u"optimizer.name"_s),
                Value::string(QString::fromLatin1(s.opt)));
        rec.add(Family::Config, testutil::key(u"optimizer.lr"_s), Value::real(s.lr));
        rec.add(Family::Metric, testutil::key(u"acc"_s), Value::real(s.acc));
        if (s.loss >= 0 || std::isnan(s.loss))
            rec.add(Family::Metric, testutil::key(u"loss"_s), Value::real(s.loss));
        rec.add(Family::Metric, testutil::key(u"speed"_s), Value::integer(qint64(s.speed)));
        if (n == 0) rec.add(Family::Metric, testutil::key(u"rare"_s), Value::real(1));
        table.appendRun(std::move(rec));
        ++n;
    }
    table.squeeze();
    return table;
}

std::vector<int> allRows(const RunTable &t) {
    std::vector<int> rows(std::size_t(t.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

int columnOf(const TableSource &t, const QString &header) {
    for (int c = 0; c < t.columnCount(); ++c)
        if (t.header(c) == header) return c;
    return -1;
}

/// The rows whose cell in `header`'s column carries `mark`, as `row:text` joined by spaces.
QString marked(const TableSource &t, const QString &header, CellMark mark) {
    const int c = columnOf(t, header);
    QStringList out;
    for (int r = 0; r < t.rowCount(); ++r)
        if (t.cellMarks(r, c) & mark) out << u"%1:%2"_s.arg(r).arg(t.cell(r, c).displayText());
    return out.join(u' ');
}

} // namespace

class TestCellMarks : public QObject {
    Q_OBJECT

private slots:
    void plainSourcesSayNothing() {
        const RunTable t = runs();
        const KeyList keys(t);
        QVERIFY(!keys.columnMeta(0).family);
        QVERIFY(!keys.columnMeta(0).direction);
        QVERIFY(keys.columnMeta(0).aggregates.empty());
        QCOMPARE(keys.cellMarks(0, 0), CellMarks());
        QCOMPARE(keys.cellSummary(0, 0), nullptr);
    }

    void perRunBestByDirection() {
        // Given a per-run view, when the best values are marked, then the highest acc, the
        // lowest loss (NaN and missing left out) and every tied speed are best; a metric with
        // one number has no best, and config keys and run fields never compete.
        const RunTable t = runs();
        auto view = makeTableView(t, {});
        QVERIFY(view);
        QCOMPARE(marked(*view, u"acc"_s, CellMark::Best), QString());
        view->markBest();
        QCOMPARE(marked(*view, u"acc"_s, CellMark::Best), u"2:0.95"_s);
        QCOMPARE(marked(*view, u"loss"_s, CellMark::Best), u"3:0.2"_s);
        QCOMPARE(marked(*view, u"speed"_s, CellMark::Best), u"1:7 2:7"_s);
        QCOMPARE(marked(*view, u"rare"_s, CellMark::Best), QString());
        QCOMPARE(marked(*view, u"optimizer.lr"_s, CellMark::Best), QString());
        QCOMPARE(view->columnMeta(columnOf(*view, u"loss"_s)).direction, Direction::Lower);
        QCOMPARE(view->columnMeta(columnOf(*view, u"acc"_s)).direction, Direction::Higher);
        QVERIFY(!view->columnMeta(columnOf(*view, u"optimizer.lr"_s)).direction);
        QCOMPARE(view->columnMeta(columnOf(*view, u"optimizer.lr"_s)).family, Family::Config);
        QCOMPARE(view->columnMeta(columnOf(*view, u"acc"_s)).family, Family::Metric);
        QVERIFY(!view->columnMeta(columnOf(*view, u"id"_s)).family);
        QCOMPARE(view->description(), u"5 runs"_s);
    }

    void directionOverridesFlipBest() {
        const RunTable t = runs();
        auto view = makeTableView(t, {});
        view->markBest(
            {{u"metric:acc"_s, int(Direction::Lower)}, {u"metric:loss"_s, int(Direction::Higher)}});
        QCOMPARE(marked(*view, u"acc"_s, CellMark::Best), u"4:0.8"_s);
        QCOMPARE(marked(*view, u"loss"_s, CellMark::Best), u"0:0.3"_s);
        QCOMPARE(view->columnMeta(columnOf(*view, u"acc"_s)).direction, Direction::Lower);
    }

    void perRunBaseline() {
        // Given r0 as the baseline, its own cells are Baseline and the key cells of other runs
        // whose value is not r0's differ; a run field never differs.
        const RunTable t = runs();
        auto view = makeTableView(t, {});
        view->setBaselineRow(0);
        QCOMPARE(marked(*view, u"optimizer.lr"_s, CellMark::DiffersFromBaseline),
                 u"2:0.001 3:0.001 4:0.01"_s);
        QCOMPARE(marked(*view, u"rare"_s, CellMark::DiffersFromBaseline), u"1: 2: 3: 4:"_s);
        QCOMPARE(marked(*view, u"id"_s, CellMark::DiffersFromBaseline), QString());
        QCOMPARE(marked(*view, u"id"_s, CellMark::Baseline), u"0:r0"_s);
        QCOMPARE(marked(*view, u"acc"_s, CellMark::Baseline), u"0:0.9"_s);
        QCOMPARE(view->cellMarks(0, columnOf(*view, u"acc"_s)) & CellMark::DiffersFromBaseline,
                 CellMarks());
    }

    void groupedBestPerColumn() {
        // Given groups by optimizer: adam has the best acc mean, adam's loss (0.2, one NaN)
        // the best loss; std and count columns do not compete; a joined column competes by
        // its mean and gives its summary and aggregates.
        const RunTable t = runs();
        GroupSpec spec;
        spec.keyColumns = {t.findColumn(Family::Config, testutil::key(u"optimizer.name"_s))};
        spec.metricColumns = {t.findColumn(Family::Metric, testutil::key(u"acc"_s)),
                              t.findColumn(Family::Metric, testutil::key(u"loss"_s))};
        spec.aggregates = {Aggregate::Mean, Aggregate::Std, Aggregate::Count};
        GroupTable columns(t, allRows(t), spec);
        QCOMPARE(marked(columns, u"acc mean"_s, CellMark::Best), u"0:0.945"_s);
        QCOMPARE(marked(columns, u"loss mean"_s, CellMark::Best), u"0:0.2"_s);
        QCOMPARE(marked(columns, u"acc std"_s, CellMark::Best), QString());
        QCOMPARE(marked(columns, u"acc count"_s, CellMark::Best), QString());
        QVERIFY(!columns.columnMeta(columnOf(columns, u"acc std"_s)).direction);
        QCOMPARE(columns.columnMeta(columnOf(columns, u"acc mean"_s)).direction, Direction::Higher);
        QCOMPARE(columns.columnMeta(0).family, Family::Config);
        QVERIFY(!columns.columnMeta(columnOf(columns, u"runs"_s)).family);
        QCOMPARE(columns.cellSummary(0, 0), nullptr);
        QCOMPARE(columns.cellSummary(0, columnOf(columns, u"acc std"_s))->count, 2);
        QCOMPARE(columns.description(), u"2 groups of 5 runs by optimizer.name"_s);

        // Sorting moves the marks with their groups.
        QVERIFY(columns.sort({SortKey{u"acc mean"_s, false}}));
        QCOMPARE(marked(columns, u"acc mean"_s, CellMark::Best), u"1:0.945"_s);

        spec.joined = true;
        GroupTable joined(t, allRows(t), spec);
        const int acc = columnOf(joined, u"acc mean \u00b1 std (n)"_s);
        QVERIFY(acc > 0);
        QCOMPARE(joined.cellMarks(0, acc), CellMarks(CellMark::Best));
        QCOMPARE(joined.cellMarks(1, acc), CellMarks());
        QCOMPARE(joined.columnMeta(acc).aggregates, spec.aggregates);
        QCOMPARE(joined.cellSummary(1, acc)->count, 3);

        joined.setDirections({{u"metric:acc"_s, int(Direction::Lower)}});
        QCOMPARE(joined.cellMarks(1, acc), CellMarks(CellMark::Best));
        QCOMPARE(joined.columnMeta(acc).direction, Direction::Lower);
    }

    void pivotBestOverTheWholeTable() {
        // Every cell of a pivot summarises the same metric: the best mean of all is Best.
        const RunTable t = runs();
        PivotSpec spec;
        spec.rowKey = t.findColumn(Family::Config, testutil::key(u"optimizer.name"_s));
        spec.columnKey = t.findColumn(Family::Config, testutil::key(u"optimizer.lr"_s));
        spec.metric = t.findColumn(Family::Metric, testutil::key(u"loss"_s));
        spec.aggregates = {Aggregate::Mean, Aggregate::Count};
        const PivotTable pivot(t, allRows(t), spec);
        QStringList best;
        for (int r = 0; r < pivot.rowCount(); ++r)
            for (int c = 1; c < pivot.columnCount(); ++c)
                if (pivot.cellMarks(r, c) & CellMark::Best)
                    best << pivot.cell(r, 0).displayText() + u' ' + pivot.header(c);
        QCOMPARE(best.join(u", "_s), u"adam 0.001 mean"_s);
        QCOMPARE(pivot.columnMeta(0).family, Family::Config);
        QCOMPARE(pivot.columnMeta(1).direction, Direction::Lower);
        QVERIFY(!pivot.columnMeta(2).direction); // the count
        QVERIFY(pivot.cellSummary(0, 1));
        QCOMPARE(pivot.cellSummary(0, 7), nullptr); // adam never ran with lr 0.1
        QCOMPARE(pivot.description(), u"loss of 5 runs by optimizer.name and optimizer.lr"_s);
    }

    void diffMarksChanges() {
        // Given r0 as the baseline: the baseline's column is Baseline, r2's optimizer changed,
        // r4 lacks loss and rare (Removed); acc got better in r2 (higher is better) and worse
        // in r4, in the value and in its delta column.
        const RunTable t = runs();
        const RunDiff diff(t, {0, 2, 4}, 0);
        const DiffTable table(diff, false);
        const auto row = [&](const QString &key) {
            for (int r = 0; r < table.rowCount(); ++r)
                if (table.cell(r, 0).displayText() == key) return r;
            return -1;
        };
        const int base = columnOf(table, u"r0 (baseline)"_s), r2 = columnOf(table, u"r2"_s),
                  r4 = columnOf(table, u"r4"_s), r2Delta = columnOf(table, u"r2 \u0394"_s);
        QVERIFY(base > 0 && r2 > 0 && r4 > 0 && r2Delta > 0);
        QCOMPARE(table.cellMarks(row(u"acc"_s), base), CellMarks(CellMark::Baseline));
        QCOMPARE(table.cellMarks(row(u"optimizer.name"_s), r2), CellMarks(CellMark::Changed));
        QCOMPARE(table.cellMarks(row(u"acc"_s), r2), CellMark::Changed | CellMark::Better);
        QCOMPARE(table.cellMarks(row(u"acc"_s), r2Delta), CellMarks(CellMark::Better));
        QCOMPARE(table.cellMarks(row(u"acc"_s), r4), CellMark::Changed | CellMark::Worse);
        QCOMPARE(table.cellMarks(row(u"loss"_s), r4), CellMarks(CellMark::Removed));
        QCOMPARE(table.cellMarks(row(u"rare"_s), r2), CellMarks(CellMark::Removed));
        QCOMPARE(table.cellMarks(row(u"optimizer.name"_s), 0), CellMarks()); // the key
        QCOMPARE(table.description(), u"6 keys of 3 runs against r0"_s);

        // The other way round, r2 as the baseline: rare is added in r0.
        const RunDiff back(t, {2, 0}, 0);
        const DiffTable backTable(back, true);
        const int r0 = columnOf(backTable, u"r0"_s);
        for (int r = 0; r < backTable.rowCount(); ++r)
            if (backTable.cell(r, 0).displayText() == u"rare")
                QCOMPARE(backTable.cellMarks(r, r0), CellMarks(CellMark::Added));
    }
};

QTEST_GUILESS_MAIN(TestCellMarks)
#include "tst_cellmarks.moc"
