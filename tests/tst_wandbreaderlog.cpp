// W&B run folders with a `run-<id>.wandb` transaction log, read through WandbReader and the
// whole load: a log-only offline run, the status from the exit record, files and log agreeing
// and disagreeing, curves from the log and from a legacy wandb-history.jsonl, the run cache.
// Logs are written by tests/wandblogwriter.h.
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QBuffer>
#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

#include "testutil.h"
#include "wandblogwriter.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typedCell;
namespace w = wandbwriter;

namespace {

/// Writes a W&B run folder `wandb/run-20240501_120000-<id>/` under `root`: the log (when not
/// null) and `files/<name>` for each of `files`.
QString writeRun(const QString &root, const QString &id, const QByteArray &log,
                 const QList<std::pair<QString, QByteArray>> &files = {}) {
    const QString dir = root + u"/wandb/run-20240501_120000-"_s + id;
    if (!log.isNull()) testutil::writeFile(dir + u"/run-"_s + id + u".wandb"_s, log);
    for (const auto &[name, bytes] : files)
        testutil::writeFile(dir + u"/files/"_s + name, bytes);
    QDir().mkpath(dir);
    return dir;
}

LoadResult load(const QString &root, const QString &cacheDir = {}) {
    LoadOptions options;
    options.jobs = 1;
    options.cacheDir = cacheDir;
    return loadRuns({root}, ReaderRegistry::withBuiltins(), options);
}

/// A complete run: facts, config, three history rows with summaries after each, exit 0.
QList<QByteArray> completeRun() {
    w::RunFacts facts;
    facts.id = u"abc12345"_s;
    facts.project = u"cartpole"_s;
    facts.entity = u"frank"_s;
    facts.name = u"brave-fox-7"_s;
    facts.group = u"ppo"_s;
    facts.jobType = u"train"_s;
    facts.tags = {u"baseline"_s, u"v2"_s};
    facts.host = u"node-17"_s;
    facts.commit = u"0123abcd"_s;
    facts.startSec = 1714564800;
    facts.startNanos = 500000000;
    facts.config = {{{u"_wandb"_s}, "{}"},
                    {{u"lr"_s}, "0.0003"},
                    {{u"optimizer"_s}, R"({"name": "adam", "betas": [0.9, 0.999]})"}};
    QList<QByteArray> records{w::run(facts), w::config({{{u"seed"_s}, "7"}})};
    const double losses[] = {0.9, 0.5, 0.7};
    for (int step = 0; step < 3; ++step) {
        const QByteArray loss = QByteArray::number(losses[step]);
        const QByteArray time = QByteArray::number(1714564810.0 + step, 'f', 1);
        records << w::history({{{u"loss"_s}, loss},
                               {{u"_step"_s}, QByteArray::number(step)},
                               {{u"_timestamp"_s}, time},
                               {{u"_runtime"_s}, QByteArray::number(10 + step)}},
                              step);
        records << w::summary({{{u"loss"_s}, loss},
                               {{u"_step"_s}, QByteArray::number(step)},
                               {{u"_wandb"_s, u"runtime"_s}, QByteArray::number(10 + step)}});
        records << w::stats({{{u"cpu"_s}, "12.5"}}) << w::output(u"step done"_s);
    }
    records << w::summary({{{u"best_loss"_s}, "0.5"}}) << w::exitRecord(0, 95);
    return records;
}

} // namespace

class TestWandbReaderLog : public QObject {
    Q_OBJECT

private slots:
    void offlineRunFromLogOnly();
    void status_data();
    void status();
    void filesAndLogAgree();
    void filesAndLogDisagree();
    void summaryFileNewerThanLog();
    void curvesFromLog();
    void curvesFromLegacyJsonl();
    void cacheWatchesTheLog();
};

