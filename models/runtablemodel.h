#pragma once

#include "analysis/query.h"
#include "analysis/tableview.h"
#include "run/runtable.h"

#include <QAbstractTableModel>
#include <QSet>

#include <vector>

namespace runlens {

/// Presents the loaded runs to the main window's table: one row per shown run (after the quick
/// filter, in sort order), columns = run fields (name, status, start, duration), then config
/// keys, then metric keys, optionally only the keys that vary among the shown runs. Owns the
/// RunTable it shows; rows are appended in batches while a load is running. Carries meaning
/// in roles (family, missing, NaN, type); widgets decide the looks. QtCore only.
class RunTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Role {
        FamilyRole = Qt::UserRole + 1, ///< int: -1 run field, else runlens::Family
        ValueTypeRole,                 ///< int: Value::Type of the cell
        MissingRole,                   ///< bool
        NaNRole,                       ///< bool
        NumberRole,                    ///< bool: right-align
        RunIdRole,                     ///< QString, any column
        TableRowRole,                  ///< int: row in the RunTable
        FullTextRole,                  ///< QString: the value exactly as the file says
        BaselineRowRole,               ///< bool: the row is the baseline run
        DiffersFromBaselineRole,       ///< bool: a key cell whose value is not the baseline's
    };

    explicit RunTableModel(QObject *parent = nullptr);

    const RunTable &table() const { return m_table; }
    /// Drops every run (a new open).
    void clear();
    /// Replaces every run at once with a table built elsewhere (a reload, on the loader's
    /// thread): one reset, sort and view settings kept.
    void replaceTable(RunTable &&table);
    /// Appends runs as a load delivers them; rows show at once.
    void appendRuns(std::vector<RunRecord> &&records);
    /// After a load: compact storage and apply the varying filter over all runs.
    void finishLoading();

    /// Table columns the user hid in the key chooser (meta keys included when not hidden);
    /// until called, meta keys are hidden and every other key shown.
    void setHiddenColumns(const QSet<int> &columns);
    /// Moves a column (a header drag); the order is kept by key name across filters, reloads
    /// and the varying toggle.
    void moveColumn(int from, int to);
    /// Column identities (`config:optimizer.lr`, `run:status`) in the user's order; empty: default.
    QStringList columnOrder() const;
    void setColumnOrder(const QStringList &order);
    /// Columns pinned to the left edge (identities as in columnOrder), shown first in this order
    /// and kept in view while the rest scrolls. Default: the run name.
    QStringList pinnedColumns() const { return m_pinned; }
    void setPinnedColumns(const QStringList &pinned);
    void setColumnPinned(int viewColumn, bool pinned);
    bool isColumnPinned(int viewColumn) const;
    /// How many leading view columns are pinned.
    int pinnedCount() const;
    /// The identity of a view column (`config:optimizer.lr`, `run:name`).
    QString columnIdentity(int viewColumn) const {
        return columnIdentity(m_columns[std::size_t(viewColumn)]);
    }
    /// The run other runs are compared with (by id; empty: none). Cells whose value differs
    /// from the baseline's are flagged (DiffersFromBaselineRole); the baseline survives
    /// reloads and filters by its id.
    void setBaselineRun(const QString &id);
    QString baselineRun() const { return m_baselineId; }
    /// Table row of the baseline, -1 when none is set or loaded.
    int baselineRow() const { return m_baselineRow; }
    /// Metric columns show each run's difference to the baseline (`+0.012`) instead of its
    /// value; the baseline row keeps its values.
    void setShowDeltas(bool on);
    bool showDeltas() const { return m_showDeltas; }
    void setVaryingOnly(bool on);
    bool varyingOnly() const { return m_varyingOnly; }
    /// Case-insensitive text that a row must contain in its id, name or any shown cell.
    void setFilterText(const QString &text);
    QString filterText() const { return m_filter; }
    /// A query (docs/QUERY.md) the shown runs must match, instead of the text filter; empty
    /// text: none. Returns false with `error` set, and keeps the filter it had, when the text
    /// is not a valid query for this table. The query is parsed again when the table changes
    /// (a reload); if it no longer parses, it is dropped and queryError() says why.
    bool setFilterQuery(const QString &text, QueryError *error = nullptr);
    QString filterQuery() const { return m_queryText; }
    /// Why the last query was dropped on a table change; empty when it was not.
    QString queryError() const { return m_queryError; }
    /// The sort keys by column identity, primary first (for saved views).
    std::vector<std::pair<QString, bool>> sortState() const;
    void setSortState(const std::vector<std::pair<QString, bool>> &keys);

