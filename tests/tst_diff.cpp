// Diffs of runs against a baseline (RunDiff), their rendering as a table (DiffTable), and the
// texts a diff is copied as: Hydra overrides and YAML, the latter parsed back by yaml-cpp and
// by RunLens's own reader path.
#include "analysis/diff.h"
#include "analysis/diffspelling.h"
#include "analysis/difftable.h"
#include "export/tablewriter.h"
#include "readers/docparser.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "run/flatten.h"

#include <QTest>

#include "testutil.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Cell {
    Family family;
    QString key; ///< display form
    Value value;
};

/// A table of hand-built runs r0, r1, ... (or the given ids), one list of cells per run.
RunTable makeTable(const std::vector<std::vector<Cell>> &runs, const QStringList &names = {}) {
    RunTable table;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        RunRecord rec;
        rec.id = u"r%1"_s.arg(i);
        rec.name = names.value(qsizetype(i), rec.id);
        rec.format = u"generic"_s;
        for (const Cell &c : runs[i])
            rec.add(c.family, testutil::key(c.key), c.value);
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    return table;
}

/// The diff as text: per row `family key: status: change,change,...`.
QString dump(const RunDiff &diff) {
    QStringList lines;
    for (const DiffRow &row : diff.rows()) {
        QStringList changes;
        for (CellChange c : row.changes)
            changes << cellChangeName(c);
        const ColumnInfo &info = diff.table().column(row.column);
        lines << u"%1 %2: %3: %4"_s.arg(familyName(info.family), info.display,
                                        keyStatusName(row.status), changes.join(u','));
    }
    return lines.join(u'\n');
}

Cell config(const QString &key, const Value &v) {
    return {Family::Config, key, v};
}
Cell metric(const QString &key, const Value &v) {
    return {Family::Metric, key, v};
}

bool sameNumber(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b || std::abs(a - b) < 1e-12 * std::abs(b);
}

} // namespace

class TestDiff : public QObject {
    Q_OBJECT

private slots:
    void identicalRuns() {
        const std::vector<Cell> cells = {
            config(u"a"_s, Value::integer(1)), config(u"b"_s, Value::string(u"x"_s)),
            config(u"c"_s, Value::list(u"[1, 2]"_s)), metric(u"acc"_s, Value::real(0.9))};
        const RunTable t = makeTable({cells, cells});
        const RunDiff diff(t, {0, 1}, 0);
        QVERIFY(diff.rows().empty());
        QCOMPARE(diff.countWithStatus(KeyStatus::Same), 4);
        QCOMPARE(diff.countWithStatus(KeyStatus::Different), 0);
        QCOMPARE(diff.overrides(1), QString());
        QCOMPARE(diff.differencesAsYaml(), u"# run r0 (baseline)\nr0: {}\n# run r1\nr1: {}\n"_s);

        DiffOptions all;
        all.onlyDifferences = false;
        const RunDiff full(t, {0, 1}, 0, all);
        QCOMPARE(dump(full), u"config a: same: same,same\n"
                             "config b: same: same,same\n"
                             "config c: same: same,same\n"
                             "metric acc: same: same,same"_s);
        QCOMPARE(full.rows()[0].delta[1], 0.0);
    }

    void disjointKeys() {
        const RunTable t = makeTable({{config(u"x"_s, Value::integer(1))},
                                      {config(u"y"_s, Value::integer(2))},
                                      {metric(u"only.other"_s, Value::integer(3))}});
        const RunDiff diff(t, {0, 1}, 0);
        // Run r2's key is in no run of the diff: not a row, not counted.
        QCOMPARE(dump(diff), u"config x: missing in some: same,removed\n"
                             "config y: missing in some: missing,added"_s);
        QCOMPARE(diff.countWithStatus(KeyStatus::MissingInSome), 2);
        QCOMPARE(diff.countWithStatus(KeyStatus::Same), 0);
        QCOMPARE(diff.overrides(1), u"~x +y=2"_s);
        QCOMPARE(diff.overrides(0), QString()); // the baseline against itself
    }

