// The query language (models/analysis/query.h, grammar in docs/QUERY.md): every operator on
// every value type, precedence, key spellings and families, run fields, the error messages,
// completion, and the spelling of keys and values for "filter to this value".
#include "analysis/query.h"
#include "analysis/tableview.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "readers/timeparse.h"

#include <QTest>

#include "testutil.h"

#include <cmath>
#include <numeric>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

std::vector<int> allRows(const RunTable &t) {
    std::vector<int> rows(std::size_t(t.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

/// One run per value type in config key `v` (ids name the type), and one without `v`.
RunTable valuesTable() {
    const std::vector<std::pair<QString, Value>> values = {
        {u"i3"_s, Value::integer(3)},
        {u"r25"_s, Value::real(2.5)},
        {u"i1"_s, Value::integer(1)},
        {u"r1"_s, Value::real(1.0, u"1.0"_s)},
        {u"big"_s, Value::bigInteger(u"123456789012345678901234567890"_s, 1.2345678901234568e29)},
        {u"nan"_s, Value::real(std::nan(""))},
        {u"inf"_s, Value::real(INFINITY)},
        {u"ninf"_s, Value::real(-INFINITY)},
        {u"t"_s, Value::boolean(true)},
        {u"f"_s, Value::boolean(false)},
        {u"adam"_s, Value::string(u"adam"_s)},
        {u"Adam"_s, Value::string(u"Adam Optimizer"_s)},
        {u"null"_s, Value::null()},
        {u"list"_s, Value::list(u"[0.9, 0.999]"_s)},
        {u"slist"_s, Value::list(u"[\"exp-12\", \"baseline\"]"_s)},
        {u"obj"_s, Value::object(u"{\"_type\": \"image\", \"size\": 3}"_s)},
        {u"none"_s, Value()},
    };
    RunTable t;
    for (const auto &[id, value] : values) {
        RunRecord rec;
        rec.id = rec.name = id;
        rec.add(Family::Config, testutil::key(u"other"_s), Value::integer(0));
        if (!value.isMissing()) rec.add(Family::Config, testutil::key(u"v"_s), value);
        t.appendRun(std::move(rec));
    }
    t.squeeze();
    return t;
}

/// A small sweep with nested, quoted and dotted keys, a key in two families, and run fields.
RunTable sweepTable() {
    struct Spec {
        QString name, status, start;
        double duration;
        QString optimizer;
        Value lr;
        qint64 seed;
        Value acc;
    };
    const std::vector<Spec> specs = {
        {u"resnet-a"_s, u"finished"_s, u"2024-05-01T10:00:00Z"_s, 100, u"adam"_s,
         Value::real(1e-4, u"1e-4"_s), 0, Value::real(0.9)},
        {u"resnet-b"_s, u"finished"_s, u"2024-05-02T09:30:00Z"_s, 200, u"adam"_s, Value::real(1e-3),
         1, Value::real(0.95)},
        {u"vit-a"_s, u"crashed"_s, u"2024-05-02T23:59:59Z"_s, 50, u"sgd"_s, Value::real(1e-2), 0,
         Value::real(0.7)},
        {u"vit-b"_s, u"running"_s, u"2024-05-03T00:00:00Z"_s, -1, u"sgd"_s, Value::real(0.1), 2,
         Value::real(std::nan(""))},
        {u"mlp"_s, u"unknown"_s, QString(), -1, u"adamw"_s, Value(), 1, Value()},
    };
    RunTable t;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const Spec &s = specs[i];
        RunRecord rec;
        rec.id = u"r%1"_s.arg(i);
        rec.name = s.name;
        rec.format = i < 4 ? u"wandb"_s : u"generic"_s;
        rec.path = u"/runs/"_s + s.name;
        rec.status = s.status == u"finished"  ? RunStatus::Finished
                     : s.status == u"crashed" ? RunStatus::Crashed
                     : s.status == u"running" ? RunStatus::Running
                                              : RunStatus::Unknown;
        rec.startMs = s.start.isEmpty() ? -1 : parseIsoTimeMs(s.start);
        rec.durationSec = s.duration;
        rec.add(Family::Config, testutil::key(u"optimizer.name"_s), Value::string(s.optimizer));
        rec.add(Family::Config, testutil::key(u"optimizer.lr"_s), s.lr);
        rec.add(Family::Config, testutil::key(u"seed"_s), Value::integer(s.seed));
        rec.add(Family::Metric, testutil::key(u"val/acc"_s), s.acc);
        if (i < 2) {
            rec.add(Family::Config, testutil::key(u"epoch"_s), Value::integer(10));
            rec.add(Family::Metric, testutil::key(u"epoch"_s), Value::integer(9 + qint64(i)));
        }
        if (i == 0) {
            rec.add(Family::Config, Key({u"a.b"_s}), Value::integer(1));
            rec.add(Family::Config, Key({u"a"_s, u"b"_s}), Value::integer(2));
            rec.add(Family::Config, Key({u"model"_s, u"x.y"_s}), Value::string(u"p"_s));
            rec.add(Family::Config, Key({u"learning-rate"_s}), Value::real(0.1));
            rec.add(Family::Meta, Key({u"host"_s}), Value::string(u"gpu-1"_s));
        }
        if (i == 4) rec.addIssue(Issue::Severity::Warning, {}, 0, 0, u"odd"_s);
        t.appendRun(std::move(rec));
    }
    t.squeeze();
    return t;
}

/// The ids of the runs a query keeps, in table order, joined by spaces; checks that the
/// row-at-a-time and the whole-set evaluation agree.
QString run(const RunTable &t, const QString &text, QString *error = nullptr) {
    QueryError e;
    const auto q = Query::parse(text, t, &e);
    if (!q) {
        if (error) *error = e.toString();
        return u"ERROR "_s + e.toString();
    }
    QStringList ids;
    for (int r : q->filter(t, allRows(t)))
        ids << t.run(r).id;
    QStringList one;
    for (int r = 0; r < t.rowCount(); ++r)
        if (q->matches(t, r)) one << t.run(r).id;
    if (one != ids) return u"MISMATCH filter=%1 matches=%2"_s.arg(ids.join(u' '), one.join(u' '));
    return ids.join(u' ');
}

const QString kPresent = u"i3 r25 i1 r1 big nan inf ninf t f adam Adam null list slist obj"_s;

/// kPresent without these ids.
QString presentBut(const QString &ids) {
    QStringList out = kPresent.split(u' ');
    for (const QString &id : ids.split(u' '))
        out.removeAll(id);
    return out.join(u' ');
}

} // namespace

class TestQuery : public QObject {
    Q_OBJECT

private slots:
    void operators_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("ids");
        const auto row = [](const char *q, const QString &ids) {
            QTest::newRow(q) << QString::fromUtf8(q) << ids;
        };
        // == on every type; numbers by value (1 == 1.0), strings case-sensitive.
        row("v == 3", u"i3"_s);
        row("v == 1", u"i1 r1"_s);
        row("v == 1.0", u"i1 r1"_s);
        row("v == 2.5", u"r25"_s);
        row("v == 123456789012345678901234567890", u"big"_s);
        row("v == 1.2345678901234568e29", u"big"_s);
        row("v == nan", u"nan"_s);
        row("v == NaN", u"nan"_s);
        row("v == inf", u"inf"_s);
        row("v == -inf", u"ninf"_s);
        row("v == true", u"t"_s);
        row("v == false", u"f"_s);
        row("v == \"adam\"", u"adam"_s);
        row("v == 'adam'", u"adam"_s);
        row("v == \"ADAM\"", QString());
        row("v == null", u"null"_s);
        row("v == [0.9, 0.999]", u"list"_s);
        row("v == [0.90, 9.99e-1]", u"list"_s);
        row("v == [0.9]", QString());
        row("v == [\"exp-12\", \"baseline\"]", u"slist"_s);
        row("v == {\"_type\": \"image\", \"size\": 3.0}", u"obj"_s);
        row("v == 7", QString());
        // != is "has the key and is not equal": NaN differs from every number.
        row("v != 3", presentBut(u"i3"_s));
        row("v != nan", presentBut(u"nan"_s));
        row("v != \"adam\"", presentBut(u"adam"_s));
        row("v != null", presentBut(u"null"_s));
        row("v != [0.9, 0.999]", presentBut(u"list"_s));
        // Order: numbers with numbers (not NaN), strings with strings.
        row("v < 2", u"i1 r1 ninf"_s);
        row("v <= 1", u"i1 r1 ninf"_s);
        row("v > 2.5", u"i3 big inf"_s);
        row("v >= 2.5", u"i3 r25 big inf"_s);
        row("v > -inf", u"i3 r25 i1 r1 big inf"_s);
        row("v < inf", u"i3 r25 i1 r1 big ninf"_s);
        row("v < \"b\"", u"adam Adam"_s);
        row("v > \"Z\"", u"adam"_s);
        // ~: substring case-insensitive, or a regex; list elements; other values as shown.
        row("v ~ \"ADAM\"", u"adam Adam"_s);
        row("v ~ \"exp\"", u"slist"_s);
        row("v ~ /^exp-\\d+$/", u"slist"_s);
        row("v ~ /^adam$/i", u"adam"_s);
        row("v ~ /^ADAM/", QString());
        row("v ~ /^ADAM/i", u"adam Adam"_s);
        row("v ~ \"0.99\"", u"list"_s);
        row("v ~ \"image\"", u"obj"_s);
        row("v ~ \"2.5\"", u"r25"_s);
        row("v ~ \"nan\"", u"nan"_s);
        row("v ~ \"inf\"", u"inf ninf"_s);
        row("v ~ \"true\"", u"t"_s);
        row("v ~ \"null\"", u"null"_s);
        row("v ~ \"\"", kPresent);
        // in: a list (equality with any) or an inclusive range.
        row("v in [1, \"adam\", true]", u"i1 r1 t adam"_s);
        row("v in [nan, null]", u"nan null"_s);
        row("v in [[0.9, 0.999]]", u"list"_s);
        row("v in []", QString());
        row("v in 1..3", u"i3 r25 i1 r1"_s);
        row("v in 1 .. 2.5", u"r25 i1 r1"_s);
        row("v in -inf..0", u"ninf"_s);
        row("v in \"a\"..\"b\"", u"adam"_s);
        row("v not in [1, 3]", presentBut(u"i1 r1 i3"_s));
        row("v not in 1..3", presentBut(u"i3 r25 i1 r1"_s));
        // A missing key: every comparison is false; exists / missing / not ask for it.
        row("exists v", kPresent);
        row("missing v", u"none"_s);
        row("not exists v", u"none"_s);
        row("not v == 3", presentBut(u"i3"_s) + u" none"_s);
        row("not v ~ \"\"", u"none"_s);
    }

    void operators() {
        QFETCH(QString, query);
        QFETCH(QString, ids);
        static const RunTable t = valuesTable();
        QCOMPARE(run(t, query), ids);
    }

    void grammar_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("ids");
        const auto row = [](const char *q, const char *ids) {
            QTest::newRow(q) << QString::fromUtf8(q) << QString::fromUtf8(ids);
        };
        // Precedence: not > and > or; parentheses group.
        row("optimizer.name == \"sgd\" or optimizer.name == \"adam\" and seed == 1", "r1 r2 r3");
        row("(optimizer.name == \"sgd\" or optimizer.name == \"adam\") and seed == 1", "r1");
        row("not seed == 0 and optimizer.name == \"sgd\"", "r3");
        row("not (seed == 0 and optimizer.name == \"sgd\")", "r0 r1 r3 r4");
        row("seed == 0 || seed == 2 && optimizer.name == \"sgd\"", "r0 r2 r3");
        row("not not seed == 0", "r0 r2");
        row("seed == 0 AND optimizer.name == \"adam\"", "r0");
        row("((seed == 1))", "r1 r4");
        row("seed == 0 or seed == 1 or seed == 2", "r0 r1 r2 r3 r4");
        row("seed>=1&&seed<2", "r1 r4");
        // Key spellings.
        row("optimizer.lr == 0.0001", "r0");
        row("optimizer.lr in 1e-4..1e-3", "r0 r1");
        row("\"val/acc\" > 0.8", "r0 r1");
        row("val/acc > 0.8", "r0 r1");
        row("metric:\"val/acc\" > 0.8", "r0 r1");
        row("'val/acc' != 0.9", "r1 r2 r3");
        row("config:epoch == 10", "r0 r1");
        row("metric:epoch == 10", "r1");
        row("metrics:epoch == 9", "r0");
        row("\"a.b\" == 1", "r0");
        row("[\"a.b\"] == 1", "r0");
        row("a.b == 2", "r0");
        row("\"optimizer.name\" == \"sgd\"", "r2 r3");
        row("config[\"a.b\"] == 1", "r0");
        row("model[\"x.y\"] == \"p\"", "r0");
        row("\"learning-rate\" > 0", "r0");
        row("learning-rate > 0", "r0");
        row("meta:host ~ \"gpu\"", "r0");
        row("host == \"gpu-1\"", "r0");
        // Run fields.
        row("name ~ \"resnet\"", "r0 r1");
        row("run:name == \"mlp\"", "r4");
        row("id == \"r2\"", "r2");
        row("status == \"finished\"", "r0 r1");
        row("status != \"finished\"", "r2 r3 r4");
        row("status in [\"crashed\", \"running\"]", "r2 r3");
        row("format == \"generic\"", "r4");
        row("path ~ /vit/", "r2 r3");
        row("start < \"2024-05-02\"", "r0");
        row("start == \"2024-05-02\"", "r1 r2");
        row("start >= \"2024-05-02\"", "r1 r2 r3");
        row("start > \"2024-05-02\"", "r3");
        row("start <= \"2024-05-02\"", "r0 r1 r2");
        row("start in \"2024-05-01\"..\"2024-05-02\"", "r0 r1 r2");
        row("start == \"2024-05-02T09:30\"", "r1");
        row("start == \"2024-05-02T11:30+02:00\"", "r1");
        row("start > \"2024-05\"", "");
        row("start == \"2024\"", "r0 r1 r2 r3");
        row("start ~ \"T23:\"", "r2");
        row("missing start", "r4");
        row("duration >= 100", "r0 r1");
        row("missing duration", "r3 r4");
        row("issues > 0", "r4");
        // NaN: no number compares with it; == nan finds it.
        row("val/acc < 1", "r0 r1 r2");
        row("val/acc != 0.5", "r0 r1 r2 r3");
        row("val/acc == nan", "r3");
        row("missing val/acc", "r4");
    }

    void grammar() {
        QFETCH(QString, query);
        QFETCH(QString, ids);
        static const RunTable t = sweepTable();
        QCOMPARE(run(t, query), ids);
    }

    void errors_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("position");
        QTest::addColumn<int>("length");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("suggestion");
        QTest::addColumn<QString>("expected"); ///< one of QueryError::expected
        const auto row = [](const char *q, int pos, int len, const QString &message,
                            const QString &suggestion = {}, const QString &expected = {}) {
            QTest::newRow(q) << QString::fromUtf8(q) << pos << len << message << suggestion
                             << expected;
        };
        row("optimiser.lr < 1", 0, 12,
            u"unknown key optimiser.lr \u2014 did you mean optimizer.lr?"_s, u"optimizer.lr"_s,
            u"a key"_s);
        row("lr < 1", 0, 2, u"unknown key lr \u2014 did you mean optimizer.lr?"_s,
            u"optimizer.lr"_s);
        row("Seed == 1", 0, 4, u"unknown key Seed \u2014 did you mean seed?"_s, u"seed"_s);
        row("val/accuracy > 1", 0, 12, u"unknown key val/accuracy"_s);
        row("optimizer < 1", 0, 9,
            u"optimizer is not a key itself; its keys are optimizer.name, optimizer.lr"_s,
            u"optimizer.name"_s);
        row("epoch == 10", 0, 5, u"epoch is ambiguous: write config:epoch or metric:epoch"_s,
            u"config:epoch"_s, u"metric:epoch"_s);
        row("metric:seed == 1", 0, 11,
            u"no metric key seed \u2014 it is a config key: config:seed"_s, u"config:seed"_s);
        row("run:nme == \"x\"", 0, 7, u"unknown key run:nme \u2014 did you mean run:name?"_s,
            u"run:name"_s);
        row("run:bogus == 1", 0, 9, u"unknown run field run:bogus"_s);
        row("seed = 1", 5, 1, u"write == to compare"_s, u"=="_s, u"=="_s);
        row("seed == ", 8, 1, u"expected a value, found the end of the query"_s, {}, u"a number"_s);
        row("seed == 1 2", 10, 1, u"expected and, or or the end of the query, found '2'"_s, {},
            u"and"_s);
        row("seed < 1 < 2", 9, 1, u"comparisons do not chain: join them with and"_s);
        row("(seed == 1", 10, 1,
            u"expected ')' to close the '(' at column 1, found the end of the query"_s, {}, u")"_s);
        row("seed == 1)", 9, 1, u"unmatched ')'"_s);
        row("seed", 4, 1, u"expected ==, !=, <, <=, >, >=, ~ or in after seed"_s, {}, u"in"_s);
        row("seed 1", 5, 1, u"expected ==, !=, <, <=, >, >=, ~ or in after seed, found '1'"_s);
        row("optimizer.name == adam", 18, 4, u"strings are quoted, \"adam\""_s, u"\"adam\""_s);
        row("seed == optimizer.lr", 8, 12, u"found the key optimizer.lr"_s);
        row("optimizer.name > 3", 17, 1, u"optimizer.name holds strings, never a number: \"3\"?"_s,
            u"\"3\""_s);
        row("optimizer.lr > \"1e-3\"", 15, 6,
            u"optimizer.lr holds numbers, never a string: 1e-3?"_s, u"1e-3"_s);
        row("seed == true", 8, 4, u"seed holds numbers, never a boolean"_s);
        row("seed in [1, \"x\"]", 12, 3, u"seed holds numbers, never a string"_s);
        row("seed < true", 7, 4, u"true has no order"_s);
        row("seed < [1]", 7, 3, u"[1] has no order"_s);
        row("seed < nan", 7, 3, u"nan has no order; == nan finds the NaN values"_s);
        row("seed in 3..1", 8, 4, u"the range is empty"_s);
        row("seed in 1..\"a\"", 11, 3, u"a range runs between two numbers or two strings"_s);
        row("seed in 1", 9, 1, u"expected '..' in the range low..high"_s);
        row("seed in x", 8, 1, u"expected a list [a, b] or a range low..high after in"_s);
        row("name ~ 3", 7, 1, u"expected a \"string\" or a /regex/ after ~, found '3'"_s);
        row("name ~ /(/", 9, 1, u"bad regular expression"_s);
        row("name ~ /a/q", 10, 1, u"unknown regular expression flag 'q'"_s);
        row("name ~ /a", 7, 2, u"unterminated regular expression"_s);
        row("name == \"abc", 8, 4, u"unterminated string: add the closing \""_s);
        row("name == 3", 8, 1, u"name is text: quote the value, \"3\""_s, u"\"3\""_s);
        row("status == \"done\"", 10, 6,
            u"status is \"finished\", \"running\", \"crashed\" or \"unknown\""_s);
        row("status == \"finised\"", 10, 9, u"or \"unknown\": \"finished\"?"_s, u"\"finished\""_s);
        row("start > \"yesterday\"", 8, 11, u"start takes a date or time in quotes"_s);
        row("start > \"2024-13-01\"", 8, 12, u"start takes a date or time in quotes"_s);
        row("duration > \"1h\"", 11, 4, u"duration is a number of seconds"_s);
        row("! seed == 1", 0, 1, u"write not instead of !"_s, u"not "_s);
        row("seed == 1 & seed == 2", 10, 1, u"unexpected '&': write and (or &&)"_s);
        row("seed == 1e", 8, 2, u"'1e' is not a number"_s);
        row("seed == 1 # comment", 10, 1, u"unexpected character '#'"_s);
        row("", 0, 1, u"expected a key, found the end of the query"_s, {}, u"a key"_s);
        row("and", 0, 3, u"expected a key, found 'and'"_s);
        row("a. == 1", 0, 2, u"'a.' is not a key: a segment is empty"_s);
        row("seed == [1, 2", 13, 1, u"expected ',' or ']' in a list, found the end of the query"_s);
        row("seed == {\"a\" 1}", 13, 1, u"expected ':' after a member name"_s);
        row("v == 1", 0, 1, u"unknown key v"_s);
    }

    void errors() {
        QFETCH(QString, query);
        QFETCH(int, position);
        QFETCH(int, length);
        QFETCH(QString, message);
        QFETCH(QString, suggestion);
        QFETCH(QString, expected);
        static const RunTable t = sweepTable();
        QueryError e;
        QVERIFY(!Query::parse(query, t, &e));
        QVERIFY2(e.message.contains(message), qPrintable(e.message));
        QCOMPARE(e.position, position);
        QCOMPARE(e.length, length);
        QCOMPARE(e.suggestion, suggestion);
        if (!expected.isEmpty())
            QVERIFY2(e.expected.contains(expected), qPrintable(e.expected.join(u'|')));
        QCOMPARE(e.toString(), u"at 1:%1: %2"_s.arg(position + 1).arg(e.message));
        QVERIFY(!Query::parse(query, t)); // no error wanted: still refused
    }

    void errorOnLaterLine() {
        const RunTable t = sweepTable();
        QueryError e;
        QVERIFY(!Query::parse(u"seed == 1 and\n  sed == 2"_s, t, &e));
        QCOMPARE(e.toString(), u"at 2:3: unknown key sed \u2014 did you mean seed?"_s);
    }

    void deepNesting() {
        const RunTable t = sweepTable();
        QueryError e;
        QVERIFY(!Query::parse(QString(5000, u'(') + u"seed == 1"_s, t, &e));
        QVERIFY2(e.message.contains(u"nests too deeply"_s), qPrintable(e.message));
        QVERIFY(
            !Query::parse(QString(5000, u'n').replace(u"n"_s, u"not "_s) + u"seed == 1"_s, t, &e));
        const auto ok = Query::parse(QString(100, u'(') + u"seed == 1"_s + QString(100, u')'), t);
        QVERIFY(ok);
    }

    void ambiguousRunField() {
        // A config key called `name` and the run field: both spellings are named.
        RunTable t;
        RunRecord rec;
        rec.id = u"a"_s;
        rec.name = u"run-a"_s;
        rec.add(Family::Config, testutil::key(u"name"_s), Value::string(u"cfg"_s));
        t.appendRun(std::move(rec));
        QueryError e;
        QVERIFY(!Query::parse(u"name == \"cfg\""_s, t, &e));
        QCOMPARE(e.message, u"name is ambiguous: write config:name or run:name"_s);
        QCOMPARE(run(t, u"config:name == \"cfg\""_s), u"a"_s);
        QCOMPARE(run(t, u"run:name == \"run-a\""_s), u"a"_s);
        QCOMPARE(queryKey(t, 0), u"config:name"_s);
        QCOMPARE(queryKey(t, RunField::Name), u"run:name"_s);
        QCOMPARE(queryKey(t, RunField::Status), u"status"_s);
    }

    void filterKeepsOrderAndSubset() {
        const RunTable t = sweepTable();
        const auto q = Query::parse(u"seed >= 1"_s, t);
        QVERIFY(q);
        QCOMPARE(q->filter(t, {4, 3, 0, 1, 1}), (std::vector<int>{4, 3, 1, 1}));
        QCOMPARE(q->filter(t, {}), std::vector<int>{});
        QCOMPARE(q->text(), u"seed >= 1"_s);
        const auto two = Query::parse(u"val/acc > 0 and (seed == 1 or optimizer.lr < 1)"_s, t);
        QVERIFY(two);
        const std::vector<int> cols = two->columns();
        QCOMPARE(cols.size(), std::size_t(3));
        QCOMPARE(t.column(cols[0]).display, u"val/acc"_s);
        QVERIFY(Query::parse(u"name == \"x\""_s, t)->columns().empty());
    }

    void queryKeys_data() {
        QTest::addColumn<int>("family");
        QTest::addColumn<QStringList>("segments");
        QTest::addColumn<QString>("spelling");
        const auto row = [](const char *name, Family f, const QStringList &k, const QString &s) {
            QTest::newRow(name) << int(f) << k << s;
        };
        row("nested", Family::Config, {u"optimizer"_s, u"lr"_s}, u"optimizer.lr"_s);
        row("slash", Family::Metric, {u"val/acc"_s}, u"\"val/acc\""_s);
        row("two families", Family::Config, {u"epoch"_s}, u"config:epoch"_s);
        row("dotted segment", Family::Config, {u"a.b"_s}, u"\"a.b\""_s);
        row("path a.b", Family::Config, {u"a"_s, u"b"_s}, u"a.b"_s);
        row("inner dotted segment", Family::Config, {u"model"_s, u"x.y"_s}, u"model[\"x.y\"]"_s);
        row("hyphen", Family::Config, {u"learning-rate"_s}, u"\"learning-rate\""_s);
        row("meta", Family::Meta, {u"host"_s}, u"host"_s);
    }

    void queryKeys() {
        QFETCH(int, family);
        QFETCH(QStringList, segments);
        QFETCH(QString, spelling);
        const RunTable t = sweepTable();
        const int c = t.findColumn(Family(family), Key(segments));
        QVERIFY(c >= 0);
        QCOMPARE(queryKey(t, c), spelling);
        // The spelling reads back as that column.
        const auto q = Query::parse(spelling + u" == null"_s, t);
        QVERIFY(q);
        QCOMPARE(q->columns(), std::vector<int>{c});
    }

    void queryLiterals_data() {
        QTest::addColumn<Value>("value");
        QTest::addColumn<QString>("literal");
        QTest::newRow("int") << Value::integer(3) << u"3"_s;
        QTest::newRow("int spelled 0x1f") << Value::integer(31, u"0x1f"_s) << u"31"_s;
        QTest::newRow("real as written") << Value::real(3e-6, u"3.0e-06"_s) << u"3.0e-06"_s;
        QTest::newRow("real YAML .5") << Value::real(0.5, u".5"_s) << u"0.5"_s;
        QTest::newRow("nan") << Value::real(std::nan("")) << u"nan"_s;
        QTest::newRow("-inf") << Value::real(-INFINITY) << u"-inf"_s;
        QTest::newRow("bool") << Value::boolean(false) << u"false"_s;
        QTest::newRow("null") << Value::null() << u"null"_s;
        QTest::newRow("string") << Value::string(u"a \"b\"\n"_s) << u"\"a \\\"b\\\"\\n\""_s;
        QTest::newRow("list") << Value::list(u"[1, 2]"_s) << u"[1, 2]"_s;
        QTest::newRow("missing") << Value() << QString();
    }

    void queryLiterals() {
        QFETCH(Value, value);
        QFETCH(QString, literal);
        QCOMPARE(queryLiteral(value), literal);
    }

    void roundTrip_data() {
        QTest::addColumn<QString>("source");
        QTest::newRow("value types") << u"values"_s;
        QTest::newRow("sweep") << u"sweep"_s;
        QTest::newRow("example runs") << u"examples"_s;
    }

    void roundTrip() {
        // "Filter to this value": key == literal keeps exactly the runs with that value (as
        // grouping sees equality), for every column and every value.
        QFETCH(QString, source);
        RunTable t;
        if (source == u"values") {
            t = valuesTable();
        } else if (source == u"sweep") {
            t = sweepTable();
        } else {
            LoadOptions options;
            options.jobs = 1;
            t = std::move(loadRuns({QFINDTESTDATA("../resources/examples/runs")},
                                   ReaderRegistry::withBuiltins(), options)
                              .table);
            QVERIFY(t.rowCount() > 30);
        }
        int checked = 0;
        for (int c = 0; c < t.columnCount(); ++c) {
            std::vector<Value> seen;
            for (int r = 0; r < t.rowCount(); ++r) {
                const Value v = t.value(r, c);
                if (v.isMissing() ||
                    std::any_of(seen.begin(), seen.end(), [&](const Value &s) { return s == v; }))
                    continue;
                seen.push_back(v);
                const QString text = queryKey(t, c) + u" == "_s + queryLiteral(v);
                QueryError e;
                const auto q = Query::parse(text, t, &e);
                QVERIFY2(q, qPrintable(text + u": "_s + e.toString()));
                std::vector<int> expected;
                for (int row = 0; row < t.rowCount(); ++row)
                    if (t.value(row, c) == v) expected.push_back(row);
                QVERIFY2(q->filter(t, allRows(t)) == expected, qPrintable(text));
                ++checked;
            }
        }
        QVERIFY(checked > 10);
    }

    void looksLikeQuery_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("query");
        QTest::newRow("word") << u"resnet"_s << false;
        QTest::newRow("words") << u"resnet vit"_s << false;
        QTest::newRow("number") << u"3e-4"_s << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("unknown dotted") << u"foo.bar"_s << false;
        QTest::newRow("apostrophe") << u"don't"_s << false;
        QTest::newRow("comparison") << u"seed == 1"_s << true;
        QTest::newRow("single =") << u"seed=1"_s << true;
        QTest::newRow("tilde") << u"name ~ \"x\""_s << true;
        QTest::newRow("keyword and") << u"resnet and vit"_s << true;
        QTest::newRow("keyword NOT") << u"NOT done"_s << true;
        QTest::newRow("exists") << u"exists seed"_s << true;
        QTest::newRow("known key") << u"optimizer.lr"_s << true;
        QTest::newRow("quoted key") << u"\"val/acc\""_s << true;
        QTest::newRow("run field") << u"status"_s << true;
        QTest::newRow("family key") << u"config:epoch"_s << true;
    }

    void looksLikeQuery() {
        QFETCH(QString, text);
        QFETCH(bool, query);
        const RunTable t = sweepTable();
        QCOMPARE(runlens::looksLikeQuery(text, t), query);
    }

    void completion_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("cursor"); ///< -1: the end
        QTest::addColumn<int>("start");
        QTest::addColumn<QString>("first"); ///< the first candidates, joined by |
        QTest::addColumn<QString>("contains");
        const auto row = [](const char *text, int cursor, int start, const QString &first,
                            const QString &contains = {}) {
            QTest::newRow(text) << QString::fromUtf8(text) << cursor << start << first << contains;
        };
        row("opt", -1, 0, u"optimizer.name|optimizer.lr"_s);
        row("lr", -1, 0, u"optimizer.lr"_s);
        row("\"val", -1, 0, u"\"val/acc\""_s);
        row("val/", -1, 0, u"\"val/acc\""_s);
        row("metric:ep", -1, 0, u"metric:epoch"_s);
        row("config:", -1, 0, u"config:optimizer.name"_s, u"config:epoch"_s);
        row("run:st", -1, 0, u"run:status|run:start"_s);
        row("optimizer.", -1, 0, u"optimizer.name|optimizer.lr"_s);
        row("ex", -1, 0, u"exists"_s);
        row("", -1, 0, u"optimizer.name|optimizer.lr|seed"_s, u"status"_s);
        row("seed ", -1, 5, u"==|!=|<|<=|>|>=|~|in|not in"_s);
        row("seed =", -1, 5, u"=="_s);
        row("seed i", -1, 5, u"in"_s);
        row("optimizer.name == ", -1, 18, u"\"adam\"|\"adamw\"|\"sgd\""_s);
        row("optimizer.name == \"ad", -1, 18, u"\"adam\"|\"adamw\""_s);
        row("optimizer.name == s", -1, 18, u"\"sgd\""_s);
        row("optimizer.name ~ ", -1, 17, u"\"adam\"|\"adamw\"|\"sgd\""_s);
        row("seed in [0, ", -1, 12, u"0|1|2"_s);
        row("optimizer.lr < ", -1, 15, u"1e-4|0.001|0.01|0.1"_s);
        row("status == ", -1, 10, u"\"crashed\"|\"finished\"|\"running\"|\"unknown\""_s);
        row("start > ", -1, 8, u"\"2024-05-01\"|\"2024-05-02\"|\"2024-05-03\""_s);
        row("seed == 0 ", -1, 10, u"and|or"_s);
        row("seed == 0 a", -1, 10, u"and"_s);
        row("(seed == 0 ", -1, 11, u"and|or|)"_s);
        row("seed in 0..2 ", -1, 13, u"and|or"_s);
        row("seed == 0 and opt", -1, 14, u"optimizer.name|optimizer.lr"_s);
        row("not se", -1, 4, u"seed"_s);
        row("exists se", -1, 7, u"seed"_s);
        row("seed == 0 and opt == 1", 17, 14, u"optimizer.name|optimizer.lr"_s);
        row("seed == == ", -1, 11, QString());
    }

    void completion() {
        QFETCH(QString, text);
        QFETCH(int, cursor);
        QFETCH(int, start);
        QFETCH(QString, first);
        QFETCH(QString, contains);
        const RunTable t = sweepTable();
        const int at = cursor < 0 ? int(text.size()) : cursor;
        const Completion c = completeQuery(text, at, t);
        QCOMPARE(c.start, start);
        QCOMPARE(c.length, at - start);
        const QStringList want = first.isEmpty() ? QStringList() : first.split(u'|');
        QCOMPARE(c.candidates.mid(0, want.size()), want);
        if (!contains.isEmpty())
            QVERIFY2(c.candidates.contains(contains), qPrintable(c.candidates.join(u'|')));
    }
};

QTEST_GUILESS_MAIN(TestQuery)
#include "tst_query.moc"
