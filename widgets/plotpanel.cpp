#include "plotpanel.h"

#include "analysis/grouping.h"
#include "analysis/importance.h"
#include "plotview.h"
#include "readers/readerregistry.h"
#include "runtablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>


namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// A row of controls above a plot, with its Export button at the end.
QHBoxLayout *controlRow(QVBoxLayout *page, PlotView *view) {
    auto *row = new QHBoxLayout;
    page->addLayout(row);
    page->addWidget(view, 1);
    auto *exportButton = new QPushButton(QObject::tr("Export…"), view->parentWidget());
    exportButton->setToolTip(QObject::tr("Save the plot as PNG (print resolution) or SVG"));
    QObject::connect(exportButton, &QPushButton::clicked, view, &PlotView::exportImage);
    row->addStretch(1);
    row->addWidget(exportButton);
    return row;
}

void addLabeled(QHBoxLayout *row, const QString &label, QWidget *w) {
    auto *l = new QLabel(label, w->parentWidget());
    l->setBuddy(w);
    row->insertWidget(row->count() - 2, l);
    row->insertWidget(row->count() - 2, w);
}

QString identityOf(const RunTable &table, int column) {
    return familyName(table.column(column).family) + u':' + table.column(column).display;
}

/// How many runs the curves draw at most when none are selected.
constexpr int kDefaultCurveRuns = 10;
/// Selected runs drawn one curve each, at most; more are summarised as groups only.
constexpr int kMaxCurveRuns = 40;

} // namespace

