#include "scalars.h"

#include <QString>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace runlens {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool equalsAny(std::string_view t, std::initializer_list<std::string_view> options) {
    for (std::string_view o : options)
        if (t == o) return true;
    return false;
}

std::optional<double> nonFinite(std::string_view t) {
    std::string_view body = t;
    double sign = 1.0;
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
        sign = body[0] == '-' ? -1.0 : 1.0;
        body.remove_prefix(1);
    }
    if (equalsAny(body, {"nan", "NaN", "NAN", ".nan", ".NaN", ".NAN"}))
        return std::numeric_limits<double>::quiet_NaN();
    if (equalsAny(body, {"inf", "Inf", "INF", "Infinity", "infinity", "INFINITY", ".inf", ".Inf",
                         ".INF"}))
        return sign * std::numeric_limits<double>::infinity();
    return std::nullopt;
}

} // namespace

Value parseNumber(std::string_view t) {
    if (t.empty()) return {};
    const auto text = [t] { return QString::fromLatin1(t.data(), qsizetype(t.size())); };
    if (const auto nf = nonFinite(t)) return Value::real(*nf, text());

    // [-+]? digits [. digits?]? ([eE][-+]?digits)?  or  [-+]? . digits ...
    std::size_t i = 0;
    if (t[i] == '-' || t[i] == '+') ++i;
    const std::size_t intStart = i;
    while (i < t.size() && isDigit(t[i]))
        ++i;
    const std::size_t intDigits = i - intStart;
    bool isReal = false;
    std::size_t fracDigits = 0;
    if (i < t.size() && t[i] == '.') {
        isReal = true;
        ++i;
        const std::size_t f = i;
        while (i < t.size() && isDigit(t[i]))
            ++i;
        fracDigits = i - f;
    }
    if (intDigits == 0 && fracDigits == 0) return {};
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        isReal = true;
        ++i;
        if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
        const std::size_t e = i;
        while (i < t.size() && isDigit(t[i]))
            ++i;
        if (i == e) return {};
    }
    if (i != t.size()) return {};

    if (!isReal) {
        std::string_view digits = t;
        if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
        qint64 v = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
            // Keep the spelling only where it is not the plain decimal form (`+5`, `007`, `-0`).
            const bool plain =
                t[0] != '+' && !(digits.size() > 1 && digits[digits[0] == '-' ? 1 : 0] == '0');
            return Value::integer(v, plain ? QString() : text());
        }
        const std::string copy(t);
        return Value::bigInteger(text(), std::strtod(copy.c_str(), nullptr));
    }
    const std::string copy(t); // strtod needs a terminator; from_chars rejects a leading '+'
    char *end = nullptr;
    const double d = std::strtod(copy.c_str(), &end);
    return Value::real(d, text());
}

Value resolvePlainScalar(std::string_view t) {
    if (t.empty()) return Value::null();
    const char c = t[0];
    // The word forms start with one of these letters; most scalars are numbers or other words.
    if (t.size() <= 5 && std::strchr("~nNtTyYoOfF", c)) {
        if (equalsAny(t, {"~", "null", "Null", "NULL"})) return Value::null();
        if (equalsAny(t, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}))
            return Value::boolean(true);
        if (equalsAny(t, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}))
            return Value::boolean(false);
    }
    if (isDigit(c) || c == '-' || c == '+' || c == '.') {
        if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o')) {
            qint64 v = 0;
            const int base = t[1] == 'x' ? 16 : 8;
            const auto r = std::from_chars(t.data() + 2, t.data() + t.size(), v, base);
            if (r.ec == std::errc() && r.ptr == t.data() + t.size())
                return Value::integer(v, QString::fromUtf8(t.data(), qsizetype(t.size())));
        }
        std::string_view body = t;
        if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
        // YAML spells non-finite floats only as .nan / .inf; a bare "nan" or "inf" stays a string.
        if (!body.empty() && body[0] == '.' && body.size() > 1 && !isDigit(body[1])) {
            const bool nanForm =
                equalsAny(body, {".nan", ".NaN", ".NAN"}) && body.size() == t.size();
            if (nanForm || equalsAny(body, {".inf", ".Inf", ".INF"}))
                return Value::real(*nonFinite(t), QString::fromUtf8(t.data(), qsizetype(t.size())));
        } else if (!nonFinite(t)) {
            const Value n = parseNumber(t);
            if (!n.isMissing()) return n;
        }
    }
    return Value::string(QString::fromUtf8(t.data(), qsizetype(t.size())));
}

} // namespace runlens
