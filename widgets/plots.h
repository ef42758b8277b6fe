#pragma once

#include "plotaxis.h"

#include <QPointF>
#include <QRectF>
#include <QSet>
#include <QSize>
#include <QString>

#include <limits>
#include <optional>
#include <vector>

class QPainter;

namespace runlens {

/// A plot drawn with QPainter: on screen (PlotView) and into PNG and SVG files (exportPlot),
/// from the same code, so an exported figure is what the window shows.
class Plot {
public:
    virtual ~Plot() = default;
    /// What the plot shows, for a window title or a file's description.
    virtual QString title() const = 0;
    /// Draws the whole plot into `area` (logical pixels).
    virtual void paint(QPainter &painter, const QRectF &area) const = 0;
};

/// Writes a plot as PNG (at `scale` device pixels per logical pixel: 300 dpi for a 6.5 in wide
/// figure is about 1950 px) or SVG (vectors), by the path's extension; `size` in logical
/// pixels. Written atomically; false with `error` saying why.
bool exportPlot(const Plot &plot, const QString &path, QSize size, double scale = 2.0,
                QString *error = nullptr);

/// Parallel coordinates: one vertical axis per key, one line per run coloured by a key (a
/// metric), runs lacking a value drawn at a "missing" band under the axis. Brushing a range on
/// axes keeps the runs inside every brush coloured and the rest grey; the brushes read as a
/// query (brushExpression()).
class ParallelPlot final : public Plot {
public:
    /// Shows `rows` (table rows) on `axes`; `color` colours the lines (none: one colour).
    void setData(const RunTable *table, std::vector<int> rows, const std::vector<PlotKey> &axes,
                 PlotKey color);
    QString title() const override;
    void paint(QPainter &painter, const QRectF &area) const override;

    int axisCount() const { return int(m_axes.size()); }
    const PlotAxis &axis(int i) const { return m_axes[std::size_t(i)]; }
    const PlotAxis &colorAxis() const { return m_color; }
    const std::vector<int> &rows() const { return m_rows; }
    void moveAxis(int from, int to);
    void setAxisFlipped(int axis, bool flipped);
    bool setAxisLog(int axis, bool log);

    /// A brush on an axis: the positions [low, high] in [0, 1]; none clears it.
    void setBrush(int axis, std::optional<std::pair<double, double>> range);
    std::optional<std::pair<double, double>> brush(int axis) const;
    void clearBrushes();
    bool hasBrushes() const;
    /// Whether the run at `index` of rows() lies inside every brush.
    bool passes(int index) const;
    /// Table rows of the runs inside every brush.
    std::vector<int> brushedRows() const;
    /// The brushes as a query clause (`optimizer.lr in 1e-4..1e-3 and model.arch in ["a"]`);
    /// empty without brushes.
    QString brushExpression() const;

    /// Runs (table rows) drawn on top, thicker: the table's selection.
    void setHighlighted(const QSet<int> &tableRows) { m_highlighted = tableRows; }

    // Geometry, for the view's mouse handling.
    QRectF plotArea(const QRectF &area) const;
    double axisX(int axis, const QRectF &plotArea) const;
    /// The axis whose line is nearest to `x`, within `tolerance` pixels; -1 if none.
    int axisAt(double x, const QRectF &plotArea, double tolerance = 24) const;
    /// The position in [0, 1] of a y coordinate on the axes.
    double positionAt(double y, const QRectF &plotArea) const;
    /// The run (table row) whose line passes nearest to `point`, within 5 pixels; -1 if none.
    int runAt(const QPointF &point, const QRectF &plotArea) const;
    /// A run's name and its values on the axes, for a tooltip.
    QString describe(int tableRow) const;

private:
    void recompute();
    double lineY(std::size_t index, std::size_t axis, const QRectF &plotArea) const;
    /// Many runs on a raster device: the lines as a density image.
    void paintDensity(QPainter &p, const QRectF &plotArea) const;

