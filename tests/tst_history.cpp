// MetricHistory: the last value by step as the metric, min/max/mean/steps as metadata.
#include "analysis/tableview.h"
#include "readers/history.h"
#include "runtablemodel.h"

#include <QAbstractItemModelTester>

#include <QTest>

#include <cmath>
#include <limits>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

const Value *find(const RunRecord &run, Family family, const QString &key) {
    for (const Entry &e : run.entries)
        if (e.family == family && e.key.display() == key) return &e.value;
    return nullptr;
}

/// Two runs r0, r1 with a val/loss history ({0.9, 0.2, 0.5} and {0.8, 0.4, 0.3}) and lr.
RunTable tableWithHistories() {
    RunTable table;
    const std::vector<std::vector<double>> histories = {{0.9, 0.2, 0.5}, {0.8, 0.4, 0.3}};
    for (std::size_t i = 0; i < histories.size(); ++i) {
        RunRecord run;
        run.id = run.name = u"r%1"_s.arg(i);
        run.add(Family::Config, Key::fromDisplay(u"lr"_s), Value::real(0.1 * double(i + 1)));
        MetricHistory h;
        for (double v : histories[i])
            h.add(v);
        h.addTo(run, Key::fromDisplay(u"val/loss"_s));
        table.appendRun(std::move(run));
    }
    return table;
}

} // namespace

class TestHistory : public QObject {
    Q_OBJECT

private slots:
    void lastByStepAndStatistics() {
        MetricHistory h;
        h.add(0, 0.9);
        h.add(2, 0.5);
        h.add(1, 0.7); // logged late for an earlier step: not the last
        h.add(2, 0.4); // the same step again: the later value wins
        RunRecord run;
        h.addTo(run, Key::fromDisplay(u"val/loss"_s));
        QCOMPARE(find(run, Family::Metric, u"val/loss"_s)->toDouble(), 0.4);
        QCOMPARE(find(run, Family::Meta, u"history.min.val/loss"_s)->toDouble(), 0.4);
        QCOMPARE(find(run, Family::Meta, u"history.max.val/loss"_s)->toDouble(), 0.9);
        QCOMPARE(find(run, Family::Meta, u"history.mean.val/loss"_s)->toDouble(),
                 (0.9 + 0.5 + 0.7 + 0.4) / 4);
        QCOMPARE(find(run, Family::Meta, u"history.steps.val/loss"_s)->toDouble(), 4.0);
        QCOMPARE(historyKey(Key::fromDisplay(u"a.b"_s), MetricSummary::Max).display(),
                 u"history.max.a.b"_s);
    }

    void nanIsCountedButNotSummarised() {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        MetricHistory h;
        h.add(1.0);
        h.add(3.0);
        h.add(nan); // diverged: the last value is NaN
        RunRecord run;
        h.addTo(run, Key::fromDisplay(u"loss"_s), Value());
        QVERIFY(std::isnan(find(run, Family::Metric, u"loss"_s)->toDouble()));
        QCOMPARE(find(run, Family::Meta, u"history.mean.loss"_s)->toDouble(), 2.0);
        QCOMPARE(find(run, Family::Meta, u"history.steps.loss"_s)->toDouble(), 3.0);

        MetricHistory allNan;
        allNan.add(nan);
        RunRecord only;
        allNan.addTo(only, Key::fromDisplay(u"x"_s));
        QVERIFY(find(only, Family::Metric, u"x"_s));
        QVERIFY(!find(only, Family::Meta, u"history.min.x"_s));

        RunRecord none;
        MetricHistory().addTo(none, Key::fromDisplay(u"y"_s));
        QVERIFY(none.entries.empty());
    }

    void summaryNames() {
        for (MetricSummary s :
             {MetricSummary::Last, MetricSummary::Min, MetricSummary::Max, MetricSummary::Mean})
            QCOMPARE(summaryFromName(summaryName(s)), s);
        QCOMPARE(summaryFromName(u"MIN"_s), MetricSummary::Min);
        QVERIFY(!summaryFromName(u"median"_s));
    }

