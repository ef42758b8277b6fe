#include "plotaxis.h"

#include "analysis/grouping.h"
#include "analysis/query.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace runlens {

using namespace Qt::StringLiterals;

Value PlotKey::value(const RunTable &table, int row) const {
    if (field) return runFieldValue(table.run(row), *field);
    return column >= 0 ? table.value(row, column) : Value();
}

QString PlotKey::label(const RunTable &table) const {
    if (field) return runFieldName(*field);
    return column >= 0 ? table.column(column).display : QString();
}

QString PlotKey::queryName(const RunTable &table) const {
    if (field) return queryKey(table, *field);
    return column >= 0 ? queryKey(table, column) : QString();
}

PlotAxis::PlotAxis(const RunTable &table, const std::vector<int> &rows, PlotKey key)
    : m_key(key), m_label(key.label(table)) {
    bool numeric = true, any = false;
    std::vector<double> numbers;
    for (int r : rows) {
        const Value v = key.value(table, r);
        if (v.isMissing()) continue;
        any = true;
        if (v.isNumber()) {
            const double x = v.toDouble();
            if (!std::isfinite(x)) continue;
            numbers.push_back(x);
            if (m_min > m_max) { // the first number
                m_min = m_max = x;
            } else {
                m_min = std::min(m_min, x);
                m_max = std::max(m_max, x);
            }
        } else {
            numeric = false;
        }
    }
    if (!any) return;
    if (!numbers.empty()) {
        auto middle = numbers.begin() + std::ptrdiff_t(numbers.size() / 2);
        std::nth_element(numbers.begin(), middle, numbers.end());
        m_median = *middle;
    }
    if (!numeric) {
        // Categorical: the distinct values in their sort order.
        std::set<QString> seen;
        std::vector<Value> distinct;
        for (int r : rows) {
            const Value v = key.value(table, r);
            if (v.isMissing()) continue;
            if (seen.insert(v.displayText()).second) distinct.push_back(v);
        }
        std::sort(distinct.begin(), distinct.end(),
                  [](const Value &a, const Value &b) { return Value::compare(a, b) < 0; });
        m_categorical = true;
        for (const Value &v : distinct)
            m_categories << v.displayText();
    }
}

PlotAxis PlotAxis::numeric(const QString &label, double min, double max) {
    PlotAxis a;
    a.m_label = label;
    if (std::isfinite(min) && std::isfinite(max) && min <= max) {
        a.m_min = min;
        a.m_max = max;
    }
    return a;
}

void PlotAxis::include(double low, double high) {
    if (m_categorical || !std::isfinite(low) || !std::isfinite(high)) return;
    if (m_min > 0 && low <= 0) low = m_min; // a log-capable axis stays above 0
    if (m_min > m_max) {
        m_min = low;
        m_max = high;
        return;
    }
    m_min = std::min(m_min, low);
    m_max = std::max(m_max, high);
}

bool PlotAxis::setLog(bool on) {
    if (on && !canBeLog()) return false;
    m_log = on;
    return true;
}

double PlotAxis::unitPosition(double x) const {
    if (m_min > m_max) return std::nan("");
    double t;
    if (m_log) {
        if (!(x > 0)) return std::nan("");
        const double lo = std::log10(m_min), hi = std::log10(m_max);
        t = hi > lo ? (std::log10(x) - lo) / (hi - lo) : 0.5;
    } else {
        t = m_max > m_min ? (x - m_min) / (m_max - m_min) : 0.5;
    }
    return m_flipped ? 1 - t : t;
}

double PlotAxis::position(const Value &value) const {
    if (value.isMissing()) return std::nan("");
    if (m_categorical) {
        const qsizetype i = m_categories.indexOf(value.displayText());
        if (i < 0) return std::nan("");
        const double t =
            m_categories.size() == 1 ? 0.5 : double(i) / double(m_categories.size() - 1);
        return m_flipped ? 1 - t : t;
    }
    if (!value.isNumber()) return std::nan("");
    const double x = value.toDouble();
    if (std::isnan(x)) return std::nan("");
    if (std::isinf(x)) return (x > 0) != m_flipped ? 1.0 : 0.0;
    return unitPosition(x);
}

double PlotAxis::valueAt(double position) const {
    const double t = m_flipped ? 1 - position : position;
    if (m_log) {
        const double lo = std::log10(m_min), hi = std::log10(m_max);
        return std::pow(10.0, lo + t * (hi - lo));
    }
    return m_min + t * (m_max - m_min);
}

int PlotAxis::categoryAt(double position) const {
    if (m_categories.isEmpty()) return -1;
    const double t = m_flipped ? 1 - position : position;
    if (m_categories.size() == 1) return std::abs(t - 0.5) < 0.5 ? 0 : -1;
    const int i = int(std::lround(t * double(m_categories.size() - 1)));
    return i >= 0 && i < m_categories.size() ? i : -1;
}

