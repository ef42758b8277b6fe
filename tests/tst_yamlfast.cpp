// Differential test of the YAML fast path (readers/yamlfast.h) against yaml-cpp's event path:
// on every YAML file in the repository and the corpus, on inline cases and on random mutations,
// an accepted parse must build the same Doc (arena, tree, positions, JSON) and issues as
// yaml-cpp; a declined one must leave the Doc empty and the issues untouched. Also times both
// paths on the benchmark runs when they exist (printed, never asserted).
#include "readers/docparser.h"
#include "readers/yamlfast.h"
#include "run/flatten.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTest>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

enum class Path { Events, Fast, Default };
enum class Expect { Either, Accept, Decline };

const QString kFile = u"config.yaml"_s;

struct Outcome {
    bool ok = false;
    bool empty = true;
    QString json, tree, arena, issues;
};

QString kindName(DocNode::Kind k) {
    return k == DocNode::Kind::Map ? u"map"_s : k == DocNode::Kind::Seq ? u"seq"_s : u"scalar"_s;
}

QString scalarText(const Value &v) {
    return v.typeName() + u':' + v.displayText();
}

/// Every node reachable from `n` in tree order as `kind line:col`, keys and scalars included.
void dumpTree(const Doc &doc, int n, int depth, QString &out, int &budget) {
    if (--budget < 0) return;
    const DocNode &node = doc.node(n);
    out += QString(depth * 2, u' ') + kindName(node.kind) + u' ' + QString::number(node.line) +
           u':' + QString::number(node.column);
    if (node.kind == DocNode::Kind::Scalar) out += u' ' + scalarText(node.value);
    out += u'\n';
    for (const auto &[key, child] : node.members) {
        out += QString(depth * 2 + 2, u' ') + u"key "_s + key + u'\n';
        dumpTree(doc, child, depth + 2, out, budget);
    }
    for (int child : node.items)
        dumpTree(doc, child, depth + 1, out, budget);
}

/// The whole arena in order, orphaned key nodes and replaced duplicates included.
QString dumpArena(const Doc &doc) {
    QString out;
    for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
        const DocNode &n = doc.nodes[i];
        out += u"%1 %2 %3:%4 %5"_s.arg(i)
                   .arg(kindName(n.kind))
                   .arg(n.line)
                   .arg(n.column)
                   .arg(scalarText(n.value));
        for (const auto &[key, child] : n.members)
            out += u" [%1]=%2"_s.arg(key).arg(child);
        for (int child : n.items)
            out += u" #%1"_s.arg(child);
        out += u'\n';
    }
    return out;
}

Outcome parse(const QByteArray &bytes, Path path, const ParseLimits &limits = {}) {
    Doc doc;
    RunRecord run;
    run.addIssue(Issue::Severity::Note, u"earlier"_s, 1, 1, u"an issue from before"_s);
    Outcome o;
    o.ok = path == Path::Fast     ? parseYamlFast(bytes, doc, run, kFile, limits)
           : path == Path::Events ? parseYamlEvents(bytes, doc, run, kFile, limits)
                                  : parseYaml(bytes, doc, run, kFile, limits);
    o.empty = doc.isEmpty() && doc.nodes.empty();
    if (!doc.isEmpty()) {
        Flattener().toJson(doc, doc.root, o.json);
        int budget = 200000;
        dumpTree(doc, doc.root, 0, o.tree, budget);
    }
    o.arena = dumpArena(doc);
    for (const Issue &i : run.issues)
        o.issues += Issue::severityName(i.severity) + u' ' + i.toString() + u'\n';
    return o;
}

/// Empty when the fast path agrees with yaml-cpp on `bytes` (or declines cleanly), else what
/// differs. `accepted` tells whether the fast path took the input.
QString difference(const QByteArray &bytes, const ParseLimits &limits, bool *accepted = nullptr) {
    const Outcome slow = parse(bytes, Path::Events, limits);
    const Outcome fast = parse(bytes, Path::Fast, limits);
    const Outcome both = parse(bytes, Path::Default, limits);
    if (accepted) *accepted = fast.ok;
    if (both.ok != slow.ok || both.arena != slow.arena || both.issues != slow.issues)
        return u"parseYaml differs from the event path:\n"_s + both.arena + both.issues +
               u"---\n"_s + slow.arena + slow.issues;
    if (!fast.ok) {
        if (!fast.empty || fast.issues != u"note earlier:1:1: an issue from before\n"_s)
            return u"a declined parse left something behind:\n"_s + fast.arena + fast.issues;
        return {};
    }
    const auto diff = [](const QString &what, const QString &f, const QString &s) {
        return f == s ? QString() : u"%1 differs\nfast:\n%2\nyaml-cpp:\n%3"_s.arg(what, f, s);
    };
    if (!slow.ok) return u"fast path accepted what yaml-cpp rejects:\n"_s + slow.issues;
    for (const QString &d :
         {diff(u"json"_s, fast.json, slow.json), diff(u"tree"_s, fast.tree, slow.tree),
          diff(u"arena"_s, fast.arena, slow.arena), diff(u"issues"_s, fast.issues, slow.issues)})
        if (!d.isEmpty()) return d;
    return {};
}

