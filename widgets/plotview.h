#pragma once

#include "plots.h"

#include <QImage>
#include <QWidget>

#include <optional>

namespace runlens {

/// Shows one Plot and lets people work with it: hover a line or point for its run, click to
/// select it, drag a rectangle (scatter) to select several, brush ranges on parallel axes,
/// drag an axis name to reorder, double-click it to flip, right-click for the axis menu.
/// Paints from a cached image, so hovering costs no redraw of 100k lines.
class PlotView : public QWidget {
    Q_OBJECT

public:
    explicit PlotView(Plot *plot, QWidget *parent = nullptr);
    Plot *plot() const { return m_plot; }
    /// The plot's data or looks changed: draw it again.
    void refresh();
    /// Asks where to write the plot and writes it (PNG or SVG by the name chosen).
    void exportImage();
    /// How long the last full redraw took, in milliseconds.
    double lastPaintMs() const { return m_lastPaintMs; }

signals:
    /// Runs (table rows) clicked or enclosed by a drag; empty: a click on nothing.
    void runsSelected(const std::vector<int> &tableRows, bool add);
    /// Brushes on the parallel plot changed (or were cleared).
    void brushesChanged();
    /// Axes of the parallel plot were reordered, flipped, set to log or removed.
    void axesChanged();
    /// An axis asks to be removed (its key unchecked).
    void axisRemoveRequested(int axis);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    ParallelPlot *parallel() const { return dynamic_cast<ParallelPlot *>(m_plot); }
    ScatterPlot *scatter() const { return dynamic_cast<ScatterPlot *>(m_plot); }
    QRectF plotArea() const;
    void hover(const QPointF &pos);

    Plot *m_plot;
    QImage m_cache;
    double m_lastPaintMs = 0;
    enum class Drag { None, Brush, MoveAxis, Select };
    Drag m_drag = Drag::None;
    QPointF m_pressPos, m_dragPos;
    int m_dragAxis = -1;
    bool m_moved = false;
};

} // namespace runlens
