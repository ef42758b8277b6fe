// RunTable: the columnar store of loaded runs.
#include "run/runtable.h"

#include <QTest>

#include "testutil.h"

#include <cmath>
#include <limits>

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::key;
using testutil::typed;

Q_DECLARE_METATYPE(runlens::Value)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

RunRecord record(const QString &id, std::vector<Entry> entries = {}) {
    RunRecord r;
    r.id = id;
    r.name = id;
    r.format = QString::fromLatin1("generic"); // a fresh buffer per run, as a reader makes it
    r.path = u"/runs/"_s + id;
    r.entries = std::move(entries);
    return r;
}

Entry cfg(const QString &k, Value v, const QString &desc = {}) {
    return Entry{Family::Config, key(k), std::move(v), desc};
}

Entry met(const QString &k, Value v) {
    return Entry{Family::Metric, key(k), std::move(v), {}};
}

/// Checks every cell of a 1000-row table built by buildSparseDense().
void checkSparseDense(const RunTable &t) {
    const int all = t.findColumn(Family::Config, key(u"all"_s));
    const int rare = t.findColumn(Family::Config, key(u"rare"_s));
    QVERIFY(all >= 0 && rare >= 0);
    QCOMPARE(t.valueCount(all), 1000);
    QCOMPARE(t.valueCount(rare), 3);
    for (int r = 0; r < 1000; ++r) {
        QCOMPARE(t.value(r, all), Value::integer(r));
        const bool has = r == 0 || r == 500 || r == 999;
        QCOMPARE(t.hasValue(r, rare), has);
        QCOMPARE(typed(t.value(r, rare)), has ? u"string:rare%1"_s.arg(r) : u"missing:"_s);
    }
}

} // namespace

class TestRunTable : public QObject {
    Q_OBJECT

private slots:
    void runFacts();
    void roundTrip_data();
    void roundTrip();
    void missingValuesMakeNoColumn();
    void stringsAreInterned();
    void sparseAndDenseAgree();
    void appendAfterSqueeze();
    void laterDuplicateEntryWins();
    void findColumn();
    void sameKeyInTwoFamilies();
    void dottedSegmentIsItsOwnColumn();
    void descriptionFromFirstRunThatHasOne();
    void memoryIsCompact();
};

void TestRunTable::runFacts() {
    RunTable t;
    RunRecord r = record(u"abc"_s);
    r.name = u"fancy-name-1"_s;
    r.format = u"wandb"_s;
    r.status = RunStatus::Crashed;
    r.startMs = 1704449700123;
    r.durationSec = 1234.5;
    r.addIssue(Issue::Severity::Note, u"/runs/copy"_s, 0, 0, u"merged"_s);
    r.addIssue(Issue::Severity::Warning, u"/runs/abc/config.yaml"_s, 3, 7, u"odd"_s);
    QCOMPARE(t.appendRun(std::move(r)), 0);
    QCOMPARE(t.appendRun(record(u"def"_s)), 1);
    QCOMPARE(t.rowCount(), 2);
    const RunInfo &info = t.run(0);
    QCOMPARE(info.id, u"abc"_s);
    QCOMPARE(info.name, u"fancy-name-1"_s);
    QCOMPARE(info.format, u"wandb"_s);
    QCOMPARE(info.path, u"/runs/abc"_s);
    QCOMPARE(info.status, RunStatus::Crashed);
    QCOMPARE(info.startMs, 1704449700123);
    QCOMPARE(info.durationSec, 1234.5);
    QCOMPARE(info.issues.size(), 2u);
    QCOMPARE(info.issues[1].toString(), u"/runs/abc/config.yaml:3:7: odd"_s);
    QCOMPARE(info.problemCount(), 1); // notes do not count
    QCOMPARE(t.run(1).problemCount(), 0);
    QCOMPARE(t.run(1).startMs, -1);
}

