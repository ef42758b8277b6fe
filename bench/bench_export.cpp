// Export benchmark: N synthetic runs with V values each, as one per-run table (every column),
// written in every format to a device that only counts the bytes, so the figures are the
// writers' own. Prints the time, the output size and the growth of the process's peak RSS
// while writing (the writers stream: it stays near the 1 MB buffer whatever the output size).
//   bench_export [RUNS=100000] [VALUES_PER_RUN=250] [DISTINCT_KEYS=250]
#include "analysis/tableview.h"
#include "export/tablewriter.h"
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

/// A write-only device that keeps nothing but the count.
class CountingDevice final : public QIODevice {
public:
    qint64 bytes = 0;

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 size) override {
        bytes += size;
        return size;
    }
};

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    // This benchmark's defaults: 250 columns, every run with every key.
    if (args.size() < 2) args << u"100000"_s;
    if (args.size() < 3) args << u"250"_s;
    if (args.size() < 4) args << u"250"_s;
    const auto [runs, perRun, distinct] = bench::sizeFromArguments(args);
    if (!bench::Size{runs, perRun, distinct}.valid()) {
        std::fprintf(
            stderr,
            "usage: bench_export [RUNS] [VALUES_PER_RUN] [DISTINCT_KEYS >= VALUES_PER_RUN]\n");
        return 2;
    }
    const std::vector<Key> keys = bench::makeKeys(distinct);
    std::mt19937 rng(42);
    RunTable table;
    for (int r = 0; r < runs; ++r)
        table.appendRun(bench::makeRun(r, perRun, keys, rng));
    table.squeeze();
    auto view = makeTableView(table, {});
    QElapsedTimer clock;
    clock.start();
    view->setBaselineRow(0);
    view->markBest();
    std::printf("runs=%d values/run=%d columns=%d; marking the best per metric column: %lld ms\n",
                runs, perRun, view->columnCount(), clock.elapsed());

    const std::pair<const char *, TableFormat> formats[] = {
        {"csv", TableFormat::Csv},        {"tsv", TableFormat::Tsv},
        {"json", TableFormat::Json},      {"md", TableFormat::Markdown},
        {"latex", TableFormat::Latex},    {"html", TableFormat::Html}};
    WriteOptions precision;
    precision.precision = 4;
    for (const auto &[name, format] : formats) {
        for (const WriteOptions &o : {WriteOptions{}, precision}) {
            CountingDevice out;
            out.open(QIODevice::WriteOnly);
            const long rssBefore = peakRssKb();
            clock.restart();
            if (!writeTable(*view, format, out, o)) return 1;
            const double seconds = clock.elapsed() / 1000.0;
            std::printf("%-5s %-13s %6.2f s  %7.1f MB  %6.1f MB/s  peak RSS +%.1f MB\n", name,
                        o.precision ? "--precision 4" : "", seconds, out.bytes / 1e6,
                        out.bytes / 1e6 / seconds, (peakRssKb() - rssBefore) / 1e3);
        }
    }
    return 0;
}
