#pragma once

#include "run/runtable.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace runlens {

enum class RunField; // tableview.h

/// Where and why a query text is wrong, for the filter bar (underline `position`, `length`)
/// and the command line (one line).
struct QueryError {
    int position = 0;     ///< character offset into the text
    int length = 0;       ///< characters to mark (at least 1 when position < text length)
    QString message;      ///< "unknown key optimiser.lr — did you mean optimizer.lr?"
    QStringList expected; ///< what would have been accepted here ("a value", "and", ")")
    QString suggestion;   ///< a replacement for the marked text, when there is one
    int line = 0;         ///< 1-based line and column of `position`, set by Query::parse();
    int column = 0;       ///< 0 when unknown (toString() then counts `position` on line 1)
    /// `message` with the position: "at 1:12: unknown key ..." (column 1-based).
    QString toString() const;
};

/// A parsed query over runs (grammar in docs/QUERY.md): comparisons `== != < <= > >=`, `and`,
/// `or`, `not`, parentheses, `in [a, b]`, ranges `in 1e-4..1e-3`, `~` with a string
/// (substring, case-insensitive) or a /regex/, `exists key`, `missing key`; keys as dotted
/// paths, quoted (`"val/acc"`), bracketed (`config["a.b"]`), with a family prefix
/// (`config:epoch`, `metric:epoch`, `meta:host`) and the run fields (`name`, `id`, `status`,
/// `format`, `path`, `start`, `duration`). A comparison on a key a run lacks is false; NaN
/// compares as no number does (only `!=` is true). Keys are bound to the columns of the table
/// the query was parsed against: parse again for another table.
class Query {
public:
    Query(Query &&) noexcept;
    Query &operator=(Query &&) noexcept;
    ~Query();

    /// Parses `text` against `table`'s keys; nullopt with `error` set when it is not a valid
    /// query (a syntax error, an unknown or ambiguous key, a bad regex, a type that can never
    /// compare, such as `lr > "abc"`).
    static std::optional<Query> parse(const QString &text, const RunTable &table,
                                      QueryError *error = nullptr);

    bool matches(const RunTable &table, int row) const;
    /// The rows of `rows` that match, in order.
    std::vector<int> filter(const RunTable &table, const std::vector<int> &rows) const;
    const QString &text() const { return m_text; }
    /// Table columns the query reads (for "the columns a filter uses").
    std::vector<int> columns() const;

    /// The parsed form; defined in queryinternal.h, for the implementation's eyes only.
    struct Node;

private:
    Query();
    QString m_text;
    std::unique_ptr<Node> m_root;
};

/// Whether the filter bar should read `text` as a query rather than as words to search for:
/// it holds an operator, a keyword used as one (`and`, `or`, `not`, `in`, `exists`, `missing`),
/// or is a single known key. A plain word (`resnet`) is a quick text search.
bool looksLikeQuery(const QString &text, const RunTable &table);

/// What Tab completes at `cursor`: the text to replace (`start`, `length`) and the candidates,
/// best first: keys (dotted paths, quoted where needed) where a key may stand, values the key
/// takes (`"adam"`, `0.001`) after a comparison or in a list, keywords after a complete
/// comparison.
struct Completion {
    int start = 0;
    int length = 0;
    QStringList candidates;
};
Completion completeQuery(const QString &text, int cursor, const RunTable &table);

/// The key as a query spells it: `optimizer.lr`, `"val/acc"`, `config["a.b"]`, with a family
/// prefix only where the key is in two families.
QString queryKey(const RunTable &table, int column);
/// A run field as a query spells it: `name`, or `run:name` where a key has the same name.
QString queryKey(const RunTable &table, RunField field);
/// A value as a query literal: `0.001`, `"adam"`, `true`, `null`, `[1, 2]`.
QString queryLiteral(const Value &value);

} // namespace runlens
