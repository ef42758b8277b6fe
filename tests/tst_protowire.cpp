// The building blocks of the binary readers: the protobuf wire walker and the checksums.
#include "readers/checksum.h"
#include "readers/protowire.h"

#include <QTest>

#include "protoencode.h"

#include <vector>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

using protoenc::varint;

QByteArray tag(int field, int wire) {
    return protoenc::key(field, wire);
}

QByteArray lengthDelimited(int field, const QByteArray &bytes) {
    return protoenc::bytesField(field, bytes);
}

QByteArray fixed64(int field, double d) {
    return protoenc::doubleField(field, d);
}

} // namespace

class TestProtoWire : public QObject {
    Q_OBJECT

private slots:
    void checksumsMatchTheStandardCheckValues() {
        // The check values of the CRC catalogue for the ASCII digits 1..9.
        const QByteArray digits = "123456789";
        QCOMPARE(crc32Ieee(digits), 0xcbf43926u);
        QCOMPARE(crc32c(digits), 0xe3069283u);
        // Continuing from a seed equals one pass over the concatenation.
        QCOMPARE(crc32Ieee(digits.mid(4), crc32Ieee(digits.left(4))), 0xcbf43926u);
        QCOMPARE(crc32c(QByteArray()), 0u);
        const quint32 c = 0xe3069283u;
        QCOMPARE(maskedCrc32c(digits), ((c >> 15) | (c << 17)) + 0xa282ead8u);
    }

    void walksEveryWireType() {
        QByteArray msg = tag(1, 0) + varint(150);
        msg += lengthDelimited(2, "héllo"_ba);
        msg += fixed64(3, 2.5);
        msg += tag(4, 5) + QByteArray::fromHex("0000c03f"); // 1.5f
        msg += tag(5, 0) + varint(quint64(-2));              // negative int64: ten bytes
        ProtoReader r(msg);
        QVERIFY(r.next());
        QCOMPARE(r.field(), 1);
        QCOMPARE(r.varint(), 150u);
        QVERIFY(r.bytes().isEmpty()); // wrong wire type reads as empty
        QVERIFY(r.next());
        QCOMPARE(r.string(), QString::fromUtf8("héllo"));
        QVERIFY(r.next());
        QCOMPARE(r.fixedDouble(), 2.5);
        QVERIFY(r.next());
        QCOMPARE(r.fixedFloat(), 1.5f);
        QVERIFY(r.next());
        QCOMPARE(r.int64(), qint64(-2));
        QVERIFY(!r.next());
        QVERIFY(r.ok());
    }

    void packedAndUnpackedRepeatedValues() {
        QByteArray packed;
        for (double d : {1.0, -0.5, 1e300})
            packed += protoenc::doubleBytes(d);
        const QByteArray msg = lengthDelimited(6, packed) + fixed64(6, 7.0) +
                               lengthDelimited(7, varint(3) + varint(300));
        ProtoReader r(msg);
        std::vector<double> doubles;
        std::vector<quint64> ints;
        while (r.next()) {
            if (r.field() == 6) QVERIFY(r.forEachDouble([&](double d) { doubles.push_back(d); }));
            if (r.field() == 7) QVERIFY(r.forEachVarint([&](quint64 v) { ints.push_back(v); }));
        }
        QVERIFY(r.ok());
        QCOMPARE(doubles, (std::vector<double>{1.0, -0.5, 1e300, 7.0}));
        QCOMPARE(ints, (std::vector<quint64>{3, 300}));
        // A packed double field whose length is no multiple of 8 is malformed.
        const QByteArray badBytes = lengthDelimited(6, "12345"_ba); // outlives the reader
        ProtoReader bad(badBytes);
        QVERIFY(bad.next());
        QVERIFY(!bad.forEachDouble([](double) {}));
    }

    void malformedInputStopsWithoutReadingPastTheEnd_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("truncated varint") << QByteArray("\x08\x96", 2);
        QTest::newRow("length past the end") << (tag(2, 2) + varint(100) + "abc"_ba);
        QTest::newRow("huge length") << (tag(2, 2) + varint(~0ull));
        QTest::newRow("truncated fixed64") << (tag(3, 1) + "1234"_ba);
        QTest::newRow("truncated fixed32") << (tag(3, 5) + "12"_ba);
        QTest::newRow("group wire type") << tag(1, 3);
        QTest::newRow("wire type 7") << tag(1, 7);
        QTest::newRow("field zero") << (tag(0, 0) + varint(1));
        QTest::newRow("eleven-byte varint") << (tag(1, 0) + QByteArray(10, '\xff') + "\x01"_ba);
    }
    void malformedInputStopsWithoutReadingPastTheEnd() {
        QFETCH(QByteArray, bytes);
        ProtoReader r(bytes);
        int fields = 0;
        while (r.next())
            ++fields;
        QVERIFY(!r.ok());
        QVERIFY(fields <= 1);
        QVERIFY(!r.next()); // stays stopped
    }
};

QTEST_GUILESS_MAIN(TestProtoWire)
#include "tst_protowire.moc"
