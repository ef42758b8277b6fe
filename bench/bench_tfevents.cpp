// TensorBoard event file benchmark: writes one synthetic event file of about SIZE_MB (what a
// long PyTorch run leaves: per step TAGS scalars as `simple_value`s, the hparams plugin once,
// every 500 steps a 32 kB image summary that is passed over), then reads it as RunLens does:
// the table's read of the run folder (every tag's summary), the curve of one tag, and the
// decoder alone. Prints the times, MB/s and the growth of the process's peak RSS while reading
// (records are read one by one: it stays small whatever the file size; each phase's peak is
// measured from its own start, /proc/self/clear_refs).
//   bench_tfevents [SIZE_MB=100] [TAGS=20]
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "readers/tfevents.h"

#include "../tests/tfeventwriter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>
#include <random>

using namespace runlens;
using namespace Qt::StringLiterals;
namespace tw = tfwriter;

namespace {

long peakRssKb() {
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:")) return line.mid(6).trimmed().split(' ').value(0).toLong();
    return -1;
}

long rssKb() {
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').value(0).toLong();
    return -1;
}

/// Resets the peak RSS to the current RSS (Linux: `5` to /proc/self/clear_refs), so each phase
/// measures its own peak; returns the RSS it starts from.
long resetPeakKb() {
    QFile refs(u"/proc/self/clear_refs"_s);
    if (refs.open(QIODevice::WriteOnly)) refs.write("5");
    return rssKb();
}

/// Writes the file in pieces (never whole in memory). Returns the records written.
qint64 writeEvents(const QString &path, qint64 bytes, int tags) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return -1;
    QStringList names;
    for (int t = 0; t < tags; ++t)
        names << (t % 2 ? u"val/metric_%1"_s : u"train/metric_%1"_s).arg(t);
    const double t0 = 1700000000.0;
    QByteArray chunk = tw::fileVersion(t0) +
                       tw::hparams(t0, u"_hparams_/session_start_info"_s,
                                   tw::sessionStart({{u"optimizer/lr"_s, tw::pv::number(3e-4)},
                                                     {u"batch_size"_s, tw::pv::number(64)}}));
    const QByteArray image = tw::bytesField(
        1, tw::stringField(1, u"samples"_s) + tw::bytesField(4, QByteArray(32 * 1024, '\x7f')));
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> noise(0.f, 1.f);
    qint64 written = 0, records = 2;
    for (qint64 step = 1; written + chunk.size() < bytes; ++step) {
        const double wall = t0 + double(step) * 0.05;
        for (int t = 0; t < tags; ++t)
            chunk += tw::scalar(wall, step, names[t], 1.0f / float(step) + 0.01f * noise(rng));
        records += tags;
        if (step % 500 == 0) {
            chunk += tw::record(tw::event(wall, step, image));
            ++records;
        }
        if (chunk.size() > (1 << 20)) {
            written += f.write(chunk);
            chunk.clear();
        }
    }
    written += f.write(chunk);
    return records;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qint64 mb = args.size() > 1 ? args[1].toLongLong() : 100;
    const int tags = args.size() > 2 ? args[2].toInt() : 20;
    if (mb <= 0 || tags <= 0) {
        std::fprintf(stderr, "usage: bench_tfevents [SIZE_MB > 0] [TAGS > 0]\n");
        return 2;
    }
    QTemporaryDir dir;
    const QString run = dir.filePath(u"runs/exp"_s);
    QDir().mkpath(run);
    const QString path = run + u"/events.out.tfevents.1700000000.bench.1.0"_s;
    const qint64 records = writeEvents(path, mb * 1000 * 1000, tags);
    const double sizeMb = double(QFileInfo(path).size()) / 1e6;
    std::printf("file: %.1f MB, %lld records, %d scalar tags\n", sizeMb, records, tags);

    long rssBefore = resetPeakKb();
    QElapsedTimer clock;
    clock.start();
    const LoadResult loaded = loadRuns({dir.path()}, ReaderRegistry::withBuiltins());
    const double tableS = clock.nsecsElapsed() / 1e9;
    const long rssTable = peakRssKb();
    std::printf("table read (loadRuns, tensorboard reader): %.2f s, %.0f MB/s; %d runs, %d "
                "columns; peak RSS growth %.1f MB\n",
                tableS, sizeMb / tableS, loaded.table.rowCount(), loaded.table.columnCount(),
                (rssTable - rssBefore) / 1e3);

    rssBefore = resetPeakKb();
    clock.restart();
    const std::vector<HistoryPoint> points =
        ReaderRegistry::withBuiltins()
            .byFormat(u"tensorboard"_s)
            ->readHistory(loaded.table.run(0).path, Key({u"train/metric_0"_s}), ReadLimits{});
    const double curveS = clock.nsecsElapsed() / 1e9;
    std::printf("curve of one tag (readHistory): %.2f s, %.0f MB/s; %zu points; peak RSS growth "
                "%.1f MB\n",
                curveS, sizeMb / curveS, points.size(), (peakRssKb() - rssBefore) / 1e3);

    rssBefore = resetPeakKb();
    clock.restart();
    TfEventsReader decoder;
    RunRecord issues;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return 1;
    decoder.read(f, path, issues);
    const double decodeS = clock.nsecsElapsed() / 1e9;
    std::printf("decoder alone (TfEventsReader): %.2f s, %.0f MB/s, %.2f M records/s; %zu "
                "series, %zu issues; peak RSS growth %.1f MB\n",
                decodeS, sizeMb / decodeS, double(decoder.events()) / decodeS / 1e6,
                decoder.series().size(), issues.issues.size(), (peakRssKb() - rssBefore) / 1e3);
    return issues.issues.empty() ? 0 : 1;
}
