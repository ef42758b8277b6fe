#include "pivot.h"

#include "grouptable.h"

#include <algorithm>

namespace runlens {

using namespace Qt::StringLiterals;

PivotTable::PivotTable(const RunTable &table, const std::vector<int> &rows, PivotSpec spec)
    : m_spec(std::move(spec)) {
    const std::vector<GroupNode> tree = groupRuns(table, rows, {m_spec.rowKey, m_spec.columnKey});
    const auto less = [](const Value &a, const Value &b) { return Value::compare(a, b) < 0; };
    for (const GroupNode &row : tree) {
        m_rowValues.push_back(row.value);
        for (const GroupNode &cell : row.children)
            m_columnValues.push_back(cell.value);
    }
    // Stable, so the first spelling of equal values (1e-4, 0.0001) is the one kept.
    std::stable_sort(m_columnValues.begin(), m_columnValues.end(), less);
    m_columnValues.erase(
        std::unique(m_columnValues.begin(), m_columnValues.end(),
                    [](const Value &a, const Value &b) { return Value::compare(a, b) == 0; }),
        m_columnValues.end());

    m_cells.resize(m_rowValues.size() * m_columnValues.size());
    for (std::size_t r = 0; r < tree.size(); ++r)
        for (const GroupNode &cell : tree[r].children) {
            const auto it =
                std::lower_bound(m_columnValues.begin(), m_columnValues.end(), cell.value, less);
            const std::size_t c = std::size_t(it - m_columnValues.begin());
            m_cells[r * m_columnValues.size() + c] =
                summarizeColumn(table, m_spec.metric, cell.rows);
        }

    if (m_spec.joined) {
        m_parts.push_back(Part{});
    } else {
        for (Aggregate a : m_spec.aggregates) {
            m_parts.push_back(Part{false, a});
            if (a == Aggregate::Count) m_parts.push_back(Part{true, a});
        }
    }
    const QStringList keys = qualifiedHeaders(table, {m_spec.rowKey, m_spec.columnKey});
    m_cornerHeader = m_spec.joined ? keys[0] + u" \\ "_s + keys[1] : keys[0];
}

const ColumnSummary *PivotTable::summary(int row, int columnValue) const {
    const auto &cell = m_cells[std::size_t(row) * m_columnValues.size() + std::size_t(columnValue)];
    return cell ? &*cell : nullptr;
}

QString PivotTable::header(int column) const {
    if (column == 0) return m_cornerHeader;
    const std::size_t c = std::size_t(column - 1);
    const QString value = groupValueText(m_columnValues[c / m_parts.size()]);
    if (m_parts.size() == 1) return value;
    const Part &part = m_parts[c % m_parts.size()];
    return value + u' ' + (part.nanCount ? u"nan"_s : aggregateName(part.aggregate));
}

Value PivotTable::cell(int row, int column) const {
    if (column == 0) {
        const Value &v = m_rowValues[std::size_t(row)];
        return v.isMissing() && m_spec.missingLabel ? Value::string(groupValueText(v)) : v;
    }
    const std::size_t c = std::size_t(column - 1);
    const ColumnSummary *s = summary(row, int(c / m_parts.size()));
    if (!s) return Value::missing();
    if (m_spec.joined) {
        const QString text = joinedText(m_spec.aggregates, *s);
        return text.isEmpty() ? Value::missing() : Value::string(text);
    }
    const Part &part = m_parts[c % m_parts.size()];
    if (part.nanCount) return Value::integer(s->nanCount);
    return aggregateValue(*s, part.aggregate);
}

} // namespace runlens
