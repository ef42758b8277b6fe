#include "pivotdialog.h"

#include "analysis/pivot.h"
#include "export/tablewriter.h"
#include "exportdialog.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "tablesourcemodel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

struct Statistic {
    const char *name;
    std::vector<Aggregate> aggregates;
};

const std::vector<Statistic> &statistics() {
    static const std::vector<Statistic> list = {
        {"mean ± std (n)", {Aggregate::Mean, Aggregate::Std, Aggregate::Count}},
        {"mean ± sem (n)", {Aggregate::Mean, Aggregate::Sem, Aggregate::Count}},
        {"mean", {Aggregate::Mean}},
        {"median", {Aggregate::Median}},
        {"min", {Aggregate::Min}},
        {"max", {Aggregate::Max}},
        {"count", {Aggregate::Count}},
    };
    return list;
}

QString identityOf(const ColumnInfo &info) {
    return familyName(info.family) + u':' + info.display;
}

} // namespace

PivotDialog::PivotDialog(const RunTableModel *runs, QWidget *parent)
    : QDialog(parent)
    , m_runs(runs)
    , m_rowKey(new QComboBox(this))
    , m_columnKey(new QComboBox(this))
    , m_metric(new QComboBox(this))
    , m_statistic(new QComboBox(this))
    , m_table(new QTableView(this))
    , m_note(new QLabel(this))
    , m_model(new TableSourceModel(this))
    , m_timer(new QTimer(this)) {
    setWindowTitle(tr("Pivot — RunLens"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->addRow(tr("&Rows:"), m_rowKey);
    form->addRow(tr("&Columns:"), m_columnKey);
    form->addRow(tr("&Metric:"), m_metric);
    form->addRow(tr("&Statistic:"), m_statistic);
    layout->addLayout(form);
    for (const Statistic &s : statistics())
        m_statistic->addItem(QString::fromUtf8(s.name));
    for (QComboBox *box : {m_rowKey, m_columnKey, m_metric}) {
        box->setEditable(true); // type to find among many keys
        box->setInsertPolicy(QComboBox::NoInsert);
        box->setMinimumContentsLength(24);
    }

    m_table->setModel(m_model);
    m_table->setItemDelegate(new CellDelegate(m_table));
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_model->setStatisticsFrom(1);
    layout->addWidget(m_table, 1);
    m_note->setWordWrap(true);
    layout->addWidget(m_note);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *tsv = buttons->addButton(tr("Copy as &TSV"), QDialogButtonBox::ActionRole);
    QPushButton *md = buttons->addButton(tr("Copy as M&arkdown"), QDialogButtonBox::ActionRole);
    connect(tsv, &QPushButton::clicked, this, [this] { copy(false); });
    connect(md, &QPushButton::clicked, this, [this] { copy(true); });
    QPushButton *exportButton = buttons->addButton(tr("&Export…"), QDialogButtonBox::ActionRole);
    exportButton->setToolTip(tr("Write the pivot as CSV, TSV, Markdown, LaTeX, HTML or JSON"));
    connect(exportButton, &QPushButton::clicked, this, [this] { exportPivot(); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(820, 480);

    m_timer->setSingleShot(true);
    m_timer->setInterval(150);
    connect(m_timer, &QTimer::timeout, this, &PivotDialog::recompute);
    for (QComboBox *box : {m_rowKey, m_columnKey, m_metric, m_statistic})
        connect(box, &QComboBox::currentIndexChanged, this, &PivotDialog::recompute);
    // The pivot shows the runs the table shows: it follows filters, reloads and new runs.
    connect(m_runs, &QAbstractItemModel::modelReset, this, [this] {
        fillKeys();
        recompute();
    });
    connect(m_runs, &QAbstractItemModel::rowsInserted, m_timer, qOverload<>(&QTimer::start));
    connect(m_runs, &QAbstractItemModel::rowsRemoved, m_timer, qOverload<>(&QTimer::start));
    fillKeys();
    recompute();
}

void PivotDialog::fillKeys() {
    const RunTable &table = m_runs->table();
    const auto fill = [&](QComboBox *box, std::initializer_list<Family> families) {
        const QString current = box->currentData().toString();
        const QSignalBlocker block(box);
        box->clear();
        for (Family family : families)
            for (int c = 0; c < table.columnCount(); ++c) {
                const ColumnInfo &info = table.column(c);
                if (info.family != family) continue;
                // The list's main family bare, the others with their family in front.
                box->addItem(family == *families.begin()
                                 ? info.display
                                 : familyName(family) + u':' + info.display,
                             identityOf(info));
            }
        box->setCurrentIndex(std::max(0, box->findData(current)));
    };
    fill(m_rowKey, {Family::Config, Family::Meta});
    fill(m_columnKey, {Family::Config, Family::Meta});
    fill(m_metric, {Family::Metric, Family::Config});
    if (m_columnKey->currentIndex() == m_rowKey->currentIndex() && m_columnKey->count() > 1) {
        const QSignalBlocker block(m_columnKey);
        m_columnKey->setCurrentIndex(m_rowKey->currentIndex() == 0 ? 1 : 0);
    }
}

void PivotDialog::preselect(const QString &rowKey, const QString &columnKey) {
    const QSignalBlocker blockRows(m_rowKey), blockColumns(m_columnKey);
    if (const int i = m_rowKey->findData(rowKey); i >= 0) m_rowKey->setCurrentIndex(i);
    if (const int i = m_columnKey->findData(columnKey); i >= 0) m_columnKey->setCurrentIndex(i);
    recompute();
}

std::optional<PivotSpec> PivotDialog::currentSpec() const {
    const RunTable &table = m_runs->table();
    QHash<QString, int> byIdentity;
    for (int c = 0; c < table.columnCount(); ++c)
        byIdentity.insert(identityOf(table.column(c)), c);
    PivotSpec spec;
    spec.rowKey = byIdentity.value(m_rowKey->currentData().toString(), -1);
    spec.columnKey = byIdentity.value(m_columnKey->currentData().toString(), -1);
    spec.metric = byIdentity.value(m_metric->currentData().toString(), -1);
    spec.aggregates = statistics()[std::size_t(std::max(0, m_statistic->currentIndex()))].aggregates;
    spec.joined = true;
    spec.missingLabel = true;
    if (spec.rowKey < 0 || spec.columnKey < 0 || spec.metric < 0) return std::nullopt;
    return spec;
}

void PivotDialog::recompute() {
    m_timer->stop();
    const RunTable &table = m_runs->table();
    const std::optional<PivotSpec> spec = currentSpec();
    if (!spec) {
        m_model->setSource(nullptr);
        m_note->setText(tr("Choose two keys and a metric."));
        return;
    }
    m_model->setSource(std::make_unique<PivotTable>(table, m_runs->shownRows(), *spec));
    m_note->setText(tr("%1 over %2 shown run(s); an empty cell: no run has that pair of values.")
                        .arg(m_metric->currentText())
                        .arg(m_runs->shownRows().size()));
    m_table->resizeColumnsToContents();
}

void PivotDialog::copy(bool markdown) {
    if (!m_model->source()) return;
    QApplication::clipboard()->setText(QString::fromUtf8(
        renderTable(*m_model->source(), markdown ? TableFormat::Markdown : TableFormat::Tsv)));
}

std::unique_ptr<TableSource> PivotDialog::exportSource(const ExportChoice &choice) const {
    std::optional<PivotSpec> spec = currentSpec();
    if (!spec) return nullptr;
    // People read each cell's statistics joined; programs get a column per statistic.
    spec->joined = isForPeople(choice.format);
    spec->missingLabel = spec->joined;
    return std::make_unique<PivotTable>(m_runs->table(), m_runs->shownRows(), *spec);
}

ExportDialog *PivotDialog::exportPivot() {
    ExportOffer offer;
    offer.noun = tr("rows");
    offer.shownRows = m_model->rowCount();
    offer.columnsChoice = false;
    offer.pathChoice = false;
    offer.baseName = u"pivot"_s;
    return ExportDialog::open(
        this, [this](const ExportChoice &c) { return exportSource(c); }, offer, {m_model});
}

} // namespace runlens
