#pragma once

#include <QWidget>

class QLineEdit;
class QPushButton;
class QTreeView;

namespace runlens {

class KeyFilterProxy;
class KeyTreeModel;

/// The key chooser pane: a search field above a checkable tree of every key by dotted prefix
/// (KeyTreeModel through a KeyFilterProxy), with each key's types and counts, and Show all /
/// Hide all buttons that act on the keys the search matches. Owns its model; whoever shows the
/// runs table listens to model()->hiddenColumnsChanged().
class KeyChooser : public QWidget {
    Q_OBJECT

public:
    explicit KeyChooser(QWidget *parent = nullptr);

    KeyTreeModel *model() const { return m_model; }
    KeyFilterProxy *proxy() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    QLineEdit *searchEdit() const { return m_search; }
    QPushButton *showAllButton() const { return m_showAll; }
    QPushButton *hideAllButton() const { return m_hideAll; }

    /// Checks (or unchecks) every key the search matches; all keys when the search is empty.
    void setMatchingShown(bool shown);

signals:
    /// From a key's context menu: group the runs by it, or pin its column left.
    void groupByRequested(int tableColumn);
    void pinRequested(int tableColumn);

private:
    void onSearchChanged(const QString &text);
    /// Families open, deeper groups closed; everything open while searching.
    void applyDefaultExpansion();
    void fitColumns();
    void showContextMenu(const QPoint &pos);

    KeyTreeModel *m_model;
    KeyFilterProxy *m_proxy;
    QLineEdit *m_search;
    QTreeView *m_view;
    QPushButton *m_showAll;
    QPushButton *m_hideAll;
};

} // namespace runlens
