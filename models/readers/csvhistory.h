#pragma once

#include "history.h"

#include "run/run.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace runlens {

/// How to read one CSV log of metric rows.
struct CsvHistoryOptions {
    /// The column holding each row's step (Lightning `step`, Keras `epoch`). Where it is absent
    /// or empty in a row, the row takes the previous row's step (the row's position before any).
    QString stepColumn;
    /// Cell texts that mean "no value" like an empty cell (Keras writes `NA`).
    QStringList missingWords;
    /// Bytes read at most; past this the rest of the file is left out with an issue.
    qint64 maxBytes = 64 * 1000 * 1000;
    /// Columns read at most; later columns are left out with an issue.
    int maxColumns = 4000;
    /// For curves: the column whose numeric cells are all kept, in file order, as
    /// CsvColumn::points (the later one where two columns share the name). Empty (the table's
    /// read): no column keeps points, so a long log still costs its columns, not its rows.
    QString keepPointsOf;
    /// With keepPointsOf: the column whose number in the same row is each point's time, as
    /// written (the reader knows its unit); empty or not a number: NaN.
    QString timeColumn;
};

/// One column of a CSV log: its numeric cells as a MetricHistory by step, and the last value
/// by step as the file spelled it. Cells that are not numbers are counted; a column that has
/// only such cells keeps its last text instead.
struct CsvColumn {
    QString name;
    MetricHistory history;
    QByteArray lastNumber; ///< the last numeric cell by step, as written
    double lastNumberStep = 0;
    QString lastText; ///< the last non-numeric cell by step
    double lastTextStep = 0;
    qint64 textCells = 0; ///< non-empty cells that are not numbers
    QString firstText;    ///< the first of them, with its position
    int firstTextLine = 0;
    int firstTextColumn = 0;
    /// Every numeric cell in file order (NaN kept), only for CsvHistoryOptions::keepPointsOf.
    std::vector<HistoryPoint> points;

    /// The column's last value as a Value: the number with its spelling, else the text.
    Value lastValue() const;
};

/// A CSV log of metric rows (Lightning's metrics.csv, a Keras CSVLogger file) read column by
/// column: the header names the columns, every later row adds its non-empty cells to them.
struct CsvHistory {
    std::vector<CsvColumn> columns; ///< in header order
    qint64 rows = 0;                ///< data rows read
    char separator = ',';
    /// The last row ends before its last cell without a line break: the file is being written
    /// (or was cut short); that row is not read.
    bool cutShort = false;

    /// Index of the column named `name`, or -1.
    int indexOf(const QString &name) const;
};

/// Reads a CSV log streaming (RFC 4180 quoting, `\n` or `\r\n` line ends, `,`, `;` or tab as
/// found in the header line), keeping only per-column summaries, so a long log costs its
/// columns, not its rows. Problems become issues on `run` with line and column: rows with a
/// wrong number of cells (read by position), cells that are not numbers, a cut-off last row,
/// binary content, the size cap. Returns nothing when the file has no header to read; a
/// missing file is reported unless `missing` is given, which is then set instead.
std::optional<CsvHistory> readCsvHistory(const QString &path, const CsvHistoryOptions &options,
                                         RunRecord &run, bool *missing = nullptr);

/// For curves: every numeric cell of the column `column` in file order, with the step (and the
/// time, options.timeColumn) of its row, read as readCsvHistory() reads the file (the same size
/// cap; a cut-off last row left out). Empty when the file or the column is missing or unusable;
/// problems are not reported (the table's read reports them).
std::vector<HistoryPoint> readCsvPoints(const QString &path, CsvHistoryOptions options,
                                        const QString &column);

/// Adds one column to `run` as metric `key`: the last numeric value by step with its history
/// summary (historyKey()), or a text-only column's last text; non-numeric cells in a numeric
/// column become one warning with the first one's line and column.
void addCsvMetric(const CsvColumn &column, const Key &key, RunRecord &run, const QString &path);

} // namespace runlens
