#include "diffspelling.h"

#include "readers/docparser.h"
#include "run/flatten.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <functional>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

// Hydra's lexer (hydra/grammar/OverrideLexer.g4): INT, FLOAT, BOOL and NULL in value mode.
const QString kHydraUnsigned = u"(?:0|[1-9](?:_?[0-9])*)"_s;
const QString kHydraPoint = u"(?:%1\\.|(?:%1)?\\.[0-9](?:_?[0-9])*)"_s.arg(kHydraUnsigned);

const QRegularExpression &hydraInt() {
    static const QRegularExpression re(u"^[+-]?%1$"_s.arg(kHydraUnsigned));
    return re;
}

const QRegularExpression &hydraFloat() {
    static const QRegularExpression re(
        u"^[+-]?(?:%2|(?:%1|%2)[eE][+-]?[0-9](?:_?[0-9])*|inf|nan)$"_s.arg(kHydraUnsigned,
                                                                           kHydraPoint),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

/// Whether `s` is one of `words`, ignoring case.
bool isWord(const QString &s, std::initializer_list<QStringView> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](QStringView w) { return s.compare(w, Qt::CaseInsensitive) == 0; });
}

/// Text Hydra would not read as a string when bare.
bool hydraTyped(const QString &s) {
    // Numbers start with a digit, a sign or a point; the regular expressions are slow.
    const QChar c = s.front();
    if (c.isDigit() || c == u'+' || c == u'-' || c == u'.')
        return hydraInt().match(s).hasMatch() || hydraFloat().match(s).hasMatch();
    return isWord(s, {u"true", u"false", u"null", u"inf", u"nan"});
}

/// Characters Hydra's lexer takes in a bare value (ID characters and UNQUOTED_CHAR), minus
/// `$` (interpolations), `\` (escapes) and `? |` (only since Hydra 1.2).
bool hydraBareChar(QChar c) {
    const char16_t u = c.unicode();
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
           u == '-' || u == '/' || u == '.' || u == '+' || u == '%' || u == '*' || u == '@';
}

/// Hydra's quoted value: backslashes before a quote (escaped or closing) are doubled.
QString hydraQuote(const QString &s) {
    QString out = u"\""_s;
    int backslashes = 0;
    for (const QChar c : s) {
        if (c == u'\\') {
            ++backslashes;
            continue;
        }
        const bool quote = c == u'"';
        out += QString(backslashes * (quote ? 2 : 1), u'\\');
        backslashes = 0;
        out += quote ? u"\\\""_s : QString(c);
    }
    return out + QString(backslashes * 2, u'\\') + u'"';
}

QString hydraString(const QString &s) {
    const bool bare =
        !s.isEmpty() && std::all_of(s.begin(), s.end(), hydraBareChar) && !hydraTyped(s);
    return bare ? s : hydraQuote(s);
}

/// A dict key: dictKey admits no quotes, so specials are backslash-escaped (ESC in the lexer).
std::optional<QString> hydraDictKey(const QString &s) {
    if (s.isEmpty()) return std::nullopt;
    QString out;
    for (const QChar c : s) {
        if (hydraBareChar(c))
            out += c;
        else if (QStringView(u"\\()[]{}:=, \t").contains(c))
            out += u'\\' + QString(c);
        else
            return std::nullopt;
    }
    return out;
}

/// A real in a spelling with a `.` in the mantissa, as YAML 1.1 needs for a float.
QString realWithPoint(double d) {
    QString s = Value::formatReal(d);
    const qsizetype e = s.indexOf(u'e');
    const QString mantissa = e < 0 ? s : s.left(e);
    if (!mantissa.contains(u'.')) s.insert(e < 0 ? s.size() : e, u".0"_s);
    return s;
}

using ScalarText = std::function<std::optional<QString>(const Value &)>;
using KeyText = std::function<std::optional<QString>(const QString &)>;

std::optional<QString> nodeText(const Doc &doc, int index, const ScalarText &scalar,
                                const KeyText &key, const QString &itemSep, const QString &keySep) {
    const DocNode &n = doc.node(index);
    switch (n.kind) {
    case DocNode::Kind::Scalar:
        return scalar(n.value);
    case DocNode::Kind::Seq: {
        QStringList items;
        for (int item : n.items) {
            const auto text = nodeText(doc, item, scalar, key, itemSep, keySep);
            if (!text) return std::nullopt;
            items << *text;
        }
        return u'[' + items.join(itemSep) + u']';
    }
    case DocNode::Kind::Map: {
        QStringList items;
        for (const auto &[k, child] : n.members) {
            const auto name = key(k);
            const auto text = nodeText(doc, child, scalar, key, itemSep, keySep);
            if (!name || !text) return std::nullopt;
            items << *name + keySep + *text;
        }
        return u'{' + items.join(itemSep) + u'}';
    }
    }
    return std::nullopt;
}

