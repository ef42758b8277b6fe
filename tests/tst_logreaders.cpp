// The Lightning, Sacred and Keras readers through the whole load (scan, read, RunTable) on the
// fixtures tests/data/README.md describes (lightning_csv/, sacred_runs/, keras_logs/), and the
// CSV log reader they share on damaged input written at run time.
#include "readers/csvhistory.h"
#include "readers/history.h"
#include "readers/kerasreader.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QDateTime>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::historyDisagreement;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typed;

namespace {

LoadResult load(const QStringList &roots, const QString &cacheDir = {}) {
    LoadOptions options;
    options.cacheDir = cacheDir;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

/// `type:display` of a cell, `missing:` when the run has none.
QString at(const RunTable &t, int row, Family f, const QString &key) {
    return typed(testutil::cell(t, row, f, key));
}

qint64 utcMs(int y, int mo, int d, int h, int mi, int s, int ms = 0) {
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc()).toMSecsSinceEpoch();
}

QStringList idsOf(const RunTable &t) {
    QStringList ids;
    for (int r = 0; r < t.rowCount(); ++r)
        ids << t.run(r).id;
    ids.sort();
    return ids;
}

/// Loads one run folder written at run time: `files` maps names to contents.
LoadResult loadWritten(QTemporaryDir &dir, const QString &runDir,
                       const QList<std::pair<QString, QByteArray>> &files) {
    for (const auto &[name, bytes] : files)
        if (!testutil::writeFile(dir.filePath(runDir + u'/' + name), bytes)) return {};
    return load({dir.path()});
}

/// Moves a file's modification time `secondsAgo` into the past, so the run cache stores it (it
/// does not trust files modified within the last moments).
bool age(const QString &path, int secondsAgo) {
    QFile f(path);
    return f.open(QIODevice::ReadWrite) &&
           f.setFileTime(QDateTime::currentDateTime().addSecs(-secondsAgo),
                         QFileDevice::FileModificationTime);
}

/// Reads a CSV log written at run time with the CSV reader alone.
std::optional<CsvHistory> readCsv(const QByteArray &bytes, RunRecord &run,
                                  CsvHistoryOptions options = {}) {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"log.csv"_s);
    if (!testutil::writeFile(path, bytes)) return std::nullopt;
    return readCsvHistory(path, options, run);
}

/// Points as text, `step:value` with `@time` (seconds) where known, so a failure shows both
/// series.
QString pointsText(const std::vector<HistoryPoint> &points) {
    QStringList out;
    for (const HistoryPoint &p : points) {
        QString t = QString::number(p.step) + u':' + QString::number(p.value);
        if (!std::isnan(p.time))
            t += u'@' + QString::number(p.time, 'f', p.time == std::floor(p.time) ? 0 : 3);
        out << t;
    }
    return out.join(u' ');
}

/// What the reader of `format` reads as the history of `metric` in the run folder `path`.
std::vector<HistoryPoint> historyOf(const QString &format, const QString &path, const Key &metric,
                                    const ReadLimits &limits = {}) {
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const Reader *reader = registry.byFormat(format);
    return reader ? reader->readHistory(path, metric, limits) : std::vector<HistoryPoint>{};
}

QString historyText(const QString &format, const QString &path, const Key &metric) {
    return pointsText(historyOf(format, path, metric));
}

} // namespace

class TestLogReaders : public QObject {
    Q_OBJECT

private slots:
    void lightningFolders();
    void lightningHparamsWithPythonTags();
    void lightningSparseMetrics();
    void lightningLastValueByStep();
    void lightningEventsOnly();
    void lightningDamagedMetrics_data();
    void lightningDamagedMetrics();
    void lightningBrokenHparamsKeepsMetrics();
    void csvQuotingAndLineEnds();
    void csvBinaryAndPadding();
    void csvSizeCap();
    void sacredFolders();
    void sacredRunJson();
    void sacredJsonpickle();
    void sacredMetricHistories();
    void sacredFailedRunningInterrupted();
    void sacredStatusWords_data();
    void sacredStatusWords();
    void sacredBrokenFiles();
    void sacredTruncatedMetrics();
    void sacredLeavesGenericFolders();
    void kerasHistories();
    void kerasNotAHistory();
    void kerasNames_data();
    void kerasNames();
    void cacheSeesChangedLogs();
    void historyOfFixtures_data();
    void historyOfFixtures();
    void historyAgreesWithTable_data();
    void historyAgreesWithTable();
    void csvKeepsPointsOfOneColumn();
    void lightningHistoryOfDamagedLogs_data();
    void lightningHistoryOfDamagedLogs();
    void kerasHistoryOfBrokenLogs();
    void sacredHistoryOfBrokenFiles();
    void historyRespectsLimits();
};

// --- Lightning -----------------------------------------------------------------------------------

void TestLogReaders::lightningFolders() {
    const LoadResult res = load({QFINDTESTDATA("data/lightning_csv")});
    const RunTable &t = res.table;
    // version_2 holds only an (empty) event file: a TensorBoardLogger run that has not
    // flushed anything yet.
    QCOMPARE(idsOf(t),
             (QStringList{u"csv_logs/my_model/exp-a"_s, u"lightning_logs/version_0"_s,
                          u"lightning_logs/version_1"_s, u"lightning_logs/version_2"_s,
                          u"tb_logs/my_model/version_0"_s}));
    for (int r = 0; r < t.rowCount(); ++r)
        QCOMPARE(t.run(r).format, u"lightning"_s);
    QCOMPARE(t.run(rowOf(t, u"lightning_logs/version_0"_s)).name, u"lightning_logs/version_0"_s);
    QCOMPARE(t.run(rowOf(t, u"tb_logs/my_model/version_0"_s)).name, u"my_model/version_0"_s);
    // A string version (CSVLogger(version="exp-a")) is found by its two files.
    const int exp = rowOf(t, u"csv_logs/my_model/exp-a"_s);
    QCOMPARE(t.run(exp).name, u"my_model/exp-a"_s);
    QCOMPARE(at(t, exp, Family::Config, u"seed"_s), u"int:7"_s);
    QCOMPARE(at(t, exp, Family::Metric, u"val_loss"_s), u"float:0.5"_s);
}

