#include "writersupport.h"

#include <algorithm>
#include <cmath>

namespace runlens::exportdetail {

bool Sink::flush() {
    const QByteArray bytes = m_buffer.toUtf8();
    m_buffer.clear();
    m_ok = m_ok && m_device.write(bytes) == bytes.size();
    return m_ok;
}

std::vector<bool> numericColumns(const TableSource &t) {
    std::vector<bool> numeric(std::size_t(t.columnCount()), true);
    std::vector<bool> any(std::size_t(t.columnCount()), false);
    for (int r = 0; r < t.rowCount(); ++r)
        for (int c = 0; c < t.columnCount(); ++c) {
            if (!numeric[std::size_t(c)]) continue;
            const Value v = t.cell(r, c);
            if (v.isMissing()) continue;
            any[std::size_t(c)] = true;
            if (!v.isNumber()) numeric[std::size_t(c)] = false;
        }
    for (std::size_t c = 0; c < numeric.size(); ++c)
        numeric[c] = numeric[c] && any[c];
    return numeric;
}

std::vector<ColumnMeta> columnMetas(const TableSource &t) {
    std::vector<ColumnMeta> meta;
    for (int c = 0; c < t.columnCount(); ++c)
        meta.push_back(t.columnMeta(c));
    return meta;
}

std::vector<bool> rightAlignedColumns(const TableSource &t, const std::vector<ColumnMeta> &meta) {
    std::vector<bool> right = numericColumns(t);
    for (std::size_t c = 0; c < right.size(); ++c)
        right[c] = right[c] || !meta[c].aggregates.empty();
    return right;
}

double roundSignificant(double x, int digits) {
    if (digits <= 0 || !std::isfinite(x) || x == 0) return x;
    // printf's correctly rounded decimal, read back: 0.123456 to 3 digits is 0.123 exactly as
    // the shortest spelling of the nearest double says it.
    // Near the largest double the rounded-up text is beyond it: keep the number then.
    const double rounded = QString::number(x, 'g', digits).toDouble();
    return std::isfinite(rounded) ? rounded : x;
}

Value programValue(const Value &v, const WriteOptions &o) {
    if (o.precision <= 0 || v.type() != Value::Type::Real) return v;
    const double x = v.toDouble(), rounded = roundSignificant(x, o.precision);
    // A number that rounding leaves alone keeps the file's spelling (0.0003, not 3e-04).
    return rounded == x ? v : Value::real(rounded);
}

QString peopleText(const TableSource &t, int row, int column, const ColumnMeta &meta,
                   const Value &v, const QString &base, const WriteOptions &o) {
    if (o.precision <= 0) return base;
    if (!meta.aggregates.empty())
        if (const ColumnSummary *s = t.cellSummary(row, column))
            return joinedText(meta.aggregates, *s, o.precision);
    if (v.type() != Value::Type::Real) return base;
    // A measured number shows the digits it was rounded to (0.2600); a set one, a config
    // value such as a learning rate, reads as written (0.0003, not 0.000300).
    return meta.family == Family::Metric ? formatDigits(v.toDouble(), o.precision)
                                         : formatSignificant(v.toDouble(), o.precision);
}

QString formatDigits(double x, int digits) {
    if (!std::isfinite(x) || x == 0) return formatSignificant(x, digits);
    // The exponent of the rounded number: 0.99996 to 4 digits is 1.000, not 1.0000.
    const int exponent = int(std::floor(std::log10(std::abs(roundSignificant(x, digits)))));
    // Whole numbers of more digits are shown whole, as formatSignificant() does.
    if (exponent >= digits) return formatSignificant(x, digits);
    if (exponent < -5) return QString::number(x, 'e', digits - 1);
    // Fixed notation keeps the trailing zeros a column of rounded numbers needs (0.2600).
    return QString::number(x, 'f', std::clamp(digits - 1 - exponent, 0, 17));
}

} // namespace runlens::exportdetail
