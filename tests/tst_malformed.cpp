// Every folder of tests/data/malformed loads as a run row with the issue its README entry
// describes, and with the values that survive the damage.
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "testutil.h"

#include <algorithm>

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::issuesText;
using testutil::typed;

class TestMalformed : public QObject {
    Q_OBJECT

private slots:
    void eachFolder_data();
    void eachFolder();
    void wholeFolderLoads();
    void hugeFilesStayBounded_data();
    void hugeFilesStayBounded();
};

// Files generated here, too big to keep as fixtures: a million-entry mapping must not make the
// duplicate check quadratic, nor a million duplicates a million issues.
void TestMalformed::hugeFilesStayBounded_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QByteArray dupYaml, manyYaml, dupJson = "{";
    for (int i = 0; i < 300000; ++i) {
        dupYaml += "k" + QByteArray::number(i % 1000) + ": " + QByteArray::number(i) + "\n";
        manyYaml += "key_" + QByteArray::number(i) + ": " + QByteArray::number(i) + "\n";
        dupJson += (i ? "," : "") + QByteArray("\"k") + QByteArray::number(i % 1000) +
                   "\": " + QByteArray::number(i);
    }
    dupJson += "}";
    QTest::newRow("300k duplicate YAML keys")
        << u"config.yaml"_s << dupYaml << u"more issues in this run are not listed"_s;
    QTest::newRow("300k distinct YAML keys")
        << u"config.yaml"_s << manyYaml << u"more than 20000 keys"_s;
    QTest::newRow("300k duplicate JSON keys")
        << u"metrics.json"_s << dupJson << u"more duplicate keys"_s;
}

void TestMalformed::hugeFilesStayBounded() {
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(testutil::writeFile(dir.filePath(u"run/"_s + file), content));
    if (file != u"metrics.json")
        QVERIFY(testutil::writeFile(dir.filePath(u"run/metrics.json"_s), "{\"acc\": 1}"));
    const LoadResult r = loadRuns({dir.path()}, ReaderRegistry::withBuiltins());
    QCOMPARE(r.table.rowCount(), 1);
    const RunInfo &run = r.table.run(0);
    QVERIFY(run.issues.size() <= RunRecord::kMaxIssues + 1);
    QVERIFY2(testutil::findIssue(run.issues, expected), qPrintable(issuesText(run.issues)));
}

void TestMalformed::eachFolder_data() {
    QTest::addColumn<QStringList>(
        "issues"); // "severity file:line:column: message-part", line/column 0 = any
    QTest::addColumn<QStringList>("values"); // "family key=type:display"
    QTest::addColumn<int>("problems");
    QTest::addColumn<QString>("status");

    QTest::newRow("yaml-syntax") << QStringList{u"error config.yaml:4:13: syntax"_s}
                                 << QStringList{u"config model.arch=string:resnet18"_s,
                                                u"metric val/acc=float:0.5"_s}
                                 << 2 << u"finished"_s;
    QTest::newRow("json-truncated")
        << QStringList{u"warning metrics.json:1:0: truncated"_s}
        << QStringList{u"config seed=int:4"_s, u"metric epoch=int:3"_s,
                       u"metric train/loss=float:0.4123"_s, u"metric val/acc=float:0.71"_s}
        << 1 << u"running"_s;
    QTest::newRow("empty-files") << QStringList{u"warning config.yaml:0:0: empty"_s,
                                                u"warning metrics.json:0:0: empty"_s}
                                 << QStringList{} << 3 << u"unknown"_s;
    QTest::newRow("binary-garbage")
        << QStringList{u"error config.yaml:1:1: binary"_s}
        << QStringList{u"metric test/acc=float:0.49"_s} << 1 << u"finished"_s;
    QTest::newRow("invalid-utf8")
        << QStringList{u"warning config.yaml:2:13: UTF-8"_s}
        << QStringList{u"config model=string:resnet18"_s, u"config seed=int:5"_s,
                       u"config comment=string:caf\uFFFD( au lait \uFFFD end"_s}
        << 1 << u"finished"_s;
    QTest::newRow("duplicate-keys")
        << QStringList{u"warning config.yaml:5:0: 'optimizer.name'"_s,
                       u"warning config.yaml:7:0: 'lr'"_s, u"warning metrics.json:1:0: 'acc'"_s}
        << QStringList{u"config lr=float:0.2"_s, u"config optimizer.name=string:adam"_s,
                       u"config optimizer.momentum=float:0.9"_s, u"metric acc=float:0.7"_s}
        << 3 << u"finished"_s;
    QTest::newRow("deep-nesting") << QStringList{u"error config.yaml:3:0: nesting deeper than"_s}
                                  << QStringList{u"config name=string:deep-nesting"_s,
                                                 u"config seed=int:7"_s}
                                  << 1 << u"finished"_s;
    QTest::newRow("deep-nesting-flow")
        << QStringList{u"error config.yaml:2:0: too deep"_s}
        << QStringList{u"config name=string:deep-nesting-flow"_s} << 2 << u"finished"_s;
    QTest::newRow("alias-bomb") << QStringList{u"error config.yaml:0:0: alias"_s}
                                << QStringList{u"config name=string:alias-bomb"_s} << 1
                                << u"finished"_s;
    QTest::newRow("alias-bomb-map")
        << QStringList{u"error config.yaml:0:0: alias"_s}
        << QStringList{u"config name=string:alias-bomb-map"_s, u"config m1.a.x=int:1"_s} << 2
        << u"finished"_s;
    QTest::newRow("alias-cycle") << QStringList{u"error config.yaml:2:0: cycle"_s,
                                                u"error config.yaml:5:0: cycle"_s}
                                 << QStringList{u"config ok=int:1"_s, u"config c.d=int:2"_s} << 2
                                 << u"finished"_s;
    QTest::newRow("nan-inf")
        << QStringList{}
        << QStringList{u"config a=float:.nan"_s,        u"config b=float:.inf"_s,
                       u"config c=float:-.inf"_s,       u"config d=float:+.inf"_s,
                       u"config e=float:.NaN"_s,        u"config f=float:.Inf"_s,
                       u"config g=string:nan"_s,        u"metric loss=float:NaN"_s,
                       u"metric best=float:Infinity"_s, u"metric worst=float:-Infinity"_s}
        << 0 << u"finished"_s;
    QTest::newRow("wrong-type") << QStringList{u"error config.yaml:1:1: top level"_s,
                                               u"error metrics.json:0:0: top level"_s}
                                << QStringList{} << 3 << u"unknown"_s;
}