/// A list or dict value (kept as JSON text) written item by item; nullopt when the text does
/// not parse or an item cannot be written.
std::optional<QString> containerText(const Value &v, const ScalarText &scalar, const KeyText &key,
                                     const QString &itemSep, const QString &keySep) {
    Doc doc;
    RunRecord issues;
    if (!parseJson(v.rawText().toUtf8(), doc, issues, {}) || doc.truncated ||
        !issues.issues.empty())
        return std::nullopt;
    return nodeText(doc, doc.root, scalar, key, itemSep, keySep);
}

} // namespace

std::optional<QString> hydraValue(const Value &v) {
    switch (v.type()) {
    case Value::Type::Missing:
        return std::nullopt;
    case Value::Type::Null:
        return u"null"_s;
    case Value::Type::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case Value::Type::Int: {
        const QString &text = v.rawText(); // empty: the plain decimal spelling
        if (text.isEmpty()) return QString::number(v.toInt());
        if (hydraInt().match(text).hasMatch()) return text;
        if (v.isBigInteger()) return std::nullopt;
        return QString::number(v.toInt());
    }
    case Value::Type::Real: {
        const double d = v.toDouble();
        if (std::isnan(d)) return u"nan"_s;
        if (std::isinf(d)) return d > 0 ? u"inf"_s : u"-inf"_s;
        // The canonical spelling is a Hydra FLOAT once it has a point or an exponent.
        const QString &text = v.rawText();
        if (!text.isEmpty() && hydraFloat().match(text).hasMatch()) return text;
        const QString canonical = Value::formatReal(d);
        return canonical.contains(u'.') || canonical.contains(u'e') ? canonical
                                                                    : canonical + u".0"_s;
    }
    case Value::Type::String:
        return hydraString(v.rawText());
    case Value::Type::List:
    case Value::Type::Object:
        return containerText(v, hydraValue, hydraDictKey, u","_s, u":"_s);
    }
    return std::nullopt;
}

bool isHydraKeySegment(const QString &segment) {
    if (segment.isEmpty()) return false;
    const auto digit = [](QChar c) { return c.unicode() >= '0' && c.unicode() <= '9'; };
    const auto letter = [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_';
    };
    if (digit(segment.front()))
        return segment == u"0" ||
               (segment.front() != u'0' && std::all_of(segment.begin(), segment.end(), digit));
    return letter(segment.front()) && std::all_of(segment.begin(), segment.end(), [&](QChar c) {
               return letter(c) || digit(c) || c == u'-';
           });
}

std::optional<QString> hydraOverride(const Key &key, const Value &value, bool added) {
    const QStringList &segments = key.segments();
    qsizetype nameable = 0;
    while (nameable < segments.size() && isHydraKeySegment(segments[nameable]))
        ++nameable;
    // A lone integer is not a key to Hydra (DOT_PATH needs two parts).
    if (nameable == 1 && !segments[0].front().isLetter() && segments[0].front() != u'_')
        nameable = 0;
    if (nameable == 0) return std::nullopt;
    const QString path = segments.mid(0, nameable).join(u'.');
    if (value.isMissing()) {
        if (nameable < segments.size()) return std::nullopt;
        return u'~' + path;
    }
    std::optional<QString> text = hydraValue(value);
    // The rest of the path as nested dicts, merged into the nameable prefix.
    for (qsizetype i = segments.size() - 1; text && i >= nameable; --i) {
        const auto name = hydraDictKey(segments[i]);
        text = name ? std::optional<QString>(u'{' + *name + u':' + *text + u'}') : std::nullopt;
    }
    if (!text) return std::nullopt;
    if (nameable < segments.size()) return u"++"_s + path + u'=' + *text;
    return (added ? u"+"_s : QString()) + path + u'=' + *text;
}

