#include "plots.h"

#include "analysis/grouping.h"
#include "analysis/query.h"
#include "export/tablewriter.h"
#include "readers/readerregistry.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const QColor kInk(40, 40, 40);
const QColor kGrid(225, 225, 225);
const QColor kFaint(120, 120, 120);

/// Text elided to `width` pixels.
QString elided(const QPainter &p, const QString &text, double width) {
    return QFontMetricsF(p.font()).elidedText(text, Qt::ElideMiddle, width);
}

/// A message in the middle of an empty plot.
void paintMessage(QPainter &p, const QRectF &area, const QString &message) {
    p.setPen(kFaint);
    p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, message);
}

/// Ticks, grid and labels of a cartesian plot's two axes around `plot`.
void paintCartesianAxes(QPainter &p, const QRectF &plot, const PlotAxis &x, const PlotAxis &y) {
    const QFontMetricsF fm(p.font());
    p.setPen(QPen(kGrid, 1));
    const auto xTicks = x.ticks(7), yTicks = y.ticks(6);
    for (const auto &[t, label] : xTicks)
        p.drawLine(QPointF(plot.left() + t * plot.width(), plot.top()),
                   QPointF(plot.left() + t * plot.width(), plot.bottom()));
    for (const auto &[t, label] : yTicks)
        p.drawLine(QPointF(plot.left(), plot.bottom() - t * plot.height()),
                   QPointF(plot.right(), plot.bottom() - t * plot.height()));
    p.setPen(QPen(kInk, 1));
    p.drawRect(plot);
    for (const auto &[t, label] : xTicks) {
        const double px = plot.left() + t * plot.width();
        p.drawLine(QPointF(px, plot.bottom()), QPointF(px, plot.bottom() + 4));
        const double w = fm.horizontalAdvance(label);
        p.drawText(QPointF(px - w / 2, plot.bottom() + 6 + fm.ascent()), label);
    }
    for (const auto &[t, label] : yTicks) {
        const double py = plot.bottom() - t * plot.height();
        p.drawLine(QPointF(plot.left() - 4, py), QPointF(plot.left(), py));
        const double w = fm.horizontalAdvance(label);
        p.drawText(QPointF(plot.left() - 7 - w, py + fm.ascent() / 2 - 1), label);
    }
    QFont bold = p.font();
    bold.setBold(true);
    p.save();
    p.setFont(bold);
    const QString xLabel = x.label() + (x.isLog() ? u" (log)"_s : QString());
    p.drawText(QRectF(plot.left(), plot.bottom() + 8 + fm.height(), plot.width(), fm.height() + 4),
               Qt::AlignHCenter | Qt::AlignTop, xLabel);
    p.translate(plot.left() - 14 - fm.horizontalAdvance(u"0.0000"_s), plot.center().y());
    p.rotate(-90);
    const QString yLabel = y.label() + (y.isLog() ? u" (log)"_s : QString());
    p.drawText(QRectF(-plot.height() / 2, -fm.height() - 4, plot.height(), fm.height() + 2),
               Qt::AlignHCenter | Qt::AlignBottom, yLabel);
    p.restore();
}

/// A vertical colour legend for a key at the right of `area`.
void paintColorLegend(QPainter &p, const QRectF &box, const PlotAxis &color) {
    if (color.isEmpty()) return;
    const QFontMetricsF fm(p.font());
    p.setPen(kInk);
    p.drawText(QRectF(box.left(), box.top(), box.width(), fm.height()), Qt::AlignLeft,
               elided(p, color.label(), box.width()));
    const QRectF inner(box.left(), box.top() + fm.height() + 6, 14,
                       std::max(40.0, box.height() - fm.height() - 12));
    if (color.isCategorical()) {
        double y = inner.top();
        const QStringList &cats = color.categories();
        for (int i = 0; i < cats.size() && y + fm.height() < box.bottom(); ++i) {
            p.fillRect(QRectF(inner.left(), y + 2, 10, 10), categoryColor(i));
            p.setPen(kInk);
            p.drawText(QPointF(inner.left() + 15, y + fm.ascent()),
                       elided(p, cats[i], box.width() - 16));
            y += fm.height() + 2;
        }
        return;
    }
    QLinearGradient g(inner.bottomLeft(), inner.topLeft());
    for (int i = 0; i <= 8; ++i)
        g.setColorAt(i / 8.0, rampColor(color.isFlipped() ? 1 - i / 8.0 : i / 8.0));
    p.fillRect(inner, g);
    p.setPen(kInk);
    p.drawRect(inner);
    for (const auto &[t, label] : color.ticks(5)) {
        const double y = inner.bottom() - t * inner.height();
        p.drawLine(QPointF(inner.right(), y), QPointF(inner.right() + 3, y));
        p.drawText(QPointF(inner.right() + 5, y + fm.ascent() / 2 - 1), label);
    }
}

double mean(const std::vector<double> &v) {
    return v.empty() ? kNaN : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

double sampleStd(const std::vector<double> &v) {
    if (v.size() < 2) return 0;
    const double m = mean(v);
    double s = 0;
    for (double x : v)
        s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
}

/// The font of exported plots: sized in pixels of the logical size, so the text has the same
/// size relative to the plot at any resolution and in SVG.
QFont exportFont() {
    QFont font;
    font.setPixelSize(13);
    return font;
}

} // namespace