PlotPanel::PlotPanel(const RunTableModel *runs, QWidget *parent)
    : QWidget(parent)
    , m_runs(runs)
    , m_tabs(new QTabWidget(this))
    , m_axesButton(new QToolButton(this))
    , m_color(new QComboBox(this))
    , m_x(new QComboBox(this))
    , m_y(new QComboBox(this))
    , m_scatterColor(new QComboBox(this))
    , m_importanceMetric(new QComboBox(this))
    , m_curveMetric(new QComboBox(this))
    , m_logX(new QCheckBox(tr("log x"), this))
    , m_logY(new QCheckBox(tr("log y"), this))
    , m_curveLogY(new QCheckBox(tr("log y"), this))
    , m_smoothing(new QSlider(Qt::Horizontal, this))
    , m_importanceNote(new QLabel(this))
    , m_timer(new QTimer(this)) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    const auto page = [this](const QString &title) {
        auto *w = new QWidget(m_tabs);
        auto *l = new QVBoxLayout(w);
        l->setContentsMargins(4, 4, 4, 4);
        m_tabs->addTab(w, title);
        return std::pair{w, l};
    };

    // Parallel coordinates.
    {
        auto [w, l] = page(tr("Parallel"));
        m_parallelView = new PlotView(&m_parallel, w);
        QHBoxLayout *row = controlRow(l, m_parallelView);
        m_axesButton->setText(tr("Axes"));
        m_axesButton->setPopupMode(QToolButton::InstantPopup);
        m_axesButton->setMenu(new QMenu(m_axesButton));
        m_axesButton->setToolTip(tr("The keys shown as axes; drag an axis name to reorder it, "
                                    "double-click to flip it, drag along an axis to brush"));
        row->insertWidget(0, m_axesButton);
        addLabeled(row, tr("Colour by:"), m_color);
        auto *clear = new QPushButton(tr("Clear Brushes"), w);
        row->insertWidget(row->count() - 2, clear);
        connect(clear, &QPushButton::clicked, this, [this] {
            m_parallel.clearBrushes();
            m_parallelView->refresh();
            onBrushes();
        });
        connect(m_color, &QComboBox::currentIndexChanged, this, &PlotPanel::refreshParallel);
        connect(m_parallelView, &PlotView::brushesChanged, this, &PlotPanel::onBrushes);
        connect(m_parallelView, &PlotView::axisRemoveRequested, this, [this](int axis) {
            QStringList ids;
            for (int a = 0; a < m_parallel.axisCount(); ++a)
                if (a != axis) ids << m_axisIds.value(a);
            setParallelAxes(ids);
        });
        connect(m_parallelView, &PlotView::axesChanged, this, [this] {
            // Keep the order the user dragged the axes into.
            QStringList ids;
            for (int a = 0; a < m_parallel.axisCount(); ++a) {
                const PlotKey &k = m_parallel.axis(a).key();
                ids << (k.field ? u"run:"_s + runFieldName(*k.field)
                                : identityOf(m_runs->table(), k.column));
            }
            m_axisIds = ids;
        });
    }
    // Scatter.
    {
        auto [w, l] = page(tr("Scatter"));
        m_scatterView = new PlotView(&m_scatter, w);
        QHBoxLayout *row = controlRow(l, m_scatterView);
        addLabeled(row, tr("x:"), m_x);
        row->insertWidget(row->count() - 2, m_logX);
        addLabeled(row, tr("y:"), m_y);
        row->insertWidget(row->count() - 2, m_logY);
        addLabeled(row, tr("Colour by:"), m_scatterColor);
        for (QComboBox *box : {m_x, m_y, m_scatterColor})
            connect(box, &QComboBox::currentIndexChanged, this, &PlotPanel::refreshScatter);
        for (QCheckBox *box : {m_logX, m_logY})
            connect(box, &QCheckBox::toggled, this, [this, box](bool on) {
                const bool ok = box == m_logX ? m_scatter.setLogX(on) : m_scatter.setLogY(on);
                if (!ok) {
                    const QSignalBlocker block(box);
                    box->setChecked(false);
                }
                m_scatterView->refresh();
            });
    }
    // Importance.
    {
        auto [w, l] = page(tr("Importance"));
        m_importanceView = new PlotView(&m_importance, w);
        QHBoxLayout *row = controlRow(l, m_importanceView);
        addLabeled(row, tr("Metric:"), m_importanceMetric);
        row->insertWidget(row->count() - 2, m_importanceNote);
        m_importanceNote->setStyleSheet(u"color: gray"_s);
        connect(m_importanceMetric, &QComboBox::currentIndexChanged, this,
                &PlotPanel::refreshImportance);
    }
    // Curves.
    {
        auto [w, l] = page(tr("Curves"));
        m_curveView = new PlotView(&m_curves, w);
        QHBoxLayout *row = controlRow(l, m_curveView);
        addLabeled(row, tr("Metric:"), m_curveMetric);
        row->insertWidget(row->count() - 2, m_curveLogY);
        m_smoothing->setRange(0, 99);
        m_smoothing->setFixedWidth(120);
        m_smoothing->setToolTip(tr("Smoothing (exponential moving average weight)"));
        addLabeled(row, tr("Smoothing:"), m_smoothing);
        connect(m_curveMetric, &QComboBox::currentIndexChanged, this, &PlotPanel::refreshCurves);
        connect(m_curveLogY, &QCheckBox::toggled, this, [this](bool on) {
            if (!m_curves.setLogY(on)) {
                const QSignalBlocker block(m_curveLogY);
                m_curveLogY->setChecked(false);
            }
            m_curveView->refresh();
        });
        connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) {
            m_curves.setSmoothing(v / 100.0);
            m_curveView->refresh();
        });
    }
    for (PlotView *v : {m_parallelView, m_scatterView})
        connect(v, &PlotView::runsSelected, this, &PlotPanel::runsSelected);
    connect(m_tabs, &QTabWidget::currentChanged, this, &PlotPanel::scheduleRefresh);

    m_timer->setSingleShot(true);
    m_timer->setInterval(150);
    connect(m_timer, &QTimer::timeout, this, &PlotPanel::refresh);
    connect(runs, &QAbstractItemModel::modelReset, this, [this] {
        ++m_tableGeneration;
        scheduleRefresh();
    });
    connect(runs, &QAbstractItemModel::layoutChanged, this, &PlotPanel::scheduleRefresh);
    connect(runs, &QAbstractItemModel::rowsInserted, this, &PlotPanel::scheduleRefresh);
    // Results are applied here, on the window's thread, never while a plot paints.
    connect(&m_importanceJob, &QFutureWatcher<ImportanceData>::finished, this, [this] {
        if (m_importanceJob.future().resultCount() == 0) return;
        ImportanceData d = m_importanceJob.result();
        m_importance.setData(d.metric, std::move(d.bars), d.note);
        m_importanceNote->clear();
        m_importanceView->refresh();
    });
    connect(&m_curveJob, &QFutureWatcher<std::vector<CurveSeries>>::finished, this, [this] {
        if (m_curveJob.future().resultCount() == 0) return;
        m_curves.setData(m_curveLabel, tr("step"), m_curveJob.result());
        m_curveView->refresh();
    });
    // A thread reading the table must end before the table changes.
    connect(runs, &RunTableModel::tableAboutToChange, this, &PlotPanel::waitForBackgroundWork);
    scheduleRefresh();
}