    void lists() {
        const RunTable t =
            makeTable({{config(u"betas"_s, Value::list(u"[0.9, 0.999]"_s)),
                        config(u"tags"_s, Value::list(u"[]"_s))},
                       {config(u"betas"_s, Value::list(u"[0.9, 0.999]"_s)),
                        config(u"tags"_s, Value::list(u"[\"a b\", \"c\", null, [1, true]]"_s))},
                       {config(u"betas"_s, Value::list(u"[0.9, 0.99]"_s)),
                        config(u"tags"_s, Value::list(u"[]"_s))}});
        const RunDiff diff(t, {0, 1, 2}, 0);
        QCOMPARE(dump(diff), u"config betas: different: same,same,changed\n"
                             "config tags: different: same,changed,same"_s);
        // Lists are one value: no delta.
        QVERIFY(std::isnan(diff.rows()[0].delta[2]));
        QCOMPARE(diff.overrides(1), u"'tags=[\"a b\",c,null,[1,true]]'"_s);
        QCOMPARE(diff.overrides(2), u"'betas=[0.9,0.99]'"_s);
    }

    void nanEqualsNan() {
        const RunTable t = makeTable(
            {{metric(u"loss"_s, Value::real(kNaN)), config(u"l"_s, Value::list(u"[NaN]"_s))},
             {metric(u"loss"_s, Value::real(kNaN, u"NaN"_s)),
              config(u"l"_s, Value::list(u"[NaN]"_s))},
             {metric(u"loss"_s, Value::real(0.5)), config(u"l"_s, Value::list(u"[NaN]"_s))}});
        QVERIFY(RunDiff(t, {0, 1}, 0).rows().empty());
        const RunDiff diff(t, {0, 1, 2}, 0);
        QCOMPARE(dump(diff), u"metric loss: different: same,same,changed"_s);
        QVERIFY(std::isnan(diff.rows()[0].delta[2]));
        QVERIFY(std::isnan(diff.rows()[0].percent[2]));
        QCOMPARE(diffCellText(diff, 0, 2), u"0.5 (changed)"_s);
    }

    void nestedKeys() {
        // `a.b` (nested) and `["a.b"]` (one segment with a dot) are different keys.
        const RunTable t = makeTable(
            {{config(u"optimizer.lr"_s, Value::real(0.1)), config(u"a.b"_s, Value::integer(1)),
              config(u"[\"a.b\"]"_s, Value::integer(1)),
              config(u"model.[\"x.y\"].z"_s, Value::integer(1))},
             {config(u"optimizer.lr"_s, Value::real(0.2)), config(u"a.b"_s, Value::integer(2)),
              config(u"[\"a.b\"]"_s, Value::integer(3)),
              config(u"model.[\"x.y\"].z"_s, Value::integer(4))}});
        const RunDiff diff(t, {0, 1}, 0);
        QCOMPARE(dump(diff), u"config optimizer.lr: different: same,changed\n"
                             "config a.b: different: same,changed\n"
                             "config [\"a.b\"]: different: same,changed\n"
                             "config model[\"x.y\"].z: different: same,changed"_s);
        // A segment with a dot is merged in as a dict key into the longest key Hydra can
        // name; a top-level one cannot be said at all.
        QStringList left;
        QCOMPARE(diff.overrides(1, &left), u"optimizer.lr=0.2 a.b=2 '++model={x.y:{z:4}}'"_s);
        QCOMPARE(left, QStringList{u"[\"a.b\"]"_s});
        QCOMPARE(diff.differencesAsYaml(), u"# run r0 (baseline)\n"
                                           "r0:\n"
                                           "  optimizer:\n"
                                           "    lr: 0.1\n"
                                           "  a:\n"
                                           "    b: 1\n"
                                           "  a.b: 1\n"
                                           "  model:\n"
                                           "    x.y:\n"
                                           "      z: 1\n"
                                           "# run r1\n"
                                           "r1:\n"
                                           "  optimizer:\n"
                                           "    lr: 0.2\n"
                                           "  a:\n"
                                           "    b: 2\n"
                                           "  a.b: 3\n"
                                           "  model:\n"
                                           "    x.y:\n"
                                           "      z: 4\n"_s);
    }