bool exportPlot(const Plot &plot, const QString &path, QSize size, double scale, QString *error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != u"png" && suffix != u"svg") {
        if (error) *error = u"cannot write '%1': the file name must end in .png or .svg"_s.arg(path);
        return false;
    }
    if (size.width() < 50 || size.height() < 50) {
        if (error) *error = u"a plot needs at least 50 x 50 pixels"_s;
        return false;
    }
    const QRectF area(0, 0, size.width(), size.height());
    return writeFileAtomically(
        path,
        [&](QIODevice &file) {
            if (suffix == u"svg") {
                QSvgGenerator svg;
                svg.setOutputDevice(&file);
                svg.setSize(size);
                svg.setViewBox(area);
                svg.setTitle(plot.title());
                svg.setDescription(u"Written by RunLens"_s);
                QPainter p(&svg);
                p.setFont(exportFont());
                plot.paint(p, area);
                return p.end();
            }
            QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
            image.setDevicePixelRatio(scale);
            // 96 dpi at scale 1: scale 3 is 288 dpi, what journals ask of line art and plots.
            image.setDotsPerMeterX(int(scale * 96 / 0.0254));
            image.setDotsPerMeterY(int(scale * 96 / 0.0254));
            image.fill(Qt::white);
            {
                QPainter p(&image);
                p.setRenderHint(QPainter::Antialiasing);
                p.setRenderHint(QPainter::TextAntialiasing);
                p.setFont(exportFont());
                plot.paint(p, area);
            }
            return image.save(&file, "PNG");
        },
        error);
}

// ---------------------------------------------------------------------------------------------
// Parallel coordinates

void ParallelPlot::setData(const RunTable *table, std::vector<int> rows,
                           const std::vector<PlotKey> &axes, PlotKey color) {
    m_table = table;
    m_rows = std::move(rows);
    // Keep what the user set on an axis that stays (flip, log, brush).
    std::vector<PlotAxis> old = std::move(m_axes);
    std::vector<std::optional<std::pair<double, double>>> oldBrushes = std::move(m_brushes);
    m_axes.clear();
    m_brushes.clear();
    for (const PlotKey &key : axes) {
        if (!table || !key.isValid()) continue;
        PlotAxis a(*table, m_rows, key);
        a.setLog(a.wantsLog());
        std::optional<std::pair<double, double>> brush;
        for (std::size_t i = 0; i < old.size(); ++i)
            if (old[i].key() == key) {
                a.setFlipped(old[i].isFlipped());
                a.setLog(old[i].isLog());
                brush = oldBrushes[i];
            }
        m_axes.push_back(a);
        m_brushes.push_back(brush);
    }
    m_color = table && color.isValid() ? PlotAxis(*table, m_rows, color) : PlotAxis();
    recompute();
}

void ParallelPlot::recompute() {
    const std::size_t n = m_rows.size(), m = m_axes.size();
    m_positions.assign(n * m, float(kNaN));
    m_colorT.assign(n, float(kNaN));
    if (!m_table) return;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t a = 0; a < m; ++a)
            m_positions[i * m + a] =
                float(m_axes[a].position(m_axes[a].key().value(*m_table, m_rows[i])));
        if (m_color.key().isValid())
            m_colorT[i] = float(m_color.position(m_color.key().value(*m_table, m_rows[i])));
    }
}

QString ParallelPlot::title() const {
    QStringList keys;
    for (const PlotAxis &a : m_axes)
        keys << a.label();
    return u"Parallel coordinates: %1"_s.arg(keys.join(u", "_s));
}

void ParallelPlot::moveAxis(int from, int to) {
    const int m = axisCount();
    if (from < 0 || from >= m || to < 0 || to >= m || from == to) return;
    const auto move = [&](auto &v) {
        auto item = v[std::size_t(from)];
        v.erase(v.begin() + from);
        v.insert(v.begin() + to, item);
    };
    move(m_axes);
    move(m_brushes);
    recompute();
}

void ParallelPlot::setAxisFlipped(int axis, bool flipped) {
    if (axis < 0 || axis >= axisCount()) return;
    PlotAxis &a = m_axes[std::size_t(axis)];
    if (a.isFlipped() == flipped) return;
    a.setFlipped(flipped);
    if (auto &b = m_brushes[std::size_t(axis)]) *b = {1 - b->second, 1 - b->first};
    recompute();
}

bool ParallelPlot::setAxisLog(int axis, bool log) {
    if (axis < 0 || axis >= axisCount()) return false;
    if (!m_axes[std::size_t(axis)].setLog(log)) return false;
    m_brushes[std::size_t(axis)].reset(); // positions mean other values now
    recompute();
    return true;
}

void ParallelPlot::setBrush(int axis, std::optional<std::pair<double, double>> range) {
    if (axis < 0 || axis >= axisCount()) return;
    if (range && range->first > range->second) std::swap(range->first, range->second);
    m_brushes[std::size_t(axis)] = range;
}

std::optional<std::pair<double, double>> ParallelPlot::brush(int axis) const {
    return axis >= 0 && axis < axisCount() ? m_brushes[std::size_t(axis)] : std::nullopt;
}

void ParallelPlot::clearBrushes() {
    for (auto &b : m_brushes)
        b.reset();
}

bool ParallelPlot::hasBrushes() const {
    return std::any_of(m_brushes.begin(), m_brushes.end(), [](const auto &b) { return b.has_value(); });
}

bool ParallelPlot::passes(int index) const {
    const std::size_t m = m_axes.size();
    for (std::size_t a = 0; a < m; ++a) {
        const auto &b = m_brushes[a];
        if (!b) continue;
        const float pos = m_positions[std::size_t(index) * m + a];
        // A small tolerance so a brush drawn to an end keeps the runs on it.
        if (std::isnan(pos) || pos < b->first - 1e-6 || pos > b->second + 1e-6) return false;
    }
    return true;
}

std::vector<int> ParallelPlot::brushedRows() const {
    std::vector<int> out;
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (passes(int(i))) out.push_back(m_rows[i]);
    return out;
}

