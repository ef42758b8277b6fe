#include "grouptable.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace runlens {

using namespace Qt::StringLiterals;

QStringList qualifiedHeaders(const RunTable &table, const std::vector<int> &columns) {
    QHash<QString, int> seen;
    for (int c : columns)
        ++seen[table.column(c).display];
    QStringList headers;
    for (int c : columns) {
        const ColumnInfo &info = table.column(c);
        headers << (seen.value(info.display) > 1 ? familyName(info.family) + u':' + info.display
                                                 : info.display);
    }
    return headers;
}

QString groupValueText(const Value &value) {
    return value.isMissing() ? u"(missing)"_s : value.displayText();
}

GroupTable::GroupTable(const RunTable &table, const std::vector<int> &rows, GroupSpec spec)
    : m_spec(std::move(spec)) {
    if (m_spec.keyColumns.empty()) {
        if (!rows.empty()) m_groups.push_back(FlatGroup{{}, rows});
    } else {
        m_groups = flattenGroups(groupRuns(table, rows, m_spec.keyColumns));
    }
    const std::size_t metrics = m_spec.metricColumns.size();
    m_summaries.reserve(m_groups.size() * metrics);
    for (const FlatGroup &g : m_groups)
        for (int c : m_spec.metricColumns)
            m_summaries.push_back(summarizeColumn(table, c, g.rows));
    m_order.resize(m_groups.size());
    std::iota(m_order.begin(), m_order.end(), 0);

    std::vector<int> shown = m_spec.keyColumns;
    shown.insert(shown.end(), m_spec.metricColumns.begin(), m_spec.metricColumns.end());
    const QStringList headers = qualifiedHeaders(table, shown);
    m_keyHeaders = headers.mid(0, qsizetype(m_spec.keyColumns.size()));
    m_metricHeaders = headers.mid(qsizetype(m_spec.keyColumns.size()));

    for (int c : m_spec.keyColumns)
        m_keyInfo.push_back(table.column(c));
    for (int c : m_spec.metricColumns)
        m_metricInfo.push_back(table.column(c));
    for (const FlatGroup &g : m_groups)
        m_runs += int(g.rows.size());

    for (int k = 0; k < int(m_keyHeaders.size()); ++k)
        m_columns.push_back(Column{Kind::Key, k, Aggregate::Count, m_keyHeaders[k]});
    m_columns.push_back(Column{Kind::Runs, 0, Aggregate::Count, u"runs"_s});
    for (int m = 0; m < int(metrics); ++m) {
        const QString &name = m_metricHeaders[m];
        if (m_spec.joined) {
            m_columns.push_back(Column{Kind::Joined, m, Aggregate::Count,
                                       name + u' ' + joinedHeader(m_spec.aggregates)});
            continue;
        }
        for (Aggregate a : m_spec.aggregates) {
            m_columns.push_back(Column{Kind::Aggregate, m, a, name + u' ' + aggregateName(a)});
            if (a == Aggregate::Count)
                m_columns.push_back(Column{Kind::NanCount, m, a, name + u" nan"_s});
        }
    }
    setDirections({});
}

void GroupTable::setDirections(const DirectionOverrides &directions) {
    m_directions.clear();
    for (const Column &c : m_columns) {
        const bool competes =
            c.kind == Kind::Joined ||
            (c.kind == Kind::Aggregate &&
             (c.aggregate == Aggregate::Mean || c.aggregate == Aggregate::Median ||
              c.aggregate == Aggregate::Min || c.aggregate == Aggregate::Max));
        m_directions.push_back(competes ? std::optional(columnDirection(
                                              m_metricInfo[std::size_t(c.index)], directions))
                                        : std::nullopt);
    }
    m_best = BestValues(int(m_groups.size()), m_directions, [this](int group, int column) {
        return bestNumber(group, m_columns[std::size_t(column)]);
    });
}

double GroupTable::bestNumber(int group, const Column &c) const {
    if (c.kind == Kind::Key || c.kind == Kind::Runs) return std::nan("");
    const ColumnSummary &s =
        m_summaries[std::size_t(group) * m_spec.metricColumns.size() + std::size_t(c.index)];
    if (s.count == 0) return std::nan("");
    return s.value(c.kind == Kind::Joined ? Aggregate::Mean : c.aggregate);
}