    void intEqualsReal() {
        const RunTable t = makeTable({{config(u"epochs"_s, Value::integer(1))},
                                      {config(u"epochs"_s, Value::real(1.0, u"1.0"_s))},
                                      {config(u"epochs"_s, Value::real(1.5))}});
        QVERIFY(RunDiff(t, {0, 1}, 0).rows().empty());
        const RunDiff diff(t, {0, 1, 2}, 0);
        QCOMPARE(dump(diff), u"config epochs: different: same,same,changed"_s);
        QCOMPARE(diff.rows()[0].delta[2], 0.5);
        QCOMPARE(diff.rows()[0].percent[2], 50.0);
    }

    void differentSourceFormats() {
        // A plain-folder run and a W&B run, read from the fixtures by the real readers.
        LoadOptions options;
        options.jobs = 1;
        const LoadResult loaded =
            loadRuns({QFINDTESTDATA("data/generic"), QFINDTESTDATA("data/wandb_new")},
                     ReaderRegistry::withBuiltins(), options);
        const RunTable &t = loaded.table;
        const int generic = testutil::rowOf(t, u"exp-yaml"_s);
        const int wandb = testutil::rowOf(t, u"new67890"_s);
        QVERIFY(generic >= 0 && wandb >= 0);
        QCOMPARE(t.run(generic).format, u"generic"_s);
        QCOMPARE(t.run(wandb).format, u"wandb"_s);
        const RunDiff diff(t, {generic, wandb}, 0);
        const auto rowOf = [&](Family f, const QString &key) {
            for (int r = 0; r < int(diff.rows().size()); ++r)
                if (diff.rows()[std::size_t(r)].column == t.findColumn(f, testutil::key(key)))
                    return r;
            return -1;
        };
        const int arch = rowOf(Family::Config, u"model.arch"_s);
        QVERIFY(arch >= 0);
        QCOMPARE(diff.rows()[std::size_t(arch)].changes[1], CellChange::Changed);
        const int acc = rowOf(Family::Metric, u"val/acc"_s);
        QVERIFY(acc >= 0);
        QVERIFY(sameNumber(diff.rows()[std::size_t(acc)].delta[1], 0.875 - 0.781));
        QVERIFY(
            sameNumber(diff.rows()[std::size_t(acc)].percent[1], (0.875 - 0.781) / 0.781 * 100));
        QVERIFY(rowOf(Family::Config, u"big_id"_s) >= 0);
        // Keys of one family only in one run, and the config and metric `epoch` apart.
        QCOMPARE(diff.rows()[std::size_t(rowOf(Family::Config, u"epoch"_s))].changes[1],
                 CellChange::Removed);
        QCOMPARE(diff.rows()[std::size_t(rowOf(Family::Metric, u"epoch"_s))].changes[1],
                 CellChange::Changed);

        QStringList left;
        const QString overrides = u' ' + diff.overrides(1, &left) + u' ';
        QVERIFY2(overrides.contains(u" model.arch=vit_tiny "_s), qPrintable(overrides));
        QVERIFY2(overrides.contains(u" +big_id=123456789012345678901234567890 "_s),
                 qPrintable(overrides));
        QVERIFY2(overrides.contains(u" '+name=\"R\u00e9sum\u00e9-\u03bb\"' "_s),
                 qPrintable(overrides));
        QVERIFY2(overrides.contains(u" +lr=1e-05 "_s), qPrintable(overrides));
        QVERIFY2(overrides.contains(u" ~data.name "_s), qPrintable(overrides));
        // A top-level key with a dot, and one with a slash (a config group to Hydra).
        QCOMPARE(left, (QStringList{u"[\"a.b\"]"_s, u"train/batch_size"_s}));
        checkYamlRoundTrip(diff);
    }