QString ParallelPlot::brushExpression() const {
    if (!m_table) return {};
    QStringList clauses;
    for (std::size_t a = 0; a < m_axes.size(); ++a) {
        const auto &b = m_brushes[a];
        if (!b) continue;
        const PlotAxis &axis = m_axes[a];
        const QString key = axis.key().queryName(*m_table);
        // The values of the runs inside this brush: the clause keeps exactly them.
        Value lo, hi;
        QStringList literals;
        for (std::size_t i = 0; i < m_rows.size(); ++i) {
            const float pos = m_positions[i * m_axes.size() + a];
            if (std::isnan(pos) || pos < b->first - 1e-6 || pos > b->second + 1e-6) continue;
            const Value v = axis.key().value(*m_table, m_rows[i]);
            if (axis.isCategorical()) {
                const QString literal = queryLiteral(v);
                if (!literals.contains(literal)) literals << literal;
            } else {
                if (lo.isMissing() || v.toDouble() < lo.toDouble()) lo = v;
                if (hi.isMissing() || v.toDouble() > hi.toDouble()) hi = v;
            }
        }
        if (axis.isCategorical()) {
            clauses << (literals.isEmpty() ? u"%1 in []"_s.arg(key)
                                           : u"%1 in [%2]"_s.arg(key, literals.join(u", "_s)));
        } else if (lo.isMissing()) {
            clauses << u"%1 in []"_s.arg(key); // no run inside the brush
        } else {
            // The numbers as the runs' files spell them (0.0003, not 3e-04).
            clauses << u"%1 in %2..%3"_s.arg(key, queryLiteral(lo), queryLiteral(hi));
        }
    }
    return clauses.join(u" and "_s);
}

QRectF ParallelPlot::plotArea(const QRectF &area) const {
    const bool legend = !m_color.isEmpty();
    return area.adjusted(70, 46, legend ? -130 : -70, -48);
}

double ParallelPlot::axisX(int axis, const QRectF &plot) const {
    const int m = axisCount();
    if (m <= 1) return plot.center().x();
    return plot.left() + plot.width() * axis / (m - 1);
}

int ParallelPlot::axisAt(double x, const QRectF &plot, double tolerance) const {
    int best = -1;
    double bestDistance = tolerance;
    for (int a = 0; a < axisCount(); ++a)
        if (const double d = std::abs(axisX(a, plot) - x); d <= bestDistance) {
            best = a;
            bestDistance = d;
        }
    return best;
}

double ParallelPlot::positionAt(double y, const QRectF &plot) const {
    return std::clamp((plot.bottom() - y) / plot.height(), 0.0, 1.0);
}

double ParallelPlot::lineY(std::size_t index, std::size_t axis, const QRectF &plot) const {
    const float pos = m_positions[index * m_axes.size() + axis];
    return std::isnan(pos) ? plot.bottom() + 22 : plot.bottom() - double(pos) * plot.height();
}

int ParallelPlot::runAt(const QPointF &point, const QRectF &plot) const {
    const int m = axisCount();
    if (m < 2 || point.x() < plot.left() || point.x() > plot.right()) return -1;
    const int a = std::clamp(int((point.x() - plot.left()) / plot.width() * (m - 1)), 0, m - 2);
    const double x0 = axisX(a, plot), x1 = axisX(a + 1, plot);
    const double f = x1 > x0 ? (point.x() - x0) / (x1 - x0) : 0;
    int best = -1;
    double bestDistance = 5;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const double y = lineY(i, std::size_t(a), plot) * (1 - f) +
                         lineY(i, std::size_t(a + 1), plot) * f;
        // Runs inside the brushes win over grey ones.
        const double d = std::abs(y - point.y()) + (passes(int(i)) ? 0 : 2.5);
        if (d < bestDistance) {
            bestDistance = d;
            best = m_rows[i];
        }
    }
    return best;
}

