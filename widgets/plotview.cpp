#include "plotview.h"

#include <QContextMenuEvent>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QSettings>
#include <QToolTip>

namespace runlens {

using namespace Qt::StringLiterals;

PlotView::PlotView(Plot *plot, QWidget *parent) : QWidget(parent), m_plot(plot) {
    setMouseTracking(true);
    setMinimumSize(320, 220);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void PlotView::refresh() {
    m_cache = QImage();
    update();
}

QRectF PlotView::plotArea() const {
    if (auto *p = parallel()) return p->plotArea(rect());
    if (auto *s = scatter()) return s->plotArea(rect());
    return rect();
}

void PlotView::resizeEvent(QResizeEvent *) {
    m_cache = QImage();
}

void PlotView::paintEvent(QPaintEvent *) {
    const qreal dpr = devicePixelRatioF();
    if (m_cache.isNull() || m_cache.size() != size() * dpr) {
        QElapsedTimer clock;
        clock.start();
        m_cache = QImage(size() * dpr, QImage::Format_ARGB32_Premultiplied);
        m_cache.setDevicePixelRatio(dpr);
        m_cache.fill(Qt::white);
        QPainter p(&m_cache);
        p.setRenderHint(QPainter::Antialiasing);
        p.setFont(font());
        m_plot->paint(p, rect());
        m_lastPaintMs = double(clock.nsecsElapsed()) / 1e6;
    }
    QPainter p(this);
    p.drawImage(0, 0, m_cache);
    const QRectF plot = plotArea();
    // What a drag is doing, drawn over the cached plot.
    if (m_drag == Drag::Brush && m_moved) {
        if (auto *pp = parallel()) {
            const double x = pp->axisX(m_dragAxis, plot);
            const double top = std::max(plot.top(), std::min(m_pressPos.y(), m_dragPos.y()));
            const double bottom = std::min(plot.bottom(), std::max(m_pressPos.y(), m_dragPos.y()));
            p.fillRect(QRectF(x - 7, top, 14, bottom - top), QColor(30, 90, 200, 70));
            p.setPen(QPen(QColor(30, 90, 200), 1.2));
            p.drawRect(QRectF(x - 7, top, 14, bottom - top));
        }
    } else if (m_drag == Drag::Select && m_moved) {
        p.setPen(QPen(QColor(30, 90, 200), 1, Qt::DashLine));
        p.setBrush(QColor(30, 90, 200, 30));
        p.drawRect(QRectF(m_pressPos, m_dragPos).normalized());
    } else if (m_drag == Drag::MoveAxis && m_moved) {
        p.setPen(QPen(QColor(30, 90, 200), 2));
        p.drawLine(QPointF(m_dragPos.x(), plot.top() - 20), QPointF(m_dragPos.x(), plot.bottom()));
    }
}

void PlotView::mousePressEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton) return;
    m_pressPos = m_dragPos = event->position();
    m_moved = false;
    m_drag = Drag::None;
    const QRectF plot = plotArea();
    if (auto *pp = parallel()) {
        const int axis = pp->axisAt(m_pressPos.x(), plot, 20);
        if (axis >= 0 && m_pressPos.y() < plot.top() - 2) {
            m_drag = Drag::MoveAxis;
            m_dragAxis = axis;
        } else if (axis >= 0 && m_pressPos.y() <= plot.bottom() + 4) {
            m_drag = Drag::Brush;
            m_dragAxis = axis;
        }
    } else if (scatter()) {
        m_drag = Drag::Select;
    }
}

void PlotView::mouseMoveEvent(QMouseEvent *event) {
    if (m_drag == Drag::None) {
        hover(event->position());
        return;
    }
    m_dragPos = event->position();
    if ((m_dragPos - m_pressPos).manhattanLength() >= 4) m_moved = true;
    update();
}