void TestLogReaders::lightningHparamsWithPythonTags() {
    const LoadResult res = load({QFINDTESTDATA("data/lightning_csv/lightning_logs/version_0")});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    QVERIFY2(t.run(0).issues.empty(), qPrintable(issuesText(t.run(0).issues)));
    const auto cfg = [&](const QString &k) { return at(t, 0, Family::Config, k); };
    QCOMPARE(cfg(u"array_type"_s), u"string:numpy.ndarray"_s); // !!python/name with empty text
    QCOMPARE(cfg(u"batch_size"_s), u"int:32"_s);
    QCOMPARE(cfg(u"layers"_s), u"list:[2, 4, 8]"_s); // !!python/tuple
    QCOMPARE(cfg(u"lr"_s), u"float:0.001"_s);        // a numpy float64 scalar, decoded
    QCOMPARE(cfg(u"steps_seen"_s), u"int:1234"_s);   // a numpy int64 scalar
    // !!python/object:models.ModelConfig is a plain mapping.
    QCOMPARE(cfg(u"model.dropout"_s), u"float:0.1"_s);
    QCOMPARE(cfg(u"model.hidden_size"_s), u"int:64"_s);
    QCOMPARE(cfg(u"model.kernel"_s), u"list:[3, 3]"_s);
    // The anchor &id001 and its alias.
    QCOMPARE(cfg(u"optimizer.name"_s), u"string:adam"_s);
    QCOMPARE(cfg(u"scheduler_optimizer.name"_s), u"string:adam"_s);
    QCOMPARE(cfg(u"scheduler_optimizer.betas"_s), u"list:[0.9, 0.999]"_s);
    // !!binary is its base64 text, also as a sequence item (which yaml-cpp 0.7 trips over).
    QCOMPARE(cfg(u"raw"_s), u"string:AAEC\n"_s);
    QCOMPARE(cfg(u"tokens"_s), u"list:[\"AAEC\\n\", \"x\"]"_s);
}

void TestLogReaders::lightningSparseMetrics() {
    const LoadResult res = load({QFINDTESTDATA("data/lightning_csv/lightning_logs/version_0")});
    const RunTable &t = res.table;
    const auto met = [&](const QString &k) { return at(t, 0, Family::Metric, k); };
    const auto meta = [&](const QString &k) { return at(t, 0, Family::Meta, k); };
    // The last non-empty cell by step; `nan` is a value (and can be the last one).
    QCOMPARE(met(u"train/loss"_s), u"float:0.4"_s);
    QCOMPARE(met(u"val_acc"_s), u"float:0.75"_s);
    QCOMPARE(met(u"val_loss"_s), u"float:nan"_s);
    QCOMPARE(met(u"lr-Adam"_s), u"float:0.0005"_s);
    QCOMPARE(met(u"epoch"_s), u"missing:"_s);
    QCOMPARE(met(u"step"_s), u"missing:"_s);
    QCOMPARE(meta(u"epoch"_s), u"int:1"_s);
    QCOMPARE(meta(u"step"_s), u"int:199"_s);
    // Summaries over the history; NaN is left out of min, max and mean.
    QCOMPARE(meta(u"history.min.train/loss"_s), u"float:0.4"_s);
    QCOMPARE(meta(u"history.max.train/loss"_s), u"float:0.9"_s);
    QCOMPARE(meta(u"history.mean.train/loss"_s), u"float:0.6666666666666666"_s);
    QCOMPARE(meta(u"history.steps.train/loss"_s), u"int:4"_s);
    QCOMPARE(meta(u"history.mean.val_acc"_s), u"float:0.625"_s);
    QCOMPARE(meta(u"history.min.val_loss"_s), u"float:0.8"_s);
    QCOMPARE(meta(u"history.steps.val_loss"_s), u"int:2"_s);
    QCOMPARE(meta(u"history.mean.lr-Adam"_s), u"float:0.00075"_s);
    QCOMPARE(t.run(0).status, RunStatus::Unknown); // Lightning writes no status
}

void TestLogReaders::lightningLastValueByStep() {
    const LoadResult res = load({QFINDTESTDATA("data/lightning_csv/lightning_logs/version_1")});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    // Its two event files are empty: a note each, nothing else.
    QCOMPARE(t.run(0).issues.size(), std::size_t(2));
    for (const Issue &i : t.run(0).issues)
        QVERIFY2(i.severity == Issue::Severity::Note && i.message.contains(u"empty"_s),
                 qPrintable(i.toString()));
    // Old header order (step, epoch first); a row logged last at step 2 does not beat step 3.
    QCOMPARE(at(t, 0, Family::Metric, u"train_loss"_s), u"float:0.75"_s);
    QCOMPARE(at(t, 0, Family::Meta, u"history.mean.train_loss"_s), u"float:1.06"_s);
    QCOMPARE(at(t, 0, Family::Metric, u"val_loss"_s), u"float:0.9"_s);
    QCOMPARE(at(t, 0, Family::Meta, u"step"_s), u"int:3"_s);
    // hparams.yaml is `{}`: no config, no issue.
    for (int c = 0; c < t.columnCount(); ++c)
        QVERIFY(t.column(c).family != Family::Config);
    // The earliest event file's name: start time and host.
    QCOMPARE(t.run(0).startMs, qint64(1700000000) * 1000);
    QCOMPARE(at(t, 0, Family::Meta, u"host"_s), u"string:gpu-box.local"_s);
}

void TestLogReaders::lightningEventsOnly() {
    const LoadResult res = load({QFINDTESTDATA("data/lightning_csv/tb_logs")});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(at(t, 0, Family::Config, u"optim.lr"_s), u"float:0.0003"_s);
    QCOMPARE(at(t, 0, Family::Meta, u"host"_s), u"string:node7"_s);
    // The event file is empty (its writer flushed nothing): a note; tst_lightningevents reads
    // TensorBoardLogger folders with events.
    QCOMPARE(t.run(0).issues.size(), std::size_t(1));
    QCOMPARE(t.run(0).issues[0].severity, Issue::Severity::Note);
    QVERIFY(t.run(0).issues[0].message.contains(u"the event file is empty"_s));
}

void TestLogReaders::lightningDamagedMetrics_data() {
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("issue");  // severity line:column: a part of the message
    QTest::addColumn<QString>("metric"); // `key=type:value` after the damage
    QTest::addColumn<int>("status");
    QTest::newRow("truncated last row")
        << QByteArray("step,a,b\n0,1.5,2\n1,0.5") << u"warning 3:0: the last line is cut short"_s
        << u"a=float:1.5"_s << int(RunStatus::Running);
    QTest::newRow("bad number cell")
        << QByteArray("step,a\n0,1.0\n1,abc\n2,0.5\n")
        << u"warning 3:3: column 'a': 1 cell(s) are not numbers (the first: 'abc')"_s
        << u"a=float:0.5"_s << int(RunStatus::Unknown);
    QTest::newRow("header only") << QByteArray("epoch,step,a\n")
                                 << u"warning 0:0: holds only its header"_s << u"a=missing:"_s
                                 << int(RunStatus::Unknown);
    QTest::newRow("row with too few cells")
        << QByteArray("step,a,b\n0,1\n1,2,3\n") << u"warning 2:0: 2 cells where the header has 3"_s
        << u"b=int:3"_s << int(RunStatus::Unknown);
    QTest::newRow("empty file") << QByteArray("") << u"warning 0:0: file is empty"_s
                                << u"a=missing:"_s << int(RunStatus::Unknown);
    QTest::newRow("unterminated quote at the end")
        << QByteArray("step,a\n0,1\n1,\"2") << u"warning 3:0: the last line is cut short"_s
        << u"a=int:1"_s << int(RunStatus::Running);
}