void TestRunTable::roundTrip_data() {
    QTest::addColumn<Value>("value");
    const QString big = u"123456789012345678901234567890"_s;
    QTest::newRow("null") << Value::null();
    QTest::newRow("true") << Value::boolean(true);
    QTest::newRow("false") << Value::boolean(false);
    QTest::newRow("int 0") << Value::integer(0);
    QTest::newRow("int -5") << Value::integer(-5);
    QTest::newRow("int 0x1f") << Value::integer(31, u"0x1f"_s);
    QTest::newRow("int64 min") << Value::integer(std::numeric_limits<qint64>::min());
    QTest::newRow("int64 max") << Value::integer(std::numeric_limits<qint64>::max());
    QTest::newRow("big int") << Value::bigInteger(big, 1.2345678901234568e29);
    QTest::newRow("negative big int") << Value::bigInteger(u"-"_s + big, -1.2345678901234568e29);
    QTest::newRow("real") << Value::real(0.1);
    QTest::newRow("real 3.0e-06") << Value::real(3e-06, u"3.0e-06"_s);
    QTest::newRow("real 1e-05") << Value::real(1e-05, u"1e-05"_s);
    QTest::newRow("real 1.10") << Value::real(1.1, u"1.10"_s);
    QTest::newRow("real -0.5") << Value::real(-0.5);
    QTest::newRow("NaN") << Value::real(std::nan(""), u".nan"_s);
    QTest::newRow("inf") << Value::real(kInf, u"Infinity"_s);
    QTest::newRow("-inf") << Value::real(-kInf);
    QTest::newRow("empty string") << Value::string(QString());
    QTest::newRow("string") << Value::string(u"Résumé-λ"_s);
    QTest::newRow("list") << Value::list(u"[0.9, 0.999]"_s);
    QTest::newRow("empty object") << Value::object(u"{}"_s);
    QTest::newRow("object") << Value::object(uR"({"_type": "histogram", "bins": [0, 1]})"_s);
}

void TestRunTable::roundTrip() {
    QFETCH(Value, value);
    RunTable t;
    t.appendRun(record(u"before"_s));
    t.appendRun(record(u"r"_s, {cfg(u"k"_s, value)}));
    const auto check = [&] {
        QCOMPARE(t.columnCount(), 1);
        QVERIFY(t.hasValue(1, 0));
        QVERIFY(!t.hasValue(0, 0));
        const Value got = t.value(1, 0);
        QCOMPARE(got.type(), value.type());
        QCOMPARE(got.displayText(), value.displayText());
        QCOMPARE(got.exportText(), value.exportText());
        QCOMPARE(got.rawText(), value.rawText());
        QCOMPARE(got.isBigInteger(), value.isBigInteger());
        QCOMPARE(got.isNaN(), value.isNaN());
        QVERIFY(got == value);
        QCOMPARE(Value::compare(got, value), 0);
        if (value.type() == Value::Type::Int && !value.isBigInteger())
            QCOMPARE(got.toInt(), value.toInt());
        if (value.isNumber() && !value.isNaN()) QCOMPARE(got.toDouble(), value.toDouble());
    };
    check();
    if (QTest::currentTestFailed()) return;
    t.squeeze();
    check();
}

void TestRunTable::missingValuesMakeNoColumn() {
    RunTable t;
    t.appendRun(record(u"r"_s, {cfg(u"gone"_s, Value::missing()), cfg(u"here"_s, Value::null())}));
    QCOMPARE(t.columnCount(), 1);
    QCOMPARE(t.column(0).display, u"here"_s);
    QCOMPARE(t.findColumn(Family::Config, key(u"gone"_s)), -1);
}