void ParallelPlot::paintDensity(QPainter &p, const QRectF &plot) const {
    // Every line's pixels are counted into two layers, grey (outside the brushes, or without a
    // colour value) and coloured (with the colour key's positions summed), then shown with an
    // opacity that grows with the count: bundles of runs read as density, and 100k runs draw
    // in a fraction of a second, where 700k alpha-blended QPainter lines take tens of seconds.
    // Axis pairs cover disjoint columns, so they are filled in parallel.
    const qreal dpr = p.device()->devicePixelRatioF();
    const QRectF band = plot.adjusted(0, -2, 0, 26); // the missing band below the axes
    const int w = std::max(1, int(std::ceil(band.width() * dpr))) + 1;
    const int h = std::max(1, int(std::ceil(band.height() * dpr))) + 1;
    const std::size_t n = m_rows.size(), m = m_axes.size();
    const std::size_t pixels = std::size_t(w) * std::size_t(h);
    std::vector<float> grey(pixels, 0.f), count(pixels, 0.f), tsum(pixels, 0.f);
    const bool brushing = hasBrushes(), colored = m_color.key().isValid();
    // Per run: its colour position, or -1 for a grey line.
    std::vector<float> tOf(n);
    for (std::size_t i = 0; i < n; ++i) {
        const bool out = (brushing && !passes(int(i))) || (colored && std::isnan(m_colorT[i]));
        tOf[i] = out ? -1.f : colored ? m_colorT[i] : 0.f;
    }
    const auto toX = [&](double x) { return (x - band.left()) * dpr; };
    const auto toY = [&](double y) { return (y - band.top()) * dpr; };
    std::vector<int> pairs(m - 1);
    std::iota(pairs.begin(), pairs.end(), 0);
    QtConcurrent::blockingMap(pairs, [&](int a) {
        const int x0 = int(std::round(toX(axisX(a, plot))));
        const int x1 = int(std::round(toX(axisX(a + 1, plot))));
        if (x1 <= x0) return;
        for (std::size_t i = 0; i < n; ++i) {
            if (m_highlighted.contains(m_rows[i])) continue;
            const double y0 = toY(lineY(i, std::size_t(a), plot));
            const double y1 = toY(lineY(i, std::size_t(a + 1), plot));
            const double slope = (y1 - y0) / double(x1 - x0);
            const float t = tOf[i];
            float *layer = t < 0 ? grey.data() : count.data();
            for (int x = x0; x < x1; ++x) {
                // The rows this column's piece of the line crosses, so steep lines stay whole.
                const double ya = y0 + slope * (x - x0), yb = ya + slope;
                const int top = std::clamp(int(std::min(ya, yb)), 0, h - 1);
                const int bottom = std::clamp(int(std::max(ya, yb)), top, h - 1);
                const float weight = 1.f / float(bottom - top + 1);
                for (int y = top; y <= bottom; ++y) {
                    const std::size_t k = std::size_t(y) * std::size_t(w) + std::size_t(x);
                    layer[k] += weight;
                    if (t > 0) tsum[k] += weight * t;
                }
            }
        }
    });
    // Ramp colours looked up once.
    std::array<QRgb, 65> ramp;
    for (int i = 0; i <= 64; ++i)
        ramp[std::size_t(i)] = (colored ? rampColor(i / 64.0) : QColor(31, 119, 180)).rgb();
    QImage image(w, h, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < h; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const std::size_t k = std::size_t(y) * std::size_t(w) + std::size_t(x);
            // Opacity 1 - e^(-k·count): one line faint, a bundle of a few dozen solid.
            const float ag = grey[k] > 0 ? 0.55f * (1.f - std::exp(-0.35f * grey[k])) : 0.f;
            const float ac = count[k] > 0 ? 1.f - std::exp(-0.45f * count[k]) : 0.f;
            float r = 190 * ag, g = 190 * ag, b = 190 * ag, alpha = ag;
            if (ac > 0) {
                const QRgb c = ramp[std::size_t(std::clamp(tsum[k] / count[k], 0.f, 1.f) * 64)];
                r = float(qRed(c)) * ac + r * (1 - ac);
                g = float(qGreen(c)) * ac + g * (1 - ac);
                b = float(qBlue(c)) * ac + b * (1 - ac);
                alpha = ac + alpha * (1 - ac);
            }
            line[x] = qRgba(int(r), int(g), int(b), int(alpha * 255));
        }
    }
    image.setDevicePixelRatio(dpr);
    p.drawImage(band.topLeft(), image);
}

QString ParallelPlot::describe(int tableRow) const {
    if (!m_table || tableRow < 0) return {};
    QStringList lines{m_table->run(tableRow).name};
    for (const PlotAxis &a : m_axes) {
        const Value v = a.key().value(*m_table, tableRow);
        lines << a.label() + u" = "_s + (v.isMissing() ? u"(missing)"_s : v.displayText());
    }
    if (m_color.key().isValid() &&
        std::none_of(m_axes.begin(), m_axes.end(),
                     [&](const PlotAxis &a) { return a.key() == m_color.key(); })) {
        const Value v = m_color.key().value(*m_table, tableRow);
        lines << m_color.label() + u" = "_s + (v.isMissing() ? u"(missing)"_s : v.displayText());
    }
    return lines.join(u'\n');
}