void TestLogReaders::lightningDamagedMetrics() {
    QFETCH(QByteArray, csv);
    QFETCH(QString, issue);
    QFETCH(QString, metric);
    QFETCH(int, status);
    QTemporaryDir dir;
    const LoadResult res = loadWritten(dir, u"lightning_logs/version_0"_s,
                                       {{u"hparams.yaml"_s, "lr: 0.1\n"}, {u"metrics.csv"_s, csv}});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QCOMPARE(at(t, 0, Family::Config, u"lr"_s), u"float:0.1"_s); // the rest of the run is kept
    QCOMPARE(int(run.status), status);
    QCOMPARE(run.issues.size(), std::size_t(1));
    const Issue &i = run.issues[0];
    QVERIFY2(i.file.endsWith(u"metrics.csv"_s), qPrintable(i.file));
    const QString got = u"%1 %2:%3: %4"_s.arg(Issue::severityName(i.severity))
                            .arg(i.line)
                            .arg(i.column)
                            .arg(i.message);
    QVERIFY2(got.startsWith(issue), qPrintable(got));
    const QString key = metric.section(u'=', 0, 0);
    QCOMPARE(key + u'=' + at(t, 0, Family::Metric, key), metric);
}

void TestLogReaders::lightningBrokenHparamsKeepsMetrics() {
    QTemporaryDir dir;
    const LoadResult res = loadWritten(dir, u"logs/version_3"_s,
                                       {{u"hparams.yaml"_s, "lr: 0.1\nlayers: [1, 2\nseed: 3\n"},
                                        {u"metrics.csv"_s, "epoch,step,val_loss\n0,10,0.7\n"}});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    const Issue *i = findIssue(t.run(0).issues, u"YAML syntax error"_s);
    QVERIFY2(i, qPrintable(issuesText(t.run(0).issues)));
    QCOMPARE(i->severity, Issue::Severity::Error);
    QVERIFY(i->line > 0);
    QCOMPARE(at(t, 0, Family::Metric, u"val_loss"_s), u"float:0.7"_s);
}

// --- the CSV log reader --------------------------------------------------------------------------

void TestLogReaders::csvQuotingAndLineEnds() {
    RunRecord run;
    // A byte order mark, CRLF, quoted cells holding the separator, a quote and a line break.
    const auto csv = readCsv("\xEF\xBB\xBF"
                             "epoch,note,\"a,b\"\r\n"
                             "0,\"x, \"\"y\"\"\",1\r\n"
                             "1,\"two\r\nlines\",2\r\n"
                             "\r\n"
                             "2,plain,3\r\n",
                             run, {u"epoch"_s, {}, 1000, 10, {}, {}});
    QVERIFY(csv);
    QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
    QCOMPARE(csv->rows, 3);
    QCOMPARE(csv->columns.size(), std::size_t(3));
    QCOMPARE(csv->columns[0].name, u"epoch"_s);
    QCOMPARE(csv->columns[2].name, u"a,b"_s);
    QCOMPARE(csv->columns[2].history.count(), 3);
    QCOMPARE(typed(csv->columns[2].lastValue()), u"int:3"_s);
    QCOMPARE(typed(csv->columns[1].lastValue()), u"string:plain"_s);

    RunRecord tabs;
    const auto tsv = readCsv("epoch\tloss\n0\t0.5\n", tabs);
    QVERIFY(tsv);
    QCOMPARE(tsv->separator, '\t');
    QCOMPARE(typed(tsv->columns[1].lastValue()), u"float:0.5"_s);
}

void TestLogReaders::csvBinaryAndPadding() {
    RunRecord binary;
    const auto a = readCsv(QByteArray("step,a\n0,1\n1,\0\0x2\n2,3\n", 21), binary);
    QVERIFY(a);
    QVERIFY(findIssue(binary.issues, u"binary content"_s));
    QCOMPARE(a->rows, 1);

    // A crash can leave NUL bytes after the last row: the rows before are kept.
    RunRecord padded;
    const auto b = readCsv(QByteArray("step,a\n0,1\n1,2\n\0\0\0\0", 19), padded);
    QVERIFY(b);
    QCOMPARE(b->rows, 2);
    QVERIFY2(findIssue(padded.issues, u"NUL bytes"_s), qPrintable(issuesText(padded.issues)));
    QCOMPARE(padded.issues.size(), std::size_t(1));
    QCOMPARE(padded.issues[0].severity, Issue::Severity::Warning);
}

void TestLogReaders::csvSizeCap() {
    QByteArray big = "step,a\n";
    for (int i = 0; i < 1000; ++i)
        big += QByteArray::number(i) + ',' + QByteArray::number(i * 2) + '\n';
    RunRecord run;
    CsvHistoryOptions options;
    options.stepColumn = u"step"_s;
    options.maxBytes = 100;
    const auto csv = readCsv(big, run, options);
    QVERIFY(csv);
    QVERIFY(findIssue(run.issues, u"only its first"_s));
    QVERIFY(csv->rows > 5 && csv->rows < 20);
    QVERIFY(!csv->cutShort); // the row at the cap is dropped, not taken for a run still writing
}

// --- Sacred --------------------------------------------------------------------------------------

void TestLogReaders::sacredFolders() {
    const LoadResult res = load({QFINDTESTDATA("data/sacred_runs")});
    const RunTable &t = res.table;
    // Sacred's ids repeat per base folder: the relative path keeps them apart. _sources is no run.
    QCOMPARE(idsOf(t),
             (QStringList{u"cifar/1"_s, u"cifar/2"_s, u"mnist/1"_s, u"mnist/2"_s, u"mnist/3"_s}));
    for (int r = 0; r < t.rowCount(); ++r)
        QCOMPARE(t.run(r).format, u"sacred"_s);
    QCOMPARE(t.run(rowOf(t, u"mnist/1"_s)).name, u"mnist_cnn #1"_s);
    QCOMPARE(t.run(rowOf(t, u"cifar/1"_s)).name, u"cifar_resnet #1"_s);
    // cifar/2 was kept without run.json: its config and metrics, and a warning.
    const int bare = rowOf(t, u"cifar/2"_s);
    QCOMPARE(t.run(bare).name, u"2"_s);
    QCOMPARE(t.run(bare).status, RunStatus::Unknown);
    QCOMPARE(at(t, bare, Family::Config, u"arch"_s), u"string:resnet34"_s);
    QCOMPARE(at(t, bare, Family::Metric, u"acc"_s), u"float:0.6"_s);
    QCOMPARE(issuesText(t.run(bare).issues).count(u"no run.json"_s), 1);
}