QByteArray readAll(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList yamlFiles(const QString &dir) {
    QStringList files;
    QDirIterator it(dir, {u"*.yaml"_s, u"*.yml"_s}, QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

/// A config W&B wrote: `config.yaml` (run or legacy) or a sweep's `config-<id>.yaml` below a
/// `wandb` folder.
bool isWandbConfig(const QString &path) {
    const QString name = QFileInfo(path).fileName();
    return path.contains(u"/wandb/"_s) &&
           (name == u"config.yaml"_s || name.startsWith(u"config-"_s));
}

QString corpusDir() {
    return QStringLiteral(RUNLENS_CORPUS);
}

QByteArray nested(int depth) {
    QByteArray y;
    for (int i = 0; i < depth; ++i)
        y += QByteArray(i * 2, ' ') + "k" + QByteArray::number(i) + ":\n";
    return y + QByteArray(depth * 2, ' ') + "leaf: 1\n";
}

/// Random YAML near the subset's edges: a tree of mappings and sequences in the block styles
/// of PyYAML and yaml.v3 (the step, whether items indent), with keys and values drawn from pools
/// whose first entries are in the subset. The fuzz test mutates some of these further.
class Generator {
public:
    explicit Generator(QRandomGenerator &rng)
        : m_rng(rng) {}

    QByteArray document() {
        m_tame = pick(2) == 0;
        m_step = pick(3) == 0 ? 4 : 2;
        m_indentItems = pick(2) == 0;
        m_eol = pick(6) == 0 ? "\r\n" : "\n";
        QByteArray y = pick(8) == 0 ? "---" + m_eol : QByteArray();
        if (pick(4) == 0)
            seq(y, 0, 0);
        else
            map(y, 0, 0);
        if (pick(3) == 0) y.chop(pick(4));
        return y;
    }

private:
    int pick(int n) { return m_rng.bounded(n); }
    const QByteArray &from(const QList<QByteArray> &pool, int tameCount) {
        return pool[pick(m_tame ? tameCount : int(pool.size()))];
    }
    QByteArray scalar() {
        static const QList<QByteArray> values = {
            "1",         "x",          "'q'",         "\"d\\n\"", "[1, b]", "[]",
            "{}",        "~",          "x # c",       "''",       "-1",     "[a, [b, 'c']]",
            "a,b",       "1e-5",       "\"\\u00e9\"", "[ ]",      "0.001",  "true",
            "a b",       "http://x/y", "'it''s'",     "{a: 1}",   "&a x",   "*a",
            "!t x",      "|",          ">",           "-",        "- x",    "a: b",
            "\"x\" y",   "\"open",     "'open",       "[1, 2",    "[a,]",   "x:",
            "\"t\\tx\"", "[-]"};
        QByteArray v = from(values, 21);
        if (pick(8) == 0) v += pick(2) ? " # note" : "  ";
        return v;
    }
    QByteArray key() {
        static const QList<QByteArray> keys = {
            "a",          "b",        "\"1\"", "'x y'",   "~",    "null", "-x",
            "a b",        "\xc3\xa9", "1.5",   "'it''s'", "\"\"", "lr",   "k#x",
            "\"a\\\"b\"", "[k]",      "a:b",   "?x",      "k ",   "&k a", "!k a"};
        return from(keys, 13);
    }
    void line(QByteArray &y, int indent, const QByteArray &text) {
        y += QByteArray(indent + (!m_tame && pick(20) == 0 ? 1 : 0), ' ') + text + m_eol;
        if (pick(12) == 0) y += QByteArray(pick(6), ' ') + (pick(2) ? "# comment" : "") + m_eol;
    }
    /// A value after `head` (`key:` or `-`), written at `indent`, whose key or dash is at
    /// column `col`: inline, or on the lines below.
    void value(QByteArray &y, const QByteArray &head, int indent, int col, int depth,
               bool mapValue) {
        const int kind = depth > 5 ? 0 : pick(7);
        if (kind <= 2) {
            line(y, indent, head + ' ' + scalar());
        } else if (kind == 6) { // on the next line, sometimes continued on one more
            line(y, indent, head);
            for (int n = pick(4) == 0 ? 2 : 1; n > 0; --n)
                line(y, col + 1 + pick(m_step), scalar());
        } else if (kind == 3) {
            line(y, indent, head + (pick(3) == 0 ? " # c" : ""));
        } else if (kind == 4) {
            line(y, indent, head);
            map(y, col + m_step, depth + 1);
        } else {
            line(y, indent, head);
            seq(y, mapValue && !m_indentItems ? col : col + m_step, depth + 1);
        }
    }
    QByteArray keyHead() { return key() + (!m_tame && pick(15) == 0 ? "" : ":"); }
    void map(QByteArray &y, int indent, int depth) {
        for (int n = 1 + pick(5); n > 0; --n)
            value(y, keyHead(), indent, indent, depth, true);
    }
    void seq(QByteArray &y, int indent, int depth) {
        for (int n = 1 + pick(4); n > 0; --n) {
            const QByteArray dash = pick(5) == 0 ? "-   " : "- ";
            if (depth < 5 && pick(6) == 0) { // a list in a list, PyYAML style: `- - x`
                QByteArray inner;
                seq(inner, indent + int(dash.size()), depth + 1);
                y += QByteArray(indent, ' ') + dash + inner.mid(indent + dash.size());
            } else if (depth < 5 && pick(3) == 0) { // a mapping starting on the dash's line
                const int col = indent + int(dash.size());
                value(y, dash + keyHead(), indent, col, depth + 1, true);
                for (int n = pick(3); n > 0; --n)
                    value(y, keyHead(), col, col, depth + 1, true);
            } else {
                value(y, "-", indent, indent, depth, false);
            }
        }
    }

    QRandomGenerator &m_rng;
    bool m_tame = true;
    int m_step = 2;
    bool m_indentItems = false;
    QByteArray m_eol;
};

} // namespace

class TestYamlFast : public QObject {
    Q_OBJECT

private slots:
    void differential_data();
    void differential();
    void limits_data();
    void limits();
    void acceptance();
    void fuzz();
};

void TestYamlFast::differential_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("expect");
    const auto accept = [](const char *name, const QByteArray &y) {
        QTest::newRow(name) << y << int(Expect::Accept);
    };
    const auto decline = [](const char *name, const QByteArray &y) {
        QTest::newRow(name) << y << int(Expect::Decline);
    };

    accept("plain map",
           "a: 1\nb: two\nc: 3.5\nd: true\ne: 1e-05\nf: +5\ng: 0x1f\nh: yes\ni: 2024-01-01\n");
    accept("plain oddities",
           "a: http://x.y/z?q=1&r\nb: a,b\nc: x[0]{1}\nd: -inf\ne: .nan\nf: v#x\ng: -x\n"
           "h: a \"q\" 'r'\ni: 50%\nj: <<\nk: a:b\n");
    accept("key text",
           "my key: my value\na[0]: 1\nit's: 2\n-x: 3\nb.c: 4\n1: int key\n1.0: float key\n");
    accept("null keys", "~: 1\nnull: 2\nNull: 3\nx: NULL\n");
    accept("quoted keys", "\"1\": a\n'2': b\n\"x y\": c\n'': empty\n\"a\\\"b\": d\n");
    accept("single quote escape",
           "a: 'it''s'\nb: ''\nc: '''x'''\nd: 'a \\n b'\ne: ' # not a comment'\n");
    accept("double quote escapes",
           "a: \"x\\\"y\\\\z\\n\\t\\r\\/\\u00e9\\u20ac\\u0041\"\nb: \"\"\nc: \"#x\"\n");
    accept("nul escapes", "a: \"x\\0y\"\nb: \"\\u0000\"\n");
    accept("comments",
           "# head\n\na: 1 # c\nb: 'x' # c\nc: [1, 2] # c\nd: \"y\"   # c\n  # indented comment\n"
           "e: {} # c\n# tail\n");
    accept("empty values", "a:\nb: ~\nc: null\nd: # c\ne:\n");
    accept("empty value at eof", "a: 1\nb:");
    accept("empty value then blank lines", "a: 1\nb:\n\n\n");
    accept("empty value then comment", "a: 1\nb:\n  # c\n");
    accept("empty value at eof after spaces", "x:\n  y:\n    b:\n ");
    accept("empty value at eof after deeper spaces", "x:\n  b:\n   ");
    accept("empty value at eof after equal spaces", "x:\n  y:\n    b:\n\n    ");
    accept("empty item at eof after equal spaces", "x:\n  -\n  ");
    accept("empty item at eof, unindented", "x:\n-\n");
    accept("empty value at eof after a comment", "x:\n  y:\n    b:\n # c");
    accept("empty nested value", "x:\n  a: 1\n  b:\nc: 2\n");
    accept("indented sequence", "a:\n  - 1\n  - x\n  - 'q'\nb: 2\n");
    accept("unindented sequence", "a:\n- 1\n- x\nb: 2\nc:\n- 3\n");
    accept("sequence of maps", "a:\n- k: 1\n  l: 2\n- k: 3\n-   m: 4\n    n: [5]\n");
    accept("sequence of maps (yaml.v3)",
           "a:\n    - k: 1\n      l: [x]\n    - \"k\": 3\n      \"6\":\n        - 3\n");
    accept("map item values", "- a:\n  - 1\n  b: 2\n- c:\n    d: 3\n- e:\n- f\n");
    accept("nested sequence below dash", "-\n  - 1\n- 2\n-\n  a: 1\n");
    accept("null items", "- \n-\n- 1\n- # c\n-");
    accept("empty flow", "a: []\nb: {}\nc: [[], {}]\nd: [ ]\n");
    accept("flow sequence",
           "a: [a, 'b c', \"d\", 1.5, [1, [2]], -3, x y, true, ~, null]\nb: [ 1 ,2 ]\n");
    accept("duplicate keys", "a: 1\nb: 2\na: 3\nb:\n  c: 1\nb: [x]\n");
    accept("duplicate nested keys", "x:\n  - y: 1\n    y: 2\n  - z:\n      w: 1\n      w: 2\n");
    accept("duplicate keys by text", "\"1\": a\n1: b\n~: c\nnull: d\n");
    accept("unicode", "ключ: значение\nemoji: \"😀\"\nk: é # c\n'ü': [ä, \"ö\"]\n");
    accept("windows line endings", "a: 1\r\nb:\r\n  - x\r\n  - 'y' # c\r\nc: \"z\"\r\nd:\r\n");
    accept("document start", "---\na: 1\n");
    accept("comment before document start", "# c\n\n---\na: 1\n");
    accept("values on the next line",
           "a:\n  /a/long/path\nb:\n    'quoted'\nc:\n  [1, 2] # c\n-x:\n  {}\n");
    accept("items on the next line", "-\n  /a/long/path\n-\n  \"q\"\n");
    accept("empty mapping document", "{}\n");
    accept("empty sequence document", "# c\n[]\n");
    accept("flow sequence document", "[1, [a], 'b']");
    accept("scalar documents", "--- \n42 # c\n");
    accept("nested lists (PyYAML)",
           "a:\n- - 1\n  - 2\n- - - x\n    - y\n  - z\n- -\n  - w\n- - k: 1\n    l: 2\n");
    decline("nested list item indented oddly", "- - 1\n   - 2\n");
    accept("root sequence", "- a\n- b\n");
    accept("indented root", "  a: 1\n  b:\n    - 2\n");
    accept("trailing spaces", "a: 1   \nb:   \n  - x  \nc: 'q'  \n");
    accept("deep but within limits", nested(40));
    accept("wandb old",
           "wandb_version: 1\n\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.17.0\n    t:\n"
           "      1:\n      - 1\n      - 55\n      4: 3.8.0\n    m:\n    - 1: trainer/global_step\n"
           "      6:\n      - 3\nlr:\n  desc: learning rate\n  value: 0.001\n");
    accept(
        "wandb new",
        "_wandb:\n    value:\n        cli_version: 0.19.1\n        m: []\n        t:\n"
        "            \"1\":\n                - 1\n                - 41\n            \"4\": 3.11.7\n"
        "compile:\n    value: true\n");

    decline("anchor and alias", "a: &x 1\nb: *x\n");
    decline("tag", "a: !!str 1\n");
    decline("literal block scalar", "a: |\n  x\n  y\n");
    decline("folded block scalar", "a: >-\n  x\n");
    decline("multi-line plain scalar", "a: b\n  c\n");
    decline("multi-line plain item", "- b\n  c\n");
    decline("multi-line plain scalar on the next line", "a:\n  b\n  c\n");
    decline("multi-line plain scalar below a dash", "-\n  b\n  c\n");
    decline("multi-line double quoted", "a: \"b\n  c\"\n");
    decline("multi-line single quoted", "a: 'b\n  c'\n");
    decline("line continuation escape", "a: \"b\\\n  c\"\n");
    decline("unsupported escape", "a: \"\\x41\"\n");
    decline("surrogate escape", "a: \"\\ud83d\"\n");
    decline("flow mapping", "a: {b: 1}\n");
    decline("flow mapping in sequence", "a: [{b: 1}]\n");
    decline("multi-line flow sequence", "a: [1,\n  2]\n");
    decline("trailing comma", "a: [1, 2,]\n");
    decline("complex key", "? a\n: b\n");
    decline("directive", "%YAML 1.2\n---\na: 1\n");
    decline("second document", "a: 1\n---\nb: 2\n");
    decline("document end", "a: 1\n...\n");
    decline("tab indentation", "a:\n\tb: 1\n");
    decline("tab in value", "a: b\tc\n");
    decline("too deep", nested(70));
    decline("multi-line scalar document", "a\nb\n");
    decline("scalar document then a mapping", "a\nb: 1\n");
    decline("empty", "");
    decline("comments only", "# only a comment\n\n");
    decline("document start only", "---\n");
    decline("byte order mark", "\xEF\xBB\xBF"
                               "a: 1\n");
    decline("invalid utf-8", "a: \xff\xfe\n");
    decline("lone carriage return", "a: 1\rb: 2\n");
    decline("nul byte", QByteArray("a: 1\0b\n", 7));
    decline("nested mapping on one line", "a: b: c\n");
    decline("inconsistent indentation", "a:\n    b: 1\n  c: 2\n");
    decline("sequence in a mapping", "a: 1\n- b\n");
    decline("missing value indicator", "a: 1\nb\n");
    decline("key with spaces before the colon", "a : 1\n");
    decline("quoted scalar then text", "a: \"b\" c\n");
    decline("dash value", "a: - b\n");

    // Real files: everything in the repository, and the corpus when it is there.
    const QString repoData = QFINDTESTDATA("data");
    const QString examples = QFINDTESTDATA("../resources/examples/runs");
    QVERIFY(!repoData.isEmpty() && !examples.isEmpty());
    for (const QString &f : yamlFiles(repoData))
        QTest::newRow(qPrintable(u"tests/"_s + QDir(repoData).relativeFilePath(f)))
            << readAll(f) << int(isWandbConfig(f) ? Expect::Accept : Expect::Either);
    for (const QString &f : yamlFiles(examples))
        QTest::newRow(qPrintable(u"examples/"_s + QDir(examples).relativeFilePath(f)))
            << readAll(f) << int(isWandbConfig(f) ? Expect::Accept : Expect::Either);
    for (const QString &f : yamlFiles(corpusDir()))
        QTest::newRow(qPrintable(u"corpus/"_s + QDir(corpusDir()).relativeFilePath(f)))
            << readAll(f) << int(isWandbConfig(f) ? Expect::Accept : Expect::Either);
}

void TestYamlFast::differential() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, expect);
    bool accepted = false;
    const QString diff = difference(bytes, {}, &accepted);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    if (expect == int(Expect::Accept)) QVERIFY2(accepted, "the fast path declined");
    if (expect == int(Expect::Decline)) QVERIFY2(!accepted, "the fast path accepted");
}