void ParallelPlot::paint(QPainter &p, const QRectF &area) const {
    p.fillRect(area, Qt::white);
    const QRectF plot = plotArea(area);
    const int m = axisCount();
    if (!m_table || m == 0 || m_rows.empty()) {
        paintMessage(p, area, m_rows.empty() ? u"No runs to show."_s
                                             : u"Choose the keys for the axes."_s);
        return;
    }
    const std::size_t n = m_rows.size();
    const bool brushing = hasBrushes();
    const bool missingBand = std::any_of(m_positions.begin(), m_positions.end(),
                                         [](float x) { return std::isnan(x); });
    // The colour of a run's line: grey outside the brushes, the ramp by the colour key, else
    // one blue.
    const auto lineColor = [&](std::size_t i) {
        if (brushing && !passes(int(i))) return QColor(190, 190, 190);
        return std::isnan(m_colorT[i]) ? QColor(31, 119, 180) : rampColor(m_colorT[i]);
    };
    // A raster device and many runs: lines are accumulated into a density image (see
    // paintDensity); a few runs, or SVG, get one vector line each.
    const bool raster = p.device() && (p.device()->devType() == QInternal::Image ||
                                       p.device()->devType() == QInternal::Widget ||
                                       p.device()->devType() == QInternal::Pixmap);
    p.save();
    if (raster && n > 1500 && m > 1) {
        paintDensity(p, plot);
    } else {
        p.setRenderHint(QPainter::Antialiasing);
        const double width = n > 1500 ? 0.6 : n > 300 ? 1.0 : 1.6;
        // Grey lines first, then the coloured ones above them.
        for (int pass = 0; pass < 2; ++pass)
            for (std::size_t i = 0; i < n; ++i) {
                const bool grey = brushing && !passes(int(i));
                if (grey != (pass == 0) || m_highlighted.contains(m_rows[i])) continue;
                QPolygonF line;
                for (int a = 0; a < m; ++a)
                    line << QPointF(axisX(a, plot), lineY(i, std::size_t(a), plot));
                if (m == 1) line = {QPointF(axisX(0, plot) - 8, line[0].y()), QPointF(axisX(0, plot) + 8, line[0].y())};
                QColor c = lineColor(i);
                c.setAlpha(grey ? 120 : n > 300 ? 150 : 210);
                p.setPen(QPen(c, width));
                p.drawPolyline(line);
            }
    }
    // The table's selection on top.
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(220, 40, 40), 2.5));
    for (std::size_t i = 0; i < n; ++i) {
        if (!m_highlighted.contains(m_rows[i])) continue;
        QPolygonF line;
        for (int a = 0; a < m; ++a)
            line << QPointF(axisX(a, plot), lineY(i, std::size_t(a), plot));
        p.drawPolyline(line);
    }
    p.restore();

    // Axes, their ticks, names and brushes.
    const QFontMetricsF fm(p.font());
    QFont bold = p.font();
    bold.setBold(true);
    const double slot = m > 1 ? plot.width() / (m - 1) : plot.width();
    for (int a = 0; a < m; ++a) {
        const PlotAxis &axis = m_axes[std::size_t(a)];
        const double x = axisX(a, plot);
        p.setPen(QPen(kInk, 1.2));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        if (const auto &b = m_brushes[std::size_t(a)]) {
            const QRectF r(x - 7, plot.bottom() - b->second * plot.height(), 14,
                           (b->second - b->first) * plot.height());
            p.fillRect(r, QColor(30, 90, 200, 60));
            p.setPen(QPen(QColor(30, 90, 200), 1.2));
            p.drawRect(r);
        }
        p.setPen(kInk);
        // Tick labels right of the axis; left of the last one, toward the plot.
        const bool ticksLeft = a == m - 1 && m > 1;
        for (const auto &[t, label] : axis.ticks(6)) {
            const double y = plot.bottom() - t * plot.height();
            p.drawLine(QPointF(x - 3, y), QPointF(x + 3, y));
            const QString text = elided(p, label, std::max(30.0, slot / 2 - 8));
            const double w = fm.horizontalAdvance(text);
            const double tx = ticksLeft ? x - 5 - w : x + 5;
            p.fillRect(QRectF(tx - 1, y - fm.ascent() / 2 - 1, w + 2, fm.height() - 2),
                       QColor(255, 255, 255, 170));
            p.drawText(QPointF(tx, y + fm.ascent() / 2 - 1), text);
        }
        p.save();
        p.setFont(bold);
        QString name = axis.label();
        if (axis.isLog()) name += u" (log)"_s;
        if (axis.isFlipped()) name += u" ↓"_s;
        name = elided(p, name, std::max(60.0, slot - 6));
        const double w = QFontMetricsF(bold).horizontalAdvance(name);
        const double left = std::clamp(x - w / 2, area.left() + 2, area.right() - w - 2);
        p.drawText(QPointF(left, plot.top() - 12), name);
        p.restore();
    }
    if (missingBand) {
        p.setPen(kFaint);
        p.drawText(QPointF(area.left() + 6, plot.bottom() + 22 + fm.ascent() / 2 - 1),
                   u"missing"_s);
        p.setPen(QPen(kGrid, 1, Qt::DashLine));
        p.drawLine(QPointF(plot.left(), plot.bottom() + 22), QPointF(plot.right(), plot.bottom() + 22));
    }
    // Counts and the colour legend.
    p.setPen(kFaint);
    const QString counts = brushing ? u"%1 of %2 runs inside the brushes"_s.arg(brushedRows().size()).arg(n)
                                    : u"%1 runs"_s.arg(n);
    p.drawText(QRectF(area.left(), area.bottom() - fm.height() - 4, area.width() - 8, fm.height()),
               Qt::AlignRight, counts);
    paintColorLegend(p, QRectF(plot.right() + 40, plot.top(), 86, plot.height()), m_color);
}

// ---------------------------------------------------------------------------------------------
// Scatter

void ScatterPlot::setData(const RunTable *table, std::vector<int> rows, PlotKey x, PlotKey y,
                          PlotKey color, std::vector<int> groupColumns) {
    // A key kept keeps its scale; a new one starts on a log scale when it spans decades.
    const std::optional<bool> logX = m_x.key() == x ? std::optional(m_x.isLog()) : std::nullopt;
    const std::optional<bool> logY = m_y.key() == y ? std::optional(m_y.isLog()) : std::nullopt;
    m_table = table;
    m_groupColumns = std::move(groupColumns);
    m_points.clear();
    m_missing = 0;
    if (!table) return;
    m_x = PlotAxis(*table, rows, x);
    m_y = PlotAxis(*table, rows, y);
    m_x.setLog(logX.value_or(m_x.wantsLog()));
    m_y.setLog(logY.value_or(m_y.wantsLog()));
    m_color = color.isValid() ? PlotAxis(*table, rows, color) : PlotAxis();
    const auto number = [&](const PlotKey &k, int r) {
        const Value v = k.value(*table, r);
        return v.isNumber() ? v.toDouble() : kNaN;
    };
    const auto colorOf = [&](Point &pt, int r) {
        if (!m_color.key().isValid()) return;
        const Value v = m_color.key().value(*table, r);
        if (m_color.isCategorical())
            pt.category = int(m_color.categories().indexOf(v.displayText()));
        else
            pt.colorT = m_color.position(v);
    };
    if (m_groupColumns.empty()) {
        for (int r : rows) {
            Point pt;
            pt.x = number(x, r);
            pt.y = number(y, r);
            if (!std::isfinite(pt.x) || !std::isfinite(pt.y)) {
                ++m_missing;
                continue;
            }
            pt.rows = {r};
            pt.label = table->run(r).name;
            colorOf(pt, r);
            m_points.push_back(std::move(pt));
        }
        return;
    }
    for (const FlatGroup &g : flattenGroups(groupRuns(*table, rows, m_groupColumns))) {
        std::vector<double> xs, ys;
        Point pt;
        for (int r : g.rows) {
            const double a = number(x, r), b = number(y, r);
            if (!std::isfinite(a) || !std::isfinite(b)) {
                ++m_missing;
                continue;
            }
            xs.push_back(a);
            ys.push_back(b);
            pt.rows.push_back(r);
        }
        if (pt.rows.empty()) continue;
        pt.x = mean(xs);
        pt.y = mean(ys);
        pt.sx = sampleStd(xs);
        pt.sy = sampleStd(ys);
        QStringList parts;
        for (std::size_t k = 0; k < m_groupColumns.size(); ++k)
            parts << table->column(m_groupColumns[k]).display + u" = "_s +
                         (g.values[k].isMissing() ? u"(missing)"_s : g.values[k].displayText());
        pt.label = parts.join(u", "_s);
        colorOf(pt, pt.rows.front());
        // The error bars stay inside the plot.
        m_x.include(pt.x - pt.sx, pt.x + pt.sx);
        m_y.include(pt.y - pt.sy, pt.y + pt.sy);
        m_points.push_back(std::move(pt));
    }
}

