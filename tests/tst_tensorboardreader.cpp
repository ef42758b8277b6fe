// Plain TensorBoard log folders through the scanner and TensorBoardReader: hparams and scalars
// as config and metrics, several files merging in time order, PyTorch's add_hparams subfolders,
// a config or metrics file beside the events, damaged files as issues on a row, the curves, and
// the run cache re-reading a run whose events grew. Event files are written by tfeventwriter.h;
// the decoder itself: tst_tfevents.cpp; Lightning's version folders: tst_lightningevents.cpp.
#include "readers/tfeventsrun.h"

#include <QDateTime>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

#include "eventruns.h"
#include "testutil.h"
#include "tfeventwriter.h"

using namespace runlens;
using namespace Qt::StringLiterals;
namespace tw = tfwriter;
using eventruns::curve;
using eventruns::curvesDisagree;
using eventruns::kT0;
using eventruns::load;
using testutil::cell;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typedCell;

namespace {

} // namespace

class TestTensorBoardReader : public QObject {
    Q_OBJECT

private slots:
    void plainTensorBoardFolder() {
        QTemporaryDir dir;
        const QString run = dir.filePath(u"runs/Nov14_host_lr0.1/"_s);
        QVERIFY(testutil::writeFile(
            run + u"events.out.tfevents.1700000000.gpu-7.4242.0"_s,
            tw::fileVersion(kT0) +
                tw::hparams(kT0, u"_hparams_/experiment"_s,
                            tw::experiment({{u"optimizer/lr"_s, {}, u"peak learning rate"_s}},
                                           {{u"Loss/train"_s, {}, u"mean batch loss"_s}})) +
                tw::hparams(kT0, u"_hparams_/session_start_info"_s,
                            tw::sessionStart({{u"optimizer/lr"_s, tw::pv::number(0.1)},
                                              {u"model.depth"_s, tw::pv::number(18)},
                                              {u"a//b"_s, tw::pv::string(u"x"_s)}},
                                             kT0)) +
                tw::scalar(kT0 + 5, 1, u"Loss/train"_s, 0.5f) +
                tw::scalar(kT0 + 9, 2, u"Loss/train"_s, 0.125f) +
                tw::hparams(kT0 + 30, u"_hparams_/session_end_info"_s,
                            tw::sessionEnd(1, kT0 + 30))));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        const RunInfo &r = t.run(0);
        QCOMPARE(r.format, u"tensorboard"_s);
        QCOMPARE(r.id, u"runs/Nov14_host_lr0.1"_s);
        QCOMPARE(r.name, u"Nov14_host_lr0.1"_s);
        QVERIFY2(r.issues.empty(), qPrintable(issuesText(r.issues)));
        QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.lr"_s), u"float:0.1"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"model.depth"_s), u"float:18"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"[\"a//b\"]"_s), u"string:x"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"Loss/train"_s), u"float:0.125"_s);
        QCOMPARE(t.column(t.findColumn(Family::Config, Key({u"optimizer"_s, u"lr"_s}))).description,
                 u"peak learning rate"_s);
        QCOMPARE(t.column(t.findColumn(Family::Metric, Key({u"Loss/train"_s}))).description,
                 u"mean batch loss"_s);
        QCOMPARE(r.status, RunStatus::Finished); // a session end that says when it ended
        QCOMPARE(typedCell(t, 0, Family::Meta, u"status"_s), u"string:SUCCESS"_s);
        QCOMPARE(r.startMs, qint64(1700000000500));
        QCOMPARE(r.durationSec, 30.0);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:gpu-7"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"step"_s), u"int:2"_s);
        QCOMPARE(curve(t, 0, u"Loss/train"_s), u"1:0.5 2:0.125"_s);
        QCOMPARE(curvesDisagree(t, 0), QString());
    }

    void severalFilesMergeInTimeOrder() {
        // Named by their start second: the later file's values come later, whatever the
        // listing order; the run is the folder.
        QTemporaryDir dir;
        QVERIFY(testutil::writeFile(dir.filePath(u"r/events.out.tfevents.1700000100.h.1.0"_s),
                                    tw::fileVersion(kT0 + 100) +
                                        tw::scalar(kT0 + 100, 20, u"loss"_s, 0.5f) +
                                        tw::scalar(kT0 + 101, 30, u"loss"_s, 0.25f)));
        QVERIFY(testutil::writeFile(dir.filePath(u"r/events.out.tfevents.1700000000.h.1.0"_s),
                                    tw::fileVersion(kT0) + tw::scalar(kT0, 10, u"loss"_s, 1) +
                                        tw::scalar(kT0 + 1, 20, u"loss"_s, 0.75f)));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.25"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.loss"_s), u"int:4"_s);
        QCOMPARE(curve(t, 0, u"loss"_s), u"10:1 20:0.75 20:0.5 30:0.25"_s);
        QCOMPARE(t.run(0).startMs, qint64(1700000000500));
        QCOMPARE(t.run(0).durationSec, 101.0);
        QCOMPARE(curvesDisagree(t, 0), QString());
    }

    void addHparamsSubfolder() {
        // SummaryWriter.add_hparams writes into <log_dir>/<time.time()>/: part of that run.
        QTemporaryDir dir;
        const QString run = dir.filePath(u"runs/exp1/"_s);
        QVERIFY(testutil::writeFile(run + u"events.out.tfevents.1700000000.h.7.0"_s,
                                    tw::fileVersion(kT0) + tw::scalar(kT0, 1, u"loss"_s, 2) +
                                        tw::scalar(kT0 + 1, 2, u"loss"_s, 1)));
        const QString sub = run + u"1700000050.123456/"_s;
        QVERIFY(testutil::writeFile(
            sub + u"events.out.tfevents.1700000050.h.7.1"_s,
            tw::fileVersion(kT0 + 50) +
                tw::hparams(kT0 + 50, u"_hparams_/experiment"_s,
                            tw::experiment({{u"lr"_s, {}, {}}}, {{u"hparam/acc"_s, {}, {}}})) +
                tw::hparams(kT0 + 50, u"_hparams_/session_start_info"_s,
                            tw::sessionStart({{u"lr"_s, tw::pv::number(0.01)},
                                              {u"opt"_s, tw::pv::string(u"adam"_s)}})) +
                tw::hparams(kT0 + 50, u"_hparams_/session_end_info"_s, tw::sessionEnd(1)) +
                tw::scalar(kT0 + 50, 0, u"hparam/acc"_s, 0.875f)));
        // A sweep folder named by a value is no add_hparams folder: a run of its own.
        QVERIFY(
            testutil::writeFile(dir.filePath(u"sweep/0.1/events.out.tfevents.1700000000.h.1.0"_s),
                                tw::fileVersion(kT0) + tw::scalar(kT0, 1, u"loss"_s, 3)));
        const LoadResult res = load(dir.path());
        const RunTable &t = res.table;
        QStringList ids;
        for (int r = 0; r < t.rowCount(); ++r)
            ids << t.run(r).id;
        QCOMPARE(ids, (QStringList{u"runs/exp1"_s, u"sweep/0.1"_s}));
        QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:0.01"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"opt"_s), u"string:adam"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:1"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"hparam/acc"_s), u"float:0.875"_s);
        QCOMPARE(t.run(0).status, RunStatus::Unknown); // PyTorch's session end has no time
        QCOMPARE(curve(t, 0, u"hparam/acc"_s), u"0:0.875"_s);
        QCOMPARE(curvesDisagree(t, 0), QString());
        const ReaderRegistry registry = ReaderRegistry::withBuiltins();
        const Reader *reader = registry.byFormat(u"tensorboard"_s);
        RunCandidate c;
        c.path = QDir::cleanPath(run);
        c.files = QStringList{u"events.out.tfevents.1700000000.h.7.0"_s};
        c.dirs = QStringList{u"1700000050.123456"_s};
        QCOMPARE(reader->inputFiles(c).value(),
                 (QStringList{c.path + u"/events.out.tfevents.1700000000.h.7.0"_s,
                              c.path + u"/1700000050.123456/events.out.tfevents.1700000050.h.7.1"_s,
                              c.path + u"/1700000050.123456"_s})); // a new file there counts
    }

    void addHparamsFolderNames_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("isOne");
        QTest::newRow("str(time.time())") << u"1699999999.123456"_s << true;
        QTest::newRow("one decimal") << u"1700000050.5"_s << true;
        QTest::newRow("a sweep value") << u"0.1"_s << false;
        QTest::newRow("nine digits") << u"169999999.1"_s << false;
        QTest::newRow("eleven digits") << u"16999999990.1"_s << false;
        QTest::newRow("no decimals") << u"1699999999."_s << false;
        QTest::newRow("no point") << u"1699999999"_s << false;
        QTest::newRow("a letter") << u"1699999999.1a"_s << false;
        QTest::newRow("two points") << u"1699999999.1.2"_s << false;
        QTest::newRow("leading zero") << u"0699999999.1"_s << false;
    }

    void addHparamsFolderNames() {
        QFETCH(QString, name);
        QFETCH(bool, isOne);
        QCOMPARE(isAddHparamsFolderName(name), isOne);
    }

    void addHparamsOnly() {
        // No event file of its own: the folder holding the add_hparams folder is still the run.
        QTemporaryDir dir;
        QVERIFY(testutil::writeFile(
            dir.filePath(u"runs/exp2/1700000050.5/events.out.tfevents.1700000050.h.7.1"_s),
            tw::fileVersion(kT0) +
                tw::hparams(kT0, u"_hparams_/session_start_info"_s,
                            tw::sessionStart({{u"lr"_s, tw::pv::number(0.5)}})) +
                tw::scalar(kT0, 0, u"acc"_s, 0.5f)));
        // An empty timestamp-named folder makes nothing a run.
        QVERIFY(QDir().mkpath(dir.filePath(u"other/1700000050.5"_s)));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(t.run(0).id, u"runs/exp2"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:0.5"_s);
        QCOMPARE(curve(t, 0, u"acc"_s), u"0:0.5"_s);
    }

    void configFileBesideEvents() {
        // A script's own config.yaml and metrics.json beside a SummaryWriter's files: one
        // TensorBoard run; config.yaml wins over the plugin, the events over metrics.json.
        QTemporaryDir dir;
        const QString run = dir.filePath(u"exp/"_s);
        QVERIFY(testutil::writeFile(run + u"config.yaml"_s,
                                    "optimizer:\n  lr: 0.001\n  betas: [0.9, 0.99]\nlayers: 4\n"));
        QVERIFY(
            testutil::writeFile(run + u"metrics.json"_s, "{\"loss\": 9.0, \"best_acc\": 0.9}\n"));
        QVERIFY(testutil::writeFile(
            run + u"events.out.tfevents.1700000000.h.1.0"_s,
            tw::fileVersion(kT0) +
                tw::hparams(kT0, u"_hparams_/session_start_info"_s,
                            tw::sessionStart({{u"optimizer/lr"_s, tw::pv::string(u"0.001"_s)},
                                              {u"optimizer/betas"_s, tw::pv::string(u"x"_s)},
                                              {u"optimizer"_s, tw::pv::string(u"Adam(...)"_s)},
                                              {u"layers/0"_s, tw::pv::number(4)},
                                              {u"dropout"_s, tw::pv::number(0.5)}})) +
                tw::scalar(kT0, 1, u"loss"_s, 0.5f)));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(t.run(0).format, u"tensorboard"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.lr"_s), u"float:0.001"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.betas"_s), u"list:[0.9, 0.99]"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"layers"_s), u"int:4"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"dropout"_s), u"float:0.5"_s);
        QVERIFY(cell(t, 0, Family::Config, u"optimizer"_s).isMissing());
        QVERIFY(cell(t, 0, Family::Config, u"layers.0"_s).isMissing());
        QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.5"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"best_acc"_s), u"float:0.9"_s);
        QVERIFY(findIssue(t.run(0).issues,
                          u"1 metric(s) are in both a metrics file and the event files (loss)"_s));
        QCOMPARE(curvesDisagree(t, 0), QString());
    }

    void damagedFilesKeepTheRow_data() {
        QTest::addColumn<QByteArray>("tail"); // what follows a sound start
        QTest::addColumn<QString>("issue");   // severity: message start
        QTest::addColumn<int>("status");
        const QByteArray next = tw::scalar(kT0 + 9, 9, u"loss"_s, 0.125f);
        QTest::newRow("still being written")
            << next.chopped(3) << u"warning: the event file ends inside the record at byte"_s
            << int(RunStatus::Running);
        QByteArray bad = next;
        bad[20] = char(bad[20] ^ 1);
        QTest::newRow("bad checksum")
            << bad << u"error: the record at byte"_s << int(RunStatus::Unknown);
    }

    void damagedFilesKeepTheRow() {
        QFETCH(QByteArray, tail);
        QFETCH(QString, issue);
        QFETCH(int, status);
        QTemporaryDir dir;
        const QString file = dir.filePath(u"r/events.out.tfevents.1700000000.h.1.0"_s);
        QVERIFY(testutil::writeFile(file, tw::fileVersion(kT0) +
                                              tw::scalar(kT0 + 1, 1, u"loss"_s, 0.5f) + tail));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.5"_s);
        QCOMPARE(int(t.run(0).status), status);
        QCOMPARE(int(t.run(0).issues.size()), 1);
        const Issue &i = t.run(0).issues[0];
        QVERIFY2((Issue::severityName(i.severity) + u": "_s + i.message).startsWith(issue),
                 qPrintable(i.toString()));
        QCOMPARE(i.file, file);
        QCOMPARE(curve(t, 0, u"loss"_s), u"1:0.5"_s); // the curve stops where the table does
    }

    void emptyAndGarbageFiles() {
        // A file its writer has not flushed yet, and one that is no event file: rows with a
        // note and an error, and the sound file beside them is read.
        QTemporaryDir dir;
        QVERIFY(testutil::writeFile(dir.filePath(u"a/events.out.tfevents.1700000000.h.1.0"_s),
                                    QByteArray()));
        QVERIFY(testutil::writeFile(dir.filePath(u"b/events.out.tfevents.1700000000.h.1.0"_s),
                                    QByteArray(100, 'z')));
        QVERIFY(testutil::writeFile(dir.filePath(u"b/events.out.tfevents.1700000001.h.1.1"_s),
                                    tw::fileVersion(kT0) + tw::scalar(kT0, 1, u"loss"_s, 2)));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 2);
        const int a = rowOf(t, u"a"_s), b = rowOf(t, u"b"_s);
        QCOMPARE(testutil::countSeverity(t.run(a).issues, Issue::Severity::Note), 1);
        QCOMPARE(int(t.run(a).issues.size()), 1);
        QVERIFY(findIssue(t.run(a).issues, u"the event file is empty"_s));
        QCOMPARE(int(t.run(b).issues.size()), 1);
        QCOMPARE(t.run(b).issues[0].severity, Issue::Severity::Error);
        QVERIFY(t.run(b).issues[0].message.startsWith(u"not a TensorBoard event file"_s));
        QCOMPARE(typedCell(t, b, Family::Metric, u"loss"_s), u"float:2"_s);
    }

    void cacheSeesGrowingEvents() {
        // A run still training appends records: the cached row is read again, with the new
        // values; so when a new file (or an add_hparams folder) appears.
        QTemporaryDir dir, cache;
        const QString file = dir.filePath(u"r/events.out.tfevents.1700000000.h.1.0"_s);
        QByteArray bytes = tw::fileVersion(kT0) + tw::scalar(kT0, 1, u"loss"_s, 1);
        QVERIFY(testutil::writeFile(file, bytes));
        QVERIFY(testutil::ageTree(dir.path(), 3600));
        QCOMPARE(typedCell(load(dir.path(), cache.path()).table, 0, Family::Metric, u"loss"_s),
                 u"float:1"_s);
        const LoadResult again = load(dir.path(), cache.path());
        QCOMPARE(again.cacheHits, 1);
        bytes += tw::scalar(kT0 + 1, 2, u"loss"_s, 0.5f);
        QVERIFY(testutil::writeFile(file, bytes));
        QVERIFY(testutil::ageTree(dir.path(), 1800));
        const LoadResult grown = load(dir.path(), cache.path());
        QCOMPARE(grown.cacheHits, 0);
        QCOMPARE(typedCell(grown.table, 0, Family::Metric, u"loss"_s), u"float:0.5"_s);
        QVERIFY(testutil::writeFile(
            dir.filePath(u"r/1700000009.5/events.out.tfevents.1700000009.h.1.1"_s),
            tw::fileVersion(kT0) + tw::scalar(kT0, 0, u"acc"_s, 0.75f)));
        QVERIFY(testutil::ageTree(dir.path(), 900));
        const LoadResult sub = load(dir.path(), cache.path());
        QCOMPARE(sub.cacheHits, 0);
        QCOMPARE(typedCell(sub.table, 0, Family::Metric, u"acc"_s), u"float:0.75"_s);
    }
};

QTEST_GUILESS_MAIN(TestTensorBoardReader)
#include "tst_tensorboardreader.moc"
