#pragma once

#include "analysis/tableview.h"
#include "run/runtable.h"

#include <QColor>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace runlens {

/// Where the plots read a value: a run field (start, duration) or a table column.
struct PlotKey {
    std::optional<RunField> field;
    int column = -1;
    bool isValid() const { return field.has_value() || column >= 0; }
    Value value(const RunTable &table, int row) const;
    /// The key as people read it (`optimizer.lr`, `val/loss`, `duration`).
    QString label(const RunTable &table) const;
    /// The key as the query language names it (for the brushing filter).
    QString queryName(const RunTable &table) const;
    friend bool operator==(const PlotKey &a, const PlotKey &b) {
        return a.field == b.field && a.column == b.column;
    }
};

/// One plot axis: maps a key's values to positions in [0, 1]. Numeric (linear or log) when every
/// present value is a number, else categorical (the distinct values in sort order, evenly
/// spaced). Missing values have no position (NaN): plots draw them apart.
class PlotAxis {
public:
    PlotAxis() = default;
    /// Fits the axis to the values `rows` have. NaN and infinities are left out of the range.
    PlotAxis(const RunTable &table, const std::vector<int> &rows, PlotKey key);
    /// A numeric axis over [min, max] (curves: steps, a metric's values).
    static PlotAxis numeric(const QString &label, double min, double max);
    /// Widens a numeric axis to cover [low, high] too (error bars), never below 0 for an axis
    /// that can be log; finite values only.
    void include(double low, double high);

    const PlotKey &key() const { return m_key; }
    QString label() const { return m_label; }
    bool isCategorical() const { return m_categorical; }
    bool isLog() const { return m_log; }
    /// Log scale for a numeric axis whose values are all above 0; false when refused.
    bool setLog(bool on);
    bool canBeLog() const { return !m_categorical && m_min > 0; }
    /// Whether the values span two decades or more and crowd at the low end on a linear scale
    /// (half of them in its lowest tenth: learning rates, weight decays): such an axis starts
    /// on a log scale. Values spread evenly (0.00001 to 1, uniformly) stay linear.
    bool wantsLog() const {
        return canBeLog() && m_max / m_min >= 100 && m_median < m_min + 0.1 * (m_max - m_min);
    }
    bool isFlipped() const { return m_flipped; }
    void setFlipped(bool on) { m_flipped = on; }
    const QStringList &categories() const { return m_categories; }
    double minimum() const { return m_min; }
    double maximum() const { return m_max; }
    bool isEmpty() const { return m_categorical ? m_categories.isEmpty() : !(m_min <= m_max); }

    /// The position of a value in [0, 1] (0 at the bottom or left unless flipped); NaN for a
    /// missing value, NaN, or a value the axis cannot place (a string on a numeric axis).
    double position(const Value &value) const;
    /// The number at a position of a numeric axis (inverse of position()).
    double valueAt(double position) const;
    /// The category index at a position of a categorical axis, -1 past the ends.
    int categoryAt(double position) const;
    /// Tick positions with their labels, at most about `maxTicks` of them.
    std::vector<std::pair<double, QString>> ticks(int maxTicks = 6) const;

private:
    double unitPosition(double x) const;
    PlotKey m_key;
    QString m_label;
    bool m_categorical = false;
    bool m_log = false;
    bool m_flipped = false;
    double m_min = 1, m_max = 0; ///< empty until fitted
    double m_median = 0;
    QStringList m_categories;
};

/// The keys a plot starts with, in table order, over `rows`.
struct DefaultPlotKeys {
    std::vector<int> varyingConfig; ///< config keys whose value varies (up to six)
    int metric = -1;                ///< the first metric whose values are numbers
    int numericConfig = -1;         ///< the first varying config key whose values are numbers
    int categoricalConfig = -1;     ///< the first varying config key of strings
};
DefaultPlotKeys defaultPlotKeys(const RunTable &table, const std::vector<int> &rows);

/// A colour for t in [0, 1] on a perceptually even ramp (dark blue, teal, green, yellow), the
/// colour plots use for a metric.
QColor rampColor(double t);
/// A colour for category `i` of a categorical colour key, distinct for the first ten.
QColor categoryColor(int i);
/// A number for an axis tick: short (`0.001`, `1e-05`, `12k`).
QString tickText(double x);

} // namespace runlens