QString ScatterPlot::title() const {
    return u"%1 against %2"_s.arg(m_y.label(), m_x.label());
}

bool ScatterPlot::setLogX(bool on) { return m_x.setLog(on); }
bool ScatterPlot::setLogY(bool on) { return m_y.setLog(on); }

QRectF ScatterPlot::plotArea(const QRectF &area) const {
    return area.adjusted(86, 30, m_color.isEmpty() ? -24 : -140, -56);
}

QPointF ScatterPlot::map(double x, double y, const QRectF &plot) const {
    // A margin inside the frame, so points at the ends do not sit on it.
    const QRectF inner = plot.adjusted(10, 10, -10, -10);
    const double tx = m_x.position(Value::real(x)), ty = m_y.position(Value::real(y));
    return {inner.left() + tx * inner.width(), inner.bottom() - ty * inner.height()};
}

std::vector<int> ScatterPlot::runsIn(const QRectF &rect, const QRectF &plot) const {
    std::vector<int> out;
    for (const Point &pt : m_points)
        if (rect.contains(map(pt.x, pt.y, plot))) out.insert(out.end(), pt.rows.begin(), pt.rows.end());
    return out;
}

std::vector<int> ScatterPlot::runsAt(const QPointF &point, const QRectF &plot) const {
    const Point *best = nullptr;
    double bestDistance = 6;
    for (const Point &pt : m_points) {
        const QPointF q = map(pt.x, pt.y, plot);
        const double d = std::hypot(q.x() - point.x(), q.y() - point.y());
        if (d < bestDistance) {
            bestDistance = d;
            best = &pt;
        }
    }
    return best ? best->rows : std::vector<int>();
}

QString ScatterPlot::describe(const std::vector<int> &runs) const {
    for (const Point &pt : m_points)
        if (pt.rows == runs) {
            QString text = u"%1\n%2 = %3\n%4 = %5"_s.arg(pt.label, m_x.label(),
                                                          formatSignificant(pt.x, 4), m_y.label(),
                                                          formatSignificant(pt.y, 4));
            if (isGrouped())
                text += u"\nmean of %1 run(s); ± std %2, %3"_s.arg(pt.rows.size())
                            .arg(formatSignificant(pt.sx, 2), formatSignificant(pt.sy, 2));
            return text;
        }
    return {};
}

void ScatterPlot::paint(QPainter &p, const QRectF &area) const {
    p.fillRect(area, Qt::white);
    if (!m_table || m_x.isEmpty() || m_y.isEmpty() || m_x.isCategorical() || m_y.isCategorical()) {
        paintMessage(p, area,
                     m_x.isCategorical() || m_y.isCategorical()
                         ? u"Choose numeric keys for both axes."_s
                         : u"No run has numbers for both keys."_s);
        return;
    }
    const QRectF plot = plotArea(area);
    paintCartesianAxes(p, plot, m_x, m_y);
    p.save();
    p.setClipRect(plot.adjusted(-6, -6, 6, 6));
    p.setRenderHint(QPainter::Antialiasing, m_points.size() <= 20000);
    const double radius = isGrouped() ? 4.5 : m_points.size() > 5000 ? 2 : 3.2;
    const int alpha = m_points.size() > 20000 ? 90 : 210;
    for (const Point &pt : m_points) {
        const QPointF c = map(pt.x, pt.y, plot);
        if (!std::isfinite(c.x()) || !std::isfinite(c.y())) continue;
        QColor color = pt.category >= 0            ? categoryColor(pt.category)
                       : std::isnan(pt.colorT)     ? QColor(31, 119, 180)
                                                   : rampColor(pt.colorT);
        if (isGrouped() && (pt.sx > 0 || pt.sy > 0)) {
            p.setPen(QPen(color.darker(130), 1.2));
            const QPointF l = map(pt.x - pt.sx, pt.y, plot), r = map(pt.x + pt.sx, pt.y, plot);
            const QPointF b = map(pt.x, pt.y - pt.sy, plot), t = map(pt.x, pt.y + pt.sy, plot);
            if (std::isfinite(l.x()) && std::isfinite(r.x())) {
                p.drawLine(l, r);
                p.drawLine(l + QPointF(0, -3), l + QPointF(0, 3));
                p.drawLine(r + QPointF(0, -3), r + QPointF(0, 3));
            }
            if (std::isfinite(b.y()) && std::isfinite(t.y())) {
                p.drawLine(b, t);
                p.drawLine(b + QPointF(-3, 0), b + QPointF(3, 0));
                p.drawLine(t + QPointF(-3, 0), t + QPointF(3, 0));
            }
        }
        color.setAlpha(alpha);
        p.setPen(m_points.size() > 5000 ? Qt::NoPen : QPen(color.darker(140), 0.8));
        p.setBrush(color);
        p.drawEllipse(c, radius, radius);
        if (std::any_of(pt.rows.begin(), pt.rows.end(),
                        [&](int r) { return m_highlighted.contains(r); })) {
            p.setPen(QPen(QColor(220, 40, 40), 2));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(c, radius + 3, radius + 3);
        }
    }
    p.restore();
    p.setPen(kFaint);
    QString counts = isGrouped() ? u"%1 groups"_s.arg(m_points.size())
                                 : u"%1 runs"_s.arg(m_points.size());
    if (isGrouped()) counts += u" (mean ± std)"_s;
    if (m_missing > 0) counts += u"; %1 run(s) without both numbers not shown"_s.arg(m_missing);
    p.drawText(QPointF(area.left() + 6, area.bottom() - 6), counts);
    paintColorLegend(p, QRectF(plot.right() + 24, plot.top(), 110, plot.height()), m_color);
}

