#pragma once

#include "cellmarks.h"
#include "grouping.h"
#include "tablesource.h"

#include <optional>
#include <vector>

namespace runlens {

/// What a pivot shows: one metric summarised over the runs of each (row value, column value).
struct PivotSpec {
    int rowKey = -1;    ///< table column whose values are the rows
    int columnKey = -1; ///< table column whose values are the columns
    int metric = -1;    ///< table column summarised in the cells
    std::vector<Aggregate> aggregates = {Aggregate::Mean};
    /// For people: each cell the joined aggregates (joinedText()). For programs: one numeric
    /// column per column value and aggregate.
    bool joined = false;
    /// The row-key cell of the runs lacking the row key: `(missing)` for people, else empty.
    /// (A column header always says `(missing)`.)
    bool missingLabel = false;
};

/// A two-way table of one metric: rows are the values of one key, columns the values of
/// another (both in Value::compare order, a `(missing)` row or column last when runs lack
/// them), each cell the chosen aggregates over the runs with that pair of values; a pair no
/// run has is an empty cell. `runlens table --pivot ROWKEY,COLKEY`.
///
/// The first column holds the row values, headed by the row key (`rowkey \ colkey` when
/// joined). The others are headed by the column value (`0.0003`, `(missing)`), followed by
/// the aggregate (`0.0003 std`) when a column value has several columns; a count comes with a
/// `<value> nan` column, as in GroupTable. Holds no reference to the table.
class PivotTable final : public TableSource {
public:
    PivotTable(const RunTable &table, const std::vector<int> &rows, PivotSpec spec);

    int rowCount() const override { return int(m_rowValues.size()); }
    int columnCount() const override { return 1 + int(m_columnValues.size() * m_parts.size()); }
    QString header(int column) const override;
    Value cell(int row, int column) const override;

    /// The summary of a (row, column value) pair, null where no run has the pair.
    const ColumnSummary *summary(int row, int columnValue) const;
    const std::vector<Value> &columnValues() const { return m_columnValues; }

    /// The first column: the row key's family. The others: the metric's family, its direction
    /// where the column competes for best (mean, median, min, max; joined: by the mean), and
    /// the aggregates of a joined column.
    ColumnMeta columnMeta(int column) const override;
    /// The best cell of the whole table is Best (per aggregate; ties all are), where at least
    /// two cells have a number: every cell summarises the same metric.
    CellMarks cellMarks(int row, int column) const override;
    const ColumnSummary *cellSummary(int row, int column) const override;
    QString description() const override;
    /// The metric's direction: as set here (by `family:key`), else guessed from its name.
    void setDirections(const DirectionOverrides &directions);

private:
    /// One of the columns each column value gets.
    struct Part {
        bool nanCount = false;
        Aggregate aggregate = Aggregate::Mean;
    };

    PivotSpec m_spec;
    QString m_cornerHeader;
    std::vector<Value> m_rowValues, m_columnValues;
    std::vector<std::optional<ColumnSummary>> m_cells; ///< row-major, one per column value
    std::vector<Part> m_parts;
    /// The aggregate a part competes with for best; none for spreads and counts.
    std::optional<Aggregate> competing(const Part &part) const;

    ColumnInfo m_rowKeyInfo, m_metricInfo;
    QStringList m_keyHeaders; ///< the row key's and the column key's
    int m_runs = 0;
    std::optional<Direction> m_direction;
    BestValues m_best; ///< one column per part, over every cell
};

} // namespace runlens
