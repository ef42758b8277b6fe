// Parameter importance (models/analysis/importance.h): synthetic sweeps whose truth is known
// (a linear effect, effects a correlation cannot see, an interaction, categories, keys missing
// in part of the runs), against keys of pure noise; and the edges: constant keys, too few runs,
// NaN metrics, determinism, subsampling, cancelling.
#include "analysis/importance.h"
#include "run/runtable.h"

#include <QTest>

#include "testutil.h"

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <numeric>
#include <random>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Fills run `i` (config keys and the metric `y`) from the table's random numbers.
using Maker = std::function<void(int i, std::mt19937 &rng, RunRecord &rec)>;

RunTable makeTable(int runs, const Maker &make, quint32 seed = 42) {
    std::mt19937 rng(seed);
    RunTable table;
    for (int i = 0; i < runs; ++i) {
        RunRecord rec;
        rec.id = u"run%1"_s.arg(i);
        make(i, rng, rec);
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    return table;
}

double uniform(std::mt19937 &rng, double lo = 0, double hi = 1) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

double normal(std::mt19937 &rng, double sd) {
    return std::normal_distribution<double>(0, sd)(rng);
}

void config(RunRecord &rec, const QString &key, Value v) {
    rec.add(Family::Config, testutil::key(key), std::move(v));
}

void metric(RunRecord &rec, double y) {
    rec.add(Family::Metric, testutil::key(u"y"_s), Value::real(y));
}

std::vector<int> allRows(const RunTable &t) {
    std::vector<int> rows(std::size_t(t.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

int metricColumn(const RunTable &t) {
    return t.findColumn(Family::Metric, testutil::key(u"y"_s));
}

int configColumn(const RunTable &t, const QString &key) {
    return t.findColumn(Family::Config, testutil::key(key));
}

ImportanceResult importance(const RunTable &t, const std::vector<int> &columns = {},
                            const ImportanceOptions &options = {}) {
    return parameterImportance(t, allRows(t), metricColumn(t), columns, options);
}

/// The whole result as text, for failure messages and comparisons.
QString text(const ImportanceResult &r) {
    QString out = u"rows=%1 fitted=%2 r2=%3 note=%4\n"_s.arg(r.rows)
                      .arg(r.fittedRows)
                      .arg(r.r2, 0, 'g', 17)
                      .arg(r.note);
    for (const KeyImportance &k : r.keys)
        out += u"  %1 col=%2 %3 runs=%4 corr=%5 eta=%6 imp=%7 mse+=%8 %9\n"_s.arg(k.key)
                   .arg(k.column)
                   .arg(k.categorical ? u"cat"_s : u"num"_s)
                   .arg(k.runs)
                   .arg(k.correlation, 0, 'g', 17)
                   .arg(k.eta, 0, 'g', 17)
                   .arg(k.importance, 0, 'g', 17)
                   .arg(k.mseIncrease, 0, 'g', 17)
                   .arg(k.note);
    return out;
}

const KeyImportance &find(const ImportanceResult &r, const QString &key) {
    for (const KeyImportance &k : r.keys)
        if (k.key == key) return k;
    static const KeyImportance none;
    return none;
}

double importanceSum(const ImportanceResult &r) {
    double sum = 0;
    for (const KeyImportance &k : r.keys)
        if (!std::isnan(k.importance)) sum += k.importance;
    return sum;
}

/// y = 3a + noise, b and c pure noise.
RunTable linearTable(int runs = 1000) {
    return makeTable(runs, [](int, std::mt19937 &rng, RunRecord &rec) {
        const double a = uniform(rng), b = uniform(rng), c = uniform(rng);
        config(rec, u"a"_s, Value::real(a));
        config(rec, u"b"_s, Value::real(b));
        config(rec, u"c"_s, Value::real(c));
        metric(rec, 3 * a + normal(rng, 0.1));
    });
}

} // namespace

class TestImportance : public QObject {
    Q_OBJECT

private slots:
    void linearEffect() {
        const RunTable t = linearTable();
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        QCOMPARE(r.rows, 1000);
        QCOMPARE(r.fittedRows, 1000);
        QCOMPARE(int(r.keys.size()), 3);
        QCOMPARE(r.keys[0].key, u"a"_s);
        QVERIFY2(r.keys[0].importance > 0.95, qPrintable(msg));
        QVERIFY2(find(r, u"b"_s).importance < 0.03, qPrintable(msg));
        QVERIFY2(find(r, u"c"_s).importance < 0.03, qPrintable(msg));
        QVERIFY2(r.keys[0].correlation > 0.95, qPrintable(msg));
        QVERIFY2(std::abs(find(r, u"b"_s).correlation) < 0.1, qPrintable(msg));
        QVERIFY2(std::isnan(r.keys[0].eta), qPrintable(msg));
        QVERIFY2(!r.keys[0].categorical, qPrintable(msg));
        // Shuffling a loses most of the variance: a share near 2 (twice the variance of y)
        // for a pure linear effect, and nothing for the noise keys.
        QVERIFY2(r.keys[0].mseIncrease > 1.0, qPrintable(msg));
        QVERIFY2(std::abs(find(r, u"b"_s).mseIncrease) < 0.02, qPrintable(msg));
        QVERIFY2(r.r2 > 0.95, qPrintable(msg));
        QVERIFY2(std::abs(importanceSum(r) - 1.0) < 1e-12, qPrintable(msg));
        QVERIFY2(r.note.isEmpty(), qPrintable(msg));
    }

    /// Effects whose correlation with the key is about 0: only a model that bends sees them.
    void nonLinearEffect_data() {
        QTest::addColumn<int>("shape");
        QTest::newRow("parabola (a-0.5)^2") << 0;
        QTest::newRow("cos(2 pi a)") << 1;
        QTest::newRow("sin(3a), a in [-pi/3, pi/3] folded by abs") << 2;
    }
    void nonLinearEffect() {
        QFETCH(int, shape);
        const RunTable t = makeTable(1500, [shape](int, std::mt19937 &rng, RunRecord &rec) {
            const double a = uniform(rng), b = uniform(rng);
            config(rec, u"a"_s, Value::real(a));
            config(rec, u"b"_s, Value::real(b));
            config(rec, u"c"_s, Value::integer(qint64(rng() % 10)));
            const double signal = shape == 0   ? 12 * (a - 0.5) * (a - 0.5)
                                  : shape == 1 ? std::cos(2 * std::numbers::pi * a)
                                               : std::sin(3 * std::abs(2 * a - 1));
            metric(rec, signal + normal(rng, 0.05));
        });
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        QCOMPARE(r.keys[0].key, u"a"_s);
        QVERIFY2(std::abs(r.keys[0].correlation) < 0.1, qPrintable(msg));
        QVERIFY2(r.keys[0].importance > 0.9, qPrintable(msg));
        QVERIFY2(find(r, u"b"_s).importance < 0.05, qPrintable(msg));
        QVERIFY2(find(r, u"c"_s).importance < 0.05, qPrintable(msg));
        QVERIFY2(r.r2 > 0.9, qPrintable(msg));
    }

    /// y = a*b: neither key correlates with y, both matter, and c does not.
    void interaction() {
        const RunTable t = makeTable(2000, [](int, std::mt19937 &rng, RunRecord &rec) {
            const double a = uniform(rng, -1, 1), b = uniform(rng, -1, 1), c = uniform(rng, -1, 1);
            config(rec, u"a"_s, Value::real(a));
            config(rec, u"b"_s, Value::real(b));
            config(rec, u"c"_s, Value::real(c));
            metric(rec, a * b + normal(rng, 0.02));
        });
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        QVERIFY2(std::abs(find(r, u"a"_s).correlation) < 0.1, qPrintable(msg));
        QVERIFY2(std::abs(find(r, u"b"_s).correlation) < 0.1, qPrintable(msg));
        QVERIFY2(find(r, u"a"_s).importance > 0.35, qPrintable(msg));
        QVERIFY2(find(r, u"b"_s).importance > 0.35, qPrintable(msg));
        QVERIFY2(find(r, u"c"_s).importance < 0.05, qPrintable(msg));
        QCOMPARE(r.keys[2].key, u"c"_s);
        QVERIFY2(r.r2 > 0.7, qPrintable(msg));
    }

    /// A string key with different means per value ranks above a numeric and a string key of
    /// noise; the categories' means are not in any order a threshold could use.
    void categoricalKey() {
        const RunTable t = makeTable(1200, [](int, std::mt19937 &rng, RunRecord &rec) {
            static const QStringList optimizers = {u"adam"_s, u"sgd"_s, u"rmsprop"_s};
            static const double means[] = {1.0, 0.0, 2.0};
            const int o = int(rng() % 3);
            config(rec, u"optimizer.name"_s, Value::string(optimizers[o]));
            config(rec, u"noise"_s, Value::real(uniform(rng)));
            config(rec, u"dataset"_s, Value::string(u"set%1"_s.arg(rng() % 4)));
            metric(rec, means[o] + normal(rng, 0.3));
        });
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        QCOMPARE(r.keys[0].key, u"optimizer.name"_s);
        QVERIFY(r.keys[0].categorical);
        QVERIFY(find(r, u"dataset"_s).categorical);
        QVERIFY2(r.keys[0].importance > 0.9, qPrintable(msg));
        QVERIFY2(std::isnan(r.keys[0].correlation), qPrintable(msg));
        QVERIFY2(r.keys[0].eta > 0.9, qPrintable(msg));
        QVERIFY2(find(r, u"dataset"_s).eta < 0.15, qPrintable(msg));
        QVERIFY2(find(r, u"dataset"_s).importance < 0.05, qPrintable(msg));
        QVERIFY2(find(r, u"noise"_s).importance < 0.05, qPrintable(msg));
    }

    /// A bool key is numeric (0/1), and so is one mixing numbers and null; a key mixing
    /// numbers and a string ("auto") is categorical.
    void keyKinds() {
        const RunTable t = makeTable(600, [](int i, std::mt19937 &rng, RunRecord &rec) {
            const bool flag = rng() % 2;
            config(rec, u"flag"_s, Value::boolean(flag));
            config(rec, u"warmup"_s, i % 3 == 0 ? Value::string(u"auto"_s) : Value::integer(i % 5));
            config(rec, u"clip"_s, i % 3 == 1 ? Value::null() : Value::real(uniform(rng)));
            metric(rec, (flag ? 1.0 : 0.0) + normal(rng, 0.2));
        });
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        QCOMPARE(r.keys[0].key, u"flag"_s);
        QVERIFY(!r.keys[0].categorical);
        QVERIFY2(r.keys[0].correlation > 0.8, qPrintable(msg));
        QVERIFY(find(r, u"warmup"_s).categorical);
        QVERIFY2(find(r, u"warmup"_s).importance < 0.05, qPrintable(msg));
        const KeyImportance &clip = find(r, u"clip"_s);
        QVERIFY(!clip.categorical);
        QCOMPARE(clip.runs, 600); // null counts as having the key
        QVERIFY2(std::abs(clip.correlation) < 0.15, qPrintable(msg)); // over the 400 numbers
        QVERIFY2(clip.importance < 0.05, qPrintable(msg));
    }

    /// A key missing in half the runs: numeric, with the runs lacking it sent to whichever
    /// side of a split fits; correlation over the runs that have it. A categorical key missing
    /// in half the runs, where "missing" is what matters, is found through its own category.
    void keyMissingInHalf() {
        const RunTable t = makeTable(1500, [](int, std::mt19937 &rng, RunRecord &rec) {
            const double a = uniform(rng);
            const bool hasA = rng() % 2, hasS = rng() % 2;
            if (hasA) config(rec, u"a"_s, Value::real(a));
            if (hasS) config(rec, u"sched"_s, Value::string(u"cosine"_s));
            config(rec, u"b"_s, Value::real(uniform(rng)));
            metric(rec, (hasA ? 3 * a : 1.5) + (hasS ? 0.0 : 1.0) + normal(rng, 0.1));
        });
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        const KeyImportance &a = find(r, u"a"_s), &s = find(r, u"sched"_s);
        QCOMPARE(r.keys[0].key, u"a"_s);
        QVERIFY2(a.runs > 650 && a.runs < 850, qPrintable(msg));
        QVERIFY(!a.categorical);
        QVERIFY2(a.correlation > 0.85, qPrintable(msg));
        QVERIFY2(a.importance > 0.5, qPrintable(msg));
        QVERIFY(s.categorical);
        QVERIFY2(s.importance > 0.1, qPrintable(msg));
        QVERIFY2(s.eta > 0.3, qPrintable(msg));
        QVERIFY2(find(r, u"b"_s).importance < 0.03, qPrintable(msg));
        QVERIFY2(r.r2 > 0.9, qPrintable(msg));
    }

    /// Keys asked for by name are listed even when constant (importance 0); by default only
    /// the config keys that vary are taken.
    void constantKey() {
        const RunTable t = makeTable(300, [](int, std::mt19937 &rng, RunRecord &rec) {
            const double a = uniform(rng);
            config(rec, u"a"_s, Value::real(a));
            config(rec, u"epochs"_s, Value::integer(30));
            rec.add(Family::Metric, testutil::key(u"other"_s), Value::real(uniform(rng)));
            metric(rec, a + normal(rng, 0.1));
        });
        const int a = configColumn(t, u"a"_s), epochs = configColumn(t, u"epochs"_s);
        const ImportanceResult byDefault = importance(t);
        QCOMPARE(int(byDefault.keys.size()), 1);
        QCOMPARE(byDefault.keys[0].key, u"a"_s);
        QCOMPARE(byDefault.keys[0].importance, 1.0);

        const ImportanceResult r = importance(t, {epochs, a, epochs});
        const QString msg = text(r);
        QCOMPARE(int(r.keys.size()), 2); // the duplicate is dropped
        QCOMPARE(r.keys[0].key, u"a"_s);
        QCOMPARE(r.keys[1].key, u"epochs"_s);
        QCOMPARE(r.keys[1].importance, 0.0);
        QCOMPARE(r.keys[1].mseIncrease, 0.0);
        QCOMPARE(r.keys[1].note, u"constant"_s);
        QCOMPARE(r.keys[1].runs, 300);
        QVERIFY2(std::isnan(r.keys[1].correlation), qPrintable(msg));
    }

    /// A key in one run only is listed, not estimated, and said so.
    void keyInOneRun() {
        const RunTable t = makeTable(200, [](int i, std::mt19937 &rng, RunRecord &rec) {
            const double a = uniform(rng);
            config(rec, u"a"_s, Value::real(a));
            if (i == 7) config(rec, u"debug"_s, Value::boolean(true));
            metric(rec, a + normal(rng, 0.1));
        });
        const ImportanceResult r =
            importance(t, {configColumn(t, u"debug"_s), configColumn(t, u"a"_s)});
        const QString msg = text(r);
        QCOMPARE(int(r.keys.size()), 2);
        QCOMPARE(r.keys[0].key, u"a"_s);
        QCOMPARE(r.keys[0].importance, 1.0);
        QCOMPARE(r.keys[1].key, u"debug"_s);
        QCOMPARE(r.keys[1].runs, 1);
        QVERIFY2(std::isnan(r.keys[1].importance), qPrintable(msg));
        QCOMPARE(r.keys[1].note, u"in one run only"_s);
        QVERIFY2(r.note.contains(u"fewer than two runs"_s), qPrintable(msg));
    }

    /// Runs whose metric is missing, NaN, infinite or a string are left out, not read as 0.
    void unusableMetricRowsSkipped() {
        const RunTable t = makeTable(1000, [](int i, std::mt19937 &rng, RunRecord &rec) {
            const double a = uniform(rng);
            config(rec, u"a"_s, Value::real(a));
            // The unusable runs would make b look important if they were counted.
            const double b = uniform(rng);
            config(rec, u"b"_s, Value::real(i % 4 == 0 ? 5.0 + b : b));
            switch (i % 16) {
            case 0:
                metric(rec, kNaN);
                break;
            case 4:
                metric(rec, std::numeric_limits<double>::infinity());
                break;
            case 8:
                rec.add(Family::Metric, testutil::key(u"y"_s), Value::string(u"diverged"_s));
                break;
            case 12:
                rec.add(Family::Metric, testutil::key(u"z"_s), Value::real(1));
                break;
            default:
                metric(rec, 3 * a + normal(rng, 0.1));
            }
        });
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        QCOMPARE(r.rows, 750);
        QCOMPARE(r.keys[0].key, u"a"_s);
        QVERIFY2(std::isfinite(r.r2) && r.r2 > 0.95, qPrintable(msg));
        QVERIFY2(find(r, u"b"_s).importance < 0.03, qPrintable(msg));
        QCOMPARE(find(r, u"b"_s).runs, 750);
        QVERIFY2(std::abs(find(r, u"b"_s).correlation) < 0.1, qPrintable(msg));
    }

    void tooFewRuns_data() {
        QTest::addColumn<int>("runs");
        QTest::newRow("none") << 0;
        QTest::newRow("one") << 1;
        QTest::newRow("five") << 5;
        QTest::newRow("nine") << 9;
    }
    void tooFewRuns() {
        QFETCH(int, runs);
        // Twenty runs, of which only `runs` have the metric.
        RunTable t = makeTable(20, [runs](int i, std::mt19937 &, RunRecord &rec) {
            config(rec, u"a"_s, Value::integer(i));
            config(rec, u"s"_s, Value::string(i % 2 ? u"x"_s : u"y"_s));
            if (i < runs) metric(rec, 2.0 * i);
        });
        t.addColumn(Family::Metric, testutil::key(u"y"_s)); // even when no run has it
        const int a = configColumn(t, u"a"_s), s = configColumn(t, u"s"_s);
        const ImportanceResult r = importance(t, {a, s});
        const QString msg = text(r);
        QCOMPARE(r.rows, runs);
        QVERIFY2(r.note.contains(u"too few runs"_s), qPrintable(msg));
        QVERIFY(std::isnan(r.r2));
        QCOMPARE(r.fittedRows, 0);
        QCOMPARE(int(r.keys.size()), 2);
        for (const KeyImportance &k : r.keys)
            QVERIFY2(std::isnan(k.importance), qPrintable(msg));
        if (runs >= 3) QCOMPARE(find(r, u"a"_s).correlation, 1.0); // still computed
        if (runs >= 2) QCOMPARE(find(r, u"s"_s).runs, runs);
    }

    void badMetricColumn() {
        const RunTable t = linearTable(50);
        const ImportanceResult r = parameterImportance(t, allRows(t), -1, {});
        QVERIFY(r.keys.empty());
        QVERIFY(!r.note.isEmpty());
        const ImportanceResult r2 = parameterImportance(t, allRows(t), t.columnCount(), {});
        QVERIFY(r2.keys.empty());
        // Rows out of range are ignored.
        const ImportanceResult r3 = parameterImportance(t, {-1, 0, 1, 9999}, metricColumn(t), {});
        QCOMPARE(r3.rows, 2);
    }

    void constantMetric() {
        const RunTable t = makeTable(100, [](int, std::mt19937 &rng, RunRecord &rec) {
            config(rec, u"a"_s, Value::real(uniform(rng)));
            metric(rec, 0.5);
        });
        const ImportanceResult r = importance(t);
        QVERIFY2(r.note.contains(u"same in every run"_s), qPrintable(text(r)));
        QVERIFY(std::isnan(r.r2));
        QVERIFY(std::isnan(r.keys[0].importance));
        QVERIFY(std::isnan(r.keys[0].correlation));
    }

    /// Keys that do not bear on the metric: a poor fit, said in the note.
    void noSignal() {
        const RunTable t = makeTable(500, [](int, std::mt19937 &rng, RunRecord &rec) {
            config(rec, u"a"_s, Value::real(uniform(rng)));
            config(rec, u"b"_s, Value::real(uniform(rng)));
            metric(rec, normal(rng, 1));
        });
        const ImportanceResult r = importance(t);
        QVERIFY2(r.r2 < 0.05, qPrintable(text(r)));
        QVERIFY2(r.note.contains(u"do not predict"_s), qPrintable(text(r)));
    }

    /// An id-like key (a value per run, beyond 256 categories) explains nothing out of bag,
    /// whatever its correlation ratio says.
    void idLikeKey() {
        const RunTable t = makeTable(1000, [](int i, std::mt19937 &rng, RunRecord &rec) {
            const double a = uniform(rng);
            config(rec, u"a"_s, Value::real(a));
            config(rec, u"name"_s, Value::string(u"run-%1"_s.arg(i)));
            metric(rec, 3 * a + normal(rng, 0.1));
        });
        const ImportanceResult r = importance(t);
        const QString msg = text(r);
        QCOMPARE(r.keys[0].key, u"a"_s);
        QVERIFY(find(r, u"name"_s).categorical);
        QVERIFY2(find(r, u"name"_s).importance < 0.05, qPrintable(msg));
    }

    void deterministic() {
        const RunTable t = linearTable(800);
        ImportanceOptions options;
        options.trees = 40;
        options.seed = 7;
        const QString first = text(importance(t, {}, options));
        QCOMPARE(text(importance(t, {}, options)), first);
        options.parallel = false;
        QCOMPARE(text(importance(t, {}, options)), first); // threads do not change a digit
        options.seed = 8;
        QVERIFY(text(importance(t, {}, options)) != first);
    }

    /// Above maxRows the forest sees a random subset; the correlations still see every run.
    void subsampling() {
        const RunTable t = linearTable(3000);
        ImportanceOptions options;
        options.maxRows = 500;
        const ImportanceResult r = importance(t, {}, options);
        const QString msg = text(r);
        QCOMPARE(r.rows, 3000);
        QCOMPARE(r.fittedRows, 500);
        QVERIFY2(r.note.contains(u"random 500 of the 3000 runs"_s), qPrintable(msg));
        QCOMPARE(r.keys[0].key, u"a"_s);
        QVERIFY2(r.keys[0].importance > 0.9, qPrintable(msg));
        QCOMPARE(text(importance(t, {}, options)), msg);
    }

    /// Options at odd values are brought into range rather than crash or hang.
    void oddOptions() {
        const RunTable t = linearTable(200);
        ImportanceOptions options;
        options.trees = 0;
        options.maxDepth = -3;
        options.minLeaf = 0;
        options.sampleFraction = 7;
        options.featureFraction = 0;
        options.maxRows = 1;
        const ImportanceResult r = importance(t, {}, options);
        QVERIFY2(!std::isnan(r.keys[0].importance), qPrintable(text(r)));
        QCOMPARE(r.fittedRows, 10);
        options = {};
        options.featureFraction = 0.34; // one key per split
        const ImportanceResult r2 = importance(t, {}, options);
        QCOMPARE(r2.keys[0].key, u"a"_s);
    }

    void cancelled() {
        const RunTable t = linearTable(300);
        ImportanceOptions options;
        options.cancelled = [] { return true; };
        const ImportanceResult r = importance(t, {}, options);
        QVERIFY2(r.note.contains(u"cancelled"_s), qPrintable(text(r)));
        QVERIFY(std::isnan(r.r2));
        for (const KeyImportance &k : r.keys)
            QVERIFY(std::isnan(k.importance));
    }
};

QTEST_GUILESS_MAIN(TestImportance)
#include "tst_importance.moc"
