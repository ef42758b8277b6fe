// Literal values of the query language: reading them, their canonical text (which is also how
// list and object cells are compared), and queryLiteral().
#include "queryinternal.h"

#include "run/flatten.h"

#include <cmath>

namespace runlens::query {

using namespace Qt::StringLiterals;

namespace {

/// The value of a Number token: an int (a big one beyond 64 bits), else a real.
Value numberValue(const QString &text) {
    const QString lower = text.toLower();
    if (lower.endsWith(u"inf"_s) || lower.endsWith(u"infinity"_s))
        return Value::real(lower.startsWith(u'-') ? -INFINITY : INFINITY);
    if (lower.endsWith(u"nan"_s)) return Value::real(std::nan(""));
    if (!lower.contains(u'.') && !lower.contains(u'e')) {
        bool ok = false;
        const qint64 i = text.toLongLong(&ok);
        if (ok) return Value::integer(i, text);
        QString digits = text;
        if (digits.startsWith(u'+')) digits.remove(0, 1);
        return Value::bigInteger(digits, digits.toDouble());
    }
    return Value::real(text.toDouble(), text);
}

/// Canonical text of a number: integers and integral reals (within 2^53) as integers, so 1
/// and 1.0 read the same, as they compare.
QString canonicalNumber(const Value &v) {
    if (v.isBigInteger()) {
        QString t = v.rawText();
        if (t.startsWith(u'+')) t.remove(0, 1);
        return t;
    }
    if (v.type() == Value::Type::Int) return QString::number(v.toInt());
    const double d = v.toDouble();
    if (std::isnan(d)) return u"NaN"_s;
    if (std::isinf(d)) return d > 0 ? u"Infinity"_s : u"-Infinity"_s;
    if (d == std::floor(d) && std::fabs(d) < 9007199254740992.0) return QString::number(qint64(d));
    return Value::formatReal(d);
}

QString canonical(const Literal &lit) {
    switch (lit.kind) {
    case Literal::Kind::Null:
        return u"null"_s;
    case Literal::Kind::Bool:
        return lit.value.toBool() ? u"true"_s : u"false"_s;
    case Literal::Kind::Number:
        return canonicalNumber(lit.value);
    case Literal::Kind::String:
        return jsonQuote(lit.text);
    case Literal::Kind::List:
    case Literal::Kind::Object:
        return lit.text;
    }
    return {};
}

bool fail(QueryError *error, const Token &t, const QString &message,
          const QStringList &expected = {}, const QString &suggestion = {}) {
    return setError(error, t.pos, t.len, message, expected, suggestion);
}

/// Reads the items of a list or object after its opening bracket, up to the closing one.
bool parseItems(const std::vector<Token> &tokens, std::size_t &i, const QString &source,
                QueryError *error, Literal &lit) {
    const bool object = lit.kind == Literal::Kind::Object;
    const Token::Kind close = object ? Token::Kind::RBrace : Token::Kind::RBracket;
    const QString closeText = object ? u"}"_s : u"]"_s;
    QStringList parts;
    while (tokens[i].kind != close) {
        QString key;
        if (object) {
            if (tokens[i].kind != Token::Kind::String)
                return fail(error, tokens[i],
                            u"expected a quoted member name, found %1"_s.arg(found(tokens[i])),
                            {u"a string"_s, closeText});
            key = jsonQuote(tokens[i++].text) + u':';
            if (tokens[i].kind != Token::Kind::Colon)
                return fail(error, tokens[i], u"expected ':' after a member name"_s, {u":"_s});
            ++i;
        }
        const auto item = parseLiteral(tokens, i, source, error);
        if (!item) return false;
        parts << key + canonical(*item);
        if (!object) lit.items.push_back(*item);
        if (tokens[i].kind == Token::Kind::Comma) {
            ++i;
        } else if (tokens[i].kind != close) {
            return fail(error, tokens[i],
                        u"expected ',' or '%1' in a %2, found %3"_s.arg(
                            closeText, object ? u"dict"_s : u"list"_s, found(tokens[i])),
                        {u","_s, closeText});
        }
    }
    ++i;
    lit.text = (object ? u"{"_s : u"["_s) + parts.join(u',') + closeText;
    return true;
}

} // namespace

QString kindName(Literal::Kind kind) {
    switch (kind) {
    case Literal::Kind::Null:
        return u"null"_s;
    case Literal::Kind::Bool:
        return u"a boolean"_s;
    case Literal::Kind::Number:
        return u"a number"_s;
    case Literal::Kind::String:
        return u"a string"_s;
    case Literal::Kind::List:
        return u"a list"_s;
    case Literal::Kind::Object:
        return u"a dict"_s;
    }
    return {};
}

std::optional<Literal> parseLiteral(const std::vector<Token> &tokens, std::size_t &i,
                                    const QString &source, QueryError *error) {
    const Token &t = tokens[i];
    Literal lit;
    lit.pos = t.pos;
    switch (t.kind) {
    case Token::Kind::Number:
        lit.kind = Literal::Kind::Number;
        lit.value = numberValue(t.text);
        ++i;
        break;
    case Token::Kind::String:
        lit.kind = Literal::Kind::String;
        lit.text = t.text;
        ++i;
        break;
    case Token::Kind::Word: {
        const QString w = t.text.toLower();
        if (w == u"true" || w == u"false") {
            lit.kind = Literal::Kind::Bool;
            lit.value = Value::boolean(w == u"true");
        } else if (w == u"null") {
            lit.kind = Literal::Kind::Null;
            lit.value = Value::null();
        } else if (w == u"nan" || w == u"inf" || w == u"infinity") {
            lit.kind = Literal::Kind::Number;
            lit.value = numberValue(w);
        } else {
            fail(error, t,
                 u"expected a value, found %1: strings are quoted, %2"_s.arg(found(t),
                                                                             jsonQuote(t.text)),
                 {u"a value"_s}, jsonQuote(t.text));
            return std::nullopt;
        }
        ++i;
        break;
    }
    case Token::Kind::LBracket:
    case Token::Kind::LBrace:
        lit.kind = t.kind == Token::Kind::LBrace ? Literal::Kind::Object : Literal::Kind::List;
        ++i;
        if (!parseItems(tokens, i, source, error, lit)) return std::nullopt;
        break;
    case Token::Kind::Bad:
        fail(error, t, t.text, t.expected);
        return std::nullopt;
    default:
        fail(error, t, u"expected a value, found %1"_s.arg(found(t)),
             {u"a number"_s, u"a string"_s, u"true"_s, u"false"_s, u"null"_s, u"["_s});
        return std::nullopt;
    }
    const Token &last = tokens[i - 1];
    lit.len = last.pos + last.len - lit.pos;
    Q_UNUSED(source);
    return lit;
}

QString canonicalText(const QString &json) {
    const std::vector<Token> tokens = lex(json);
    std::size_t i = 0;
    const auto lit = parseLiteral(tokens, i, json, nullptr);
    if (!lit || tokens[i].kind != Token::Kind::End) return json;
    return canonical(*lit);
}

QStringList listElements(const QString &json) {
    const std::vector<Token> tokens = lex(json);
    std::size_t i = 0;
    const auto lit = parseLiteral(tokens, i, json, nullptr);
    if (!lit || lit->kind != Literal::Kind::List || tokens[i].kind != Token::Kind::End)
        return {json};
    QStringList out;
    for (const Literal &item : lit->items)
        out << (item.kind == Literal::Kind::String ? item.text : json.mid(item.pos, item.len));
    return out;
}

QString quoteString(const QString &s) {
    return jsonQuote(s);
}

} // namespace runlens::query

