#pragma once

// What the table writers share (tablewriter.cpp, latexwriter.cpp, htmlwriter.cpp): not part
// of the library's interface.

#include "tablewriter.h"

#include <QIODevice>
#include <QString>

#include <vector>

namespace runlens::exportdetail {

/// Buffers output and hands it to the device in chunks of about 1 MB.
class Sink {
public:
    explicit Sink(QIODevice &device)
        : m_device(device) {}
    Sink &operator+=(const QString &s) {
        m_buffer += s;
        if (m_buffer.size() > (1 << 19)) flush();
        return *this;
    }
    Sink &operator+=(QChar c) {
        m_buffer += c;
        return *this;
    }
    bool flush();

private:
    QIODevice &m_device;
    QString m_buffer;
    bool m_ok = true;
};

/// A column is numeric (right-aligned) when every present cell is a number.
std::vector<bool> numericColumns(const TableSource &t);
/// Every column's TableSource::columnMeta().
std::vector<ColumnMeta> columnMetas(const TableSource &t);
/// What LaTeX and HTML right-align: numeric columns and joined statistics.
std::vector<bool> rightAlignedColumns(const TableSource &t, const std::vector<ColumnMeta> &meta);

/// `x` rounded to `digits` significant digits (x itself when digits <= 0 or x is not finite).
double roundSignificant(double x, int digits);

/// A cell for programs (CSV, TSV, JSON): the value, a real rounded to WriteOptions::precision
/// significant digits when one is set.
Value programValue(const Value &v, const WriteOptions &o);

/// A cell as people read it (text, Markdown, LaTeX, HTML), where `base` is the value's own
/// text: with WriteOptions::precision set, a real to that many significant digits (a metric's
/// with its trailing zeros, formatDigits(); others by formatSignificant()) and a
/// joined summary cell (ColumnMeta::aggregates) by joinedText() with that many digits;
/// `base` otherwise.
QString peopleText(const TableSource &t, int row, int column, const ColumnMeta &meta,
                   const Value &v, const QString &base, const WriteOptions &o);

/// `x` to `digits` significant digits for people, trailing zeros kept (`0.2600`, `1.20e-07`);
/// whole numbers of more digits whole, NaN and infinities as formatSignificant() has them.
QString formatDigits(double x, int digits);

/// Digits for the numbers of a joined cell that are not a `mean ± spread` pair.
inline int joinedDigits(const WriteOptions &o) {
    return o.precision > 0 ? o.precision : 4;
}

void writeLatex(const TableSource &t, const WriteOptions &o, Sink &out);
void writeHtml(const TableSource &t, const WriteOptions &o, Sink &out);

} // namespace runlens::exportdetail
