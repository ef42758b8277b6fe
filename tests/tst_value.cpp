// Value, Key and the scalar typing rules (resolvePlainScalar, parseNumber).
#include "readers/scalars.h"
#include "run/key.h"
#include "run/value.h"

#include <QTest>

#include "testutil.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::typed;

Q_DECLARE_METATYPE(runlens::Value)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const QString kBig = u"123456789012345678901234567890"_s;

int sign(int x) {
    return (x > 0) - (x < 0);
}

} // namespace

class TestValue : public QObject {
    Q_OBJECT

private slots:
    void construction_data();
    void construction();
    void missingByDefault();
    void exportText_data();
    void exportText();
    void equality_data();
    void equality();
    void compareOrder();
    void compareNumericTies();
    void resolvePlainScalar_data();
    void resolvePlainScalar();
    void parseNumber_data();
    void parseNumber();
    void keyDisplay_data();
    void keyDisplay();
    void keyDottedSegmentIsNotAPath();
    void familyNames();
};

void TestValue::construction_data() {
    QTest::addColumn<Value>("value");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("display");
    QTest::addColumn<double>("number"); // NaN for non-numbers

    QTest::newRow("null") << Value::null() << u"null"_s << u"null"_s << kNaN;
    QTest::newRow("true") << Value::boolean(true) << u"bool"_s << u"true"_s << 1.0;
    QTest::newRow("false") << Value::boolean(false) << u"bool"_s << u"false"_s << 0.0;
    QTest::newRow("int") << Value::integer(42) << u"int"_s << u"42"_s << 42.0;
    QTest::newRow("int negative") << Value::integer(-7) << u"int"_s << u"-7"_s << -7.0;
    QTest::newRow("int hex spelling")
        << Value::integer(31, u"0x1f"_s) << u"int"_s << u"0x1f"_s << 31.0;
    QTest::newRow("int plus spelling") << Value::integer(5, u"+5"_s) << u"int"_s << u"+5"_s << 5.0;
    QTest::newRow("int canonical text dropped")
        << Value::integer(5, u"5"_s) << u"int"_s << u"5"_s << 5.0;
    QTest::newRow("big int") << Value::bigInteger(kBig, 1.2345678901234568e29) << u"int"_s << kBig
                             << 1.2345678901234568e29;
    QTest::newRow("real") << Value::real(0.25) << u"float"_s << u"0.25"_s << 0.25;
    QTest::newRow("real 3.0e-06") << Value::real(3e-06, u"3.0e-06"_s) << u"float"_s << u"3.0e-06"_s
                                  << 3e-06;
    QTest::newRow("real 1e-05") << Value::real(1e-05, u"1e-05"_s) << u"float"_s << u"1e-05"_s
                                << 1e-05;
    QTest::newRow("real 1e-05 no text") << Value::real(1e-05) << u"float"_s << u"1e-05"_s << 1e-05;
    QTest::newRow("real 1.10") << Value::real(1.1, u"1.10"_s) << u"float"_s << u"1.10"_s << 1.1;
    QTest::newRow("real -0.5") << Value::real(-0.5) << u"float"_s << u"-0.5"_s << -0.5;
    QTest::newRow("real big exponent") << Value::real(1e20) << u"float"_s << u"1e+20"_s << 1e20;
    QTest::newRow("NaN") << Value::real(kNaN) << u"float"_s << u"NaN"_s << kNaN;
    QTest::newRow("Infinity as written")
        << Value::real(kInf, u"Infinity"_s) << u"float"_s << u"Infinity"_s << kInf;
    QTest::newRow("-inf") << Value::real(-kInf) << u"float"_s << u"-inf"_s << -kInf;
    QTest::newRow("string") << Value::string(u"Résumé-λ"_s) << u"string"_s << u"Résumé-λ"_s << kNaN;
    QTest::newRow("string that looks numeric")
        << Value::string(u"1.10"_s) << u"string"_s << u"1.10"_s << kNaN;
    QTest::newRow("list") << Value::list(u"[0.9, 0.999]"_s) << u"list"_s << u"[0.9, 0.999]"_s
                          << kNaN;
    QTest::newRow("object") << Value::object(u"{}"_s) << u"object"_s << u"{}"_s << kNaN;
}