void TestYamlFast::limits_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<int>("maxNodes");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("depth at the limit") << QByteArray("a:\n  b: [1]\n") << 3 << 100 << true;
    QTest::newRow("depth over the limit") << QByteArray("a:\n  b: [1]\n") << 2 << 100 << false;
    QTest::newRow("depth over in a sequence") << QByteArray("- - 1\n") << 1 << 100 << false;
    QTest::newRow("nodes at the limit") << QByteArray("a: 1\nb: [2]\n") << 64 << 6 << true;
    QTest::newRow("nodes over the limit") << QByteArray("a: 1\nb: [2]\n") << 64 << 5 << false;
    QTest::newRow("no nodes") << QByteArray("a: 1\n") << 64 << 0 << false;
}

void TestYamlFast::limits() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, maxDepth);
    QFETCH(int, maxNodes);
    QFETCH(bool, accepted);
    ParseLimits limits;
    limits.maxDepth = maxDepth;
    limits.maxNodes = maxNodes;
    bool ok = false;
    const QString diff = difference(bytes, limits, &ok);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(ok, accepted);
}

void TestYamlFast::acceptance() {
    const QStringList files = yamlFiles(corpusDir());
    if (files.isEmpty()) QSKIP("corpus absent");
    int accepted = 0, wandb = 0, wandbAccepted = 0;
    QStringList declined;
    for (const QString &f : files) {
        Doc doc;
        RunRecord run;
        const bool ok = parseYamlFast(readAll(f), doc, run, kFile);
        accepted += ok ? 1 : 0;
        if (isWandbConfig(f)) {
            ++wandb;
            wandbAccepted += ok ? 1 : 0;
        }
        if (!ok) declined << QDir(corpusDir()).relativeFilePath(f);
    }
    qInfo("fast path accepts %d of %lld corpus YAML files (%.1f%%); W&B configs %d of %d", accepted,
          qlonglong(files.size()), 100.0 * accepted / double(files.size()), wandbAccepted, wandb);
    if (qEnvironmentVariableIsSet("RUNLENS_LIST_DECLINED"))
        qInfo("declined:\n%s", qPrintable(declined.join(u'\n')));
    QCOMPARE(wandbAccepted, wandb);
}

