#pragma once

#include "plots.h"

#include <QFutureWatcher>
#include <QSet>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QTabWidget;
class QTimer;
class QToolButton;

namespace runlens {

class PlotView;
class RunTableModel;

/// The plots beside the runs table: parallel coordinates, scatter, parameter importance and
/// metric curves, each with its choice of keys. Linked with the table: the plots show the runs
/// the table shows (its filter; the scatter its grouping), the table's selection is marked in
/// them, and selecting lines or points selects those runs. Brushing parallel axes asks the
/// window to filter the table with the equivalent query (brushFilterChanged) while the plot
/// keeps showing the runs it had, the ones outside the brushes in grey.
class PlotPanel : public QWidget {
    Q_OBJECT

public:
    explicit PlotPanel(const RunTableModel *runs, QWidget *parent = nullptr);
    ~PlotPanel() override;

    /// The group keys of the window (table columns): the scatter draws one point per group.
    void setGroupColumns(const std::vector<int> &columns);
    /// The table's selected runs (table rows): marked in the plots; the curves show them.
    void setSelectedRuns(const std::vector<int> &tableRows);
    /// Drops the brushes without asking for a filter (the user changed the filter themselves).
    void clearBrushes();
    /// Recomputes every plot from the runs table now (normally debounced after changes).
    void refresh();

    QTabWidget *tabs() const { return m_tabs; }
    ParallelPlot &parallelPlot() { return m_parallel; }
    ScatterPlot &scatterPlot() { return m_scatter; }
    ImportancePlot &importancePlot() { return m_importance; }
    CurvePlot &curvePlot() { return m_curves; }
    PlotView *parallelView() const { return m_parallelView; }
    PlotView *scatterView() const { return m_scatterView; }
    QComboBox *colorBox() const { return m_color; }
    QComboBox *xBox() const { return m_x; }
    QComboBox *yBox() const { return m_y; }
    QComboBox *importanceMetricBox() const { return m_importanceMetric; }
    QComboBox *curveMetricBox() const { return m_curveMetric; }
    /// The parallel axes by identity (`config:optimizer.lr`), in order.
    QStringList parallelAxes() const { return m_axisIds; }
    void setParallelAxes(const QStringList &identities);
    /// Waits for the importance and curves computations running on threads (tests).
    void waitForBackgroundWork();

signals:
    /// The brushes as a query clause, or empty when they were cleared.
    void brushFilterChanged(const QString &expression);
    /// Runs picked in a plot (table rows); `add`: add to the selection.
    void runsSelected(const std::vector<int> &tableRows, bool add);

private:
    void scheduleRefresh();
    void fillKeyChoices();
    void refreshParallel();
    void refreshScatter();
    void refreshImportance();
    void refreshCurves();
    void onBrushes();
    std::vector<int> plotRows() const;
    PlotKey keyOf(const QString &identity) const;

    const RunTableModel *m_runs;
    QTabWidget *m_tabs;
    ParallelPlot m_parallel;
    ScatterPlot m_scatter;
    ImportancePlot m_importance;
    CurvePlot m_curves;
    PlotView *m_parallelView, *m_scatterView, *m_importanceView, *m_curveView;
    QToolButton *m_axesButton;
    QComboBox *m_color, *m_x, *m_y, *m_scatterColor, *m_importanceMetric, *m_curveMetric;
    QCheckBox *m_logX, *m_logY, *m_curveLogY;
    QSlider *m_smoothing;
    QLabel *m_importanceNote;
    QTimer *m_timer;
    QStringList m_axisIds;
    std::vector<int> m_groupColumns;
    std::vector<int> m_selected;
    /// While brushes exist, the runs the parallel plot had when brushing began.
    std::optional<std::vector<int>> m_brushBase;
    /// What the importance thread computes: the bars, the metric and a note.
    struct ImportanceData {
        QString metric;
        std::vector<ImportanceBar> bars;
        QString note;
    };
    QFutureWatcher<ImportanceData> m_importanceJob;
    QFutureWatcher<std::vector<CurveSeries>> m_curveJob;
    QString m_curveLabel;
    quint64 m_tableGeneration = 0;
};

} // namespace runlens