// ---------------------------------------------------------------------------------------------
// Importance

void ImportancePlot::setData(QString metric, std::vector<ImportanceBar> bars, QString note) {
    m_metric = std::move(metric);
    m_bars = std::move(bars);
    m_note = std::move(note);
    std::stable_sort(m_bars.begin(), m_bars.end(), [](const ImportanceBar &a, const ImportanceBar &b) {
        return a.importance > b.importance;
    });
}

QString ImportancePlot::title() const {
    return u"Parameter importance for %1"_s.arg(m_metric);
}

void ImportancePlot::paint(QPainter &p, const QRectF &area) const {
    p.fillRect(area, Qt::white);
    if (m_bars.empty()) {
        paintMessage(p, area, m_note.isEmpty() ? u"Choose a metric."_s : m_note);
        return;
    }
    const QFontMetricsF fm(p.font());
    p.save();
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(kInk);
    p.drawText(QRectF(area.left() + 10, area.top() + 6, area.width() - 20, fm.height() + 4),
               Qt::AlignLeft, title());
    p.restore();
    double labelWidth = 0;
    for (const ImportanceBar &b : m_bars)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(b.key));
    labelWidth = std::min(labelWidth + 12, area.width() * 0.35);
    const double top = area.top() + fm.height() + 24;
    const double bottom = area.bottom() - (m_note.isEmpty() ? 24 : 44);
    const double rowHeight = std::clamp((bottom - top) / double(m_bars.size()), 8.0, 30.0);
    const double left = area.left() + 10 + labelWidth;
    const double textWidth = fm.horizontalAdvance(u"0.00  r = -0.00"_s) + 16;
    const double width = std::max(40.0, area.right() - 10 - textWidth - left);
    const double maxImportance = std::max(1e-12, m_bars.front().importance);
    p.setPen(QPen(kGrid, 1));
    for (double t : {0.25, 0.5, 0.75, 1.0})
        p.drawLine(QPointF(left + t * width, top - 4), QPointF(left + t * width, top + rowHeight * m_bars.size()));
    for (std::size_t i = 0; i < m_bars.size(); ++i) {
        const ImportanceBar &b = m_bars[i];
        const double y = top + rowHeight * double(i);
        if (y + rowHeight > bottom + 1) {
            p.setPen(kFaint);
            p.drawText(QPointF(area.left() + 10, y + fm.ascent()),
                       u"… %1 more key(s)"_s.arg(m_bars.size() - i));
            break;
        }
        p.setPen(kInk);
        p.drawText(QRectF(area.left() + 10, y, labelWidth - 8, rowHeight), Qt::AlignRight | Qt::AlignVCenter,
                   elided(p, b.key, labelWidth - 8));
        const double w = std::max(0.0, b.importance / maxImportance * width);
        const QColor fill = std::isnan(b.correlation) ? QColor(120, 120, 160)
                            : b.correlation < 0      ? QColor(214, 96, 77)
                                                      : QColor(67, 147, 195);
        p.fillRect(QRectF(left, y + rowHeight * 0.15, w, rowHeight * 0.7), fill);
        const QString text =
            formatSignificant(b.importance, 2) +
            (std::isnan(b.correlation) ? QString() : u"  r = "_s + QString::number(b.correlation, 'f', 2));
        p.drawText(QPointF(left + w + 6, y + rowHeight / 2 + fm.ascent() / 2 - 1), text);
    }
    p.setPen(kFaint);
    QString foot = u"bar: share of the forest's permutation importance; colour: correlation (blue +, red −, grey: categorical)"_s;
    if (!m_note.isEmpty()) foot = m_note + u'\n' + foot;
    p.drawText(QRectF(area.left() + 10, bottom + 4, area.width() - 20, area.bottom() - bottom - 4),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, foot);
}

// ---------------------------------------------------------------------------------------------
// Curves

std::vector<CurveSeries> readCurves(const RunTable &table, const ReaderRegistry &registry,
                                    const std::vector<int> &runs, const Key &metric,
                                    const std::vector<int> &groupColumns) {
    const ReadLimits limits;
    std::map<int, std::vector<HistoryPoint>> histories;
    for (int r : runs) {
        const RunInfo &run = table.run(r);
        if (const Reader *reader = registry.byFormat(run.format))
            if (auto h = reader->readHistory(run.path, metric, limits); !h.empty())
                histories.emplace(r, std::move(h));
    }
    std::vector<CurveSeries> series;
    int colour = 0;
    if (groupColumns.empty()) {
        for (int r : runs) {
            const auto it = histories.find(r);
            if (it == histories.end()) continue;
            CurveSeries s{table.run(r).name, categoryColor(colour++), {}, {}};
            for (const HistoryPoint &pt : it->second)
                s.points.emplace_back(pt.step, pt.value);
            series.push_back(std::move(s));
        }
        return series;
    }
    // A group's mean ± std at each step where its runs logged the metric.
    for (const FlatGroup &g : flattenGroups(groupRuns(table, runs, groupColumns))) {
        std::map<double, std::vector<double>> byStep;
        int members = 0;
        for (int r : g.rows)
            if (const auto it = histories.find(r); it != histories.end()) {
                ++members;
                for (const HistoryPoint &pt : it->second)
                    if (std::isfinite(pt.value)) byStep[pt.step].push_back(pt.value);
            }
        if (members == 0) continue;
        QStringList parts;
        for (const Value &v : g.values)
            parts << (v.isMissing() ? u"(missing)"_s : v.displayText());
        CurveSeries s{parts.join(u", "_s) + u" (n=%1)"_s.arg(members), categoryColor(colour++), {}, {}};
        for (const auto &[step, values] : byStep) {
            s.points.emplace_back(step, mean(values));
            s.spread.push_back(sampleStd(values));
        }
        series.push_back(std::move(s));
    }
    return series;
}

