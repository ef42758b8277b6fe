#include "value.h"

#include <charconv>

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

Value Value::null() {
    Value v;
    v.m_type = Type::Null;
    return v;
}

Value Value::boolean(bool b) {
    Value v;
    v.m_type = Type::Bool;
    v.m_int = b ? 1 : 0;
    return v;
}

Value Value::integer(qint64 i, const QString &text) {
    Value v;
    v.m_type = Type::Int;
    v.m_int = i;
    v.m_real = double(i);
    if (!text.isEmpty() && text != QString::number(i)) v.m_text = text;
    return v;
}

Value Value::bigInteger(const QString &text, double approx) {
    Value v;
    v.m_type = Type::Int;
    v.m_big = true;
    v.m_int = approx < 0 ? std::numeric_limits<qint64>::min() : std::numeric_limits<qint64>::max();
    v.m_real = approx;
    v.m_text = text;
    return v;
}

Value Value::real(double d, const QString &text) {
    Value v;
    v.m_type = Type::Real;
    v.m_real = d;
    if (!text.isEmpty() && text != formatReal(d)) v.m_text = text;
    return v;
}

Value Value::string(const QString &s) {
    Value v;
    v.m_type = Type::String;
    v.m_text = s;
    return v;
}

Value Value::list(const QString &json) {
    Value v;
    v.m_type = Type::List;
    v.m_text = json;
    return v;
}

Value Value::object(const QString &json) {
    Value v;
    v.m_type = Type::Object;
    v.m_text = json;
    return v;
}

bool Value::isNaN() const {
    return m_type == Type::Real && std::isnan(m_real);
}

double Value::toDouble() const {
    switch (m_type) {
    case Type::Int:
        return m_big ? m_real : double(m_int);
    case Type::Real:
        return m_real;
    case Type::Bool:
        return double(m_int);
    default:
        return std::nan("");
    }
}

QString Value::formatReal(double d) {
    if (std::isnan(d)) return u"NaN"_s;
    if (std::isinf(d)) return d > 0 ? u"inf"_s : u"-inf"_s;
    // std::to_chars gives the shortest text that reads back exactly, without locale work.
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    return QString::fromLatin1(buf, qsizetype(r.ptr - buf));
}

QString Value::displayText() const {
    switch (m_type) {
    case Type::Missing:
        return {};
    case Type::Null:
        return u"null"_s;
    case Type::Bool:
        return m_int ? u"true"_s : u"false"_s;
    case Type::Int:
        return m_text.isEmpty() ? QString::number(m_int) : m_text;
    case Type::Real:
        return m_text.isEmpty() ? formatReal(m_real) : m_text;
    case Type::String:
    case Type::List:
    case Type::Object:
        return m_text;
    }
    return {};
}

QString Value::exportText() const {
    if (m_type == Type::Real && !std::isfinite(m_real)) return formatReal(m_real);
    return displayText();
}

QString Value::typeName(Type t) {
    switch (t) {
    case Type::Missing:
        return u"missing"_s;
    case Type::Null:
        return u"null"_s;
    case Type::Bool:
        return u"bool"_s;
    case Type::Int:
        return u"int"_s;
    case Type::Real:
        return u"float"_s;
    case Type::String:
        return u"string"_s;
    case Type::List:
        return u"list"_s;
    case Type::Object:
        return u"object"_s;
    }
    return {};
}

QString Value::typeName() const {
    return typeName(m_type);
}

bool operator==(const Value &a, const Value &b) {
    if (a.isNumber() && b.isNumber()) {
        if (a.isNaN() || b.isNaN()) return a.isNaN() && b.isNaN();
        if (a.m_type == Value::Type::Int && b.m_type == Value::Type::Int) {
            if (a.m_big || b.m_big) return a.m_big && b.m_big && a.m_text == b.m_text;
            return a.m_int == b.m_int;
        }
        return a.toDouble() == b.toDouble();
    }
    if (a.m_type != b.m_type) return false;
    switch (a.m_type) {
    case Value::Type::Missing:
    case Value::Type::Null:
        return true;
    case Value::Type::Bool:
        return a.m_int == b.m_int;
    default:
        return a.m_text == b.m_text;
    }
}

namespace {

int rank(const Value &v) {
    switch (v.type()) {
    case Value::Type::Bool:
        return 0;
    case Value::Type::Int:
        return 1;
    case Value::Type::Real:
        return v.isNaN() ? 6 : 1;
    case Value::Type::String:
        return 2;
    case Value::Type::List:
        return 3;
    case Value::Type::Object:
        return 4;
    case Value::Type::Null:
        return 5;
    case Value::Type::Missing:
        return 7;
    }
    return 7;
}

} // namespace

int Value::compare(const Value &a, const Value &b) {
    const int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    switch (ra) {
    case 0:
        return int(a.m_int) - int(b.m_int);
    case 1: {
        if (a.m_type == Type::Int && b.m_type == Type::Int && !a.m_big && !b.m_big)
            return a.m_int < b.m_int ? -1 : (a.m_int > b.m_int ? 1 : 0);
        const double x = a.toDouble(), y = b.toDouble();
        if (x != y) return x < y ? -1 : 1;
        if (a.m_big && b.m_big) {
            // Same nearest double: the exact texts decide (same sign here; longer is larger).
            QString ta = a.m_text, tb = b.m_text;
            const bool negative = ta.startsWith(u'-');
            ta.remove(u'+').remove(u'-');
            tb.remove(u'+').remove(u'-');
            const int c = ta.size() != tb.size() ? (ta.size() < tb.size() ? -1 : 1)
                                                 : QString::compare(ta, tb);
            return negative ? -c : c;
        }
        return 0; // 1 and 1.0 are equal, as operator== says
    }
    case 2:
    case 3:
    case 4:
        return QString::compare(a.m_text, b.m_text);
    default:
        return 0;
    }
}

} // namespace runlens
