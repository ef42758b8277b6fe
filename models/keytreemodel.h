#pragma once

#include "analysis/keylist.h"
#include "run/runtable.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QSet>

#include <optional>
#include <vector>

namespace runlens {

/// Every key of a RunTable as a checkable tree for the key chooser: the families (Config,
/// Metrics, Metadata) at the top, then one level per key segment (optimizer > lr). A node can
/// be a key and a group at once (`a` next to `a.b`). A node's check box says whether its table
/// column is shown; a group's is Checked, Unchecked or PartiallyChecked from the keys below it,
/// and setting it sets them all (the auto-tristate rules, kept by the model so any view gets
/// them). Columns: key segment, value types, runs with a value, distinct values; the two counts
/// are computed per key the first time they are asked for, once per setTable.
///
/// Does not own the table. The tree copies what it shows, but the counts are read from the table
/// lazily, so whoever changes the table calls setTable again (or with nullptr) before control
/// returns to the event loop. QtCore only; the view decides the looks from FamilyRole.
class KeyTreeModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column { KeyColumn, TypeColumn, RunsColumn, DistinctColumn, ColumnCount };
    enum Role {
        TableColumnRole = Qt::UserRole + 1, ///< int: the RunTable column, -1 for pure groups
        KeyDisplayRole,                     ///< QString: full dotted key (`optimizer.lr`), or
                                            ///< prefix for groups; empty for family rows
        FamilyRole,                         ///< int: runlens::Family
        DescriptionRole,                    ///< QString: the key's description, if any
    };

    explicit KeyTreeModel(QObject *parent = nullptr);

    /// Rebuilds the tree (a full reset). A key the user checked or unchecked before keeps that
    /// choice, matched by family and key, so a reload or live refresh keeps the chosen columns;
    /// other metadata keys start hidden, config and metric keys shown. Emits
    /// hiddenColumnsChanged.
    void setTable(const RunTable *table);
    const RunTable *table() const { return m_table; }
    /// Counts every key's types, runs and distinct values now, on all cores (they are
    /// otherwise counted one key at a time as they are shown): before sizing the columns to
    /// every key's counts.
    void countAllKeys() const;

    /// Table columns whose keys are unchecked.
    QSet<int> hiddenColumns() const;
    /// Unchecks exactly these table columns and checks all others; unknown columns are ignored.
    void setHiddenColumns(const QSet<int> &columns);
    bool isColumnShown(int tableColumn) const;
    /// Checks or unchecks some table columns (one batch of dataChanged, one signal).
    void setColumnsShown(const QList<int> &tableColumns, bool shown);
    /// Drops the remembered choices: every key back to its family's default.
    void forgetChoices();
    /// The item of a table column (column 0), invalid when the column is not in the tree.
    QModelIndex indexOfColumn(int tableColumn) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    /// The set of unchecked table columns changed (also after every setTable).
    void hiddenColumnsChanged();

private:
    struct Node {
        int parent = -1; ///< node id; -1 for family rows
        int row = 0;     ///< row under the parent
        int column = -1; ///< table column, -1 for pure groups
        Family family = Family::Config;
        QString segment; ///< what column 0 shows
        QString display; ///< full key or prefix; empty for family rows
        std::vector<int> children;
        int keys = 0;  ///< nodes with a table column in this subtree, this one included
        int shown = 0; ///< of those, how many are checked
    };

    const Node &node(const QModelIndex &index) const { return m_nodes[index.internalId()]; }
    QModelIndex indexOfNode(int id, int column = 0) const;
    Qt::CheckState checkState(const Node &n) const;
    const ColumnStats &stats(int tableColumn) const;
    QString toolTip(const Node &n) const;
    void collectColumns(int id, QList<int> &out) const;
    /// Sets the shown flag of table columns, keeps the subtree counts, and emits dataChanged
    /// for every item whose check state changed (in contiguous row ranges), then
    /// hiddenColumnsChanged once. Entries that change nothing are skipped.
    void apply(const std::vector<std::pair<int, bool>> &changes);

    const RunTable *m_table = nullptr;
    std::vector<Node> m_nodes;
    std::vector<int> m_roots;
    std::vector<int> m_nodeOfColumn; ///< table column -> node id
    std::vector<char> m_shown;       ///< per table column
    mutable std::vector<std::optional<ColumnStats>> m_stats;
    /// Keys whose shown state differs from the family default, by (family, key display);
    /// outlives setTable.
    QHash<std::pair<int, QString>, bool> m_choices;
};

} // namespace runlens