ColumnMeta GroupTable::columnMeta(int column) const {
    const Column &c = m_columns[std::size_t(column)];
    ColumnMeta meta;
    switch (c.kind) {
    case Kind::Key:
        meta.family = m_keyInfo[std::size_t(c.index)].family;
        break;
    case Kind::Runs:
        break;
    case Kind::Joined:
        meta.aggregates = m_spec.aggregates;
        [[fallthrough]];
    case Kind::Aggregate:
    case Kind::NanCount:
        meta.family = m_metricInfo[std::size_t(c.index)].family;
        meta.direction = m_directions[std::size_t(column)];
        break;
    }
    return meta;
}

CellMarks GroupTable::cellMarks(int row, int column) const {
    if (!m_directions[std::size_t(column)]) return {};
    const double x = bestNumber(m_order[std::size_t(row)], m_columns[std::size_t(column)]);
    return m_best.isBest(column, x) ? CellMarks(CellMark::Best) : CellMarks();
}

const ColumnSummary *GroupTable::cellSummary(int row, int column) const {
    const Column &c = m_columns[std::size_t(column)];
    if (c.kind == Kind::Key || c.kind == Kind::Runs) return nullptr;
    return &summary(row, c.index);
}

QString GroupTable::description() const {
    QString text = countOf(rowCount(), u"group"_s) + u" of "_s + countOf(m_runs, u"run"_s);
    if (!m_keyHeaders.isEmpty()) text += u" by "_s + m_keyHeaders.join(u", "_s);
    return text;
}

const ColumnSummary &GroupTable::summary(int row, int metric) const {
    const std::size_t group = std::size_t(m_order[std::size_t(row)]);
    return m_summaries[group * m_spec.metricColumns.size() + std::size_t(metric)];
}

Value GroupTable::sortValue(int group, const Column &c) const {
    const FlatGroup &g = m_groups[std::size_t(group)];
    const auto summaryOf = [&](int metric) -> const ColumnSummary & {
        return m_summaries[std::size_t(group) * m_spec.metricColumns.size() + std::size_t(metric)];
    };
    switch (c.kind) {
    case Kind::Key:
        return g.values[std::size_t(c.index)];
    case Kind::Runs:
        return Value::integer(qint64(g.rows.size()));
    case Kind::Aggregate:
        return aggregateValue(summaryOf(c.index), c.aggregate);
    case Kind::NanCount:
        return Value::integer(summaryOf(c.index).nanCount);
    case Kind::Joined:
        break;
    }
    const QString text = joinedText(m_spec.aggregates, summaryOf(c.index));
    return text.isEmpty() ? Value::missing() : Value::string(text);
}

Value GroupTable::cell(int row, int column) const {
    const Column &c = m_columns[std::size_t(column)];
    Value v = sortValue(m_order[std::size_t(row)], c);
    if (c.kind == Kind::Key && v.isMissing() && m_spec.missingLabel)
        return Value::string(groupValueText(v));
    return v;
}

bool GroupTable::sort(const std::vector<SortKey> &keys, QString *error) {
    std::vector<SortColumn> columns;
    for (const SortKey &key : keys) {
        std::optional<Column> found;
        for (int k = 0; k < int(m_keyHeaders.size()) && !found; ++k)
            if (m_keyHeaders[k] == key.column) found = Column{Kind::Key, k, Aggregate::Count, {}};
        if (!found && key.column == u"runs") found = Column{Kind::Runs, 0, Aggregate::Count, {}};
        for (int m = 0; m < int(m_metricHeaders.size()) && !found; ++m) {
            const QString &name = m_metricHeaders[m];
            if (key.column == name || key.column == name + u' ' + joinedHeader(m_spec.aggregates))
                found = Column{Kind::Aggregate, m, Aggregate::Mean, {}};
            else if (key.column == name + u" nan"_s)
                found = Column{Kind::NanCount, m, Aggregate::Count, {}};
            for (Aggregate a : allAggregates())
                if (!found && key.column == name + u' ' + aggregateName(a))
                    found = Column{Kind::Aggregate, m, a, {}};
        }
        if (!found) {
            if (error)
                *error = u"no group column named '%1' to sort by (name a group key, runs, or "
                         "'METRIC AGGREGATE' such as '%2 mean')"_s.arg(
                             key.column, m_metricHeaders.value(0, u"val/acc"_s));
            return false;
        }
        columns.push_back(SortColumn{*found, key.descending});
    }
    if (columns.empty()) return true;
    // Sort keys are computed once per group, not per comparison.
    std::vector<std::vector<Value>> values(columns.size());
    std::vector<bool> descending;
    for (std::size_t k = 0; k < columns.size(); ++k) {
        for (int g = 0; g < int(m_groups.size()); ++g)
            values[k].push_back(sortValue(g, columns[k].column));
        descending.push_back(columns[k].descending);
    }
    sortByValues(m_order, values, descending);
    return true;
}

} // namespace runlens
