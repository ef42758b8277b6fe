// Speed of parameter importance: N synthetic runs of a sweep with K config keys (log-spaced
// learning rates, batch sizes, an optimizer name, a bool, a key missing in 30% of the runs,
// and the rest noise: reals, integers, strings) and a metric that depends on four of them,
// non-linearly. Times parameterImportance() with the default options (forest on a random
// 20,000 runs, trees on all cores) as the best of three, then once on one thread, with and
// without subsampling, and prints the ranking it found.
//   bench_importance [RUNS=100000] [KEYS=20] [TREES=100] [MAX_ROWS=20000]
#include "analysis/importance.h"
#include "run/runtable.h"
#include "synthetic.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThreadPool>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <numeric>
#include <random>

using namespace runlens;
using runlens::bench::bestOfThreeMs;
using namespace Qt::StringLiterals;

namespace {

RunTable makeTable(int runs, int keys) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::normal_distribution<double> noise(0, 0.05);
    static const QStringList optimizers = {u"adam"_s, u"adamw"_s, u"sgd"_s, u"lion"_s};
    RunTable table;
    for (int r = 0; r < runs; ++r) {
        RunRecord rec;
        rec.id = u"%1"_s.arg(r, 8, 36, QChar(u'0'));
        rec.format = u"wandb"_s;
        const int lrStep = int(rng() % 8), batch = 16 << (rng() % 4), opt = int(rng() % 4);
        const double lr = 1e-5 * std::pow(3.0, lrStep), dropout = uniform(rng);
        const bool ema = rng() % 2;
        const auto key = [](const QString &k) { return Key::fromDisplay(k); };
        rec.add(Family::Config, key(u"optimizer.lr"_s), Value::real(lr));
        rec.add(Family::Config, key(u"batch_size"_s), Value::integer(batch));
        rec.add(Family::Config, key(u"optimizer.name"_s), Value::string(optimizers[opt]));
        rec.add(Family::Config, key(u"model.dropout"_s), Value::real(dropout));
        rec.add(Family::Config, key(u"ema"_s), Value::boolean(ema));
        if (rng() % 10 >= 3)
            rec.add(Family::Config, key(u"warmup"_s), Value::integer(rng() % 1000));
        for (int k = 6; k < keys; ++k) {
            const QString name = u"noise.key%1"_s.arg(k);
            rec.add(Family::Config, key(name),
                    k % 3 == 0   ? Value::string(u"v%1"_s.arg(rng() % 5))
                    : k % 3 == 1 ? Value::integer(qint64(rng() % 100))
                                 : Value::real(uniform(rng)));
        }
        // Best at a middle learning rate, worse with dropout, sgd lags, a lr x optimizer term.
        const double y = 0.9 - 0.02 * (lrStep - 4) * (lrStep - 4) - 0.1 * dropout * dropout -
                         (opt == 2 ? 0.05 : 0.0) - (opt == 2 && lrStep < 3 ? 0.05 : 0.0) +
                         noise(rng);
        rec.add(Family::Metric, key(u"val/acc"_s), Value::real(y));
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    return table;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int runs = args.value(1, u"100000"_s).toInt();
    const int keys = args.value(2, u"20"_s).toInt();
    const int trees = args.value(3, u"100"_s).toInt();
    const int maxRows = args.value(4, u"20000"_s).toInt();
    if (runs <= 0 || keys < 6 || trees <= 0 || maxRows <= 0) {
        std::fprintf(stderr, "usage: bench_importance [RUNS] [KEYS>=6] [TREES] [MAX_ROWS]\n");
        return 2;
    }
    const RunTable table = makeTable(runs, keys);
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    const int metric = table.findColumn(Family::Metric, Key::fromDisplay(u"val/acc"));

    ImportanceOptions options;
    options.trees = trees;
    options.maxRows = maxRows;
    ImportanceResult result;
    const double parallelMs =
        bestOfThreeMs([&] { result = parameterImportance(table, rows, metric, {}, options); });
    // Wall time, and the process's CPU time, which a busy machine disturbs less.
    const auto once = [&](const ImportanceOptions &o, double *cpuMs) {
        QElapsedTimer clock;
        const std::clock_t cpu = std::clock();
        clock.start();
        parameterImportance(table, rows, metric, {}, o);
        *cpuMs = double(std::clock() - cpu) * 1000.0 / CLOCKS_PER_SEC;
        return clock.nsecsElapsed() / 1e6;
    };
    ImportanceOptions sequential = options;
    sequential.parallel = false;
    double sequentialCpu = 0, everyRunCpu = 0;
    const double sequentialMs = once(sequential, &sequentialCpu);
    ImportanceOptions everyRun = sequential;
    everyRun.maxRows = runs;
    const double everyRunMs = once(everyRun, &everyRunCpu);

    std::printf("runs=%d keys=%d trees=%d maxRows=%d depth=%d threads=%d\n", runs,
                int(result.keys.size()), trees, maxRows, options.maxDepth,
                QThreadPool::globalInstance()->maxThreadCount());
    std::printf("importance, default (all cores), best of 3: %9.1f ms\n", parallelMs);
    std::printf("importance, one thread:                     %9.1f ms (cpu %.1f ms)\n",
                sequentialMs, sequentialCpu);
    std::printf("importance, one thread, every run (%d): %9.1f ms (cpu %.1f ms)\n", runs,
                everyRunMs, everyRunCpu);
    std::printf("oob R2 %.3f, fitted on %d of %d runs; %s\n", result.r2, result.fittedRows,
                result.rows, qPrintable(result.note));
    for (const KeyImportance &k : result.keys)
        std::printf("  %-18s %-4s importance %.3f  mse+ %.4f  rho %6.3f  eta %6.3f  %s\n",
                    qPrintable(k.key), k.categorical ? "cat" : "num", k.importance, k.mseIncrease,
                    k.correlation, k.eta, qPrintable(k.note));
    return 0;
}