void TestMalformed::eachFolder() {
    QFETCH(QStringList, issues);
    QFETCH(QStringList, values);
    QFETCH(int, problems);
    QFETCH(QString, status);
    const QString folder = QString::fromLatin1(QTest::currentDataTag());
    const RunTable t =
        loadRuns({QFINDTESTDATA(u"data/malformed/"_s + folder)}, ReaderRegistry::withBuiltins())
            .table;
    QCOMPARE(t.rowCount(), 1); // never dropped
    const RunInfo &run = t.run(0);
    QCOMPARE(run.format, u"generic"_s);
    QCOMPARE(statusName(run.status), status);
    const QString all = issuesText(run.issues);
    for (const QString &spec : issues) {
        static const QRegularExpression re(u"^(\\w+) ([^:]+):(\\d+):(\\d+): (.*)$"_s);
        const auto m = re.match(spec);
        QVERIFY2(m.hasMatch(), qPrintable(spec));
        const bool found = std::any_of(run.issues.begin(), run.issues.end(), [&](const Issue &i) {
            return Issue::severityName(i.severity) == m.captured(1) &&
                   i.file.endsWith(u'/' + m.captured(2)) &&
                   (m.captured(3) == u"0" || i.line == m.captured(3).toInt()) &&
                   (m.captured(4) == u"0" || i.column == m.captured(4).toInt()) &&
                   i.message.contains(m.captured(5), Qt::CaseInsensitive);
        });
        QVERIFY2(found, qPrintable(u"no issue like '%1' in:\n%2"_s.arg(spec, all)));
    }
    QVERIFY2(
        run.problemCount() == problems,
        qPrintable(
            u"%1 problems, expected %2:\n%3"_s.arg(run.problemCount()).arg(problems).arg(all)));
    QStringList got;
    for (int c = 0; c < t.columnCount(); ++c)
        got << familyName(t.column(c).family) + u' ' + t.column(c).display + u'=' +
                   typed(t.value(0, c));
    for (const QString &v : values)
        QVERIFY2(got.contains(v), qPrintable(u"missing '%1' in:\n%2"_s.arg(v, got.join(u'\n'))));
    if (values.isEmpty()) QCOMPARE(t.columnCount(), 0);
}

void TestMalformed::wholeFolderLoads() {
    // All at once: nothing dropped, and one folder's damage stays in its own row.
    const LoadResult res =
        loadRuns({QFINDTESTDATA("data/malformed")}, ReaderRegistry::withBuiltins());
    QCOMPARE(res.table.rowCount(), 13);
    QCOMPARE(res.stats.runFolders, 13);
    QCOMPARE(res.table.run(testutil::rowOf(res.table, u"nan-inf"_s)).problemCount(), 0);
    for (int r = 0; r < res.table.rowCount(); ++r)
        for (const Issue &i : res.table.run(r).issues)
            QVERIFY2(i.file.isEmpty() || i.file.startsWith(res.table.run(r).path),
                     qPrintable(i.toString()));
}

QTEST_GUILESS_MAIN(TestMalformed)
#include "tst_malformed.moc"
