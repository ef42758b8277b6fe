#include "detailspane.h"

#include "readers/reader.h"
#include "readers/timeparse.h"
#include "run/runtable.h"
#include "runtableview.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace runlens {

using namespace Qt::StringLiterals;

DetailsPane::DetailsPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_path(new QLabel(this))
    , m_open(new QPushButton(tr("Open folder"), this))
    , m_tree(new QTreeWidget(this)) {
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_title->setFont(bold);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setWordWrap(true);
    m_open->setEnabled(false);
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Key"), tr("Value")});
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_tree->header()->resizeSection(0, 200);

    auto *top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_open);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_path);
    layout->addWidget(m_tree, 1);
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (!m_folder.isEmpty()) QDesktopServices::openUrl(QUrl::fromLocalFile(m_folder));
    });
    showRun(nullptr, -1);
}

void DetailsPane::addFamily(const RunTable &table, int row, int family, const QString &title) {
    auto *root = new QTreeWidgetItem(m_tree, {title});
    root->setForeground(0, FamilyHeader::familyColor(family));
    QFont f = root->font(0);
    f.setBold(true);
    root->setFont(0, f);
    // Nested keys become nested items: optimizer > lr.
    QHash<QString, QTreeWidgetItem *> groups;
    int count = 0;
    for (int c = 0; c < table.columnCount(); ++c) {
        const ColumnInfo &info = table.column(c);
        if (int(info.family) != family || !table.hasValue(row, c)) continue;
        QTreeWidgetItem *parent = root;
        QString path;
        const QStringList &segments = info.key.segments();
        for (qsizetype i = 0; i + 1 < segments.size(); ++i) {
            path += u'\x1f' + segments[i];
            QTreeWidgetItem *&group = groups[path];
            if (!group) group = new QTreeWidgetItem(parent, {segments[i]});
            parent = group;
        }
        const Value v = table.value(row, c);
        auto *item =
            new QTreeWidgetItem(parent, {segments.value(segments.size() - 1), v.displayText()});
        QString tip = u"%1 (%2)"_s.arg(info.display, v.typeName());
        if (!info.description.isEmpty()) tip += u"\n"_s + info.description;
        item->setToolTip(0, tip);
        item->setToolTip(1, v.displayText());
        ++count;
    }
    root->setText(1, tr("%n value(s)", nullptr, count));
    root->setExpanded(true);
    for (QTreeWidgetItem *g : std::as_const(groups))
        g->setExpanded(true);
}

void DetailsPane::showRun(const RunTable *table, int row) {
    m_tree->clear();
    m_row = table && row >= 0 && row < table->rowCount() ? row : -1;
    if (m_row < 0) {
        m_title->setText(tr("No run selected"));
        m_path->clear();
        m_open->setEnabled(false);
        m_folder.clear();
        return;
    }
    const RunInfo &run = table->run(row);
    m_title->setText(run.name == run.id ? run.id : u"%1  (%2)"_s.arg(run.name, run.id));
    m_path->setText(run.path);
    // A run kept in a file with others (a database, a journal): open the folder holding it.
    const auto inFile = splitRunInFilePath(run.path);
    m_folder = inFile ? QFileInfo(inFile->first).absolutePath() : run.path;
    m_open->setEnabled(true);

    auto *about = new QTreeWidgetItem(m_tree, {tr("Run")});
    const auto fact = [about](const QString &k, const QString &v) {
        if (!v.isEmpty()) new QTreeWidgetItem(about, {k, v});
    };
    fact(tr("id"), run.id);
    fact(tr("format"), run.format);
    fact(tr("status"), statusName(run.status));
    fact(tr("start"), formatTimeMs(run.startMs));
    fact(tr("duration"), run.durationSec < 0 ? QString() : u"%1 s"_s.arg(run.durationSec));
    about->setExpanded(true);

    addFamily(*table, row, int(Family::Config), tr("Config"));
    addFamily(*table, row, int(Family::Metric), tr("Metrics"));
    addFamily(*table, row, int(Family::Meta), tr("Metadata"));

    if (!run.issues.empty()) {
        auto *issues =
            new QTreeWidgetItem(m_tree, {tr("Issues"), QString::number(run.issues.size())});
        for (const Issue &i : run.issues) {
            auto *item =
                new QTreeWidgetItem(issues, {Issue::severityName(i.severity), i.toString()});
            item->setToolTip(1, i.toString());
            if (i.severity == Issue::Severity::Error)
                item->setForeground(0, QColor(0xc0, 0x39, 0x2b));
        }
        issues->setExpanded(true);
    }
}

} // namespace runlens
