// The plots: axis scaling, brushing to a query that keeps exactly the brushed runs, scatter
// selection and groups, image export and `runlens plot`.
#include "analysis/query.h"
#include "plots.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <numeric>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

/// 40 runs: lr = 1e-4 .. 1e-1 (log spaced, 4 values), opt in {adam, sgd}, seed 0..4, acc
/// depending on both; run 39 lacks lr.
RunTable sweep() {
    RunTable table;
    int i = 0;
    for (double lr : {1e-4, 1e-3, 1e-2, 1e-1})
        for (const char *opt : {"adam", "sgd"})
            for (int seed = 0; seed < 5; ++seed) {
                RunRecord run;
                run.id = run.name = u"run%1"_s.arg(i, 2, 10, QChar(u'0'));
                if (i != 39) run.add(Family::Config, Key::fromDisplay(u"lr"_s), Value::real(lr));
                run.add(Family::Config, Key::fromDisplay(u"opt"_s), Value::string(QString::fromLatin1(opt)));
                run.add(Family::Config, Key::fromDisplay(u"seed"_s), Value::integer(seed));
                const double acc = 0.5 + 0.1 * std::log10(lr * 1e4) + (opt[0] == 'a' ? 0.05 : 0) + 0.001 * seed;
                run.add(Family::Metric, Key::fromDisplay(u"acc"_s), Value::real(acc));
                table.appendRun(std::move(run));
                ++i;
            }
    return table;
}

