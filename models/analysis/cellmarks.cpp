#include "cellmarks.h"

#include <cmath>

namespace runlens {

Direction columnDirection(const RunTable &table, int column, const DirectionOverrides &overrides) {
    return columnDirection(table.column(column), overrides);
}

Direction columnDirection(const ColumnInfo &info, const DirectionOverrides &overrides) {
    const auto it = overrides.constFind(familyName(info.family) + u':' + info.display);
    return it != overrides.cend() ? Direction(*it) : guessDirection(info);
}

QString countOf(int n, const QString &singular) {
    return QString::number(n) + u' ' + singular + (n == 1 ? QString() : QStringLiteral("s"));
}

BestValues::BestValues(int rows, const std::vector<std::optional<Direction>> &directions,
                       const std::function<double(int, int)> &number)
    : m_best(directions.size(), std::nan("")) {
    for (std::size_t c = 0; c < directions.size(); ++c) {
        if (!directions[c]) continue;
        const bool higher = *directions[c] == Direction::Higher;
        double best = std::nan("");
        int withNumbers = 0;
        for (int r = 0; r < rows; ++r) {
            const double x = number(r, int(c));
            if (std::isnan(x)) continue;
            ++withNumbers;
            if (withNumbers == 1 || (higher ? x > best : x < best)) best = x;
        }
        if (withNumbers > 1) m_best[c] = best;
    }
}

bool BestValues::isBest(int column, double x) const {
    if (column < 0 || std::size_t(column) >= m_best.size()) return false;
    const double best = m_best[std::size_t(column)];
    return !std::isnan(best) && x == best;
}

} // namespace runlens
