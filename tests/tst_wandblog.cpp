// W&B's binary transaction log (`run-<id>.wandb`, wandblog.h): the framing (blocks, chunks,
// checksums, damage) and the records (run, config, summary, history, exit). Logs are written by
// tests/wandblogwriter.h; the committed seeds of tests/data/wandblog/ by make_seeds.py there, a
// second, independent encoder. tst_wandbreaderlog reads logs through WandbReader.
#include "readers/checksum.h"
#include "readers/wandblog.h"
#include "readers/wandblogframes.h"

#include <QBuffer>
#include <QTest>

#include "testutil.h"
#include "wandblogwriter.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::findIssue;
using testutil::issuesText;
namespace w = wandbwriter;

namespace {

/// Every record of a log with its offset, and the framing's problems.
struct Framed {
    QList<QByteArray> records;
    QList<qint64> offsets;
    RunRecord issues;
    bool isLog = false;
    bool cutShort = false;
};

Framed frame(const QByteArray &bytes, qint64 maxRecord = 64 * 1000 * 1000) {
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    WandbLogFrames frames(buffer, maxRecord);
    Framed out;
    out.isLog = frames.open();
    QByteArrayView record;
    qint64 offset = 0;
    while (frames.next(record, offset)) {
        out.records << record.toByteArray();
        out.offsets << offset;
    }
    out.cutShort = frames.cutShort();
    frames.report(out.issues, u"x.wandb"_s);
    return out;
}

WandbLog readLog(const QByteArray &bytes, const ReadLimits &limits = {}) {
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return readWandbLog(buffer, u"x.wandb"_s, limits);
}

QString issues(const WandbLog &log) {
    return issuesText(log.issues);
}

/// A payload of exactly `size` bytes: the framing never looks inside its records.
QByteArray recordOfSize(qsizetype size) {
    return QByteArray(size, 'r');
}

/// The values of a Doc's top-level member as compact JSON-ish text, for comparisons.
QString member(const Doc &doc, const QString &key) {
    const DocNode *top = doc.rootNode();
    if (!top) return u"<no doc>"_s;
    const DocNode *n = doc.member(*top, key);
    if (!n) return u"<none>"_s;
    if (n->kind == DocNode::Kind::Scalar) return testutil::typed(n->value);
    Flattener f;
    QString json;
    f.toJson(doc, int(n - doc.nodes.data()), json);
    return json;
}

const WandbHistory::Series *series(const WandbLog &log, const QString &key) {
    for (const WandbHistory::Series &s : log.history)
        if (s.key == testutil::key(key)) return &s;
    return nullptr;
}

/// A Doc as short text: `{key: value, ...}`, `[...]`, scalars as written; strings longer
/// than 40 characters as their length, so a seed's expectations stay readable.
QString docText(const Doc &doc, int node = -2) {
    if (node == -2) node = doc.root;
    if (node < 0) return u"-"_s;
    const DocNode &n = doc.node(node);
    QStringList parts;
    switch (n.kind) {
    case DocNode::Kind::Scalar:
        if (n.value.type() == Value::Type::String)
            return n.value.rawText().size() > 40 ? u"<%1 chars>"_s.arg(n.value.rawText().size())
                                                 : u'"' + n.value.rawText() + u'"';
        return n.value.displayText();
    case DocNode::Kind::Seq:
        for (int i : n.items)
            parts << docText(doc, i);
        return u'[' + parts.join(u", "_s) + u']';
    case DocNode::Kind::Map:
        for (const auto &[k, child] : n.members)
            parts << k + u": "_s + docText(doc, child);
        return u'{' + parts.join(u", "_s) + u'}';
    }
    return {};
}

/// What a log holds, on one line: records, run, exit, config, summary, history (key:count:last).
QString describe(const WandbLog &log) {
    QStringList history;
    for (const WandbHistory::Series &s : log.history)
        history << u"%1:%2:%3"_s.arg(s.key.display())
                       .arg(s.history.count())
                       .arg(Value::formatReal(s.history.last()));
    return u"records=%1 run=%2 exit=%3 config=%4 summary=%5%6 history=%7"_s.arg(
        QString::number(log.records),
        log.run ? log.run->runId + u'/' + log.run->displayName : u"-"_s,
        log.exit ? QString::number(log.exit->code) : u"none"_s, docText(log.config),
        docText(log.summary), log.summaryFromHistory ? u"(from history)"_s : QString(),
        history.isEmpty() ? u"-"_s : history.join(u','));
}

} // namespace

