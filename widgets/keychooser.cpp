#include "keychooser.h"

#include "keyfilterproxy.h"
#include "keytreemodel.h"
#include "runtableview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// Family rows (Config, Metrics, Metadata) bold in their family's colour, the colours of the
/// runs table's header bands, so the chooser and the table read alike.
class FamilyRowDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.parent().isValid() || index.column() != KeyTreeModel::KeyColumn) return;
        const int family = index.data(KeyTreeModel::FamilyRole).toInt();
        option->palette.setColor(QPalette::Text, FamilyHeader::familyColor(family));
        option->font.setBold(true);
    }
};

} // namespace

KeyChooser::KeyChooser(QWidget *parent)
    : QWidget(parent)
    , m_model(new KeyTreeModel(this))
    , m_proxy(new KeyFilterProxy(this))
    , m_search(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_showAll(new QPushButton(tr("Show all"), this))
    , m_hideAll(new QPushButton(tr("Hide all"), this)) {
    m_proxy->setSourceModel(m_model);

    m_search->setPlaceholderText(tr("Search keys…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, &KeyChooser::onSearchChanged);

    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new FamilyRowDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(KeyTreeModel::KeyColumn, QHeaderView::Stretch);
    header->setSortIndicatorClearable(true);
    header->setSortIndicator(-1, Qt::AscendingOrder); // unsorted: the table's key order
    m_view->setSortingEnabled(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &KeyChooser::showContextMenu);
    // Model resets and searches change what is listed: open the tree and size the columns again.
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] {
        if (m_search->text().isEmpty())
            applyDefaultExpansion();
        else
            m_view->expandAll();
        fitColumns();
    });

    m_showAll->setToolTip(tr("Show every key the search matches (every key when it is empty)"));
    m_hideAll->setToolTip(tr("Hide every key the search matches (every key when it is empty)"));
    connect(m_showAll, &QPushButton::clicked, this, [this] { setMatchingShown(true); });
    connect(m_hideAll, &QPushButton::clicked, this, [this] { setMatchingShown(false); });

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_showAll);
    buttons->addWidget(m_hideAll);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    setFocusProxy(m_search);
}

void KeyChooser::setMatchingShown(bool shown) {
    // Walk the source model: a group that is listed only because a key below it matches must
    // not take its own column along.
    QList<int> columns;
    const auto walk = [&](const auto &self, const QModelIndex &parent) -> void {
        for (int r = 0; r < m_model->rowCount(parent); ++r) {
            const QModelIndex i = m_model->index(r, 0, parent);
            const int column = i.data(KeyTreeModel::TableColumnRole).toInt();
            if (column >= 0 && m_proxy->matches(i)) columns << column;
            self(self, i);
        }
    };
    walk(walk, QModelIndex());
    m_model->setColumnsShown(columns, shown);
}

void KeyChooser::onSearchChanged(const QString &text) {
    m_proxy->setSearchText(text.trimmed());
    if (m_proxy->searchText().isEmpty())
        applyDefaultExpansion();
    else
        m_view->expandAll();
}

void KeyChooser::applyDefaultExpansion() {
    m_view->collapseAll();
    m_view->expandToDepth(0);
}

void KeyChooser::fitColumns() {
    m_model->countAllKeys();
    for (int c = KeyTreeModel::TypeColumn; c < KeyTreeModel::ColumnCount; ++c)
        m_view->resizeColumnToContents(c);
}

void KeyChooser::showContextMenu(const QPoint &pos) {
    const QModelIndex index = m_view->indexAt(pos);
    const int column = index.siblingAtColumn(0).data(KeyTreeModel::TableColumnRole).toInt();
    if (!index.isValid() || column < 0) return; // a family or a prefix group: no one key
    const QString name = index.siblingAtColumn(0).data(KeyTreeModel::KeyDisplayRole).toString();
    QMenu menu(this);
    if (index.siblingAtColumn(0).data(KeyTreeModel::FamilyRole).toInt() != int(Family::Metric))
        menu.addAction(tr("Group by “%1”").arg(name), this,
                       [this, column] { emit groupByRequested(column); });
    menu.addAction(tr("Pin “%1” to the Left").arg(name), this,
                   [this, column] { emit pinRequested(column); });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace runlens
