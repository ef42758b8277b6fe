#pragma once

#include <QSortFilterProxyModel>

namespace runlens {

/// The key chooser's search: keeps the keys whose full dotted name (KeyTreeModel's
/// KeyDisplayRole) contains the search text, case-insensitively, together with their ancestors,
/// so typing `lr` shows Config > optimizer > lr. Sorting by a column keeps the family rows in
/// model order. Owned by the widget that shows it.
class KeyFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit KeyFilterProxy(QObject *parent = nullptr);

    /// Plain text, not a pattern; empty shows everything.
    void setSearchText(const QString &text);
    QString searchText() const { return m_text; }
    /// Whether a source item matches the search by itself (not only through a descendant).
    bool matches(const QModelIndex &sourceIndex) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_text;
};

} // namespace runlens