void TestWandbReaderLog::offlineRunFromLogOnly() {
    // An offline run whose folder has only the log (and a summary holding only the runtime):
    // everything comes from the log.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeRun(dir.path(), u"abc12345"_s, w::log(completeRun()),
             {{u"wandb-summary.json"_s, R"({"_wandb": {"runtime": 95}})"}});
    const RunTable t = load(dir.path()).table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
    QCOMPARE(run.id, u"abc12345"_s);
    QCOMPARE(run.name, u"brave-fox-7"_s);
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.durationSec, 95.0);
    QCOMPARE(run.startMs, qint64(1714564800500));
    QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:0.0003"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.name"_s), u"string:adam"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.betas"_s), u"list:[0.9, 0.999]"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"seed"_s), u"int:7"_s);
    QCOMPARE(t.findColumn(Family::Config, testutil::key(u"_wandb"_s)), -1);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.7"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"best_loss"_s), u"float:0.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.min.loss"_s), u"float:0.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.max.loss"_s), u"float:0.9"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.loss"_s), u"int:3"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"_step"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.project"_s), u"string:cartpole"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.entity"_s), u"string:frank"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.group"_s), u"string:ppo"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.job_type"_s), u"string:train"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.tags"_s), u"list:[\"baseline\", \"v2\"]"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.exit_code"_s), u"int:0"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:node-17"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"git.commit"_s), u"string:0123abcd"_s);
    // Output and system metrics are not metrics.
    QCOMPARE(t.findColumn(Family::Metric, testutil::key(u"cpu"_s)), -1);
}

void TestWandbReaderLog::status_data() {
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<bool>("summaryFile");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QStringList>("issues");
    const QByteArray start = w::log({w::run({}), w::history({{{u"loss"_s}, "1"}})});
    // The exit record follows the others in the same block, so its bytes append as framed.
    const auto withExit = [&](int code) {
        QByteArray bytes = start;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::Append);
        w::LogWriter(buffer, false).chunk(w::Full, w::exitRecord(code, 5));
        return bytes;
    };
    QTest::newRow("exit 0") << withExit(0) << false << u"finished"_s << QStringList();
    QTest::newRow("exit 1") << withExit(1) << false << u"crashed"_s << QStringList();
    QTest::newRow("exit 255") << withExit(255) << true << u"crashed"_s << QStringList();
    QTest::newRow("exit -9") << withExit(-9) << true << u"crashed"_s << QStringList();
    QTest::newRow("no exit record")
        << start << true << u"crashed"_s << QStringList{u"note:without an exit record"_s};
    QTest::newRow("cut short") << start + QByteArray::fromHex("0102030410") << false << u"running"_s
                               << QStringList{u"warning:ends inside the record"_s};
    // An empty or foreign log says nothing: the files decide as without a log.
    QTest::newRow("empty log, summary")
        << QByteArray("") << true << u"finished"_s << QStringList{u"warning:is empty"_s};
    QTest::newRow("garbage, no summary")
        << QByteArray("garbage") << false << u"unknown"_s
        << QStringList{u"error:not a W&B transaction log"_s, u"warning:no wandb-summary.json"_s};
}

void TestWandbReaderLog::status() {
    QFETCH(QByteArray, log);
    QFETCH(bool, summaryFile);
    QFETCH(QString, status);
    QFETCH(QStringList, issues);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QList<std::pair<QString, QByteArray>> files;
    if (summaryFile) files.append({u"wandb-summary.json"_s, R"({"loss": 1})"});
    writeRun(dir.path(), u"st123456"_s, log, files);
    const RunTable t = load(dir.path()).table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QCOMPARE(statusName(run.status), status);
    QCOMPARE(run.issues.size(), std::size_t(issues.size()));
    for (qsizetype i = 0; i < issues.size(); ++i) {
        const Issue &got = run.issues[std::size_t(i)];
        QCOMPARE(Issue::severityName(got.severity), issues[i].section(u':', 0, 0));
        QVERIFY2(got.message.contains(issues[i].section(u':', 1)),
                 qPrintable(issuesText(run.issues)));
    }
}