void PlotView::mouseReleaseEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton) return;
    const Drag drag = std::exchange(m_drag, Drag::None);
    const QRectF plot = plotArea();
    const bool add = event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier);
    if (auto *pp = parallel()) {
        if (drag == Drag::Brush && m_moved) {
            pp->setBrush(m_dragAxis, std::pair{pp->positionAt(std::max(m_pressPos.y(), m_dragPos.y()), plot),
                                               pp->positionAt(std::min(m_pressPos.y(), m_dragPos.y()), plot)});
            refresh();
            emit brushesChanged();
        } else if (drag == Drag::Brush && pp->brush(m_dragAxis)) {
            pp->setBrush(m_dragAxis, std::nullopt); // a click on a brushed axis clears it
            refresh();
            emit brushesChanged();
        } else if (drag == Drag::MoveAxis && m_moved) {
            const int to = pp->axisAt(m_dragPos.x(), plot, plot.width());
            if (to >= 0 && to != m_dragAxis) {
                pp->moveAxis(m_dragAxis, to);
                refresh();
                emit axesChanged();
            }
        } else if (!m_moved) {
            const int run = pp->runAt(event->position(), plot);
            emit runsSelected(run >= 0 ? std::vector<int>{run} : std::vector<int>{}, add);
        }
    } else if (auto *sp = scatter()) {
        if (m_moved)
            emit runsSelected(sp->runsIn(QRectF(m_pressPos, m_dragPos).normalized(), plot), add);
        else
            emit runsSelected(sp->runsAt(event->position(), plot), add);
    }
    m_moved = false;
    update();
}

void PlotView::mouseDoubleClickEvent(QMouseEvent *event) {
    auto *pp = parallel();
    if (!pp) return;
    const QRectF plot = plotArea();
    const int axis = pp->axisAt(event->position().x(), plot, 20);
    if (axis < 0 || event->position().y() >= plot.top()) return;
    pp->setAxisFlipped(axis, !pp->axis(axis).isFlipped());
    refresh();
    emit axesChanged();
}

void PlotView::contextMenuEvent(QContextMenuEvent *event) {
    QMenu menu(this);
    if (auto *pp = parallel()) {
        const QRectF plot = plotArea();
        const int axis = pp->axisAt(event->pos().x(), plot, 24);
        if (axis >= 0) {
            const PlotAxis &a = pp->axis(axis);
            menu.addSection(a.label());
            menu.addAction(a.isFlipped() ? tr("Unflip Axis") : tr("Flip Axis"), this, [this, pp, axis] {
                pp->setAxisFlipped(axis, !pp->axis(axis).isFlipped());
                refresh();
                emit axesChanged();
            });
            QAction *log = menu.addAction(tr("Log Scale"), this, [this, pp, axis] {
                pp->setAxisLog(axis, !pp->axis(axis).isLog());
                refresh();
                emit axesChanged();
                emit brushesChanged();
            });
            log->setCheckable(true);
            log->setChecked(a.isLog());
            log->setEnabled(a.canBeLog());
            QAction *clear = menu.addAction(tr("Clear Brush"), this, [this, pp, axis] {
                pp->setBrush(axis, std::nullopt);
                refresh();
                emit brushesChanged();
            });
            clear->setEnabled(pp->brush(axis).has_value());
            menu.addAction(tr("Remove Axis"), this, [this, axis] { emit axisRemoveRequested(axis); });
            menu.addSeparator();
        }
        QAction *clearAll = menu.addAction(tr("Clear All Brushes"), this, [this, pp] {
            pp->clearBrushes();
            refresh();
            emit brushesChanged();
        });
        clearAll->setEnabled(pp->hasBrushes());
    }
    menu.addAction(tr("Export Image…"), this, &PlotView::exportImage);
    menu.exec(event->globalPos());
}

void PlotView::hover(const QPointF &pos) {
    const QRectF plot = plotArea();
    QString tip;
    if (auto *pp = parallel()) {
        if (const int run = pp->runAt(pos, plot); run >= 0) tip = pp->describe(run);
    } else if (auto *sp = scatter()) {
        tip = sp->describe(sp->runsAt(pos, plot));
    }
    if (tip.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(mapToGlobal(pos.toPoint()), tip, this);
}

void PlotView::exportImage() {
    QSettings settings;
    const QString folder = settings.value(u"export/folder"_s, QDir::homePath()).toString();
    // A file name from the title: "val/acc against optimizer.lr" -> val-acc-against-optimizer.lr
    QString name = m_plot->title().section(u':', 0, 0).toLower();
    static const QRegularExpression unsafe(u"[^a-z0-9._]+"_s);
    name.replace(unsafe, u"-"_s);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Plot"), QDir(folder).filePath(name + u".png"_s),
        tr("PNG image (*.png);;SVG vector image (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    // The plot at the size it has on screen, PNG at three times its pixels (print quality).
    if (!exportPlot(*m_plot, path, size(), 3.0, &error)) {
        QMessageBox::critical(this, tr("Export failed"), tr("The plot was not written.\n\n%1").arg(error));
        return;
    }
    settings.setValue(u"export/folder"_s, QFileInfo(path).absolutePath());
}

} // namespace runlens
