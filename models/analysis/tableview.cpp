#include "tableview.h"

#include "readers/timeparse.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const std::vector<std::pair<QString, RunField>> &fieldNames() {
    static const std::vector<std::pair<QString, RunField>> names = {
        {u"id"_s, RunField::Id},
        {u"name"_s, RunField::Name},
        {u"status"_s, RunField::Status},
        {u"format"_s, RunField::Format},
        {u"path"_s, RunField::Path},
        {u"start"_s, RunField::Start},
        {u"duration"_s, RunField::Duration},
        {u"issues"_s, RunField::Issues}};
    return names;
}

std::optional<RunField> fieldFromName(const QString &name) {
    for (const auto &[n, f] : fieldNames())
        if (n == name) return f;
    return std::nullopt;
}

bool isGlob(const QString &s) {
    return s.contains(u'*') || s.contains(u'?');
}

} // namespace

QString runFieldName(RunField field) {
    for (const auto &[n, f] : fieldNames())
        if (f == field) return n;
    return {};
}

Value runFieldValue(const RunInfo &run, RunField field) {
    switch (field) {
    case RunField::Id:
        return Value::string(run.id);
    case RunField::Name:
        return Value::string(run.name);
    case RunField::Status:
        return Value::string(statusName(run.status));
    case RunField::Format:
        return Value::string(run.format);
    case RunField::Path:
        return Value::string(run.path);
    case RunField::Start:
        return run.startMs < 0 ? Value::missing() : Value::string(formatTimeMs(run.startMs));
    case RunField::Duration:
        return run.durationSec < 0 ? Value::missing() : Value::real(run.durationSec);
    case RunField::Issues:
        return Value::integer(run.problemCount());
    }
    return {};
}

TableView::TableView(const RunTable &table, std::vector<int> rows, std::vector<ViewColumn> columns)
    : m_table(table)
    , m_rows(std::move(rows))
    , m_columns(std::move(columns)) {}

Value TableView::cell(int row, int column) const {
    const ViewColumn &c = m_columns[std::size_t(column)];
    const int r = m_rows[std::size_t(row)];
    if (c.field) return runFieldValue(m_table.run(r), *c.field);
    return m_table.value(r, c.column);
}

ColumnMeta TableView::columnMeta(int column) const {
    const ViewColumn &c = m_columns[std::size_t(column)];
    ColumnMeta meta;
    if (c.field) return meta;
    meta.family = m_table.column(keyColumn(c)).family;
    if (meta.family == Family::Metric)
        meta.direction = columnDirection(m_table, keyColumn(c), m_directions);
    return meta;
}

std::optional<ViewColumn> summaryColumn(const RunTable &table, int metric, MetricSummary summary,
                                        const QString &header) {
    if (summary == MetricSummary::Last) return ViewColumn{std::nullopt, metric, header};
    const int column =
        table.findColumn(Family::Meta, historyKey(table.column(metric).key, summary));
    if (column < 0) return std::nullopt;
    return ViewColumn{std::nullopt, column, header + u" ("_s + summaryName(summary) + u')', metric};
}

void TableView::markBest(const DirectionOverrides &directions) {
    m_directions = directions;
    std::vector<std::optional<Direction>> compete;
    for (int c = 0; c < columnCount(); ++c)
        compete.push_back(columnMeta(c).direction);
    m_best = BestValues(rowCount(), compete, [this](int row, int column) {
        const Value v = cell(row, column);
        return v.isNumber() ? v.toDouble() : std::nan("");
    });
}

CellMarks TableView::cellMarks(int row, int column) const {
    CellMarks marks;
    const ViewColumn &c = m_columns[std::size_t(column)];
    const int r = m_rows[std::size_t(row)];
    if (m_baselineRow >= 0 && r == m_baselineRow) marks |= CellMark::Baseline;
    if (c.field) return marks;
    const Value v = m_table.value(r, c.column);
    if (m_baselineRow >= 0 && r != m_baselineRow && !(v == m_table.value(m_baselineRow, c.column)))
        marks |= CellMark::DiffersFromBaseline;
    if (v.isNumber() && m_best.isBest(column, v.toDouble())) marks |= CellMark::Best;
    return marks;
}

QString TableView::description() const {
    return countOf(rowCount(), u"run"_s);
}

