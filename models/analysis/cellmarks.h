#pragma once

#include "grouping.h"

#include <QHash>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace runlens {

/// Directions the user set for metrics, by `family:key` identity (`metric:val/loss`), values
/// int(Direction): what GroupTreeModel::directionOverrides() keeps.
using DirectionOverrides = QHash<QString, int>;

/// The direction of a table column: as set in `overrides`, else guessDirection() of its key.
Direction columnDirection(const ColumnInfo &column, const DirectionOverrides &overrides);
Direction columnDirection(const RunTable &table, int column, const DirectionOverrides &overrides);

/// `1 run`, `34 runs`: a count with its noun (`singular` + `s` unless 1), for descriptions.
QString countOf(int n, const QString &singular);

/// The best number of each column that has a direction, over a table's rows: what the table
/// sources mark CellMark::Best. A column has a best only where at least two rows have a number
/// (NaN is none, infinities count); ties are all best. Computed once, read from any thread.
class BestValues {
public:
    BestValues() = default;
    /// `directions` has one entry per column (none: the column does not compete);
    /// `number(row, column)` is the number that competes in a cell, NaN for none.
    BestValues(int rows, const std::vector<std::optional<Direction>> &directions,
               const std::function<double(int row, int column)> &number);

    /// Whether `x` is the best of `column` (false for columns without one).
    bool isBest(int column, double x) const;

private:
    std::vector<double> m_best; ///< per column; NaN where there is none
};

} // namespace runlens
