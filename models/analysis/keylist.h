#pragma once

#include "tablesource.h"

#include "run/runtable.h"

#include <vector>

namespace runlens {

/// What one column of a table holds, as `runlens keys` and the key chooser show it.
struct ColumnStats {
    QString types;        ///< value type names in Value::Type order, joined by `|` ("int|float")
    int runs = 0;         ///< runs with a value
    int distinct = 0;     ///< distinct values (Value::compare equal = same); NaN counts once
    QStringList examples; ///< the first distinct values in sort order, NaN last
};

/// One pass over one column; `maxExamples` bounds ColumnStats::examples.
ColumnStats columnStats(const RunTable &table, int column, int maxExamples = 5);

/// Every key of a table with its family, value types, how many runs have it, how many
/// distinct values it takes (with up to five examples) and its description: `runlens keys`.
class KeyList final : public TableSource {
public:
    explicit KeyList(const RunTable &table);

    int rowCount() const override { return int(m_rows.size()); }
    int columnCount() const override { return 7; }
    QString header(int column) const override;
    Value cell(int row, int column) const override;

private:
    struct Row {
        int column;
        ColumnStats stats;
    };
    const RunTable &m_table;
    std::vector<Row> m_rows;
};

/// Every issue of every run, one per row (`runlens check`): run id, severity, file, line,
/// column, message. Paths below `baseDir` are shown relative to it.
class IssueList final : public TableSource {
public:
    IssueList(const RunTable &table, const QString &baseDir, bool includeNotes);
    /// The issues of these runs (table rows) only, in this order.
    IssueList(const RunTable &table, const QString &baseDir, bool includeNotes,
              const std::vector<int> &rows);

    int rowCount() const override { return int(m_rows.size()); }
    int columnCount() const override { return 6; }
    QString header(int column) const override;
    Value cell(int row, int column) const override;
    int runsWithProblems() const { return m_runsWithProblems; }

private:
    struct Row {
        int run;
        std::size_t issue;
    };
    const RunTable &m_table;
    QString m_baseDir;
    std::vector<Row> m_rows;
    int m_runsWithProblems = 0;
};

/// `path` relative to `baseDir` when it lies below it, else unchanged.
QString displayPath(const QString &path, const QString &baseDir);

} // namespace runlens