void TestLogReaders::sacredRunJson() {
    const LoadResult res = load({QFINDTESTDATA("data/sacred_runs/mnist/1")});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.startMs, utcMs(2024, 3, 1, 10, 0, 0)); // ISO without a zone: UTC
    QCOMPARE(run.durationSec, 300.5);
    const auto meta = [&](const QString &k) { return at(t, 0, Family::Meta, k); };
    QCOMPARE(meta(u"status"_s), u"string:COMPLETED"_s);
    QCOMPARE(meta(u"host"_s), u"string:gpu-node-3"_s);
    QCOMPARE(meta(u"os"_s), u"string:Linux-6.1.0-13-amd64-x86_64-with-glibc2.36"_s);
    QCOMPARE(meta(u"python"_s), u"string:3.11.2"_s);
    QCOMPARE(meta(u"cpu"_s), u"string:AMD EPYC 7302 16-Core Processor"_s);
    QCOMPARE(meta(u"gpu"_s), u"string:NVIDIA A100-SXM4-40GB"_s);
    QCOMPARE(meta(u"gpu_count"_s), u"int:2"_s);
    QCOMPARE(meta(u"gpu_driver"_s), u"string:535.54.03"_s);
    QCOMPARE(meta(u"env"_s), u"missing:"_s); // an empty ENV says nothing
    QCOMPARE(meta(u"experiment"_s), u"string:mnist_cnn"_s);
    QCOMPARE(meta(u"program"_s), u"string:train.py"_s);
    QCOMPARE(meta(u"command"_s), u"string:main"_s);
    QCOMPARE(meta(u"git.commit"_s), u"string:9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d"_s);
    QCOMPARE(meta(u"git.remote"_s), u"string:https://github.com/example/mnist.git"_s);
    QCOMPARE(meta(u"git.dirty"_s), u"bool:false"_s);
    QCOMPARE(meta(u"sacred.base_dir"_s), u"string:/home/ana/mnist"_s);
    QCOMPARE(meta(u"sacred.sources"_s), u"list:[\"train.py\"]"_s);
    QCOMPARE(meta(u"sacred.dependencies"_s),
             u"list:[\"numpy==1.26.4\", \"sacred==0.8.5\", \"torch==2.2.0\"]"_s);
    QCOMPARE(meta(u"sacred.config_updates"_s), u"string:{\"batch_size\": 64}"_s);
    QCOMPARE(meta(u"sacred.named_configs"_s), u"missing:"_s);
    QCOMPARE(meta(u"heartbeat"_s), u"string:2024-03-01T10:05:00.250000"_s);
    // Only the options given on the command line.
    QCOMPARE(meta(u"sacred.options.--file_storage"_s), u"string:mnist"_s);
    QCOMPARE(meta(u"sacred.options.UPDATE"_s), u"list:[\"batch_size=64\"]"_s);
    QCOMPARE(meta(u"sacred.options.with"_s), u"bool:true"_s);
    QCOMPARE(meta(u"sacred.options.--debug"_s), u"missing:"_s);
    QCOMPARE(at(t, 0, Family::Metric, u"result"_s), u"float:0.975"_s);
}

void TestLogReaders::sacredJsonpickle() {
    const LoadResult res = load({QFINDTESTDATA("data/sacred_runs/mnist/1")});
    const RunTable &t = res.table;
    const auto cfg = [&](const QString &k) { return at(t, 0, Family::Config, k); };
    QCOMPARE(cfg(u"data.shape"_s), u"list:[28, 28]"_s); // py/tuple
    QCOMPARE(cfg(u"classes"_s), u"list:[0, 1]"_s);      // py/set
    QCOMPARE(cfg(u"dropout"_s), u"float:0.25"_s);       // numpy.float64
    QCOMPARE(cfg(u"weights"_s), u"list:[0.5, 0.5]"_s);  // numpy.ndarray
    QCOMPARE(cfg(u"opt.lr"_s), u"float:0.01"_s);        // an object's attributes
    QCOMPARE(cfg(u"opt.momentum"_s), u"float:0.9"_s);
    QCOMPARE(cfg(u"opt.py/object"_s), u"missing:"_s);
    QCOMPARE(cfg(u"counts.1"_s), u"int:10"_s); // json:// keys
    QCOMPARE(cfg(u"activation"_s), u"string:torch.nn.functional.relu"_s);
    QCOMPARE(cfg(u"model"_s), u"string:<models.Net>"_s); // an object with pickled state
    QCOMPARE(cfg(u"opt_again"_s), u"string:<py/id 1>"_s);
    QCOMPARE(cfg(u"schedule"_s), u"string:<collections.OrderedDict(...)>"_s);
    QCOMPARE(cfg(u"seed"_s), u"int:12345"_s);
}

void TestLogReaders::sacredMetricHistories() {
    const LoadResult res = load({QFINDTESTDATA("data/sacred_runs/mnist/1")});
    const RunTable &t = res.table;
    // A dotted metric name is one key segment, as logged.
    const Key loss({u"train.loss"_s});
    QCOMPARE(typed(testutil::cell(t, 0, Family::Metric, loss)), u"float:1.25"_s);
    QCOMPARE(at(t, 0, Family::Metric, u"train.loss"_s), u"missing:"_s); // not train -> loss
    QCOMPARE(typed(testutil::cell(t, 0, Family::Meta, historyKey(loss, MetricSummary::Min))),
             u"float:1"_s);
    QCOMPARE(typed(testutil::cell(t, 0, Family::Meta, historyKey(loss, MetricSummary::Max))),
             u"float:2"_s);
    QCOMPARE(typed(testutil::cell(t, 0, Family::Meta, historyKey(loss, MetricSummary::Mean))),
             u"float:1.4375"_s);
    QCOMPARE(typed(testutil::cell(t, 0, Family::Meta, historyStepsKey(loss))), u"int:4"_s);
    QCOMPARE(at(t, 0, Family::Metric, u"val_acc"_s), u"float:0.75"_s);
    QCOMPARE(at(t, 0, Family::Meta, u"history.steps.val_acc"_s), u"int:2"_s);
}

void TestLogReaders::sacredFailedRunningInterrupted() {
    const LoadResult res = load({QFINDTESTDATA("data/sacred_runs")});
    const RunTable &t = res.table;
    const int failed = rowOf(t, u"mnist/2"_s);
    QCOMPARE(t.run(failed).status, RunStatus::Crashed);
    QCOMPARE(at(t, failed, Family::Meta, u"status"_s), u"string:FAILED"_s);
    QCOMPARE(at(t, failed, Family::Meta, u"error"_s),
             u"string:RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB"_s);
    QCOMPARE(t.run(failed).durationSec, 30.0);
    QCOMPARE(at(t, failed, Family::Metric, u"result"_s), u"missing:"_s); // null
    // Bare NaN and Infinity as Python's json writes them.
    QCOMPARE(at(t, failed, Family::Metric, u"loss"_s), u"float:2.0"_s);
    QCOMPARE(at(t, failed, Family::Meta, u"history.min.loss"_s), u"float:2"_s);
    QCOMPARE(at(t, failed, Family::Meta, u"history.mean.loss"_s), u"float:2.5"_s);
    QCOMPARE(at(t, failed, Family::Meta, u"history.steps.loss"_s), u"int:3"_s);
    QCOMPARE(at(t, failed, Family::Metric, u"grad_norm"_s), u"float:Infinity"_s);
    QCOMPARE(at(t, failed, Family::Config, u"batch_size"_s), u"int:512"_s);

    const int running = rowOf(t, u"mnist/3"_s);
    QCOMPARE(t.run(running).status, RunStatus::Running);
    QCOMPARE(t.run(running).durationSec, 600.0); // up to the last heartbeat
    QCOMPARE(at(t, running, Family::Meta, u"sacred.config_updates"_s), u"missing:"_s); // {}

    const int interrupted = rowOf(t, u"cifar/1"_s);
    QCOMPARE(t.run(interrupted).status, RunStatus::Crashed);
    QCOMPARE(at(t, interrupted, Family::Meta, u"status"_s), u"string:INTERRUPTED"_s);
    QCOMPARE(at(t, interrupted, Family::Meta, u"error"_s), u"string:KeyboardInterrupt"_s);
}