void TestValue::construction() {
    QFETCH(Value, value);
    QFETCH(QString, type);
    QFETCH(QString, display);
    QFETCH(double, number);

    QCOMPARE(value.typeName(), type);
    QCOMPARE(value.displayText(), display);
    QVERIFY(!value.isMissing());
    QCOMPARE(value.isNumber(), type == u"int" || type == u"float");
    if (std::isnan(number))
        QVERIFY2(std::isnan(value.toDouble()), qPrintable(QString::number(value.toDouble())));
    else
        QCOMPARE(value.toDouble(), number);
    QCOMPARE(value.isBigInteger(), display == kBig);
}

void TestValue::missingByDefault() {
    const Value v;
    QVERIFY(v.isMissing());
    QCOMPARE(v.type(), Value::Type::Missing);
    QCOMPARE(v.displayText(), QString());
    QCOMPARE(Value::missing().type(), Value::Type::Missing);
    QVERIFY(std::isnan(v.toDouble()));
    QCOMPARE(Value::integer(std::numeric_limits<qint64>::min()).toInt(),
             std::numeric_limits<qint64>::min());
}

void TestValue::exportText_data() {
    QTest::addColumn<Value>("value");
    QTest::addColumn<QString>("expected");

    QTest::newRow("NaN") << Value::real(kNaN) << u"NaN"_s;
    QTest::newRow("NaN spelled nan") << Value::real(kNaN, u".nan"_s) << u"NaN"_s;
    QTest::newRow("inf") << Value::real(kInf) << u"inf"_s;
    QTest::newRow("Infinity spelling normalised") << Value::real(kInf, u"Infinity"_s) << u"inf"_s;
    QTest::newRow("-inf") << Value::real(-kInf, u"-Infinity"_s) << u"-inf"_s;
    QTest::newRow("finite keeps spelling") << Value::real(3e-06, u"3.0e-06"_s) << u"3.0e-06"_s;
    QTest::newRow("-0.5") << Value::real(-0.5) << u"-0.5"_s;
    QTest::newRow("big int") << Value::bigInteger(kBig, 1.2e29) << kBig;
    QTest::newRow("string") << Value::string(u"inf"_s) << u"inf"_s;
    QTest::newRow("bool") << Value::boolean(true) << u"true"_s;
}

void TestValue::exportText() {
    QFETCH(Value, value);
    QFETCH(QString, expected);
    QCOMPARE(value.exportText(), expected);
}

void TestValue::equality_data() {
    QTest::addColumn<Value>("a");
    QTest::addColumn<Value>("b");
    QTest::addColumn<bool>("equal");

    QTest::newRow("NaN == NaN") << Value::real(kNaN) << Value::real(kNaN, u"NaN"_s) << true;
    QTest::newRow("NaN != 0") << Value::real(kNaN) << Value::real(0.0) << false;
    QTest::newRow("NaN != null") << Value::real(kNaN) << Value::null() << false;
    QTest::newRow("int 1 == real 1.0") << Value::integer(1) << Value::real(1.0, u"1.0"_s) << true;
    QTest::newRow("int 1 != real 1.5") << Value::integer(1) << Value::real(1.5) << false;
    QTest::newRow("same number, other spelling")
        << Value::real(0.1, u"0.10"_s) << Value::real(0.1) << true;
    QTest::newRow("inf == Infinity")
        << Value::real(kInf) << Value::real(kInf, u"Infinity"_s) << true;
    QTest::newRow("inf != -inf") << Value::real(kInf) << Value::real(-kInf) << false;
    QTest::newRow("big ints by text") << Value::bigInteger(kBig, 1.2345678901234568e29)
                                      << Value::bigInteger(kBig, 1.2345678901234568e29) << true;
    QTest::newRow("big ints differ in last digit")
        << Value::bigInteger(kBig, 1.2345678901234568e29)
        << Value::bigInteger(u"123456789012345678901234567891"_s, 1.2345678901234568e29) << false;
    QTest::newRow("big int != int64 max")
        << Value::bigInteger(u"9223372036854775808"_s, 9.223372036854775808e18)
        << Value::integer(std::numeric_limits<qint64>::max()) << false;
    QTest::newRow("int64 max") << Value::integer(std::numeric_limits<qint64>::max())
                               << Value::integer(std::numeric_limits<qint64>::max()) << true;
    QTest::newRow("string 1 != int 1") << Value::string(u"1"_s) << Value::integer(1) << false;
    QTest::newRow("bool true != int 1") << Value::boolean(true) << Value::integer(1) << false;
    QTest::newRow("bool") << Value::boolean(false) << Value::boolean(false) << true;
    QTest::newRow("strings") << Value::string(u"adam"_s) << Value::string(u"adam"_s) << true;
    QTest::newRow("strings differ")
        << Value::string(u"adam"_s) << Value::string(u"Adam"_s) << false;
    QTest::newRow("list") << Value::list(u"[0.9, 0.999]"_s) << Value::list(u"[0.9, 0.999]"_s)
                          << true;
    QTest::newRow("list != object") << Value::list(u"[]"_s) << Value::object(u"[]"_s) << false;
    QTest::newRow("list != string") << Value::list(u"[1]"_s) << Value::string(u"[1]"_s) << false;
    QTest::newRow("null == null") << Value::null() << Value::null() << true;
    QTest::newRow("missing == missing") << Value() << Value::missing() << true;
    QTest::newRow("missing != null") << Value() << Value::null() << false;
    QTest::newRow("empty string != missing") << Value::string(QString()) << Value() << false;
}

