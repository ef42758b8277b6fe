// The query language's parser: recursive descent over the tokens, binding keys to the table
// and working out each comparison's operand as it goes. Grammar and semantics: docs/QUERY.md.
#include "queryinternal.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;
using namespace query;

namespace {

constexpr int kMaxDepth = 200; // nesting of parentheses and `not`: a hostile text cannot overflow

/// What a date or time literal covers, by its precision: "2024-05-02" is that whole day (UTC
/// unless a zone is given), "2024-05-02T12:30" that minute. False when unreadable.
bool timeSpan(const QString &text, qint64 &lo, qint64 &hi) {
    static const QRegularExpression re(
        u"^(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:[T ](\\d{2})(?::(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?)?)?)?(Z|[+-]\\d{2}:?\\d{2})?$"_s);
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch()) return false;
    const auto part = [&](int n, int fallback) {
        return m.hasCaptured(n) ? m.captured(n).toInt() : fallback;
    };
    const QDate date(part(1, 0), part(2, 1), part(3, 1));
    const QString fraction = m.captured(7);
    const int ms = fraction.isEmpty() ? 0 : (fraction + u"00"_s).left(3).toInt();
    const QTime time(part(4, 0), part(5, 0), part(6, 0), ms);
    if (!date.isValid() || !time.isValid()) return false;
    const QDateTime start(date, time, QTimeZone::utc());
    QDateTime end;
    if (!fraction.isEmpty())
        end = start.addMSecs(1);
    else if (m.hasCaptured(6))
        end = start.addSecs(1);
    else if (m.hasCaptured(5))
        end = start.addSecs(60);
    else if (m.hasCaptured(4))
        end = start.addSecs(3600);
    else if (m.hasCaptured(3))
        end = start.addDays(1);
    else if (m.hasCaptured(2))
        end = start.addMonths(1);
    else
        end = start.addYears(1);
    qint64 offsetMs = 0;
    if (const QString zone = m.captured(8); !zone.isEmpty() && zone != u"Z") {
        QString digits = zone.mid(1);
        digits.remove(u':');
        offsetMs = (digits.left(2).toInt() * 3600 + digits.mid(2, 2).toInt() * 60) * 1000LL *
                   (zone[0] == u'-' ? -1 : 1);
    }
    lo = start.toMSecsSinceEpoch() - offsetMs;
    hi = end.toMSecsSinceEpoch() - offsetMs;
    return true;
}

/// Value types a column holds, as a bit mask over Value::Type.
int typeMask(const RunTable &table, int column) {
    int mask = 0;
    for (int r = 0; r < table.rowCount(); ++r)
        mask |= 1 << int(table.cellRef(r, column).type);
    return mask & ~(1 << int(Value::Type::Missing));
}

QString typesHeld(int mask) {
    QStringList names;
    const auto add = [&](std::initializer_list<Value::Type> types, const QString &name) {
        for (Value::Type t : types)
            if (mask & (1 << int(t))) {
                names << name;
                return;
            }
    };
    add({Value::Type::Int, Value::Type::Real}, u"numbers"_s);
    add({Value::Type::String}, u"strings"_s);
    add({Value::Type::Bool}, u"booleans"_s);
    add({Value::Type::List}, u"lists"_s);
    add({Value::Type::Object}, u"dicts"_s);
    add({Value::Type::Null}, u"null"_s);
    return names.size() <= 1
               ? names.value(0)
               : names.mid(0, names.size() - 1).join(u", "_s) + u" and "_s + names.last();
}

int kindMask(Literal::Kind kind) {
    switch (kind) {
    case Literal::Kind::Null:
        return 1 << int(Value::Type::Null);
    case Literal::Kind::Bool:
        return 1 << int(Value::Type::Bool);
    case Literal::Kind::Number:
        return (1 << int(Value::Type::Int)) | (1 << int(Value::Type::Real));
    case Literal::Kind::String:
        return 1 << int(Value::Type::String);
    case Literal::Kind::List:
        return 1 << int(Value::Type::List);
    case Literal::Kind::Object:
        return 1 << int(Value::Type::Object);
    }
    return 0;
}

class Parser {
public:
    Parser(const QString &text, const RunTable &table, QueryError *error)
        : m_text(text)
        , m_table(table)
        , m_error(error)
        , m_tokens(lex(text)) {}

