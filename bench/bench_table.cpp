// Memory benchmark of the columnar RunTable: N runs, each with V values drawn from K distinct
// keys (config and metric families, numbers and interned strings), as a sweep would have them.
// Prints the table's own estimate and the process's peak RSS, per run.
//   bench_table [RUNS=100000] [VALUES_PER_RUN=200] [DISTINCT_KEYS=1000]
#include "run/runtable.h"
#include "synthetic.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <cstdio>
#include <random>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

long peakRssKb() {
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:")) return line.mid(6).trimmed().split(' ').value(0).toLong();
    return -1;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const auto [runs, perRun, distinct] = bench::sizeFromArguments(app.arguments());
    if (!bench::Size{runs, perRun, distinct}.valid()) {
        std::fprintf(
            stderr,
            "usage: bench_table [RUNS] [VALUES_PER_RUN] [DISTINCT_KEYS >= VALUES_PER_RUN]\n");
        return 2;
    }
    const std::vector<Key> keys = bench::makeKeys(distinct);
    std::mt19937 rng(42);
    const long rssBefore = peakRssKb();
    QElapsedTimer clock;
    clock.start();
    RunTable table;
    for (int r = 0; r < runs; ++r) {
        RunRecord rec = bench::makeRun(r, perRun, keys, rng);
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    const double seconds = clock.elapsed() / 1000.0;
    const long rssAfter = peakRssKb();
    std::printf("runs=%d values/run=%d distinct keys=%d columns=%d\n", runs, perRun, distinct,
                table.columnCount());
    std::printf("append: %.2f s (%.0f runs/s)\n", seconds, runs / seconds);
    std::printf("table estimate: %.1f MB (%.0f bytes/run)\n", table.memoryBytes() / 1e6,
                double(table.memoryBytes()) / runs);
    std::printf("peak RSS growth: %.1f MB (%.0f bytes/run)\n", (rssAfter - rssBefore) / 1e3,
                (rssAfter - rssBefore) * 1024.0 / runs);
    return 0;
}