void TestRunTable::stringsAreInterned() {
    RunTable t;
    const QString longText = QString(u'x').repeated(1000);
    for (int i = 0; i < 100; ++i)
        t.appendRun(
            record(u"r%1"_s.arg(i),
                   {cfg(u"s"_s, Value::string(QString(longText.constData(), longText.size())))}));
    t.squeeze();
    // One stored copy: every cell hands out the same shared buffer, and 100 copies of a
    // 2 KB string would cost 200 KB.
    QCOMPARE(t.value(0, 0).rawText(), longText);
    QCOMPARE(t.value(0, 0).rawText().constData(), t.value(99, 0).rawText().constData());
    QCOMPARE(t.run(0).format.constData(), t.run(99).format.constData());
    QVERIFY2(t.memoryBytes() < 100 * 1000, qPrintable(QString::number(t.memoryBytes())));
}

void TestRunTable::sparseAndDenseAgree() {
    RunTable t;
    for (int r = 0; r < 1000; ++r) {
        std::vector<Entry> entries{cfg(u"all"_s, Value::integer(r))};
        if (r == 0 || r == 500 || r == 999)
            entries.push_back(cfg(u"rare"_s, Value::string(u"rare%1"_s.arg(r))));
        t.appendRun(record(u"r%1"_s.arg(r), std::move(entries)));
    }
    checkSparseDense(t); // before squeeze: every column sparse
    if (QTest::currentTestFailed()) return;
    const std::size_t before = t.memoryBytes();
    t.squeeze(); // `all` becomes dense, `rare` stays sparse
    checkSparseDense(t);
    QVERIFY2(t.memoryBytes() <= before, qPrintable(u"%1 > %2"_s.arg(t.memoryBytes()).arg(before)));
}

void TestRunTable::appendAfterSqueeze() {
    RunTable t;
    for (int r = 0; r < 10; ++r)
        t.appendRun(record(u"r%1"_s.arg(r), {cfg(u"dense"_s, Value::integer(r))}));
    t.squeeze();
    t.appendRun(record(u"gap"_s, {cfg(u"other"_s, Value::integer(1))}));
    t.appendRun(record(u"late"_s,
                       {cfg(u"dense"_s, Value::integer(42)), cfg(u"other"_s, Value::integer(2))}));
    const int dense = t.findColumn(Family::Config, key(u"dense"_s));
    const int other = t.findColumn(Family::Config, key(u"other"_s));
    QCOMPARE(t.value(9, dense), Value::integer(9));
    QVERIFY(!t.hasValue(10, dense));
    QCOMPARE(t.value(11, dense), Value::integer(42));
    QCOMPARE(t.valueCount(dense), 11);
    QVERIFY(!t.hasValue(9, other));
    QCOMPARE(t.value(10, other), Value::integer(1));
    QCOMPARE(t.value(11, other), Value::integer(2));
    t.squeeze();
    QCOMPARE(t.value(11, dense), Value::integer(42));
    QVERIFY(!t.hasValue(10, dense));
    QCOMPARE(t.valueCount(other), 2);
}

void TestRunTable::laterDuplicateEntryWins() {
    RunTable t;
    t.appendRun(record(u"r"_s, {cfg(u"lr"_s, Value::real(0.1)), cfg(u"lr"_s, Value::real(0.2))}));
    QCOMPARE(t.columnCount(), 1);
    QCOMPARE(t.valueCount(0), 1);
    QCOMPARE(t.value(0, 0), Value::real(0.2));
}

void TestRunTable::findColumn() {
    RunTable t;
    t.appendRun(
        record(u"r"_s, {cfg(u"optimizer.lr"_s, Value::real(0.1)), cfg(u"seed"_s, Value::integer(1)),
                        met(u"val/acc"_s, Value::real(0.9))}));
    // Columns in load order, with their display cached.
    QCOMPARE(t.columnCount(), 3);
    QCOMPARE(t.column(0).display, u"optimizer.lr"_s);
    QCOMPARE(t.column(0).key, Key({u"optimizer"_s, u"lr"_s}));
    QCOMPARE(t.column(2).family, Family::Metric);
    QCOMPARE(t.findColumn(Family::Config, Key({u"optimizer"_s, u"lr"_s})), 0);
    QCOMPARE(t.findColumn(Family::Config, key(u"seed"_s)), 1);
    QCOMPARE(t.findColumn(Family::Metric, key(u"val/acc"_s)), 2);
    QCOMPARE(t.findColumn(Family::Metric, key(u"optimizer.lr"_s)), -1);
    QCOMPARE(t.findColumn(Family::Config, Key({u"optimizer.lr"_s})), -1);
    QCOMPARE(t.findColumn(Family::Config, key(u"optimizer"_s)), -1);
    QCOMPARE(t.findColumn(Family::Meta, key(u"nothing"_s)), -1);
}