void TestValue::equality() {
    QFETCH(Value, a);
    QFETCH(Value, b);
    QFETCH(bool, equal);
    QCOMPARE(a == b, equal);
    QCOMPARE(b == a, equal);
    QCOMPARE(a != b, !equal);
}

void TestValue::compareOrder() {
    // Strictly ascending: bools, numbers numerically, strings, lists, objects, null, NaN, missing.
    const std::vector<Value> ordered = {
        Value::boolean(false),
        Value::boolean(true),
        Value::real(-kInf),
        Value::bigInteger(u"-123456789012345678901234567890"_s, -1.2345678901234568e29),
        Value::integer(std::numeric_limits<qint64>::min()),
        Value::integer(-2),
        Value::real(-0.5),
        Value::integer(0),
        Value::real(3e-06, u"3.0e-06"_s),
        Value::real(0.5),
        Value::integer(2),
        Value::real(10.0), // numerically, not as text ("10" < "2")
        Value::integer(std::numeric_limits<qint64>::max()),
        Value::bigInteger(kBig, 1.2345678901234568e29),
        Value::real(kInf),
        Value::string(QString()),
        Value::string(u"a"_s),
        Value::string(u"b"_s),
        Value::list(u"[1]"_s),
        Value::list(u"[2]"_s),
        Value::object(u"{\"a\": 1}"_s),
        Value::null(),
        Value::real(kNaN),
        Value::missing(),
    };
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        for (std::size_t j = 0; j < ordered.size(); ++j) {
            const int expected = sign(int(i) - int(j));
            const int got = sign(Value::compare(ordered[i], ordered[j]));
            if (got != expected)
                QFAIL(qPrintable(
                    u"compare(%1, %2) = %3, expected %4"_s.arg(typed(ordered[i]), typed(ordered[j]))
                        .arg(got)
                        .arg(expected)));
        }
    }
}

void TestValue::compareNumericTies() {
    QCOMPARE(Value::compare(Value::integer(1), Value::real(1.0)), 0);
    QCOMPARE(Value::compare(Value::real(kNaN), Value::real(kNaN, u"nan"_s)), 0);
    QCOMPARE(Value::compare(Value::null(), Value::null()), 0);
    QCOMPARE(Value::compare(Value(), Value()), 0);
    QCOMPARE(Value::compare(Value::bigInteger(kBig, 1.2e29), Value::bigInteger(kBig, 1.2e29)), 0);
    QCOMPARE(sign(Value::compare(Value::integer(-1), Value::boolean(true))), 1);
}

