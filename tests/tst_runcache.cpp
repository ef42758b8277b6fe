// The persistent run cache through the whole load: a warm load gives what a cold load and a
// load without the cache give, a changed file invalidates exactly its run, and a cache file
// that is damaged, hostile, foreign or of another version is ignored and rebuilt.
#include "readers/bytecodec.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "readers/runcache.h"

#include <QDateTime>
#include <QDirIterator>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <cmath>
#include <sys/stat.h>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::copyTree;

namespace {

/// Rewrites a file, keeping it an hour old unless `fresh`.
bool rewrite(const QString &path, const QByteArray &bytes, bool fresh = false) {
    if (!testutil::writeFile(path, bytes)) return false;
    return fresh || testutil::age(path, 1800);
}

LoadResult load(const QStringList &roots, const QString &cacheDir, int jobs = 2,
                const ReadLimits &limits = {}) {
    LoadOptions options;
    options.useSnapshot = false; // the run cache alone (tst_tablesnapshot tests the snapshot)
    options.jobs = jobs;
    options.cacheDir = cacheDir;
    options.limits = limits;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

QString dump(const LoadResult &r) {
    return testutil::dumpTable(r.table);
}

QByteArray readAll(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Sets the checksum of a cache file after a test changed its bytes (layout in runcache.cpp).
void fixChecksum(QByteArray &file) {
    const std::uint64_t sum = checksum64(QByteArrayView(file).sliced(24));
    qToLittleEndian(sum, file.data() + 16);
}

ino_t inode(const QString &path) {
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_ino : 0;
}

/// A format RunLens does not cache: it does not declare its input files.
class NoInputsReader final : public Reader {
public:
    QString format() const override { return u"plain"_s; }
    bool detect(const DirListing &dir) const override { return dir.hasFile(u"value.txt"_s); }
    RunRecord read(const RunCandidate &c, const ScanNotes &, const ReadLimits &) const override {
        RunRecord r;
        r.format = format();
        r.path = c.path;
        r.id = QFileInfo(c.path).fileName();
        QFile f(c.path + u"/value.txt"_s);
        if (f.open(QIODevice::ReadOnly))
            r.add(Family::Metric, Key({u"value"_s}),
                  Value::string(QString::fromUtf8(f.readAll().trimmed())));
        return r;
    }
};

} // namespace

class TestRunCache : public QObject {
    Q_OBJECT

private slots:
    void init();
    void coldWarmAndUncachedAgree_data();
    void coldWarmAndUncachedAgree();
    void corpusAgrees();
    void recordBatchesAgree();
    void changedFileInvalidatesItsRun();
    void sameSizeNewTimeInvalidates();
    void recentFilesAreNotStored();
    void deletedRunIsDropped();
    void sweepNoteChangeInvalidates();
    void otherLimitsIgnoreTheCache();
    void otherTimeZoneIgnoresTheCache();
    void readerWithoutInputsIsNotCached();
    void unusableCacheFile_data();
    void unusableCacheFile();
    void unusableCacheFileIsReplaced();
    void mutatedCacheFileDoesNotCrash();
    void unwritableCacheDir();
    void byteReaderRefusesHugeLengths();

private:
    /// Fresh copies of fixtures under m_data, aged; returns the copied roots.
    QStringList copyFixtures(const QStringList &names);

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_data;
    QString m_cache;
};

void TestRunCache::init() {
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_data = m_tmp->filePath(u"data"_s);
    m_cache = m_tmp->filePath(u"cache"_s);
}

QStringList TestRunCache::copyFixtures(const QStringList &names) {
    QStringList roots;
    for (const QString &name : names) {
        const QString to = QDir(m_data).filePath(name);
        if (!copyTree(QFINDTESTDATA(u"data/"_s + name), to) || !testutil::ageTree(to)) return {};
        roots << to;
    }
    return roots;
}

void TestRunCache::coldWarmAndUncachedAgree_data() {
    QTest::addColumn<QStringList>("fixtures");
    for (const char *f : {"wandb_old", "wandb_new", "wandb_sweep", "wandb_dupes", "wandb_legacy",
                          "wandb_offline", "generic", "malformed", "escaping"})
        QTest::newRow(f) << QStringList{QString::fromLatin1(f)};
    QTest::newRow("all") << QStringList{u"wandb_old"_s,   u"wandb_new"_s,    u"wandb_sweep"_s,
                                        u"wandb_dupes"_s, u"wandb_legacy"_s, u"wandb_offline"_s,
                                        u"generic"_s,     u"malformed"_s,    u"escaping"_s};
}

void TestRunCache::coldWarmAndUncachedAgree() {
    QFETCH(QStringList, fixtures);
    const QStringList roots = copyFixtures(fixtures);
    QVERIFY(!roots.isEmpty());
    const LoadResult none = load(roots, {});
    const LoadResult cold = load(roots, m_cache);
    const QString file = QDir(m_cache).filePath(RunCache::fileName(roots));
    const ino_t written = inode(file);
    const LoadResult warm = load(roots, m_cache);
    const LoadResult again = load(roots, m_cache, 1);
    const int runs = none.table.rowCount();
    QVERIFY(runs > 0);
    QCOMPARE(none.cacheHits + none.cacheMisses, 0);
    QCOMPARE(cold.cacheHits, 0);
    QCOMPARE(cold.cacheMisses, runs);
    QCOMPARE(warm.cacheHits, runs);
    QCOMPARE(warm.cacheMisses, 0);
    QCOMPARE(again.cacheHits, runs);
    QVERIFY2(cold.cacheProblem.isEmpty(), qPrintable(cold.cacheProblem));
    QVERIFY2(warm.cacheProblem.isEmpty(), qPrintable(warm.cacheProblem));
    QCOMPARE(dump(cold).split(u'\n'), dump(none).split(u'\n'));
    QCOMPARE(dump(warm).split(u'\n'), dump(none).split(u'\n'));
    QCOMPARE(dump(again).split(u'\n'), dump(none).split(u'\n'));
    QCOMPARE(warm.mergedFolders, none.mergedFolders);
    QCOMPARE(inode(file), written); // nothing changed: not written again
}

void TestRunCache::corpusAgrees() {
    const QString corpus = QStringLiteral(RUNLENS_CORPUS);
    if (!QFileInfo(corpus).isDir()) QSKIP("../shared/corpus is not there");
    const LoadResult none = load({corpus}, {});
    const LoadResult cold = load({corpus}, m_cache);
    const LoadResult warm = load({corpus}, m_cache);
    QVERIFY(none.table.rowCount() > 10);
    // Corpus files are old: every run is stored, but for the runs of databases and journals
    // (Optuna), which are read whole each time.
    int inFiles = 0;
    for (int r = 0; r < none.table.rowCount(); ++r)
        inFiles += splitRunInFilePath(none.table.run(r).path) ||
                   none.table.run(r).format == u"optuna";
    QVERIFY(inFiles > 0);
    QCOMPARE(warm.cacheHits, none.table.rowCount() - inFiles);
    QCOMPARE(dump(cold).split(u'\n'), dump(none).split(u'\n'));
    QCOMPARE(dump(warm).split(u'\n'), dump(none).split(u'\n'));
}

void TestRunCache::recordBatchesAgree() {
    // The GUI takes records in batches instead of a table: cached records come whole.
    const QStringList roots = copyFixtures({u"wandb_new"_s, u"generic"_s, u"malformed"_s});
    QVERIFY(!roots.isEmpty());
    const LoadResult none = load(roots, {});
    QVERIFY(load(roots, m_cache).cacheMisses > 0);
    LoadOptions options;
    options.cacheDir = m_cache;
    options.batchSize = 3;
    RunTable table;
    options.onRecords = [&](std::vector<RunRecord> &&batch) {
        for (RunRecord &r : batch)
            table.appendRun(std::move(r));
    };
    const LoadResult warm = loadRuns(roots, ReaderRegistry::withBuiltins(), options);
    QCOMPARE(warm.cacheHits, none.table.rowCount());
    table.squeeze();
    QCOMPARE(testutil::dumpTable(table).split(u'\n'), dump(none).split(u'\n'));
}

void TestRunCache::changedFileInvalidatesItsRun() {
    const QStringList roots = copyFixtures({u"generic"_s});
    QVERIFY(!roots.isEmpty());
    const int runs = load(roots, m_cache).table.rowCount();
    QCOMPARE(load(roots, m_cache).cacheHits, runs);

    const QString metrics = roots[0] + u"/exp-yaml/metrics.json"_s;
    QVERIFY(rewrite(metrics, "{\"epoch\": 30, \"train/loss\": 0.25, \"val/acc\": 0.5}\n"));
    const LoadResult changed = load(roots, m_cache);
    QCOMPARE(changed.cacheMisses, 1);
    QCOMPARE(changed.cacheHits, runs - 1);
    const int row = testutil::rowOf(changed.table, u"exp-yaml"_s);
    QCOMPARE(testutil::typed(testutil::cell(changed.table, row, Family::Metric, u"val/acc"_s)),
             u"float:0.5"_s);
    QVERIFY(!testutil::cell(changed.table, row, Family::Metric, u"test/acc"_s).isNumber());
    QCOMPARE(dump(changed), dump(load(roots, {})));
    // The replaced entry was saved: the next load reads nothing.
    QCOMPARE(load(roots, m_cache).cacheHits, runs);
}

void TestRunCache::sameSizeNewTimeInvalidates() {
    const QStringList roots = copyFixtures({u"generic"_s});
    QVERIFY(!roots.isEmpty());
    const QString metrics = roots[0] + u"/exp-yaml/metrics.json"_s;
    QByteArray bytes = readAll(metrics);
    const int runs = load(roots, m_cache).table.rowCount();
    QVERIFY(bytes.contains("0.781"));
    bytes.replace("0.781", "0.999"); // same size
    QVERIFY(rewrite(metrics, bytes));
    const LoadResult changed = load(roots, m_cache);
    QCOMPARE(changed.cacheMisses, 1);
    QCOMPARE(changed.cacheHits, runs - 1);
    const int row = testutil::rowOf(changed.table, u"exp-yaml"_s);
    QCOMPARE(testutil::typed(testutil::cell(changed.table, row, Family::Metric, u"val/acc"_s)),
             u"float:0.999"_s);
}

void TestRunCache::recentFilesAreNotStored() {
    const QStringList roots = copyFixtures({u"generic"_s});
    QVERIFY(!roots.isEmpty());
    const int runs = load(roots, m_cache).table.rowCount();
    const QString metrics = roots[0] + u"/exp-json/results.json"_s;
    QVERIFY(rewrite(metrics, "{\"acc\": 1}", /*fresh=*/true));
    // Written just now, the file could change again within its timestamp's granularity
    // unseen: its run is read every time until the file is a few seconds old.
    for (int i = 0; i < 2; ++i) {
        const LoadResult r = load(roots, m_cache);
        QCOMPARE(r.cacheMisses, 1);
        QCOMPARE(r.cacheHits, runs - 1);
    }
    QVERIFY(testutil::age(metrics, 60));
    QCOMPARE(load(roots, m_cache).cacheMisses, 1);
    QCOMPARE(load(roots, m_cache).cacheHits, runs);
}

void TestRunCache::deletedRunIsDropped() {
    const QStringList roots = copyFixtures({u"generic"_s});
    QVERIFY(!roots.isEmpty());
    const int runs = load(roots, m_cache).table.rowCount();
    QVERIFY(QDir(roots[0] + u"/exp-json"_s).removeRecursively());
    const LoadResult after = load(roots, m_cache);
    QCOMPARE(after.table.rowCount(), runs - 1);
    QCOMPARE(after.cacheHits, runs - 1);
    QCOMPARE(after.cacheMisses, 0);
    QCOMPARE(testutil::rowOf(after.table, u"exp-json"_s), -1);
    QCOMPARE(RunCache(m_cache, roots, {}).entryCount(), runs - 1);
}

void TestRunCache::sweepNoteChangeInvalidates() {
    // The sweep id of a W&B run comes from a file outside its folder.
    const QStringList roots = copyFixtures({u"wandb_sweep"_s});
    QVERIFY(!roots.isEmpty());
    const LoadResult cold = load(roots, m_cache);
    const int row = testutil::rowOf(cold.table, u"swp00001"_s);
    QCOMPARE(testutil::cell(cold.table, row, Family::Meta, u"wandb.sweep"_s).displayText(),
             u"sw9abc12"_s);
    QVERIFY(QFile::remove(roots[0] + u"/wandb/sweep-sw9abc12/config-swp00001.yaml"_s));
    const LoadResult after = load(roots, m_cache);
    QCOMPARE(after.cacheMisses, 1);
    QVERIFY(testutil::cell(after.table, testutil::rowOf(after.table, u"swp00001"_s), Family::Meta,
                           u"wandb.sweep"_s)
                .isMissing());
    QCOMPARE(dump(after), dump(load(roots, {})));
}

void TestRunCache::otherLimitsIgnoreTheCache() {
    const QStringList roots = copyFixtures({u"generic"_s});
    QVERIFY(!roots.isEmpty());
    const int runs = load(roots, m_cache).table.rowCount();
    ReadLimits small;
    small.maxJsonBytes = 50; // metrics files are larger: they become issues
    const LoadResult limited = load(roots, m_cache, 2, small);
    QCOMPARE(limited.cacheHits, 0);
    QCOMPARE(dump(limited), dump(load(roots, {}, 2, small)));
    QCOMPARE(load(roots, m_cache, 2, small).cacheHits, runs);
}

void TestRunCache::otherTimeZoneIgnoresTheCache() {
    // W&B folder names hold local times, read in the time zone of the machine.
    const QStringList roots = copyFixtures({u"wandb_offline"_s});
    QVERIFY(!roots.isEmpty());
    const QByteArray saved = qgetenv("TZ");
    const auto restore = qScopeGuard([&] {
        if (saved.isNull())
            qunsetenv("TZ");
        else
            qputenv("TZ", saved);
    });
    qputenv("TZ", "UTC");
    const int runs = load(roots, m_cache).table.rowCount();
    QCOMPARE(load(roots, m_cache).cacheHits, runs);
    qputenv("TZ", "Asia/Tokyo");
    const LoadResult tokyo = load(roots, m_cache);
    QCOMPARE(tokyo.cacheHits, 0);
    QCOMPARE(dump(tokyo), dump(load(roots, {})));
}

void TestRunCache::readerWithoutInputsIsNotCached() {
    QVERIFY(testutil::writeFile(m_data + u"/a/value.txt"_s, "1"));
    QVERIFY(testutil::writeFile(m_data + u"/b/value.txt"_s, "2"));
    QVERIFY(testutil::ageTree(m_data));
    ReaderRegistry registry;
    registry.add(std::make_unique<NoInputsReader>());
    LoadOptions options;
    options.cacheDir = m_cache;
    QCOMPARE(loadRuns({m_data}, registry, options).cacheMisses, 2);
    QVERIFY(rewrite(m_data + u"/a/value.txt"_s, "3"));
    const LoadResult r = loadRuns({m_data}, registry, options);
    QCOMPARE(r.cacheMisses, 2);
    QCOMPARE(testutil::cell(r.table, testutil::rowOf(r.table, u"a"_s), Family::Metric, u"value"_s)
                 .displayText(),
             u"3"_s);
}

void TestRunCache::unusableCacheFile_data() {
    QTest::addColumn<QString>("damage");
    for (const char *d : {"random bytes", "empty", "truncated", "flipped byte", "format version",
                          "schema version", "huge context length", "huge entry count",
                          "huge keys offset", "huge key count", "other roots"})
        QTest::newRow(d) << QString::fromLatin1(d);
}

void TestRunCache::unusableCacheFile() {
    QFETCH(QString, damage);
    const QStringList roots = copyFixtures({u"wandb_old"_s, u"wandb_new"_s, u"generic"_s});
    QVERIFY(!roots.isEmpty());
    const QString file = QDir(m_cache).filePath(RunCache::fileName(roots));
    const LoadResult none = load(roots, {});
    const int runs = none.table.rowCount();
    QCOMPARE(load(roots, m_cache).cacheMisses, runs);
    QByteArray bytes = readAll(file);
    QVERIFY(bytes.size() > 1000);

    const auto hugeVarint = [] { return QByteArray("\xff\xff\xff\xff\xff\xff\xff\xff\x3f", 9); };
    const qsizetype trailer = bytes.size() - 16;
    if (damage == u"random bytes") {
        bytes.resize(64 * 1024);
        QRandomGenerator rng(7);
        rng.fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    } else if (damage == u"empty") {
        bytes.clear();
    } else if (damage == u"truncated") {
        bytes.chop(bytes.size() / 3);
    } else if (damage == u"flipped byte") {
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x10);
    } else if (damage == u"format version") {
        qToLittleEndian<quint32>(2, bytes.data() + 8);
    } else if (damage == u"schema version") {
        qToLittleEndian<quint32>(999, bytes.data() + 12);
    } else if (damage == u"huge context length") {
        // The context's length is the varint at offset 24.
        qsizetype n = 1;
        while (bytes[24 + n - 1] & 0x80)
            ++n;
        bytes.replace(24, n, hugeVarint());
        fixChecksum(bytes);
    } else if (damage == u"huge entry count") {
        qToLittleEndian<quint64>(quint64(1) << 61, bytes.data() + trailer + 8);
        fixChecksum(bytes);
    } else if (damage == u"huge keys offset") {
        qToLittleEndian<quint64>(quint64(1) << 62, bytes.data() + trailer);
        fixChecksum(bytes);
    } else if (damage == u"huge key count") {
        const qsizetype keysAt = qsizetype(qFromLittleEndian<quint64>(bytes.data() + trailer));
        const qsizetype countBytes = (bytes[keysAt] & 0x80) ? 2 : 1;
        bytes.replace(keysAt, countBytes, hugeVarint());
        qToLittleEndian<quint64>(quint64(keysAt), bytes.data() + bytes.size() - 16);
        fixChecksum(bytes);
    } else if (damage == u"other roots") {
        // A valid cache of other folders, put under this file's name.
        const QStringList other = {roots[0]};
        QCOMPARE(load(other, m_cache).cacheMisses, 1);
        bytes = readAll(QDir(m_cache).filePath(RunCache::fileName(other)));
    }
    QVERIFY(testutil::writeFile(file, bytes));

    const LoadResult r = load(roots, m_cache);
    QCOMPARE(r.cacheHits, 0);
    QCOMPARE(r.cacheMisses, runs);
    QCOMPARE(dump(r), dump(none));
    // Rewritten valid.
    const LoadResult after = load(roots, m_cache);
    QCOMPARE(after.cacheHits, runs);
    QVERIFY2(after.cacheProblem.isEmpty(), qPrintable(after.cacheProblem));
    QCOMPARE(dump(after), dump(none));
}

void TestRunCache::unusableCacheFileIsReplaced() {
    // Even when no run can be stored (all files just written), a bad file is not kept.
    QVERIFY(copyTree(QFINDTESTDATA("data/generic"), m_data));
    const QString file = QDir(m_cache).filePath(RunCache::fileName({m_data}));
    QVERIFY(testutil::writeFile(file, "garbage"));
    const LoadResult first = load({m_data}, m_cache);
    QCOMPARE(first.cacheHits, 0);
    QVERIFY(first.cacheProblem.contains(u"not a RunLens cache"_s));
    const LoadResult second = load({m_data}, m_cache);
    QVERIFY2(second.cacheProblem.isEmpty(), qPrintable(second.cacheProblem));
    QCOMPARE(RunCache(m_cache, {m_data}, {}).entryCount(), 0);
}

void TestRunCache::mutatedCacheFileDoesNotCrash() {
    // Random changes past a valid checksum: what a hostile file can do. The structure is
    // checked throughout, so loads end with every run, whether from the cache or not.
    const QStringList roots =
        copyFixtures({u"wandb_old"_s, u"wandb_new"_s, u"generic"_s, u"escaping"_s});
    QVERIFY(!roots.isEmpty());
    const QString file = QDir(m_cache).filePath(RunCache::fileName(roots));
    const int runs = load(roots, m_cache).table.rowCount();
    const QByteArray valid = readAll(file);
    QRandomGenerator rng(42);
    for (int round = 0; round < 200; ++round) {
        QByteArray bytes = valid;
        for (int n = rng.bounded(1, 5); n > 0; --n) {
            const qsizetype at = 24 + rng.bounded(bytes.size() - 24);
            bytes[at] = char(rng.bounded(2) ? rng.bounded(256) : bytes[at] ^ (1 << rng.bounded(8)));
        }
        fixChecksum(bytes);
        QVERIFY(testutil::writeFile(file, bytes));
        const LoadResult r = load(roots, m_cache, 1);
        QCOMPARE(r.table.rowCount(), runs);
        QCOMPARE(r.cacheHits + r.cacheMisses, runs);
    }
}

void TestRunCache::unwritableCacheDir() {
    const QStringList roots = copyFixtures({u"generic"_s});
    QVERIFY(!roots.isEmpty());
    // A file where the cache folder should be: no one can write there, not even root.
    QVERIFY(testutil::writeFile(m_cache, "not a folder"));
    const QString cacheDir = m_cache + u"/runlens"_s;
    const LoadResult none = load(roots, {});
    const LoadResult r = load(roots, cacheDir);
    QCOMPARE(r.cacheMisses, none.table.rowCount());
    QVERIFY(r.cacheProblem.contains(u"could not save"_s));
    QCOMPARE(dump(r), dump(none));
    QCOMPARE(load(roots, cacheDir).cacheHits, 0);
}

void TestRunCache::byteReaderRefusesHugeLengths() {
    QByteArray bytes;
    ByteWriter w(bytes);
    w.varint(std::uint64_t(1) << 62); // a string or list "that long"
    bytes.append("abc");
    {
        ByteReader in(bytes);
        QVERIFY(in.string().isEmpty());
        QVERIFY(!in.ok());
    }
    {
        ByteReader in(bytes);
        QCOMPARE(in.count(), 0);
        QVERIFY(!in.ok());
    }
    {
        ByteReader in(QByteArrayView("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11));
        in.varint(); // more than 64 bits
        QVERIFY(!in.ok());
    }
    // What is written reads back exactly, lone surrogates and all.
    QByteArray round;
    ByteWriter out(round);
    const QString odd = u"Résumé-λ "_s + QChar(0xd800) + u"end"_s;
    out.string(odd);
    out.string(u"plain"_s);
    out.svarint(-5);
    out.f64(-0.0);
    ByteReader in(round);
    QCOMPARE(in.string(), odd);
    QCOMPARE(in.string(), u"plain"_s);
    QCOMPARE(in.svarint(), -5);
    QVERIFY(std::signbit(in.f64()));
    QVERIFY(in.ok() && in.atEnd());
}

QTEST_GUILESS_MAIN(TestRunCache)
#include "tst_runcache.moc"