    void baselineNotFirst() {
        const RunTable t = makeTable({{config(u"lr"_s, Value::real(0.1))},
                                      {config(u"lr"_s, Value::real(0.2))},
                                      {config(u"lr"_s, Value::real(0.2))}});
        const RunDiff diff(t, {0, 1, 2}, 1);
        QCOMPARE(diff.baseline(), 1);
        QCOMPARE(dump(diff), u"config lr: different: changed,same,same"_s);
        QVERIFY(sameNumber(diff.rows()[0].delta[0], -0.1));
        QVERIFY(sameNumber(diff.rows()[0].percent[0], -50));
        QCOMPARE(diff.rows()[0].delta[2], 0.0);
        QCOMPARE(diff.overrides(0), u"lr=0.1"_s);
        QCOMPARE(diff.overrides(1), QString());
        QCOMPARE(diff.overrides(2), QString());
        QVERIFY(diff.differencesAsYaml().contains(u"# run r1 (baseline)\nr1:\n  lr: 0.2\n"_s));
        const DiffTable table(diff, false);
        QCOMPARE(QString::fromUtf8(renderTable(table, TableFormat::Csv)),
                 u"key,status,r0,r0 \u0394,r0 \u0394%,r1 (baseline),r2,r2 \u0394,r2 \u0394%\n"
                 "lr,different,0.1,-0.1,-50,0.2,0.2,0,0\n"_s);
    }

    void deltaAndPercent_data() {
        QTest::addColumn<Value>("base");
        QTest::addColumn<Value>("other");
        QTest::addColumn<double>("delta");
        QTest::addColumn<double>("percent");
        QTest::addColumn<QString>("text");     // diffCellText
        QTest::addColumn<QString>("csvDelta"); // the Δ and Δ% cells
        QTest::newRow("ints") << Value::integer(2) << Value::integer(3) << 1.0 << 50.0
                              << u"3 (+1, +50%)"_s << u"1,50"_s;
        QTest::newRow("negative baseline")
            << Value::real(-4) << Value::real(-2) << 2.0 << 50.0 << u"-2 (+2, +50%)"_s << u"2,50"_s;
        QTest::newRow("decrease") << Value::real(0.9206) << Value::real(0.9072) << (0.9072 - 0.9206)
                                  << (0.9072 - 0.9206) / 0.9206 * 100
                                  << u"0.9072 (-0.0134, -1.46%)"_s << u"-0.0134,-1.45557245274821"_s;
        QTest::newRow("zero baseline") << Value::integer(0) << Value::real(0.5) << 0.5 << kNaN
                                       << u"0.5 (+0.5)"_s << u"0.5,NaN"_s;
        QTest::newRow("NaN baseline") << Value::real(kNaN) << Value::integer(1) << kNaN << kNaN
                                      << u"1 (changed)"_s << u"NaN,NaN"_s;
        QTest::newRow("infinite baseline") << Value::real(kInf) << Value::integer(1) << -kInf
                                           << kNaN << u"1 (-inf)"_s << u"-inf,NaN"_s;
        QTest::newRow("same") << Value::integer(7) << Value::real(7.0, u"7.0"_s) << 0.0 << 0.0
                              << u"7.0"_s << u"0,0"_s;
        QTest::newRow("bool is no number") << Value::integer(1) << Value::boolean(true) << kNaN
                                           << kNaN << u"true (changed)"_s << u","_s;
        QTest::newRow("string is no number") << Value::integer(1) << Value::string(u"1"_s) << kNaN
                                             << kNaN << u"1 (changed)"_s << u","_s;
        QTest::newRow("added") << Value() << Value::integer(1) << kNaN << kNaN << u"1 (added)"_s
                               << u","_s;
        QTest::newRow("removed") << Value::integer(1) << Value() << kNaN << kNaN << u"(removed)"_s
                                 << u","_s;
    }