void CurvePlot::setData(QString metric, QString xLabel, std::vector<CurveSeries> series) {
    m_metric = std::move(metric);
    m_xLabel = std::move(xLabel);
    m_series = std::move(series);
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const CurveSeries &s : m_series)
        for (std::size_t i = 0; i < s.points.size(); ++i) {
            const QPointF &pt = s.points[i];
            if (!std::isfinite(pt.x()) || !std::isfinite(pt.y())) continue;
            const double spread = i < s.spread.size() && std::isfinite(s.spread[i]) ? s.spread[i] : 0;
            x0 = std::min(x0, pt.x());
            x1 = std::max(x1, pt.x());
            y0 = std::min(y0, pt.y() - spread);
            y1 = std::max(y1, pt.y() + spread);
        }
    const bool logY = m_y.isLog();
    m_x = PlotAxis::numeric(m_xLabel, x0, x1);
    m_y = PlotAxis::numeric(m_metric, y0, y1);
    m_y.setLog(logY);
}

bool CurvePlot::setLogY(bool on) { return m_y.setLog(on); }

QString CurvePlot::title() const {
    return u"%1 over %2"_s.arg(m_metric, m_xLabel);
}

void CurvePlot::paint(QPainter &p, const QRectF &area) const {
    p.fillRect(area, Qt::white);
    if (m_series.empty() || m_x.isEmpty() || m_y.isEmpty()) {
        paintMessage(p, area, u"Select runs whose format keeps a history of this metric (MLflow, "
                              "Lightning, Sacred, Ray Tune, DVCLive, Keras)."_s);
        return;
    }
    const QFontMetricsF fm(p.font());
    double legendWidth = 0;
    for (const CurveSeries &s : m_series)
        legendWidth = std::max(legendWidth, fm.horizontalAdvance(s.label));
    legendWidth = std::min(legendWidth + 30, area.width() * 0.3);
    const QRectF plot = area.adjusted(86, 30, -legendWidth - 20, -56);
    paintCartesianAxes(p, plot, m_x, m_y);
    const auto map = [&](double x, double y) {
        return QPointF(plot.left() + m_x.position(Value::real(x)) * plot.width(),
                       plot.bottom() - m_y.position(Value::real(y)) * plot.height());
    };
    p.save();
    p.setClipRect(plot);
    p.setRenderHint(QPainter::Antialiasing);
    for (const CurveSeries &s : m_series) {
        // TensorBoard's smoothing: an exponential moving average, debiased at the start.
        std::vector<double> ys;
        double ema = 0, weight = 0;
        for (const QPointF &pt : s.points) {
            if (m_smoothing <= 0 || !std::isfinite(pt.y())) {
                ys.push_back(pt.y());
                continue;
            }
            ema = ema * m_smoothing + (1 - m_smoothing) * pt.y();
            weight = weight * m_smoothing + (1 - m_smoothing);
            ys.push_back(ema / weight);
        }
        if (!s.spread.empty()) {
            QPainterPath band;
            QPolygonF upper, lower;
            for (std::size_t i = 0; i < s.points.size() && i < s.spread.size(); ++i) {
                const QPointF a = map(s.points[i].x(), ys[i] + s.spread[i]);
                const QPointF b = map(s.points[i].x(), ys[i] - s.spread[i]);
                if (std::isfinite(a.y()) && std::isfinite(b.y())) {
                    upper << a;
                    lower.prepend(b);
                }
            }
            band.addPolygon(upper + lower);
            QColor fill = s.color;
            fill.setAlpha(50);
            p.fillPath(band, fill);
        }
        QPolygonF line;
        for (std::size_t i = 0; i < s.points.size(); ++i) {
            const QPointF q = map(s.points[i].x(), ys[i]);
            // A gap (NaN) or a step going back (a log holding several trainings, appended)
            // ends the line; the next piece starts afresh.
            const bool back = i > 0 && s.points[i].x() < s.points[i - 1].x();
            if ((!std::isfinite(q.x()) || !std::isfinite(q.y()) || back) && !line.isEmpty()) {
                p.setPen(QPen(s.color, 1.6));
                p.drawPolyline(line);
                line.clear();
            }
            if (std::isfinite(q.x()) && std::isfinite(q.y())) line << q;
        }
        p.setPen(QPen(s.color, 1.6));
        p.drawPolyline(line);
    }
    p.restore();
    double y = plot.top();
    for (const CurveSeries &s : m_series) {
        if (y + fm.height() > plot.bottom()) {
            p.setPen(kFaint);
            p.drawText(QPointF(plot.right() + 12, y + fm.ascent()), u"…"_s);
            break;
        }
        p.fillRect(QRectF(plot.right() + 12, y + fm.height() / 2 - 1.5, 16, 3), s.color);
        p.setPen(kInk);
        p.drawText(QPointF(plot.right() + 32, y + fm.ascent()), elided(p, s.label, legendWidth - 28));
        y += fm.height() + 2;
    }
    if (m_smoothing > 0) {
        p.setPen(kFaint);
        p.drawText(QPointF(area.left() + 6, area.bottom() - 6),
                   u"smoothed (EMA weight %1)"_s.arg(m_smoothing));
    }
}

} // namespace runlens
