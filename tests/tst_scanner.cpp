// scanFolders on trees the tests build: links, loops, special files, ignored and missing folders.
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "readers/scanner.h"

#include <QTemporaryDir>
#include <QTest>

#include "testutil.h"

#include <chrono>
#include <fcntl.h>
#include <future>
#include <sys/stat.h>
#include <unistd.h>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kMetrics = "{\"acc\": 0.5}\n";

/// A generic run folder: a metrics file is enough.
bool makeGenericRun(const QString &dir) {
    return testutil::writeFile(dir + u"/metrics.json"_s, kMetrics);
}

bool makeWandbRun(const QString &dir) {
    return testutil::writeFile(dir + u"/files/wandb-summary.json"_s, "{\"loss\": 0.5}\n") &&
           testutil::writeFile(dir + u"/files/config.yaml"_s,
                               "wandb_version: 1\nseed:\n  value: 1\n");
}

QStringList runPaths(const ScanResult &r, const QString &root) {
    QStringList out;
    for (const RunCandidate &c : r.runs)
        out << QDir(root).relativeFilePath(c.path);
    return out;
}

ScanResult scan(const QStringList &roots) {
    return scanFolders(roots, ReaderRegistry::withBuiltins());
}

/// Runs `f` on a worker and waits at most 20 s. If it is still busy then, it is stuck opening
/// `fifo`: a writer opens and closes it so that the blocked reader sees EOF, and the test fails
/// instead of hanging.
template <typename F> auto guardAgainstFifo(const QString &fifo, F f, bool &hung) {
    auto future = std::async(std::launch::async, f);
    hung = future.wait_for(std::chrono::seconds(20)) == std::future_status::timeout;
    while (future.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout) {
        const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
    }
    return future.get();
}

} // namespace

class TestScanner : public QObject {
    Q_OBJECT

private slots:
    void symlinkLoopEnds();
    void latestRunLinkIsNotASecondRun();
    void brokenLinksAreCounted();
    void fifoIsNeverOpened();
    void ignoredFolders();
    void missingRoots();
    void sortedOrder();
    void rootGivenTwice();
    void sweepFolderYieldsNote();
    void runFoldersInsideRuns();
};

void TestScanner::symlinkLoopEnds() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString root = tmp.path();
    QVERIFY(QDir().mkpath(root + u"/a/b"_s));
    QVERIFY(QFile::link(u"../.."_s, root + u"/a/b/loop"_s));
    QVERIFY(makeGenericRun(root + u"/a/b/run1"_s));
    QVERIFY(makeGenericRun(root + u"/z-run"_s));
    const ScanResult r = scan({root});
    QCOMPARE(runPaths(r, root), (QStringList{u"a/b/run1"_s, u"z-run"_s}));
    QCOMPARE(r.stats.linkedTwice, 1);
    QCOMPARE(r.stats.directories, 5); // root, a, a/b, a/b/run1, z-run
    QCOMPARE(r.stats.runFolders, 2);
    QVERIFY2(r.stats.summary().contains(u"1 folder(s) reached twice"_s),
             qPrintable(r.stats.summary()));
}

void TestScanner::latestRunLinkIsNotASecondRun() {
    QTemporaryDir tmp;
    const QString root = tmp.path();
    const QString runDir = root + u"/wandb/run-20240101_120000-abc12345"_s;
    QVERIFY(makeWandbRun(runDir));
    // `latest-run` sorts before `run-...`, so only walking real folders first keeps the real path.
    QVERIFY(QFile::link(u"run-20240101_120000-abc12345"_s, root + u"/wandb/latest-run"_s));
    const ScanResult r = scan({root});
    QCOMPARE(runPaths(r, root), QStringList{u"wandb/run-20240101_120000-abc12345"_s});
    QCOMPARE(r.stats.linkedTwice, 1);

    const LoadResult loaded = loadRuns({root}, ReaderRegistry::withBuiltins());
    QCOMPARE(loaded.table.rowCount(), 1);
    QCOMPARE(loaded.table.run(0).id, u"abc12345"_s);
    QCOMPARE(loaded.table.run(0).path, QDir::cleanPath(runDir));
    QCOMPARE(loaded.mergedFolders, 0);
}

