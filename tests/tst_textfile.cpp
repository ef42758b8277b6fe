// readTextFile's guards: size cap before reading, binary content, invalid UTF-8, NUL padding.
#include "readers/docparser.h"
#include "readers/reader.h"
#include "readers/textfile.h"
#include "run/flatten.h"

#include <QTemporaryDir>
#include <QTest>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::findIssue;

class TestTextFile : public QObject {
    Q_OBJECT

private slots:
    void invalidUtf8();
    void firstInvalidUtf8_data();
    void firstInvalidUtf8();
    void nulByte();
    void trailingNulPadding();
    void sizeCapBeforeReading();
    void emptyFile();
};

void TestTextFile::invalidUtf8() {
    const QString path = QFINDTESTDATA("data/malformed/invalid-utf8/config.yaml");
    QVERIFY(!path.isEmpty());
    RunRecord run;
    const auto bytes = readTextFile(path, 1000, run);
    QVERIFY(bytes);
    QCOMPARE(run.issues.size(), 1u);
    QCOMPARE(run.issues[0].severity, Issue::Severity::Warning);
    QCOMPARE(run.issues[0].line, 2);
    QCOMPARE(run.issues[0].column, 13);
    QCOMPARE(runlens::firstInvalidUtf8(*bytes), qsizetype(-1)); // repaired
    // The repaired text parses, with the bad bytes shown as U+FFFD.
    Doc doc;
    QVERIFY(parseYaml(*bytes, doc, run, path));
    Flattener().flatten(doc, doc.root, Key(), Family::Config, {}, run, path);
    QCOMPARE(
        testutil::entriesText(run),
        u"config model=string:resnet18\nconfig comment=string:caf\uFFFD( au lait \uFFFD end\nconfig seed=int:5"_s);
    QCOMPARE(run.issues.size(), 1u);
}

void TestTextFile::firstInvalidUtf8_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("offset");
    QTest::newRow("ascii") << QByteArray("a: 1\n") << -1;
    QTest::newRow("valid multibyte") << QByteArray("Résumé-λ 😀") << -1;
    QTest::newRow("bad continuation") << QByteArray("caf\xC3\x28") << 3;
    QTest::newRow("0xFF") << QByteArray("ab\xFF") << 2;
    QTest::newRow("overlong") << QByteArray("\xC0\x80") << 0;
    QTest::newRow("surrogate") << QByteArray("x\xED\xA0\x80") << 1;
    QTest::newRow("cut sequence") << QByteArray("a\xE2\x82") << 1;
    QTest::newRow("beyond U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0;
}

void TestTextFile::firstInvalidUtf8() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, offset);
    QCOMPARE(runlens::firstInvalidUtf8(bytes), qsizetype(offset));
}

void TestTextFile::nulByte() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"config.yaml"_s);
    QVERIFY(testutil::writeFile(path, QByteArray("a: 1\n\0b: 2\n", 11)));
    RunRecord run;
    QVERIFY(!readTextFile(path, 1000, run));
    QCOMPARE(run.issues.size(), 1u);
    QCOMPARE(run.issues[0].severity, Issue::Severity::Error);
    QCOMPARE(run.issues[0].line, 2);
    QCOMPARE(run.issues[0].column, 1);
    QVERIFY2(run.issues[0].message.contains(u"binary"_s), qPrintable(run.issues[0].message));
}

void TestTextFile::trailingNulPadding() {
    // A file cut short by a crash is often padded with NULs: the text before them is kept.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"metrics.json"_s);
    QVERIFY(testutil::writeFile(path, QByteArray("{\"a\": 1}") + QByteArray(16, '\0')));
    RunRecord run;
    const auto bytes = readTextFile(path, 1000, run);
    QVERIFY(bytes);
    QCOMPARE(*bytes, QByteArray("{\"a\": 1}"));
    QCOMPARE(run.issues.size(), 1u);
    QCOMPARE(run.issues[0].severity, Issue::Severity::Warning);
}

void TestTextFile::sizeCapBeforeReading() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"config.yaml"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write("a: 1\n") == 5);
        QVERIFY(f.resize(60 * 1000 * 1000)); // sparse: no 60 MB written
    }
    const ReadLimits limits;
    RunRecord run;
    QVERIFY(!readTextFile(path, limits.maxYamlBytes, run));
    QCOMPARE(run.issues.size(), 1u);
    QCOMPARE(run.issues[0].severity, Issue::Severity::Error);
    // The size measured before opening (60.0 MB) proves the file was refused unread.
    QVERIFY2(run.issues[0].message.contains(u"too large (60.0 MB"_s),
             qPrintable(run.issues[0].message));

    RunRecord viaLoad;
    Doc doc;
    QCOMPARE(loadDoc(path, true, limits, doc, viaLoad), DocStatus::Unusable);
    QVERIFY(doc.isEmpty());
    QVERIFY(findIssue(viaLoad.issues, u"too large"_s));
}

void TestTextFile::emptyFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"config.yaml"_s);
    QVERIFY(testutil::writeFile(path, QByteArray()));
    RunRecord run;
    const auto bytes = readTextFile(path, 1000, run);
    QVERIFY(bytes);
    QVERIFY(bytes->isEmpty());
    QVERIFY(run.issues.empty());

    Doc doc;
    QCOMPARE(loadDoc(path, true, ReadLimits(), doc, run), DocStatus::Unusable);
    QCOMPARE(run.issues.size(), 1u);
    QCOMPARE(run.issues[0].severity, Issue::Severity::Warning);
    QVERIFY2(run.issues[0].message.contains(u"empty"_s), qPrintable(run.issues[0].message));

    RunRecord missing;
    QVERIFY(!readTextFile(dir.filePath(u"nope.yaml"_s), 1000, missing));
    QVERIFY(findIssue(missing.issues, u"does not exist"_s));
}

QTEST_GUILESS_MAIN(TestTextFile)
#include "tst_textfile.moc"
