#include "pivot.h"

#include "grouptable.h"

#include <algorithm>
#include <cmath>

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
    m_keyHeaders = keys;
    m_rowKeyInfo = table.column(m_spec.rowKey);
    m_metricInfo = table.column(m_spec.metric);
    for (const GroupNode &row : tree)
        for (const GroupNode &cell : row.children)
            m_runs += int(cell.rows.size());
    setDirections({});
}

std::optional<Aggregate> PivotTable::competing(const Part &part) const {
    if (m_spec.joined) return Aggregate::Mean;
    const Aggregate a = part.aggregate;
    if (part.nanCount || a == Aggregate::Count || a == Aggregate::Std || a == Aggregate::Sem)
        return std::nullopt;
    return a;
}

void PivotTable::setDirections(const DirectionOverrides &directions) {
    m_direction = columnDirection(m_metricInfo, directions);
    std::vector<std::optional<Direction>> parts;
    for (const Part &part : m_parts)
        parts.push_back(competing(part) ? m_direction : std::nullopt);
    m_best = BestValues(int(m_cells.size()), parts, [this](int cell, int part) {
        const auto &s = m_cells[std::size_t(cell)];
        const auto a = competing(m_parts[std::size_t(part)]);
        return s && a && s->count > 0 ? s->value(*a) : std::nan("");
    });
}

ColumnMeta PivotTable::columnMeta(int column) const {
    ColumnMeta meta;
    if (column == 0) {
        meta.family = m_rowKeyInfo.family;
        return meta;
    }
    const Part &part = m_parts[std::size_t(column - 1) % m_parts.size()];
    meta.family = m_metricInfo.family;
    if (competing(part)) meta.direction = m_direction;
    if (m_spec.joined) meta.aggregates = m_spec.aggregates;
    return meta;
}

CellMarks PivotTable::cellMarks(int row, int column) const {
    if (column == 0) return {};
    const std::size_t c = std::size_t(column - 1);
    const int part = int(c % m_parts.size());
    const ColumnSummary *s = summary(row, int(c / m_parts.size()));
    const auto a = competing(m_parts[std::size_t(part)]);
    if (!s || !a || s->count == 0) return {};
    return m_best.isBest(part, s->value(*a)) ? CellMarks(CellMark::Best) : CellMarks();
}

const ColumnSummary *PivotTable::cellSummary(int row, int column) const {
    if (column == 0) return nullptr;
    return summary(row, int(std::size_t(column - 1) / m_parts.size()));
}

QString PivotTable::description() const {
    return m_metricInfo.display + u" of "_s + countOf(m_runs, u"run"_s) + u" by "_s +
           m_keyHeaders.join(u" and "_s);
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
