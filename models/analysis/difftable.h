#pragma once

#include "cellmarks.h"
#include "diff.h"
#include "tablesource.h"

#include <QStringList>

#include <vector>

namespace runlens {

/// A RunDiff as a table for the exporters (`runlens diff`), one row per diff row. Columns:
/// `key` (the key, family-qualified as `metric:epoch` where two rows' keys read the same),
/// `status` (same, different, missing in some), then per run:
///
/// - for programs (CSV, TSV, JSON): its typed value, headed by its label (runLabels();
///   `<label> (baseline)` for the baseline), followed for each other run that has a number
///   against a number of the baseline in some row by `<label> Δ` (its value minus the
///   baseline's; an integer for two integers) and `<label> Δ%` (that as a percent of
///   |baseline|, NaN for a zero baseline); both empty where either value is not a number;
/// - joined, for people (text, Markdown): one cell per run, diffCellText().
///
/// Joined cells give reals to `precision` significant digits when it is above 0, else as the
/// file wrote them. Holds a reference to the diff, which must outlive it.
class DiffTable final : public TableSource {
public:
    DiffTable(const RunDiff &diff, bool joined, int precision = 0);

    int rowCount() const override { return int(m_diff.rows().size()); }
    int columnCount() const override { return int(m_columns.size()); }
    QString header(int column) const override { return m_columns[std::size_t(column)].header; }
    Value cell(int row, int column) const override;

    /// A run's cells: Changed, Added or Removed against the baseline, the baseline's own
    /// Baseline; a metric's changed number (and its Δ, Δ%) also Better or Worse by the
    /// metric's direction, as the diff window colours them.
    CellMarks cellMarks(int row, int column) const override;
    QString description() const override;
    /// The metrics' directions: as set here (by `family:key`), else guessed from their names.
    void setDirections(const DirectionOverrides &directions) { m_directions = directions; }

private:
    enum class Kind { Key, Status, Value, Delta, Percent, Joined };
    struct Column {
        Kind kind;
        int run = 0;
        QString header;
    };
    const RunDiff &m_diff;
    DirectionOverrides m_directions;
    QStringList m_keys;
    std::vector<Column> m_columns;
    /// Joined: every run's cell text, row-major, made once (the text writer reads each cell
    /// three times: widths, alignment, lines).
    std::vector<QString> m_joined;
};

/// What one run's cell of a diff row says to people:
/// - the value as the file wrote it where it equals the baseline's, and for the baseline;
/// - `0.001 (-0.002, -66.7%)` for a changed number: the difference from the baseline to four
///   significant digits and the percent of |baseline| to three (left out for a zero baseline);
/// - `sgd (changed)` for any other change (and a number against NaN);
/// - `0.1 (added)` where the baseline lacks the key, `(removed)` where this run lacks it, and
///   `(missing)` where both (or the baseline itself) lack it.
/// A real value is given to `precision` significant digits when it is above 0 (roundedText()).
QString diffCellText(const RunDiff &diff, int row, int run, int precision = 0);
/// The numeric part of a changed number's text: `(-0.002, -66.7%)`; empty for anything else.
QString diffChangeNote(const RunDiff &diff, int row, int run);

} // namespace runlens
