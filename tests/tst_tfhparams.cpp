// The hparams plugin of TensorBoard's event files (FORMATS.md 7.3), decoded by TfEventsReader:
// every google.protobuf.Value kind, the experiment's descriptions, session ends with and without
// an end time, later sessions overriding earlier ones, and the bounds on nesting and size.
// Event files are written by tfeventwriter.h.
#include "readers/tfevents.h"
#include "run/flatten.h"

#include <QBuffer>
#include <QTest>

#include "testutil.h"
#include "tfeventwriter.h"

using namespace runlens;
using namespace Qt::StringLiterals;
namespace tw = tfwriter;
using testutil::issuesText;

namespace {

constexpr double kT0 = 1700000000.25;

/// Reads `bytes` as one event file into `events`; the issues go to `run`.
bool readBytes(TfEventsReader &events, QByteArray bytes, RunRecord &run) {
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    return events.read(buffer, u"events.out.tfevents.1.test"_s, run);
}

} // namespace

class TestTfHparams : public QObject {
    Q_OBJECT

private slots:
    void hparamsPlugin() {
        using tw::pv::boolean;
        using tw::pv::list;
        using tw::pv::null;
        using tw::pv::number;
        using tw::pv::string;
        using tw::pv::structOf;
        const QByteArray bytes =
            tw::fileVersion(kT0) +
            tw::hparams(kT0, u"_hparams_/experiment"_s,
                        tw::experiment({{u"optimizer/lr"_s, {}, u"peak learning rate"_s},
                                        {u"seed"_s, u"Seed"_s, {}}},
                                       {{u"val/acc"_s, {}, u"accuracy on held-out data"_s}})) +
            tw::hparams(kT0, u"_hparams_/session_start_info"_s,
                        tw::sessionStart(
                            {{u"optimizer/lr"_s, number(3e-4)},
                             {u"name"_s, string(u"résnet"_s)},
                             {u"amp"_s, boolean(true)},
                             {u"seed"_s, null()},
                             {u"betas"_s, list({number(0.9), string(u"x"_s), null()})},
                             {u"model"_s, structOf({{u"depth"_s, number(18)},
                                                    {u"inner"_s, structOf({{u"k"_s, list({})}})}})},
                             {u"empty"_s, QByteArray()}},
                            kT0 - 5)) +
            tw::hparams(kT0 + 100, u"_hparams_/session_end_info"_s, tw::sessionEnd(2, kT0 + 100));
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, bytes, run));
        QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
        QVERIFY(events.series().empty()); // hparams summaries are no scalars
        const TfHparams &hp = events.hparams();
        QCOMPARE(hp.sessions, 1);
        QCOMPARE(hp.status, 2);
        QCOMPARE(hp.startTimeSecs, kT0 - 5);
        QCOMPARE(hp.endTimeSecs, kT0 + 100);
        QCOMPARE(hp.hparamDescriptions.value(u"optimizer/lr"_s), u"peak learning rate"_s);
        QCOMPARE(hp.hparamDescriptions.value(u"seed"_s), u"Seed"_s); // the display name
        QCOMPARE(hp.metricDescriptions.value(u"val/acc"_s), u"accuracy on held-out data"_s);
        Flattener flattener;
        RunRecord flat;
        for (const auto &[name, node] : hp.values.rootNode()->members)
            flattener.flatten(hp.values, node, Key({name}), Family::Config, {}, flat, {});
        QCOMPARE(testutil::entriesText(flat),
                 u"config optimizer/lr=float:3e-04\nconfig name=string:résnet\n"
                 "config amp=bool:true\nconfig seed=null:null\n"
                 "config betas=list:[0.9, \"x\", null]\nconfig model.depth=float:18\n"
                 "config model.inner.k=list:[]\nconfig empty=null:null"_s);
    }

    void sessionEndWithoutTimeIsNoStatus() {
        // PyTorch's hparams() writes SUCCESS without an end time as the run starts.
        const QByteArray bytes =
            tw::fileVersion(kT0) +
            tw::hparams(kT0, u"_hparams_/session_start_info"_s,
                        tw::sessionStart({{u"lr"_s, tw::pv::number(0.1)}})) +
            tw::hparams(kT0, u"_hparams_/session_end_info"_s, tw::sessionEnd(1));
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, bytes, run));
        QCOMPARE(events.hparams().status, -1);
        QCOMPARE(events.hparams().endTimeSecs, 0.0);
    }

    void laterSessionsOverride() {
        const auto ssi = [](double lr) {
            return tw::hparams(
                kT0, u"_hparams_/session_start_info"_s,
                tw::sessionStart({{u"lr"_s, tw::pv::number(lr)}, {u"bs"_s, tw::pv::number(32)}}));
        };
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, tw::fileVersion(kT0) + ssi(0.1) + ssi(0.1) + ssi(0.2), run));
        const TfHparams &hp = events.hparams();
        QCOMPARE(hp.sessions, 3);
        QCOMPARE(hp.changed, QStringList{u"lr"_s});
        const DocNode *lr = hp.values.member(*hp.values.rootNode(), u"lr"_s);
        QCOMPARE(lr->value.toDouble(), 0.2);
    }

    void hparamsBounds() {
        // Nesting past the depth limit and values past the node budget are cut, not followed.
        QByteArray deep = tw::pv::number(1);
        for (int i = 0; i < 100; ++i)
            deep = tw::pv::list({deep});
        QList<std::pair<QString, QByteArray>> many;
        for (int i = 0; i < 50; ++i)
            many.append({u"k%1"_s.arg(i), tw::pv::number(i)});
        TfEventsOptions options;
        options.maxDepth = 10;
        options.maxHparamNodes = 20;
        TfEventsReader events(options);
        RunRecord run;
        QVERIFY(readBytes(
            events,
            tw::hparams(kT0, u"_hparams_/session_start_info"_s,
                        tw::sessionStart({{u"deep"_s, deep}})) +
                tw::hparams(kT0, u"_hparams_/session_start_info"_s, tw::sessionStart(many)),
            run));
        QVERIFY(events.hparams().cutDeep);
        QVERIFY(events.hparams().cutMany);
        QVERIFY(events.hparams().values.nodes.size() <= 21);
    }
};

QTEST_GUILESS_MAIN(TestTfHparams)
#include "tst_tfhparams.moc"