void TestRunTable::sameKeyInTwoFamilies() {
    RunTable t;
    t.appendRun(
        record(u"r"_s, {cfg(u"epoch"_s, Value::integer(30)), met(u"epoch"_s, Value::integer(29))}));
    QCOMPARE(t.columnCount(), 2);
    const int c = t.findColumn(Family::Config, key(u"epoch"_s));
    const int m = t.findColumn(Family::Metric, key(u"epoch"_s));
    QVERIFY(c >= 0 && m >= 0 && c != m);
    QCOMPARE(t.value(0, c), Value::integer(30));
    QCOMPARE(t.value(0, m), Value::integer(29));
}

void TestRunTable::dottedSegmentIsItsOwnColumn() {
    RunTable t;
    t.appendRun(
        record(u"r"_s, {Entry{Family::Config, Key({u"a.b"_s}), Value::integer(1), {}},
                        Entry{Family::Config, Key({u"a"_s, u"b"_s}), Value::integer(2), {}}}));
    QCOMPARE(t.columnCount(), 2);
    QCOMPARE(t.value(0, t.findColumn(Family::Config, Key({u"a.b"_s}))), Value::integer(1));
    QCOMPARE(t.value(0, t.findColumn(Family::Config, Key({u"a"_s, u"b"_s}))), Value::integer(2));
    QVERIFY(t.column(0).display != t.column(1).display);
}

void TestRunTable::descriptionFromFirstRunThatHasOne() {
    RunTable t;
    t.appendRun(record(u"a"_s, {cfg(u"lr"_s, Value::real(0.1))}));
    t.appendRun(record(u"b"_s, {cfg(u"lr"_s, Value::real(0.2), u"Peak learning rate"_s)}));
    t.appendRun(record(u"c"_s, {cfg(u"lr"_s, Value::real(0.3), u"other text"_s)}));
    QCOMPARE(t.column(0).description, u"Peak learning rate"_s);
}

void TestRunTable::memoryIsCompact() {
    // 1000 runs x 30 values: 10 ints, 10 reals, 10 strings from a small vocabulary.
    const QStringList vocab = {u"adam"_s, u"sgd"_s, u"adamw"_s, u"resnet18"_s, u"vit_tiny"_s};
    RunTable t;
    for (int r = 0; r < 1000; ++r) {
        std::vector<Entry> entries;
        for (int k = 0; k < 10; ++k) {
            entries.push_back(cfg(u"int%1"_s.arg(k), Value::integer(r * k)));
            entries.push_back(met(u"real%1"_s.arg(k), Value::real(r / (k + 1.0))));
            entries.push_back(
                cfg(u"group.str%1"_s.arg(k), Value::string(vocab[(r + k) % vocab.size()])));
        }
        t.appendRun(record(u"run-%1"_s.arg(r, 5, 10, QChar(u'0')), std::move(entries)));
    }
    t.squeeze();
    QCOMPARE(t.columnCount(), 30);
    const std::size_t bytes = t.memoryBytes();
    QVERIFY2(bytes >= 1000 * 30 * 16, qPrintable(QString::number(bytes))); // at least the cells
    QVERIFY2(bytes < 1000 * 4096, qPrintable(u"%1 bytes per run"_s.arg(bytes / 1000)));
    QCOMPARE(t.value(999, t.findColumn(Family::Config, key(u"group.str3"_s))),
             Value::string(vocab[(999 + 3) % 5]));
}

QTEST_GUILESS_MAIN(TestRunTable)
#include "tst_runtable.moc"
