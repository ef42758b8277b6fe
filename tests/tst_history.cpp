// MetricHistory: the last value by step as the metric, min/max/mean/steps as metadata.
#include "readers/history.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

const Value *find(const RunRecord &run, Family family, const QString &key) {
    for (const Entry &e : run.entries)
        if (e.family == family && e.key.display() == key) return &e.value;
    return nullptr;
}

} // namespace

class TestHistory : public QObject {
    Q_OBJECT

private slots:
    void lastByStepAndStatistics() {
        MetricHistory h;
        h.add(0, 0.9);
        h.add(2, 0.5);
        h.add(1, 0.7); // logged late for an earlier step: not the last
        h.add(2, 0.4); // the same step again: the later value wins
        RunRecord run;
        h.addTo(run, Key::fromDisplay(u"val/loss"_s));
        QCOMPARE(find(run, Family::Metric, u"val/loss"_s)->toDouble(), 0.4);
        QCOMPARE(find(run, Family::Meta, u"history.min.val/loss"_s)->toDouble(), 0.4);
        QCOMPARE(find(run, Family::Meta, u"history.max.val/loss"_s)->toDouble(), 0.9);
        QCOMPARE(find(run, Family::Meta, u"history.mean.val/loss"_s)->toDouble(),
                 (0.9 + 0.5 + 0.7 + 0.4) / 4);
        QCOMPARE(find(run, Family::Meta, u"history.steps.val/loss"_s)->toDouble(), 4.0);
        QCOMPARE(historyKey(Key::fromDisplay(u"a.b"_s), MetricSummary::Max).display(),
                 u"history.max.a.b"_s);
    }

    void nanIsCountedButNotSummarised() {
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        MetricHistory h;
        h.add(1.0);
        h.add(3.0);
        h.add(nan); // diverged: the last value is NaN
        RunRecord run;
        h.addTo(run, Key::fromDisplay(u"loss"_s), Value());
        QVERIFY(std::isnan(find(run, Family::Metric, u"loss"_s)->toDouble()));
        QCOMPARE(find(run, Family::Meta, u"history.mean.loss"_s)->toDouble(), 2.0);
        QCOMPARE(find(run, Family::Meta, u"history.steps.loss"_s)->toDouble(), 3.0);

        MetricHistory allNan;
        allNan.add(nan);
        RunRecord only;
        allNan.addTo(only, Key::fromDisplay(u"x"_s));
        QVERIFY(find(only, Family::Metric, u"x"_s));
        QVERIFY(!find(only, Family::Meta, u"history.min.x"_s));

        RunRecord none;
        MetricHistory().addTo(none, Key::fromDisplay(u"y"_s));
        QVERIFY(none.entries.empty());
    }

    void summaryNames() {
        for (MetricSummary s :
             {MetricSummary::Last, MetricSummary::Min, MetricSummary::Max, MetricSummary::Mean})
            QCOMPARE(summaryFromName(summaryName(s)), s);
        QCOMPARE(summaryFromName(u"MIN"_s), MetricSummary::Min);
        QVERIFY(!summaryFromName(u"median"_s));
    }

    void fileSpellingOfTheLastValue() {
        MetricHistory h;
        h.add(0.25);
        RunRecord run;
        h.addTo(run, Key::fromDisplay(u"acc"_s), Value::real(0.25, u"2.5e-1"_s));
        QCOMPARE(find(run, Family::Metric, u"acc"_s)->displayText(), u"2.5e-1"_s);
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
