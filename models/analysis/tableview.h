#pragma once

#include "cellmarks.h"
#include "tablesource.h"

#include "readers/history.h"
#include "run/runtable.h"

#include <QStringList>

#include <optional>
#include <vector>

namespace runlens {

/// Per-run facts that can be shown as columns beside the keys.
enum class RunField { Id, Name, Status, Format, Path, Start, Duration, Issues };

struct SortKey {
    QString column; ///< a column spec as in ViewSpec::columns
    bool descending = false;
};

/// What the user asked to see. The same spec drives the CLI, exports and (later) the GUI.
struct ViewSpec {
    /// Column specs in order: keys (`optimizer.lr`), globs (`optimizer.*`), a family prefix
    /// (`metric:epoch`, `config:*`), or run fields (`name`, `status`, `run:path`). Empty: the id,
    /// then every config key, then every metric key.
    QStringList columns;
    bool varyingOnly = false; ///< drop key columns whose value is the same in every shown run
    std::vector<SortKey> sort;
    /// The runs to show (table rows, in this order before sorting; a filter's result); all
    /// when unset.
    std::optional<std::vector<int>> rows;
    /// Metrics (by key, `val/loss`) shown as a summary over their history instead of their last
    /// value (`--summary val/loss=min`); sorting by such a metric sorts by the summary.
    QHash<QString, MetricSummary> summaries;
};

/// One shown column: a run field or a table column, with its header.
struct ViewColumn {
    std::optional<RunField> field;
    int column = -1;
    QString header;
    /// Set when the column shows a metric's summary over its history instead of its last value:
    /// `column` is then the `history.<stat>.<key>` metadata column and this the metric's own
    /// column, which the view column stands for (family, direction, identity).
    int summaryOf = -1;
};

/// The table column a view column stands for: the metric of a summary column, else its own.
inline int keyColumn(const ViewColumn &c) {
    return c.summaryOf >= 0 ? c.summaryOf : c.column;
}

/// A metric column (table column `metric`) showing `summary` over the runs' histories, headed
/// `val/loss (min)`; the metric column itself for MetricSummary::Last; nullopt when no run has
/// a history of that metric (readers/history.h).
std::optional<ViewColumn> summaryColumn(const RunTable &table, int metric, MetricSummary summary,
                                        const QString &header);

/// The table as shown: chosen rows in order and chosen columns with unambiguous headers. Cheap
/// to build (indices only); cells are read from the RunTable on demand.
class TableView final : public TableSource {
public:
    TableView(const RunTable &table, std::vector<int> rows, std::vector<ViewColumn> columns);

    int rowCount() const override { return int(m_rows.size()); }
    int columnCount() const override { return int(m_columns.size()); }
    QString header(int column) const override { return m_columns[std::size_t(column)].header; }
    Value cell(int row, int column) const override;

    int runRow(int row) const { return m_rows[std::size_t(row)]; }
    const ViewColumn &viewColumn(int column) const { return m_columns[std::size_t(column)]; }

    /// Compares every run with a baseline run (a table row, shown or not; -1: none), as the
    /// window does: the baseline's own cells are marked Baseline, the key cells whose value is
    /// not the baseline's DiffersFromBaseline (run fields never are).
    void setBaselineRow(int tableRow) { m_baselineRow = tableRow; }
    int baselineRow() const { return m_baselineRow; }
    /// Marks the best number of each shown metric column among the shown runs Best, by the
    /// metric's direction (set in `directions`, else guessed from its name). One pass over
    /// the metric columns; until it is called no cell is Best.
    void markBest(const DirectionOverrides &directions = {});

    /// A key column's family; a metric column's direction.
    ColumnMeta columnMeta(int column) const override;
    CellMarks cellMarks(int row, int column) const override;
    QString description() const override;

private:
    const RunTable &m_table;
    std::vector<int> m_rows;
    std::vector<ViewColumn> m_columns;
    int m_baselineRow = -1;
    DirectionOverrides m_directions;
    BestValues m_best;
};

/// A resolved sort key: a run field or a table column.
struct ColumnSort {
    std::optional<RunField> field;
    int column = -1;
    bool descending = false;
};

/// Sorts table rows stably by the keys, type-aware (numbers numerically); missing values and
/// NaN go last whichever the direction. Shared by the CLI view and the GUI model.
void sortRunRows(const RunTable &table, std::vector<int> &rows,
                 const std::vector<ColumnSort> &keys);

/// The order of sortRunRows() for two values: type-aware, ascending or descending, with missing
/// values and NaN last either way (NaN before missing). <0, 0, >0.
int compareForSort(const Value &a, const Value &b, bool descending);

/// Sorts `order` stably by values computed beforehand: `values[k][i]` is sort key k's value of
/// item i, `descending[k]` its direction, compared by compareForSort(). What sortRunRows() and
/// the grouped tables share.
void sortByValues(std::vector<int> &order, const std::vector<std::vector<Value>> &values,
                  const std::vector<bool> &descending);

/// Whether every row in `rows` has the same value in `column` (missing counts as a value).
bool columnIsConstant(const RunTable &table, int column, const std::vector<int> &rows);

/// Builds the view; nullopt with `error` set when a column or sort spec names nothing.
std::optional<TableView> makeTableView(const RunTable &table, const ViewSpec &spec,
                                       QString *error = nullptr);

/// The value of a run field for a row.
Value runFieldValue(const RunInfo &run, RunField field);
QString runFieldName(RunField field);

/// Table columns a spec names, in table order; empty when none. Field specs are not matched here.
std::vector<int> matchColumns(const RunTable &table, const QString &spec);

} // namespace runlens
