// Grouping and aggregates (models/analysis/grouping.h): statistics per column against values
// worked out by hand or in long double, groups by one and several keys, and the guesses of
// direction and repetition keys.
#include "analysis/grouping.h"
#include "run/runtable.h"

#include <QTest>

#include "testutil.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One run's cells: `config:key` or `metric:key` (config when no family is named) -> value.
using Cells = std::vector<std::pair<QString, Value>>;

RunTable makeTable(const std::vector<Cells> &runs) {
    RunTable table;
    int n = 0;
    for (const Cells &cells : runs) {
        RunRecord rec;
        rec.id = u"run%1"_s.arg(n++);
        for (const auto &[name, value] : cells) {
            const qsizetype colon = name.indexOf(u':');
            const Family f = colon < 0 ? Family::Config : *familyFromName(name.left(colon));
            rec.add(f, testutil::key(name.mid(colon + 1)), value);
        }
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    return table;
}

/// A one-column table of metric `m` with these values (missing ones left out).
RunTable column(const std::vector<Value> &values) {
    std::vector<Cells> runs;
    for (const Value &v : values)
        runs.push_back(v.isMissing() ? Cells{{u"config:x"_s, Value::integer(1)}}
                                     : Cells{{u"metric:m"_s, v}});
    return makeTable(runs);
}

std::vector<int> allRows(const RunTable &t) {
    std::vector<int> rows(std::size_t(t.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

ColumnSummary summarize(const std::vector<Value> &values) {
    RunTable t = column(values);
    const int m = t.addColumn(Family::Metric, testutil::key(u"m"_s)); // even when all lack it
    return summarizeColumn(t, m, allRows(t));
}

std::vector<Value> reals(std::initializer_list<double> xs) {
    std::vector<Value> out;
    for (double x : xs)
        out.push_back(Value::real(x));
    return out;
}

/// Same double, NaN equal to NaN.
bool same(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

/// The groups of a tree as `value[rows] {children}`, in order, for whole comparisons.
QString treeText(const RunTable &t, const std::vector<GroupNode> &nodes) {
    QStringList parts;
    for (const GroupNode &n : nodes) {
        QStringList ids;
        for (int r : n.rows)
            ids << t.run(r).id.mid(3);
        QString s = (n.value.isMissing() ? u"(missing)"_s : testutil::typed(n.value)) + u'[' +
                    ids.join(u',') + u']';
        if (!n.children.empty()) s += u" {"_s + treeText(t, n.children) + u'}';
        parts << s;
    }
    return parts.join(u"; "_s);
}

} // namespace

class TestGrouping : public QObject {
    Q_OBJECT

private slots:
    void aggregateNames() {
        for (Aggregate a : allAggregates())
            QCOMPARE(aggregateFromName(aggregateName(a)), std::optional<Aggregate>(a));
        QCOMPARE(allAggregates().size(), std::size_t(7));
        QCOMPARE(aggregateFromName(u" Mean "_s), std::optional<Aggregate>(Aggregate::Mean));
        QVERIFY(!aggregateFromName(u"average"_s));
    }

    void summaryByHand() {
        const ColumnSummary s = summarize(reals({4, 1, 3, 2}));
        QCOMPARE(s.runs, 4);
        QCOMPARE(s.count, 4);
        QCOMPARE(s.mean, 2.5);
        QCOMPARE(s.std, std::sqrt(5.0 / 3.0)); // sample std, ddof = 1
        QCOMPARE(s.sem, std::sqrt(5.0 / 3.0) / 2.0);
        QCOMPARE(s.median, 2.5); // even count: the mean of the middle two
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 4.0);
        QCOMPARE(s.value(Aggregate::Count), 4.0);
        QCOMPARE(s.distinct, 4);
        QVERIFY(!s.allSame);
        QVERIFY(s.common.isMissing());
        QCOMPARE(summarize(reals({5, 1, 3})).median, 3.0);
    }

    void nanAndMissingCountedApart() {
        const ColumnSummary s =
            summarize({Value::real(1), Value::real(kNaN), Value::integer(3), Value::missing(),
                       Value::string(u"x"_s), Value::real(kNaN)});
        QCOMPARE(s.runs, 6);
        QCOMPARE(s.count, 2);
        QCOMPARE(s.nanCount, 2);
        QCOMPARE(s.missing, 1);
        QCOMPARE(s.nonNumeric, 1);
        QCOMPARE(s.mean, 2.0);
        QCOMPARE(s.std, std::sqrt(2.0));
        QCOMPARE(s.median, 2.0);
        QCOMPARE(s.distinct, 4); // 1, 3, "x", NaN
        QVERIFY(!s.allSame);
    }

    void fewerThanTwoNumbers() {
        const ColumnSummary one = summarize({Value::real(0.93), Value::real(kNaN)});
        QCOMPARE(one.count, 1);
        QCOMPARE(one.mean, 0.93);
        QCOMPARE(one.median, 0.93);
        QVERIFY(std::isnan(one.std));
        QVERIFY(std::isnan(one.sem));

        const ColumnSummary none = summarize({Value::real(kNaN), Value::string(u"a"_s)});
        QCOMPARE(none.count, 0);
        for (Aggregate a : allAggregates())
            if (a != Aggregate::Count)
                QVERIFY2(std::isnan(none.value(a)), qPrintable(aggregateName(a)));
    }

    void infinitiesAreNumbers_data() {
        QTest::addColumn<std::vector<Value>>("values");
        QTest::addColumn<std::vector<double>>("meanStdMedianMinMax");
        // As pandas >= 2.1 and numpy: IEEE sums; any infinity makes the std NaN.
        QTest::newRow("inf and a number")
            << reals({kInf, 1}) << std::vector{kInf, kNaN, kInf, 1.0, kInf};
        QTest::newRow("both infinities")
            << reals({kInf, -kInf, 2}) << std::vector{kNaN, kNaN, 2.0, -kInf, kInf};
        QTest::newRow("two +inf") << reals({kInf, kInf})
                                  << std::vector{kInf, kNaN, kInf, kInf, kInf};
        QTest::newRow("middle pair of opposite infinities")
            << reals({kInf, -kInf}) << std::vector{kNaN, kNaN, kNaN, -kInf, kInf};
    }

    void infinitiesAreNumbers() {
        QFETCH(std::vector<Value>, values);
        QFETCH(std::vector<double>, meanStdMedianMinMax);
        const ColumnSummary s = summarize(values);
        QCOMPARE(s.count, int(values.size()));
        QCOMPARE(s.nanCount, 0);
        const std::vector<double> got = {s.mean, s.std, s.median, s.min, s.max};
        for (std::size_t i = 0; i < got.size(); ++i)
            QVERIFY2(same(got[i], meanStdMedianMinMax[i]),
                     qPrintable(u"statistic %1: %2"_s.arg(i).arg(got[i])));
        QVERIFY(std::isnan(s.sem));
    }

    void compensatedSums() {
        // Large offset, small spread, many terms: a naive one-pass variance loses every digit;
        // the result must match a long double two-pass computation to ~1 ulp.
        std::vector<Value> values;
        std::vector<long double> exact;
        for (int i = 0; i < 10001; ++i) {
            const double x = 1e9 + 0.1 * double(i % 7) + 1e-3 * double(i % 13);
            values.push_back(Value::real(x));
            exact.push_back(x);
        }
        long double sum = 0;
        for (long double x : exact)
            sum += x;
        const long double mean = sum / exact.size();
        long double ss = 0;
        for (long double x : exact)
            ss += (x - mean) * (x - mean);
        const double stdRef = double(std::sqrt(ss / (exact.size() - 1)));
        const ColumnSummary s = summarize(values);
        QVERIFY2(std::abs(s.mean - double(mean)) <= 1e-15 * double(mean),
                 qPrintable(u"%1 vs %2"_s.arg(s.mean, 0, 'g', 17).arg(double(mean), 0, 'g', 17)));
        QVERIFY2(std::abs(s.std - stdRef) <= 1e-12 * stdRef,
                 qPrintable(u"%1 vs %2"_s.arg(s.std, 0, 'g', 17).arg(stdRef, 0, 'g', 17)));
        QCOMPARE(summarize(reals({0.1, 0.1, 0.1})).std, 0.0);
    }

    void distinctAndCommon() {
        ColumnSummary s = summarize({Value::integer(1), Value::real(1.0)});
        QCOMPARE(s.distinct, 1); // 1 and 1.0 are one value
        QVERIFY(s.allSame);
        QCOMPARE(testutil::typed(s.common), u"int:1"_s);

        s = summarize({Value::list(u"[0.9,0.999]"_s), Value::list(u"[0.9,0.999]"_s)});
        QVERIFY(s.allSame);
        QCOMPARE(s.nonNumeric, 2);
        QCOMPARE(s.distinct, 1);

        s = summarize({Value::real(kNaN), Value::real(kNaN)});
        QVERIFY(s.allSame); // NaN equals NaN here
        QCOMPARE(s.distinct, 1);

        s = summarize({Value::string(u"a"_s), Value::missing()});
        QVERIFY(!s.allSame); // a missing value differs from a present one
        QCOMPARE(s.distinct, 1);

        s = summarize({Value::missing(), Value::missing()});
        QVERIFY(s.allSame);
        QVERIFY(s.common.isMissing());
        QCOMPARE(s.distinct, 0);

        // Integers beyond 2^53 that share a double stay distinct.
        s = summarize({Value::integer(9007199254740993), Value::integer(9007199254740992)});
        QCOMPARE(s.distinct, 2);
        QVERIFY(!s.allSame);
    }

    void groupsByOneKey() {
        const RunTable t = makeTable({
            {{u"opt"_s, Value::string(u"sgd"_s)}},
            {{u"opt"_s, Value::string(u"adam"_s)}},
            {{u"other"_s, Value::integer(1)}}, // lacks opt
            {{u"opt"_s, Value::string(u"sgd"_s)}},
            {{u"opt"_s, Value::string(u"adam"_s)}},
        });
        const auto tree =
            groupRuns(t, allRows(t), {t.findColumn(Family::Config, testutil::key(u"opt"_s))});
        QCOMPARE(treeText(t, tree), u"string:adam[1,4]; string:sgd[0,3]; (missing)[2]"_s);
        QCOMPARE(tree[0].keyColumn, t.findColumn(Family::Config, testutil::key(u"opt"_s)));
        // Members keep the order of `rows`, whatever it is.
        const auto reversed = groupRuns(t, {4, 3, 2, 1, 0}, {tree[0].keyColumn});
        QCOMPARE(treeText(t, reversed), u"string:adam[4,1]; string:sgd[3,0]; (missing)[2]"_s);
        QVERIFY(groupRuns(t, {}, {tree[0].keyColumn}).empty());
    }

    void groupsByValue_data() {
        QTest::addColumn<std::vector<Value>>("values");
        QTest::addColumn<QString>("groups");
        QTest::newRow("int and real equal")
            << std::vector{Value::integer(1), Value::real(1.0), Value::real(0.5), Value::integer(2)}
            << u"float:0.5[2]; int:1[0,1]; int:2[3]"_s;
        const double next = std::nextafter(3e-4, 1.0);
        QTest::newRow("numbers by exact value")
            << reals({3e-4, next, 3e-4})
            << u"float:3e-04[0,2]; float:%1[1]"_s.arg(Value::formatReal(next));
        QTest::newRow("NaN one group before missing")
            << std::vector{Value::real(kNaN), Value::missing(), Value::real(1), Value::real(kNaN)}
            << u"float:1[2]; float:NaN[0,3]; (missing)[1]"_s;
        QTest::newRow("lists by equality")
            << std::vector{Value::list(u"[0.9,0.999]"_s), Value::list(u"[0.9,0.99]"_s),
                           Value::list(u"[0.9,0.999]"_s)}
            << u"list:[0.9,0.999][0,2]; list:[0.9,0.99][1]"_s; // as text: '9' < ']'
        QTest::newRow("strings case-sensitive, null and bools")
            << std::vector{Value::string(u"Adam"_s), Value::string(u"adam"_s), Value::null(),
                           Value::boolean(true),     Value::boolean(false),    Value::null()}
            << u"bool:false[4]; bool:true[3]; string:Adam[0]; string:adam[1]; null:null[2,5]"_s;
    }

    void groupsByValue() {
        QFETCH(std::vector<Value>, values);
        QFETCH(QString, groups);
        std::vector<Cells> runs;
        for (const Value &v : values)
            runs.push_back(v.isMissing() ? Cells{{u"y"_s, Value::integer(0)}} : Cells{{u"k"_s, v}});
        const RunTable t = makeTable(runs);
        const auto tree =
            groupRuns(t, allRows(t), {t.findColumn(Family::Config, testutil::key(u"k"_s))});
        QCOMPARE(treeText(t, tree), groups);
    }

    void nestedGroups() {
        const RunTable t = makeTable({
            {{u"opt"_s, Value::string(u"sgd"_s)}, {u"lr"_s, Value::real(0.1)}},
            {{u"opt"_s, Value::string(u"adam"_s)}, {u"lr"_s, Value::real(1e-3)}},
            {{u"opt"_s, Value::string(u"sgd"_s)}, {u"lr"_s, Value::real(0.01)}},
            {{u"opt"_s, Value::string(u"adam"_s)}, {u"lr"_s, Value::real(1e-3)}},
            {{u"opt"_s, Value::string(u"sgd"_s)}},
            {{u"lr"_s, Value::real(0.1)}},
            {{u"opt"_s, Value::string(u"sgd"_s)}, {u"lr"_s, Value::real(0.1)}},
        });
        const int opt = t.findColumn(Family::Config, testutil::key(u"opt"_s));
        const int lr = t.findColumn(Family::Config, testutil::key(u"lr"_s));
        const auto tree = groupRuns(t, allRows(t), {opt, lr});
        QCOMPARE(treeText(t, tree),
                 u"string:adam[1,3] {float:0.001[1,3]}; "
                 "string:sgd[0,2,4,6] {float:0.01[2]; float:0.1[0,6]; (missing)[4]}; "
                 "(missing)[5] {float:0.1[5]}"_s);
        QCOMPARE(tree[1].children[0].keyColumn, lr);

        const std::vector<FlatGroup> flat = flattenGroups(tree);
        QStringList lines;
        for (const FlatGroup &g : flat) {
            QStringList values, rows;
            for (const Value &v : g.values)
                values << (v.isMissing() ? u"-"_s : v.displayText());
            for (int r : g.rows)
                rows << QString::number(r);
            lines << values.join(u'/') + u'=' + rows.join(u',');
        }
        QCOMPARE(lines.join(u' '), u"adam/0.001=1,3 sgd/0.01=2 sgd/0.1=0,6 sgd/-=4 -/0.1=5"_s);
    }

    void manyRunsTwoKeys() {
        // Every (a, b) pair of 50 x 40 values over 20,000 runs: 2,000 groups of ten.
        std::vector<Cells> runs;
        for (int i = 0; i < 20000; ++i)
            runs.push_back({{u"a"_s, Value::integer((i * 7) % 50)},
                            {u"b"_s, Value::string(u"v%1"_s.arg(i / 50 % 40, 2, 10, QChar(u'0')))},
                            {u"metric:m"_s, Value::real(i)}});
        const RunTable t = makeTable(runs);
        const auto flat =
            flattenGroups(groupRuns(t, allRows(t),
                                    {t.findColumn(Family::Config, testutil::key(u"a"_s)),
                                     t.findColumn(Family::Config, testutil::key(u"b"_s))}));
        QCOMPARE(flat.size(), std::size_t(2000));
        std::size_t members = 0;
        for (std::size_t g = 0; g < flat.size(); ++g) {
            members += flat[g].rows.size();
            QVERIFY(std::is_sorted(flat[g].rows.begin(), flat[g].rows.end()));
            if (g > 0) QVERIFY(Value::compare(flat[g - 1].values[0], flat[g].values[0]) <= 0);
        }
        QCOMPARE(members, std::size_t(20000));
    }

    void collapseKeys() {
        const RunTable t = makeTable({
            {{u"opt"_s, Value::string(u"sgd"_s)},
             {u"seed"_s, Value::integer(0)},
             {u"epochs"_s, Value::integer(30)},
             {u"metric:acc"_s, Value::real(0.9)},
             {u"meta:host"_s, Value::string(u"a"_s)}},
            {{u"opt"_s, Value::string(u"adam"_s)},
             {u"seed"_s, Value::integer(1)},
             {u"epochs"_s, Value::integer(30)},
             {u"metric:acc"_s, Value::real(0.8)},
             {u"meta:host"_s, Value::string(u"b"_s)},
             {u"data.seed"_s, Value::integer(3)}},
        });
        const auto col = [&](const QString &k) {
            return t.findColumn(Family::Config, testutil::key(k));
        };
        std::vector<int> repetition;
        for (int c = 0; c < t.columnCount(); ++c)
            if (t.column(c).family == Family::Config && looksLikeRepetitionKey(t.column(c).key))
                repetition.push_back(c);
        QCOMPARE(repetition, (std::vector{col(u"seed"_s), col(u"data.seed"_s)}));
        // Varying config keys only (epochs is constant; metric and meta keys never count).
        QCOMPARE(collapseKeyColumns(t, allRows(t), repetition), std::vector{col(u"opt"_s)});
        QCOMPARE(collapseKeyColumns(t, allRows(t), {}),
                 (std::vector{col(u"opt"_s), col(u"seed"_s), col(u"data.seed"_s)}));
        QCOMPARE(collapseKeyColumns(t, {0}, repetition), std::vector<int>{});
    }

    void direction_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("lowerIsBetter");
        for (const char *k : {"loss",          "val/loss",     "train_loss",
                              "best.val_loss", "valLoss",      "nll_loss",
                              "error",         "top1_err",     "test/error_rate",
                              "perplexity",    "val_ppl",      "_runtime",
                              "epoch_time",    "latency_ms",   "duration",
                              "rmse",          "val/mae",      "wer",
                              "FID",           "kl_divergence"})
            QTest::newRow(k) << QString::fromLatin1(k) << true;
        for (const char *k : {"acc", "val/acc", "best.val_acc", "f1", "bleu", "auc", "reward",
                              "accuracy_top5", "timestamp", "throughput", "epoch", "lr"})
            QTest::newRow(k) << QString::fromLatin1(k) << false;
    }

    void direction() {
        QFETCH(QString, key);
        QFETCH(bool, lowerIsBetter);
        QCOMPARE(guessDirection(testutil::key(key)) == Direction::Lower, lowerIsBetter);
    }

    void repetitionKeys_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("repetition");
        for (const char *k :
             {"seed", "data.seed", "init_seed", "seed_everything", "randomSeed", "random_state",
              "rep", "repeat", "repetition", "trial", "run_index", "fold", "Seed"})
            QTest::newRow(k) << QString::fromLatin1(k) << true;
        for (const char *k : {"lr", "seeded_init", "optimizer.name", "report_to", "trials_total",
                              "epochs", "seedling"})
            QTest::newRow(k) << QString::fromLatin1(k) << false;
    }

    void repetitionKeys() {
        QFETCH(QString, key);
        QFETCH(bool, repetition);
        QCOMPARE(looksLikeRepetitionKey(testutil::key(key)), repetition);
    }

    void significantDigits_data() {
        QTest::addColumn<double>("x");
        QTest::addColumn<QString>("text");
        QTest::newRow("fraction") << 0.928333333 << u"0.9283"_s;
        QTest::newRow("small") << 0.000416333 << u"0.0004163"_s;
        QTest::newRow("tiny") << 1.23456e-7 << u"1.235e-07"_s;
        QTest::newRow("whole") << 30.0 << u"30"_s;
        QTest::newRow("large") << 1185.537592 << u"1186"_s;
        QTest::newRow("larger than 4 digits") << 123456.7 << u"123457"_s;
        QTest::newRow("huge") << 1.5e20 << u"1.5e+20"_s;
        QTest::newRow("negative zero") << -0.0 << u"0"_s;
        QTest::newRow("NaN") << kNaN << u"NaN"_s;
        QTest::newRow("inf") << -kInf << u"-inf"_s;
    }

    void significantDigits() {
        QFETCH(double, x);
        QFETCH(QString, text);
        QCOMPARE(formatSignificant(x), text);
    }

    void joined_data() {
        QTest::addColumn<QString>("aggregates");
        QTest::addColumn<std::vector<Value>>("values");
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("text");
        const auto three = reals({0.928, 0.9288, 0.9282});
        QTest::newRow("default") << u"mean,std,count"_s << three << u"mean ± std (n)"_s
                                 << u"0.92833 ± 0.00042 (n=3)"_s;
        QTest::newRow("order does not matter")
            << u"count,std,mean"_s << three << u"mean ± std (n)"_s << u"0.92833 ± 0.00042 (n=3)"_s;
        QTest::newRow("mean only") << u"mean"_s << three << u"mean"_s << u"0.9283"_s;
        QTest::newRow("sem as the spread")
            << u"mean,sem"_s << three << u"mean ± sem"_s << u"0.92833 ± 0.00024"_s;
        QTest::newRow("everything")
            << u"count,mean,std,sem,median,min,max"_s << three
            << u"mean ± std, sem, median, min, max (n)"_s
            << u"0.92833 ± 0.00042, sem 0.0002404, median 0.9282, min 0.928, max 0.9288 (n=3)"_s;
        QTest::newRow("no centre")
            << u"min,max"_s << three << u"min, max"_s << u"min 0.928, max 0.9288"_s;
        QTest::newRow("count only") << u"count"_s << three << u"n"_s << u"n=3"_s;
        QTest::newRow("one run, NaN left out") << u"mean,std,count"_s << reals({0.1, kNaN})
                                               << u"mean ± std (n)"_s << u"0.1 (n=1, 1 NaN)"_s;
        QTest::newRow("one run, no spread at all")
            << u"mean,std,sem,min,count"_s << reals({0.1}) << u"mean ± std, sem, min (n)"_s
            << u"0.1, min 0.1 (n=1)"_s;
        QTest::newRow("only NaN") << u"mean,std,count"_s << reals({kNaN}) << u"mean ± std (n)"_s
                                  << u"NaN (n=0, 1 NaN)"_s;
        QTest::newRow("nothing") << u"mean,std,count"_s << std::vector{Value::string(u"x"_s)}
                                 << u"mean ± std (n)"_s << QString();
    }

    void joined() {
        QFETCH(QString, aggregates);
        QFETCH(std::vector<Value>, values);
        QFETCH(QString, header);
        QFETCH(QString, text);
        std::vector<Aggregate> chosen;
        for (const QString &name : aggregates.split(u','))
            chosen.push_back(*aggregateFromName(name));
        QCOMPARE(joinedHeader(chosen), header);
        QCOMPARE(joinedText(chosen, summarize(values)), text);
    }
};

QTEST_GUILESS_MAIN(TestGrouping)
#include "tst_grouping.moc"
