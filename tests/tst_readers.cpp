// The W&B and generic readers through the whole load (scan, merge, read, RunTable), on the
// fixtures that tests/data/README.md describes.
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::typedCell;
using testutil::cell;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typed;

namespace {

LoadResult load(const QStringList &roots, int jobs = 0) {
    LoadOptions options;
    options.jobs = jobs;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

qint64 utcMs(int y, int mo, int d, int h, int mi, int s, int ms) {
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc()).toMSecsSinceEpoch();
}

QStringList columnsOf(const RunTable &t, Family f) {
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c)
        if (t.column(c).family == f) out << t.column(c).display;
    return out;
}

} // namespace

class TestReaders : public QObject {
    Q_OBJECT

private slots:
    void wandbOld();
    void wandbNew();
    void configGenerationsShareKeys();
    void wandbSweep();
    void wandbDupes();
    void wandbLegacy();
    void wandbOffline();
    void wandbStartTimeFallbacks();
    void wandbSummaryStatus_data();
    void wandbSummaryStatus();
    void generic();
    void parallelLoadIsDeterministic();
};

void TestReaders::wandbOld() {
    const LoadResult res = load({QFINDTESTDATA("data/wandb_old")});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QCOMPARE(run.id, u"old12345"_s);
    QCOMPARE(run.name, u"old12345"_s);
    QCOMPARE(run.format, u"wandb"_s);
    QVERIFY(run.path.endsWith(u"/wandb/run-20240105_101500-old12345"_s));
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.startMs, utcMs(2024, 1, 5, 10, 15, 0, 123));
    QCOMPARE(run.durationSec, 1234.0);
    QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));

    // Config in file order, `{desc, value}` unwrapped, `_wandb` and `wandb_version` left out.
    QCOMPARE(columnsOf(t, Family::Config),
             (QStringList{u"learning_rate"_s, u"optimizer.name"_s, u"optimizer.lr"_s,
                          u"optimizer.betas"_s, u"model.arch"_s, u"model.layers.depth"_s,
                          u"model.layers.width"_s, u"seed"_s, u"use_amp"_s, u"notes"_s, u"tags"_s,
                          u"dataset"_s}));
    QCOMPARE(typedCell(t, 0, Family::Config, u"learning_rate"_s), u"float:3.0e-06"_s);
    QCOMPARE(cell(t, 0, Family::Config, u"learning_rate"_s).toDouble(), 3e-06);
    QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.lr"_s), u"float:0.0003"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.betas"_s), u"list:[0.9, 0.999]"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"model.layers.depth"_s), u"int:18"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"use_amp"_s), u"bool:true"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"notes"_s), u"null:null"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"tags"_s), u"list:[]"_s);
    const auto desc = [&](const QString &k) {
        return t.column(t.findColumn(Family::Config, testutil::key(k))).description;
    };
    QCOMPARE(desc(u"learning_rate"_s), u"Peak learning rate after warmup"_s);
    QCOMPARE(desc(u"dataset"_s), u"Training dataset name"_s);
    QCOMPARE(desc(u"seed"_s), QString());

    // Metrics in file order; media and histograms one object each; W&B internals are meta.
    QCOMPARE(
        columnsOf(t, Family::Metric),
        (QStringList{u"train/loss"_s, u"val/acc"_s, u"val/loss"_s, u"grad_norm"_s, u"min_delta"_s,
                     u"best.acc"_s, u"best.epoch"_s, u"samples"_s, u"weights"_s, u"epoch"_s}));
    QVERIFY(cell(t, 0, Family::Metric, u"val/loss"_s).isNaN());
    QCOMPARE(cell(t, 0, Family::Metric, u"grad_norm"_s).toDouble(), qInf());
    QCOMPARE(cell(t, 0, Family::Metric, u"min_delta"_s).toDouble(), -qInf());
    QCOMPARE(cell(t, 0, Family::Metric, u"min_delta"_s).exportText(), u"-inf"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"best.epoch"_s), u"int:7"_s);
    const Value samples = cell(t, 0, Family::Metric, u"samples"_s);
    QCOMPARE(samples.type(), Value::Type::Object);
    QVERIFY2(samples.rawText().startsWith(
                 uR"({"_type": "image-file", "path": "media/images/samples_1799_)"_s),
             qPrintable(samples.rawText()));
    QCOMPARE(typedCell(t, 0, Family::Metric, u"weights"_s),
             uR"(object:{"_type": "histogram", "values": [1, 2, 3], "bins": [0, 1, 2, 3]})"_s);

    QCOMPARE(typedCell(t, 0, Family::Meta, u"_step"_s), u"int:1799"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"_runtime"_s), u"float:1234.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"_timestamp"_s), u"float:1.704450934623456e+09"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:gpu-node-1"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"git.commit"_s),
             u"string:3f2a9c1d5e7b8a6f4c3d2e1f0a9b8c7d6e5f4a3b"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"memory.total"_s), u"float:62.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.cli_version"_s), u"string:0.16.0"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.framework"_s), u"string:torch"_s);
    for (int c = 0; c < t.columnCount(); ++c) {
        const QString first = t.column(c).key.segments().constFirst();
        QVERIFY2(first != u"_wandb" && first != u"wandb_version" && first != u"state" &&
                     !first.endsWith(u"._type"),
                 qPrintable(t.column(c).display));
        QVERIFY2(!(t.column(c).family != Family::Meta && first.startsWith(u'_')),
                 qPrintable(t.column(c).display));
    }
}