void TestLogReaders::sacredStatusWords_data() {
    QTest::addColumn<QString>("word");
    QTest::addColumn<int>("status");
    QTest::newRow("COMPLETED") << u"COMPLETED"_s << int(RunStatus::Finished);
    QTest::newRow("RUNNING") << u"RUNNING"_s << int(RunStatus::Running);
    QTest::newRow("QUEUED") << u"QUEUED"_s << int(RunStatus::Running);
    QTest::newRow("FAILED") << u"FAILED"_s << int(RunStatus::Crashed);
    QTest::newRow("INTERRUPTED") << u"INTERRUPTED"_s << int(RunStatus::Crashed);
    QTest::newRow("TIMEOUT") << u"TIMEOUT"_s << int(RunStatus::Crashed);
    QTest::newRow("unknown word") << u"PAUSED"_s << int(RunStatus::Unknown);
}

void TestLogReaders::sacredStatusWords() {
    QFETCH(QString, word);
    QFETCH(int, status);
    QTemporaryDir dir;
    const LoadResult res = loadWritten(
        dir, u"runs/1"_s,
        {{u"run.json"_s,
          u"{\"status\": \"%1\", \"experiment\": {\"name\": \"e\"}}"_s.arg(word).toUtf8()},
         {u"config.json"_s, "{\"seed\": 1}"}});
    QCOMPARE(res.table.rowCount(), 1);
    QCOMPARE(int(res.table.run(0).status), status);
    QCOMPARE(at(res.table, 0, Family::Meta, u"status"_s), u"string:"_s + word);
}

void TestLogReaders::sacredBrokenFiles() {
    QTemporaryDir dir;
    const LoadResult res = loadWritten(
        dir, u"runs/7"_s,
        {{u"run.json"_s, "{\n  \"status\": \"COMPLETED\",\n  \"host\": {\"hostname\": "},
         {u"config.json"_s, "{\"lr\": 0.1}"},
         {u"metrics.json"_s,
          "{\"loss\": {\"steps\": [0, 1, 2], \"values\": [1.0, \"oops\", 0.5]},\n"
          " \"acc\": {\"steps\": [0], \"values\": [0.1, 0.2]},\n"
          " \"bad\": [1, 2]}"}});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1); // the run is kept
    const std::vector<Issue> &issues = t.run(0).issues;
    bool runJsonIssue = false;
    for (const Issue &i : issues)
        runJsonIssue = runJsonIssue || (i.file.endsWith(u"run.json"_s) && i.line > 0);
    QVERIFY2(runJsonIssue, qPrintable(issuesText(issues)));
    QCOMPARE(at(t, 0, Family::Config, u"lr"_s), u"float:0.1"_s);
    QCOMPARE(at(t, 0, Family::Metric, u"loss"_s), u"float:0.5"_s);
    const Issue *notNumber = findIssue(issues, u"metric 'loss': 1 value(s) are not numbers"_s);
    QVERIFY2(notNumber, qPrintable(issuesText(issues)));
    QCOMPARE(notNumber->line, 1);
    QCOMPARE(notNumber->column, 47); // the string "oops"
    QVERIFY(findIssue(issues, u"metric 'acc' has 1 steps for 2 values"_s));
    QCOMPARE(at(t, 0, Family::Metric, u"acc"_s), u"float:0.2"_s);
    QVERIFY(findIssue(issues, u"metric 'bad' has no list of values"_s));
}

void TestLogReaders::sacredTruncatedMetrics() {
    // Sacred rewrites metrics.json while the run goes on: a file cut in the middle of a series
    // keeps the points before the cut, numpy scalars in jsonpickle form count as numbers.
    QTemporaryDir dir;
    const LoadResult res =
        loadWritten(dir, u"runs/8"_s,
                    {{u"run.json"_s, "{\"status\": \"RUNNING\"}"},
                     {u"metrics.json"_s,
                      "{\"acc\": {\"steps\": [0, 1], \"values\": [0.5, {\"dtype\": \"float64\", "
                      "\"py/object\": \"numpy.float64\", \"value\": 0.625}]},\n"
                      " \"loss\": {\"steps\": [0, 1, 2], \"values\": [1.0, 0.5"}});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    const std::vector<Issue> &issues = t.run(0).issues;
    QCOMPARE(issues.size(), std::size_t(1));
    QVERIFY2(issues[0].message.contains(u"JSON ends early"_s), qPrintable(issuesText(issues)));
    QCOMPARE(issues[0].severity, Issue::Severity::Warning);
    QCOMPARE(issues[0].line, 2);
    QCOMPARE(at(t, 0, Family::Metric, u"acc"_s), u"float:0.625"_s);
    QCOMPARE(at(t, 0, Family::Metric, u"loss"_s), u"float:0.5"_s);
    QCOMPARE(at(t, 0, Family::Meta, u"history.steps.loss"_s), u"int:2"_s);

    // A top level that is not a mapping of metrics.
    QTemporaryDir other;
    const LoadResult list = loadWritten(
        other, u"runs/9"_s,
        {{u"run.json"_s, "{\"status\": \"COMPLETED\"}"}, {u"metrics.json"_s, "[1, 2]"}});
    QVERIFY(findIssue(list.table.run(0).issues, u"the top level is a list"_s));
}

void TestLogReaders::sacredLeavesGenericFolders() {
    // config.json + metrics.json without run.json or cout.txt: a generic run folder.
    QTemporaryDir dir;
    const LoadResult res =
        loadWritten(dir, u"exp"_s,
                    {{u"config.json"_s, "{\"lr\": 0.1}"}, {u"metrics.json"_s, "{\"acc\": 0.9}"}});
    QCOMPARE(res.table.rowCount(), 1);
    QCOMPARE(res.table.run(0).format, u"generic"_s);
}

// --- Keras ---------------------------------------------------------------------------------------

