// parseYaml / parseJson + Flattener on in-memory text (file guards: tst_textfile).
#include "readers/docparser.h"
#include "run/flatten.h"

#include <QElapsedTimer>
#include <QTest>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::findIssue;
using testutil::issuesText;

namespace {

struct Parsed {
    RunRecord run;
    bool ok = false;
    bool truncated = false;
    QString file;

    /// `key=type:display` per entry, in emission order.
    QString entries() const {
        QStringList lines;
        for (const Entry &e : run.entries)
            lines << e.key.display() + u'=' + testutil::typed(e.value);
        return lines.join(u'\n');
    }
    Value value(const QString &display) const {
        for (const Entry &e : run.entries)
            if (e.key == testutil::key(display)) return e.value;
        return {};
    }
};

Parsed parse(const QByteArray &bytes, bool yaml, const FlattenLimits &fl = {},
             const ParseLimits &pl = {}) {
    Parsed p;
    p.file = yaml ? u"t.yaml"_s : u"t.json"_s;
    Doc doc;
    p.ok =
        yaml ? parseYaml(bytes, doc, p.run, p.file, pl) : parseJson(bytes, doc, p.run, p.file, pl);
    p.truncated = doc.truncated;
    if (!doc.isEmpty()) {
        Flattener flattener(fl);
        flattener.flatten(doc, doc.root, Key(), Family::Config, {}, p.run, p.file);
    }
    return p;
}

/// `name: x`, then `nest:` holding `levels` mappings in flow style, then `seed: 7`.
QByteArray nestedFlow(int levels) {
    QByteArray text = "name: x\nnest: ";
    for (int i = 1; i <= levels; ++i)
        text += "{k" + QByteArray::number(i) + ": ";
    text += "bottom" + QByteArray(levels, '}') + "\nseed: 7\n";
    return text;
}

} // namespace

class TestParsers : public QObject {
    Q_OBJECT

private slots:
    void flatten_data();
    void flatten();
    void duplicateKeysYaml();
    void duplicateKeysJson();
    void yamlSyntaxError();
    void jsonTruncated();
    void jsonSyntaxError();
    void aliasCycle();
    void aliasBomb_data();
    void aliasBomb();
    void depthLimit_data();
    void depthLimit();
    void beyondYamlCppGuard();
    void jsonDeepNesting();
    void keyLimit();
    void nothingUsable_data();
    void nothingUsable();
};

void TestParsers::flatten_data() {
    QTest::addColumn<bool>("yaml");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");

    const QString order = u"b=int:1\na=int:2\nc.z=string:x\nc.y=list:[1, 2]"_s;
    QTest::newRow("yaml file order")
        << true << QByteArray("b: 1\na: 2\nc:\n  z: x\n  y: [1, 2]\n") << order;
    QTest::newRow("json file order")
        << false << QByteArray(R"({"b": 1, "a": 2, "c": {"z": "x", "y": [1, 2]}})") << order;
    QTest::newRow("yaml list is one value")
        << true << QByteArray("betas:\n- 0.9\n- 0.999\nx: [{a: 1}, s, null, true]\n")
        << uR"(betas=list:[0.9, 0.999]
x=list:[{"a": 1}, "s", null, true])"_s;
    const QString empty = u"extra=object:{}\ntags=list:[]"_s;
    QTest::newRow("yaml empty mapping") << true << QByteArray("extra: {}\ntags: []\n") << empty;
    QTest::newRow("json empty object")
        << false << QByteArray(R"({"extra": {}, "tags": []})") << empty;
    const QString media = uR"(samples=object:{"_type": "image-file", "path": "a.png", "size": 1234}