void TestReaders::wandbNew() {
    const RunTable t = load({QFINDTESTDATA("data/wandb_new")}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).id, u"new67890"_s);
    QCOMPARE(t.run(0).startMs, utcMs(2024, 2, 10, 9, 30, 0, 123));
    QCOMPARE(t.run(0).durationSec, 50.0);
    QVERIFY2(t.run(0).issues.empty(), qPrintable(issuesText(t.run(0).issues)));

    // `a.b` as one segment and `a` -> `b` are two columns.
    QCOMPARE(typed(cell(t, 0, Family::Config, Key({u"a.b"_s}))), u"int:1"_s);
    QCOMPARE(typed(cell(t, 0, Family::Config, Key({u"a"_s, u"b"_s}))), u"int:2"_s);
    const Value big = cell(t, 0, Family::Config, u"big_id"_s);
    QVERIFY(big.isBigInteger());
    QCOMPARE(big.displayText(), u"123456789012345678901234567890"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"extra"_s), u"object:{}"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:1e-05"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"name"_s), u"string:Résumé-λ"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.betas"_s), u"list:[0.9, 0.95]"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.weight_decay"_s), u"float:0.05"_s);
    QVERIFY(cell(t, 0, Family::Config, u"threshold"_s).isNaN());
    QCOMPARE(typedCell(t, 0, Family::Config, u"version"_s), u"string:1.10"_s);
    QCOMPARE(typed(cell(t, 0, Family::Config, Key({u"train/batch_size"_s}))), u"int:32"_s);
    QCOMPARE(typed(cell(t, 0, Family::Metric, Key({u"train/batch_size"_s}))), u"int:32"_s);
    QCOMPARE(columnsOf(t, Family::Config).size(), 16);
    QCOMPARE(columnsOf(t, Family::Metric), (QStringList{u"val/acc"_s, u"train/loss"_s, u"epoch"_s,
                                                        u"val/loss"_s, u"train/batch_size"_s}));

    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.cli_version"_s), u"string:0.19.0"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:dgx-02"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"python"_s), u"string:CPython 3.11.7"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"memory.total"_s), u"int:17179869184"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"_step"_s), u"int:499"_s);
    for (int c = 0; c < t.columnCount(); ++c) // nothing of `_wandb` (t, m, e.<writer>.*) leaks out
        QVERIFY2(!t.column(c).display.startsWith(u"_wandb") &&
                     !t.column(c).display.startsWith(u"e.") &&
                     !t.column(c).display.startsWith(u"t.") && t.column(c).display != u"m",
                 qPrintable(t.column(c).display));
}