class TestWandbLog : public QObject {
    Q_OBJECT

private slots:
    // Framing
    void checksumMatchesZlib();
    void recordsSpanBlocks();
    void paddingAtBlockEnd_data();
    void paddingAtBlockEnd();
    void notALog_data();
    void notALog();
    void cutShort_data();
    void cutShort();
    void badChecksumSkipsToNextBlock();
    void damagedChunkHeader();
    void orphanParts();
    void recordSizeCap();
    // Records
    void runFacts();
    void configUpdatesAndRemovals();
    void summaryUpdatesAndRemovals();
    void manyRemovals();
    void summaryFromHistory();
    void historySummaries();
    void historyOfObjectsAndMedia();
    void malformedRecordsAndValues();
    void hostileLimits();
    void curveOfKeyWithBadUtf8();
    void seeds_data();
    void seeds();
};

// ---------------------------------------------------------------------------------------------
// Framing

void TestWandbLog::checksumMatchesZlib() {
    // Python's zlib.crc32 of bytes (7i + 3) mod 256: whole, 13 bytes (one 8-byte slice and a
    // tail), and continued after 5 bytes.
    QByteArray bytes(1000, '\0');
    for (int i = 0; i < bytes.size(); ++i)
        bytes[i] = char((i * 7 + 3) & 0xff);
    QCOMPARE(crc32Ieee(bytes), 0x17bc2a46u);
    QCOMPARE(crc32Ieee(bytes.left(13)), 0xa97ad5c1u);
    QCOMPARE(crc32Ieee(bytes.mid(5), crc32Ieee(bytes.left(5))), 0x17bc2a46u);
}

void TestWandbLog::recordsSpanBlocks() {
    // A record of 100 kB crosses three block boundaries: FIRST, MIDDLE, MIDDLE, LAST.
    const QByteArray small = w::output(u"hello"_s), big = recordOfSize(100000);
    const QByteArray bytes = w::log({small, big, small});
    QCOMPARE(bytes.at(w::kBlock + 6), char(w::Middle));
    QCOMPARE(bytes.at(3 * w::kBlock + 6), char(w::Last));
    const Framed f = frame(bytes);
    QVERIFY(f.isLog);
    QVERIFY2(f.issues.issues.empty(), qPrintable(issuesText(f.issues.issues)));
    QCOMPARE(f.records, (QList<QByteArray>{small, big, small}));
    const qint64 second = 7 + 7 + small.size();
    QCOMPARE(f.offsets, (QList<qint64>{7, second, second + 4 * 7 + big.size()}));
}

void TestWandbLog::paddingAtBlockEnd_data() {
    QTest::addColumn<int>("left");
    for (int left = 0; left <= 8; ++left)
        QTest::addRow("%d bytes left", left) << left;
}

void TestWandbLog::paddingAtBlockEnd() {
    // The first record leaves `left` bytes in block 0: fewer than 7 are zero padding; exactly
    // 7 hold an empty FIRST chunk (LevelDB's writer does that), more a FIRST with data.
    QFETCH(int, left);
    const QByteArray first = recordOfSize(w::kBlock - 7 - 7 - left);
    QVERIFY(!first.isEmpty());
    const QByteArray second = w::output(u"after the padding"_s);
    const QByteArray bytes = w::log({first, second});
    if (left < 7) QCOMPARE(bytes.mid(w::kBlock - left, left), QByteArray(left, '\0'));
    const Framed f = frame(bytes);
    QVERIFY2(f.issues.issues.empty(), qPrintable(issuesText(f.issues.issues)));
    QCOMPARE(f.records, (QList<QByteArray>{first, second}));
    QCOMPARE(f.offsets.at(1), left < 7 ? w::kBlock : w::kBlock - left);
}

void TestWandbLog::notALog_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("isLog");
    QTest::addColumn<QString>("issue");
    QTest::newRow("empty") << QByteArray() << false << u"warning:empty (0 bytes)"_s;
    QTest::newRow("text") << "{\"not\": \"a log\"}\n"_ba << false
                          << u"error:does not start with the \":W&B\" header"_s;
    QTest::newRow("short header") << ":W&B"_ba << false << u"error:\":W&B\" header"_s;
    QTest::newRow("no magic") << ":W&B\x00\x00\x00"_ba << false << u"error:\":W&B\" header"_s;
    QTest::newRow("version 1") << ":W&B\xe1\xbe\x01"_ba + w::log({w::output(u"x"_s)}).mid(7)
                               << false << u"error:version RunLens does not know"_s;
    QTest::newRow("header only") << ":W&B\xe1\xbe\x00"_ba << true << QString();
    QTest::newRow("zeros after the header")
        << ":W&B\xe1\xbe\x00"_ba + QByteArray(100, '\0') << true << QString();
}

