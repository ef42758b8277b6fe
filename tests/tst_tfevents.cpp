// The TensorBoard event file decoder below the run readers: Event / Summary / TensorProto
// decoding, damage as issues, several files merging. Fixtures are written by tfeventwriter.h,
// and by tests/data/tfevents/make_seeds.py (a second, independent encoder) for the committed
// seeds. The framing: tst_tfrecord.cpp; the hparams plugin: tst_tfhparams.cpp; the run readers:
// tst_tensorboardreader.cpp and tst_lightningevents.cpp.
#include "readers/tfevents.h"

#include <QBuffer>
#include <QTest>

#include "testutil.h"
#include "tfeventwriter.h"

#include <cmath>

using namespace runlens;
using namespace Qt::StringLiterals;
namespace tw = tfwriter;
using testutil::findIssue;
using testutil::issuesText;

namespace {

constexpr double kT0 = 1700000000.25;

/// Reads `bytes` as one event file into `events`; the issues go to `run`.
bool readBytes(TfEventsReader &events, QByteArray bytes, RunRecord &run) {
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    return events.read(buffer, u"events.out.tfevents.1.test"_s, run);
}

const TfSeries *seriesOf(const TfEventsReader &events, const QString &tag) {
    for (const TfSeries &s : events.series())
        if (s.tag == tag) return &s;
    return nullptr;
}

/// Three scalars of `loss` and two of `acc`.
QByteArray threeSteps() {
    return tw::fileVersion(kT0) + tw::scalar(kT0 + 1, 10, u"loss"_s, 0.5f) +
           tw::scalar(kT0 + 1, 10, u"acc"_s, 0.25f) + tw::scalar(kT0 + 2, 20, u"loss"_s, 0.25f) +
           tw::scalar(kT0 + 3, 30, u"loss"_s, 2.0f) + tw::scalar(kT0 + 3, 30, u"acc"_s, 0.75f);
}

} // namespace

