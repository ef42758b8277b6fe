// Plot benchmark: the window's plots over N synthetic runs (bench_table's table): parallel
// coordinates with eight axes (fit, full redraw, a redraw while brushing, the brush's query,
// hit testing under the mouse) and a scatter plot of one point per run (fit, redraw), drawn
// into a 1400 x 520 image as the Plots pane is. Best of three.
//   bench_plots [RUNS=100000] [VALUES_PER_RUN=200] [DISTINCT_KEYS=1000]
#include "analysis/query.h"
#include "plots.h"
#include "synthetic.h"

#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <cstdio>
#include <numeric>
#include <random>

using namespace runlens;
using namespace Qt::StringLiterals;

int main(int argc, char **argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const auto [runs, perRun, distinct] = bench::sizeFromArguments(app.arguments());
    if (!bench::Size{runs, perRun, distinct}.valid()) {
        std::fprintf(stderr, "usage: bench_plots [RUNS] [VALUES_PER_RUN] [DISTINCT_KEYS >= VALUES_PER_RUN]\n");
        return 2;
    }
    const std::vector<Key> keys = bench::makeKeys(distinct);
    std::mt19937 rng(42);
    RunTable table;
    for (int r = 0; r < runs; ++r)
        table.appendRun(bench::makeRun(r, perRun, keys, rng));
    table.squeeze();
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);

    // Eight keys every run has (the first perRun/2 of makeKeys: strings, integers, reals).
    std::vector<PlotKey> axes;
    for (int k = 0; k < 8; ++k) {
        const int family = k % 3 == 0 ? int(Family::Metric) : int(Family::Config);
        axes.push_back(PlotKey{std::nullopt, table.findColumn(Family(family), keys[std::size_t(k)])});
    }
    const PlotKey color = axes[3];
    const QRectF area(0, 0, 1400, 520);
    QImage image(area.size().toSize(), QImage::Format_ARGB32_Premultiplied);
    const auto draw = [&](const Plot &plot) {
        image.fill(Qt::white);
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        plot.paint(p, area);
    };

    ParallelPlot parallel;
    const double fit = bench::bestOfThreeMs([&] { parallel.setData(&table, rows, axes, color); });
    const double paint = bench::bestOfThreeMs([&] { draw(parallel); });
    parallel.setBrush(2, std::pair{0.25, 0.5});
    parallel.setBrush(4, std::pair{0.0, 0.6});
    const double brushed = bench::bestOfThreeMs([&] { draw(parallel); });
    QString expression;
    const double query = bench::bestOfThreeMs([&] { expression = parallel.brushExpression(); });
    const std::optional<Query> q = Query::parse(expression, table);
    const std::size_t kept = q ? q->filter(table, rows).size() : 0;
    const QRectF inner = parallel.plotArea(area);
    int hit = -1;
    const double hover = bench::bestOfThreeMs(
        [&] { hit = parallel.runAt(QPointF(inner.center().x() + 3, inner.center().y()), inner); });
    std::printf("runs=%d; parallel coordinates, 8 axes: fit %.0f ms, redraw %.0f ms, redraw with "
                "two brushes %.0f ms (%zu runs inside), brush query %.1f ms (keeps %zu runs: %s), "
                "hit test %.1f ms\n",
                runs, fit, paint, brushed, parallel.brushedRows().size(), query, kept,
                kept == parallel.brushedRows().size() ? "the same" : "DIFFERENT", hover);

    DefaultPlotKeys defaults;
    const double choose = bench::bestOfThreeMs([&] { defaults = defaultPlotKeys(table, rows); });
    std::printf("choosing the keys a plot starts with (%zu varying config keys): %.0f ms\n",
                defaults.varyingConfig.size(), choose);

    ScatterPlot scatter;
    const double sfit = bench::bestOfThreeMs([&] { scatter.setData(&table, rows, axes[2], axes[3], axes[4]); });
    const double spaint = bench::bestOfThreeMs([&] { draw(scatter); });
    std::printf("scatter, one point per run: fit %.0f ms, redraw %.0f ms\n", sfit, spaint);
    return kept == parallel.brushedRows().size() && hit >= -1 ? 0 : 1;
}