weights=object:{"_type": "histogram", "values": [1, 2]})"_s;
    QTest::newRow("yaml _type is one object")
        << true
        << QByteArray("samples: {_type: image-file, path: a.png, size: 1234}\nweights:\n  _type: "
                      "histogram\n  values: [1, 2]\n")
        << media;
    QTest::newRow("json _type is one object")
        << false
        << QByteArray(
               R"({"samples": {"_type": "image-file", "path": "a.png", "size": 1234}, "weights": {"_type": "histogram", "values": [1, 2]}})")
        << media;
    QTest::newRow("json NaN and Infinity")
        << false
        << QByteArray(R"({"a": NaN, "b": Infinity, "c": -Infinity, "l": [NaN, -Infinity]})")
        << u"a=float:NaN\nb=float:Infinity\nc=float:-Infinity\nl=list:[NaN, -Infinity]"_s;
    QTest::newRow("yaml quoted 1.10 stays a string")
        << true << QByteArray("version: \"1.10\"\nv: 1.10\ns: '3'\n")
        << u"version=string:1.10\nv=float:1.10\ns=string:3"_s;
    QTest::newRow("json quoted 1.10 stays a string")
        << false << QByteArray(R"({"version": "1.10", "v": 1.10})")
        << u"version=string:1.10\nv=float:1.10"_s;
    QTest::newRow("yaml alias shares a mapping")
        << true << QByteArray("a: &x {b: 1}\nc: *x\n") << u"a.b=int:1\nc.b=int:1"_s;
    QTest::newRow("yaml alias shares a scalar")
        << true << QByteArray("a: &v 5\nb: *v\n") << u"a=int:5\nb=int:5"_s;
    QTest::newRow("yaml exact numbers")
        << true
        << QByteArray("big: 123456789012345678901234567890\nlr: 3.0e-06\nh: 0x1f\nt: 1e-05\n")
        << u"big=int:123456789012345678901234567890\nlr=float:3.0e-06\nh=int:0x1f\nt=float:1e-05"_s;
    QTest::newRow("json exact numbers")
        << false
        << QByteArray(
               R"({"big": 123456789012345678901234567890, "t": 1.704450934623456e+09, "n": -0.5})")
        << u"big=int:123456789012345678901234567890\nt=float:1.704450934623456e+09\nn=float:-0.5"_s;
    QTest::newRow("yaml nulls and bools")
        << true << QByteArray("a: ~\nb:\nc: yes\nd: off\ne: nan\n")
        << u"a=null:null\nb=null:null\nc=bool:true\nd=bool:false\ne=string:nan"_s;
    QTest::newRow("yaml dotted key is one segment")
        << true << QByteArray("\"a.b\": 1\na:\n  b: 2\n") << uR"(["a.b"]=int:1
a.b=int:2)"_s;
    QTest::newRow("yaml utf-8") << true << QByteArray("name: Résumé-λ\n")
                                << u"name=string:Résumé-λ"_s;
    QTest::newRow("json unicode escape")
        << false << QByteArray(R"({"s": "caf\u00e9"})") << u"s=string:café"_s;
    QTest::newRow("yaml strings in lists are JSON-escaped")
        << true << QByteArray("l: ['a\"b', \"c\\\\d\"]\n") << uR"(l=list:["a\"b", "c\\d"])"_s;
    QTest::newRow("yaml tags") << true << QByteArray("a: !!str 5\nb: !!int \"7\"\n")
                               << u"a=string:5\nb=int:7"_s;
    QTest::newRow("yaml document markers and comments")
        << true << QByteArray("---\n# c\na: 1 # trailing\n...\n") << u"a=int:1"_s;
}

void TestParsers::flatten() {
    QFETCH(bool, yaml);
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    const Parsed p = parse(input, yaml);
    QVERIFY(p.ok);
    QCOMPARE(p.entries(), expected);
    QCOMPARE(issuesText(p.run.issues), QString());
}