PlotPanel::~PlotPanel() {
    waitForBackgroundWork();
}

void PlotPanel::waitForBackgroundWork() {
    m_importanceJob.waitForFinished();
    m_curveJob.waitForFinished();
}

void PlotPanel::scheduleRefresh() {
    m_timer->start();
}

void PlotPanel::setGroupColumns(const std::vector<int> &columns) {
    if (columns == m_groupColumns) return;
    m_groupColumns = columns;
    scheduleRefresh();
}

void PlotPanel::setSelectedRuns(const std::vector<int> &tableRows) {
    m_selected = tableRows;
    const QSet<int> set(tableRows.begin(), tableRows.end());
    m_parallel.setHighlighted(set);
    m_scatter.setHighlighted(set);
    m_parallelView->refresh();
    m_scatterView->refresh();
    if (m_tabs->currentWidget() == m_curveView->parentWidget()) refreshCurves();
}

void PlotPanel::clearBrushes() {
    m_brushBase.reset();
    if (!m_parallel.hasBrushes()) return;
    m_parallel.clearBrushes();
    m_parallelView->refresh();
}

std::vector<int> PlotPanel::plotRows() const {
    return m_runs->shownRows();
}

PlotKey PlotPanel::keyOf(const QString &identity) const {
    if (identity.startsWith(u"run:"_s)) {
        for (RunField f : {RunField::Start, RunField::Duration, RunField::Status, RunField::Format})
            if (identity == u"run:"_s + runFieldName(f)) return PlotKey{f, -1};
        return {};
    }
    const RunTable &table = m_runs->table();
    const qsizetype colon = identity.indexOf(u':');
    const QString family = identity.left(colon);
    for (Family f : {Family::Config, Family::Metric, Family::Meta})
        if (familyName(f) == family) {
            const int c = table.findColumn(f, Key::fromDisplay(identity.mid(colon + 1)));
            return c >= 0 ? PlotKey{std::nullopt, c} : PlotKey{};
        }
    return {};
}