std::vector<std::pair<double, QString>> PlotAxis::ticks(int maxTicks) const {
    std::vector<std::pair<double, QString>> out;
    if (isEmpty()) return out;
    if (m_categorical) {
        // Every category when they fit, else every n-th.
        const int n = int(m_categories.size());
        const int step = std::max(1, (n + std::max(1, maxTicks) * 3 - 1) / (std::max(1, maxTicks) * 3));
        for (int i = 0; i < n; i += step)
            out.emplace_back(position(Value::string(m_categories[i])), m_categories[i]);
        return out;
    }
    if (m_max == m_min) {
        out.emplace_back(position(Value::real(m_min)), tickText(m_min));
        return out;
    }
    if (m_log) {
        const int lo = int(std::floor(std::log10(m_min))), hi = int(std::ceil(std::log10(m_max)));
        const int step = std::max(1, (hi - lo + maxTicks - 1) / std::max(1, maxTicks));
        for (int e = lo; e <= hi; e += step) {
            const double x = std::pow(10.0, e);
            if (x >= m_min * 0.999 && x <= m_max * 1.001) out.emplace_back(unitPosition(x), tickText(x));
        }
        if (out.size() < 2) {
            out.clear();
            out.emplace_back(unitPosition(m_min), tickText(m_min));
            out.emplace_back(unitPosition(m_max), tickText(m_max));
        }
        return out;
    }
    // A "nice" step: 1, 2 or 5 times a power of ten.
    const double raw = (m_max - m_min) / std::max(1, maxTicks);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    double step = power;
    for (double f : {1.0, 2.0, 5.0, 10.0})
        if (power * f >= raw) {
            step = power * f;
            break;
        }
    for (double x = std::ceil(m_min / step) * step; x <= m_max + step * 1e-9; x += step)
        out.emplace_back(unitPosition(x), tickText(std::abs(x) < step * 1e-9 ? 0.0 : x));
    return out;
}

DefaultPlotKeys defaultPlotKeys(const RunTable &table, const std::vector<int> &rows) {
    DefaultPlotKeys d;
    // Numeric when the first 500 values present are numbers: cheap at 100k runs.
    const auto numeric = [&](int column) {
        int seen = 0;
        for (int r : rows)
            if (const Value v = table.value(r, column); !v.isMissing()) {
                if (!v.isNumber()) return false;
                if (++seen >= 500) break;
            }
        return seen > 0;
    };
    // Config keys that vary, seeds and other repetition keys last, the keys most runs have
    // first: what a sweep varied on purpose.
    std::vector<int> varying;
    std::vector<int> present(std::size_t(table.columnCount()), 0);
    for (int c = 0; c < table.columnCount(); ++c) {
        const Family family = table.column(c).family;
        if (family == Family::Metric && d.metric < 0 && numeric(c)) d.metric = c;
        if (family != Family::Config || columnIsConstant(table, c, rows)) continue;
        present[std::size_t(c)] = table.valueCount(c); // over every run: enough to rank
        varying.push_back(c);
    }
    std::stable_sort(varying.begin(), varying.end(), [&](int a, int b) {
        const bool ra = looksLikeRepetitionKey(table.column(a).key);
        const bool rb = looksLikeRepetitionKey(table.column(b).key);
        if (ra != rb) return rb;
        return present[std::size_t(a)] > present[std::size_t(b)];
    });
    for (int c : varying) {
        if (d.varyingConfig.size() < 6) d.varyingConfig.push_back(c);
        if (numeric(c)) {
            if (d.numericConfig < 0 && !looksLikeRepetitionKey(table.column(c).key)) d.numericConfig = c;
        } else if (d.categoricalConfig < 0) {
            d.categoricalConfig = c;
        }
    }
    std::sort(d.varyingConfig.begin(), d.varyingConfig.end()); // back in table order
    return d;
}

QColor rampColor(double t) {
    if (std::isnan(t)) return QColor(160, 160, 160);
    t = std::clamp(t, 0.0, 1.0);
    // Viridis at five stops, interpolated.
    static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                   QColor(94, 201, 98), QColor(253, 231, 37)};
    const double x = t * 4;
    const int i = std::min(3, int(x));
    const double f = x - i;
    const QColor &a = stops[i], &b = stops[i + 1];
    return QColor(int(a.red() + (b.red() - a.red()) * f), int(a.green() + (b.green() - a.green()) * f),
                  int(a.blue() + (b.blue() - a.blue()) * f));
}

QColor categoryColor(int i) {
    // Tableau 10.
    static const QColor colors[] = {QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b),
                                    QColor(0xe1, 0x57, 0x59), QColor(0x76, 0xb7, 0xb2),
                                    QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48),
                                    QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7),
                                    QColor(0x9c, 0x75, 0x5f), QColor(0xba, 0xb0, 0xac)};
    return colors[std::abs(i) % 10];
}

QString tickText(double x) {
    if (x == 0) return u"0"_s;
    const double a = std::abs(x);
    if (a >= 1e5 || a < 1e-3) return QString::number(x, 'g', 2).replace(u"e-0"_s, u"e-"_s).replace(u"e+0"_s, u"e"_s).replace(u"e+"_s, u"e"_s);
    return formatSignificant(x, 3);
}

} // namespace runlens
