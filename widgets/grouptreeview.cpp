#include "grouptreeview.h"

#include "grouptreemodel.h"
#include "runtableview.h"

#include <QHeaderView>

namespace runlens {

using namespace Qt::StringLiterals;

GroupTreeView::GroupTreeView(QWidget *parent)
    : QTreeView(parent) {
    auto *header = new FamilyHeader(this);
    header->setSectionsMovable(false);
    setHeader(header);
    setItemDelegate(new CellDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setUniformRowHeights(true); // fast at 100k rows
    setWordWrap(false);
    setSortingEnabled(true);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    header->setStretchLastSection(false);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this, [this, header](const QPoint &pos) {
        const int column = header->logicalIndexAt(pos);
        if (column >= 0) emit headerMenuRequested(column, header->mapToGlobal(pos));
    });
}

void GroupTreeView::setGroupModel(GroupTreeModel *model) {
    m_model = model;
    setModel(model);
}

namespace {

QString pathOf(const QModelIndex &index) {
    QStringList labels;
    for (QModelIndex i = index; i.isValid(); i = i.parent())
        labels.prepend(i.siblingAtColumn(0).data().toString());
    return labels.join(u'\n');
}

/// Walks the group rows from the top, into a group only where `visit(group, path)` says so:
/// costs what is visited, not what is there.
template <typename Visit> void walkGroups(const QAbstractItemModel *model, Visit visit) {
    std::vector<QModelIndex> todo{QModelIndex()};
    while (!todo.empty()) {
        const QModelIndex parent = todo.back();
        todo.pop_back();
        for (int r = 0; r < model->rowCount(parent); ++r) {
            const QModelIndex child = model->index(r, 0, parent);
            if (!child.data(GroupTreeModel::GroupRowRole).toBool()) break; // runs: done here
            if (visit(child, pathOf(child))) todo.push_back(child);
        }
    }
}

} // namespace

QStringList GroupTreeView::expandedGroups() const {
    QStringList out;
    if (!m_model) return out;
    walkGroups(m_model, [&](const QModelIndex &group, const QString &path) {
        if (!isExpanded(group)) return false;
        out << path;
        return true;
    });
    return out;
}

void GroupTreeView::expandGroups(const QStringList &groups) {
    if (!m_model || groups.isEmpty()) return;
    const QSet<QString> wanted(groups.begin(), groups.end());
    walkGroups(m_model, [&](const QModelIndex &group, const QString &path) {
        if (!wanted.contains(path)) return false;
        expand(group);
        return true;
    });
}

void GroupTreeView::fitColumns() {
    if (!m_model) return;
    const QFontMetrics fm = fontMetrics();
    const int rows = std::min(m_model->rowCount(), 50);
    for (int c = 0; c < m_model->columnCount(); ++c) {
        int width = fm.horizontalAdvance(m_model->headerData(c, Qt::Horizontal).toString()) + 24;
        for (int r = 0; r < rows; ++r)
            width = std::max(width, fm.horizontalAdvance(m_model->index(r, c).data().toString()) +
                                        (c == 0 ? indentation() * 2 + 24 : 24)); // bold rows
        // Flat groups of many keys have long labels: the first column may take more room.
        setColumnWidth(c, std::min(width, c == 0 ? (m_model->nested() ? 360 : 560) : 260));
    }
}

} // namespace runlens