void TestParsers::duplicateKeysYaml() {
    const Parsed p = parse("lr: 0.1\noptimizer:\n  name: sgd\n  momentum: 0.9\n  name: "
                           "adam\nbatch_size: 64\nlr: 0.2\n",
                           true);
    QVERIFY(p.ok);
    QCOMPARE(
        p.entries(),
        u"lr=float:0.2\noptimizer.name=string:adam\noptimizer.momentum=float:0.9\nbatch_size=int:64"_s);
    QCOMPARE(p.run.issues.size(), 2u);
    for (const Issue &i : p.run.issues) {
        QCOMPARE(i.severity, Issue::Severity::Warning);
        QCOMPARE(i.file, p.file);
        QVERIFY2(i.message.contains(u"later"_s), qPrintable(i.message));
    }
    // The nested duplicate is named by its full path, at the line of the value that wins.
    QCOMPARE(p.run.issues[0].line, 5);
    QVERIFY2(p.run.issues[0].message.contains(u"optimizer.name"_s),
             qPrintable(p.run.issues[0].message));
    QVERIFY2(p.run.issues[0].message.contains(u"line 3"_s), qPrintable(p.run.issues[0].message));
    QCOMPARE(p.run.issues[1].line, 7);
    QVERIFY2(p.run.issues[1].message.contains(u"'lr'"_s), qPrintable(p.run.issues[1].message));
}

void TestParsers::duplicateKeysJson() {
    const Parsed p = parse("{\"acc\": 0.5,\n \"loss\": 0.3,\n \"acc\": 0.7}", false);
    QVERIFY(p.ok);
    QCOMPARE(p.entries(), u"acc=float:0.7\nloss=float:0.3"_s);
    QVERIFY(!p.truncated); // a warning, but not a file cut short
    QCOMPARE(p.run.issues.size(), 1u);
    const Issue &i = p.run.issues[0];
    QCOMPARE(i.severity, Issue::Severity::Warning);
    QCOMPARE(i.line, 3);
    QVERIFY2(i.message.contains(u"'acc'"_s) && i.message.contains(u"later"_s),
             qPrintable(i.message));
}

void TestParsers::yamlSyntaxError() {
    const Parsed p = parse(
        "model:\n  arch: resnet18\noptimizer:\n  name: adam: beta\n  lr: 0.001\nseed: 3\n", true);
    QVERIFY(p.ok); // what was read before the error is usable
    QCOMPARE(p.value(u"model.arch"_s), Value::string(u"resnet18"_s));
    QVERIFY(p.value(u"seed"_s).isMissing());
    const Issue *e = findIssue(p.run.issues, u"syntax"_s);
    QVERIFY2(e, qPrintable(issuesText(p.run.issues)));
    QCOMPARE(e->severity, Issue::Severity::Error);
    QCOMPARE(e->line, 4);
    QCOMPARE(e->column, 13);
    QCOMPARE(e->toString().left(14), u"t.yaml:4:13: Y"_s);
}

void TestParsers::jsonTruncated() {
    const QByteArray cut = R"({"epoch": 3, "train/loss": 0.4123, "val/acc": 0.71, "status": "runn)";
    QCOMPARE(cut.size(), 67);
    const Parsed p = parse(cut, false);
    QVERIFY(p.ok);
    QCOMPARE(p.entries(), u"epoch=int:3\ntrain/loss=float:0.4123\nval/acc=float:0.71"_s);
    QVERIFY(p.truncated);
    QCOMPARE(p.run.issues.size(), 1u);
    QCOMPARE(p.run.issues[0].severity, Issue::Severity::Warning);
    QCOMPARE(p.run.issues[0].line, 1);
    QVERIFY2(p.run.issues[0].message.contains(u"truncated"_s), qPrintable(p.run.issues[0].message));
}

void TestParsers::jsonSyntaxError() {
    const Parsed p = parse("{\"a\": 1,\n \"b\": x, \"c\": 2}\n", false);
    QVERIFY(p.ok);
    QCOMPARE(p.entries(), u"a=int:1"_s);
    QVERIFY(!p.truncated);
    QCOMPARE(p.run.issues.size(), 1u);
    QCOMPARE(p.run.issues[0].severity, Issue::Severity::Error);
    QCOMPARE(p.run.issues[0].line, 2);
    QCOMPARE(p.run.issues[0].column, 7);

    const Parsed trailing = parse("{\"a\": 1}\n{\"b\": 2}\n", false);
    QCOMPARE(trailing.entries(), u"a=int:1"_s);
    QVERIFY(findIssue(trailing.run.issues, u"after the JSON value"_s));
}