void TestYamlFast::fuzz() {
    // Random mutations of the repository's and the corpus's files and an inline case; yaml-cpp is
    // the oracle. RUNLENS_FUZZ_SECONDS runs longer (a few seconds by default, with a fixed seed).
    QList<QByteArray> seeds;
    for (const QString &f : yamlFiles(QFINDTESTDATA("data")) +
                                yamlFiles(QFINDTESTDATA("../resources/examples/runs")) +
                                yamlFiles(corpusDir()))
        if (const QByteArray b = readAll(f); b.size() < 20000) seeds << b;
    seeds << "a:\n- k: 'x''y'\n  l: [1, \"2\\u00e9\"]\n-   m:\n    - 4\nb: {}\n\"c\": ~ # c\n";
    QVERIFY(!seeds.isEmpty());
    const int seconds = qEnvironmentVariableIsSet("RUNLENS_FUZZ_SECONDS")
                            ? qEnvironmentVariableIntValue("RUNLENS_FUZZ_SECONDS")
                            : 3;
    QRandomGenerator rng(qEnvironmentVariableIntValue("RUNLENS_FUZZ_SEED") + 1);
    static const QByteArray alphabet = QByteArray(" -:#'\"[]{},&*!|>?%@\\~\n\r\t.0aZé") + "\\u00e";
    QElapsedTimer timer;
    timer.start();
    int runs = 0, accepted = 0, failures = 0;
    while (timer.elapsed() < seconds * 1000) {
        const bool generated = rng.bounded(2) == 0;
        QByteArray y =
            generated ? Generator(rng).document() : seeds[rng.bounded(int(seeds.size()))];
        for (int m = generated ? rng.bounded(2) * rng.bounded(3) : 1 + rng.bounded(3);
             m > 0 && !y.isEmpty(); --m) {
            const int at = rng.bounded(int(y.size()));
            const int len = 1 + rng.bounded(qMin(8, int(y.size()) - at));
            switch (rng.bounded(5)) {
            case 0:
                y.remove(at, len);
                break;
            case 1:
                y.insert(at,
                         alphabet.mid(rng.bounded(int(alphabet.size()) - 1), 1 + rng.bounded(2)));
                break;
            case 2:
                y.insert(at, QByteArray(1 + rng.bounded(4), ' '));
                break;
            case 3:
                y.insert(at, y.mid(rng.bounded(int(y.size())), len * 4));
                break;
            default:
                y.truncate(at);
                break;
            }
        }
        ParseLimits limits; // now and then small enough to be hit
        if (rng.bounded(8) == 0) {
            limits.maxDepth = 1 + rng.bounded(6);
            limits.maxNodes = rng.bounded(80);
        }
        bool ok = false;
        const QString diff = difference(y, limits, &ok);
        ++runs;
        accepted += ok ? 1 : 0;
        if (!diff.isEmpty() && ++failures <= 3)
            qWarning("mismatch on %s\n%s",
                     qPrintable(QString::fromLatin1(y.toPercentEncoding(" :-\n'\"[]{},#"))),
                     qPrintable(diff));
    }
    qInfo("fuzz: %d inputs, %d accepted by the fast path, %d mismatches", runs, accepted, failures);
    QCOMPARE(failures, 0);
}

QTEST_GUILESS_MAIN(TestYamlFast)
#include "tst_yamlfast.moc"