    std::unique_ptr<Query::Node> parse() {
        auto root = parseOr();
        if (!root) return nullptr;
        const Token &t = peek();
        if (t.kind == Token::Kind::End) return root;
        if (t.kind == Token::Kind::Op)
            return fail(t, u"comparisons do not chain: join them with and"_s, {u"and"_s, u"or"_s});
        if (t.kind == Token::Kind::RParen) return fail(t, u"unmatched ')'"_s, {u"and"_s, u"or"_s});
        return fail(t, u"expected and, or or the end of the query, found %1"_s.arg(found(t)),
                    {u"and"_s, u"or"_s});
    }

private:
    using NodePtr = std::unique_ptr<Query::Node>;

    const Token &peek(std::size_t ahead = 0) const {
        return m_tokens[std::min(m_i + ahead, m_tokens.size() - 1)];
    }
    /// Sets the error at `t` (a malformed token reports its own fault) and returns null.
    NodePtr fail(const Token &t, const QString &message, const QStringList &expected = {},
                 const QString &suggestion = {}) {
        if (t.kind == Token::Kind::Bad) return failAt(t.pos, t.len, t.text, t.expected);
        return failAt(t.pos, t.len, message, expected, suggestion);
    }
    NodePtr failAt(int pos, int len, const QString &message, const QStringList &expected = {},
                   const QString &suggestion = {}) {
        setError(m_error, pos, len, message, expected, suggestion);
        return nullptr;
    }
    NodePtr failLiteral(const Literal &lit, const QString &message,
                        const QString &suggestion = {}) {
        return failAt(lit.pos, lit.len, message, {}, suggestion);
    }

    NodePtr join(Query::Node::Kind kind, NodePtr left, NodePtr right) {
        if (left->kind == kind) {
            left->children.push_back(std::move(right));
            return left;
        }
        auto node = std::make_unique<Query::Node>();
        node->kind = kind;
        node->children.push_back(std::move(left));
        node->children.push_back(std::move(right));
        return node;
    }

    /// `next {(word | symbol) next}`: the operands of one `or` or `and`, in one node.
    NodePtr parseChain(Query::Node::Kind kind, QStringView word, Token::Kind symbol,
                       NodePtr (Parser::*next)()) {
        NodePtr left = (this->*next)();
        while (left && (isWord(peek(), word) || peek().kind == symbol)) {
            ++m_i;
            NodePtr right = (this->*next)();
            if (!right) return nullptr;
            left = join(kind, std::move(left), std::move(right));
        }
        return left;
    }
    NodePtr parseOr() {
        return parseChain(Query::Node::Kind::Or, u"or", Token::Kind::OrOr, &Parser::parseAnd);
    }
    NodePtr parseAnd() {
        return parseChain(Query::Node::Kind::And, u"and", Token::Kind::AndAnd, &Parser::parseNot);
    }

    NodePtr parseNot() {
        const Token &t = peek();
        if (t.kind == Token::Kind::Bang)
            return fail(t, u"write not instead of !"_s, {u"not"_s}, u"not "_s);
        if (!isWord(t, u"not")) return parsePrimary();
        if (++m_depth > kMaxDepth) return fail(t, u"the query nests too deeply"_s);
        ++m_i;
        NodePtr child = parseNot();
        --m_depth;
        if (!child) return nullptr;
        auto node = std::make_unique<Query::Node>();
        node->kind = Query::Node::Kind::Not;
        node->children.push_back(std::move(child));
        return node;
    }

    NodePtr parsePrimary() {
        const Token &t = peek();
        if (t.kind == Token::Kind::LParen) {
            if (++m_depth > kMaxDepth) return fail(t, u"the query nests too deeply"_s);
            ++m_i;
            NodePtr inner = parseOr();
            --m_depth;
            if (!inner) return nullptr;
            if (peek().kind != Token::Kind::RParen) {
                if (peek().kind == Token::Kind::Op)
                    return fail(peek(), u"comparisons do not chain: join them with and"_s);
                return fail(
                    peek(),
                    u"expected ')' to close the '(' at column %1, found %2"_s.arg(t.pos + 1).arg(
                        found(peek())),
                    {u")"_s, u"and"_s, u"or"_s});
            }
            ++m_i;
            return inner;
        }
        if (isWord(t, u"exists") || isWord(t, u"missing")) {
            const bool missing = isWord(t, u"missing");
            ++m_i;
            const auto target = parseTarget();
            if (!target) return nullptr;
            auto node = std::make_unique<Query::Node>();
            node->kind = Query::Node::Kind::Exists;
            node->target = *target;
            if (!missing) return node;
            auto negation = std::make_unique<Query::Node>();
            negation->kind = Query::Node::Kind::Not;
            negation->children.push_back(std::move(node));
            return negation;
        }
        return parseComparison();
    }