void TestParsers::aliasCycle() {
    QElapsedTimer timer;
    timer.start();
    const Parsed p = parse("ok: 1\na: &x {b: *x}\nc: &y\n  d: 2\n  self: *y\n", true);
    QVERIFY(timer.elapsed() < 10000);
    QVERIFY(p.ok);
    QCOMPARE(p.entries(), u"ok=int:1\na.b=null:null\nc.d=int:2\nc.self=null:null"_s);
    QCOMPARE(p.run.issues.size(), 2u);
    QCOMPARE(p.run.issues[0].severity, Issue::Severity::Error);
    QCOMPARE(p.run.issues[0].line, 2);
    QCOMPARE(p.run.issues[1].line, 5);
    QVERIFY2(p.run.issues[1].message.contains(u"cycle"_s), qPrintable(p.run.issues[1].message));
}

void TestParsers::aliasBomb_data() {
    QTest::addColumn<QByteArray>("text");
    // Billion laughs: each level holds 9 aliases of the one before, 9^9 leaves in all.
    QByteArray lists =
        "name: bomb\na: &a "
        "[\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    QByteArray maps = "name: bomb\nm0: &m0 {x: 1, y: 2}\n";
    for (char c = 'b'; c <= 'i'; ++c) {
        const QByteArray prev(1, char(c - 1));
        lists += c + QByteArray(": &") + c + " [" + QByteArray("*" + prev + ",").repeated(8) + "*" +
                 prev + "]\n";
        const int k = c - 'a';
        const QByteArray m = "m" + QByteArray::number(k), pm = "*m" + QByteArray::number(k - 1);
        maps += m + ": &" + m + " {";
        for (char f = 'a'; f <= 'i'; ++f)
            maps += f + QByteArray(": ") + pm + (f == 'i' ? "}\n" : ", ");
    }
    QTest::newRow("lists") << lists;
    QTest::newRow("mappings") << maps;
}

void TestParsers::aliasBomb() {
    QFETCH(QByteArray, text);
    QElapsedTimer timer;
    timer.start();
    const Parsed p = parse(text, true);
    QVERIFY2(timer.elapsed() < 10000, qPrintable(u"took %1 ms"_s.arg(timer.elapsed())));
    QVERIFY(p.ok);
    QCOMPARE(p.value(u"name"_s), Value::string(u"bomb"_s));
    const Issue *i = findIssue(p.run.issues, u"alias"_s);
    QVERIFY2(i, qPrintable(issuesText(p.run.issues)));
    QCOMPARE(i->severity, Issue::Severity::Error);
    QVERIFY(i->line > 1);
    QVERIFY(p.run.entries.size() <= std::size_t(FlattenLimits().maxKeys));
}

void TestParsers::depthLimit_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("parseDepth");
    QTest::addColumn<int>("deepestKept"); // segments of the deepest key that survives

    QTest::newRow("parser cuts flow") << nestedFlow(100) << 64 << 64;
    QTest::newRow("flattener cuts flow") << nestedFlow(100) << 1000 << 64;
    QByteArray block = "name: x\nnest:\n";
    for (int i = 1; i <= 100; ++i)
        block += QByteArray(2 * i, ' ') + "k" + QByteArray::number(i) +
                 (i == 100 ? ": bottom\n" : ":\n");
    block += "seed: 7\n";
    QTest::newRow("parser cuts block") << block << 64 << 64;
}

