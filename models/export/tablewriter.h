#pragma once

#include "analysis/tablesource.h"

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <optional>

namespace runlens {

enum class TableFormat { Text, Csv, Tsv, Markdown, Json };

std::optional<TableFormat> tableFormatFromName(const QString &name);

struct WriteOptions {
    /// CSV/TSV: prefix string cells that a spreadsheet would run as a formula (`=`, `+`, `-`,
    /// `@`, tab, CR at the start) with `'`. Numbers are never touched.
    bool neutralizeFormulas = true;
    /// Text format: cells longer than this are cut with an ellipsis (0 = never).
    int maxTextWidth = 48;
};

/// Writes a table in one format, as UTF-8. Escaping per format: RFC 4180 quoting for CSV,
/// backslash escapes for tabs and newlines in TSV, `|` in Markdown; JSON records are typed,
/// missing values left out, NaN and infinities written as the strings "NaN", "Infinity",
/// "-Infinity" (JSON has no such numbers).
/// Streams the table to `device` in chunks, so a 100k-row export never sits whole in memory.
/// Returns false when the device refused a write.
bool writeTable(const TableSource &table, TableFormat format, QIODevice &device,
                const WriteOptions &options = {});

/// The same, into a byte array (tests, clipboard).
QByteArray renderTable(const TableSource &table, TableFormat format,
                       const WriteOptions &options = {});

} // namespace runlens