void TestReaders::configGenerationsShareKeys() {
    const RunTable t =
        load({QFINDTESTDATA("data/wandb_old"), QFINDTESTDATA("data/wandb_new")}).table;
    QCOMPARE(t.rowCount(), 2);
    const int oldRow = rowOf(t, u"old12345"_s), newRow = rowOf(t, u"new67890"_s);
    QCOMPARE(oldRow, 0); // roots in the order given
    QCOMPARE(newRow, 1);
    for (const QString &k : {u"optimizer.lr"_s, u"optimizer.name"_s, u"optimizer.betas"_s,
                             u"model.arch"_s, u"seed"_s}) {
        const int col = t.findColumn(Family::Config, testutil::key(k));
        QVERIFY2(col >= 0 && t.hasValue(oldRow, col) && t.hasValue(newRow, col), qPrintable(k));
    }
    QCOMPARE(typedCell(t, newRow, Family::Config, u"optimizer.name"_s), u"string:adamw"_s);
    QCOMPARE(typedCell(t, oldRow, Family::Config, u"optimizer.name"_s), u"string:adam"_s);
    for (int c = 0; c < t.columnCount(); ++c)
        QVERIFY2(!t.column(c).key.segments().contains(u"value"_s) &&
                     !t.column(c).key.segments().contains(u"desc"_s),
                 qPrintable(t.column(c).display));
}

void TestReaders::wandbSweep() {
    const RunTable t = load({QFINDTESTDATA("data/wandb_sweep")}).table;
    QCOMPARE(t.rowCount(), 2);
    QCOMPARE(t.run(0).id, u"swp00001"_s);
    QCOMPARE(t.run(1).id, u"swp00002"_s);
    for (int r = 0; r < 2; ++r) {
        QCOMPARE(typedCell(t, r, Family::Meta, u"wandb.sweep"_s), u"string:sw9abc12"_s);
        QCOMPARE(typedCell(t, r, Family::Config, u"dataset"_s), u"string:fashion_mnist"_s);
        QVERIFY(!t.run(r).path.contains(u"sweep-"_s));
    }
    QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer"_s), u"string:adam"_s);
    QCOMPARE(typedCell(t, 1, Family::Config, u"optimizer"_s), u"string:sgd"_s);
    QCOMPARE(typedCell(t, 1, Family::Config, u"learning_rate"_s), u"float:0.0001"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"val/acc"_s), u"float:0.842"_s);
}

void TestReaders::wandbDupes() {
    const LoadResult res = load({QFINDTESTDATA("data/wandb_dupes")});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), 2);
    QCOMPARE(res.mergedFolders, 2);
    const int dup = rowOf(t, u"dup11111"_s), res2 = rowOf(t, u"res22222"_s);
    QVERIFY(dup >= 0 && res2 >= 0);

    QVERIFY(t.run(dup).path.endsWith(u"/run-20240301_100000-dup11111"_s));
    QCOMPARE(t.run(dup).issues.size(), 1u);
    QCOMPARE(t.run(dup).issues[0].severity, Issue::Severity::Note);
    QVERIFY2(t.run(dup).issues[0].file.endsWith(u"/wandb/latest-run"_s),
             qPrintable(issuesText(t.run(dup).issues)));
    QCOMPARE(t.run(dup).problemCount(), 0);
    QCOMPARE(t.run(dup).startMs, utcMs(2024, 3, 1, 10, 0, 0, 500));
    QCOMPARE(typedCell(t, dup, Family::Metric, u"val/acc"_s), u"float:0.77"_s);

    // The resumed run is read from its later folder.
    QVERIFY(t.run(res2).path.endsWith(u"/run-20240303_090000-res22222"_s));
    QCOMPARE(t.run(res2).issues.size(), 1u);
    QCOMPARE(t.run(res2).issues[0].severity, Issue::Severity::Note);
    QVERIFY(t.run(res2).issues[0].file.endsWith(u"/run-20240302_080000-res22222"_s));
    QCOMPARE(t.run(res2).startMs, utcMs(2024, 3, 3, 9, 0, 0, 750));
    QCOMPARE(t.run(res2).durationSec, 2400.0);
    QCOMPARE(typedCell(t, res2, Family::Metric, u"val/acc"_s), u"float:0.86"_s);
    QCOMPARE(typedCell(t, res2, Family::Metric, u"epoch"_s), u"int:9"_s);
    QCOMPARE(typedCell(t, res2, Family::Meta, u"_step"_s), u"int:999"_s);
    QCOMPARE(typedCell(t, res2, Family::Config, u"optimizer.lr"_s), u"float:0.02"_s);
}