void TestWandbReaderLog::filesAndLogAgree() {
    // Where files/ and the log both speak they agree (float32 printed with other digits, 1 vs
    // 1.0, lists spelled differently): no note; the log adds what the files lack.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray config = "lr:\n    value: 0.001\nlayers:\n    value: [64, 64]\n"
                              "epochs:\n    value: 10\n";
    const QByteArray summary = R"({"loss": 0.1234567890123456, "acc": 1, "_step": 2})";
    w::RunFacts facts;
    facts.config = {{{u"lr"_s}, "1e-3"},
                    {{u"layers"_s}, "[64,64]"},
                    {{u"epochs"_s}, "10.0"},
                    {{u"warmup"_s}, "100"}};
    const QByteArray log = w::log({w::run(facts),
                                   w::summary({{{u"loss"_s}, "0.12345678901234559"},
                                               {{u"acc"_s}, "1.0"},
                                               {{u"extra"_s}, "5"},
                                               {{u"_step"_s}, "2"}}),
                                   w::exitRecord(0, 3)});
    writeRun(dir.path(), u"agr12345"_s, log,
             {{u"config.yaml"_s, config}, {u"wandb-summary.json"_s, summary}});
    const RunTable t = load(dir.path()).table;
    QCOMPARE(t.rowCount(), 1);
    QVERIFY2(t.run(0).issues.empty(), qPrintable(issuesText(t.run(0).issues)));
    QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:0.001"_s); // the file's
    QCOMPARE(typedCell(t, 0, Family::Config, u"warmup"_s), u"int:100"_s); // only in the log
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.1234567890123456"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"extra"_s), u"int:5"_s);
    QCOMPARE(t.run(0).status, RunStatus::Finished);
}

void TestWandbReaderLog::filesAndLogDisagree() {
    // A config value and a metric that differ: the file's values are shown, and a note on each
    // file names the keys with both values.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    w::RunFacts facts;
    facts.config = {{{u"lr"_s}, "0.01"}, {{u"opt"_s}, R"({"name": "sgd"})"}};
    const QByteArray log =
        w::log({w::run(facts), w::summary({{{u"acc"_s}, "0.75"}, {{u"name"_s}, "\"b\""}}),
                w::exitRecord(0, 3)});
    const QString run =
        writeRun(dir.path(), u"dis12345"_s, log,
                 {{u"config.yaml"_s, "lr:\n  value: 0.001\nopt:\n  value:\n    name: adam\n"},
                  {u"wandb-summary.json"_s, R"({"acc": 0.5, "name": "a"})"}});
    const RunTable t = load(dir.path()).table;
    QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:0.001"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"opt.name"_s), u"string:adam"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"acc"_s), u"float:0.5"_s);
    const auto &issues = t.run(0).issues;
    QCOMPARE(issues.size(), std::size_t(2));
    QCOMPARE(issues[0].severity, Issue::Severity::Note);
    QCOMPARE(issues[0].file, run + u"/files/config.yaml"_s);
    QCOMPARE(issues[0].message,
             u"this file and the config in the run's .wandb log disagree on 2 value(s): lr (file "
             "0.001, log 0.01), opt.name (file adam, log sgd); the file's values are shown"_s);
    QCOMPARE(issues[1].file, run + u"/files/wandb-summary.json"_s);
    QVERIFY2(issues[1].message.contains(u"the summary in the run's .wandb log disagree on 2 "
                                        "value(s): acc (file 0.5, log 0.75), name (file a, log "
                                        "b)"_s),
             qPrintable(issues[1].message));
}

void TestWandbReaderLog::summaryFileNewerThanLog() {
    // A run killed before its summary record: the Python SDK rewrote wandb-summary.json as it
    // went, so the file is newer than the log's last history row. The file's value is shown,
    // the history summary is the log's, and a note says they differ.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray log =
        w::log({w::run({}), w::history({{{u"loss"_s}, "0.9"}, {{u"_step"_s}, "0"}}),
                w::history({{{u"loss"_s}, "0.5"}, {{u"_step"_s}, "1"}})});
    writeRun(dir.path(), u"new12345"_s, log,
             {{u"wandb-summary.json"_s, R"({"loss": 0.4, "_step": 2})"}});
    const RunTable t = load(dir.path()).table;
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.4"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.loss"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.min.loss"_s), u"float:0.5"_s);
    const Issue *note = findIssue(t.run(0).issues, u"disagree"_s);
    QVERIFY2(note, qPrintable(issuesText(t.run(0).issues)));
    QCOMPARE(note->severity, Issue::Severity::Note);
    QVERIFY2(note->message.contains(u"the last history values in the run's .wandb log (which "
                                    "lacks the last rows, or the script set the summary itself) "
                                    "disagree on 2 value(s): loss (file 0.4, log 0.5), _step "
                                    "(file 2, log 1)"_s),
             qPrintable(note->message));
}