void PlotPanel::fillKeyChoices() {
    const RunTable &table = m_runs->table();
    const std::vector<int> rows = plotRows();
    // Keys in the window's column order: config, then metrics; run duration for scatter.
    QStringList configIds, metricIds, numericIds;
    for (const ViewColumn &c : m_runs->viewColumns()) {
        if (c.field) continue;
        const int column = keyColumn(c);
        const ColumnInfo &info = table.column(column);
        const QString id = identityOf(table, column);
        (info.family == Family::Metric ? metricIds : configIds) << id;
        if (info.family != Family::Meta) {
            // Numeric when the values seen are numbers: the first 500 present are enough to
            // offer a key (the plot itself checks every value), and keep a reset at 100k runs
            // x hundreds of keys cheap.
            bool numeric = false;
            int seen = 0;
            for (int r : rows) {
                const Value v = table.value(r, column);
                if (v.isMissing()) continue;
                numeric = v.isNumber();
                if (!numeric || ++seen >= 500) break;
            }
            if (numeric) numericIds << id;
        }
    }
    numericIds << u"run:duration"_s;
    const auto fill = [&](QComboBox *box, const QStringList &ids, bool none, const QString &preferred) {
        const QString current = box->currentData().toString();
        const QSignalBlocker block(box);
        box->clear();
        if (none) box->addItem(tr("(none)"), QString());
        for (const QString &id : ids)
            box->addItem(id.section(u':', 1), id);
        int i = box->findData(current.isEmpty() ? preferred : current);
        if (i < 0) i = box->findData(preferred);
        box->setCurrentIndex(std::max(0, i));
    };
    const DefaultPlotKeys defaults = defaultPlotKeys(table, rows);
    const auto idOf = [&](int column) { return column >= 0 ? identityOf(table, column) : QString(); };
    const QString metric = idOf(defaults.metric);
    fill(m_color, metricIds + configIds, true, metric);
    fill(m_x, numericIds, false,
         defaults.numericConfig >= 0 ? idOf(defaults.numericConfig) : numericIds.value(0));
    fill(m_y, numericIds, false, metric);
    fill(m_scatterColor, configIds + metricIds, true, idOf(defaults.categoricalConfig));
    QStringList numericMetrics;
    for (const QString &id : metricIds)
        if (numericIds.contains(id)) numericMetrics << id;
    fill(m_importanceMetric, numericMetrics, false, metric);
    fill(m_curveMetric, metricIds, false, metric);

    // Axes: kept where they still exist, else the varying config keys (up to 6) and the metric.
    QStringList axes;
    for (const QString &id : std::as_const(m_axisIds))
        if (keyOf(id).isValid()) axes << id;
    if (axes.isEmpty()) {
        for (int c : defaults.varyingConfig)
            axes << idOf(c);
        if (!metric.isEmpty()) axes << metric;
    }
    m_axisIds = axes;
    QMenu *menu = m_axesButton->menu();
    menu->clear();
    for (const QString &id : configIds + metricIds) {
        QAction *a = menu->addAction(id.section(u':', 1));
        a->setCheckable(true);
        a->setChecked(m_axisIds.contains(id));
        connect(a, &QAction::toggled, this, [this, id](bool on) {
            QStringList ids = m_axisIds;
            if (on && !ids.contains(id)) ids << id;
            if (!on) ids.removeAll(id);
            setParallelAxes(ids);
        });
    }
}

void PlotPanel::setParallelAxes(const QStringList &identities) {
    m_axisIds = identities;
    refreshParallel();
}

void PlotPanel::refresh() {
    m_timer->stop();
    fillKeyChoices();
    // Only the plot in view is computed; the others when their tab is shown.
    QWidget *page = m_tabs->currentWidget();
    if (page == m_parallelView->parentWidget()) refreshParallel();
    if (page == m_scatterView->parentWidget()) refreshScatter();
    if (page == m_importanceView->parentWidget()) refreshImportance();
    if (page == m_curveView->parentWidget()) refreshCurves();
}

void PlotPanel::refreshParallel() {
    std::vector<PlotKey> axes;
    for (const QString &id : std::as_const(m_axisIds))
        if (const PlotKey k = keyOf(id); k.isValid()) axes.push_back(k);
    // While brushing, the plot keeps the runs it had: the table shows the brushed ones.
    m_parallel.setData(&m_runs->table(), m_brushBase ? *m_brushBase : plotRows(), axes,
                       keyOf(m_color->currentData().toString()));
    const QSet<int> selected(m_selected.begin(), m_selected.end());
    m_parallel.setHighlighted(selected);
    m_parallelView->refresh();
}

void PlotPanel::onBrushes() {
    if (m_parallel.hasBrushes()) {
        if (!m_brushBase) m_brushBase = m_parallel.rows();
        emit brushFilterChanged(m_parallel.brushExpression());
    } else {
        m_brushBase.reset();
        emit brushFilterChanged({});
    }
}