void TestLogReaders::kerasHistories() {
    const LoadResult res = load({QFINDTESTDATA("data/keras_logs")});
    const RunTable &t = res.table;
    QCOMPARE(idsOf(t), (QStringList{u"baseline"_s, u"plain_log"_s, u"tuned"_s, u"two_models"_s}));

    const int base = rowOf(t, u"baseline"_s);
    QCOMPARE(t.run(base).format, u"keras"_s);
    QVERIFY2(t.run(base).issues.empty(), qPrintable(issuesText(t.run(base).issues)));
    QCOMPARE(at(t, base, Family::Metric, u"val_accuracy"_s), u"float:0.79"_s);
    QCOMPARE(at(t, base, Family::Metric, u"loss"_s), u"float:0.45"_s);
    QCOMPARE(at(t, base, Family::Meta, u"history.max.val_accuracy"_s), u"float:0.79"_s);
    QCOMPARE(at(t, base, Family::Meta, u"history.min.val_loss"_s), u"float:0.6"_s);
    QCOMPARE(at(t, base, Family::Meta, u"history.steps.loss"_s), u"int:3"_s);
    QCOMPARE(at(t, base, Family::Meta, u"epoch"_s), u"int:2"_s);
    QCOMPARE(at(t, base, Family::Metric, u"epoch"_s), u"missing:"_s);
    QCOMPARE(at(t, base, Family::Config, u"model.dropout"_s), u"float:0.25"_s); // config.yaml
    QCOMPARE(at(t, base, Family::Config, u"batch_size"_s), u"int:128"_s);

    // `;` separator, NA cells, a column of lists (Keras writes 1-D values quoted).
    const int tuned = rowOf(t, u"tuned"_s);
    QVERIFY2(t.run(tuned).issues.empty(), qPrintable(issuesText(t.run(tuned).issues)));
    QCOMPARE(at(t, tuned, Family::Metric, u"val_acc"_s), u"float:0.72"_s);
    QCOMPARE(at(t, tuned, Family::Meta, u"history.steps.val_acc"_s), u"int:2"_s);
    QCOMPARE(at(t, tuned, Family::Metric, u"lr"_s), u"float:0.001"_s);
    QCOMPARE(at(t, tuned, Family::Metric, u"per_class"_s), u"string:[0.7, 0.9]"_s);
    QCOMPARE(at(t, tuned, Family::Config, u"epochs"_s), u"int:3"_s); // config.json

    // Two histories in one folder: each file's name keeps its keys apart.
    const int two = rowOf(t, u"two_models"_s);
    QCOMPARE(at(t, two, Family::Metric, u"resnet_history.val_loss"_s), u"float:0.7"_s);
    QCOMPARE(at(t, two, Family::Metric, u"vgg_training_log.val_loss"_s), u"float:0.9"_s);
    QCOMPARE(at(t, two, Family::Meta, u"vgg_training_log.epoch"_s), u"int:2"_s);
}

void TestLogReaders::kerasNotAHistory() {
    const LoadResult res = load({QFINDTESTDATA("data/keras_logs/plain_log")});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    const std::vector<Issue> &issues = t.run(0).issues;
    const Issue *note = findIssue(issues, u"not read as a Keras CSVLogger history"_s);
    QVERIFY2(note, qPrintable(issuesText(issues)));
    QCOMPARE(note->severity, Issue::Severity::Note);
    QVERIFY(findIssue(issues, u"no metrics could be read"_s));
    QCOMPARE(at(t, 0, Family::Config, u"seed"_s), u"int:5"_s);
}

void TestLogReaders::kerasNames_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("history");
    for (const char *yes :
         {"training.log", "training_log.csv", "training-log.csv", "history.csv",
          "train_history.csv", "resnet50_history.csv", "model-training_log.csv", "traininglog.csv"})
        QTest::newRow(yes) << QString::fromLatin1(yes) << true;
    for (const char *no : {"metrics.csv", "progress.csv", "log.csv", "train.log", "data.csv",
                           "historyx.csv", "training.log.1", "mytraining_log.csv"})
        QTest::newRow(no) << QString::fromLatin1(no) << false;
}

void TestLogReaders::kerasNames() {
    QFETCH(QString, name);
    QFETCH(bool, history);
    QCOMPARE(KerasReader::isHistoryName(name), history);
}

// --- the run cache -------------------------------------------------------------------------------

void TestLogReaders::cacheSeesChangedLogs() {
    QTemporaryDir dir, cache;
    const QString root = dir.filePath(u"root"_s);
    const QString csv = root + u"/lightning_logs/version_0/metrics.csv"_s;
    const QString json = root + u"/sacred/1/metrics.json"_s;
    const QString log = root + u"/keras/training.log"_s;
    QVERIFY(testutil::writeFile(csv, "epoch,step,loss\n0,1,0.5\n"));
    QVERIFY(testutil::writeFile(root + u"/sacred/1/run.json"_s, "{\"status\": \"RUNNING\"}"));
    QVERIFY(testutil::writeFile(json, "{\"acc\": {\"steps\": [0], \"values\": [0.1]}}"));
    QVERIFY(testutil::writeFile(log, "epoch,loss\n0,0.9\n"));
    for (const QString &f : {csv, json, log, root + u"/sacred/1/run.json"_s})
        QVERIFY(age(f, 3600));
    const QString first = testutil::dumpTable(load({root}, cache.path()).table);
    const LoadResult cached = load({root}, cache.path());
    QCOMPARE(cached.cacheHits, 3);
    QCOMPARE(testutil::dumpTable(cached.table), first);

    QVERIFY(testutil::writeFile(csv, "epoch,step,loss\n0,1,0.5\n0,2,0.25\n"));
    QVERIFY(testutil::writeFile(json, "{\"acc\": {\"steps\": [0, 1], \"values\": [0.1, 0.3]}}"));
    QVERIFY(testutil::writeFile(log, "epoch,loss\n0,0.9\n1,0.7\n"));
    for (const QString &f : {csv, json, log})
        QVERIFY(age(f, 1800));
    const LoadResult again = load({root}, cache.path());
    QCOMPARE(again.cacheHits, 0);
    const RunTable &t = again.table;
    QCOMPARE(at(t, rowOf(t, u"lightning_logs/version_0"_s), Family::Metric, u"loss"_s),
             u"float:0.25"_s);
    QCOMPARE(at(t, rowOf(t, u"sacred/1"_s), Family::Metric, u"acc"_s), u"float:0.3"_s);
    QCOMPARE(at(t, rowOf(t, u"keras"_s), Family::Metric, u"loss"_s), u"float:0.7"_s);
    QCOMPARE(testutil::dumpTable(load({root}).table), testutil::dumpTable(t));
}

// --- histories for curves (Reader::readHistory) -------------------------------------------------