void TestParsers::depthLimit() {
    QFETCH(QByteArray, text);
    QFETCH(int, parseDepth);
    QFETCH(int, deepestKept);
    ParseLimits pl;
    pl.maxDepth = parseDepth;
    const Parsed p = parse(text, true, {}, pl);
    QVERIFY(p.ok);
    QCOMPARE(p.value(u"name"_s), Value::string(u"x"_s));
    QCOMPARE(p.value(u"seed"_s), Value::integer(7));
    qsizetype deepest = 0;
    for (const Entry &e : p.run.entries)
        deepest = std::max(deepest, e.key.segments().size());
    QVERIFY2(deepest <= deepestKept, qPrintable(QString::number(deepest)));
    const Issue *i = findIssue(p.run.issues, u"nesting deeper than 64"_s);
    QVERIFY2(i, qPrintable(issuesText(p.run.issues)));
    QCOMPARE(i->severity, Issue::Severity::Error);
    QVERIFY(i->line >= 2);
}

void TestParsers::beyondYamlCppGuard() {
    // yaml-cpp stops at 500 levels with DeepRecursion, whose message ("bad file") says nothing.
    const QByteArray text =
        "name: deep\ndeep: " + QByteArray(2000, '[') + "0" + QByteArray(2000, ']') + "\n";
    const Parsed p = parse(text, true);
    QVERIFY(!p.run.issues.empty());
    const Issue *i = findIssue(p.run.issues, u"too deep"_s);
    QVERIFY2(i, qPrintable(issuesText(p.run.issues)));
    QCOMPARE(i->severity, Issue::Severity::Error);
    QCOMPARE(i->line, 2);
    QCOMPARE(p.value(u"name"_s), Value::string(u"deep"_s));
}

void TestParsers::jsonDeepNesting() {
    const QByteArray text = "{\"name\": \"deep\", \"deep\": " + QByteArray(100000, '[') + "0" +
                            QByteArray(100000, ']') + ", \"seed\": 7}";
    const Parsed p = parse(text, false);
    QVERIFY(p.ok);
    QCOMPARE(p.value(u"name"_s), Value::string(u"deep"_s));
    QCOMPARE(p.value(u"seed"_s), Value::integer(7));
    const Issue *i = findIssue(p.run.issues, u"nesting deeper than"_s);
    QVERIFY2(i, qPrintable(issuesText(p.run.issues)));
    QCOMPARE(i->line, 1);
}

void TestParsers::keyLimit() {
    FlattenLimits fl;
    fl.maxKeys = 3;
    Flattener flattener(fl);
    RunRecord run;
    for (const QByteArray &text :
         {QByteArray("a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n"), QByteArray("f: 6\n")}) {
        Doc doc;
        QVERIFY(parseYaml(text, doc, run, u"t.yaml"_s));
        flattener.flatten(doc, doc.root, Key(), Family::Config, {}, run, u"t.yaml"_s);
    }
    QCOMPARE(run.entries.size(), 3u); // the limit counts over all of a run's files
    QCOMPARE(flattener.keyCount(), 3);
    QCOMPARE(run.issues.size(), 1u); // reported once
    QCOMPARE(run.issues[0].severity, Issue::Severity::Error);
    QCOMPARE(run.issues[0].line, 4);
    QVERIFY2(run.issues[0].message.contains(u"more than 3 keys"_s),
             qPrintable(run.issues[0].message));
}

void TestParsers::nothingUsable_data() {
    QTest::addColumn<bool>("yaml");
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("yaml empty") << true << QByteArray();
    QTest::newRow("yaml comment only") << true << QByteArray("# nothing here\n");
    QTest::newRow("yaml error at once") << true << QByteArray("\"a\\q\"\n"); // unknown escape
    QTest::newRow("json empty") << false << QByteArray();
    QTest::newRow("json garbage") << false << QByteArray("nonsense");
}

void TestParsers::nothingUsable() {
    QFETCH(bool, yaml);
    QFETCH(QByteArray, input);
    const Parsed p = parse(input, yaml);
    QVERIFY(!p.ok);
    QVERIFY(p.run.entries.empty());
}

QTEST_GUILESS_MAIN(TestParsers)
#include "tst_parsers.moc"