void TestWandbLog::notALog() {
    QFETCH(QByteArray, bytes);
    QFETCH(bool, isLog);
    QFETCH(QString, issue);
    const WandbLog log = readLog(bytes);
    QCOMPARE(log.isLog, isLog);
    QCOMPARE(log.records, qint64(0));
    QVERIFY(!log.run && !log.exit && log.config.isEmpty() && log.summary.isEmpty());
    if (issue.isEmpty()) {
        QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
        return;
    }
    QCOMPARE(log.issues.size(), std::size_t(1));
    const QString severity = issue.section(u':', 0, 0);
    QCOMPARE(Issue::severityName(log.issues[0].severity), severity);
    QVERIFY2(log.issues[0].message.contains(issue.section(u':', 1)), qPrintable(issues(log)));
    QCOMPARE(log.issues[0].file, u"x.wandb"_s);
}

void TestWandbLog::cutShort_data() {
    QTest::addColumn<int>("cut"); // bytes kept
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("issueAt"); // the cut-off record's offset; -1: no issue
    // r1 small, r2 of 40 kB (FIRST in block 0, LAST in block 1), r3 small.
    const int r2 = 7 + 7 + int(w::output(u"first"_s).size());
    const int r2Size = int(recordOfSize(40000).size());
    const int r3 = r2 + 2 * 7 + r2Size;
    const int end = r3 + 7 + int(w::output(u"third"_s).size());
    QTest::newRow("whole") << end << 3 << -1;
    QTest::newRow("inside the last payload") << end - 3 << 2 << r3;
    QTest::newRow("inside the last chunk header") << r3 + 3 << 2 << r3;
    QTest::newRow("at the block end inside a record") << int(w::kBlock) << 1 << r2;
    QTest::newRow("inside a LAST chunk") << int(w::kBlock) + 100 << 1 << r2;
    QTest::newRow("inside a FIRST chunk") << r2 + 20 << 1 << r2;
}

void TestWandbLog::cutShort() {
    QFETCH(int, cut);
    QFETCH(int, records);
    QFETCH(int, issueAt);
    const QByteArray bytes =
        w::log({w::output(u"first"_s), recordOfSize(40000), w::output(u"third"_s)});
    const Framed f = frame(bytes.left(cut));
    QCOMPARE(f.records.size(), records);
    QCOMPARE(f.cutShort, issueAt >= 0);
    if (issueAt < 0) {
        QVERIFY(f.issues.issues.empty());
        return;
    }
    QCOMPARE(f.issues.issues.size(), std::size_t(1));
    const Issue &i = f.issues.issues[0];
    QCOMPARE(i.severity, Issue::Severity::Warning);
    QVERIFY2(i.message.contains(u"ends inside the record that begins at byte %1 "_s.arg(issueAt)),
             qPrintable(i.message));
}

void TestWandbLog::badChecksumSkipsToNextBlock() {
    // Block 0: A, B with a bad checksum, C; block 1: the FIRST of D with a bad checksum, E;
    // block 2: D's LAST (passed over with the rest of D), F.
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    w::LogWriter lw(buffer);
    const QByteArray a = w::output(u"a"_s), b = w::output(u"b"_s), c = w::output(u"c"_s);
    lw.add(a);
    const qint64 bAt = lw.pos();
    lw.chunk(w::Full, b, true);
    lw.add(c);
    lw.padBlock();
    const qint64 dAt = lw.pos();
    lw.chunk(w::First, QByteArray(100, 'd'), true);
    const QByteArray e = w::output(u"e"_s), f = w::output(u"f"_s);
    lw.add(e); // lost: the rest of block 1 after the bad chunk
    lw.padBlock();
    lw.chunk(w::Last, QByteArray(50, 'd'));
    lw.add(f);
    buffer.close();
    const Framed framed = frame(bytes);
    QCOMPARE(framed.records, (QList<QByteArray>{a, f}));
    QCOMPARE(framed.issues.issues.size(), std::size_t(1));
    const Issue &i = framed.issues.issues[0];
    QCOMPARE(i.severity, Issue::Severity::Error);
    QVERIFY2(i.message.contains(u"bad checksum at byte %1 (2 times in all)"_s.arg(bAt)),
             qPrintable(i.message));
    QVERIFY(dAt > bAt);
}

