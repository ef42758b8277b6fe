#pragma once

#include "analysis/grouping.h"
#include "analysis/tableview.h"
#include "run/runtable.h"

#include <QAbstractItemModel>
#include <QHash>

#include <memory>
#include <optional>
#include <vector>

namespace runlens {

/// The runs table grouped by keys, as a tree: one row per group (nested when there are several
/// keys) with its statistics, expandable to its member runs. Columns: the group label (key =
/// value, or the run's name), the number of runs, then the run table's shown columns (the group
/// keys left out, their value is in the label; metrics first, then other keys, then run
/// fields): metric columns summarise their numbers per group, either joined (`0.912 ± 0.004 (n=3)`) or one column per aggregate; other columns
/// show the value every run of the group shares, or how many distinct values there are.
/// Summaries are computed when first shown or sorted by, so 100k runs in 100k groups stay
/// cheap. The best group per metric column among the groups of each level is marked, by the
/// metric's direction (guessed from its name, settable). Uses the roles of RunTableModel for
/// run cells. QtCore only.
class GroupTreeModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Role {
        GroupRowRole = Qt::UserRole + 64, ///< bool: the row is a group, not a run
        BestRole,                         ///< bool: the best group of its level in this column
        AggregateRole,                    ///< double: the cell's aggregate (sorting, tests)
        DepthRole,                        ///< int: 0 for top-level groups
    };

    explicit GroupTreeModel(QObject *parent = nullptr);
    ~GroupTreeModel() override;

    /// What to group: the runs (table rows, in the order to show members in), the columns as
    /// the runs table shows them, and the table columns to group by, nested in this order
    /// (none: the model is empty). The table must outlive the model or the next setSource().
    void setSource(const RunTable *table, std::vector<int> rows, std::vector<ViewColumn> columns,
                   std::vector<int> keyColumns);
    const std::vector<int> &groupKeys() const { return m_keys; }
    /// Nested (default): one level per key. Flat: one level, a group per combination of values
    /// (what "collapse over seeds" over many keys wants); labels name the keys a group has.
    void setNested(bool nested);
    bool nested() const { return m_nested; }
    /// Which aggregates metric columns show, joined into one cell or one column each.
    void setAggregates(const std::vector<Aggregate> &aggregates, bool joined);
    const std::vector<Aggregate> &aggregates() const { return m_aggregates; }
    bool joined() const { return m_joined; }
    /// Direction of a metric (table column): set by the user, else guessed from its name.
    Direction direction(int tableColumn) const;
    void setDirection(int tableColumn, Direction direction);
    /// Directions the user set, by `family:key` identity (for settings).
    QHash<QString, int> directionOverrides() const;
    void setDirectionOverrides(const QHash<QString, int> &overrides);

    /// Table column under a model column, -1 for the label, the run count and run fields.
    int tableColumn(int column) const;
    /// The aggregate a metric column shows on its own (separate columns); none when joined
    /// and for other columns.
    std::optional<Aggregate> columnAggregate(int column) const;
    /// Whether a column is the groups' run count.
    bool isRunCountColumn(int column) const;
    /// Table row of a run row, -1 for a group row.
    int tableRow(const QModelIndex &index) const;
    /// Group keys and values from the top down to a group row (empty for run rows).
    std::vector<Value> groupPath(const QModelIndex &index) const;
    /// The statistics of a group in a column with a table column (nullptr otherwise).
    const ColumnSummary *summary(const QModelIndex &index) const;
    /// Groups of the last level (the finest grouping).
    int groupCount() const { return m_groupCount; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    /// Sorts groups at every level by a column's aggregate (or shared value, or the label),
    /// and the runs inside the groups by their values; missing and NaN last. Expanded groups
    /// and selections stay (persistent indexes move along).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

private:
    struct Node;
    enum class Kind { Label, Runs, Field, Value, Metric };
    struct Column {
        Kind kind;
        ViewColumn source;
        std::optional<Aggregate> aggregate; ///< a metric column of one aggregate (not joined)
        QString header;
    };

    void rebuild();
    void buildColumns();
    void buildTree();
    Node *nodeOf(const QModelIndex &index) const; ///< the group of a group row, else null
    Node *parentNodeOf(const QModelIndex &index) const;
    const ColumnSummary &summaryOf(const Node &node, int tableColumn) const;
    /// What a group sorts by in a column (and what "best" compares).
    double sortNumber(const Node &node, int column) const;
    Value sortValue(const Node &node, int column) const;
    bool isBest(const Node &node, int column) const;
    QVariant groupData(const Node &node, int column, int role) const;
    QString labelOf(const Node &node) const;

    const RunTable *m_table = nullptr;
    std::vector<int> m_rows;
    std::vector<ViewColumn> m_sourceColumns;
    std::vector<int> m_keys;
    std::vector<Aggregate> m_aggregates{Aggregate::Mean, Aggregate::Std, Aggregate::Count};
    bool m_joined = true;
    bool m_nested = true;
    QHash<QString, int> m_directions;
    std::vector<Column> m_columns;
    std::unique_ptr<Node> m_root;
    int m_groupCount = 0;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    /// Best group per (column, depth), found when first asked.
    mutable QHash<QPair<int, int>, const Node *> m_best;
};

} // namespace runlens