void TestLogReaders::historyOfFixtures_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("folder"); // under tests/data
    QTest::addColumn<QStringList>("key");
    QTest::addColumn<QString>("points");
    const QString v0 = u"lightning_csv/lightning_logs/version_0"_s;
    // Sparse rows: only the cells of the metric, each with its row's step; `nan` kept.
    QTest::newRow("lightning sparse") << u"lightning"_s << v0 << QStringList{u"train/loss"_s}
                                      << u"49:0.9 99:0.7 149:nan 199:0.4"_s;
    QTest::newRow("lightning NaN last")
        << u"lightning"_s << v0 << QStringList{u"val_loss"_s} << u"99:0.8 199:nan"_s;
    QTest::newRow("lightning lr") << u"lightning"_s << v0 << QStringList{u"lr-Adam"_s}
                                  << u"0:0.001 100:0.0005"_s;
    // Logged order, not step order: a row logged last at step 2.
    QTest::newRow("lightning logged order")
        << u"lightning"_s << u"lightning_csv/lightning_logs/version_1"_s
        << QStringList{u"train_loss"_s} << u"0:1.5 1:1.25 2:1 3:0.75 2:0.8"_s;
    QTest::newRow("lightning unknown")
        << u"lightning"_s << v0 << QStringList{u"nope"_s} << QString();
    QTest::newRow("lightning step is meta")
        << u"lightning"_s << v0 << QStringList{u"step"_s} << QString();
    QTest::newRow("lightning epoch is meta")
        << u"lightning"_s << v0 << QStringList{u"epoch"_s} << QString();
    QTest::newRow("lightning nested spelling")
        << u"lightning"_s << v0 << QStringList{u"train"_s, u"loss"_s} << QString();
    QTest::newRow("lightning no metrics.csv")
        << u"lightning"_s << u"lightning_csv/tb_logs/my_model/version_0"_s << QStringList{u"loss"_s}
        << QString();

    QTest::newRow("keras") << u"keras"_s << u"keras_logs/baseline"_s
                           << QStringList{u"val_accuracy"_s} << u"0:0.66 1:0.74 2:0.79"_s;
    QTest::newRow("keras NA cell")
        << u"keras"_s << u"keras_logs/tuned"_s << QStringList{u"val_acc"_s} << u"0:0.55 2:0.72"_s;
    QTest::newRow("keras text column")
        << u"keras"_s << u"keras_logs/tuned"_s << QStringList{u"per_class"_s} << QString();
    QTest::newRow("keras epoch is meta")
        << u"keras"_s << u"keras_logs/tuned"_s << QStringList{u"epoch"_s} << QString();
    QTest::newRow("keras first of two files")
        << u"keras"_s << u"keras_logs/two_models"_s << QStringList{u"resnet_history"_s, u"loss"_s}
        << u"0:0.9 1:0.5"_s;
    QTest::newRow("keras second of two files")
        << u"keras"_s << u"keras_logs/two_models"_s
        << QStringList{u"vgg_training_log"_s, u"val_loss"_s} << u"0:1.2 1:0.95 2:0.9"_s;
    QTest::newRow("keras two files, no prefix")
        << u"keras"_s << u"keras_logs/two_models"_s << QStringList{u"loss"_s} << QString();
    QTest::newRow("keras one file, a prefix") << u"keras"_s << u"keras_logs/baseline"_s
                                              << QStringList{u"training"_s, u"loss"_s} << QString();
    QTest::newRow("keras not a history")
        << u"keras"_s << u"keras_logs/plain_log"_s << QStringList{u"loss"_s} << QString();

    // Steps and timestamps (UTC ISO times) from metrics.json; a dotted name is one segment.
    QTest::newRow("sacred")
        << u"sacred"_s << u"sacred_runs/mnist/1"_s << QStringList{u"train.loss"_s}
        << u"0:2@1709287260 1:1.5@1709287320 2:1@1709287380 3:1.25@1709287440"_s;
    QTest::newRow("sacred sparse steps")
        << u"sacred"_s << u"sacred_runs/mnist/1"_s << QStringList{u"val_acc"_s}
        << u"0:0.5@1709287290 2:0.75@1709287410"_s;
    QTest::newRow("sacred NaN kept")
        << u"sacred"_s << u"sacred_runs/mnist/2"_s << QStringList{u"loss"_s}
        << u"0:3@1709290810 1:nan@1709290820 2:2@1709290825"_s;
    QTest::newRow("sacred infinity")
        << u"sacred"_s << u"sacred_runs/mnist/2"_s << QStringList{u"grad_norm"_s}
        << u"0:1.5@1709290810 1:inf@1709290820"_s;
    QTest::newRow("sacred nested spelling") << u"sacred"_s << u"sacred_runs/mnist/1"_s
                                            << QStringList{u"train"_s, u"loss"_s} << QString();
    QTest::newRow("sacred unknown")
        << u"sacred"_s << u"sacred_runs/mnist/1"_s << QStringList{u"nope"_s} << QString();
    QTest::newRow("sacred no metrics.json")
        << u"sacred"_s << u"sacred_runs/mnist/3"_s << QStringList{u"loss"_s} << QString();
}

void TestLogReaders::historyOfFixtures() {
    QFETCH(QString, format);
    QFETCH(QString, folder);
    QFETCH(QStringList, key);
    QFETCH(QString, points);
    const QString path = QFINDTESTDATA(u"data/"_s + folder);
    QVERIFY(!path.isEmpty());
    QCOMPARE(historyText(format, path, Key(key)), points);
}

void TestLogReaders::historyAgreesWithTable_data() {
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QStringList>("key");
    QTest::newRow("lightning") << u"lightning_csv/lightning_logs/version_0"_s
                               << QStringList{u"train/loss"_s};
    QTest::newRow("lightning NaN last")
        << u"lightning_csv/lightning_logs/version_0"_s << QStringList{u"val_loss"_s};
    QTest::newRow("lightning logged order")
        << u"lightning_csv/lightning_logs/version_1"_s << QStringList{u"train_loss"_s};
    QTest::newRow("keras") << u"keras_logs/tuned"_s << QStringList{u"val_acc"_s};
    QTest::newRow("keras prefixed")
        << u"keras_logs/two_models"_s << QStringList{u"vgg_training_log"_s, u"loss"_s};
    QTest::newRow("sacred") << u"sacred_runs/mnist/1"_s << QStringList{u"train.loss"_s};
    QTest::newRow("sacred NaN") << u"sacred_runs/mnist/2"_s << QStringList{u"loss"_s};
}

void TestLogReaders::historyAgreesWithTable() {
    // The curve and the table read the same file: the same count, the same last value.
    QFETCH(QString, folder);
    QFETCH(QStringList, key);
    const LoadResult res = load({QFINDTESTDATA(u"data/"_s + folder)});
    QCOMPARE(res.table.rowCount(), 1);
    const RunInfo &run = res.table.run(0);
    const std::vector<HistoryPoint> points = historyOf(run.format, run.path, Key(key));
    QVERIFY(!points.empty());
    QCOMPARE(historyDisagreement(res.table, 0, Key(key), points), QString());
}

void TestLogReaders::csvKeepsPointsOfOneColumn() {
    const QByteArray bytes = "time,step,a,b,a\n1.5,0,1,2,10\nx,1,3,,nan\n2.5,,,4,30\n";
    // The table's read keeps no points at all.
    RunRecord run;
    std::optional<CsvHistory> csv = readCsv(bytes, run);
    QVERIFY(csv);
    for (const CsvColumn &c : csv->columns)
        QVERIFY2(c.points.empty(), qPrintable(c.name));
    // One column's points: the later of two columns of one name (the one the table shows),
    // the time column's number (NaN where it has none), a step taken from the row above.
    CsvHistoryOptions options;
    options.stepColumn = u"step"_s;
    options.keepPointsOf = u"a"_s;
    options.timeColumn = u"time"_s;
    RunRecord again;
    csv = readCsv(bytes, again, options);
    QVERIFY(csv);
    QCOMPARE(pointsText(csv->columns[4].points), u"0:10@1.500 1:nan 1:30@2.500"_s);
    QVERIFY(csv->columns[2].points.empty());
    QVERIFY(csv->columns[3].points.empty());
    QCOMPARE(csv->columns[4].history.count(), 3); // the summaries are read as before
}

