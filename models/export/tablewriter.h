#pragma once

#include "analysis/tablesource.h"

#include <QByteArray>
#include <QDateTime>
#include <QIODevice>
#include <QString>

#include <functional>
#include <optional>

namespace runlens {

enum class TableFormat { Text, Csv, Tsv, Markdown, Json, Latex, Html };

/// `text`/`txt`, `csv`, `tsv`, `md`/`markdown`, `json`, `latex`/`tex`, `html`/`htm`.
std::optional<TableFormat> tableFormatFromName(const QString &name);

/// Whether people read the format (text, Markdown, LaTeX, HTML): statistics joined into one
/// cell (`0.912 ± 0.010 (n=3)`), `(missing)` spelled out, a diff's changes in words. Programs
/// read CSV, TSV and JSON: one typed value per cell.
bool isForPeople(TableFormat format);

struct WriteOptions {
    /// CSV/TSV: prefix string cells that a spreadsheet would run as a formula (`=`, `+`, `-`,
    /// `@`, tab, CR at the start) with `'`. Numbers are never touched.
    bool neutralizeFormulas = true;
    /// Text format: cells longer than this are cut with an ellipsis (0 = never).
    int maxTextWidth = 48;
    /// Significant digits for real numbers, in every format; 0 keeps every number as the file
    /// wrote it (full precision). Integers are never rounded. In a joined cell the
    /// `mean ± spread` pair keeps its rule (the spread to two significant digits, the mean to
    /// the same place) and the other numbers take this many digits (4 when 0).
    int precision = 0;
    /// LaTeX: put the tabular in a `table` float with this `\caption` (escaped). HTML: the
    /// page's title and heading (default: what the table shows).
    QString caption;
    /// LaTeX: the float's `\label` (written as given; also asks for the float).
    QString label;
    /// HTML: where the runs came from (the folders), for the line under the title.
    QString source;
    /// HTML: when the table was written, for the line under the title; invalid: left out.
    QDateTime written;
};

/// Writes a table in one format, as UTF-8. Escaping per format: RFC 4180 quoting for CSV,
/// backslash escapes for tabs and newlines in TSV, `|` in Markdown, latexEscape() in LaTeX,
/// htmlEscape() in HTML; JSON records are typed, missing values left out, NaN and infinities
/// written as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers).
///
/// LaTeX: a booktabs `tabular` (`\toprule`, `\midrule`, `\bottomrule`; needs
/// `\usepackage{booktabs}`), inside a `table` float when a caption or label is given; numeric
/// and statistics columns right-aligned; joined statistics as `$0.912 \pm 0.010$`; the cells
/// marked CellMark::Best in `\textbf`; exponents as `$1.5\times10^{-3}$`, minus signs in math,
/// NaN as `NaN`, infinities as `$\infty$`, missing values as `--`.
///
/// HTML: one standalone UTF-8 page without scripts, styled inline: a title, a line saying what
/// the table shows, where from and when, and the table with a sticky header, config and metric
/// headers banded in their family's colour, numbers right-aligned, the cell marks tinted as the
/// window tints them (best, baseline, differs from the baseline, diff changes), a faint dash
/// for a missing value and NaN and infinities in red italics; a legend of the marks used.
///
/// Streams the table to `device` in chunks, so a 100k-row export never sits whole in memory.
/// Returns false when the device refused a write.
bool writeTable(const TableSource &table, TableFormat format, QIODevice &device,
                const WriteOptions &options = {});

/// Writes a file atomically (QSaveFile: the target is replaced only when every byte is
/// written, never left half-written): `write` fills the file. False with `error` saying in
/// words why the target cannot be written (a folder, a missing folder, no permission, a full
/// disk).
bool writeFileAtomically(const QString &path, const std::function<bool(QIODevice &)> &write,
                         QString *error = nullptr);

/// writeTable() into a file, atomically.
bool writeTableFile(const TableSource &table, TableFormat format, const QString &path,
                    const WriteOptions &options = {}, QString *error = nullptr);

/// The same, into a byte array (tests, clipboard).
QByteArray renderTable(const TableSource &table, TableFormat format,
                       const WriteOptions &options = {});

/// Text for LaTeX's text mode: `\ & % $ # _ { } ~ ^` escaped, `< > |` as their text commands,
/// a leading `[` or `*` braced (a row would read it as an argument of `\\`), `--` kept
/// apart, line breaks as spaces, and the symbols RunLens itself writes (`± Δ × − … – —`)
/// as LaTeX. Other non-ASCII characters are left as UTF-8.
QString latexEscape(const QString &text);

/// Text for HTML element content and attribute values: `& < > " '` escaped.
QString htmlEscape(const QString &text);

} // namespace runlens