QString shellWord(const QString &word) {
    const auto safe = [](QChar c) {
        return hydraBareChar(c) || c == u'=' || c == u',' || c == u':';
    };
    const qsizetype from = word.startsWith(u'~') ? 1 : 0;
    if (!word.isEmpty() && std::all_of(word.begin() + from, word.end(), safe)) return word;
    QString quoted = word;
    quoted.replace(u"'"_s, u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

QString yamlString(const QString &s) {
    // Bare: a letter, `_` or `/` first (no number, no indicator), then letters, digits and
    // `_ . / -`; not a YAML 1.1 bool or null word.
    const auto plainChar = [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == '/';
    };
    const auto laterChar = [&](QChar c) {
        return plainChar(c) || (c.unicode() >= '0' && c.unicode() <= '9') || c == u'.' || c == u'-';
    };
    if (!s.isEmpty() && plainChar(s.front()) && std::all_of(s.begin() + 1, s.end(), laterChar) &&
        !isWord(s, {u"y", u"n", u"yes", u"no", u"on", u"off", u"true", u"false", u"null"}))
        return s;
    // A JSON string is a YAML double-quoted scalar, but YAML also bars C1 controls and DEL.
    QString out = jsonQuote(s);
    for (qsizetype i = out.size() - 1; i >= 0; --i) {
        const char16_t u = out[i].unicode();
        if ((u >= 0x7f && u <= 0x9f) || u == 0xfeff)
            out.replace(i, 1, u"\\u%1"_s.arg(int(u), 4, 16, QChar(u'0')));
    }
    return out;
}

QString yamlValue(const Value &v) {
    switch (v.type()) {
    case Value::Type::Missing:
    case Value::Type::Null:
        return u"null"_s;
    case Value::Type::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case Value::Type::Int: {
        static const QRegularExpression decimal(u"^-?(?:0|[1-9][0-9]*)$"_s);
        const QString &text = v.rawText(); // empty: the plain decimal spelling
        if (text.isEmpty()) return QString::number(v.toInt());
        if (decimal.match(text).hasMatch()) return text;
        return v.isBigInteger() ? yamlString(text) : QString::number(v.toInt());
    }
    case Value::Type::Real: {
        // YAML 1.1 (PyYAML) needs the point and a signed exponent; 1.2 takes that too.
        static const QRegularExpression both(
            u"^[-+]?(?:[0-9]+\\.[0-9]*|\\.[0-9]+)(?:[eE][-+][0-9]+)?$"_s);
        const double d = v.toDouble();
        if (std::isnan(d)) return u".nan"_s;
        if (std::isinf(d)) return d > 0 ? u".inf"_s : u"-.inf"_s;
        const QString &text = v.rawText(); // empty: the canonical spelling, fixed below
        if (!text.isEmpty() && both.match(text).hasMatch()) return text;
        QString s = realWithPoint(d);
        const qsizetype e = s.indexOf(u'e');
        if (e >= 0 && s[e + 1] != u'-' && s[e + 1] != u'+') s.insert(e + 1, u'+');
        return s;
    }
    case Value::Type::String:
        return yamlString(v.rawText());
    case Value::Type::List:
    case Value::Type::Object: {
        const auto scalar = [](const Value &x) { return std::optional<QString>(yamlValue(x)); };
        const auto key = [](const QString &k) { return std::optional<QString>(yamlString(k)); };
        return containerText(v, scalar, key, u", "_s, u": "_s).value_or(yamlString(v.rawText()));
    }
    }
    return u"null"_s;
}

QString oneLine(QString s) {
    return s.replace(u"\r\n"_s, u" "_s).replace(u'\n', u' ').replace(u'\r', u' ');
}

void YamlTree::insert(const QStringList &path, const Value &value) {
    int node = 0;
    for (const QString &segment : path) {
        auto found = m_nodes[std::size_t(node)].index.constFind(segment);
        int child;
        if (found != m_nodes[std::size_t(node)].index.constEnd()) {
            child = *found;
        } else {
            child = int(m_nodes.size());
            m_nodes.push_back(Node{segment, {}, {}, {}});
            m_nodes[std::size_t(node)].children.push_back(child);
            m_nodes[std::size_t(node)].index.insert(segment, child);
        }
        node = child;
    }
    m_nodes[std::size_t(node)].value = value;
}

QString YamlTree::toYaml(int level) const {
    QString out;
    write(0, level, out);
    return out;
}

void YamlTree::write(int node, int level, QString &out) const {
    for (int child : m_nodes[std::size_t(node)].children) {
        const Node &n = m_nodes[std::size_t(child)];
        out += QString(2 * level, u' ') + yamlString(n.name) + u':';
        if (n.children.empty()) {
            out += u' ' + yamlValue(n.value) + u'\n';
        } else {
            out += u'\n';
            write(child, level + 1, out);
        }
    }
}

} // namespace runlens