void TestReaders::wandbLegacy() {
    const RunTable t = load({QFINDTESTDATA("data/wandb_legacy")}).table;
    QCOMPARE(t.rowCount(), 2);
    int flat = -1, leg = -1;
    for (int r = 0; r < t.rowCount(); ++r)
        (t.run(r).name == u"wise-river-3" ? flat : leg) = r;
    QVERIFY(flat >= 0 && leg >= 0);
    QCOMPARE(t.run(leg).id, u"leg00001"_s);
    QCOMPARE(t.run(leg).name, u"leg-run-1"_s);
    QVERIFY(t.run(flat).path.endsWith(u"/wandb_legacy/wandb"_s));
    QCOMPARE(t.run(flat).format, u"wandb"_s);
    QCOMPARE(t.run(flat).startMs, utcMs(2020, 2, 20, 18, 30, 0, 0));
    QCOMPARE(t.run(flat).durationSec, 7.5);
    QCOMPARE(typedCell(t, flat, Family::Config, u"optimizer.name"_s), u"string:rmsprop"_s);
    QCOMPARE(typedCell(t, flat, Family::Config, u"gamma"_s), u"float:0.99"_s);
    QCOMPARE(typedCell(t, flat, Family::Metric, u"episode_reward"_s), u"float:195.0"_s);
    QCOMPARE(typedCell(t, flat, Family::Meta, u"wandb.cli_version"_s), u"string:0.8.27"_s);
    QCOMPARE(typedCell(t, leg, Family::Config, u"optimizer.name"_s), u"string:adam"_s);
    QCOMPARE(typedCell(t, leg, Family::Meta, u"git.commit"_s),
             u"string:0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"_s);
    QCOMPARE(t.run(leg).startMs, utcMs(2020, 3, 1, 12, 0, 0, 0));
}

void TestReaders::wandbOffline() {
    const RunTable t = load({QFINDTESTDATA("data/wandb_offline")}).table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QCOMPARE(run.id, u"off12345"_s);
    QCOMPARE(run.durationSec, 525.0);
    QCOMPARE(run.startMs, utcMs(2024, 5, 1, 12, 0, 0, 750));
    QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:cluster-node-17"_s);
    // The .wandb log holds only its RunRecord: the name and project, no config, no metrics,
    // and no exit record, so the run stopped without finishing.
    QCOMPARE(run.name, u"offline-cartpole-run-001"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.project"_s), u"string:runlens"_s);
    QVERIFY(columnsOf(t, Family::Metric).isEmpty());
    QVERIFY(columnsOf(t, Family::Config).isEmpty());
    QCOMPARE(run.status, RunStatus::Crashed);
    const Issue *i = findIssue(run.issues, u"without an exit record"_s);
    QVERIFY2(i, qPrintable(issuesText(run.issues)));
    QCOMPARE(i->severity, Issue::Severity::Note);
    QVERIFY(i->file.endsWith(u"run-off12345.wandb"_s));
    QCOMPARE(run.problemCount(), 0);
}

void TestReaders::wandbStartTimeFallbacks() {
    // Without metadata the start comes from `_wandb.start_time` (exact, UTC), not from the
    // folder name (seconds only, and in the local time of the machine that wrote it).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString files = dir.filePath(u"wandb/run-20240401_100000-abc123/files/"_s);
    QVERIFY(testutil::writeFile(files + u"config.yaml"_s,
                                "wandb_version: 1\n_wandb:\n  value:\n    start_time: "
                                "1711965600.125\nseed:\n  value: 1\n"));
    QVERIFY(testutil::writeFile(files + u"wandb-summary.json"_s, "{\"loss\": 1}"));
    const QString files2 = dir.filePath(u"wandb/run-20240401_100000-def456/files/"_s);
    QVERIFY(testutil::writeFile(files2 + u"wandb-summary.json"_s, "{\"loss\": 2}"));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 2);
    QCOMPARE(t.run(0).startMs, qint64(1711965600125));
    QCOMPARE(t.run(1).startMs,
             QDateTime::fromString(u"20240401_100000"_s, u"yyyyMMdd_HHmmss"_s).toMSecsSinceEpoch());
}

void TestReaders::wandbSummaryStatus_data() {
    QTest::addColumn<QByteArray>("summary");
    QTest::addColumn<QString>("status");
    QTest::addColumn<int>("problems");
    QTest::newRow("complete") << QByteArray("{\"loss\": 0.5, \"_step\": 3}\n") << u"finished"_s
                              << 0;
    QTest::newRow("cut off while training")
        << QByteArray("{\"loss\": 0.5, \"_st") << u"running"_s << 1;
    QTest::newRow("duplicate key is no cut")
        << QByteArray("{\"loss\": 0.5, \"loss\": 0.4}") << u"finished"_s << 1;
}

