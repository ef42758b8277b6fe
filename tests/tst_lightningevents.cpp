// Lightning's TensorBoardLogger version folders through the scanner and LightningReader:
// hparams.yaml and the hparams plugin landing on the same keys (the yaml wins), folders with
// events only, metrics.csv and events of one training and of two, the hp_metric placeholder,
// the curves. Event files are written by tfeventwriter.h; plain TensorBoard folders:
// tst_tensorboardreader.cpp.
#include <QDateTime>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

#include "eventruns.h"
#include "testutil.h"
#include "tfeventwriter.h"

using namespace runlens;
using namespace Qt::StringLiterals;
namespace tw = tfwriter;
using eventruns::curve;
using eventruns::curvesDisagree;
using eventruns::kT0;
using eventruns::load;
using testutil::cell;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typedCell;

namespace {

/// Lightning's TensorBoardLogger: hp_metric -1, experiment, session start (values as PyTorch
/// stores them, nested names flattened with `/`), a session end without time, then scalars.
QByteArray lightningEvents(double t0, const QList<std::pair<QString, QByteArray>> &hparams) {
    QList<tw::Info> infos;
    for (const auto &h : hparams)
        infos.append({h.first, {}, {}});
    return tw::fileVersion(t0) + tw::scalar(t0 + 0.1, 0, u"hp_metric"_s, -1) +
           tw::hparams(t0 + 0.1, u"_hparams_/experiment"_s,
                       tw::experiment(infos, {{u"hp_metric"_s, {}, {}}})) +
           tw::hparams(t0 + 0.1, u"_hparams_/session_start_info"_s, tw::sessionStart(hparams)) +
           tw::hparams(t0 + 0.1, u"_hparams_/session_end_info"_s, tw::sessionEnd(1)) +
           tw::scalar(t0 + 10, 49, u"train_loss"_s, 0.5f) + tw::scalar(t0 + 10, 49, u"epoch"_s, 0) +
           tw::scalar(t0 + 20, 99, u"train_loss"_s, 0.25f) +
           tw::scalar(t0 + 20, 99, u"val_loss"_s, 0.75f) + tw::scalar(t0 + 20, 99, u"epoch"_s, 1);
}

} // namespace

