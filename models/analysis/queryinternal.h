#pragma once
// The parts of the query language that its implementation files share (query.cpp parses,
// queryeval.cpp evaluates, querykeys.cpp names keys and values, querylexer.cpp reads tokens,
// querycomplete.cpp completes). Not for use outside models/analysis/query*.cpp.

#include "query.h"
#include "tableview.h"

#include <QRegularExpression>

#include <optional>
#include <vector>

namespace runlens::query {

// ---- tokens (querylexer.cpp) ----

struct Token {
    enum class Kind {
        Word,   ///< a bare key or keyword; dots inside (`optimizer.lr`) belong to it
        String, ///< "..." or '...'; `text` is the decoded content
        Regex,  ///< /.../flags; `text` is the pattern, `flags` the letters after it
        Number, ///< `text` as written
        Op,     ///< == != < <= > >= ~ and a lone = (an error the parser explains)
        LParen,
        RParen,
        LBracket,
        RBracket,
        LBrace,
        RBrace,
        Comma,
        Colon,
        Dot,
        DotDot,
        AndAnd, ///< &&, a synonym of and
        OrOr,   ///< ||, a synonym of or
        Bang,   ///< a lone ! (an error the parser explains)
        Bad,    ///< malformed: `text` says why, pos and len mark the fault
        End,
    };
    Kind kind = Kind::End;
    int pos = 0;
    int len = 0;
    QString text;
    QString flags;
    QStringList expected;     ///< Bad: what would have been accepted
    bool spaceBefore = false; ///< whitespace precedes it (key parts must touch)
    bool open = false;        ///< a string or regex without its closing quote
};

/// Splits `text` into tokens, ending with End. Stops after the first Bad token unless
/// `tolerant`, which keeps going and reads an unterminated string or regex as an `open` one
/// (for completion and looksLikeQuery()).
std::vector<Token> lex(const QString &text, bool tolerant = false);

/// Whether `t` is the word `word`, ignoring case (keywords are read in any case).
bool isWord(const Token &t, QStringView word);
/// A token as an error message quotes what it found: `'adam'`, `"text"`, `the end of the query`.
QString found(const Token &t);
/// Sets `error` (when given) and returns false: the shape of every failure in the parser.
bool setError(QueryError *error, int pos, int len, const QString &message,
              const QStringList &expected = {}, const QString &suggestion = {});

/// Whether a word is a keyword (case-insensitive): and or not in exists missing true false null
/// nan inf infinity.
bool isKeyword(const QString &word);
/// Whether `c` may continue a bare word (letters, digits, `_`, `-`, `/`).
bool isWordChar(QChar c);

// ---- literals (querykeys.cpp) ----

/// A literal value of a query, and how it reads canonically.
struct Literal {
    enum class Kind { Null, Bool, Number, String, List, Object };
    Kind kind = Kind::Null;
    Value value;  ///< Null, Bool, Number (int, big int, real with NaN and infinities)
    QString text; ///< String: the content; List, Object: canonical text (canonicalText())
    std::vector<Literal> items; ///< List: the elements
    int pos = 0;
    int len = 0;
};

/// Reads one literal starting at tokens[i]; advances i. nullopt with `error` set otherwise.
std::optional<Literal> parseLiteral(const std::vector<Token> &tokens, std::size_t &i,
                                    const QString &source, QueryError *error);
/// A list or object cell's JSON text in the canonical spelling literals have (numbers by value,
/// so `[1e-4]` and `[0.0001]` read the same, no spaces); the text itself when unreadable.
QString canonicalText(const QString &json);
/// The elements of a list cell's JSON text as the texts `~` matches: strings unquoted, the rest
/// as written. One element holding the whole text when it is not a readable list.
QStringList listElements(const QString &json);
/// `"..."` with `"`, `\` and control characters escaped.
QString quoteString(const QString &s);
/// What a literal's kind is called in messages: "a number", "a string", ...
QString kindName(Literal::Kind kind);

// ---- keys (querykeys.cpp) ----

/// A key as written: `config:optimizer.lr`, `"val/acc"`, `model["a.b"]`.
struct KeyRef {
    QString family; ///< the prefix before `:`, empty when none
    QStringList segments;
    bool quoted = false; ///< a single quoted segment, which may also be a display spelling
    int pos = 0;
    int len = 0;
};

/// What a key names: a table column or a run field.
struct Target {
    int column = -1;
    std::optional<RunField> field;
};

/// Reads a key starting at tokens[i] (a word, a string or `["..."]`, then `.word` and
/// `["..."]` parts touching it); advances i.
std::optional<KeyRef> parseKeyRef(const std::vector<Token> &tokens, std::size_t &i,
                                  QueryError *error);
/// Binds a key to the table, or explains why it cannot (unknown: with a suggestion;
/// ambiguous: naming the spellings).
std::optional<Target> resolveKey(const RunTable &table, const KeyRef &key, const QString &source,
                                 QueryError *error);
/// A key's segments as a query writes them, without a family prefix: `optimizer.lr`,
/// `"val/acc"`, `model["a.b"]`.
QString spellSegments(const QStringList &segments);
/// The run fields a query can name, in the order completion offers them.
const std::vector<RunField> &queryFields();
/// Edit distance (optimal string alignment) between two strings, case-insensitively.
int editDistance(QStringView a, QStringView b);

// ---- the parsed query (query.cpp, queryeval.cpp) ----

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };

/// One side of a comparison as evaluation wants it, worked out at parse time.
struct Operand {
    Literal::Kind kind = Literal::Kind::Null;
    bool isInt = false; ///< an integer within 64 bits: compare `i` exactly
    bool nan = false;
    bool b = false;
    qint64 i = 0;
    double d = 0.0;
    Value value;                   ///< the number itself, for big integers
    QString text;                  ///< String content; List, Object canonical text
    qint64 timeLo = 0, timeHi = 0; ///< `start`: the time span a date or time literal covers
    bool isTime = false;
};

} // namespace runlens::query

namespace runlens {

struct Query::Node {
    enum class Kind { Or, And, Not, Exists, Compare, InList, InRange, Match };
    Kind kind = Kind::Compare;
    std::vector<std::unique_ptr<Node>> children;
    query::Target target;
    query::CompareOp op = query::CompareOp::Eq;
    bool negated = false;               ///< `not in`
    std::vector<query::Operand> values; ///< Compare: one; InList: each; InRange: low, high
    QString needle;                     ///< Match: the substring
    std::optional<QRegularExpression> regex;
};

} // namespace runlens
