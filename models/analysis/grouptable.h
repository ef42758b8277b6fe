#pragma once

#include "cellmarks.h"
#include "grouping.h"
#include "tablesource.h"
#include "tableview.h"

#include <vector>

namespace runlens {

/// What a grouped table shows.
struct GroupSpec {
    std::vector<int> keyColumns;    ///< group by these table columns, nested in this order
    std::vector<int> metricColumns; ///< summarise these table columns per group
    std::vector<Aggregate> aggregates = {Aggregate::Mean, Aggregate::Std, Aggregate::Count};
    /// For people (text, Markdown): one column per metric with its aggregates joined into one
    /// string (joinedText()). For programs (CSV, TSV, JSON): one numeric column per metric and
    /// aggregate.
    bool joined = false;
    /// The key cell of the group of runs lacking the key: `(missing)` for people, else empty.
    bool missingLabel = false;
};

/// Runs grouped by config or meta keys, one row per group of the last key: `runlens table
/// --group-by`. Columns: the group keys, `runs` (the group's size), then per metric either one
/// column per aggregate, headed `<metric> <aggregate>` (`val/acc mean`), with a `<metric> nan`
/// column (NaN values left out) after each count; or, joined, one column headed
/// `<metric> <pattern>` (`val/acc mean ± std (n)`). Every summary is computed on construction;
/// holds no reference to the table.
class GroupTable final : public TableSource {
public:
    GroupTable(const RunTable &table, const std::vector<int> &rows, GroupSpec spec);

    int rowCount() const override { return int(m_order.size()); }
    int columnCount() const override { return int(m_columns.size()); }
    QString header(int column) const override { return m_columns[std::size_t(column)].header; }
    Value cell(int row, int column) const override;

    /// Orders the groups, stably; each key names a group key by its header, `runs`, or a
    /// metric's aggregate as `<metric> <aggregate>` (any aggregate, shown or not; a bare metric
    /// means its mean). Missing and NaN last either way. False with `error` set when a key
    /// names nothing.
    bool sort(const std::vector<SortKey> &keys, QString *error = nullptr);

    const FlatGroup &group(int row) const {
        return m_groups[std::size_t(m_order[std::size_t(row)])];
    }
    const ColumnSummary &summary(int row, int metric) const;
    const GroupSpec &spec() const { return m_spec; }
    /// The headers of the group keys and the metrics, in spec order (family-qualified where
    /// two would read the same): the names sort() takes.
    const QStringList &keyHeaders() const { return m_keyHeaders; }
    const QStringList &metricHeaders() const { return m_metricHeaders; }

    /// Key columns: the key's family. Metric columns: the metric's family, its direction where
    /// the column competes for best (mean, median, min, max, and a joined column by its mean),
    /// and a joined column's aggregates.
    ColumnMeta columnMeta(int column) const override;
    /// The best group of each competing metric column is Best (ties all are), where at least
    /// two groups have a number: as the window marks the best group of a level.
    CellMarks cellMarks(int row, int column) const override;
    /// The summary behind a metric column's cell.
    const ColumnSummary *cellSummary(int row, int column) const override;
    QString description() const override;
    /// The metrics' directions: as set here (by `family:key`), else guessed from their names.
    /// Marks the best groups again.
    void setDirections(const DirectionOverrides &directions);

private:
    enum class Kind { Key, Runs, Aggregate, NanCount, Joined };
    struct Column {
        Kind kind;
        int index = 0; ///< key or metric position in the spec
        Aggregate aggregate = Aggregate::Count;
        QString header;
    };
    struct SortColumn {
        Column column;
        bool descending;
    };
    Value sortValue(int group, const Column &c) const;
    /// The number a column's cell competes with for best: NaN where it does not.
    double bestNumber(int group, const Column &c) const;

    GroupSpec m_spec;
    std::vector<FlatGroup> m_groups;
    std::vector<ColumnSummary> m_summaries; ///< group-major: group * metrics + metric
    std::vector<int> m_order;               ///< shown row -> group
    std::vector<Column> m_columns;
    QStringList m_keyHeaders, m_metricHeaders;
    std::vector<ColumnInfo> m_keyInfo, m_metricInfo;
    std::vector<std::optional<Direction>> m_directions; ///< per column; set where it competes
    BestValues m_best;
    int m_runs = 0;
};

/// Headers for table columns shown side by side: the key, with its family in front
/// (`config:epoch`) where two of them would read the same.
QStringList qualifiedHeaders(const RunTable &table, const std::vector<int> &columns);

/// The text people see for a group key: the value, or `(missing)`.
QString groupValueText(const Value &value);

} // namespace runlens