std::vector<int> matchColumns(const RunTable &table, const QString &spec) {
    QString pattern = spec;
    std::optional<Family> family;
    if (const qsizetype colon = spec.indexOf(u':'); colon > 0) {
        if (const auto f = familyFromName(QStringView(spec).left(colon))) {
            family = f;
            pattern = spec.mid(colon + 1);
        }
    }
    std::vector<int> out;
    if (isGlob(pattern)) {
        // `*` and `?` match any character, `/` and `.` included.
        QString rx;
        for (const QChar ch : pattern)
            rx += ch == u'*'   ? u".*"_s
                  : ch == u'?' ? u"."_s
                               : QRegularExpression::escape(QString(ch));
        const QRegularExpression re(QRegularExpression::anchoredPattern(rx));
        for (int c = 0; c < table.columnCount(); ++c) {
            const ColumnInfo &info = table.column(c);
            if ((!family || info.family == *family) && re.match(info.display).hasMatch())
                out.push_back(c);
        }
        return out;
    }
    for (int c = 0; c < table.columnCount(); ++c) {
        const ColumnInfo &info = table.column(c);
        if ((!family || info.family == *family) && info.display == pattern) out.push_back(c);
    }
    return out;
}

namespace {

/// Resolves one spec to columns; fields are named plainly unless a key of that name exists.
bool resolve(const RunTable &table, const QString &spec, std::vector<ViewColumn> &out,
             QString *error) {
    if (spec.startsWith(u"run:"_s)) {
        if (const auto f = fieldFromName(spec.mid(4))) {
            out.push_back(ViewColumn{f, -1, {}});
            return true;
        }
    }
    const std::vector<int> cols = matchColumns(table, spec);
    // A run field wins over metadata of the same name (readers keep a tool's own status word
    // as meta `status`); `meta:status` still names that.
    const bool onlyMeta = std::all_of(cols.begin(), cols.end(), [&](int c) {
        return table.column(c).family == Family::Meta;
    });
    if (!cols.empty() && onlyMeta && !spec.contains(u':'))
        if (const auto f = fieldFromName(spec)) {
            out.push_back(ViewColumn{f, -1, {}});
            return true;
        }
    if (cols.empty()) {
        if (const auto f = fieldFromName(spec)) {
            out.push_back(ViewColumn{f, -1, {}});
            return true;
        }
        if (isGlob(spec)) return true; // a glob that matches nothing shows nothing
        if (error) *error = u"no key or column named '%1'"_s.arg(spec);
        return false;
    }
    for (int c : cols)
        out.push_back(ViewColumn{std::nullopt, c, {}});
    return true;
}

} // namespace

bool columnIsConstant(const RunTable &table, int column, const std::vector<int> &rows) {
    if (rows.empty()) return true;
    const Value first = table.value(rows.front(), column);
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (!(table.value(rows[i], column) == first)) return false;
    return true;
}

void sortRunRows(const RunTable &table, std::vector<int> &rows,
                 const std::vector<ColumnSort> &keys) {
    if (keys.empty() || rows.size() < 2) return;
    // Values are computed once per key and row, not per comparison, and indexed by position in
    // `rows`: sorting the runs of one small group costs that group, not the whole table.
    std::vector<std::vector<Value>> values(keys.size());
    std::vector<bool> descending;
    for (std::size_t k = 0; k < keys.size(); ++k) {
        values[k].reserve(rows.size());
        for (int r : rows)
            values[k].push_back(keys[k].field ? runFieldValue(table.run(r), *keys[k].field)
                                              : table.value(r, keys[k].column));
        descending.push_back(keys[k].descending);
    }
    std::vector<int> order(rows.size());
    std::iota(order.begin(), order.end(), 0);
    sortByValues(order, values, descending);
    std::vector<int> sorted;
    sorted.reserve(rows.size());
    for (int i : order)
        sorted.push_back(rows[std::size_t(i)]);
    rows = std::move(sorted);
}

void sortByValues(std::vector<int> &order, const std::vector<std::vector<Value>> &values,
                  const std::vector<bool> &descending) {
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        for (std::size_t k = 0; k < values.size(); ++k) {
            const int c =
                compareForSort(values[k][std::size_t(a)], values[k][std::size_t(b)], descending[k]);
            if (c != 0) return c < 0;
        }
        return false;
    });
}

