// Reads every TensorBoard event file in ../shared/corpus (all written by Lightning's
// TensorBoardLogger, under lightning/) and the runs they belong to. The figures pinned here were
// read from the files by a separate decoder written in Python for this purpose (TFRecord framing
// with its own CRC-32C, protobuf fields by hand): record and scalar counts, hparams, last values,
// curve ends. Skips cleanly when the corpus is absent (it is data from other projects, never
// copied into this repository).
#include "readers/loader.h"
#include "readers/readerregistry.h"
#include "readers/tfevents.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

#include "corpusutil.h"
#include "testutil.h"

#include <cmath>

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::corpusDir;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typedCell;

namespace {

int countFamily(const RunTable &t, int row, Family f) {
    int n = 0;
    for (int c = 0; c < t.columnCount(); ++c)
        n += t.column(c).family == f && t.hasValue(row, c) ? 1 : 0;
    return n;
}

std::vector<HistoryPoint> curve(const RunTable &t, int row, const QString &metric) {
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    return registry.byFormat(t.run(row).format)
        ->readHistory(t.run(row).path, Key({metric}), ReadLimits{});
}

const QString kCamels = u"CooperBigFoot__CAMELS-CH/lightning_logs/"_s;

} // namespace

class TestCorpusTfEvents : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        if (!QFileInfo(corpusDir(u"lightning"_s)).isDir())
            QSKIP("../shared/corpus is absent; the corpus test needs it");
        m_table = loadRuns({corpusDir(u"lightning"_s)}, ReaderRegistry::withBuiltins()).table;
    }

    void everyEventFileLoads() {
        QDirIterator it(corpusDir({}), {u"events.out.tfevents.*"_s}, QDir::Files,
                        QDirIterator::Subdirectories);
        int files = 0, sessions = 0;
        qint64 events = 0, scalars = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            TfEventsReader reader;
            RunRecord run;
            QVERIFY2(reader.read(f, path, run), qPrintable(path));
            QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
            QVERIFY2(reader.events() > 0, qPrintable(path));
            ++files;
            events += reader.events();
            sessions += reader.hparams().sessions;
            for (const TfSeries &s : reader.series())
                scalars += s.history.count();
        }
        QCOMPARE(files, 105);
        QCOMPARE(events, qint64(13802));  // records, file_version included
        QCOMPARE(scalars, qint64(13277)); // simple_values, less 105 hp_metric placeholders
        QCOMPARE(sessions, 105);
    }

    void hparamsYamlAndPluginAgree() {
        // FORMATS.md 4.4: version_44 holds the hparams plugin and hp_metric = -1 only. Its
        // plugin numbers are hparams.yaml's values; the row has the yaml's typed ones, one key
        // each, and no metric at all (the placeholder is none).
        const QString id = kCamels + u"version_44"_s;
        const int row = rowOf(m_table, id);
        QVERIFY(row >= 0);
        QVERIFY2(m_table.run(row).issues.empty(), qPrintable(issuesText(m_table.run(row).issues)));
        QCOMPARE(countFamily(m_table, row, Family::Config), 9);
        QCOMPARE(countFamily(m_table, row, Family::Metric), 0);
        QCOMPARE(typedCell(m_table, row, Family::Config, u"hidden_size"_s), u"int:32"_s);
        QCOMPARE(typedCell(m_table, row, Family::Config, u"learning_rate"_s), u"float:0.003"_s);
        QCOMPARE(typedCell(m_table, row, Family::Config, u"dropout"_s), u"float:0.3"_s);
        QFile f(m_table.run(row).path + u"/events.out.tfevents.1740314262.Nicolass-MBP.42572.1"_s);
        QVERIFY(f.open(QIODevice::ReadOnly));
        TfEventsReader reader;
        RunRecord scratch;
        QVERIFY(reader.read(f, f.fileName(), scratch));
        const TfHparams &hp = reader.hparams();
        QCOMPARE(int(hp.values.rootNode()->members.size()), 9);
        for (const auto &[name, node] : hp.values.rootNode()->members)
            QCOMPARE(testutil::cell(m_table, row, Family::Config, Key({name})).toDouble(),
                     hp.values.node(node).value.toDouble());
        QCOMPARE(hp.status, -1); // Lightning's session end has no end time: no status
        QCOMPARE(m_table.run(row).status, RunStatus::Unknown);
        // The first event's time (1740314262.286592 s), to the millisecond.
        QCOMPARE(m_table.run(row).startMs, qint64(1740314262287));
    }

    void threeFilesMerge() {
        // BullsEye's version_13: fit, then test twice, each in its own file.
        const int row =
            rowOf(m_table, u"BullsEye268__da6401_assignment3/lightning_logs/version_13"_s);
        QVERIFY(row >= 0);
        const auto v = [&](Family f, const QString &k) { return typedCell(m_table, row, f, k); };
        QCOMPARE(v(Family::Metric, u"train_loss_step"_s), u"float:0.47232016921043396"_s);
        QCOMPARE(v(Family::Meta, u"history.steps.train_loss_step"_s), u"int:96"_s);
        QCOMPARE(v(Family::Meta, u"history.min.train_loss_step"_s), u"float:0.32811084389686584"_s);
        QCOMPARE(v(Family::Meta, u"history.max.train_loss_step"_s), u"float:2.6026203632354736"_s);
        QCOMPARE(v(Family::Metric, u"val_loss"_s), u"float:0.7853493094444275"_s);
        QCOMPARE(v(Family::Meta, u"history.steps.val_loss"_s), u"int:7"_s);
        QCOMPARE(v(Family::Metric, u"test_acc"_s), u"float:0.7254467606544495"_s);
        QCOMPARE(v(Family::Meta, u"history.steps.test_acc"_s), u"int:2"_s);
        QCOMPARE(v(Family::Meta, u"epoch"_s), u"int:7"_s);
        QCOMPARE(v(Family::Meta, u"step"_s), u"int:4837"_s);
        QCOMPARE(v(Family::Config, u"cell_type"_s), u"string:gru"_s);
        QCOMPARE(v(Family::Meta, u"host"_s), u"string:DESKTOP-07FV8E1"_s);
        // From the first event (1747477794.6648436) to the last (1747479235.6466713).
        QVERIFY(std::abs(m_table.run(row).durationSec - 1440.9818277) < 1e-3);
        const std::vector<HistoryPoint> p = curve(m_table, row, u"val_loss"_s);
        QCOMPARE(int(p.size()), 7);
        QCOMPARE(p.front().step, 690.0);
        QCOMPARE(p.front().value, 1.0688265562057495);
        QVERIFY(std::abs(p.front().time - 1747477841.3422868) < 1e-6);
        QCOMPARE(p.back().step, 4836.0);
        QCOMPARE(p.back().value, 0.7853493094444275);
    }

    void longestCurve() {
        // CAMELS-CH version_134, events only beside hparams.yaml (1030 records).
        const int row = rowOf(m_table, kCamels + u"version_134"_s);
        QVERIFY(row >= 0);
        QCOMPARE(typedCell(m_table, row, Family::Metric, u"train_loss"_s),
                 u"float:0.8555001020431519"_s);
        QCOMPARE(typedCell(m_table, row, Family::Meta, u"history.steps.train_loss"_s),
                 u"int:157"_s);
        QCOMPARE(typedCell(m_table, row, Family::Meta, u"history.mean.val_loss"_s),
                 u"float:0.2764174555738767"_s);
        const std::vector<HistoryPoint> p = curve(m_table, row, u"val_loss"_s);
        QCOMPARE(int(p.size()), 30);
        QCOMPARE(p.front().step, 262.0);
        QCOMPARE(p.front().value, 0.47969603538513184);
        QCOMPARE(p.back().step, 7889.0);
        QCOMPARE(p.back().value, 0.2324271947145462);
        QVERIFY(std::abs(p.back().time - 1740928952.4570403) < 1e-6);
        QCOMPARE(typedCell(m_table, row, Family::Metric, u"val_loss"_s),
                 u"float:0.2324271947145462"_s);
    }

    void csvAndEventsOfDifferentTrainings() {
        // In four CAMELS-CH versions both loggers wrote, and in three of them their files are
        // different trainings (the first train_loss differs at the same step): metrics.csv alone
        // with a warning. version_55's events hold only the hparams: nothing to tell apart.
        for (const char *v : {"version_53", "version_56", "version_57", "version_55"}) {
            const int row = rowOf(m_table, kCamels + QLatin1String(v));
            QVERIFY2(row >= 0, v);
            const std::vector<Issue> &issues = m_table.run(row).issues;
            const Issue *apart = testutil::findIssue(issues, u"hold different trainings"_s);
            QCOMPARE(apart != nullptr, QLatin1String(v) != u"version_55");
            QCOMPARE(int(issues.size()), apart ? 1 : 0);
        }
        const int row = rowOf(m_table, kCamels + u"version_53"_s);
        QVERIFY(testutil::findIssue(
            m_table.run(row).issues,
            u"'train_loss' starts with 0.3714738190174103 at step 49 in metrics.csv but with 0.19437892735004425 at step 49 in the event files"_s));
        QCOMPARE(typedCell(m_table, row, Family::Meta, u"history.steps.train_loss"_s),
                 u"int:108"_s); // the CSV's count; the events have 13
    }

private:
    RunTable m_table;
};

QTEST_GUILESS_MAIN(TestCorpusTfEvents)
#include "tst_corpus_tfevents.moc"