void TestWandbLog::damagedChunkHeader() {
    // A length past the block's end, then a valid chunk of an unknown type: each costs the rest
    // of its block; the record in the next block is read.
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    w::LogWriter lw(buffer);
    const qint64 at = lw.pos();
    lw.write(QByteArray::fromHex("00000000ffff01")); // 65535 bytes announced
    lw.padBlock();
    lw.chunk(char(9), "payload"_ba);
    lw.padBlock();
    const QByteArray good = w::output(u"good"_s);
    lw.add(good);
    buffer.close();
    const Framed f = frame(bytes);
    QCOMPARE(f.records, QList<QByteArray>{good});
    QCOMPARE(f.issues.issues.size(), std::size_t(1));
    QVERIFY2(f.issues.issues[0].message.contains(
                 u"damaged chunk header at byte %1 (a length past its block or an unknown "
                 "type) (2 times in all)"_s.arg(at)),
             qPrintable(f.issues.issues[0].message));
}

void TestWandbLog::orphanParts() {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    w::LogWriter lw(buffer);
    const qint64 middleAt = lw.pos();
    lw.chunk(w::Middle, "orphan"_ba);
    lw.chunk(w::First, "never finished"_ba);
    const QByteArray full = w::output(u"whole"_s);
    lw.add(full);
    buffer.close();
    const Framed f = frame(bytes);
    QCOMPARE(f.records, QList<QByteArray>{full});
    QCOMPARE(f.issues.issues.size(), std::size_t(1));
    QCOMPARE(f.issues.issues[0].severity, Issue::Severity::Warning);
    QVERIFY2(f.issues.issues[0].message.contains(u"out of order at byte %1"_s.arg(middleAt)) &&
                 f.issues.issues[0].message.contains(u"(2 times in all)"_s),
             qPrintable(f.issues.issues[0].message));
}

void TestWandbLog::recordSizeCap() {
    // With a cap of 50 kB: a FULL record above it and a 70 kB FIRST..LAST record are skipped,
    // the records around them are read.
    const QByteArray a = w::output(u"a"_s), big = recordOfSize(20000), huge = recordOfSize(70000);
    const QByteArray z = w::output(u"z"_s);
    const Framed f = frame(w::log({a, big, huge, z}), 10000);
    QCOMPARE(f.records, (QList<QByteArray>{a, z}));
    QCOMPARE(f.issues.issues.size(), std::size_t(1));
    const qint64 bigAt = 7 + 7 + a.size();
    QVERIFY2(
        f.issues.issues[0].message.contains(u"larger than 10000 bytes at byte %1"_s.arg(bigAt)) &&
            f.issues.issues[0].message.contains(u"(2 times in all)"_s),
        qPrintable(f.issues.issues[0].message));
}

// ---------------------------------------------------------------------------------------------
// Records

void TestWandbLog::runFacts() {
    // The Python SDK writes a second RunRecord: its non-empty fields win, the others stay.
    w::RunFacts first;
    first.id = u"abc12345"_s;
    first.entity = u"team"_s;
    first.project = u"proj"_s;
    first.group = u"grp"_s;
    first.jobType = u"train"_s;
    first.notes = u"first try"_s;
    first.tags = {u"a"_s, u"b"_s};
    first.sweep = u"sw1"_s;
    first.host = u"node-1"_s;
    first.remote = u"git@example.com:x/y.git"_s;
    first.commit = u"0123abcd"_s;
    first.startSec = 1714564800;
    first.startNanos = 250000000;
    first.resumed = true;
    first.startingStep = 40;
    w::RunFacts second;
    second.name = u"brave-fox-7"_s;
    second.tags = {u"c"_s};
    const WandbLog log = readLog(w::log({w::run(first), w::run(second)}));
    QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
    QVERIFY(log.run);
    const WandbLogRun &r = *log.run;
    QCOMPARE(r.runId, u"abc12345"_s);
    QCOMPARE(r.entity, u"team"_s);
    QCOMPARE(r.project, u"proj"_s);
    QCOMPARE(r.displayName, u"brave-fox-7"_s);
    QCOMPARE(r.group, u"grp"_s);
    QCOMPARE(r.jobType, u"train"_s);
    QCOMPARE(r.notes, u"first try"_s);
    QCOMPARE(r.tags, QStringList{u"c"_s});
    QCOMPARE(r.sweepId, u"sw1"_s);
    QCOMPARE(r.host, u"node-1"_s);
    QCOMPARE(r.gitRemote, u"git@example.com:x/y.git"_s);
    QCOMPARE(r.gitCommit, u"0123abcd"_s);
    QCOMPARE(r.startMs, qint64(1714564800250));
    QVERIFY(r.resumed);
    QCOMPARE(r.startingStep, qint64(40));
    QVERIFY(!log.exit);
    QCOMPARE(log.records, qint64(2));
}

