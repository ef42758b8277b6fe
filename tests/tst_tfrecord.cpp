// TFRecord framing as TensorBoard's event files use it (FORMATS.md 7.1): records, the end of
// the data, records cut short, both checksums, records over the size cap, from a file and from a
// device that trickles and cannot seek. Records are framed by tfeventwriter.h.
#include "readers/tfrecord.h"

#include <QBuffer>
#include <QTest>

#include "tfeventwriter.h"

#include <cstring>

using namespace runlens;
using namespace Qt::StringLiterals;
namespace tw = tfwriter;

namespace {

/// A device that hands out at most three bytes per read and cannot seek: a pipe, or a file
/// read while it is written.
class TrickleDevice : public QIODevice {
public:
    explicit TrickleDevice(QByteArray bytes)
        : m_bytes(std::move(bytes)) {
        open(QIODevice::ReadOnly);
    }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 max) override {
        const qint64 n = std::min<qint64>({max, 3, m_bytes.size() - m_at});
        std::memcpy(data, m_bytes.constData() + m_at, std::size_t(n));
        m_at += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_bytes;
    qint64 m_at = 0;
};

/// Statuses of every next() until the reader stops, and the offsets they came with.
QString walk(TfRecordReader &r) {
    QStringList out;
    for (int i = 0; i < 100; ++i) {
        const auto s = r.next();
        static const char *names[] = {"record",  "end",     "truncated", "badlength",
                                      "baddata", "skipped", "readerror"};
        out << u"%1@%2"_s.arg(QLatin1String(names[int(s)])).arg(r.offset());
        if (s != TfRecordReader::Status::Record && s != TfRecordReader::Status::Skipped) break;
    }
    return out.join(u' ');
}

} // namespace

class TestTfRecord : public QObject {
    Q_OBJECT

private slots:
    void framing_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qint64>("maxRecord");
        QTest::addColumn<QString>("statuses");
        const QByteArray a = tw::record("abc");               // 19 bytes
        const QByteArray b = tw::record(QByteArray(40, 'x')); // 56 bytes
        QTest::newRow("empty") << QByteArray() << qint64(100) << u"end@0"_s;
        QTest::newRow("two records") << a + b << qint64(100) << u"record@0 record@19 end@75"_s;
        QTest::newRow("cut in a header")
            << a + b.left(5) << qint64(100) << u"record@0 truncated@19"_s;
        QTest::newRow("cut in the data")
            << a + b.left(30) << qint64(100) << u"record@0 truncated@19"_s;
        QTest::newRow("cut before the data checksum")
            << a + b.chopped(1) << qint64(100) << u"record@0 truncated@19"_s;
        QByteArray badLength = a + b;
        badLength[19 + 8] = char(badLength[19 + 8] ^ 1);
        QTest::newRow("bad length checksum")
            << badLength << qint64(100) << u"record@0 badlength@19"_s;
        QByteArray badData = a + b + a;
        badData[19 + 12 + 7] = 'y';
        QTest::newRow("bad data checksum") << badData << qint64(100) << u"record@0 baddata@19"_s;
        // Longer than the cap: checked in pieces and skipped; damaged, it still stops.
        QTest::newRow("over the cap")
            << a + b + a << qint64(20) << u"record@0 skipped@19 record@75 end@94"_s;
        QTest::newRow("over the cap, damaged") << badData << qint64(20) << u"record@0 baddata@19"_s;
        QTest::newRow("over the cap, cut")
            << a + b.left(40) << qint64(20) << u"record@0 truncated@19"_s;
        // A sound header claiming a terabyte: nothing is allocated or read for it.
        const QByteArray length = tw::le(quint64(1) << 40, 8);
        QTest::newRow("terabyte length")
            << a + length + tw::le(maskedCrc32c(length), 4) + QByteArray(20, '\0') << qint64(100)
            << u"record@0 truncated@19"_s;
        QTest::newRow("garbage") << QByteArray("this is not a TFRecord file at all") << qint64(100)
                                 << u"badlength@0"_s;
        QTest::newRow("shorter than a header")
            << QByteArray("abc") << qint64(100) << u"truncated@0"_s;
    }

    void framing() {
        QFETCH(QByteArray, bytes);
        QFETCH(qint64, maxRecord);
        QFETCH(QString, statuses);
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        TfRecordReader file(buffer, maxRecord);
        QCOMPARE(walk(file), statuses);
        // The same through a device that trickles and cannot tell its size.
        TrickleDevice pipe(bytes);
        TfRecordReader stream(pipe, maxRecord);
        QCOMPARE(walk(stream), statuses);
    }

    void recordContent() {
        QByteArray bytes = tw::record("hello") + tw::record(QByteArray());
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        TfRecordReader r(buffer, 1000);
        QCOMPARE(r.next(), TfRecordReader::Status::Record);
        QCOMPARE(r.record().toByteArray(), QByteArray("hello"));
        QCOMPARE(r.next(), TfRecordReader::Status::Record);
        QCOMPARE(r.record().size(), 0);
        QCOMPARE(r.next(), TfRecordReader::Status::End);
        QCOMPARE(r.next(), TfRecordReader::Status::End); // stays at the end
        QCOMPARE(r.records(), qint64(2));
    }
};

QTEST_GUILESS_MAIN(TestTfRecord)
#include "tst_tfrecord.moc"
