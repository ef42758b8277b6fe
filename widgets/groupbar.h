#pragma once

#include "analysis/grouping.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QComboBox;
class QHBoxLayout;
class QMenu;
class QToolButton;

namespace runlens {

/// MIME type of a key dragged from a column header or the key chooser: its identity
/// (`config:optimizer.lr`) as UTF-8.
inline constexpr char kKeyMimeType[] = "application/x-runlens-key";

/// The bar above the runs table that says what the runs are grouped by: one chip per key (its
/// menu moves it left or right or removes it), a box that adds a key by name (with
/// completion), the statistics shown per metric, "collapse over seeds" and the pivot view.
/// Keys dropped on the bar (dragged from a header or the key chooser) are added.
class GroupBar : public QWidget {
    Q_OBJECT

public:
    explicit GroupBar(QWidget *parent = nullptr);

    /// The keys that can be grouped by: identities and the names shown for them.
    void setAvailableKeys(const QStringList &identities, const QStringList &names);
    /// Group keys by identity, outermost first.
    QStringList keys() const { return m_keys; }
    void setKeys(const QStringList &keys);
    void addKey(const QString &identity);
    void removeKey(const QString &identity);

    /// One level per key (nested) or one level of value combinations (flat).
    bool nested() const;
    void setNested(bool nested);

    std::vector<Aggregate> aggregates() const;
    bool joined() const;
    void setAggregates(const std::vector<Aggregate> &aggregates, bool joined);

signals:
    void keysChanged();
    void nestedChanged();
    void aggregatesChanged();
    void collapseSeedsRequested();
    void pivotRequested();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void rebuildChips();
    QString nameOf(const QString &identity) const;

    QStringList m_keys;
    QStringList m_identities, m_names;
    QHBoxLayout *m_chips;
    QComboBox *m_add;
    QToolButton *m_stats;
    QMenu *m_statsMenu;
    QToolButton *m_clear;
    QAction *m_nested;
};

} // namespace runlens
