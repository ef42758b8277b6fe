#include "diffwindow.h"

#include "analysis/difftable.h"
#include "diffmodel.h"
#include "exportdialog.h"
#include "runtablemodel.h"
#include "runtableview.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// Changed, added and removed cells tinted apart; metric changes green when better than the
/// baseline and red when worse; the baseline's column in bold.
class DiffCellDelegate : public CellDelegate {
public:
    using CellDelegate::CellDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override {
        CellDelegate::initStyleOption(option, index);
        if (index.column() == 0) return;
        switch (CellChange(index.data(DiffModel::ChangeRole).toInt())) {
        case CellChange::Changed:
            option->backgroundBrush = QColor(0xf2, 0xb1, 0x34, 0x40);
            break;
        case CellChange::Added:
            option->backgroundBrush = QColor(0x2e, 0xa0, 0x43, 0x38);
            break;
        case CellChange::Removed:
            option->backgroundBrush = QColor(0xd7, 0x3a, 0x49, 0x38);
            break;
        default:
            break;
        }
        const int verdict = index.data(DiffModel::VerdictRole).toInt();
        if (verdict != 0)
            option->palette.setColor(QPalette::Text, verdict > 0 ? QColor(0x1a, 0x7f, 0x37)
                                                                 : QColor(0xc0, 0x39, 0x2b));
        if (index.data(DiffModel::BaselineRole).toBool()) option->font.setBold(true);
    }
};

} // namespace