    void deltaAndPercent() {
        QFETCH(Value, base);
        QFETCH(Value, other);
        QFETCH(double, delta);
        QFETCH(double, percent);
        QFETCH(QString, text);
        QFETCH(QString, csvDelta);
        std::vector<Cell> a, b;
        if (!base.isMissing()) a.push_back(metric(u"m"_s, base));
        if (!other.isMissing()) b.push_back(metric(u"m"_s, other));
        // A third run with a number keeps the delta columns in every case.
        const RunTable t = makeTable({a, b, {metric(u"m"_s, Value::integer(5))}});
        DiffOptions options;
        options.onlyDifferences = false;
        const RunDiff diff(t, {0, 1, 2}, 0, options);
        QCOMPARE(diff.rows().size(), std::size_t(1));
        QVERIFY2(sameNumber(diff.rows()[0].delta[1], delta),
                 qPrintable(QString::number(diff.rows()[0].delta[1])));
        QVERIFY2(sameNumber(diff.rows()[0].percent[1], percent),
                 qPrintable(QString::number(diff.rows()[0].percent[1])));
        QCOMPARE(diffCellText(diff, 0, 1), text);
        const DiffTable table(diff, false);
        const QStringList lines =
            QString::fromUtf8(renderTable(table, TableFormat::Csv)).split(u'\n');
        if (base.isNumber() && other.isNumber()) {
            QVERIFY2(lines[0].startsWith(u"key,status,r0 (baseline),r1,r1 \u0394,r1 \u0394%,r2"_s),
                     qPrintable(lines[0]));
            QCOMPARE(lines[1].section(u',', 4, 5), csvDelta);
        } else {
            QVERIFY2(!lines[0].contains(u"r1 \u0394"_s), qPrintable(lines[0]));
        }
    }

