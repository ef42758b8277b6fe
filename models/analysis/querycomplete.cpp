// What the filter bar needs besides parsing: whether a text is a query at all, and what Tab
// completes. Both read the text leniently (an unterminated string is still a string), since
// they see it while it is being typed.
#include "queryinternal.h"

#include "readers/timeparse.h"

#include <algorithm>

namespace runlens {

using namespace Qt::StringLiterals;
using namespace query;

namespace {

constexpr int kMaxValues = 200; ///< distinct values offered for one key

bool isKeyPart(const Token &t) {
    switch (t.kind) {
    case Token::Kind::Word:
        return !isKeyword(t.text);
    case Token::Kind::String:
    case Token::Kind::Colon:
    case Token::Kind::Dot:
    case Token::Kind::LBracket:
    case Token::Kind::RBracket:
        return true;
    default:
        return false;
    }
}

bool isLiteralStart(const Token &t) {
    return t.kind == Token::Kind::Number || t.kind == Token::Kind::String ||
           t.kind == Token::Kind::Regex || isWord(t, u"true") || isWord(t, u"false") ||
           isWord(t, u"null") || isWord(t, u"nan") || isWord(t, u"inf") || isWord(t, u"infinity");
}

/// What may stand where the text being completed starts.
enum class Slot { Key, Operator, Value, Match, Connective, Nothing };

struct Context {
    Slot slot = Slot::Key;
    std::optional<Target> target; ///< the key a value is compared with
    int depth = 0;                ///< open parentheses
};

/// Follows the tokens before the completed text to learn what it is; Nothing when they do not
/// read as the start of a query.
Context contextBefore(const std::vector<Token> &tokens, std::size_t end, const QString &text,
                      const RunTable &table) {
    Context c;
    bool keyOnly = false;
    int brackets = 0;
    std::size_t i = 0;
    while (i < end) {
        const Token &t = tokens[i];
        switch (c.slot) {
        case Slot::Key:
            if (t.kind == Token::Kind::LParen) {
                ++c.depth;
                ++i;
            } else if (isWord(t, u"not")) {
                ++i;
            } else if (isWord(t, u"exists") || isWord(t, u"missing")) {
                keyOnly = true;
                ++i;
            } else if (const auto key = parseKeyRef(tokens, i, nullptr); key && i <= end) {
                c.target = resolveKey(table, *key, text, nullptr);
                c.slot = keyOnly ? Slot::Connective : Slot::Operator;
                keyOnly = false;
            } else {
                c.slot = Slot::Nothing;
            }
            break;
        case Slot::Operator:
            if (t.kind == Token::Kind::Op && t.text == u"~") {
                c.slot = Slot::Match;
            } else if (t.kind == Token::Kind::Op || isWord(t, u"in")) {
                c.slot = Slot::Value;
            } else if (!isWord(t, u"not")) {
                c.slot = Slot::Nothing;
            }
            ++i;
            break;
        case Slot::Value:
        case Slot::Match:
            if (t.kind == Token::Kind::LBracket) {
                ++brackets;
            } else if (t.kind == Token::Kind::RBracket && brackets > 0) {
                if (--brackets == 0) c.slot = Slot::Connective;
            } else if (brackets > 0 && t.kind == Token::Kind::Comma) {
            } else if (isLiteralStart(t)) {
                if (brackets == 0) c.slot = Slot::Connective;
            } else {
                c.slot = Slot::Nothing;
            }
            ++i;
            break;
        case Slot::Connective:
            if (t.kind == Token::Kind::DotDot) {
                c.slot = Slot::Value;
            } else if (isWord(t, u"and") || isWord(t, u"or") || t.kind == Token::Kind::AndAnd ||
                       t.kind == Token::Kind::OrOr) {
                c.slot = Slot::Key;
                c.target.reset();
            } else if (t.kind == Token::Kind::RParen && c.depth > 0) {
                --c.depth;
            } else {
                c.slot = Slot::Nothing;
            }
            ++i;
            break;
        case Slot::Nothing:
            return c;
        }
    }
    return c;
}

/// Candidates that start with `typed` (ignoring case and a leading quote), then those with a
/// segment or word that does, then those that contain it.
QStringList rank(const QStringList &candidates, const QString &typed) {
    QString bare = typed;
    if (bare.startsWith(u'"') || bare.startsWith(u'\'')) bare.remove(0, 1);
    if (bare.isEmpty()) return candidates;
    QStringList tiers[3];
    for (const QString &c : candidates) {
        QString plain = c;
        if (plain.startsWith(u'"')) plain.remove(0, 1);
        if (c.startsWith(typed, Qt::CaseInsensitive) ||
            plain.startsWith(bare, Qt::CaseInsensitive)) {
            tiers[0] << c;
            continue;
        }
        const qsizetype at = plain.indexOf(bare, 0, Qt::CaseInsensitive);
        if (at < 0) continue;
        const QChar before = plain[at - 1 < 0 ? 0 : at - 1];
        const bool boundary = at > 0 && !before.isLetterOrNumber();
        tiers[boundary ? 1 : 2] << c;
    }
    return tiers[0] + tiers[1] + tiers[2];
}

QStringList keyCandidates(const RunTable &table, const QString &typed) {
    QStringList out;
    const qsizetype colon = typed.indexOf(u':');
    const QString prefix = colon > 0 ? typed.left(colon) : QString();
    const std::optional<Family> family = prefix.isEmpty() ? std::nullopt : familyFromName(prefix);
    if (prefix == u"run") {
        for (RunField f : queryFields())
            out << u"run:"_s + runFieldName(f);
        return out;
    }
    for (Family f : {Family::Config, Family::Metric, Family::Meta}) {
        if (family && f != *family) continue;
        if (f == Family::Meta && !family)
            for (RunField field : queryFields())
                out << queryKey(table, field);
        for (int c = 0; c < table.columnCount(); ++c) {
            const ColumnInfo &info = table.column(c);
            if (info.family != f) continue;
            out << (family ? prefix + u':' + spellSegments(info.key.segments())
                           : queryKey(table, c));
        }
    }
    if (!family) out << u"not"_s << u"exists"_s << u"missing"_s;
    return out;
}

/// The distinct values of a column or run field as literals, in value order.
QStringList valueCandidates(const RunTable &table, const Target &target, bool stringsOnly) {
    std::vector<Value> values;
    values.reserve(std::size_t(table.rowCount()));
    for (int r = 0; r < table.rowCount(); ++r) {
        Value v;
        if (target.field == RunField::Start)
            v = table.run(r).startMs < 0
                    ? Value()
                    : Value::string(formatTimeMs(table.run(r).startMs).left(10)); // the day
        else if (target.field)
            v = runFieldValue(table.run(r), *target.field);
        else
            v = table.value(r, target.column);
        if (!v.isMissing() && (!stringsOnly || v.type() == Value::Type::String))
            values.push_back(std::move(v));
    }
    const auto less = [](const Value &a, const Value &b) { return Value::compare(a, b) < 0; };
    std::stable_sort(values.begin(), values.end(), less);
    QStringList out;
    for (std::size_t i = 0; i < values.size() && out.size() < kMaxValues; ++i) {
        if (i > 0 && Value::compare(values[i - 1], values[i]) == 0) continue;
        out << queryLiteral(values[i]);
    }
    if (target.field == RunField::Status) {
        for (const QString &s : {u"finished"_s, u"running"_s, u"crashed"_s, u"unknown"_s})
            if (!out.contains(quoteString(s))) out << quoteString(s);
    }
    out.removeDuplicates();
    return out;
}

} // namespace

Completion completeQuery(const QString &text, int cursor, const RunTable &table) {
    cursor = std::clamp(cursor, 0, int(text.size()));
    const QString head = text.left(cursor);
    const std::vector<Token> tokens = lex(head, true);
    // The text being completed: the key parts touching the cursor, or a partial operator, or
    // a value; nothing after whitespace.
    std::size_t start = tokens.size() - 1; // End
    if (start > 0) {
        const Token &last = tokens[start - 1];
        if (last.pos + last.len == cursor) {
            if (last.kind == Token::Kind::Op || last.kind == Token::Kind::Bang ||
                isLiteralStart(last) || isWord(last, u"in") || isWord(last, u"not") ||
                isWord(last, u"and") || isWord(last, u"or") || isWord(last, u"exists") ||
                isWord(last, u"missing") || last.kind == Token::Kind::Word ||
                last.kind == Token::Kind::Colon || last.kind == Token::Kind::Dot ||
                last.kind == Token::Kind::RBracket) {
                start -= 1;
            }
            // A key written in parts (`metric:va`, `model["a.b"].x`) is completed whole.
            while (start > 0 && start < tokens.size() - 1 && isKeyPart(tokens[start]) &&
                   !tokens[start].spaceBefore && isKeyPart(tokens[start - 1]))
                start -= 1;
        }
    }
    Completion out;
    out.start = start < tokens.size() - 1 ? tokens[start].pos : cursor;
    out.length = cursor - out.start;
    const QString typed = head.mid(out.start);
    const Context c = contextBefore(tokens, start, head, table);
    switch (c.slot) {
    case Slot::Key:
        out.candidates = rank(keyCandidates(table, typed), typed);
        break;
    case Slot::Operator: {
        const QStringList ops = {u"=="_s, u"!="_s, u"<"_s,  u"<="_s,    u">"_s,
                                 u">="_s, u"~"_s,  u"in"_s, u"not in"_s};
        for (const QString &op : ops)
            if (op.startsWith(typed, Qt::CaseInsensitive)) out.candidates << op;
        break;
    }
    case Slot::Value:
    case Slot::Match:
        if (c.target)
            out.candidates = rank(valueCandidates(table, *c.target, c.slot == Slot::Match), typed);
        break;
    case Slot::Connective: {
        QStringList words = {u"and"_s, u"or"_s};
        if (c.depth > 0) words << u")"_s;
        for (const QString &w : words)
            if (w.startsWith(typed, Qt::CaseInsensitive)) out.candidates << w;
        break;
    }
    case Slot::Nothing:
        break;
    }
    return out;
}

bool looksLikeQuery(const QString &text, const RunTable &table) {
    const std::vector<Token> tokens = lex(text, true);
    for (const Token &t : tokens) {
        if (t.kind == Token::Kind::Op || t.kind == Token::Kind::AndAnd ||
            t.kind == Token::Kind::OrOr)
            return true;
        for (const auto word : {u"and", u"or", u"not", u"in", u"exists", u"missing"})
            if (isWord(t, word)) return true;
    }
    // A single known key: the start of a comparison.
    std::size_t i = 0;
    const auto key = parseKeyRef(tokens, i, nullptr);
    return key && tokens[i].kind == Token::Kind::End &&
           resolveKey(table, *key, text, nullptr).has_value();
}

} // namespace runlens