void TestReaders::wandbSummaryStatus() {
    QFETCH(QByteArray, summary);
    QFETCH(QString, status);
    QFETCH(int, problems);
    QTemporaryDir dir;
    QVERIFY(testutil::writeFile(
        dir.filePath(u"wandb/run-20240401_100000-abc123/files/wandb-summary.json"_s), summary));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(statusName(t.run(0).status), status);
    QCOMPARE(t.run(0).problemCount(), problems);
    QVERIFY(cell(t, 0, Family::Metric, u"loss"_s).isNumber());
}

void TestReaders::generic() {
    const RunTable t = load({QFINDTESTDATA("data/generic")}).table;
    QStringList ids;
    for (int r = 0; r < t.rowCount(); ++r) {
        ids << t.run(r).id;
        QCOMPARE(t.run(r).format, u"generic"_s);
        QCOMPARE(t.run(r).status, RunStatus::Finished);
        QVERIFY2(t.run(r).issues.empty(), qPrintable(issuesText(t.run(r).issues)));
    }
    QCOMPARE(ids, (QStringList{u"exp-defaults"_s, u"exp-hparams"_s, u"exp-json"_s, u"exp-params"_s,
                               u"exp-yaml"_s}));
    const int y = rowOf(t, u"exp-yaml"_s);
    QCOMPARE(typedCell(t, y, Family::Config, u"epoch"_s), u"int:30"_s);
    QCOMPARE(typedCell(t, y, Family::Metric, u"epoch"_s), u"int:29"_s);
    QCOMPARE(typedCell(t, y, Family::Config, u"data.augment"_s), uR"(list:["crop", "flip"])"_s);
    QCOMPARE(typedCell(t, rowOf(t, u"exp-json"_s), Family::Config, u"model.dropout"_s),
             u"float:0.0"_s);
    QCOMPARE(typedCell(t, rowOf(t, u"exp-params"_s), Family::Config, u"train.epochs"_s),
             u"int:20"_s);
    QCOMPARE(typedCell(t, rowOf(t, u"exp-hparams"_s), Family::Metric, u"eval_loss"_s),
             u"float:0.51"_s);
    const int d = rowOf(t, u"exp-defaults"_s);
    QCOMPARE(typedCell(t, d, Family::Config, u"model.arch"_s), u"string:resnet34"_s);
    QCOMPARE(t.column(t.findColumn(Family::Config, testutil::key(u"model.arch"_s))).description,
             u"Backbone architecture"_s); // the `desc` of `model`, on the keys below it
    QCOMPARE(typedCell(t, d, Family::Config, u"seed"_s), u"int:4"_s);
    QCOMPARE(t.findColumn(Family::Config, testutil::key(u"model.value.arch"_s)), -1);
    QCOMPARE(t.findColumn(Family::Config, testutil::key(u"model.desc"_s)), -1);
}

void TestReaders::parallelLoadIsDeterministic() {
    QStringList roots;
    for (const char *f :
         {"data/wandb_old", "data/wandb_new", "data/wandb_dupes", "data/wandb_legacy",
          "data/wandb_offline", "data/wandb_sweep", "data/generic", "data/malformed"})
        roots << QFINDTESTDATA(f);
    LoadOptions options;
    options.jobs = 1;
    int calls = 0, lastDone = 0, lastTotal = 0;
    options.progress = [&](int done, int total) { ++calls, lastDone = done, lastTotal = total; };
    const LoadResult one = loadRuns(roots, ReaderRegistry::withBuiltins(), options);
    const LoadResult two = load(roots, 2);
    QCOMPARE(one.table.rowCount(), 1 + 1 + 2 + 2 + 1 + 2 + 5 + 13);
    QCOMPARE(calls, one.table.rowCount());
    QCOMPARE(lastDone, lastTotal);
    QVERIFY(!one.cancelled);
    const QString a = testutil::dumpTable(one.table), b = testutil::dumpTable(two.table);
    QCOMPARE(a.split(u'\n'), b.split(u'\n'));
    QVERIFY(a.size() > 1000);
}

QTEST_GUILESS_MAIN(TestReaders)
#include "tst_readers.moc"