void TestWandbLog::configUpdatesAndRemovals() {
    w::RunFacts run;
    run.config = {{{u"_wandb"_s}, "{}"},
                  {{u"a"_s}, "1"},
                  {{u"opt"_s}, R"({"lr": 0.1, "betas": [0.9, 0.99]})"},
                  {{u"x"_s}, "5"}};
    const QByteArray bytes = w::log({
        w::run(run),
        // An update inside a value set as a whole object, a new nested path, removals (one of
        // them inside that object, one of a path that does not exist).
        w::config({{{u"opt"_s, u"lr"_s}, "0.2"}, {{u"opt"_s, u"sched"_s, u"name"_s}, "\"cos\""}},
                  {{u"a"_s}, {u"opt"_s, u"betas"_s}, {u"zz"_s, u"y"_s}}),
        // A dotted key is one key, not a path; a path through a number replaces it.
        w::config({{{u"a.b"_s}, "3"}, {{u"x"_s, u"y"_s}, "true"}, {{u"a"_s}, "[1, 2]"}}),
    });
    const WandbLog log = readLog(bytes);
    QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
    QCOMPARE(member(log.config, u"opt"_s), u"{\"lr\": 0.2, \"sched\": {\"name\": \"cos\"}}"_s);
    QCOMPARE(member(log.config, u"a"_s), u"[1, 2]"_s);
    QCOMPARE(member(log.config, u"a.b"_s), u"int:3"_s);
    QCOMPARE(member(log.config, u"x"_s), u"{\"y\": true}"_s);
    QCOMPARE(member(log.config, u"_wandb"_s), u"{}"_s);
    QCOMPARE(member(log.config, u"zz"_s), u"<none>"_s);
    QVERIFY(log.summary.isEmpty());
}

void TestWandbLog::summaryUpdatesAndRemovals() {
    const QByteArray bytes = w::log({
        w::history({{{u"acc"_s}, "0.1"}, {{u"_step"_s}, "0"}}),
        w::summary({{{u"loss"_s}, "NaN"},
                    {{u"best"_s}, "Infinity"},
                    {{u"worst"_s}, "-Infinity"},
                    {{u"_wandb"_s, u"runtime"_s}, "12"},
                    {{u"acc"_s}, "0.5"}}),
        w::summary({{{u"acc"_s}, "0.7"}}, {{u"best"_s}}),
    });
    const WandbLog log = readLog(bytes);
    QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
    QVERIFY(!log.summaryFromHistory); // summary records exist: the history does not make it
    QCOMPARE(member(log.summary, u"loss"_s), u"float:NaN"_s);
    QCOMPARE(member(log.summary, u"worst"_s), u"float:-Infinity"_s);
    QCOMPARE(member(log.summary, u"best"_s), u"<none>"_s);
    QCOMPARE(member(log.summary, u"acc"_s), u"float:0.7"_s);
    QCOMPARE(member(log.summary, u"_wandb"_s), u"{\"runtime\": 12}"_s);
    QCOMPARE(member(log.summary, u"_step"_s), u"<none>"_s);
}