void TestWandbReaderLog::curvesFromLog() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeRun(dir.path(), u"abc12345"_s, w::log(completeRun()));
    const RunTable t = load(dir.path()).table;
    const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const Reader *reader = registry.byFormat(u"wandb"_s);
    const std::vector<HistoryPoint> points =
        reader->readHistory(path, testutil::key(u"loss"_s), ReadLimits{});
    QCOMPARE(points.size(), std::size_t(3));
    QCOMPARE(points[1].step, 1.0);
    QCOMPARE(points[1].value, 0.5);
    QCOMPARE(points[1].time, 1714564811.0);
    QCOMPARE(testutil::historyDisagreement(t, 0, testutil::key(u"loss"_s), points), QString());
    QVERIFY(reader->readHistory(path, testutil::key(u"nope"_s), ReadLimits{}).empty());
    QVERIFY(reader->readHistory(dir.filePath(u"missing"_s), testutil::key(u"loss"_s), {}).empty());
}

void TestWandbReaderLog::curvesFromLegacyJsonl() {
    // Legacy SDKs keep the history in wandb-history.jsonl: its summaries in the table, its
    // points for curves (the fixture's run leg00001 logged loss 0.8, 0.5, 0.25).
    const QString root = QFINDTESTDATA("data/wandb_legacy");
    const RunTable t = load(root).table;
    const int row = rowOf(t, u"leg00001"_s);
    QVERIFY(row >= 0);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.loss"_s), u"int:3"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.max.episode_reward"_s), u"float:200"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"loss"_s), u"float:0.25"_s); // the summary's
    const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const Reader *reader = registry.byFormat(u"wandb"_s);
    const auto points = reader->readHistory(t.run(row).path, testutil::key(u"loss"_s), {});
    QCOMPARE(points.size(), std::size_t(3));
    QCOMPARE(points[0].value, 0.8);
    QCOMPARE(points[2].step, 2.0);
    QCOMPARE(points[2].time, 1583064009.0);
    QCOMPARE(testutil::historyDisagreement(t, row, testutil::key(u"loss"_s), points), QString());
}

void TestWandbReaderLog::cacheWatchesTheLog() {
    // The log is one of the run's input files: the run cache reads the run again when it
    // changes, and only then.
    QTemporaryDir dir, cache;
    QVERIFY(dir.isValid() && cache.isValid());
    const QString path = writeRun(dir.path(), u"abc12345"_s, w::log(completeRun()));
    const QString logFile = path + u"/run-abc12345.wandb"_s;
    const auto age = [](const QString &file) {
        QFile f(file);
        return f.open(QIODevice::ReadWrite) &&
               f.setFileTime(QDateTime::currentDateTimeUtc().addSecs(-3600),
                             QFileDevice::FileModificationTime);
    };
    QVERIFY(age(logFile));
    const LoadResult cold = load(dir.path(), cache.path());
    const LoadResult warm = load(dir.path(), cache.path());
    QCOMPARE(warm.cacheHits, 1);
    QCOMPARE(testutil::dumpTable(warm.table), testutil::dumpTable(cold.table));
    QList<QByteArray> more = completeRun();
    more.insert(more.size() - 1, w::summary({{{u"loss"_s}, "0.25"}}));
    QVERIFY(testutil::writeFile(logFile, w::log(more)));
    QVERIFY(age(logFile));
    const LoadResult changed = load(dir.path(), cache.path());
    QCOMPARE(changed.cacheHits, 0);
    QCOMPARE(typedCell(changed.table, 0, Family::Metric, u"loss"_s), u"float:0.25"_s);
}

QTEST_GUILESS_MAIN(TestWandbReaderLog)
#include "tst_wandbreaderlog.moc"
