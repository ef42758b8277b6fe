// Grouped tables (GroupTable, PivotTable) and their resolution from command-line names
// (makeGroupedView), compared as whole rendered tables.
#include "analysis/grouptable.h"
#include "analysis/groupview.h"
#include "analysis/pivot.h"
#include "export/tablewriter.h"
#include "run/runtable.h"

#include <QTest>

#include "testutil.h"

#include <limits>
#include <numeric>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A small sweep: optimizer x lr with seeds, one run lacking the optimizer, one NaN loss, and
/// `epoch` as both a config and a metric key.
RunTable sweep() {
    struct Spec {
        const char *opt;
        double lr, acc, loss;
        int seed;
    };
    const Spec specs[] = {{"sgd", 0.1, 0.90, 0.30, 0},   {"sgd", 0.1, 0.92, 0.28, 1},
                          {"adam", 1e-3, 0.95, 0.20, 0}, {"adam", 1e-3, 0.94, kNaN, 1},
                          {"sgd", 0.01, 0.80, 0.50, 0},  {nullptr, 0.1, 0.50, 1.00, 0}};
    RunTable table;
    int n = 0;
    for (const Spec &s : specs) {
        RunRecord rec;
        rec.id = u"r%1"_s.arg(n++);
        if (s.opt)
            rec.add(Family::Config, testutil::key(u"optimizer.name"_s),
                    Value::string(QString::fromLatin1(s.opt)));
        rec.add(Family::Config, testutil::key(u"optimizer.lr"_s), Value::real(s.lr));
        rec.add(Family::Config, testutil::key(u"seed"_s), Value::integer(s.seed));
        rec.add(Family::Config, testutil::key(u"epoch"_s), Value::integer(10));
        rec.add(Family::Metric, testutil::key(u"acc"_s), Value::real(s.acc));
        rec.add(Family::Metric, testutil::key(u"loss"_s), Value::real(s.loss));
        rec.add(Family::Metric, testutil::key(u"epoch"_s), Value::integer(10));
        rec.add(Family::Meta, testutil::key(u"host"_s), Value::string(n % 2 ? u"a"_s : u"b"_s));
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    return table;
}

std::vector<int> allRows(const RunTable &t) {
    std::vector<int> rows(std::size_t(t.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

int col(const RunTable &t, Family f, const QString &key) {
    return t.findColumn(f, testutil::key(key));
}

QString csv(const TableSource &t) {
    return QString::fromUtf8(renderTable(t, TableFormat::Csv));
}

QString text(const TableSource &t) {
    return QString::fromUtf8(renderTable(t, TableFormat::Text));
}

} // namespace

class TestGroupTable : public QObject {
    Q_OBJECT

private slots:
    void columnsPerAggregate() {
        const RunTable t = sweep();
        GroupSpec spec;
        spec.keyColumns = {col(t, Family::Config, u"optimizer.name"_s)};
        spec.metricColumns = {col(t, Family::Metric, u"loss"_s)};
        spec.aggregates = {Aggregate::Mean, Aggregate::Count, Aggregate::Max};
        const GroupTable g(t, allRows(t), spec);
        QCOMPARE(csv(g), u"optimizer.name,runs,loss mean,loss count,loss nan,loss max\n"
                         "adam,2,0.2,1,1,0.2\n"
                         "sgd,3,0.36000000000000004,3,0,0.5\n"
                         ",1,1,1,0,1\n"_s);
        QCOMPARE(g.group(2).rows, std::vector<int>{5});
        QCOMPARE(g.summary(1, 0).count, 3);
    }

    void joinedForPeople() {
        const RunTable t = sweep();
        GroupSpec spec;
        spec.keyColumns = {col(t, Family::Config, u"optimizer.name"_s),
                           col(t, Family::Config, u"optimizer.lr"_s)};
        spec.metricColumns = {col(t, Family::Metric, u"acc"_s), col(t, Family::Metric, u"loss"_s)};
        spec.joined = true;
        spec.missingLabel = true;
        const GroupTable g(t, allRows(t), spec);
        QCOMPARE(
            text(g),
            u"optimizer.name  optimizer.lr  runs  acc mean ± std (n)     loss mean ± std (n)\n"
            "--------------  ------------  ----  ---------------------  -------------------\n"
            "adam                   0.001     2  0.9450 ± 0.0071 (n=2)  0.2 (n=1, 1 NaN)\n"
            "sgd                     0.01     1  0.8 (n=1)              0.5 (n=1)\n"
            "sgd                      0.1     2  0.910 ± 0.014 (n=2)    0.290 ± 0.014 (n=2)\n"
            "(missing)                0.1     1  0.5 (n=1)              1 (n=1)\n"_s);
    }

    void sortsByAnyAggregate() {
        const RunTable t = sweep();
        GroupSpec spec;
        spec.keyColumns = {col(t, Family::Config, u"optimizer.name"_s)};
        spec.metricColumns = {col(t, Family::Metric, u"acc"_s), col(t, Family::Metric, u"loss"_s)};
        spec.aggregates = {Aggregate::Count};
        GroupTable g(t, allRows(t), spec);
        const auto order = [&] {
            QStringList keys;
            for (int r = 0; r < g.rowCount(); ++r)
                keys << g.cell(r, 0).displayText();
            return keys.join(u',');
        };
        QVERIFY(g.sort({SortKey{u"acc mean"_s, true}}));
        QCOMPARE(order(), u"adam,sgd,"_s);
        QVERIFY(g.sort({SortKey{u"acc min"_s, false}})); // an aggregate not shown
        QCOMPARE(order(), u",sgd,adam"_s);
        QVERIFY(g.sort({SortKey{u"runs"_s, true}}));
        QCOMPARE(order(), u"sgd,adam,"_s);
        QVERIFY(g.sort({SortKey{u"loss nan"_s, true}, SortKey{u"optimizer.name"_s, false}}));
        QCOMPARE(order(), u"adam,sgd,"_s);
        QVERIFY(g.sort({SortKey{u"loss"_s, false}})); // a bare metric: its mean
        QCOMPARE(order(), u"adam,sgd,"_s);
        QVERIFY(g.sort({SortKey{u"optimizer.name"_s, true}})); // missing last either way
        QCOMPARE(order(), u"sgd,adam,"_s);
        QString error;
        QVERIFY(!g.sort({SortKey{u"acc average"_s, false}}, &error));
        QVERIFY2(error.contains(u"'acc average'"_s), qPrintable(error));
    }

    void noKeysOneGroup() {
        const RunTable t = sweep();
        GroupSpec spec;
        spec.metricColumns = {col(t, Family::Metric, u"acc"_s)};
        spec.aggregates = {Aggregate::Median};
        QCOMPARE(csv(GroupTable(t, allRows(t), spec)), u"runs,acc median\n6,0.91\n"_s);
        QCOMPARE(GroupTable(t, {}, spec).rowCount(), 0);
    }

    void headersNameTheFamilyWhereNeeded() {
        const RunTable t = sweep();
        GroupSpec spec;
        spec.keyColumns = {col(t, Family::Config, u"epoch"_s)};
        spec.metricColumns = {col(t, Family::Metric, u"epoch"_s)};
        spec.aggregates = {Aggregate::Mean};
        QCOMPARE(csv(GroupTable(t, allRows(t), spec)),
                 u"config:epoch,runs,metric:epoch mean\n10,6,10\n"_s);
    }

    void pivot() {
        const RunTable t = sweep();
        PivotSpec spec;
        spec.rowKey = col(t, Family::Config, u"optimizer.name"_s);
        spec.columnKey = col(t, Family::Config, u"optimizer.lr"_s);
        spec.metric = col(t, Family::Metric, u"acc"_s);
        PivotTable numbers(t, allRows(t), spec);
        QCOMPARE(csv(numbers), u"optimizer.name,0.001,0.01,0.1\n"
                               "adam,0.945,,\n"
                               "sgd,,0.8,0.91\n"
                               ",,,0.5\n"_s);
        QCOMPARE(numbers.columnValues().size(), std::size_t(3));
        QVERIFY(!numbers.summary(0, 1));
        QCOMPARE(numbers.summary(1, 2)->count, 2);

        spec.aggregates = {Aggregate::Count, Aggregate::Std};
        QCOMPARE(csv(PivotTable(t, allRows(t), spec)).section(u'\n', 0, 0),
                 u"optimizer.name,0.001 count,0.001 nan,0.001 std,0.01 count,0.01 nan,0.01 std,"
                 "0.1 count,0.1 nan,0.1 std"_s);

        // Rows and columns swapped: the run lacking the optimizer is a column now.
        std::swap(spec.rowKey, spec.columnKey);
        spec.aggregates = {Aggregate::Mean, Aggregate::Count};
        spec.joined = true;
        spec.missingLabel = true;
        QCOMPARE(text(PivotTable(t, allRows(t), spec)),
                 u"optimizer.lr \\ optimizer.name  adam         sgd         (missing)\n"
                 "-----------------------------  -----------  ----------  ---------\n"
                 "                        0.001  0.945 (n=2)\n"
                 "                         0.01               0.8 (n=1)\n"
                 "                          0.1               0.91 (n=2)  0.5 (n=1)\n"_s);
    }

    void fromCommandLineNames_data() {
        QTest::addColumn<QStringList>("groupBy");
        QTest::addColumn<QStringList>("metrics");
        QTest::addColumn<QString>("header");
        // Plain names prefer config keys for groups, metric keys for metrics.
        QTest::newRow("epoch both ways") << QStringList{u"epoch"_s} << QStringList{u"epoch"_s}
                                         << u"config:epoch,runs,metric:epoch mean"_s;
        QTest::newRow("meta key") << QStringList{u"meta:host"_s} << QStringList{u"acc"_s}
                                  << u"host,runs,acc mean"_s;
        QTest::newRow("meta key without prefix")
            << QStringList{u"host"_s} << QStringList{u"acc"_s} << u"host,runs,acc mean"_s;
        QTest::newRow("glob, each once") << QStringList{u"optimizer.*"_s, u"optimizer.lr"_s}
                                         << QStringList{u"a*"_s, u"nothing*"_s}
                                         << u"optimizer.name,optimizer.lr,runs,acc mean"_s;
        // Default metrics: metric keys with numbers that vary (not epoch, constant).
        QTest::newRow("default metrics")
            << QStringList{u"seed"_s} << QStringList{} << u"seed,runs,acc mean,loss mean"_s;
    }

    void fromCommandLineNames() {
        QFETCH(QStringList, groupBy);
        QFETCH(QStringList, metrics);
        QFETCH(QString, header);
        const RunTable t = sweep();
        GroupRequest request;
        request.groupBy = groupBy;
        request.metrics = metrics;
        request.aggregates = {u"mean"_s};
        QString error;
        const auto view = makeGroupedView(t, request, &error);
        QVERIFY2(view, qPrintable(error));
        QCOMPARE(csv(*view).section(u'\n', 0, 0), header);
    }

    void collapseSeeds() {
        const RunTable t = sweep();
        GroupRequest request;
        request.collapseSeeds = true;
        request.metrics = {u"acc"_s};
        request.aggregates = {u"count"_s};
        QString error;
        auto view = makeGroupedView(t, request, &error);
        QVERIFY2(view, qPrintable(error));
        QCOMPARE(csv(*view).section(u'\n', 0, 0),
                 u"optimizer.name,optimizer.lr,runs,acc count,acc nan"_s);
        QCOMPARE(view->rowCount(), 4);
        request.repetitionKeys = {u"optimizer.lr"_s}; // chosen by hand: seed is a key now
        view = makeGroupedView(t, request, &error);
        QVERIFY2(view, qPrintable(error));
        QCOMPARE(csv(*view).section(u'\n', 0, 0), u"optimizer.name,seed,runs,acc count,acc nan"_s);
    }

    void refusals_data() {
        QTest::addColumn<QStringList>("groupBy");
        QTest::addColumn<QStringList>("pivot");
        QTest::addColumn<QStringList>("metrics");
        QTest::addColumn<QStringList>("aggregates");
        QTest::addColumn<QString>("message");
        const QStringList none;
        QTest::newRow("unknown key") << QStringList{u"optimizer.nam"_s} << none << none << none
                                     << u"no key named 'optimizer.nam'"_s;
        QTest::newRow("glob names nothing")
            << QStringList{u"nothing.*"_s} << none << none << none << u"--group-by names no key"_s;
        QTest::newRow("unknown metric")
            << QStringList{u"seed"_s} << none << QStringList{u"metric:accuracy"_s} << none
            << u"no metric named 'metric:accuracy'"_s;
        QTest::newRow("unknown aggregate")
            << QStringList{u"seed"_s} << none << none << QStringList{u"mode"_s}
            << u"unknown aggregate 'mode'"_s;
        QTest::newRow("pivot and group")
            << QStringList{u"seed"_s} << QStringList{u"seed"_s, u"host"_s} << none << none
            << u"does not combine"_s;
        QTest::newRow("pivot key names two") << none << QStringList{u"optimizer.*"_s, u"seed"_s}
                                             << QStringList{u"acc"_s} << none << u"names 2 keys"_s;
        QTest::newRow("pivot with two metrics")
            << none << QStringList{u"seed"_s, u"host"_s} << QStringList{u"acc"_s, u"loss"_s} << none
            << u"exactly one metric"_s;
    }

    void refusals() {
        QFETCH(QStringList, groupBy);
        QFETCH(QStringList, pivot);
        QFETCH(QStringList, metrics);
        QFETCH(QStringList, aggregates);
        QFETCH(QString, message);
        const RunTable t = sweep();
        GroupRequest request;
        request.groupBy = groupBy;
        request.pivot = pivot;
        request.metrics = metrics;
        request.aggregates = aggregates;
        QString error;
        QVERIFY(!makeGroupedView(t, request, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestGroupTable)
#include "tst_grouptable.moc"