    /// Whether a view column is a metric that some run logged a history of (readers/history.h),
    /// so it can show its min, max or mean instead of its last value.
    bool hasHistory(int viewColumn) const;
    /// What a metric column shows of each run's history: the last value (default), min, max
    /// or mean. Kept by the metric's identity across reloads, filters and column moves; a
    /// metric shown as a summary sorts by it; runs without a history show nothing there.
    MetricSummary columnSummary(int viewColumn) const;
    void setColumnSummary(int viewColumn, MetricSummary summary);
    /// The metrics shown as a summary: identity (`metric:val/loss`) -> `min`, `max` or `mean`.
    QHash<QString, QString> summaries() const;
    void setSummaries(const QHash<QString, QString> &summaries);

    /// Sorts by one column (a header click); a second key is added with addSortColumn.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    /// Adds a column as the next sort key, or flips it if it is one already (shift-click).
    void addSortColumn(int column);
    /// Primary sort column in view coordinates, -1 when unsorted.
    int sortColumn() const;
    Qt::SortOrder sortOrder() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The data of one run's cell for a role, as this model gives it; shared with the grouped
    /// view's run rows.
    static QVariant runCellData(const RunTable &table, int tableRow, const ViewColumn &column,
                                int role);

    int tableRow(int viewRow) const { return m_rows[std::size_t(viewRow)]; }
    /// The shown runs (table rows) in view order, and the shown columns in view order.
    const std::vector<int> &shownRows() const { return m_rows; }
    const std::vector<ViewColumn> &viewColumns() const { return m_columns; }
    /// View row of a run id, -1 when it is not shown.
    int viewRowOfRun(const QString &id) const;
    /// Table column of a view column, -1 for run fields.
    int tableColumn(int viewColumn) const { return m_columns[std::size_t(viewColumn)].column; }
    /// How many key columns exist and how many of them vary among the shown runs.
    int keyColumnCount() const;
    int varyingKeyCount() const { return m_varyingCount; }
    /// Runs with warnings or errors.
    int runsWithProblems() const { return m_problemRuns; }

signals:
    /// The pinned columns or their order changed.
    void pinnedColumnsChanged();
    /// A metric column was switched to another summary of its history.
    void summariesChanged();
    /// The table is about to change (rows appended, replaced, cleared): anything reading it
    /// on another thread must finish first.
    void tableAboutToChange();

private:
    /// A sort key by name, so it survives a reload that numbers the table's columns anew.
    struct SortSpec {
        std::optional<RunField> field;
        Family family = Family::Config;
        Key key;
        bool descending = false;
    };
    SortSpec specFor(int viewColumn, bool descending) const;
    bool sameColumn(const SortSpec &s, const ViewColumn &c) const;

    QString columnIdentity(const ViewColumn &c) const;
    void appendToTable(std::vector<RunRecord> &&records);
    void findBaseline();
    /// The summary column of a metric (table column) the user switched from its last value.
    std::optional<ViewColumn> summaryView(int metricColumn) const;
    /// After the table changed: bind the query to its columns again.
    void reparseQuery();
    bool rowMatches(int tableRow) const;
    std::vector<ViewColumn> computeColumns() const;
    std::vector<int> computeRows() const;
    void resort(std::vector<int> &rows) const;
    /// Re-sorts the shown rows as a layout change, moving persistent indexes along.
    void applySort();
    /// Recomputes rows and columns; a full reset (selection is restored by the view by run id).
    void rebuild();

    RunTable m_table;
    std::vector<int> m_rows;
    std::vector<ViewColumn> m_columns;
    std::vector<SortSpec> m_sort;
    QString m_filter;
    QString m_queryText;
    std::optional<Query> m_query;
    QString m_queryError;
    std::optional<QSet<int>> m_hidden;
    QStringList m_columnOrder;
    QStringList m_pinned{QStringLiteral("run:name")};
    QHash<QString, MetricSummary> m_summaries; ///< by metric identity; Last is not stored
    bool m_varyingOnly = false;
    QString m_baselineId;
    int m_baselineRow = -1;
    bool m_showDeltas = false;
    bool m_loading = false;
    int m_varyingCount = 0;
    int m_problemRuns = 0;
};

} // namespace runlens