void TestWandbLog::manyRemovals() {
    // 40 keys, 30 of them removed (the removed places are swept from the list as they pile
    // up), two set again: the survivors keep their order, the re-added come last. Then 10,000
    // alternating sets and removals of one key stay fast.
    w::Items all;
    for (int i = 0; i < 40; ++i)
        all.append({{u"k%1"_s.arg(i)}, QByteArray::number(i)});
    QList<QStringList> removed;
    for (int i = 0; i < 40; ++i)
        if (i % 4 != 0) removed.append({u"k%1"_s.arg(i)});
    QList<QByteArray> records{
        w::config(all, removed),
        w::config({{{u"k1"_s}, "-1"}, {{u"k0"_s}, "100"}, {{u"k2"_s}, "-2"}})};
    for (int i = 0; i < 10000; ++i)
        records << w::config({{{u"flip"_s}, "1"}}, {{u"flip"_s}});
    const WandbLog log = readLog(w::log(records));
    QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
    QCOMPARE(docText(log.config),
             u"{k0: 100, k4: 4, k8: 8, k12: 12, k16: 16, k20: 20, k24: 24, k28: 28, k32: 32, "
             "k36: 36, k1: -1, k2: -2}"_s);
}

void TestWandbLog::summaryFromHistory() {
    // No summary record (a Python SDK run killed before its exit): the last value of each key.
    const QByteArray bytes = w::log({
        w::history({{{u"loss"_s}, "0.9"}, {{u"_step"_s}, "0"}, {{u"note"_s}, "\"warming\""}}),
        w::history({{{u"loss"_s}, "0.4"},
                    {{u"_step"_s}, "1"},
                    {{u"img"_s, u"_type"_s}, "\"image-file\""},
                    {{u"img"_s, u"width"_s}, "32"}}),
    });
    const WandbLog log = readLog(bytes);
    QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
    QVERIFY(log.summaryFromHistory);
    QCOMPARE(member(log.summary, u"loss"_s), u"float:0.4"_s);
    QCOMPARE(member(log.summary, u"_step"_s), u"int:1"_s);
    QCOMPARE(member(log.summary, u"note"_s), u"string:warming"_s);
    QCOMPARE(member(log.summary, u"img"_s), u"{\"_type\": \"image-file\", \"width\": 32}"_s);
}

void TestWandbLog::historySummaries() {
    // Steps from `_step`, else the HistoryRecord's step, else the position; `_runtime`,
    // `_timestamp` and `_step` are not metrics.
    const QByteArray bytes = w::log({
        w::history({{{u"loss"_s}, "4"},
                    {{u"_step"_s}, "0"},
                    {{u"_runtime"_s}, "1.5"},
                    {{u"_timestamp"_s}, "1.7e9"}}),
        w::history({{{u"_step"_s}, "10"}, {{u"loss"_s}, "NaN"}}),
        w::history({{{u"loss"_s}, "1"}, {{u"acc"_s}, "0.5"}}, 20),
        w::history({{{u"loss"_s}, "2"}, {{u"_step"_s}, "15"}}),
        w::summary({{{u"loss"_s}, "7"}}),
    });
    const WandbLog log = readLog(bytes);
    QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
    QCOMPARE(log.historyRows, qint64(4));
    QCOMPARE(log.history.size(), std::size_t(2));
    QCOMPARE(log.history[0].key, testutil::key(u"loss"_s)); // in the order first logged
    const WandbHistory::Series *loss = series(log, u"loss"_s);
    QVERIFY(loss);
    RunRecord run;
    loss->history.addTo(run, loss->key);
    QCOMPARE(testutil::entriesText(run),
             u"metric loss=float:1\n" // the last by step: step 20
             "meta history.min.loss=float:1\nmeta history.max.loss=float:4\n"
             "meta history.mean.loss=float:2.3333333333333335\nmeta history.steps.loss=int:4"_s);
    QVERIFY(!series(log, u"_step"_s) && !series(log, u"_runtime"_s) &&
            !series(log, u"_timestamp"_s));
    QCOMPARE(series(log, u"acc"_s)->history.count(), 1);
}

void TestWandbLog::historyOfObjectsAndMedia() {
    // The Python SDK logs a dict as one JSON object (metric a.b, as the summary flattens it);
    // media objects (`_type`) are not metrics, whole or as wandb-core's nested items.
    const QByteArray bytes = w::log({
        w::history({{{u"a"_s}, R"({"b": 1.5, "h": {"_type": "histogram", "bins": [1, 2]}})"},
                    {{u"img"_s, u"_type"_s}, "\"image-file\""},
                    {{u"img"_s, u"width"_s}, "32"},
                    {{u"s"_s}, "\"text\""},
                    {{u"flag"_s}, "true"},
                    {{u"c"_s, u"d"_s}, "2"}}),
    });
    const WandbLog log = readLog(bytes);
    QVERIFY2(log.issues.empty(), qPrintable(issues(log)));
    QStringList keys;
    for (const WandbHistory::Series &s : log.history)
        keys << s.key.display();
    QCOMPARE(keys, (QStringList{u"a.b"_s, u"c.d"_s}));
}