int compareForSort(const Value &x, const Value &y, bool descending) {
    // Missing and NaN go last whichever the direction; NaN before missing.
    const bool xLast = x.isMissing() || x.isNaN(), yLast = y.isMissing() || y.isNaN();
    const int c = Value::compare(x, y);
    if (xLast || yLast) {
        if (xLast != yLast) return xLast ? 1 : -1;
        return c;
    }
    return descending ? -c : c;
}

std::optional<TableView> makeTableView(const RunTable &table, const ViewSpec &spec,
                                       QString *error) {
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    if (spec.rows) rows = *spec.rows;

    // Metrics shown as a summary over their history, by metric column.
    QHash<int, MetricSummary> summaries;
    for (auto it = spec.summaries.cbegin(); it != spec.summaries.cend(); ++it) {
        const int metric = table.findColumn(Family::Metric, Key::fromDisplay(it.key()));
        if (metric < 0) {
            if (error) *error = u"--summary: no metric named '%1'"_s.arg(it.key());
            return std::nullopt;
        }
        if (!summaryColumn(table, metric, it.value(), {})) {
            if (error)
                *error = u"--summary: no run has a history of %1 (only its last value is known), "
                         "so there is no %2 to show"_s.arg(it.key(), summaryName(it.value()));
            return std::nullopt;
        }
        summaries.insert(metric, it.value());
    }
    // A metric column as the summary chosen for it (with `header` and " (min)" after it).
    const auto summarised = [&](const ViewColumn &c, const QString &header) {
        if (c.field || !summaries.contains(c.column)) return c;
        return summaryColumn(table, c.column, summaries.value(c.column), header).value_or(c);
    };

    if (!spec.sort.empty()) {
        std::vector<ColumnSort> keys;
        for (const SortKey &k : spec.sort) {
            std::vector<ViewColumn> cols;
            if (!resolve(table, k.column, cols, error)) return std::nullopt;
            if (cols.size() != 1) {
                if (error)
                    *error =
                        u"sort key '%1' names %2 columns; name exactly one"_s.arg(k.column).arg(
                            cols.size());
                return std::nullopt;
            }
            const ViewColumn sortBy = summarised(cols[0], {});
            keys.push_back(ColumnSort{sortBy.field, sortBy.column, k.descending});
        }
        sortRunRows(table, rows, keys);
    }

    std::vector<ViewColumn> columns;
    if (spec.columns.isEmpty()) {
        columns.push_back(ViewColumn{RunField::Id, -1, {}});
        for (Family f : {Family::Config, Family::Metric})
            for (int c = 0; c < table.columnCount(); ++c)
                if (table.column(c).family == f) columns.push_back(ViewColumn{std::nullopt, c, {}});
    } else {
        for (const QString &s : spec.columns)
            if (!resolve(table, s, columns, error)) return std::nullopt;
        // The run id always leads, so every exported row says which run it is.
        const auto idIt = std::find_if(columns.begin(), columns.end(),
                                       [](const ViewColumn &c) { return c.field == RunField::Id; });
        if (idIt == columns.end())
            columns.insert(columns.begin(), ViewColumn{RunField::Id, -1, {}});
        else
            std::rotate(columns.begin(), idIt, idIt + 1);
    }
    // A column named twice (a key and a glob covering it) is shown once, where first named.
    {
        std::vector<ViewColumn> unique;
        for (const ViewColumn &c : columns) {
            const bool dup = std::any_of(unique.begin(), unique.end(), [&](const ViewColumn &u) {
                return u.field == c.field && u.column == c.column;
            });
            if (!dup) unique.push_back(c);
        }
        columns = std::move(unique);
    }
    if (spec.varyingOnly) {
        std::erase_if(columns, [&](const ViewColumn &c) {
            return !c.field && columnIsConstant(table, c.column, rows);
        });
    }
    // Headers: the key, with its family in front where two shown columns would read the same.
    QHash<QString, int> seen;
    for (const ViewColumn &c : columns)
        ++seen[c.field ? runFieldName(*c.field) : table.column(c.column).display];
    for (ViewColumn &c : columns) {
        if (c.field) {
            c.header = runFieldName(*c.field);
            continue;
        }
        const ColumnInfo &info = table.column(c.column);
        c.header = seen.value(info.display) > 1 ? familyName(info.family) + u':' + info.display
                                                : info.display;
        c = summarised(c, c.header);
    }
    return TableView(table, std::move(rows), std::move(columns));
}

} // namespace runlens