    std::optional<Target> parseTarget() {
        const auto key = parseKeyRef(m_tokens, m_i, m_error);
        if (!key) return std::nullopt;
        m_key = *key;
        return resolveKey(m_table, *key, m_text, m_error);
    }

    NodePtr parseComparison() {
        const auto target = parseTarget();
        if (!target) return nullptr;
        auto node = std::make_unique<Query::Node>();
        node->target = *target;
        const QString keyText = m_text.mid(m_key.pos, m_key.len);
        const Token &t = peek();
        static const QStringList ops = {u"=="_s, u"!="_s, u"<"_s, u"<="_s, u">"_s, u">="_s};
        if (t.kind == Token::Kind::Op && ops.contains(t.text)) {
            node->kind = Query::Node::Kind::Compare;
            node->op = CompareOp(ops.indexOf(t.text));
            ++m_i;
            const auto lit = literal();
            if (!lit) return nullptr;
            const bool ordering = node->op != CompareOp::Eq && node->op != CompareOp::Ne;
            const auto operand = makeOperand(*lit, *target, ordering);
            if (!operand) return nullptr;
            node->values.push_back(*operand);
            return node;
        }
        if (t.kind == Token::Kind::Op && t.text == u"=")
            return fail(t, u"write == to compare"_s, {u"=="_s}, u"=="_s);
        if (t.kind == Token::Kind::Op && t.text == u"~") {
            ++m_i;
            return match(std::move(node));
        }
        const bool notIn = isWord(t, u"not") && isWord(peek(1), u"in");
        if (isWord(t, u"in") || notIn) {
            m_i += notIn ? 2 : 1;
            node->negated = notIn;
            return in(std::move(node));
        }
        return fail(
            t,
            u"expected ==, !=, <, <=, >, >=, ~ or in after %1, found %2"_s.arg(keyText, found(t)),
            {u"=="_s, u"!="_s, u"<"_s, u"<="_s, u">"_s, u">="_s, u"~"_s, u"in"_s, u"not in"_s});
    }

    std::optional<Literal> literal() {
        const Token &t = peek();
        // A key where a value belongs: comparing two keys is not in the language.
        if (t.kind == Token::Kind::Word && !isKeyword(t.text)) {
            std::size_t j = m_i;
            if (const auto key = parseKeyRef(m_tokens, j, nullptr);
                key && resolveKey(m_table, *key, m_text, nullptr)) {
                failAt(
                    t.pos, key->len,
                    u"expected a value, found the key %1: a key is compared with values, not with another key"_s
                        .arg(m_text.mid(key->pos, key->len)),
                    {u"a value"_s});
                return std::nullopt;
            }
        }
        return parseLiteral(m_tokens, m_i, m_text, m_error);
    }

    NodePtr match(NodePtr node) {
        const Token &t = peek();
        node->kind = Query::Node::Kind::Match;
        if (t.kind == Token::Kind::String) {
            node->needle = t.text;
        } else if (t.kind == Token::Kind::Regex) {
            QRegularExpression::PatternOptions options;
            for (QChar f : t.flags) {
                if (f == u'i') options |= QRegularExpression::CaseInsensitiveOption;
                if (f == u'm') options |= QRegularExpression::MultilineOption;
                if (f == u's') options |= QRegularExpression::DotMatchesEverythingOption;
                if (f == u'x') options |= QRegularExpression::ExtendedPatternSyntaxOption;
            }
            QRegularExpression re(t.text, options);
            if (!re.isValid()) {
                const int at = std::clamp(int(re.patternErrorOffset()), 0, int(t.text.size()));
                return failAt(t.pos + 1 + at, 1,
                              u"bad regular expression: %1"_s.arg(re.errorString()));
            }
            re.optimize();
            node->regex = std::move(re);
        } else {
            return fail(t, u"expected a \"string\" or a /regex/ after ~, found %1"_s.arg(found(t)),
                        {u"a string"_s, u"a /regex/"_s});
        }
        ++m_i;
        return node;
    }