class TestTfEvents : public QObject {
    Q_OBJECT

private slots:
    void simpleValues() {
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, threeSteps(), run));
        QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
        QCOMPARE(events.events(), qint64(6));
        QCOMPARE(int(events.series().size()), 2);
        QCOMPARE(events.series()[0].tag, u"loss"_s); // first seen first
        const TfSeries *loss = seriesOf(events, u"loss"_s);
        QCOMPARE(loss->history.count(), 3);
        QCOMPARE(loss->history.last(), 2.0);
        QVERIFY(loss->points.empty()); // the table's read keeps no points
        QCOMPARE(events.lastStep(), qint64(30));
        QCOMPARE(events.firstWallTime(), kT0);
        QCOMPARE(events.lastWallTime(), kT0 + 3);
        RunRecord summary;
        loss->history.addTo(summary, Key({u"loss"_s}));
        QCOMPARE(testutil::entriesText(summary),
                 u"metric loss=float:2\nmeta history.min.loss=float:0.25\n"
                 "meta history.max.loss=float:2\nmeta history.mean.loss=float:0.9166666666666666\n"
                 "meta history.steps.loss=int:3"_s);
    }

    void onlyOneTagWithPoints() {
        TfEventsOptions options;
        options.onlyTag = u"acc"_s;
        TfEventsReader events(options);
        RunRecord run;
        QVERIFY(readBytes(events, threeSteps(), run));
        QCOMPARE(int(events.series().size()), 1);
        const std::vector<HistoryPoint> &p = events.series()[0].points;
        QCOMPARE(int(p.size()), 2);
        QCOMPARE(p[0].step, 10.0);
        QCOMPARE(p[0].value, 0.25);
        QCOMPARE(p[0].time, kT0 + 1);
        QCOMPARE(p[1].step, 30.0);
        QCOMPARE(p[1].value, 0.75);
    }

    void tensorScalars_data() {
        QTest::addColumn<QByteArray>("tensor");
        QTest::addColumn<double>("value");
        const QByteArray float5 = tw::floatBytes(0.5f);
        QTest::newRow("float, packed") << tw::tensor(1, tw::bytesField(5, float5)) << 0.5;
        QTest::newRow("float, unpacked") << tw::tensor(1, tw::floatField(5, 0.5f)) << 0.5;
        QTest::newRow("float, content") << tw::tensor(1, tw::bytesField(4, float5)) << 0.5;
        QTest::newRow("double") << tw::tensor(2, tw::bytesField(6, tw::doubleBytes(1e-300)))
                                << 1e-300;
        QTest::newRow("double, content")
            << tw::tensor(2, tw::bytesField(4, tw::doubleBytes(-2.5))) << -2.5;
        QTest::newRow("int32, negative") << tw::tensor(3, tw::varintField(7, quint64(-7))) << -7.0;
        QTest::newRow("int64") << tw::tensor(9, tw::bytesField(10, tw::varint(1ull << 40)))
                               << double(1ull << 40);
        QTest::newRow("uint8, content") << tw::tensor(4, tw::bytesField(4, "\xff")) << 255.0;
        QTest::newRow("int16, content") << tw::tensor(5, tw::bytesField(4, "\xfe\xff")) << -2.0;
        QTest::newRow("uint64") << tw::tensor(23, tw::varintField(17, ~0ull)) << double(~0ull);
        // A shape of one dim of size 1 holds one number too.
        QTest::newRow("shape [1]") << (tw::varintField(1, 1) +
                                       tw::bytesField(2, tw::bytesField(2, tw::varintField(1, 1))) +
                                       tw::bytesField(5, float5))
                                   << 0.5;
    }

    void tensorScalars() {
        // TF 2's tf.summary.scalar: the `scalars` plugin on the first event of the tag only.
        QFETCH(QByteArray, tensor);
        QFETCH(double, value);
        const QByteArray bytes =
            tw::fileVersion(kT0) +
            tw::record(tw::event(kT0 + 1, 1, tw::tensorValue(u"m"_s, tensor, u"scalars"_s))) +
            tw::record(tw::event(kT0 + 2, 2, tw::tensorValue(u"m"_s, tensor)));
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, bytes, run));
        QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
        const TfSeries *m = seriesOf(events, u"m"_s);
        QVERIFY(m);
        QCOMPARE(m->history.count(), 2);
        QCOMPARE(m->history.last(), value);
    }

    void otherSummariesAreSkipped() {
        const QByteArray matrix = tw::varintField(1, 1) +
                                  tw::bytesField(2, tw::bytesField(2, tw::varintField(1, 2)) +
                                                        tw::bytesField(2, tw::varintField(1, 3))) +
                                  tw::bytesField(5, QByteArray(24, '\0'));
        const QByteArray text = tw::tensor(7, tw::bytesField(8, "hello"));
        // An image (Summary.Value.image = 4) and an old-style histogram (histo = 5).
        const QByteArray image =
            tw::bytesField(1, tw::stringField(1, u"img"_s) + tw::bytesField(4, "png..."));
        const QByteArray histo = tw::bytesField(1, tw::stringField(1, u"h"_s) +
                                                       tw::bytesField(5, tw::doubleField(1, 0)));
        const QByteArray bytes =
            tw::fileVersion(kT0) +
            tw::record(tw::event(kT0, 1, tw::tensorValue(u"w"_s, matrix, u"histograms"_s))) +
            tw::record(tw::event(kT0, 1, tw::tensorValue(u"w"_s, matrix))) +
            tw::record(tw::event(kT0, 1, tw::tensorValue(u"t"_s, text, u"text"_s))) +
            tw::record(tw::event(kT0, 1, image + histo + tw::simpleValue(u"x"_s, 1.0f))) +
            // Without any plugin: a 2-d tensor is no scalar, a 0-d float is.
            tw::record(tw::event(kT0, 2, tw::tensorValue(u"raw"_s, matrix))) +
            tw::record(tw::event(kT0, 2,
                                 tw::tensorValue(u"plain"_s, tw::tensor(1, tw::floatField(5, 3)))));
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, bytes, run));
        QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
        QStringList tags;
        for (const TfSeries &s : events.series())
            tags << s.tag;
        QCOMPARE(tags, (QStringList{u"x"_s, u"plain"_s}));
    }

    void badScalarTensors() {
        // The `scalars` plugin promises numbers: a string, a matrix, a missing value are told.
        const QByteArray bytes =
            tw::fileVersion(kT0) +
            tw::record(
                tw::event(kT0, 1, tw::tensorValue(u"s"_s, tw::tensor(7, {}), u"scalars"_s))) +
            tw::record(tw::event(kT0, 2, tw::tensorValue(u"s"_s, tw::tensor(1, {})))) +
            tw::record(
                tw::event(kT0, 3, tw::tensorValue(u"s"_s, tw::tensor(1, tw::floatField(5, 4)))));
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, bytes, run));
        QCOMPARE(int(run.issues.size()), 1);
        QCOMPARE(run.issues[0].severity, Issue::Severity::Warning);
        QVERIFY2(
            run.issues[0].message.startsWith(
                u"2 record(s) hold scalar summaries that are not single numbers RunLens reads (the first: tag 's' at byte "_s),
            qPrintable(run.issues[0].message));
        QCOMPARE(seriesOf(events, u"s"_s)->history.last(), 4.0);
    }

    void damage_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("issue"); // severity: message start
        QTest::addColumn<int>("lossValues");
        QTest::addColumn<bool>("truncated");
        const QByteArray good = threeSteps();
        const qint64 lastStart = good.size() - tw::scalar(kT0 + 3, 30, u"acc"_s, 0.75f).size();
        QTest::newRow("empty") << QByteArray() << u"note: the event file is empty"_s << 0 << false;
        QTest::newRow("truncated tail")
            << good.chopped(6)
            << u"warning: the event file ends inside the record at byte %1 (%2 bytes): the run is still being written, or its writer stopped mid-record; the 5 records before it are read"_s
                   .arg(lastStart)
                   .arg(good.size() - 6 - lastStart)
            << 3 << true;
        QByteArray badData = good;
        badData[lastStart + 14] = char(badData[lastStart + 14] ^ 0x40);
        QTest::newRow("bad data checksum")
            << badData
            << u"error: the record at byte %1 is damaged (the checksum of its data does not match); TFRecord has no marks to resume at, so the rest of the file (%2 bytes) is not read, the 5 records before it are"_s
                   .arg(lastStart)
                   .arg(good.size() - lastStart)
            << 3 << false;
        const qint64 second = tw::fileVersion(kT0).size();
        QByteArray badLength = good;
        badLength[second + 9] = char(badLength[second + 9] ^ 0x01);
        QTest::newRow("bad length checksum")
            << badLength
            << u"error: the record at byte %1 is damaged (the checksum of its length does not match)"_s
                   .arg(second)
            << 0 << false;
        QTest::newRow("garbage")
            << QByteArray(300, '\x5a')
            << u"error: not a TensorBoard event file: its first 12 bytes are no TFRecord header"_s
            << 0 << false;
        // Sound framing around a record that is no Event protobuf (a length past its end).
        QTest::newRow("malformed event")
            << tw::fileVersion(kT0) + tw::record("\x0a\xff\xff\xff\x0f") +
                   tw::scalar(kT0, 1, u"loss"_s, 1.0f)
            << u"warning: 1 record(s) are not valid Event protobufs (the first at byte %1)"_s.arg(
                   second)
            << 1 << false;
        QTest::newRow("malformed summary")
            << tw::scalar(kT0, 1, u"loss"_s, 1.0f) +
                   tw::record(tw::doubleField(1, kT0) + tw::bytesField(5, "\x0a\x05\x0a"))
            << u"warning: 1 record(s) are not valid Event protobufs"_s << 1 << false;
    }

    void damage() {
        // What came before the damage is kept; one issue says what and where.
        QFETCH(QByteArray, bytes);
        QFETCH(QString, issue);
        QFETCH(int, lossValues);
        QFETCH(bool, truncated);
        TfEventsReader events;
        RunRecord run;
        readBytes(events, bytes, run);
        QCOMPARE(int(run.issues.size()), 1);
        const Issue &i = run.issues[0];
        const QString got = Issue::severityName(i.severity) + u": "_s + i.message;
        QVERIFY2(got.startsWith(issue), qPrintable(got));
        QCOMPARE(i.file, u"events.out.tfevents.1.test"_s);
        const TfSeries *loss = seriesOf(events, u"loss"_s);
        QCOMPARE(loss ? loss->history.count() : 0, lossValues);
        QCOMPARE(events.truncated(), truncated);
    }

    void filesMerge() {
        // A second file (a resumed or a test run) continues the first: one history.
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, threeSteps(), run));
        QVERIFY(readBytes(events,
                          tw::fileVersion(kT0 + 100) + tw::scalar(kT0 + 101, 30, u"loss"_s, 1.5f) +
                              tw::scalar(kT0 + 102, 40, u"test_acc"_s, 0.5f),
                          run));
        QCOMPARE(events.files(), 2);
        const TfSeries *loss = seriesOf(events, u"loss"_s);
        QCOMPARE(loss->history.count(), 4);
        QCOMPARE(loss->history.last(), 1.5); // step 30 again: the later file wins the tie
        QCOMPARE(events.lastWallTime(), kT0 + 102);
        QCOMPARE(events.lastStep(), qint64(40));
        QVERIFY(seriesOf(events, u"test_acc"_s));
    }

    void tooManyTags() {
        TfEventsOptions options;
        options.maxTags = 3;
        TfEventsReader events(options);
        QByteArray bytes = tw::fileVersion(kT0);
        for (int i = 0; i < 6; ++i)
            bytes += tw::scalar(kT0, i, u"t%1"_s.arg(i), float(i));
        RunRecord run;
        QVERIFY(readBytes(events, bytes, run));
        QCOMPARE(int(events.series().size()), 3);
        QVERIFY(findIssue(run.issues,
                          u"more than 3 distinct tags: the values of later tags in 3 record(s)"_s));
    }

    void hpMetricPlaceholder() {
        // Lightning's -1 at step 0 is no value; a real hp_metric is.
        const QByteArray bytes = tw::fileVersion(kT0) + tw::scalar(kT0, 0, u"hp_metric"_s, -1) +
                                 tw::scalar(kT0, 0, u"other"_s, -1) +
                                 tw::scalar(kT0 + 9, 90, u"hp_metric"_s, 0.8f);
        TfEventsReader events;
        RunRecord run;
        QVERIFY(readBytes(events, bytes, run));
        QCOMPARE(seriesOf(events, u"hp_metric"_s)->history.count(), 1);
        QCOMPARE(seriesOf(events, u"other"_s)->history.count(), 1);
        TfEventsOptions keep;
        keep.dropHpMetricPlaceholder = false;
        TfEventsReader all(keep);
        QVERIFY(readBytes(all, bytes, run));
        QCOMPARE(seriesOf(all, u"hp_metric"_s)->history.count(), 2);
    }

    void pythonSeeds_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("series"); // tag:count:last, in order
        QTest::addColumn<QString>("issue");  // severity: start of the one issue, or empty
        QTest::newRow("scalars") << u"scalars.tfevents"_s
                                 << u"train/loss:3:0.4000000059604645 val_acc:3:0.75"_s
                                 << QString();
        QTest::newRow("tensors") << u"tensors.tfevents"_s << u"lr:2:0.25 dbl:1:1e-07 count:1:-3"_s
                                 << QString();
        QTest::newRow("hparams") << u"hparams.tfevents"_s << u"val_acc:1:0.800000011920929"_s
                                 << QString();
        QTest::newRow("lightning")
            << u"lightning.tfevents"_s << u"train_loss:1:1.5 epoch:1:0"_s << QString();
        QTest::newRow("truncated")
            << u"truncated.tfevents"_s
            << u"train/loss:3:0.4000000059604645 val_acc:2:0.699999988079071"_s
            << u"warning: the event file ends inside the record at byte 277"_s;
        QTest::newRow("bad data crc")
            << u"bad_data_crc.tfevents"_s
            << u"train/loss:3:0.4000000059604645 val_acc:2:0.699999988079071"_s
            << u"error: the record at byte 277 is damaged"_s;
        QTest::newRow("bad length crc") << u"bad_length_crc.tfevents"_s << QString()
                                        << u"error: the record at byte 40 is damaged"_s;
        QTest::newRow("huge length")
            << u"huge_length.tfevents"_s << QString()
            << u"warning: the event file ends inside the record at byte 40"_s;
        QTest::newRow("malformed event") << u"malformed_event.tfevents"_s << u"x:1:2"_s
                                         << u"warning: 1 record(s) are not valid Event"_s;
        QTest::newRow("empty") << u"empty.tfevents"_s << QString()
                               << u"note: the event file is empty"_s;
        QTest::newRow("garbage") << u"garbage.bin"_s << QString()
                                 << u"error: not a TensorBoard event file"_s;
    }

    void pythonSeeds() {
        // The fuzz seeds, written by a second encoder (make_seeds.py), read as it says.
        QFETCH(QString, file);
        QFETCH(QString, series);
        QFETCH(QString, issue);
        const QString path = QFINDTESTDATA(u"data/tfevents/seeds/"_s + file);
        QVERIFY2(!path.isEmpty(), qPrintable(file));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        TfEventsReader events;
        RunRecord run;
        events.read(f, path, run);
        QStringList got;
        for (const TfSeries &s : events.series())
            got << u"%1:%2:%3"_s.arg(s.tag)
                       .arg(s.history.count())
                       .arg(Value::formatReal(s.history.last()));
        QCOMPARE(got.join(u' '), series);
        if (issue.isEmpty()) {
            QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
        } else {
            QCOMPARE(int(run.issues.size()), 1);
            const QString text =
                Issue::severityName(run.issues[0].severity) + u": "_s + run.issues[0].message;
            QVERIFY2(text.startsWith(issue), qPrintable(text));
        }
        if (file == u"hparams.tfevents") {
            const TfHparams &hp = events.hparams();
            QCOMPARE(hp.status, 1);
            QCOMPARE(int(hp.values.rootNode()->members.size()), 6);
            QCOMPARE(hp.hparamDescriptions.value(u"optimizer/lr"_s), u"learning rate"_s);
        }
        if (file == u"lightning.tfevents") QCOMPARE(events.hparams().status, -1);
    }
};

QTEST_GUILESS_MAIN(TestTfEvents)
#include "tst_tfevents.moc"