    void viewShowsASummaryInsteadOfTheLastValue() {
        // Two runs with a val/loss history, one (a W&B-like run) with its last value only.
        RunTable table = tableWithHistories();
        const Key loss = Key::fromDisplay(u"val/loss"_s);
        RunRecord summaryOnly;
        summaryOnly.id = summaryOnly.name = u"w"_s;
        summaryOnly.add(Family::Metric, loss, Value::real(0.1));
        table.appendRun(std::move(summaryOnly));

        ViewSpec spec;
        spec.columns = {u"val/loss"_s};
        spec.summaries.insert(u"val/loss"_s, MetricSummary::Min);
        spec.sort = {SortKey{u"val/loss"_s, false}};
        QString error;
        const std::optional<TableView> view = makeTableView(table, spec, &error);
        QVERIFY2(view, qPrintable(error));
        QCOMPARE(view->header(1), u"val/loss (min)"_s);
        // Sorted by the minimum: r0 (0.2), r1 (0.3), then w, which has no history.
        QCOMPARE(view->cell(0, 0).displayText(), u"r0"_s);
        QCOMPARE(view->cell(0, 1).toDouble(), 0.2);
        QCOMPARE(view->cell(1, 1).toDouble(), 0.3);
        QVERIFY(view->cell(2, 1).isMissing());
        // The column still stands for the metric: lower is better, the metric's family.
        QCOMPARE(view->columnMeta(1).family, Family::Metric);
        QCOMPARE(view->columnMeta(1).direction, Direction::Lower);

        spec.summaries = {{u"val/acc"_s, MetricSummary::Max}};
        QVERIFY(!makeTableView(table, spec, &error));
        QVERIFY2(error.contains(u"no metric named 'val/acc'"_s), qPrintable(error));
        RunTable flat;
        RunRecord only;
        only.id = u"x"_s;
        only.add(Family::Metric, loss, Value::real(0.5));
        flat.appendRun(std::move(only));
        spec.summaries = {{u"val/loss"_s, MetricSummary::Mean}};
        spec.sort.clear();
        QVERIFY(!makeTableView(flat, spec, &error));
        QVERIFY2(error.contains(u"no run has a history"_s), qPrintable(error));
    }

    void modelSwitchesAMetricColumnToASummary() {
        RunTable table = tableWithHistories();
        RunTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.replaceTable(std::move(table));
        const auto columnNamed = [&](const QString &header) {
            for (int c = 0; c < model.columnCount(); ++c)
                if (model.headerData(c, Qt::Horizontal).toString() == header) return c;
            return -1;
        };
        int column = columnNamed(u"val/loss"_s);
        QVERIFY(column >= 0);
        QVERIFY(model.hasHistory(column));
        QVERIFY(!model.hasHistory(columnNamed(u"lr"_s)));
        model.sort(column, Qt::AscendingOrder); // by the last value: r1 (0.3), r0 (0.5)
        QCOMPARE(model.index(0, 0).data(RunTableModel::RunIdRole).toString(), u"r1"_s);

        model.setColumnSummary(column, MetricSummary::Min);
        column = columnNamed(u"val/loss (min)"_s);
        QVERIFY(column >= 0);
        QCOMPARE(model.columnSummary(column), MetricSummary::Min);
        QCOMPARE(model.headerData(column, Qt::Horizontal, RunTableModel::FamilyRole).toInt(),
                 int(Family::Metric));
        // The sort follows the summary: r0 (0.2), r1 (0.4).
        QCOMPARE(model.index(0, 0).data(RunTableModel::RunIdRole).toString(), u"r0"_s);
        QCOMPARE(model.index(0, column).data(RunTableModel::FullTextRole).toString(), u"0.2"_s);
        QCOMPARE(model.sortColumn(), column);
        QCOMPARE(model.summaries().value(u"metric:val/loss"_s), u"min"_s);

        model.setColumnSummary(column, MetricSummary::Last);
        QVERIFY(columnNamed(u"val/loss"_s) >= 0);
        QVERIFY(model.summaries().isEmpty());
        model.setSummaries({{u"metric:val/loss"_s, u"mean"_s}});
        column = columnNamed(u"val/loss (mean)"_s);
        QVERIFY(column >= 0);
        QCOMPARE(model.index(model.viewRowOfRun(u"r1"_s), column).data(RunTableModel::FullTextRole)
                     .toDouble(),
                 (0.8 + 0.4 + 0.3) / 3);
    }

    void fileSpellingOfTheLastValue() {
        MetricHistory h;
        h.add(0.25);
        RunRecord run;
        h.addTo(run, Key::fromDisplay(u"acc"_s), Value::real(0.25, u"2.5e-1"_s));
        QCOMPARE(find(run, Family::Metric, u"acc"_s)->displayText(), u"2.5e-1"_s);
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