class TestLightningEvents : public QObject {
    Q_OBJECT

private slots:
    void lightningYamlAndEventsAgree() {
        // hparams.yaml nests, the plugin flattens with `/` and stringifies: one key each, the
        // yaml's typed value; what only the plugin has is added.
        QTemporaryDir dir;
        const QString run = dir.filePath(u"lightning_logs/version_0/"_s);
        QVERIFY(testutil::writeFile(run + u"hparams.yaml"_s,
                                    "optimizer:\n  lr: 0.001\n  name: adam\nlayers:\n- 2\n- 4\n"
                                    "batch_size: 32\na.b: 1\nmodel: !!python/object:m.Config\n"
                                    "  depth: 3\n"));
        QVERIFY(testutil::writeFile(
            run + u"events.out.tfevents.1700000000.node1.55.0"_s,
            lightningEvents(kT0, {{u"optimizer/lr"_s, tw::pv::number(0.001)},
                                  {u"optimizer/name"_s, tw::pv::string(u"adam"_s)},
                                  {u"layers"_s, tw::pv::string(u"[2, 4]"_s)},
                                  {u"batch_size"_s, tw::pv::number(32)},
                                  {u"a.b"_s, tw::pv::number(1)},
                                  {u"model"_s, tw::pv::string(u"Config(depth=3)"_s)},
                                  {u"late_flag"_s, tw::pv::number(1)}})));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(t.run(0).format, u"lightning"_s);
        QVERIFY2(t.run(0).issues.empty(), qPrintable(issuesText(t.run(0).issues)));
        QStringList config;
        for (int c = 0; c < t.columnCount(); ++c)
            if (t.column(c).family == Family::Config && t.hasValue(0, c))
                config << t.column(c).display + u'=' + testutil::typed(t.value(0, c));
        QCOMPARE(config.join(u' '),
                 u"optimizer.lr=float:0.001 optimizer.name=string:adam layers=list:[2, 4] "
                 "batch_size=int:32 [\"a.b\"]=int:1 model.depth=int:3 late_flag=float:1"_s);
        // The placeholder hp_metric is gone; `epoch` is metadata as in metrics.csv.
        QVERIFY(cell(t, 0, Family::Metric, u"hp_metric"_s).isMissing());
        QVERIFY(cell(t, 0, Family::Metric, u"epoch"_s).isMissing());
        QCOMPARE(typedCell(t, 0, Family::Meta, u"epoch"_s), u"int:1"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"step"_s), u"int:99"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"train_loss"_s), u"float:0.25"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"val_loss"_s), u"float:0.75"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:node1"_s);
        QCOMPARE(t.run(0).startMs, qint64(1700000000500));
        QCOMPARE(t.run(0).status, RunStatus::Unknown);
        QCOMPARE(curve(t, 0, u"train_loss"_s), u"49:0.5 99:0.25"_s);
        QCOMPARE(curve(t, 0, u"epoch"_s), QString());
        QCOMPARE(curvesDisagree(t, 0), QString());
    }

    void lightningEventsOnly() {
        // Crashed or still training: no hparams.yaml yet, the plugin's values typed back.
        QTemporaryDir dir;
        const QString run = dir.filePath(u"tb/my_model/version_3/"_s);
        QVERIFY(testutil::writeFile(
            run + u"events.out.tfevents.1700000000.node1.55.0"_s,
            lightningEvents(kT0, {{u"optimizer/lr"_s, tw::pv::number(0.001)},
                                  {u"layers"_s, tw::pv::string(u"[2, 4]"_s)},
                                  {u"groups"_s, tw::pv::string(u"['a', 'b']"_s)},
                                  {u"scheduler"_s, tw::pv::string(u"None"_s)},
                                  {u"kind"_s, tw::pv::string(u"[not python"_s)},
                                  {u"use_amp"_s, tw::pv::number(1)}})));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(t.run(0).format, u"lightning"_s);
        QCOMPARE(t.run(0).name, u"my_model/version_3"_s);
        QVERIFY2(t.run(0).issues.empty(), qPrintable(issuesText(t.run(0).issues)));
        QCOMPARE(typedCell(t, 0, Family::Config, u"optimizer.lr"_s), u"float:0.001"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"layers"_s), u"list:[2, 4]"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"groups"_s), u"list:[\"a\", \"b\"]"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"scheduler"_s), u"null:null"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"kind"_s), u"string:[not python"_s);
        QCOMPARE(typedCell(t, 0, Family::Config, u"use_amp"_s), u"float:1"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"val_loss"_s), u"float:0.75"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"epoch"_s), u"int:1"_s);
        QCOMPARE(curvesDisagree(t, 0), QString());
    }

    void lightningCsvAndEvents() {
        // Both loggers in one version folder, the same training: metrics.csv gives the metrics
        // it has (full precision, its curve; here a row the events have not flushed yet), the
        // events add the others.
        QTemporaryDir dir;
        const QString run = dir.filePath(u"lightning_logs/version_1/"_s);
        QVERIFY(testutil::writeFile(run + u"metrics.csv"_s,
                                    "epoch,step,train_loss\n0,49,0.5\n1,99,0.25\n2,149,0.125\n"));
        QVERIFY(testutil::writeFile(run + u"hparams.yaml"_s, "lr: 0.1\n"));
        QVERIFY(testutil::writeFile(run + u"events.out.tfevents.1700000000.node1.55.0"_s,
                                    lightningEvents(kT0, {{u"lr"_s, tw::pv::number(0.1)}})));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QVERIFY2(t.run(0).issues.empty(), qPrintable(issuesText(t.run(0).issues)));
        QCOMPARE(typedCell(t, 0, Family::Metric, u"train_loss"_s), u"float:0.125"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"val_loss"_s), u"float:0.75"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"epoch"_s), u"int:2"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"step"_s), u"int:149"_s);
        QCOMPARE(curve(t, 0, u"train_loss"_s), u"49:0.5 99:0.25 149:0.125"_s);
        QCOMPARE(curve(t, 0, u"val_loss"_s), u"99:0.75"_s);
        QCOMPARE(curvesDisagree(t, 0), QString());
    }

    void lightningCsvAndEventsOfDifferentTrainings() {
        // The CSVLogger's version_1 and the TensorBoardLogger's version_1 can be different
        // trainings (each logger numbers its versions): told by the first value of a metric
        // both logged, then the row is metrics.csv alone.
        QTemporaryDir dir;
        const QString run = dir.filePath(u"lightning_logs/version_1/"_s);
        QVERIFY(testutil::writeFile(run + u"metrics.csv"_s,
                                    "epoch,step,train_loss\n0,49,0.51\n1,99,0.26\n"));
        QVERIFY(testutil::writeFile(run + u"events.out.tfevents.1700000000.node1.55.0"_s,
                                    lightningEvents(kT0, {{u"lr"_s, tw::pv::number(0.1)}})));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(t.rowCount(), 1);
        QCOMPARE(int(t.run(0).issues.size()), 1);
        QCOMPARE(t.run(0).issues[0].severity, Issue::Severity::Warning);
        QCOMPARE(
            t.run(0).issues[0].message,
            u"metrics.csv and the TensorBoard event files hold different trainings ('train_loss' starts with 0.51 at step 49 in metrics.csv but with 0.5 at step 49 in the event files): Lightning's CSVLogger and TensorBoardLogger numbered their versions apart; the row shows metrics.csv, the event files are left out"_s);
        QCOMPARE(typedCell(t, 0, Family::Metric, u"train_loss"_s), u"float:0.26"_s);
        QVERIFY(cell(t, 0, Family::Metric, u"val_loss"_s).isMissing());
        QVERIFY(cell(t, 0, Family::Config, u"lr"_s).isMissing());
        QCOMPARE(curvesDisagree(t, 0), QString());
    }

    void lightningRealHpMetric() {
        // A real hp_metric (logged by the model) is a metric; only the -1 placeholder goes.
        QTemporaryDir dir;
        const QString run = dir.filePath(u"lightning_logs/version_2/"_s);
        QVERIFY(testutil::writeFile(run + u"events.out.tfevents.1700000000.node1.55.0"_s,
                                    lightningEvents(kT0, {{u"lr"_s, tw::pv::number(0.1)}}) +
                                        tw::scalar(kT0 + 30, 99, u"hp_metric"_s, 0.625f)));
        const RunTable t = load(dir.path()).table;
        QCOMPARE(typedCell(t, 0, Family::Metric, u"hp_metric"_s), u"float:0.625"_s);
        QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.hp_metric"_s), u"int:1"_s);
        QCOMPARE(curve(t, 0, u"hp_metric"_s), u"99:0.625"_s);
    }
};

QTEST_GUILESS_MAIN(TestLightningEvents)
#include "tst_lightningevents.moc"