void TestScanner::brokenLinksAreCounted() {
    QTemporaryDir tmp;
    const QString root = tmp.path();
    QVERIFY(makeGenericRun(root + u"/run"_s));
    QVERIFY(QFile::link(u"does-not-exist"_s, root + u"/dangling-dir"_s));
    QVERIFY(QFile::link(u"nope.json"_s, root + u"/run/results.json"_s));
    const ScanResult r = scan({root});
    QCOMPARE(runPaths(r, root), QStringList{u"run"_s});
    QCOMPARE(r.stats.brokenLinks, 2);
    QVERIFY2(r.stats.summary().contains(u"2 broken link(s)"_s), qPrintable(r.stats.summary()));
}

void TestScanner::fifoIsNeverOpened() {
    QTemporaryDir tmp;
    const QString root = tmp.path();
    QVERIFY(makeGenericRun(root + u"/run"_s));
    // A fifo where a reader would look for its config: opening it would block forever.
    const QString fifo = root + u"/run/config.yaml"_s;
    if (::mkfifo(QFile::encodeName(fifo).constData(), 0600) != 0)
        QSKIP("mkfifo is not available here");
    // A fifo named like a metrics file must not make a folder a run either.
    QVERIFY(QDir().mkpath(root + u"/not-run"_s));
    const QString fifo2 = root + u"/not-run/metrics.json"_s;
    QCOMPARE(::mkfifo(QFile::encodeName(fifo2).constData(), 0600), 0);

    bool hung = false;
    const ScanResult r = guardAgainstFifo(
        fifo, [&] { return scan({root}); }, hung);
    QVERIFY2(!hung, "the scanner opened a fifo");
    QCOMPARE(runPaths(r, root), QStringList{u"run"_s});
    QCOMPARE(r.stats.specialFiles, 2);

    const LoadResult loaded = guardAgainstFifo(
        fifo, [&] { return loadRuns({root}, ReaderRegistry::withBuiltins()); }, hung);
    QVERIFY2(!hung, "a reader opened a fifo");
    QCOMPARE(loaded.table.rowCount(), 1);
    // Readers only open the regular files the scanner listed; the fifo is in the scan's count.
    QCOMPARE(loaded.stats.specialFiles, 2);
    for (int c = 0; c < loaded.table.columnCount(); ++c)
        QVERIFY(loaded.table.column(c).family != Family::Config);
    QCOMPARE(testutil::typed(testutil::cell(loaded.table, 0, Family::Metric, u"acc"_s)),
             u"float:0.5"_s);
}

void TestScanner::ignoredFolders() {
    QTemporaryDir tmp;
    const QString root = tmp.path();
    // Each would be a run if it were walked.
    QVERIFY(makeGenericRun(root + u"/.git/x"_s));
    QVERIFY(makeGenericRun(root + u"/node_modules/pkg"_s));
    QVERIFY(makeGenericRun(root + u"/project/__pycache__"_s));
    QVERIFY(makeGenericRun(root + u"/project/exp1"_s));
    const ScanResult r = scan({root});
    QCOMPARE(runPaths(r, root), QStringList{u"project/exp1"_s});
    QCOMPARE(r.stats.ignoredDirs, 3);
    QVERIFY2(r.stats.summary().contains(u"3 ignored folder(s)"_s), qPrintable(r.stats.summary()));
}

void TestScanner::missingRoots() {
    QTemporaryDir tmp;
    const QString root = tmp.path();
    QVERIFY(makeGenericRun(root + u"/run"_s));
    const QString missing = root + u"/nope"_s;
    const QString file = root + u"/run/metrics.json"_s;
    const ScanResult r = scan({missing, root, file});
    QCOMPARE(r.stats.missingRoots, (QStringList{missing, file}));
    QCOMPARE(runPaths(r, root), QStringList{u"run"_s});
    QCOMPARE(r.runs.front().root, QDir::cleanPath(root));
}