    NodePtr in(NodePtr node) {
        const Token &t = peek();
        if (t.kind == Token::Kind::LBracket) {
            const auto list = parseLiteral(m_tokens, m_i, m_text, m_error);
            if (!list) return nullptr;
            node->kind = Query::Node::Kind::InList;
            for (const Literal &item : list->items) {
                const auto operand = makeOperand(item, node->target, false);
                if (!operand) return nullptr;
                node->values.push_back(*operand);
            }
            return node;
        }
        if (t.kind != Token::Kind::Number && t.kind != Token::Kind::String && !isWord(t, u"inf") &&
            !isWord(t, u"infinity"))
            return fail(
                t,
                u"expected a list [a, b] or a range low..high after in, found %1"_s.arg(found(t)),
                {u"["_s, u"a range low..high"_s});
        const auto low = literal();
        if (!low) return nullptr;
        if (peek().kind != Token::Kind::DotDot)
            return fail(peek(),
                        u"expected '..' in the range low..high, found %1"_s.arg(found(peek())),
                        {u".."_s});
        ++m_i;
        const auto high = literal();
        if (!high) return nullptr;
        if (low->kind != high->kind)
            return failLiteral(*high, u"a range runs between two numbers or two strings"_s);
        const auto lo = makeOperand(*low, node->target, true);
        if (!lo) return nullptr;
        const auto hi = makeOperand(*high, node->target, true);
        if (!hi) return nullptr;
        const bool empty = lo->isTime                          ? lo->timeLo >= hi->timeHi
                           : lo->kind == Literal::Kind::Number ? lo->d > hi->d
                                                               : lo->text > hi->text;
        if (empty)
            return failAt(low->pos, high->pos + high->len - low->pos,
                          u"the range is empty: its low end is above its high end"_s);
        node->kind = Query::Node::Kind::InRange;
        node->values = {*lo, *hi};
        return node;
    }

    /// The operand of a comparison with `target`, or an error where the literal can never
    /// compare: an unordered kind with `<`, a string field compared with a number, a column
    /// holding no value of the literal's kind.
    std::optional<Operand> makeOperand(const Literal &lit, const Target &target, bool ordering) {
        Operand o;
        o.kind = lit.kind;
        o.value = lit.value;
        o.text = lit.text;
        if (lit.kind == Literal::Kind::Number) {
            o.d = lit.value.toDouble();
            o.nan = std::isnan(o.d);
            o.isInt = lit.value.type() == Value::Type::Int && !lit.value.isBigInteger();
            o.i = lit.value.toInt();
        }
        o.b = lit.value.toBool();
        const QString shown = m_text.mid(lit.pos, lit.len);
        if (ordering && lit.kind != Literal::Kind::Number && lit.kind != Literal::Kind::String) {
            failLiteral(
                lit,
                u"%1 has no order: <, <=, >, >= and ranges compare numbers, strings and times"_s
                    .arg(shown));
            return std::nullopt;
        }
        if (ordering && o.nan) {
            failLiteral(lit, u"nan has no order; == nan finds the NaN values"_s);
            return std::nullopt;
        }
        if (target.field) return fieldOperand(lit, *target.field, o);
        if (lit.kind == Literal::Kind::Null) return o;
        const int mask = columnTypes(target.column);
        if (mask & kindMask(lit.kind)) return o;
        // A literal no run's value can ever equal or order with: a mistake worth saying.
        QString suggestion;
        if (lit.kind == Literal::Kind::String && (mask & kindMask(Literal::Kind::Number))) {
            const std::vector<Token> tokens = lex(lit.text.trimmed());
            if (tokens.size() == 2 && tokens[0].kind == Token::Kind::Number)
                suggestion = tokens[0].text;
        } else if (lit.kind == Literal::Kind::Number && (mask & kindMask(Literal::Kind::String))) {
            suggestion = quoteString(shown);
        }
        failLiteral(lit,
                    u"%1 holds %2, never %3"_s.arg(m_text.mid(m_key.pos, m_key.len),
                                                   typesHeld(mask), kindName(lit.kind)) +
                        (suggestion.isEmpty() ? QString() : u": %1?"_s.arg(suggestion)),
                    suggestion);
        return std::nullopt;
    }