std::vector<int> allRows(const RunTable &t) {
    std::vector<int> rows(std::size_t(t.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

PlotKey key(const RunTable &t, Family f, const QString &name) {
    return PlotKey{std::nullopt, t.findColumn(f, Key::fromDisplay(name))};
}

} // namespace

class TestPlots : public QObject {
    Q_OBJECT

private slots:
    void numericAxisScalesLinearLogAndFlipped() {
        const RunTable t = sweep();
        PlotAxis lr(t, allRows(t), key(t, Family::Config, u"lr"_s));
        QVERIFY(!lr.isCategorical());
        QCOMPARE(lr.minimum(), 1e-4);
        QCOMPARE(lr.maximum(), 1e-1);
        QCOMPARE(lr.position(Value::real(1e-4)), 0.0);
        QCOMPARE(lr.position(Value::real(1e-1)), 1.0);
        QVERIFY(std::abs(lr.position(Value::real(1e-2)) - (1e-2 - 1e-4) / (1e-1 - 1e-4)) < 1e-12);
        QVERIFY(lr.canBeLog());
        QVERIFY(lr.setLog(true));
        QVERIFY(std::abs(lr.position(Value::real(1e-2)) - 2.0 / 3) < 1e-12);
        QVERIFY(std::abs(lr.valueAt(1.0 / 3) - 1e-3) < 1e-15);
        QCOMPARE(lr.ticks().size(), 4u); // the four decades
        lr.setFlipped(true);
        QCOMPARE(lr.position(Value::real(1e-4)), 1.0);
        QVERIFY(std::isnan(lr.position(Value())));             // missing: drawn apart
        QVERIFY(std::isnan(lr.position(Value::string(u"x"_s)))); // cannot be placed
        PlotAxis seed(t, allRows(t), key(t, Family::Config, u"seed"_s));
        QVERIFY(!seed.canBeLog()); // has 0
        QVERIFY(!seed.setLog(true));
        const auto ticks = seed.ticks(4);
        QCOMPARE(ticks.front().second, u"0"_s);
        QCOMPARE(ticks.back().second, u"4"_s);
    }

    void categoricalAxisSpacesValuesEvenly() {
        const RunTable t = sweep();
        const PlotAxis opt(t, allRows(t), key(t, Family::Config, u"opt"_s));
        QVERIFY(opt.isCategorical());
        QCOMPARE(opt.categories(), (QStringList{u"adam"_s, u"sgd"_s}));
        QCOMPARE(opt.position(Value::string(u"adam"_s)), 0.0);
        QCOMPARE(opt.position(Value::string(u"sgd"_s)), 1.0);
        QCOMPARE(opt.categoryAt(0.9), 1);
    }

    void brushingGivesAQueryThatKeepsExactlyTheBrushedRuns() {
        const RunTable t = sweep();
        ParallelPlot plot;
        plot.setData(&t, allRows(t),
                     {key(t, Family::Config, u"lr"_s), key(t, Family::Config, u"opt"_s),
                      key(t, Family::Metric, u"acc"_s)},
                     key(t, Family::Metric, u"acc"_s));
        QCOMPARE(plot.axisCount(), 3);
        QVERIFY(plot.setAxisLog(0, true));
        // lr in the middle two decades, opt = sgd.
        plot.setBrush(0, std::pair{0.2, 0.8});
        plot.setBrush(1, std::pair{0.9, 1.0});
        const std::vector<int> brushed = plot.brushedRows();
        QCOMPARE(brushed.size(), 10u); // lr 1e-3 and 1e-2, sgd, five seeds each
        const QString expression = plot.brushExpression();
        QVERIFY2(expression.contains(u"lr in 0.001..0.01"_s), qPrintable(expression));
        QVERIFY2(expression.contains(u"opt in [\"sgd\"]"_s), qPrintable(expression));
        QueryError error;
        const std::optional<Query> query = Query::parse(expression, t, &error);
        QVERIFY2(query, qPrintable(error.toString()));
        QCOMPARE(query->filter(t, allRows(t)), brushed);

        // Moving and flipping axes keeps the brushes on their keys.
        plot.moveAxis(1, 0);
        QCOMPARE(plot.axis(0).label(), u"opt"_s);
        plot.setAxisFlipped(0, true);
        QCOMPARE(plot.brushedRows(), brushed);
        // The run lacking lr never passes a brush on lr.
        QVERIFY(std::find(brushed.begin(), brushed.end(), 39) == brushed.end());
        plot.clearBrushes();
        QVERIFY(plot.brushExpression().isEmpty());
        QCOMPARE(plot.brushedRows().size(), 40u);
    }

    void parallelHitTestingFindsTheLine() {
        const RunTable t = sweep();
        ParallelPlot plot;
        plot.setData(&t, {0, 39}, {key(t, Family::Config, u"seed"_s), key(t, Family::Metric, u"acc"_s)}, {});
        const QRectF area(0, 0, 800, 500), inner = plot.plotArea(area);
        // Run 0 has seed 0 (bottom of the first axis); run 39 seed 4 (top).
        QCOMPARE(plot.runAt(QPointF(plot.axisX(0, inner) + 1, inner.bottom()), inner), 0);
        QCOMPARE(plot.runAt(QPointF(plot.axisX(0, inner) + 1, inner.top()), inner), 39);
        QCOMPARE(plot.axisAt(plot.axisX(1, inner) + 3, inner), 1);
    }

    void scatterSelectsAndGroups() {
        const RunTable t = sweep();
        ScatterPlot plot;
        plot.setData(&t, allRows(t), key(t, Family::Config, u"lr"_s), key(t, Family::Metric, u"acc"_s),
                     key(t, Family::Config, u"opt"_s));
        const QRectF area(0, 0, 800, 500), inner = plot.plotArea(area);
        // Everything: every run with both numbers (not run 39).
        QCOMPARE(plot.runsIn(inner.adjusted(-5, -5, 5, 5), inner).size(), 39u);
        // The left edge (inside a 10 px margin) holds the lr = 1e-4 runs.
        const auto left = plot.runsIn(QRectF(inner.left(), inner.top(), 20, inner.height()), inner);
        QCOMPARE(left.size(), 10u);
        QVERIFY(plot.setLogX(true));
        // Grouped by opt: two points at the means, with standard deviations.
        plot.setData(&t, allRows(t), key(t, Family::Config, u"lr"_s), key(t, Family::Metric, u"acc"_s),
                     {}, {t.findColumn(Family::Config, Key::fromDisplay(u"opt"_s))});
        QVERIFY(plot.isGrouped());
        QVERIFY(plot.xAxis().isLog()); // kept for the same key
        const auto all = plot.runsIn(inner.adjusted(-50, -50, 50, 50), inner);
        QCOMPARE(all.size(), 39u);
    }

    void exportsPngAndSvg() {
        const RunTable t = sweep();
        ScatterPlot plot;
        plot.setData(&t, allRows(t), key(t, Family::Config, u"lr"_s), key(t, Family::Metric, u"acc"_s), {});
        QTemporaryDir dir;
        QString error;
        QVERIFY2(exportPlot(plot, dir.filePath(u"s.png"_s), QSize(400, 300), 2.0, &error), qPrintable(error));
        const QImage image(dir.filePath(u"s.png"_s));
        QCOMPARE(image.size(), QSize(800, 600));
        // Not blank: some pixels are neither white nor transparent.
        int ink = 0;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                ink += image.pixelColor(x, y) != QColor(Qt::white);
        QVERIFY(ink > 200);
        QVERIFY2(exportPlot(plot, dir.filePath(u"s.svg"_s), QSize(400, 300), 1.0, &error), qPrintable(error));
        QFile svg(dir.filePath(u"s.svg"_s));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray text = svg.readAll();
        QVERIFY(text.contains("<svg"));
        QVERIFY(text.contains("acc"));
        QVERIFY(!exportPlot(plot, dir.filePath(u"s.jpg"_s), QSize(400, 300), 1.0, &error));
        QVERIFY(error.contains(u".png or .svg"_s));
        QVERIFY(!exportPlot(plot, dir.filePath(u"missing/s.png"_s), QSize(400, 300), 1.0, &error));
    }

    void curvesReadTheHistoriesAgain() {
        const QString folder = QStringLiteral(QT_TESTCASE_SOURCEDIR "/data/lightning_csv/lightning_logs");
        const ReaderRegistry registry = ReaderRegistry::withBuiltins();
        const LoadResult loaded = loadRuns({folder}, registry);
        const RunTable &t = loaded.table;
        int run = -1;
        for (int r = 0; r < t.rowCount(); ++r)
            if (t.run(r).path.endsWith(u"version_0"_s)) run = r;
        QVERIFY(run >= 0);
        // train/loss: 0.9, 0.7, NaN, 0.4 at steps 49, 99, 149, 199.
        const int loss = t.findColumn(Family::Metric, Key({u"train/loss"_s}));
        QVERIFY(loss >= 0);
        const std::vector<CurveSeries> series = readCurves(t, registry, {run}, t.column(loss).key, {});
        QCOMPARE(series.size(), 1u);
        QCOMPARE(series[0].points.size(), 4u);
        QVERIFY(std::isnan(series[0].points[2].y()));
        // The last point is the table's value; there is one point per logged value.
        QCOMPARE(series[0].points.back(), QPointF(199, t.value(run, loss).toDouble()));
        const int steps = t.findColumn(Family::Meta, historyStepsKey(t.column(loss).key));
        QCOMPARE(double(series[0].points.size()), t.value(run, steps).toDouble());
        CurvePlot plot;
        plot.setData(u"val_loss"_s, u"step"_s, series);
        plot.setSmoothing(0.6);
        QTemporaryDir dir;
        QString error;
        QVERIFY2(exportPlot(plot, dir.filePath(u"c.png"_s), QSize(400, 300), 1.0, &error), qPrintable(error));
        // A metric without a history anywhere: no series.
        const int epoch = t.findColumn(Family::Meta, Key({u"epoch"_s}));
        QVERIFY(readCurves(t, registry, {run}, t.column(epoch).key, {}).empty());
    }

    void commandLineWritesAnImageOfTheRightSize() {
        QTemporaryDir dir;
        const QString examples = QStringLiteral(QT_TESTCASE_SOURCEDIR "/../resources/examples/runs");
        for (const QString &kind : {u"parallel"_s, u"scatter"_s, u"importance"_s}) {
            QProcess p;
            const QString out = dir.filePath(kind + u".png"_s);
            p.start(QStringLiteral(RUNLENS_BINARY),
                    {u"plot"_s, kind, examples, u"--no-cache"_s, u"-q"_s, u"--size"_s, u"500x300"_s,
                     u"--scale"_s, u"2"_s, u"-o"_s, out});
            QVERIFY(p.waitForFinished(60000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            QCOMPARE(QImage(out).size(), QSize(1000, 600));
        }
        QProcess bad;
        bad.start(QStringLiteral(RUNLENS_BINARY),
                  {u"plot"_s, u"scatter"_s, examples, u"-q"_s, u"--x"_s, u"no.such.key"_s, u"-o"_s,
                   dir.filePath(u"x.png"_s)});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("no key named 'no.such.key'"));
    }
};

QTEST_MAIN(TestPlots)
#include "tst_plots.moc"