void TestScanner::sortedOrder() {
    QTemporaryDir tmp1, tmp2;
    for (const QString &name : {u"r2"_s, u"b"_s, u"r10"_s, u"A"_s, u"a/x"_s, u"a/w"_s})
        QVERIFY(makeGenericRun(tmp1.path() + u'/' + name));
    QVERIFY(makeGenericRun(tmp2.path() + u"/first"_s));
    // Roots in the order given, names sorted within each folder, depth first.
    const ScanResult r = scan({tmp2.path(), tmp1.path()});
    QStringList got;
    for (const RunCandidate &c : r.runs)
        got << c.path;
    const QString p1 = QDir::cleanPath(tmp1.path()), p2 = QDir::cleanPath(tmp2.path());
    QCOMPARE(got, (QStringList{p2 + u"/first"_s, p1 + u"/A"_s, p1 + u"/a/w"_s, p1 + u"/a/x"_s,
                               p1 + u"/b"_s, p1 + u"/r10"_s, p1 + u"/r2"_s}));
    QCOMPARE(r.runs.front().root, p2);
    QCOMPARE(r.runs.back().root, p1);
    QCOMPARE(r.runs.back().files, QStringList{u"metrics.json"_s});
}

void TestScanner::rootGivenTwice() {
    QTemporaryDir tmp;
    QVERIFY(makeGenericRun(tmp.path() + u"/run"_s));
    const ScanResult r = scan({tmp.path(), tmp.path() + u"/"_s, tmp.path() + u"/run/.."_s});
    QCOMPARE(r.runs.size(), 1u);
    QCOMPARE(r.stats.linkedTwice, 2);
}

void TestScanner::sweepFolderYieldsNote() {
    QTemporaryDir tmp;
    const QString root = tmp.path();
    QVERIFY(testutil::writeFile(root + u"/wandb/sweep-sw1x2y3z/config-abc12345.yaml"_s,
                                "lr:\n  value: 0.1\n"));
    QVERIFY(testutil::writeFile(root + u"/wandb/sweep-sw1x2y3z/config-def67890.yaml"_s,
                                "lr:\n  value: 0.2\n"));
    QVERIFY(testutil::writeFile(root + u"/wandb/sweep-sw1x2y3z/README.md"_s, "not a config\n"));
    QVERIFY(makeWandbRun(root + u"/wandb/run-20240101_120000-abc12345"_s));
    const ScanResult r = scan({root});
    QCOMPARE(runPaths(r, root), QStringList{u"wandb/run-20240101_120000-abc12345"_s});
    QCOMPARE(r.notes.size(), 2);
    QCOMPARE(r.notes.value(u"wandb-sweep:abc12345"_s), u"sw1x2y3z"_s);
    QCOMPARE(r.notes.value(u"wandb-sweep:def67890"_s), u"sw1x2y3z"_s);

    const RunTable t = loadRuns({root}, ReaderRegistry::withBuiltins()).table;
    QCOMPARE(testutil::typed(testutil::cell(t, 0, Family::Meta, u"wandb.sweep"_s)),
             u"string:sw1x2y3z"_s);
}

void TestScanner::runFoldersInsideRuns() {
    // A generic run may hold further runs; a W&B run folder is not descended into.
    QTemporaryDir tmp;
    const QString root = tmp.path();
    QVERIFY(makeGenericRun(root + u"/outer"_s));
    QVERIFY(makeGenericRun(root + u"/outer/inner"_s));
    QVERIFY(makeWandbRun(root + u"/wandb/run-20240101_120000-abc12345"_s));
    QVERIFY(makeGenericRun(root + u"/wandb/run-20240101_120000-abc12345/files/media"_s));
    const ScanResult r = scan({root});
    QCOMPARE(runPaths(r, root),
             (QStringList{u"outer"_s, u"outer/inner"_s, u"wandb/run-20240101_120000-abc12345"_s}));
}

QTEST_GUILESS_MAIN(TestScanner)
#include "tst_scanner.moc"
