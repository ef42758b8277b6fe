// The W&B transaction logs of ../shared/corpus/wandb (FORMATS.md 1.6): every one reads without
// a crash, the empty and cut-off ones give one clear issue and what could be read, the runs that
// keep their config and summary only in the log show them, and where a run's files and its log
// both speak they agree. The pinned values were checked with an independent decoder,
// tests/data/wandblog/decode_log.py (the framing with zlib.crc32, the protobufs by field number).
// Skips cleanly when the corpus is absent.
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "readers/wandblog.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include "corpusutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::corpusDir;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typedCell;

namespace {

LoadResult load(const QString &sub) {
    return loadRuns({corpusDir(sub)}, ReaderRegistry::withBuiltins());
}

double number(const RunTable &t, int row, Family f, const QString &key) {
    return testutil::cell(t, row, f, key).toDouble();
}

} // namespace

class TestCorpusWandbLog : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        if (!QFileInfo(corpusDir(u"wandb"_s)).isDir()) QSKIP("no ../shared/corpus/wandb");
    }

    void everyLogReads() {
        // The runs killed or copied mid-write, by folder, with the offset of the cut record. In
        // seven a chunk header announces more bytes than the file has; three (wandb-core, which
        // writes whole blocks) end at a block boundary after the FIRST chunk of a record whose
        // LAST never came. The Python decoder finds the same chunks.
        const QHash<QString, qint64> cut = {{u"run-20230329_020630-5kjwspgj"_s, 1680},
                                            {u"run-20230515_022815-xk9qd9la"_s, 2288},
                                            {u"run-20230515_110003-wgv95czv"_s, 2286},
                                            {u"run-20230518_224327-ywte78m1"_s, 1264},
                                            {u"run-20230519_173130-ut3yslrh"_s, 1196},
                                            {u"run-20230518_224730-t7azr071"_s, 111298},
                                            {u"run-20230519_154805-2djt2ng1"_s, 191876},
                                            {u"run-20260310_180010-klt5o1bl"_s, 83676},
                                            {u"run-20260309_131359-cee4nz6i"_s, 163801},
                                            {u"run-20260309_162719-sd4zuic9"_s, 163399}};
        // Whole records read, as the Python decoder counts them.
        const QHash<QString, qint64> records = {{u"run-5kjwspgj.wandb"_s, 13},
                                                {u"run-cee4nz6i.wandb"_s, 738},
                                                {u"run-sd4zuic9.wandb"_s, 735},
                                                {u"run-oy07euqb.wandb"_s, 1041}};
        int logs = 0, empty = 0, cutShort = 0, clean = 0, pinned = 0;
        QDirIterator it(corpusDir(u"wandb"_s), {u"*.wandb"_s}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QString name = it.fileName();
            const QString folder = it.fileInfo().dir().dirName();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            const WandbLog log = readWandbLog(f, path, ReadLimits{});
            ++logs;
            const QString what = path + u":\n"_s + issuesText(log.issues);
            if (f.size() == 0) {
                ++empty;
                QCOMPARE(log.issues.size(), std::size_t(1));
                QVERIFY2(log.issues[0].message.contains(u"is empty (0 bytes)"_s), qPrintable(what));
                QCOMPARE(log.issues[0].severity, Issue::Severity::Warning);
                QVERIFY(!log.isLog);
                continue;
            }
            QVERIFY2(log.isLog && log.run, qPrintable(path));
            if (cut.contains(folder)) {
                ++cutShort;
                QVERIFY(log.cutShort);
                QCOMPARE(log.issues.size(), std::size_t(1));
                QVERIFY2(log.issues[0].message.contains(
                             u"ends inside the record that begins at byte %1 "_s.arg(cut[folder])),
                         qPrintable(what));
                QCOMPARE(log.issues[0].severity, Issue::Severity::Warning);
            } else {
                ++clean;
                QVERIFY2(log.issues.empty(), qPrintable(what));
            }
            if (records.contains(name)) {
                QCOMPARE(log.records, records[name]);
                ++pinned;
            }
        }
        QCOMPARE(logs, 134);
        QCOMPARE(empty, 6);
        QCOMPARE(cutShort, 10);
        QCOMPARE(clean, 118);
        QCOMPARE(pinned, 4);
    }

    void exitRecords_data() {
        QTest::addColumn<QString>("log");
        QTest::addColumn<int>("code");    // -1: no exit record
        QTest::addColumn<int>("runtime"); // seconds
        QTest::newRow("finished") << u"Pranav335__Seq2SeqModel_CH22D031/wandb/run-20230516_022144-"
                                     "okoa7myt/run-okoa7myt.wandb"_s
                                  << 0 << 139;
        QTest::newRow("exit 1") << u"jetyue04__loss-plateau/wandb/run-20260123_005123-jjg8usaf/"
                                   "run-jjg8usaf.wandb"_s
                                << 1 << 0;
        QTest::newRow("exit 255") << u"Tarun-AK__scaling/wandb/run-20260225_154823-1pgw2r71/"
                                     "run-1pgw2r71.wandb"_s
                                  << 255 << 187;
        QTest::newRow("none") << u"Tarun-AK__scaling/wandb/run-20260309_131359-cee4nz6i/"
                                 "run-cee4nz6i.wandb"_s
                              << -1 << 0;
    }

    void exitRecords() {
        QFETCH(QString, log);
        QFETCH(int, code);
        QFETCH(int, runtime);
        QFile f(corpusDir(u"wandb/"_s + log));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const WandbLog read = readWandbLog(f, f.fileName(), ReadLimits{});
        QCOMPARE(bool(read.exit), code >= 0);
        if (!read.exit) return;
        QCOMPARE(read.exit->code, code);
        QCOMPARE(read.exit->runtimeSec, runtime);
    }

    void logOnlyRuns() {
        // Two runs of Tarun-AK__scaling left no config.yaml and no summary: everything but their
        // metadata is in the log, which ends at a block boundary inside a record: running.
        const LoadResult result = load(u"wandb/Tarun-AK__scaling"_s);
        const RunTable &t = result.table;
        const int r = rowOf(t, u"cee4nz6i"_s);
        QVERIFY(r >= 0);
        const RunInfo &run = t.run(r);
        QCOMPARE(run.name, u"lstm_hd128"_s);
        QCOMPARE(run.status, RunStatus::Running);
        // wandb-metadata.json's startedAt (17:13:59.314771Z) wins over the log's start_time
        // (.551619, when the RunRecord was made).
        QCOMPARE(run.startMs, qint64(1773076439314));
        QCOMPARE(run.durationSec, 521.0);
        QCOMPARE(run.issues.size(), std::size_t(1));
        QVERIFY2(
            run.issues[0].message.contains(u"ends inside the record that begins at byte 163801"_s),
            qPrintable(issuesText(run.issues)));
        QCOMPARE(typedCell(t, r, Family::Config, u"hidden_dim"_s), u"int:128"_s);
        QCOMPARE(typedCell(t, r, Family::Config, u"learning_rate"_s), u"float:0.001"_s);
        QCOMPARE(typedCell(t, r, Family::Config, u"dataset_config"_s),
                 u"string:wikitext-103-raw-v1"_s);
        QCOMPARE(typedCell(t, r, Family::Config, u"wandb_entity"_s), u"null:null"_s);
        QCOMPARE(typedCell(t, r, Family::Config, u"num_params"_s), u"int:2236928"_s);
        QCOMPARE(t.findColumn(Family::Config, Key({u"_wandb"_s})), -1);
        QCOMPARE(typedCell(t, r, Family::Metric, u"train/loss"_s), u"float:4.541440010070801"_s);
        QCOMPARE(typedCell(t, r, Family::Meta, u"_step"_s), u"int:4650"_s);
        QCOMPARE(typedCell(t, r, Family::Meta, u"wandb.project"_s), u"string:scaling"_s);
        QCOMPARE(typedCell(t, r, Family::Meta, u"history.steps.train/loss"_s), u"int:93"_s);
        QCOMPARE(number(t, r, Family::Meta, u"history.min.train/loss"_s), 4.481182098388672);
        QCOMPARE(number(t, r, Family::Meta, u"history.max.train/loss"_s), 6.719485282897949);
        QVERIFY(qFuzzyCompare(number(t, r, Family::Meta, u"history.mean.train/loss"_s),
                              4.9928090187811085));

        const int other = rowOf(t, u"sd4zuic9"_s);
        QVERIFY(other >= 0);
        QCOMPARE(typedCell(t, other, Family::Metric, u"train/loss"_s), u"float:4.5417160987854"_s);
        QCOMPARE(typedCell(t, other, Family::Meta, u"history.steps.train/loss"_s), u"int:93"_s);
    }

    void historySummariesOfOneRun() {
        // run-oy07euqb (Geom3D, SDK 0.16): 1003 history rows; the summary file has the last
        // values, the log the history.
        const LoadResult result = load(u"wandb/C-Bone-UCL__Geom3D/performance_eval_test"_s);
        const RunTable &t = result.table;
        const int r = rowOf(t, u"oy07euqb"_s);
        QVERIFY(r >= 0);
        QCOMPARE(t.run(r).status, RunStatus::Finished);
        QCOMPARE(typedCell(t, r, Family::Metric, u"train_loss"_s), u"float:3.0484344959259033"_s);
        QCOMPARE(typedCell(t, r, Family::Meta, u"history.steps.train_loss"_s), u"int:1000"_s);
        QCOMPARE(number(t, r, Family::Meta, u"history.min.train_loss"_s), 0.9849405288696289);
        QCOMPARE(number(t, r, Family::Meta, u"history.max.train_loss"_s), 8871.5234375);
        QVERIFY(qFuzzyCompare(number(t, r, Family::Meta, u"history.mean.train_loss"_s),
                              34.96007707989216));
        QCOMPARE(typedCell(t, r, Family::Meta, u"history.steps.trainer/global_step"_s),
                 u"int:1003"_s);
        QCOMPARE(typedCell(t, r, Family::Meta, u"history.steps.val_loss"_s), u"int:1"_s);
    }

    void legacyHistoryFile() {
        // mfts__spaceinvaders (SDK 0.8): wandb-history.jsonl beside the summary; a video row
        // is no metric.
        const LoadResult result = load(u"wandb/mfts__spaceinvaders-wandb-challenge"_s);
        const RunTable &t = result.table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.episodic_reward"_s), u"int:98"_s);
        QCOMPARE(number(t, 0, Family::Meta, u"history.min.episodic_reward"_s), 180.0);
        QCOMPARE(number(t, 0, Family::Meta, u"history.max.episodic_reward"_s), 285.0);
        QVERIFY(qFuzzyCompare(number(t, 0, Family::Meta, u"history.mean.episodic_reward"_s),
                              275.96938775510205));
        QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.cumulative_avg_reward"_s),
                 u"int:98"_s);
        QCOMPARE(t.findColumn(Family::Meta, testutil::key(u"history.steps.gameplays"_s)), -1);
    }

    void filesAndLogsAgree() {
        // Where a run's files and its log both hold a value they agree, up to spelling (1e-12 vs
        // 1.0e-12, 0 for 0.0) and float rounding (float32 printed with other digits) -- except in
        // two Geom3D runs killed without a summary record, whose wandb-summary.json (which the
        // Python SDK rewrites as it goes) is newer than the log's last history row: steps 793 and
        // 112 against 651 and 83 in the log, as the Python decoder reads them too.
        const LoadResult result = load(u"wandb"_s);
        const RunTable &t = result.table;
        int withLog = 0;
        QStringList notes;
        for (int r = 0; r < t.rowCount(); ++r) {
            const RunInfo &run = t.run(r);
            for (const Issue &i : run.issues)
                if (i.message.contains(u"disagree"_s)) notes << run.id + u": "_s + i.message;
            withLog += QDir(run.path).entryList({u"run-*.wandb"_s}, QDir::Files).isEmpty() ? 0 : 1;
        }
        QVERIFY(withLog >= 100);
        notes.sort();
        QCOMPARE(notes.size(), 2);
        QVERIFY2(notes[0].startsWith(u"69p2ai88: this file and the last history values"_s) &&
                     notes[0].contains(u"trainer/global_step (file 112, log 83)"_s),
                 qPrintable(notes[0]));
        QVERIFY2(notes[1].startsWith(u"djd48jcx: this file and the last history values"_s) &&
                     notes[1].contains(u"trainer/global_step (file 793, log 651)"_s),
                 qPrintable(notes[1]));
    }

    void curvesMatchTheTable() {
        // Every history the table summarised reads back as curves with as many points, the last
        // by step being the metric's value -- except in the two runs whose summary file is newer
        // than their log (filesAndLogsAgree), where the table shows the file's value.
        const LoadResult result = load(u"wandb"_s);
        int checked = 0, outOfOrder = 0;
        QStringList mismatches =
            testutil::curveMismatches(result.table, u"wandb"_s, checked, outOfOrder);
        mismatches.sort();
        QCOMPARE(
            mismatches,
            (QStringList{u"69p2ai88 train_loss: last point 6.05153e+10, table 24573081600.0"_s,
                         u"69p2ai88 trainer/global_step: last point 83, table 112"_s,
                         u"djd48jcx train_loss: last point 0.186565, table 0.19193468987941742"_s,
                         u"djd48jcx trainer/global_step: last point 651, table 793"_s}));
        QVERIFY(checked > 500);
        QCOMPARE(outOfOrder, 0);
    }
};

QTEST_GUILESS_MAIN(TestCorpusWandbLog)
#include "tst_corpus_wandblog.moc"
