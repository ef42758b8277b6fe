// The table snapshot: a second open of unchanged folders takes the last load's table whole and
// gives exactly what reading the runs gives; any change a load depends on (a file rewritten,
// a run added or removed, a journal grown, a link retargeted, other options) makes the load
// read again; recent changes, damaged and hostile snapshot files are never trusted.
#include "readers/bytecodec.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "readers/tablesnapshot.h"

#include <QDateTime>
#include <QDirIterator>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <fcntl.h>
#include <sys/stat.h>

#include "optunafixture.h"
#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::age;
using testutil::ageTree;
using testutil::copyTree;

namespace {

QByteArray readAll(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Sets the checksums of a snapshot file after a test changed its bytes (layout in
/// tablesnapshot.cpp).
void fixChecksums(QByteArray &file) {
    const auto stamps = qsizetype(qFromLittleEndian<std::uint64_t>(file.constData() + 16));
    if (40 + stamps > file.size()) return;
    qToLittleEndian(checksum64(QByteArrayView(file).sliced(40, stamps)), file.data() + 24);
    qToLittleEndian(checksum64(QByteArrayView(file).sliced(40 + stamps)), file.data() + 32);
}

} // namespace

class TestTableSnapshot : public QObject {
    Q_OBJECT

private slots:
    void init();
    void secondOpenTakesTheSnapshot();
    void changeMakesTheLoadReadAgain_data();
    void changeMakesTheLoadReadAgain();
    void otherOptionsDoNotUseIt();
    void recentChangesAreNotSnapshotted();
    void cancelledLoadWritesNone();
    void streamingCallerGetsTheWholeTable();
    void damagedSnapshotIsRebuilt_data();
    void damagedSnapshotIsRebuilt();
    void mutatedSnapshotDoesNotCrash();
    void corpusAgrees();

private:
    LoadResult load(int jobs = 2, bool includeDeleted = false) const;
    QString dump(const LoadResult &r) const { return testutil::dumpTable(r.table); }
    /// `load` and a load without any cache agree, table and counts.
    void compareWithUncached(const LoadResult &r) const;
    QString snapshotFile() const {
        return QDir(m_cache).filePath(TableSnapshot::fileName({m_root}));
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_root;
    QString m_cache;
};

void TestTableSnapshot::init() {
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_root = m_tmp->filePath(u"runs"_s);
    m_cache = m_tmp->filePath(u"cache"_s);
    // Several formats in one walk: W&B (with a latest-run link and a copied folder), generic
    // folders, MLflow, a broken run, and an Optuna journal whose trials are runs of one file.
    // Hydra with a W&B run inside, and DVCLive: readers that list folders of a run themselves.
    // and a Ray Tune experiment, whose state file the walk reads.
    for (const char *name : {"wandb_new", "wandb_dupes", "generic", "malformed", "mlflow_store",
                             "hydra_wandb", "dvc_live", "raytune_experiment"})
        QVERIFY(copyTree(QFINDTESTDATA(u"data/"_s + QLatin1String(name)),
                         m_root + u'/' + QLatin1String(name)));
    QVERIFY(testutil::writeFile(m_root + u"/optuna/study.log"_s, optunafixture::sampleJournal()));
    QVERIFY(QFile::link(u"../generic"_s, m_root + u"/optuna/generic-link"_s));
    QVERIFY(ageTree(m_root));
}

LoadResult TestTableSnapshot::load(int jobs, bool includeDeleted) const {
    LoadOptions options;
    options.jobs = jobs;
    options.cacheDir = m_cache;
    options.includeDeleted = includeDeleted;
    return loadRuns({m_root}, ReaderRegistry::withBuiltins(), options);
}

void TestTableSnapshot::compareWithUncached(const LoadResult &r) const {
    LoadOptions options;
    options.includeDeleted = false;
    const LoadResult none = loadRuns({m_root}, ReaderRegistry::withBuiltins(), options);
    QCOMPARE(dump(r).split(u'\n'), dump(none).split(u'\n'));
    QCOMPARE(r.stats.summary(), none.stats.summary());
    QCOMPARE(r.mergedFolders, none.mergedFolders);
}

void TestTableSnapshot::secondOpenTakesTheSnapshot() {
    const LoadResult cold = load();
    QVERIFY(!cold.fromSnapshot);
    QVERIFY2(cold.cacheProblem.isEmpty(), qPrintable(cold.cacheProblem));
    QVERIFY(QFileInfo::exists(snapshotFile()));
    QVERIFY(cold.table.rowCount() > 20);
    QVERIFY(cold.mergedFolders > 0); // the copied W&B folder
    QVERIFY(cold.stats.linkedTwice > 0);

    for (const int jobs : {2, 1}) {
        LoadResult warm = load(jobs);
        QVERIFY(warm.fromSnapshot);
        QVERIFY2(warm.cacheProblem.isEmpty(), qPrintable(warm.cacheProblem));
        QCOMPARE(warm.cacheHits, warm.table.rowCount());
        compareWithUncached(warm);
        QCOMPARE(warm.stats.summary(), cold.stats.summary());
        // Column lookups and new strings work on a table that came from a snapshot.
        RunTable table = std::move(warm.table);
        const int col = table.findColumn(Family::Config, testutil::key(u"optimizer.lr"_s));
        QVERIFY(col >= 0);
        RunRecord extra;
        extra.id = extra.name = extra.path = u"extra"_s;
        extra.add(Family::Config, testutil::key(u"optimizer.lr"_s), Value::real(0.5, u"0.5"_s));
        extra.add(Family::Metric, testutil::key(u"brand.new"_s), Value::string(u"x"_s));
        const int row = table.appendRun(std::move(extra));
        QCOMPARE(table.findColumn(Family::Config, testutil::key(u"optimizer.lr"_s)), col);
        QCOMPARE(table.value(row, col).displayText(), u"0.5"_s);
        QCOMPARE(table.value(row, table.columnCount() - 1).displayText(), u"x"_s);
        QCOMPARE(table.value(0, table.columnCount() - 1).isMissing(), true);
    }
}

void TestTableSnapshot::changeMakesTheLoadReadAgain_data() {
    QTest::addColumn<QString>("change");
    for (const char *c :
         {"file rewritten, same size", "file grown", "file appears", "file removed", "run added",
          "run removed", "journal grown", "link retargeted", "file unreadable", "folder renamed",
          "MLflow metric logged", "Hydra tracker run added", "DVCLive history added",
          "Ray Tune state rewritten in place"})
        QTest::newRow(c) << QString::fromLatin1(c);
}

void TestTableSnapshot::changeMakesTheLoadReadAgain() {
    QFETCH(QString, change);
    QVERIFY(!load().fromSnapshot);
    QVERIFY(load().fromSnapshot);

    const QString metrics = m_root + u"/generic/exp-yaml/metrics.json"_s;
    QStringList changed; // files or folders whose time must be set back after the change
    if (change == u"file rewritten, same size") {
        QByteArray bytes = readAll(metrics);
        QVERIFY(bytes.contains("0.781"));
        bytes.replace("0.781", "0.999");
        QVERIFY(testutil::writeFile(metrics, bytes));
        QVERIFY(age(metrics, 1800)); // another time, same size
        changed = QStringList{metrics};
    } else if (change == u"file grown") {
        QVERIFY(testutil::writeFile(metrics, "{\"val/acc\": 0.5, \"epoch\": 31}\n"));
        changed = QStringList{metrics};
    } else if (change == u"file appears") {
        // A history turns up in a W&B run that had none.
        const QString run = m_root + u"/wandb_new/wandb/run-20240210_093000-new67890/files"_s;
        QVERIFY(QFileInfo(run).isDir());
        QVERIFY(
            testutil::writeFile(run + u"/wandb-history.jsonl"_s, "{\"_step\": 0, \"late\": 1}\n"));
        changed = QStringList{run, run + u"/wandb-history.jsonl"_s};
    } else if (change == u"file removed") {
        QVERIFY(QFile::remove(metrics));
        changed = QStringList{QFileInfo(metrics).absolutePath()};
    } else if (change == u"run added") {
        QVERIFY(copyTree(m_root + u"/generic/exp-yaml"_s, m_root + u"/generic/exp-new"_s));
        QVERIFY(ageTree(m_root + u"/generic/exp-new"_s));
        changed = QStringList{m_root + u"/generic"_s};
    } else if (change == u"run removed") {
        QVERIFY(QDir(m_root + u"/generic/exp-yaml"_s).removeRecursively());
        changed = QStringList{m_root + u"/generic"_s};
    } else if (change == u"journal grown") {
        const QString journal = m_root + u"/optuna/study.log"_s;
        QFile f(journal);
        QVERIFY(f.open(QIODevice::Append));
        f.write(optunafixture::op(4, R"("study_id":0,"datetime_start":"2025-01-04T00:00:00")"));
        f.close();
        changed = QStringList{journal};
    } else if (change == u"link retargeted") {
        const QString link = m_root + u"/optuna/generic-link"_s;
        QVERIFY(QFile::remove(link));
        QVERIFY(QFile::link(u"../mlflow_store"_s, link));
        changed = QStringList{m_root + u"/optuna"_s};
    } else if (change == u"file unreadable") {
        // Root still reads it: then the changed mode alone must keep the snapshot from being
        // taken (the result is the same either way).
        QVERIFY(QFile::setPermissions(metrics, QFileDevice::WriteOwner));
        changed = QStringList{metrics};
    } else if (change == u"folder renamed") {
        QVERIFY(QDir().rename(m_root + u"/generic/exp-yaml"_s, m_root + u"/generic/exp-yaml2"_s));
        changed = QStringList{m_root + u"/generic"_s};
    } else if (change == u"MLflow metric logged") {
        // Only the metrics folder changes: no file the run had was touched.
        const QString dir =
            m_root + u"/mlflow_store/mlruns/2/e7000000000000000000000000000007/metrics"_s;
        QVERIFY(QFileInfo(dir).isDir());
        QVERIFY(testutil::writeFile(dir + u"/late_metric"_s, "1700000000000 0.5 3\n"));
        changed = QStringList{dir, dir + u"/late_metric"_s};
    } else if (change == u"Hydra tracker run added") {
        const QString wandb = m_root + u"/hydra_wandb/outputs/2024-04-01/10-00-00/wandb"_s;
        const QString run = wandb + u"/run-20240401_120000-later99"_s;
        QVERIFY(QFileInfo(wandb).isDir());
        QVERIFY(
            testutil::writeFile(run + u"/files/wandb-summary.json"_s, "{\"train/loss\": 0.05}"));
        QVERIFY(ageTree(run));
        changed = QStringList{wandb};
    } else if (change == u"DVCLive history added") {
        const QString dir = m_root + u"/dvc_live/dvclive/plots/metrics/train"_s;
        QVERIFY(QFileInfo(dir).isDir());
        QVERIFY(testutil::writeFile(dir + u"/f1.tsv"_s, "step\tf1\n0\t0.5\n1\t0.75\n"));
        changed = QStringList{dir, dir + u"/f1.tsv"_s};
    } else if (change == u"Ray Tune state rewritten in place") {
        // Not a trial's file, and no folder changes: only the file's own stamp tells.
        const QString state = m_root + u"/raytune_experiment/train_fn_2024-01-05_10-15-00/"
                                       u"experiment_state-2024-01-05_10-15-00.json"_s;
        QByteArray bytes = readAll(state);
        QVERIFY(bytes.contains("TERMINATED"));
        bytes.replace("TERMINATED", "ERROR");
        QFile f(state);
        QVERIFY(f.open(QIODevice::ReadWrite | QIODevice::Truncate));
        QCOMPARE(f.write(bytes), bytes.size());
        f.close();
        changed = QStringList{state};
    }
    for (const QString &path : changed)
        QVERIFY(age(path, 1200));

    const LoadResult after = load();
    QVERIFY(!after.fromSnapshot);
    compareWithUncached(after);
    // The new state is snapshotted in turn.
    const LoadResult next = load();
    QVERIFY(next.fromSnapshot);
    QCOMPARE(dump(next), dump(after));
}

void TestTableSnapshot::otherOptionsDoNotUseIt() {
    QVERIFY(!load().fromSnapshot);
    QVERIFY(load().fromSnapshot);
    // Deleted MLflow runs are shown: another table, another snapshot context.
    const int shown = load().table.rowCount();
    const LoadResult all = load(2, true);
    QVERIFY(!all.fromSnapshot);
    QVERIFY(all.table.rowCount() > shown);
    // One snapshot per set of folders: the last load's.
    QVERIFY(load(2, true).fromSnapshot);
    QVERIFY(!load().fromSnapshot);
    // Other limits.
    LoadOptions options;
    options.cacheDir = m_cache;
    options.limits.flatten.maxKeys = 7;
    QVERIFY(!loadRuns({m_root}, ReaderRegistry::withBuiltins(), options).fromSnapshot);

    // The same folders in another order: the walk takes them as given, and a run's fallback
    // id is its path below the root it was found under.
    const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const QString inner = m_root + u"/generic"_s;
    LoadOptions cached;
    cached.cacheDir = m_cache;
    QVERIFY(!loadRuns({inner, m_root}, registry, cached).fromSnapshot);
    QVERIFY(loadRuns({inner, m_root}, registry, cached).fromSnapshot);
    const LoadResult swapped = loadRuns({m_root, inner}, registry, cached);
    QVERIFY(!swapped.fromSnapshot);
    const LoadResult uncached = loadRuns({m_root, inner}, registry, {});
    QCOMPARE(dump(swapped), dump(uncached));
    QCOMPARE(swapped.stats.summary(), uncached.stats.summary());
}

void TestTableSnapshot::recentChangesAreNotSnapshotted() {
    QVERIFY(!load().fromSnapshot);
    QVERIFY(QFileInfo::exists(snapshotFile()));
    // Written just now, a file could change again unseen within its timestamp's granularity:
    // no snapshot holds it (and the one describing the old state goes).
    QVERIFY(testutil::writeFile(m_root + u"/generic/exp-yaml/metrics.json"_s, "{\"acc\": 2}"));
    QVERIFY(!load().fromSnapshot);
    QVERIFY(!QFileInfo::exists(snapshotFile()));
    QVERIFY(!load().fromSnapshot);
    // A folder whose listing changed just now, likewise.
    QVERIFY(age(m_root + u"/generic/exp-yaml/metrics.json"_s));
    QVERIFY(testutil::writeFile(m_root + u"/generic/new-file.txt"_s, "x"));
    QVERIFY(!load().fromSnapshot);
    QVERIFY(!QFileInfo::exists(snapshotFile()));
    QVERIFY(ageTree(m_root));
    QVERIFY(!load().fromSnapshot);
    QVERIFY(load().fromSnapshot);
}

void TestTableSnapshot::cancelledLoadWritesNone() {
    LoadOptions options;
    options.cacheDir = m_cache;
    options.jobs = 1;
    int seen = 0;
    options.progress = [&](int, int) { ++seen; };
    options.cancelled = [&] { return seen >= 3; };
    const LoadResult r = loadRuns({m_root}, ReaderRegistry::withBuiltins(), options);
    QVERIFY(r.cancelled);
    QVERIFY(!QFileInfo::exists(snapshotFile()));
    QVERIFY(!load().fromSnapshot);
}

void TestTableSnapshot::streamingCallerGetsTheWholeTable() {
    const LoadResult cold = load();
    QVERIFY(!cold.fromSnapshot);
    // A caller taking records in batches without onTable: every run comes as a record.
    LoadOptions options;
    options.cacheDir = m_cache;
    RunTable streamed;
    options.onRecords = [&](std::vector<RunRecord> &&batch) {
        for (RunRecord &r : batch)
            streamed.appendRun(std::move(r));
    };
    QVERIFY(!loadRuns({m_root}, ReaderRegistry::withBuiltins(), options).fromSnapshot);
    streamed.squeeze();
    QCOMPARE(testutil::dumpTable(streamed), dump(cold));
    // With onTable, the snapshot's table comes there, once.
    int tables = 0;
    RunTable whole;
    options.onTable = [&](RunTable &&t) {
        ++tables;
        whole = std::move(t);
    };
    streamed = RunTable();
    const LoadResult warm = loadRuns({m_root}, ReaderRegistry::withBuiltins(), options);
    QVERIFY(warm.fromSnapshot);
    QCOMPARE(tables, 1);
    QCOMPARE(streamed.rowCount(), 0);
    QCOMPARE(testutil::dumpTable(whole), dump(cold));
}

void TestTableSnapshot::damagedSnapshotIsRebuilt_data() {
    QTest::addColumn<QString>("damage");
    for (const char *d : {"empty", "random bytes", "truncated", "flipped stamp byte",
                          "flipped table byte", "other format version", "huge stamps size"})
        QTest::newRow(d) << QString::fromLatin1(d);
}

void TestTableSnapshot::damagedSnapshotIsRebuilt() {
    QFETCH(QString, damage);
    const LoadResult cold = load();
    QByteArray bytes = readAll(snapshotFile());
    QVERIFY(bytes.size() > 100);
    const auto stamps = qsizetype(qFromLittleEndian<std::uint64_t>(bytes.constData() + 16));
    bool reported = true; // the user is told the file was damaged
    if (damage == u"empty") {
        bytes.clear();
        reported = false;
    } else if (damage == u"random bytes") {
        for (char &c : bytes)
            c = char(QRandomGenerator::global()->bounded(256));
        reported = false; // not a snapshot at all
    } else if (damage == u"truncated") {
        bytes.chop(bytes.size() / 3);
    } else if (damage == u"flipped stamp byte") {
        bytes[40 + stamps / 2] = char(bytes[40 + stamps / 2] ^ 0x10);
    } else if (damage == u"flipped table byte") {
        bytes[bytes.size() - 5] = char(bytes[bytes.size() - 5] ^ 0x01);
    } else if (damage == u"other format version") {
        qToLittleEndian(std::uint32_t(99), bytes.data() + 8);
        reported = false; // another release's: quietly replaced
    } else if (damage == u"huge stamps size") {
        qToLittleEndian(std::uint64_t(1) << 60, bytes.data() + 16);
    }
    QVERIFY(testutil::writeFile(snapshotFile(), bytes));

    const LoadResult after = load();
    QVERIFY(!after.fromSnapshot);
    QCOMPARE(dump(after), dump(cold));
    QCOMPARE(after.cacheProblem.contains(u"damaged"_s), reported);
    QVERIFY(load().fromSnapshot); // rebuilt
}

void TestTableSnapshot::mutatedSnapshotDoesNotCrash() {
    const LoadResult cold = load();
    const QByteArray good = readAll(snapshotFile());
    const auto stamps = qsizetype(qFromLittleEndian<std::uint64_t>(good.constData() + 16));
    QRandomGenerator rng(20261204);
    int used = 0;
    for (int round = 0; round < 80; ++round) {
        QByteArray bytes = good;
        // Mostly the table part, whose decoding must check every count, id and row.
        const int changes = 1 + int(rng.bounded(4));
        for (int k = 0; k < changes; ++k) {
            const qsizetype at =
                round % 5 == 0
                    ? 40 + qsizetype(rng.bounded(int(stamps)))
                    : 40 + stamps + qsizetype(rng.bounded(int(good.size() - 40 - stamps)));
            bytes[at] = char(rng.bounded(256));
        }
        fixChecksums(bytes);
        QVERIFY(testutil::writeFile(snapshotFile(), bytes));
        const LoadResult r = load();
        if (r.fromSnapshot)
            ++used; // a change no check can tell (another number, say): the checksums were forged
        else
            QCOMPARE(dump(r), dump(cold));
    }
    QVERIFY(used < 80);
}

void TestTableSnapshot::corpusAgrees() {
    // Every format, run files (Optuna journals, MLflow databases) and links of real projects.
    const QString corpus = QStringLiteral(RUNLENS_CORPUS);
    if (!QFileInfo(corpus).isDir()) QSKIP("../shared/corpus is not there");
    LoadOptions options;
    options.cacheDir = m_cache;
    const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const LoadResult cold = loadRuns({corpus}, registry, options);
    const LoadResult warm = loadRuns({corpus}, registry, options);
    const LoadResult none = loadRuns({corpus}, registry, {});
    QVERIFY(none.table.rowCount() > 1000);
    QVERIFY(!cold.fromSnapshot);
    QVERIFY2(warm.fromSnapshot, qPrintable(warm.cacheProblem));
    QCOMPARE(dump(warm).split(u'\n'), dump(none).split(u'\n'));
    QCOMPARE(warm.stats.summary(), none.stats.summary());
    QCOMPARE(warm.mergedFolders, none.mergedFolders);
}

QTEST_GUILESS_MAIN(TestTableSnapshot)
#include "tst_tablesnapshot.moc"
