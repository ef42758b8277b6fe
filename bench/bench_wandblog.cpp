// Read benchmark of W&B's binary transaction log through WandbReader: writes a synthetic
// `run-<id>.wandb` of about SIZE_MB into a temporary run folder (the mix wandb-core writes: per
// step one history record of METRICS metrics plus `_step`, `_runtime`, `_timestamp`, then a
// summary record of the same keys; an output line every 10 steps and a system metrics record
// every 50), then loads the folder as the app does and reports the time, the throughput and the
// peak RSS growth while reading, which must stay far below the file's size.
//   bench_wandblog [SIZE_MB=200] [METRICS=20]
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include "../tests/wandblogwriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

using namespace runlens;
using namespace Qt::StringLiterals;
namespace w = wandbwriter;

namespace {

/// A line of /proc/self/status in kB (VmRSS, VmHWM), or -1.
long statusKb(const char *field) {
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qsizetype(std::strlen(field))).trimmed().split(' ').value(0).toLong();
    return -1;
}

/// Resets the peak RSS to the current RSS (Linux >= 4.0), so the peak measures the read only.
bool resetPeakRss() {
    QFile clear(u"/proc/self/clear_refs"_s);
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

/// Writes the synthetic log; returns the steps written.
qint64 writeLog(const QString &path, qint64 bytes, int metrics) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return -1;
    w::LogWriter log(file);
    w::RunFacts facts;
    facts.id = u"bench001"_s;
    facts.project = u"bench"_s;
    facts.name = u"synthetic-run"_s;
    facts.startSec = 1714564800;
    facts.config = {{{u"_wandb"_s}, "{}"},
                    {{u"lr"_s}, "0.0003"},
                    {{u"optimizer"_s}, R"({"name": "adamw", "betas": [0.9, 0.999]})"},
                    {{u"batch_size"_s}, "256"}};
    log.add(w::run(facts));
    QStringList names;
    for (int m = 0; m < metrics; ++m)
        names << (m % 2 ? u"train/metric_%1"_s : u"val/metric_%1"_s).arg(m);
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 0.05);
    qint64 step = 0;
    for (; log.pos() < bytes; ++step) {
        w::Items items;
        for (int m = 0; m < metrics; ++m) {
            const double v = std::exp(-double(step) / 20000.0) * (1 + m) + noise(rng);
            items.append({{names[m]}, QByteArray::number(v, 'g', 17)});
        }
        items.append({{u"_step"_s}, QByteArray::number(step)});
        items.append({{u"_runtime"_s}, QByteArray::number(step * 0.05, 'g', 12)});
        items.append({{u"_timestamp"_s}, QByteArray::number(1714564800.0 + step * 0.05, 'f', 6)});
        log.add(w::history(items, step));
        log.add(w::summary(items));
        if (step % 10 == 0) log.add(w::output(u"step %1: training..."_s.arg(step)));
        if (step % 50 == 0)
            log.add(w::stats({{{u"cpu"_s}, "41.5"},
                              {{u"memory_percent"_s}, "12.25"},
                              {{u"gpu.0.gpu"_s}, "97"},
                              {{u"gpu.0.memoryAllocated"_s}, "63.5"},
                              {{u"network.sent"_s}, "123456789"}}));
    }
    log.add(w::exitRecord(0, int(step * 0.05)));
    return step;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const double sizeMb = args.size() > 1 ? args[1].toDouble() : 200;
    const int metrics = args.size() > 2 ? args[2].toInt() : 20;
    if (sizeMb <= 0 || metrics <= 0) {
        std::fprintf(stderr, "usage: bench_wandblog [SIZE_MB] [METRICS]\n");
        return 2;
    }
    QTemporaryDir dir;
    const QString run = dir.filePath(u"wandb/run-20240501_120000-bench001"_s);
    if (!dir.isValid() || !QDir().mkpath(run)) return 1;
    const QString path = run + u"/run-bench001.wandb"_s;
    QElapsedTimer clock;
    clock.start();
    const qint64 steps = writeLog(path, qint64(sizeMb * 1e6), metrics);
    const double fileMb = QFileInfo(path).size() / 1e6;
    std::printf("log: %.1f MB, %lld steps x %d metrics, written in %.1f s\n", fileMb,
                static_cast<long long>(steps), metrics, clock.elapsed() / 1000.0);

    const bool peakReset = resetPeakRss();
    const long rssBefore = statusKb("VmRSS:");
    LoadOptions options;
    options.jobs = 1;
    clock.restart();
    const LoadResult result = loadRuns({dir.path()}, ReaderRegistry::withBuiltins(), options);
    const double seconds = clock.elapsed() / 1000.0;
    const long peak = statusKb("VmHWM:");
    if (result.table.rowCount() != 1) {
        std::fprintf(stderr, "expected one run, got %d\n", result.table.rowCount());
        return 1;
    }
    const RunInfo &info = result.table.run(0);
    const int stepsColumn =
        result.table.findColumn(Family::Meta, Key({u"history"_s, u"steps"_s, u"val/metric_0"_s}));
    const qint64 counted = stepsColumn < 0 ? -1 : result.table.value(0, stepsColumn).toInt();
    std::printf("read through WandbReader: %.2f s (%.0f MB/s), status %s, %d issue(s), "
                "history.steps %lld\n",
                seconds, fileMb / seconds, qPrintable(statusName(info.status)),
                int(info.issues.size()), static_cast<long long>(counted));
    std::printf("peak RSS growth while reading: %.1f MB%s\n", (peak - rssBefore) / 1e3,
                peakReset ? "" : " (peak not reset: includes writing)");
    return counted == steps && info.issues.empty() ? 0 : 1;
}