    std::optional<Operand> fieldOperand(const Literal &lit, RunField field, Operand o) {
        const QString name = runFieldName(field);
        switch (field) {
        case RunField::Duration:
        case RunField::Issues:
            if (lit.kind == Literal::Kind::Number) return o;
            failLiteral(lit, u"%1 is a number%2"_s.arg(
                                 name, field == RunField::Duration ? u" of seconds"_s : QString()));
            return std::nullopt;
        case RunField::Start:
            if (lit.kind == Literal::Kind::String && timeSpan(lit.text, o.timeLo, o.timeHi)) {
                o.isTime = true;
                return o;
            }
            failLiteral(
                lit,
                u"start takes a date or time in quotes: \"2024-05-02\", \"2024-05-02T14:30\""_s);
            return std::nullopt;
        case RunField::Status: {
            static const QStringList statuses = {u"finished"_s, u"running"_s, u"crashed"_s,
                                                 u"unknown"_s};
            if (lit.kind == Literal::Kind::String && statuses.contains(lit.text)) return o;
            QString suggestion;
            for (const QString &s : statuses)
                if (lit.kind == Literal::Kind::String && editDistance(lit.text, s) <= 2)
                    suggestion = quoteString(s);
            failLiteral(lit,
                        u"status is \"finished\", \"running\", \"crashed\" or \"unknown\""_s +
                            (suggestion.isEmpty() ? QString() : u": %1?"_s.arg(suggestion)),
                        suggestion);
            return std::nullopt;
        }
        default:
            if (lit.kind == Literal::Kind::String) return o;
            failLiteral(lit,
                        u"%1 is text: quote the value, %2"_s.arg(
                            name, quoteString(m_text.mid(lit.pos, lit.len))),
                        quoteString(m_text.mid(lit.pos, lit.len)));
            return std::nullopt;
        }
    }

    int columnTypes(int column) {
        const auto it = std::find_if(m_masks.begin(), m_masks.end(),
                                     [&](const auto &p) { return p.first == column; });
        if (it != m_masks.end()) return it->second;
        m_masks.emplace_back(column, typeMask(m_table, column));
        return m_masks.back().second;
    }

    const QString &m_text;
    const RunTable &m_table;
    QueryError *m_error;
    std::vector<Token> m_tokens;
    std::size_t m_i = 0;
    int m_depth = 0;
    KeyRef m_key; ///< the key of the comparison being read, for messages
    std::vector<std::pair<int, int>> m_masks;
};

} // namespace

QString QueryError::toString() const {
    const int l = line > 0 ? line : 1;
    const int c = column > 0 ? column : position + 1;
    return u"at %1:%2: %3"_s.arg(l).arg(c).arg(message);
}

Query::Query() = default;
Query::Query(Query &&) noexcept = default;
Query &Query::operator=(Query &&) noexcept = default;
Query::~Query() = default;

std::optional<Query> Query::parse(const QString &text, const RunTable &table, QueryError *error) {
    QueryError local;
    QueryError *e = error ? error : &local;
    *e = QueryError{};
    auto root = Parser(text, table, e).parse();
    if (!root) {
        // Line and column for messages; a multi-line query (a script's) counts its lines.
        const int pos = std::clamp(e->position, 0, int(text.size()));
        const QStringView before = QStringView(text).left(pos);
        e->line = int(before.count(u'\n')) + 1;
        e->column = pos - int(before.lastIndexOf(u'\n'));
        return std::nullopt;
    }
    Query q;
    q.m_text = text;
    q.m_root = std::move(root);
    return q;
}

std::vector<int> Query::columns() const {
    std::vector<int> out;
    const auto visit = [&](const auto &self, const Node &n) -> void {
        if (n.target.column >= 0 && std::find(out.begin(), out.end(), n.target.column) == out.end())
            out.push_back(n.target.column);
        for (const auto &child : n.children)
            self(self, *child);
    };
    if (m_root) visit(visit, *m_root);
    return out;
}

} // namespace runlens