    void overridesQuoting_data() {
        QTest::addColumn<Value>("value");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const Value &v, const QString &expected) {
            QTest::newRow(name) << v << expected;
        };
        row("word", Value::string(u"adam"_s), u"k=adam"_s);
        row("path", Value::string(u"/data/imagenet-1k/train"_s), u"k=/data/imagenet-1k/train"_s);
        row("space", Value::string(u"hello world"_s), u"'k=\"hello world\"'"_s);
        row("comma", Value::string(u"a,b"_s), u"'k=\"a,b\"'"_s);
        row("brackets", Value::string(u"[x]"_s), u"'k=\"[x]\"'"_s);
        row("colon", Value::string(u"a:b"_s), u"'k=\"a:b\"'"_s);
        row("equals", Value::string(u"a=b"_s), u"'k=\"a=b\"'"_s);
        row("interpolation", Value::string(u"${model.dim}"_s), u"'k=\"${model.dim}\"'"_s);
        row("single quote", Value::string(u"it's"_s), u"'k=\"it'\\''s\"'"_s);
        row("double quote", Value::string(u"say \"hi\""_s), u"'k=\"say \\\"hi\\\"\"'"_s);
        row("backslash before quote", Value::string(u"C:\\dir\\"_s), u"'k=\"C:\\dir\\\\\"'"_s);
        row("empty string", Value::string(QString()), u"'k=\"\"'"_s);
        row("string like a number", Value::string(u"1e-3"_s), u"'k=\"1e-3\"'"_s);
        row("string like an int", Value::string(u"1_000"_s), u"'k=\"1_000\"'"_s);
        row("string like a bool", Value::string(u"True"_s), u"'k=\"True\"'"_s);
        row("string like null", Value::string(u"null"_s), u"'k=\"null\"'"_s);
        row("string like nan", Value::string(u"nan"_s), u"'k=\"nan\"'"_s);
        row("non-ASCII", Value::string(u"caf\u00e9"_s), u"'k=\"caf\u00e9\"'"_s);
        row("null", Value::null(), u"k=null"_s);
        row("bool", Value::boolean(false), u"k=false"_s);
        row("int", Value::integer(-3), u"k=-3"_s);
        row("int as written", Value::integer(5, u"+5"_s), u"k=+5"_s);
        row("hex int", Value::integer(31, u"0x1f"_s), u"k=31"_s);
        row("big int", Value::bigInteger(u"123456789012345678901234567890"_s, 1.2e29),
            u"k=123456789012345678901234567890"_s);
        row("real as written", Value::real(3e-6, u"3.0e-06"_s), u"k=3.0e-06"_s);
        row("real exponent", Value::real(1e-4, u"1e-4"_s), u"k=1e-4"_s);
        row("whole real", Value::real(2.0), u"k=2.0"_s);
        row("real canonical exponent", Value::real(1e-20), u"k=1e-20"_s);
        row("real YAML spelling", Value::real(0.5, u"+.5"_s), u"k=+.5"_s);
        row("NaN", Value::real(kNaN, u".nan"_s), u"k=nan"_s);
        row("infinity", Value::real(-kInf, u"-Infinity"_s), u"k=-inf"_s);
        row("list", Value::list(u"[1, \"x y\", null, 0.5]"_s), u"'k=[1,\"x y\",null,0.5]'"_s);
        row("dict", Value::object(u"{\"a\": 1, \"b c\": [true], \"d:e\": \"f\"}"_s),
            u"'k={a:1,b\\ c:[true],d\\:e:f}'"_s);
        row("empty dict", Value::object(u"{}"_s), u"'k={}'"_s);
    }

    void overridesQuoting() {
        QFETCH(Value, value);
        QFETCH(QString, expected);
        const RunTable t =
            makeTable({{config(u"k"_s, Value::string(u"base"_s))}, {config(u"k"_s, value)}});
        QCOMPARE(RunDiff(t, {0, 1}, 0).overrides(1), expected);
    }

    void overrideKeys() {
        QCOMPARE(hydraOverride(testutil::key(u"a.b"_s), Value::integer(1), false), u"a.b=1"_s);
        QCOMPARE(hydraOverride(testutil::key(u"a.b"_s), Value::integer(1), true), u"+a.b=1"_s);
        QCOMPARE(hydraOverride(testutil::key(u"a.b"_s), Value(), false), u"~a.b"_s);
        QCOMPARE(hydraOverride(testutil::key(u"layers.0.width"_s), Value::integer(1), false),
                 u"layers.0.width=1"_s);
        QCOMPARE(hydraOverride(testutil::key(u"my-key"_s), Value::integer(1), false),
                 u"my-key=1"_s);
        // `/` names a config group in an override key, so it is a dict key here.
        QCOMPARE(hydraOverride(testutil::key(u"train.val/acc"_s), Value::integer(1), true),
                 u"++train={val/acc:1}"_s);
        QCOMPARE(hydraOverride(testutil::key(u"0"_s), Value::integer(1), false), std::nullopt);
        QCOMPARE(hydraOverride(testutil::key(u"a.[\"b.c\"]"_s), Value(), false), std::nullopt);
        QCOMPARE(hydraOverride(testutil::key(u"a.q\"x"_s), Value::integer(1), false), std::nullopt);
        QCOMPARE(shellWord(u"~a.b"_s), u"~a.b"_s);
        QCOMPARE(shellWord(u"a=~/x"_s), u"'a=~/x'"_s);
    }

    void yamlScalars_data() {
        QTest::addColumn<Value>("value");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const Value &v, const QString &expected) {
            QTest::newRow(name) << v << expected;
        };
        row("word", Value::string(u"adam"_s), u"adam"_s);
        row("yes", Value::string(u"yes"_s), u"\"yes\""_s);
        row("Off", Value::string(u"Off"_s), u"\"Off\""_s);
        row("y", Value::string(u"y"_s), u"\"y\""_s);
        row("null string", Value::string(u"null"_s), u"\"null\""_s);
        row("number string", Value::string(u"1e-3"_s), u"\"1e-3\""_s);
        row("empty", Value::string(QString()), u"\"\""_s);
        row("colon", Value::string(u"a: b"_s), u"\"a: b\""_s);
        row("comment", Value::string(u"#x"_s), u"\"#x\""_s);
        row("newline", Value::string(u"a\nb"_s), u"\"a\\nb\""_s);
        row("C1 control", Value::string(u"a\u0085"_s), u"\"a\\u0085\""_s);
        row("real exponent", Value::real(1e-3, u"1e-3"_s), u"0.001"_s);
        row("small real", Value::real(1e-5, u"1e-5"_s), u"1.0e-05"_s);
        row("real as PyYAML writes", Value::real(3e-6, u"3.0e-06"_s), u"3.0e-06"_s);
        row("whole real", Value::real(2.0), u"2.0"_s);
        row("big exponent", Value::real(1.5e300), u"1.5e+300"_s);
        row("NaN", Value::real(kNaN, u"NaN"_s), u".nan"_s);
        row("-inf", Value::real(-kInf), u"-.inf"_s);
        row("octal-looking int", Value::integer(7, u"007"_s), u"7"_s);
        row("list", Value::list(u"[0.9, \"yes\", NaN, {\"a\": null}]"_s),
            u"[0.9, \"yes\", .nan, {a: null}]"_s);
    }

    void yamlScalars() {
        QFETCH(Value, value);
        QFETCH(QString, expected);
        QCOMPARE(yamlValue(value), expected);
    }

    void yamlRoundTrip() {
        // Values YAML readers would retype if written bare, under names that need quoting.
        const std::vector<Cell> base = {config(u"s"_s, Value::string(u"plain"_s))};
        const std::vector<Cell> tricky = {
            config(u"s"_s, Value::string(u"yes"_s)),
            config(u"a.n"_s, Value::string(u"1e-3"_s)),
            config(u"a.z"_s, Value::string(u"null"_s)),
            config(u"a.e"_s, Value::string(QString())),
            config(u"a.colon"_s, Value::string(u"key: value # not a comment"_s)),
            config(u"a.[\"dotted.key\"]"_s, Value::string(u"caf\u00e9\n\"quoted\""_s)),
            config(u"n.real"_s, Value::real(1e-3, u"1e-3"_s)),
            config(u"n.whole"_s, Value::real(2.0)),
            config(u"n.big"_s, Value::bigInteger(u"123456789012345678901234567890"_s, 1.2e29)),
            config(u"n.nan"_s, Value::real(kNaN)),
            config(u"n.inf"_s, Value::real(-kInf)),
            config(u"n.int"_s, Value::integer(-12)),
            config(u"b"_s, Value::boolean(true)),
            config(u"nothing"_s, Value::null()),
            config(u"list"_s, Value::list(u"[0.9, \"yes\", null, [1, 2]]"_s)),
            config(u"yes"_s, Value::integer(1)),
            config(u"1"_s, Value::integer(2)),
        };
        const RunTable t =
            makeTable({base, tricky, tricky}, {u"run: one"_s, u"same name"_s, u"same name"_s});
        const RunDiff diff(t, {0, 1, 2}, 0);
        QCOMPARE(runLabels(t, diff.runs()),
                 (QStringList{u"run: one"_s, u"same name [r1]"_s, u"same name [r2]"_s}));
        checkYamlRoundTrip(diff);
    }

    void findRunByIdNameOrPrefix() {
        RunTable t;
        const auto add = [&](const QString &id, const QString &name) {
            RunRecord rec;
            rec.id = id;
            rec.name = name;
            t.appendRun(std::move(rec));
        };
        add(u"abc123"_s, u"fluent-sun-1"_s);
        add(u"abd456"_s, u"abc"_s);
        add(u"xyz789"_s, u"twin"_s);
        add(u"xyq000"_s, u"twin"_s);
        QString error;
        QCOMPARE(findRun(t, u"abc123"_s), 0);
        QCOMPARE(findRun(t, u"abc"_s), 1); // a name before an id prefix
        QCOMPARE(findRun(t, u"fluent-sun-1"_s), 0);
        QCOMPARE(findRun(t, u"abd"_s), 1);
        QCOMPARE(findRun(t, u"ab"_s, &error), -1);
        QVERIFY2(error.contains(u"'ab'"_s) && error.contains(u"abc123, abd456"_s),
                 qPrintable(error));
        QCOMPARE(findRun(t, u"twin"_s, &error), -1);
        QVERIFY2(error.contains(u"xyz789, xyq000"_s), qPrintable(error));
        QCOMPARE(findRun(t, u"nope"_s, &error), -1);
        QVERIFY2(error.contains(u"'nope'"_s), qPrintable(error));
    }

    void joinedTable() {
        const RunTable t = makeTable(
            {{config(u"opt"_s, Value::string(u"adam"_s)), config(u"epoch"_s, Value::integer(3)),
              metric(u"epoch"_s, Value::integer(3))},
             {config(u"opt"_s, Value::string(u"sgd"_s)), metric(u"epoch"_s, Value::integer(4))}});
        const RunDiff diff(t, {0, 1}, 0);
        QCOMPARE(QString::fromUtf8(renderTable(DiffTable(diff, true), TableFormat::Markdown)),
                 u"| key | status | r0 (baseline) | r1 |\n"
                 "| --- | --- | --- | --- |\n"
                 "| opt | different | adam | sgd (changed) |\n"
                 "| config:epoch | missing in some | 3 | (removed) |\n"
                 "| metric:epoch | different | 3 | 4 (+1, +33.3%) |\n"_s);
    }