void TestValue::resolvePlainScalar_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // type:display

    for (const char *n : {"", "~", "null", "Null", "NULL"})
        QTest::newRow(qPrintable(u"null form '%1'"_s.arg(QLatin1StringView(n))))
            << QString::fromLatin1(n) << u"null:null"_s;
    for (const char *t : {"true", "True", "TRUE", "yes", "Yes", "on"})
        QTest::newRow(t) << QString::fromLatin1(t) << u"bool:true"_s;
    for (const char *f : {"false", "False", "no", "NO", "off"})
        QTest::newRow(f) << QString::fromLatin1(f) << u"bool:false"_s;
    QTest::newRow("int") << u"42"_s << u"int:42"_s;
    QTest::newRow("negative int") << u"-7"_s << u"int:-7"_s;
    QTest::newRow("plus int") << u"+5"_s << u"int:+5"_s;
    QTest::newRow("hex") << u"0x1f"_s << u"int:0x1f"_s;
    QTest::newRow("octal") << u"0o17"_s << u"int:0o17"_s;
    QTest::newRow("big int") << kBig << u"int:"_s + kBig;
    QTest::newRow("float 1e-05") << u"1e-05"_s << u"float:1e-05"_s;
    QTest::newRow("float 3.0e-06") << u"3.0e-06"_s << u"float:3.0e-06"_s;
    QTest::newRow("float 1.10 keeps text") << u"1.10"_s << u"float:1.10"_s;
    QTest::newRow("float .5") << u".5"_s << u"float:.5"_s;
    QTest::newRow(".nan") << u".nan"_s << u"float:.nan"_s;
    QTest::newRow(".NaN") << u".NaN"_s << u"float:.NaN"_s;
    QTest::newRow(".inf") << u".inf"_s << u"float:.inf"_s;
    QTest::newRow("+.inf") << u"+.inf"_s << u"float:+.inf"_s;
    QTest::newRow("-.inf") << u"-.inf"_s << u"float:-.inf"_s;
    QTest::newRow("-.nan is no YAML float") << u"-.nan"_s << u"string:-.nan"_s;
    QTest::newRow("bare nan stays string") << u"nan"_s << u"string:nan"_s;
    QTest::newRow("bare inf stays string") << u"inf"_s << u"string:inf"_s;
    QTest::newRow("bare -inf stays string") << u"-inf"_s << u"string:-inf"_s;
    QTest::newRow("NaN stays string") << u"NaN"_s << u"string:NaN"_s;
    QTest::newRow("Infinity stays string") << u"Infinity"_s << u"string:Infinity"_s;
    QTest::newRow("word") << u"adam"_s << u"string:adam"_s;
    QTest::newRow("minus alone") << u"-"_s << u"string:-"_s;
    QTest::newRow("dot alone") << u"."_s << u"string:."_s;
    QTest::newRow("version-like") << u"1.2.3"_s << u"string:1.2.3"_s;
    QTest::newRow("date") << u"2024-01-05"_s << u"string:2024-01-05"_s;
    QTest::newRow("number then letters") << u"12abc"_s << u"string:12abc"_s;
    QTest::newRow("exponent without digits") << u"1e"_s << u"string:1e"_s;
}

void TestValue::resolvePlainScalar() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QByteArray utf8 = text.toUtf8();
    QCOMPARE(typed(runlens::resolvePlainScalar(
                 std::string_view(utf8.constData(), std::size_t(utf8.size())))),
             expected);
}

void TestValue::parseNumber_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // type:display, or "missing:"
    QTest::addColumn<double>("number");

    QTest::newRow("NaN") << u"NaN"_s << u"float:NaN"_s << kNaN;
    QTest::newRow("Infinity") << u"Infinity"_s << u"float:Infinity"_s << kInf;
    QTest::newRow("-Infinity") << u"-Infinity"_s << u"float:-Infinity"_s << -kInf;
    QTest::newRow(".inf") << u".inf"_s << u"float:.inf"_s << kInf;
    QTest::newRow("30-digit integer") << kBig << u"int:"_s + kBig << 1.2345678901234568e29;
    QTest::newRow("negative big integer")
        << u"-"_s + kBig << u"int:-"_s + kBig << -1.2345678901234568e29;
    QTest::newRow("int64 max") << u"9223372036854775807"_s << u"int:9223372036854775807"_s
                               << 9.223372036854775807e18;
    QTest::newRow("int64 max + 1")
        << u"9223372036854775808"_s << u"int:9223372036854775808"_s << 9.223372036854775808e18;
    QTest::newRow("int64 min") << u"-9223372036854775808"_s << u"int:-9223372036854775808"_s
                               << -9.223372036854775808e18;
    QTest::newRow("-0.5") << u"-0.5"_s << u"float:-0.5"_s << -0.5;
    QTest::newRow("zero") << u"0"_s << u"int:0"_s << 0.0;
    QTest::newRow("exponent form")
        << u"1.704450934623456e+09"_s << u"float:1.704450934623456e+09"_s << 1704450934.623456;
    QTest::newRow("trailing dot") << u"1."_s << u"float:1."_s << 1.0;
    QTest::newRow("empty") << QString() << u"missing:"_s << kNaN;
    QTest::newRow("word") << u"abc"_s << u"missing:"_s << kNaN;
    QTest::newRow("exponent without digits") << u"1e"_s << u"missing:"_s << kNaN;
    QTest::newRow("two dots") << u"1.2.3"_s << u"missing:"_s << kNaN;
    QTest::newRow("space inside") << u"1 2"_s << u"missing:"_s << kNaN;
}