namespace runlens {

using namespace Qt::StringLiterals;

QString queryLiteral(const Value &value) {
    using namespace query;
    switch (value.type()) {
    case Value::Type::Missing:
        return {};
    case Value::Type::Null:
        return u"null"_s;
    case Value::Type::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case Value::Type::Int:
    case Value::Type::Real: {
        const double d = value.toDouble();
        if (std::isnan(d)) return u"nan"_s;
        if (std::isinf(d)) return d > 0 ? u"inf"_s : u"-inf"_s;
        // The file's spelling where the query reads it as the same number (`3.0e-06`).
        const QString shown = value.displayText();
        const std::vector<Token> tokens = lex(shown);
        if (tokens.size() == 2 && tokens[0].kind == Token::Kind::Number &&
            numberValue(shown) == value)
            return shown;
        return value.type() == Value::Type::Int && !value.isBigInteger()
                   ? QString::number(value.toInt())
                   : canonicalNumber(value);
    }
    case Value::Type::String:
        return jsonQuote(value.rawText());
    case Value::Type::List:
    case Value::Type::Object:
        // The cell's JSON reads as a list or dict literal of the same value. (A number spelled
        // as only YAML spells it, `.inf` or `0x1f`, does not read; such a cell compares by its
        // exact text, which no literal spells.)
        return value.rawText();
    }
    return {};
}

} // namespace runlens