    const RunTable *m_table = nullptr;
    std::vector<int> m_rows;
    std::vector<PlotAxis> m_axes;
    PlotAxis m_color;
    std::vector<std::optional<std::pair<double, double>>> m_brushes;
    std::vector<float> m_positions; ///< rows x axes, NaN for missing
    std::vector<float> m_colorT;    ///< per row, NaN when uncoloured
    QSet<int> m_highlighted;
};

/// A scatter plot of two numeric keys, one point per run or, grouped, one point per group at
/// the means with error bars of ± one standard deviation; colour by a key; log axes.
class ScatterPlot final : public Plot {
public:
    /// `groupColumns` not empty: one point per group of runs sharing those keys' values.
    void setData(const RunTable *table, std::vector<int> rows, PlotKey x, PlotKey y,
                 PlotKey color, std::vector<int> groupColumns = {});
    QString title() const override;
    void paint(QPainter &painter, const QRectF &area) const override;

    const PlotAxis &xAxis() const { return m_x; }
    const PlotAxis &yAxis() const { return m_y; }
    bool setLogX(bool on);
    bool setLogY(bool on);
    bool isGrouped() const { return !m_groupColumns.empty(); }
    void setHighlighted(const QSet<int> &tableRows) { m_highlighted = tableRows; }

    QRectF plotArea(const QRectF &area) const;
    /// Table rows of the runs whose points (or groups) lie in `rect` (widget coordinates).
    std::vector<int> runsIn(const QRectF &rect, const QRectF &plotArea) const;
    /// The point nearest to `point` within 6 pixels: its runs (one, or a group's); empty if none.
    std::vector<int> runsAt(const QPointF &point, const QRectF &plotArea) const;
    /// What a point is, for a tooltip.
    QString describe(const std::vector<int> &runs) const;

private:
    struct Point {
        double x = 0, y = 0;   ///< means for a group
        double sx = 0, sy = 0; ///< standard deviations (groups)
        double colorT = std::numeric_limits<double>::quiet_NaN();
        int category = -1;
        std::vector<int> rows;
        QString label;
    };
    QPointF map(double x, double y, const QRectF &plotArea) const;

    const RunTable *m_table = nullptr;
    PlotAxis m_x, m_y, m_color;
    std::vector<int> m_groupColumns;
    std::vector<Point> m_points;
    int m_missing = 0; ///< runs without both numbers
    QSet<int> m_highlighted;
};

/// One bar of the importance chart.
struct ImportanceBar {
    QString key;
    double importance = 0;  ///< share of the model's permutation importance, [0, 1]
    double correlation = 0; ///< with the metric; NaN when it does not apply (categorical)
};

/// Parameter importance for a metric: keys as horizontal bars sorted by importance, each with
/// its correlation with the metric.
class ImportancePlot final : public Plot {
public:
    void setData(QString metric, std::vector<ImportanceBar> bars, QString note = {});
    QString title() const override;
    void paint(QPainter &painter, const QRectF &area) const override;
    const std::vector<ImportanceBar> &bars() const { return m_bars; }

private:
    QString m_metric, m_note;
    std::vector<ImportanceBar> m_bars;
};

/// One line of a curve plot: a run's history of a metric, or a group's mean with a band.
struct CurveSeries {
    QString label;
    QColor color;
    std::vector<QPointF> points; ///< (step or time, value), in x order
    std::vector<double> spread;  ///< ± band half-widths per point (groups); empty for runs
};

class ReaderRegistry;

/// Curves of a metric for `runs` (table rows): each run's history as its reader reads it again
/// from the run folder, one series per run that has one; with `groupColumns`, one series per
/// group of runs sharing those keys' values: the mean at each step with a ± std band.
std::vector<CurveSeries> readCurves(const RunTable &table, const ReaderRegistry &registry,
                                    const std::vector<int> &runs, const Key &metric,
                                    const std::vector<int> &groupColumns);

/// A metric's history over steps (or time) for several runs or groups; optional smoothing
/// (exponential moving average, as TensorBoard's slider) and log y.
class CurvePlot final : public Plot {
public:
    void setData(QString metric, QString xLabel, std::vector<CurveSeries> series);
    /// Smoothing weight in [0, 1): 0 draws the raw values.
    void setSmoothing(double weight) { m_smoothing = weight; }
    bool setLogY(bool on);
    QString title() const override;
    void paint(QPainter &painter, const QRectF &area) const override;
    const std::vector<CurveSeries> &series() const { return m_series; }

private:
    QString m_metric, m_xLabel;
    std::vector<CurveSeries> m_series;
    PlotAxis m_x, m_y;
    double m_smoothing = 0;
};

} // namespace runlens