void TestValue::parseNumber() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QFETCH(double, number);
    const QByteArray utf8 = text.toUtf8();
    const Value v =
        runlens::parseNumber(std::string_view(utf8.constData(), std::size_t(utf8.size())));
    QCOMPARE(typed(v), expected);
    if (std::isnan(number))
        QVERIFY(std::isnan(v.toDouble()));
    else
        QCOMPARE(v.toDouble(), number);
}

void TestValue::keyDisplay_data() {
    QTest::addColumn<QStringList>("segments");
    QTest::addColumn<QString>("display");

    QTest::newRow("nested") << QStringList{u"optimizer"_s, u"lr"_s} << u"optimizer.lr"_s;
    QTest::newRow("one segment") << QStringList{u"seed"_s} << u"seed"_s;
    QTest::newRow("dotted segment") << QStringList{u"a.b"_s} << uR"(["a.b"])"_s;
    QTest::newRow("dotted segment inside")
        << QStringList{u"x"_s, u"a.b"_s, u"y"_s} << uR"(x["a.b"].y)"_s;
    QTest::newRow("two dotted segments")
        << QStringList{u"a.b"_s, u"c.d"_s} << uR"(["a.b"]["c.d"])"_s;
    QTest::newRow("slash is not a separator")
        << QStringList{u"train/batch_size"_s} << u"train/batch_size"_s;
    QTest::newRow("empty segment") << QStringList{u"a"_s, QString()} << uR"(a[""])"_s;
    QTest::newRow("quote and backslash")
        << QStringList{u"say \"hi\\\".x"_s} << uR"(["say \"hi\\\".x"])"_s;
    QTest::newRow("leading bracket") << QStringList{u"[0]"_s} << uR"(["[0]"])"_s;
    QTest::newRow("unicode") << QStringList{u"Résumé"_s, u"λ"_s} << u"Résumé.λ"_s;
}

void TestValue::keyDisplay() {
    QFETCH(QStringList, segments);
    QFETCH(QString, display);
    const Key k(segments);
    QCOMPARE(k.display(), display);
    QCOMPARE(Key::fromDisplay(display).segments(), segments);
    QCOMPARE(Key::fromDisplay(k.display()), k);
    QCOMPARE(qHash(Key::fromDisplay(display)), qHash(k));
}

void TestValue::keyDottedSegmentIsNotAPath() {
    const Key dotted({u"a.b"_s});
    const Key nested({u"a"_s, u"b"_s});
    QVERIFY(dotted != nested);
    QVERIFY(dotted.display() != nested.display());
    QCOMPARE(Key::fromDisplay(u"a.b"_s), nested);
    QCOMPARE(Key({u"a"_s}).child(u"b"_s), nested);
    // A segment that holds `["` must not read back as two segments.
    const Key tricky({u"x[\"y"_s});
    QCOMPARE(Key::fromDisplay(tricky.display()), tricky);
    QVERIFY(Key().isEmpty());
    QCOMPARE(Key().display(), QString());
}

void TestValue::familyNames() {
    for (Family f : {Family::Config, Family::Metric, Family::Meta})
        QCOMPARE(familyFromName(familyName(f)), std::optional<Family>(f));
    QCOMPARE(familyFromName(u"summary"), std::optional<Family>(Family::Metric));
    QCOMPARE(familyFromName(u"bogus"), std::optional<Family>());
}

QTEST_GUILESS_MAIN(TestValue)
#include "tst_value.moc"