void TestWandbLog::malformedRecordsAndValues() {
    // A record that is not a protobuf, a summary value that is not JSON, a history value that
    // is not JSON: each left out with one issue naming where; the sound ones are read.
    const QByteArray good = w::summary({{{u"ok"_s}, "1"}});
    const QByteArray garbage = "\x12\xff\xff\xff\xff\x0f"_ba; // history, length past the end
    const QByteArray badJson = w::summary({{{u"bad"_s}, "{nope"}, {{u"fine"_s}, "2"}});
    const QByteArray badHistory = w::history({{{u"h"_s}, "[1,"}, {{u"loss"_s}, "3"}});
    const QByteArray bytes = w::log({good, garbage, badJson, badHistory});
    const qint64 garbageAt = 7 + 7 + good.size();
    const qint64 badJsonAt = garbageAt + 7 + garbage.size();
    const WandbLog log = readLog(bytes);
    QCOMPARE(log.records, qint64(4));
    QCOMPARE(member(log.summary, u"ok"_s), u"int:1"_s);
    QCOMPARE(member(log.summary, u"fine"_s), u"int:2"_s);
    QCOMPARE(member(log.summary, u"bad"_s), u"<none>"_s);
    QVERIFY(series(log, u"loss"_s));
    const Issue *malformed = findIssue(log.issues, u"malformed record"_s);
    QVERIFY2(malformed && malformed->message.contains(u"at byte %1 "_s.arg(garbageAt)),
             qPrintable(issues(log)));
    const Issue *json = findIssue(log.issues, u"not JSON"_s);
    QVERIFY2(json &&
                 json->message.contains(u"for 'bad' in the record at byte %1"_s.arg(badJsonAt)) &&
                 json->message.contains(u"(2 in all)"_s),
             qPrintable(issues(log)));
    QCOMPARE(log.issues.size(), std::size_t(2));
}

void TestWandbLog::hostileLimits() {
    ReadLimits limits;
    limits.flatten.maxKeys = 10;
    QStringList deep;
    for (int i = 0; i < 100; ++i)
        deep << u"k"_s;
    w::Items many;
    for (int i = 0; i < 30; ++i)
        many.append({{u"key%1"_s.arg(i)}, "1"});
    w::Items manyHistory;
    for (int i = 0; i < 30; ++i)
        manyHistory.append({{u"m%1"_s.arg(i)}, "1"});
    const QByteArray bytes = w::log({w::config({{deep, "1"}, {{u"shallow"_s}, "2"}}),
                                     w::summary(many), w::history(manyHistory)});
    const WandbLog log = readLog(bytes, limits);
    QVERIFY(findIssue(log.issues, u"deeper than 64 levels in the record at byte 7"_s));
    QVERIFY2(findIssue(log.issues, u"more than 10 keys"_s), qPrintable(issues(log)));
    QCOMPARE(member(log.config, u"shallow"_s), u"int:2"_s);
    QVERIFY(log.history.size() <= 10);
    QCOMPARE(log.summary.rootNode()->members.size(), std::size_t(10));
}

// ---------------------------------------------------------------------------------------------
// The seeds and curves