DiffWindow::DiffWindow(const RunTableModel *runs, const QStringList &runIds, QWidget *parent)
    : QDialog(parent)
    , m_runs(runs)
    , m_ids(runIds)
    , m_model(new DiffModel(this))
    , m_view(new QTableView(this))
    , m_baseline(new QComboBox(this))
    , m_showAll(new QCheckBox(tr("Show &all keys"), this))
    , m_filter(new QLineEdit(this))
    , m_summary(new QLabel(this)) {
    setWindowTitle(tr("Diff of %n run(s) — RunLens", nullptr, int(runIds.size())));
    auto *layout = new QVBoxLayout(this);
    auto *controls = new QHBoxLayout;
    auto *baselineLabel = new QLabel(tr("&Baseline:"), this);
    baselineLabel->setBuddy(m_baseline);
    controls->addWidget(baselineLabel);
    m_baseline->setMinimumContentsLength(16);
    m_baseline->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    controls->addWidget(m_baseline);
    m_showAll->setToolTip(tr("Also the keys whose value is the same in every run (Ctrl+Shift+A)"));
    m_showAll->setShortcut(QKeySequence(u"Ctrl+Shift+A"_s));
    controls->addWidget(m_showAll);
    m_filter->setPlaceholderText(tr("Filter keys (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    controls->addWidget(m_filter, 1);
    auto *previous = new QPushButton(tr("◀ Previous"), this);
    previous->setToolTip(tr("Previous difference (Shift+F8)"));
    auto *next = new QPushButton(tr("Next ▶"), this);
    next->setToolTip(tr("Next difference (F8)"));
    controls->addWidget(previous);
    controls->addWidget(next);
    layout->addLayout(controls);

    m_view->setModel(m_model);
    m_view->setItemDelegate(new DiffCellDelegate(m_view));
    m_view->setHorizontalHeader(new FamilyHeader(m_view));
    m_view->horizontalHeader()->setSectionsMovable(false);
    m_view->horizontalHeader()->setSortIndicatorShown(false);
    m_view->horizontalHeader()->setSectionsClickable(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    layout->addWidget(m_view, 1);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *yaml = buttons->addButton(tr("Copy as &YAML"), QDialogButtonBox::ActionRole);
    yaml->setToolTip(tr("The differing config keys of every run, nested, as YAML"));
    QPushButton *overrides =
        buttons->addButton(tr("Copy &Overrides"), QDialogButtonBox::ActionRole);
    overrides->setToolTip(tr("Hydra command-line overrides that turn the baseline into each "
                             "other run (optimizer.lr=0.001 batch_size=64)"));
    connect(yaml, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(yamlText()); });
    connect(overrides, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(overridesText()); });
    QPushButton *exportButton = buttons->addButton(tr("&Export…"), QDialogButtonBox::ActionRole);
    exportButton->setToolTip(tr("Write the keys shown as CSV, TSV, Markdown, LaTeX, HTML or JSON"));
    connect(exportButton, &QPushButton::clicked, this, [this] { exportDiff(); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    auto *nextAction = new QAction(this);
    nextAction->setShortcuts({QKeySequence(Qt::Key_F8), QKeySequence(u"Ctrl+Down"_s)});
    connect(nextAction, &QAction::triggered, this, [this] { stepDifference(true); });
    auto *previousAction = new QAction(this);
    previousAction->setShortcuts(
        {QKeySequence(u"Shift+F8"_s), QKeySequence(u"Ctrl+Up"_s)});
    connect(previousAction, &QAction::triggered, this, [this] { stepDifference(false); });
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    addActions({nextAction, previousAction, find});
    connect(next, &QPushButton::clicked, nextAction, &QAction::trigger);
    connect(previous, &QPushButton::clicked, previousAction, &QAction::trigger);

    connect(m_showAll, &QCheckBox::toggled, m_model, &DiffModel::setShowAll);
    connect(m_filter, &QLineEdit::textChanged, m_model, &DiffModel::setFilterText);
    connect(m_baseline, &QComboBox::currentIndexChanged, this, [this](int run) {
        m_model->setBaseline(run);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &DiffWindow::updateSummary);
    // A reload renumbers the table: find the same runs again by id.
    connect(m_runs, &QAbstractItemModel::modelReset, this, &DiffWindow::reload);

    {
        const QVariantMap saved = QSettings().value(u"grouping/directions"_s).toMap();
        for (auto it = saved.cbegin(); it != saved.cend(); ++it)
            m_directions.insert(it.key(), it.value().toInt());
        m_model->setDirectionOverrides(m_directions);
    }
    reload();
}

std::unique_ptr<TableSource> DiffWindow::exportSource(const ExportChoice &choice) const {
    const RunDiff *diff = m_model->diff();
    if (!diff) return nullptr;
    // The keys the window shows (only differences or all, the key filter), in its order.
    std::vector<int> rows;
    for (int r = 0; r < m_model->rowCount(); ++r)
        rows.push_back(m_model->diffRow(r));
    auto table = std::make_unique<DiffTable>(*diff, isForPeople(choice.format), choice.precision);
    table->setDirections(m_directions);
    return std::make_unique<RowSubset>(std::move(table), std::move(rows));
}

ExportDialog *DiffWindow::exportDiff() {
    ExportOffer offer;
    offer.noun = tr("keys");
    offer.shownRows = m_model->rowCount();
    offer.columnsChoice = false;
    offer.pathChoice = false;
    offer.baseName = u"diff"_s;
    return ExportDialog::open(
        this, [this](const ExportChoice &c) { return exportSource(c); }, offer, {m_model});
}

void DiffWindow::reload() {
    const RunTable &table = m_runs->table();
    QHash<QString, int> rowOf;
    for (int r = 0; r < table.rowCount(); ++r)
        rowOf.insert(table.run(r).id, r);
    const QString baselineId =
        m_model->runs().empty() ? m_ids.value(0) : m_ids.value(m_model->baseline());
    std::vector<int> rows;
    QStringList found;
    for (const QString &id : std::as_const(m_ids))
        if (const int r = rowOf.value(id, -1); r >= 0) {
            rows.push_back(r);
            found << id;
        }
    m_ids = found;
    const int baseline = std::max<int>(0, int(found.indexOf(baselineId)));
    m_model->setRuns(&table, rows, baseline);
    const QSignalBlocker block(m_baseline);
    m_baseline->clear();
    for (int run = 0; run < int(rows.size()); ++run)
        m_baseline->addItem(
            m_model->headerData(run + 1, Qt::Horizontal).toString().remove(tr(" (baseline)")),
            found[run]);
    m_baseline->setCurrentIndex(baseline);
    m_view->resizeColumnsToContents();
    int width = 0;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        m_view->setColumnWidth(c, std::min(m_view->columnWidth(c), 240));
        width += m_view->columnWidth(c);
    }
    // Wide enough for every run where the screen allows, on first showing only.
    if (!isVisible() && screen())
        resize(std::clamp(width + 60, 700, screen()->availableGeometry().width() - 80), 600);
}

void DiffWindow::updateSummary() {
    const RunDiff *diff = m_model->diff();
    if (!diff || diff->runs().size() < 2) {
        m_summary->setText(tr("Choose two or more runs to compare."));
        return;
    }
    m_summary->setText(tr("%1 key(s) differ, %2 are missing in some runs, %3 are the same; "
                          "%4 shown. Yellow: changed, green: added, red: removed (against the "
                          "baseline); metric changes in green when better, red when worse.")
                           .arg(diff->countWithStatus(KeyStatus::Different))
                           .arg(diff->countWithStatus(KeyStatus::MissingInSome))
                           .arg(diff->countWithStatus(KeyStatus::Same))
                           .arg(m_model->rowCount()));
}

void DiffWindow::stepDifference(bool forward) {
    const int from = m_view->currentIndex().isValid() ? m_view->currentIndex().row()
                                                      : (forward ? -1 : 0);
    const int row = m_model->nextDifference(from, forward);
    if (row < 0) return;
    const QModelIndex target = m_model->index(row, std::max(0, m_view->currentIndex().column()));
    m_view->selectionModel()->setCurrentIndex(
        target, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(target);
}

QString DiffWindow::overridesText() const {
    const RunDiff *diff = m_model->diff();
    if (!diff) return {};
    const QStringList labels = runLabels(diff->table(), diff->runs());
    QStringList lines;
    lines << u"# from %1 (baseline) to each other run"_s.arg(labels[diff->baseline()]);
    for (int run = 0; run < int(diff->runs().size()); ++run) {
        if (run == diff->baseline()) continue;
        QStringList inexpressible;
        const QString text = diff->overrides(run, &inexpressible);
        lines << u"# %1"_s.arg(labels[run]);
        if (!inexpressible.isEmpty())
            lines << u"# (Hydra's grammar cannot say: %1)"_s.arg(inexpressible.join(u", "_s));
        lines << text;
    }
    return lines.join(u'\n') + u'\n';
}

QString DiffWindow::yamlText() const {
    return m_model->diff() ? m_model->diff()->differencesAsYaml() : QString();
}

} // namespace runlens