private:
    /// differencesAsYaml() is valid YAML for yaml-cpp, and RunLens's own YAML reader and
    /// flattener read each run's section back to the differing config values the run has.
    void checkYamlRoundTrip(const RunDiff &diff) {
        const QString yaml = diff.differencesAsYaml();
        try {
            const YAML::Node root = YAML::Load(yaml.toStdString());
            QVERIFY(root.IsMap());
            QCOMPARE(int(root.size()), int(diff.runs().size()));
        } catch (const YAML::Exception &e) {
            QFAIL(qPrintable(u"yaml-cpp: %1\n%2"_s.arg(QString::fromStdString(e.what()), yaml)));
        }
        Doc doc;
        RunRecord parsed;
        QVERIFY2(parseYaml(yaml.toUtf8(), doc, parsed, u"diff.yaml"_s), qPrintable(yaml));
        QVERIFY2(parsed.issues.empty(), qPrintable(testutil::issuesText(parsed.issues)));
        const QStringList labels = runLabels(diff.table(), diff.runs());
        const DocNode *top = doc.rootNode();
        QVERIFY(top);
        for (int i = 0; i < int(diff.runs().size()); ++i) {
            const DocNode *section = doc.member(*top, labels[i]);
            QVERIFY2(section, qPrintable(labels[i] + u'\n' + yaml));
            RunRecord run;
            Flattener flattener;
            const int node = int(section - doc.nodes.data());
            if (section->kind == DocNode::Kind::Map)
                flattener.flatten(doc, node, Key(), Family::Config, {}, run, {});
            QHash<QString, Value> read;
            for (const Entry &e : run.entries)
                read.insert(e.key.display(), e.value);
            int expected = 0;
            for (int r = 0; r < int(diff.rows().size()); ++r) {
                const ColumnInfo &info = diff.table().column(diff.rows()[std::size_t(r)].column);
                if (info.family != Family::Config) continue;
                const Value v = diff.value(r, i);
                if (v.isMissing()) continue;
                ++expected;
                QVERIFY2(read.contains(info.display), qPrintable(info.display + u'\n' + yaml));
                const Value back = read.value(info.display);
                QVERIFY2(back == v && back.type() == v.type(),
                         qPrintable(u"%1: %2 read back as %3\n%4"_s.arg(
                             info.display, testutil::typed(v), testutil::typed(back), yaml)));
            }
            QCOMPARE(int(read.size()), expected);
        }
    }
};

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