void TestWandbLog::seeds_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QStringList>("issues");
    const QString completeText =
        u"config={_wandb: {}, lr: 0.001, optimizer: {name: \"sgd\"}, seed: 7} "
        "summary={loss: 0.7, acc: 0.8, _step: 2, _wandb: {runtime: 12}, best: Infinity, "
        "worst: NaN} history=loss:3:0.7,acc:3:0.8"_s;
    QTest::newRow("complete") << u"complete.wandb"_s
                              << u"records=16 run=seed0001/brave-fox exit=0 "_s + completeText
                              << QStringList();
    QTest::newRow("complete, payloads")
        << u"complete.payloads"_s << u"records=16 run=seed0001/brave-fox exit=0 "_s + completeText
        << QStringList();
    QTest::newRow("truncated")
        << u"truncated.wandb"_s << u"records=15 run=seed0001/brave-fox exit=none "_s + completeText
        << QStringList{u"warning: the log ends inside the record that begins at byte 1144 "_s};
    QTest::newRow("multiblock")
        << u"multiblock.wandb"_s
        << u"records=1683 run=seed0002/long-config exit=0 config={notes: <40000 chars>} "
           "summary={loss: 0.25, _step: 0}(from history) history=loss:1:0.25"_s
        << QStringList();
    const QString pythonText =
        u"records=4 run=seed0003/killed exit=1 config={epochs: 10} summary={val: {acc: "
        "0.625}, _step: 1, note: \"warming up\"}(from history) history=val.acc:2:0.625"_s;
    QTest::newRow("python sdk") << u"python_sdk.wandb"_s << pythonText << QStringList();
    QTest::newRow("python sdk, payloads")
        << u"python_sdk.payloads"_s << pythonText << QStringList();
    const QString noExitText = u"records=3 run=seed0004/still-going exit=none config=- "
                               "summary={loss: 1.25, _step: 1}(from history) "
                               "history=loss:2:1.25"_s;
    QTest::newRow("no exit") << u"no_exit.wandb"_s << noExitText << QStringList();
    QTest::newRow("no exit, payloads") << u"no_exit.payloads"_s << noExitText << QStringList();
    QTest::newRow("bad checksum")
        << u"bad_crc.wandb"_s
        << u"records=3 run=seed0005/damaged exit=0 config=- summary={kept: 3} history=-"_s
        << QStringList{u"error: chunk with a bad checksum at byte 108;"_s};
    QTest::newRow("malformed")
        << u"malformed.wandb"_s
        << u"records=4 run=seed0006/malformed exit=0 config=- summary={good: 1} history=-"_s
        << QStringList{u"error: malformed record at byte 110 "_s,
                       u"error: a value that is not JSON for 'bad' in the record at byte 123;"_s};
    const QString nothing = u"records=0 run=- exit=none config=- summary=- history=-"_s;
    QTest::newRow("wrong version")
        << u"wrong_version.wandb"_s << nothing
        << QStringList{u"error: a W&B transaction log of a version RunLens does not know"_s};
    QTest::newRow("empty") << u"empty.wandb"_s << nothing
                           << QStringList{u"warning: the .wandb log is empty (0 bytes)"_s};
    QTest::newRow("garbage") << u"garbage.bin"_s << nothing
                             << QStringList{u"error: not a W&B transaction log"_s};
}

void TestWandbLog::seeds() {
    // The fuzz seeds, written by a second encoder (make_seeds.py), read as it wrote them.
    QFETCH(QString, file);
    QFETCH(QString, expected);
    QFETCH(QStringList, issues);
    const QString path = QFINDTESTDATA(u"data/wandblog/seeds/"_s + file);
    QVERIFY2(!path.isEmpty(), qPrintable(file));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    WandbLog log;
    if (file.endsWith(u".payloads"_s)) { // the fuzz target's second shape, framed here
        const QByteArray framed = w::framePayloads(f.readAll());
        QVERIFY(!framed.isNull());
        QBuffer buffer;
        buffer.setData(framed);
        buffer.open(QIODevice::ReadOnly);
        log = readWandbLog(buffer, path, ReadLimits{});
    } else {
        log = readWandbLog(f, path, ReadLimits{});
    }
    QCOMPARE(describe(log), expected);
    QCOMPARE(log.issues.size(), std::size_t(issues.size()));
    for (qsizetype i = 0; i < issues.size(); ++i) {
        const Issue &got = log.issues[std::size_t(i)];
        const QString text = Issue::severityName(got.severity) + u": "_s + got.message;
        QVERIFY2(text.startsWith(issues[i]), qPrintable(text));
        QCOMPARE(got.file, path);
    }
}

void TestWandbLog::curveOfKeyWithBadUtf8() {
    // A key that is not valid UTF-8 is shown with U+FFFD; its curve is found by that key too.
    w::Msg item;
    item.raw(1, "va\xff").raw(16, "1.5");
    w::Msg row;
    row.msg(1, item);
    const QByteArray bytes = w::log({w::record(2, row), w::record(2, row)});
    const WandbLog log = readLog(bytes);
    QCOMPARE(log.history.size(), std::size_t(1));
    const Key key = log.history[0].key;
    QCOMPARE(key.display(), u"va\ufffd"_s);
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QCOMPARE(readWandbLogPoints(buffer, key, ReadLimits{}).size(), std::size_t(2));
}

QTEST_GUILESS_MAIN(TestWandbLog)
#include "tst_wandblog.moc"
