#include "keyfilterproxy.h"

#include "keytreemodel.h"

namespace runlens {

KeyFilterProxy::KeyFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent) {
    setRecursiveFilteringEnabled(true);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setFilterRole(KeyTreeModel::KeyDisplayRole);
}

void KeyFilterProxy::setSearchText(const QString &text) {
    if (text == m_text) return;
    m_text = text;
    invalidateFilter();
}

bool KeyFilterProxy::matches(const QModelIndex &sourceIndex) const {
    return m_text.isEmpty() ||
           sourceIndex.data(filterRole()).toString().contains(m_text, filterCaseSensitivity());
}

bool KeyFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    if (m_text.isEmpty()) return true;
    return matches(sourceModel()->index(sourceRow, 0, sourceParent));
}

bool KeyFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const {
    if (!left.parent().isValid()) // families stay Config, Metrics, Metadata either way
        return sortOrder() == Qt::AscendingOrder ? left.row() < right.row()
                                                 : left.row() > right.row();
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace runlens