void TestLogReaders::lightningHistoryOfDamagedLogs_data() {
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("points"); // of column `a`
    QTest::newRow("truncated last row") << QByteArray("step,a,b\n0,1.5,2\n1,0.5") << u"0:1.5"_s;
    QTest::newRow("not a number") << QByteArray("step,a\n0,1.0\n1,abc\n2,0.5\n") << u"0:1 2:0.5"_s;
    QTest::newRow("header only") << QByteArray("epoch,step,a\n") << QString();
    QTest::newRow("empty file") << QByteArray("") << QString();
    QTest::newRow("too few cells") << QByteArray("step,b,a\n0,1\n1,2,3\n") << u"1:3"_s;
    QTest::newRow("unterminated quote") << QByteArray("step,a\n0,1\n1,\"2") << u"0:1"_s;
    QTest::newRow("binary in the middle")
        << QByteArray("step,a\n0,1\n1,2\n2,") + '\0' + QByteArray("\x01\x02\n3,4\n")
        << u"0:1 1:2"_s;
    QTest::newRow("crash padding")
        << QByteArray("step,a\n0,1\n1,2\n") + QByteArray(4, '\0') << u"0:1 1:2"_s;
    QTest::newRow("no step column") << QByteArray("a\n5\n6\n") << u"0:5 1:6"_s;
}

void TestLogReaders::lightningHistoryOfDamagedLogs() {
    QFETCH(QByteArray, csv);
    QFETCH(QString, points);
    QTemporaryDir dir;
    const QString run = dir.filePath(u"lightning_logs/version_0"_s);
    QVERIFY(testutil::writeFile(run + u"/metrics.csv"_s, csv));
    QCOMPARE(historyText(u"lightning"_s, run, Key({u"a"_s})), points);
    // A folder that is gone: nothing, no crash.
    QCOMPARE(historyText(u"lightning"_s, dir.filePath(u"gone"_s), Key({u"a"_s})), QString());
}

void TestLogReaders::kerasHistoryOfBrokenLogs() {
    QTemporaryDir dir;
    // A cut-off last epoch, a text cell: the sound epochs.
    QVERIFY(testutil::writeFile(dir.filePath(u"run/training.log"_s),
                                "epoch,loss\n0,0.9\n1,oops\n2,0.5\n3,"));
    QCOMPARE(historyText(u"keras"_s, dir.filePath(u"run"_s), Key({u"loss"_s})), u"0:0.9 2:0.5"_s);
    // A history-named file that is not a CSVLogger log beside one that is: still two files, so
    // the keys carry the file's name; the other file gives nothing.
    QVERIFY(testutil::writeFile(dir.filePath(u"two/history.csv"_s), "a,b\n1,2\n"));
    QVERIFY(testutil::writeFile(dir.filePath(u"two/model_history.csv"_s), "epoch,acc\n0,0.5\n"));
    QCOMPARE(historyText(u"keras"_s, dir.filePath(u"two"_s), Key({u"model_history"_s, u"acc"_s})),
             u"0:0.5"_s);
    QCOMPARE(historyText(u"keras"_s, dir.filePath(u"two"_s), Key({u"history"_s, u"b"_s})),
             QString());
    QCOMPARE(historyText(u"keras"_s, dir.filePath(u"two"_s), Key({u"acc"_s})), QString());
}

void TestLogReaders::sacredHistoryOfBrokenFiles() {
    QTemporaryDir dir;
    const auto points = [&](const QByteArray &json, const QString &metric) {
        const QString run = dir.filePath(u"runs/1"_s);
        if (!testutil::writeFile(run + u"/metrics.json"_s, json)) return u"(not written)"_s;
        return historyText(u"sacred"_s, run, Key({metric}));
    };
    const QByteArray broken =
        "{\"loss\": {\"steps\": [0, 1, 2], \"timestamps\": [\"2024-03-01T10:00:00\", 7, "
        "\"soon\"], \"values\": [1.0, \"oops\", 0.5]},\n"
        " \"acc\": {\"steps\": [0], \"values\": [0.1, 0.2]},\n"
        " \"bad\": [1, 2]}";
    // A value that is not a number is left out (its step with it); a timestamp that is not an
    // ISO time is NaN.
    QCOMPARE(points(broken, u"loss"_s), u"0:1@1709287200 2:0.5"_s);
    // One step for two values: the positions, as the table takes them.
    QCOMPARE(points(broken, u"acc"_s), u"0:0.1 1:0.2"_s);
    QCOMPARE(points(broken, u"bad"_s), QString());
    // Cut off in the middle of a series: the points before the cut; a numpy scalar in
    // jsonpickle form is its value; the series after the asked one does not matter.
    const QByteArray cut = "{\"acc\": {\"steps\": [0, 1], \"values\": [0.5, {\"dtype\": "
                           "\"float64\", \"py/object\": \"numpy.float64\", \"value\": 0.625}]},\n"
                           " \"loss\": {\"steps\": [0, 1, 2], \"values\": [1.0, 0.5";
    QCOMPARE(points(cut, u"loss"_s), u"0:1 1:0.5"_s);
    QCOMPARE(points(cut, u"acc"_s), u"0:0.5 1:0.625"_s);
    // A syntax error after the series: the series is sound.
    QCOMPARE(points("{\"a\": {\"values\": [1, 2]}, \"b\": {\"values\": [3,, 4]}}", u"a"_s),
             u"0:1 1:2"_s);
    // A name logged twice: the later series, as in the table.
    QCOMPARE(points("{\"a\": {\"values\": [1]}, \"a\": {\"values\": [2, 3]}}", u"a"_s),
             u"0:2 1:3"_s);
    QCOMPARE(points("[1, 2]", u"a"_s), QString());
    QCOMPARE(points("", u"a"_s), QString());
    QCOMPARE(points(QByteArray("{\"a\": {\"values\": [1, ") + '\0' + QByteArray(" 2]}}"), u"a"_s),
             QString());
}

void TestLogReaders::historyRespectsLimits() {
    // The same size cap as the table's read: the rows past it are not read.
    QTemporaryDir dir;
    QByteArray csv = "step,a\n";
    for (int i = 0; i < 1000; ++i)
        csv += QByteArray::number(i) + ",0.5\n";
    QVERIFY(testutil::writeFile(dir.filePath(u"v/metrics.csv"_s), csv));
    ReadLimits limits;
    limits.maxJsonBytes = 100;
    const auto few = historyOf(u"lightning"_s, dir.filePath(u"v"_s), Key({u"a"_s}), limits);
    QVERIFY(!few.empty());
    QVERIFY2(few.size() < 20, qPrintable(QString::number(few.size())));
    QCOMPARE(historyOf(u"lightning"_s, dir.filePath(u"v"_s), Key({u"a"_s})).size(),
             std::size_t(1000));

    QByteArray json = "{\"a\": {\"steps\": [";
    for (int i = 0; i < 1000; ++i)
        json += (i ? ", " : "") + QByteArray::number(i);
    json += "], \"values\": [1]}}";
    QVERIFY(testutil::writeFile(dir.filePath(u"s/metrics.json"_s), json));
    QVERIFY(historyOf(u"sacred"_s, dir.filePath(u"s"_s), Key({u"a"_s}), limits).empty());
    QCOMPARE(historyText(u"sacred"_s, dir.filePath(u"s"_s), Key({u"a"_s})), u"0:1"_s);
}

QTEST_GUILESS_MAIN(TestLogReaders)
#include "tst_logreaders.moc"
