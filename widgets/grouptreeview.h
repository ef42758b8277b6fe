#pragma once

#include <QStringList>
#include <QTreeView>

namespace runlens {

class GroupTreeModel;

/// The grouped runs: a tree of groups with their statistics, expandable to the member runs.
/// Sorts by a header click (groups by the column's aggregate), marks the best group per metric,
/// and keeps which groups are open across a regrouping of the same keys.
class GroupTreeView : public QTreeView {
    Q_OBJECT

public:
    explicit GroupTreeView(QWidget *parent = nullptr);
    void setGroupModel(GroupTreeModel *model);
    GroupTreeModel *groupModel() const { return m_model; }

    /// The open groups, each as its labels from the top down.
    QStringList expandedGroups() const;
    void expandGroups(const QStringList &groups);
    /// Sizes columns from the header and the first rows.
    void fitColumns();

signals:
    /// Right-click on a column header.
    void headerMenuRequested(int column, const QPoint &globalPos);

private:
    GroupTreeModel *m_model = nullptr;
};

} // namespace runlens
