#include "issuespanel.h"

#include "run/runtable.h"

#include <QHeaderView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

using namespace Qt::StringLiterals;

IssuesPanel::IssuesPanel(QWidget *parent)
    : QWidget(parent)
    , m_tree(new QTreeWidget(this)) {
    m_tree->setColumnCount(5);
    m_tree->setHeaderLabels({tr("Run"), tr("Severity"), tr("File"), tr("Line"), tr("Issue")});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSortingEnabled(true);
    m_tree->header()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tree);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item) emit runActivated(item->data(0, Qt::UserRole).toString());
    });
}

void IssuesPanel::setTable(const RunTable *table) {
    m_tree->clear();
    if (!table) return;
    QList<QTreeWidgetItem *> items;
    for (int r = 0; r < table->rowCount(); ++r) {
        const RunInfo &run = table->run(r);
        for (const Issue &i : run.issues) {
            auto *item = new QTreeWidgetItem(
                {run.id, Issue::severityName(i.severity), i.file,
                 i.line > 0 ? u"%1:%2"_s.arg(i.line).arg(i.column) : QString(), i.message});
            item->setData(0, Qt::UserRole, run.id);
            item->setToolTip(4, i.message);
            item->setToolTip(2, i.file);
            if (i.severity == Issue::Severity::Error)
                item->setForeground(1, QColor(0xc0, 0x39, 0x2b));
            else if (i.severity == Issue::Severity::Warning)
                item->setForeground(1, QColor(0xb9, 0x77, 0x0e));
            items << item;
        }
    }
    m_tree->addTopLevelItems(items);
    for (int c = 0; c < 4; ++c)
        m_tree->resizeColumnToContents(c);
}

int IssuesPanel::issueCount() const {
    return m_tree->topLevelItemCount();
}

} // namespace runlens