void PlotPanel::refreshScatter() {
    const PlotKey x = keyOf(m_x->currentData().toString());
    const PlotKey y = keyOf(m_y->currentData().toString());
    m_scatter.setData(&m_runs->table(), plotRows(), x, y,
                      keyOf(m_scatterColor->currentData().toString()), m_groupColumns);
    // The plot keeps a key's scale, or starts a new key on log when it spans decades.
    for (auto [box, axis] : {std::pair{m_logX, &m_scatter.xAxis()}, std::pair{m_logY, &m_scatter.yAxis()}}) {
        const QSignalBlocker block(box);
        box->setChecked(axis->isLog());
        box->setEnabled(axis->canBeLog());
    }
    m_scatter.setHighlighted(QSet<int>(m_selected.begin(), m_selected.end()));
    m_scatterView->refresh();
}

void PlotPanel::refreshImportance() {
    const PlotKey metric = keyOf(m_importanceMetric->currentData().toString());
    if (metric.column < 0) {
        m_importance.setData({}, {}, tr("Choose a metric."));
        m_importanceView->refresh();
        return;
    }
    m_importanceJob.waitForFinished();
    m_importanceNote->setText(tr("computing…"));
    // The forest runs on a thread; the table holds still meanwhile (the job is waited for
    // before the table changes: see the model signals above and waitForBackgroundWork()).
    const RunTable *table = &m_runs->table();
    const std::vector<int> rows = plotRows();
    const QString label = table->column(metric.column).display;
    m_importanceJob.setFuture(QtConcurrent::run([table, rows, metric, label] {
        const ImportanceResult result = parameterImportance(*table, rows, metric.column);
        std::vector<ImportanceBar> bars;
        for (const KeyImportance &k : result.keys)
            bars.push_back(ImportanceBar{k.key, std::isnan(k.importance) ? 0 : k.importance,
                                         k.categorical ? std::nan("") : k.correlation});
        QString note = result.note;
        if (std::isfinite(result.r2))
            note = (note.isEmpty() ? QString() : note + u' ') +
                   tr("Out-of-bag R² of the forest: %1 over %2 runs.")
                       .arg(QString::number(result.r2, 'f', 2))
                       .arg(result.fittedRows);
        return ImportanceData{label, std::move(bars), note};
    }));
}

void PlotPanel::refreshCurves() {
    const PlotKey metric = keyOf(m_curveMetric->currentData().toString());
    m_curveJob.waitForFinished();
    if (metric.column < 0) {
        m_curves.setData({}, tr("step"), {});
        m_curveView->refresh();
        return;
    }
    const RunTable *table = &m_runs->table();
    // The runs that logged a history of this metric: the selected ones, else the first shown;
    // grouped, every shown one, by group.
    const int steps = table->findColumn(Family::Meta, historyStepsKey(table->column(metric.column).key));
    const auto withHistory = [&](std::vector<int> rows) {
        std::erase_if(rows, [&](int r) { return steps < 0 || table->value(r, steps).isMissing(); });
        return rows;
    };
    const bool grouped = !m_groupColumns.empty();
    std::vector<int> runs = withHistory(grouped ? plotRows() : m_selected);
    if (runs.empty() && !grouped) {
        runs = withHistory(plotRows());
        if (runs.size() > std::size_t(kDefaultCurveRuns)) runs.resize(kDefaultCurveRuns);
    }
    if (!grouped && runs.size() > std::size_t(kMaxCurveRuns)) runs.resize(kMaxCurveRuns);
    const Key key = table->column(metric.column).key;
    const QString label = table->column(metric.column).display;
    // Each run's history is read again from its folder (the table keeps only summaries).
    const std::vector<int> groupColumns = m_groupColumns;
    m_curveLabel = label;
    m_curveJob.setFuture(QtConcurrent::run([table, runs, key, grouped, groupColumns] {
        static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
        return readCurves(*table, registry, runs, key, grouped ? groupColumns : std::vector<int>());
    }));
}

} // namespace runlens
