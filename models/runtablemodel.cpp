#include "runtablemodel.h"

#include "analysis/grouping.h"

#include <QDateTime>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <map>
#include <set>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const RunField kFields[] = {RunField::Name, RunField::Status, RunField::Start, RunField::Duration};

QString formatDuration(double seconds) {
    if (seconds < 0) return {};
    const qint64 s = qint64(seconds + 0.5);
    if (s < 60) return u"%1s"_s.arg(s);
    if (s < 3600) return u"%1m %2s"_s.arg(s / 60).arg(s % 60, 2, 10, QChar(u'0'));
    return u"%1h %2m"_s.arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar(u'0'));
}

/// A number short enough for a cell: the file's text unless it is long, then 6 digits.
QString shortNumber(const Value &v) {
    const QString text = v.displayText();
    if (v.type() != Value::Type::Real || text.size() <= 10) return text;
    return QString::number(v.toDouble(), 'g', 6);
}

} // namespace

RunTableModel::RunTableModel(QObject *parent)
    : QAbstractTableModel(parent) {
    m_columns = computeColumns();
}

void RunTableModel::clear() {
    emit tableAboutToChange();
    beginResetModel();
    m_table = RunTable();
    m_baselineRow = -1;
    m_query.reset(); // bound to the old table; the text is parsed again as runs arrive

    m_hidden.reset();
    m_rows.clear();
    m_columns = computeColumns();
    m_problemRuns = 0;
    m_varyingCount = 0;
    m_loading = true;
    endResetModel();
}

void RunTableModel::appendRuns(std::vector<RunRecord> &&records) {
    if (records.empty()) return;
    emit tableAboutToChange();
    m_loading = true;
    const int firstNew = m_table.rowCount();
    appendToTable(std::move(records));
    if (m_baselineRow < 0 && !m_baselineId.isEmpty()) findBaseline();
    if (!m_query && !m_queryText.isEmpty()) {
        // The query names keys that may only now have arrived: once it parses, filter anew.
        m_query = Query::parse(m_queryText, m_table);
        if (m_query) {
            rebuild();
            return;
        }
    }

    // New keys become columns at the end of their family's section: insert them in groups.
    const std::vector<ViewColumn> next = computeColumns();
    std::size_t oldPos = 0;
    for (std::size_t i = 0; i < next.size();) {
        const bool known = oldPos < m_columns.size() && m_columns[oldPos].field == next[i].field &&
                           m_columns[oldPos].column == next[i].column;
        if (known) {
            ++i;
            ++oldPos;
            continue;
        }
        std::size_t end = i;
        while (end < next.size() &&
               !(oldPos < m_columns.size() && m_columns[oldPos].field == next[end].field &&
                 m_columns[oldPos].column == next[end].column))
            ++end;
        beginInsertColumns({}, int(oldPos), int(oldPos + (end - i) - 1));
        m_columns.insert(m_columns.begin() + std::ptrdiff_t(oldPos),
                         next.begin() + std::ptrdiff_t(i), next.begin() + std::ptrdiff_t(end));
        endInsertColumns();
        oldPos += end - i;
        i = end;
    }

    std::vector<int> added;
    for (int r = firstNew; r < m_table.rowCount(); ++r)
        if (rowMatches(r)) added.push_back(r);
    if (!added.empty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_rows.insert(m_rows.end(), added.begin(), added.end());
        endInsertRows();
    }
    // Keep the sort while rows stream in: a layout change keeps selection and current item.
    if (!m_sort.empty() && !added.empty()) applySort();
}

void RunTableModel::appendToTable(std::vector<RunRecord> &&records) {
    for (RunRecord &r : records) {
        const int row = m_table.appendRun(std::move(r));
        m_problemRuns += m_table.run(row).problemCount() > 0 ? 1 : 0;
    }
}

void RunTableModel::replaceTable(RunTable &&table) {
    emit tableAboutToChange();
    m_table = std::move(table);
    m_hidden.reset(); // table columns are numbered anew; the key chooser sends its choice again
    m_problemRuns = 0;
    for (int r = 0; r < m_table.rowCount(); ++r)
        m_problemRuns += m_table.run(r).problemCount() > 0 ? 1 : 0;
    reparseQuery();
    finishLoading();
}

void RunTableModel::finishLoading() {
    m_loading = false;
    m_table.squeeze();
    if (!m_query) reparseQuery(); // every key is known now: a query that fails now is wrong
    rebuild();
}

void RunTableModel::setBaselineRun(const QString &id) {
    if (id == m_baselineId) return;
    m_baselineId = id;
    findBaseline();
    if (rowCount() > 0 && columnCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void RunTableModel::findBaseline() {
    m_baselineRow = -1;
    if (m_baselineId.isEmpty()) return;
    for (int r = 0; r < m_table.rowCount(); ++r)
        if (m_table.run(r).id == m_baselineId) {
            m_baselineRow = r;
            return;
        }
}

void RunTableModel::setShowDeltas(bool on) {
    if (on == m_showDeltas) return;
    m_showDeltas = on;
    if (rowCount() > 0 && columnCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void RunTableModel::setVaryingOnly(bool on) {
    if (on == m_varyingOnly) return;
    m_varyingOnly = on;
    rebuild();
}

void RunTableModel::setHiddenColumns(const QSet<int> &columns) {
    if (m_hidden == columns) return;
    m_hidden = columns;
    rebuild();
}

void RunTableModel::setFilterText(const QString &text) {
    if (text == m_filter) return;
    m_filter = text;
    rebuild();
}

bool RunTableModel::setFilterQuery(const QString &text, QueryError *error) {
    if (text.trimmed().isEmpty()) {
        if (!m_query && m_queryText.isEmpty()) return true;
        m_query.reset();
        m_queryText.clear();
        m_queryError.clear();
        rebuild();
        return true;
    }
    std::optional<Query> query = Query::parse(text, m_table, error);
    if (!query) return false;
    m_query = std::move(query);
    m_queryText = text;
    m_queryError.clear();
    rebuild();
    return true;
}

void RunTableModel::reparseQuery() {
    if (m_queryText.isEmpty()) return;
    QueryError error;
    m_query = Query::parse(m_queryText, m_table, &error);
    if (!m_query) {
        m_queryError = error.toString();
        m_queryText.clear();
    }
}

std::optional<ViewColumn> RunTableModel::summaryView(int metricColumn) const {
    const auto it = m_summaries.constFind(familyName(Family::Metric) + u':' +
                                          m_table.column(metricColumn).display);
    if (it == m_summaries.cend() || *it == MetricSummary::Last) return std::nullopt;
    std::optional<ViewColumn> v = summaryColumn(m_table, metricColumn, *it, {});
    return v && v->summaryOf >= 0 ? v : std::nullopt;
}

bool RunTableModel::hasHistory(int viewColumn) const {
    if (viewColumn < 0 || viewColumn >= columnCount()) return false;
    const ViewColumn &c = m_columns[std::size_t(viewColumn)];
    if (c.field || m_table.column(keyColumn(c)).family != Family::Metric) return false;
    return summaryColumn(m_table, keyColumn(c), MetricSummary::Min, {}).has_value();
}

MetricSummary RunTableModel::columnSummary(int viewColumn) const {
    if (viewColumn < 0 || viewColumn >= columnCount()) return MetricSummary::Last;
    const ViewColumn &c = m_columns[std::size_t(viewColumn)];
    return c.summaryOf >= 0 ? m_summaries.value(columnIdentity(c), MetricSummary::Last)
                            : MetricSummary::Last;
}

void RunTableModel::setColumnSummary(int viewColumn, MetricSummary summary) {
    if (!hasHistory(viewColumn) && summary != MetricSummary::Last) return;
    const QString id = columnIdentity(m_columns[std::size_t(viewColumn)]);
    if (summary == MetricSummary::Last)
        m_summaries.remove(id);
    else
        m_summaries.insert(id, summary);
    rebuild();
    emit summariesChanged();
}

QHash<QString, QString> RunTableModel::summaries() const {
    QHash<QString, QString> out;
    for (auto it = m_summaries.cbegin(); it != m_summaries.cend(); ++it)
        out.insert(it.key(), summaryName(*it));
    return out;
}

void RunTableModel::setSummaries(const QHash<QString, QString> &summaries) {
    QHash<QString, MetricSummary> chosen;
    for (auto it = summaries.cbegin(); it != summaries.cend(); ++it)
        if (const auto s = summaryFromName(it.value()); s && *s != MetricSummary::Last)
            chosen.insert(it.key(), *s);
    if (chosen == m_summaries) return;
    m_summaries = std::move(chosen);
    rebuild();
}

std::vector<std::pair<QString, bool>> RunTableModel::sortState() const {
    std::vector<std::pair<QString, bool>> out;
    for (const SortSpec &s : m_sort) {
        if (s.field) {
            out.emplace_back(u"run:"_s + runFieldName(*s.field), s.descending);
        } else {
            out.emplace_back(familyName(s.family) + u':' + s.key.display(), s.descending);
        }
    }
    return out;
}

void RunTableModel::setSortState(const std::vector<std::pair<QString, bool>> &keys) {
    m_sort.clear();
    for (const auto &[identity, descending] : keys) {
        for (int c = 0; c < columnCount(); ++c)
            if (columnIdentity(m_columns[std::size_t(c)]) == identity) {
                m_sort.push_back(specFor(c, descending));
                break;
            }
    }
    applySort();
}

bool RunTableModel::rowMatches(int tableRow) const {
    if (m_query) return m_query->matches(m_table, tableRow);
    if (m_filter.isEmpty()) return true;
    const RunInfo &run = m_table.run(tableRow);
    if (run.id.contains(m_filter, Qt::CaseInsensitive) ||
        run.name.contains(m_filter, Qt::CaseInsensitive))
        return true;
    for (int c = 0; c < m_table.columnCount(); ++c) {
        if (m_table.column(c).family == Family::Meta) continue;
        const Value v = m_table.value(tableRow, c);
        if (!v.isMissing() && v.displayText().contains(m_filter, Qt::CaseInsensitive)) return true;
    }
    return false;
}

std::vector<int> RunTableModel::computeRows() const {
    std::vector<int> rows;
    rows.reserve(std::size_t(m_table.rowCount()));
    if (m_query) {
        // One pass per clause over all rows: several times faster than per-row matching.
        std::vector<int> all(std::size_t(m_table.rowCount()));
        std::iota(all.begin(), all.end(), 0);
        rows = m_query->filter(m_table, all);
    } else {
        for (int r = 0; r < m_table.rowCount(); ++r)
            if (rowMatches(r)) rows.push_back(r);
    }
    resort(rows);
    return rows;
}

std::vector<ViewColumn> RunTableModel::computeColumns() const {
    std::vector<ViewColumn> cols;
    for (RunField f : kFields)
        cols.push_back(ViewColumn{f, -1, runFieldName(f)});
    // Runs of several tools: which tool each run comes from, after its status.
    for (int r = 1; r < m_table.rowCount(); ++r)
        if (m_table.run(r).format != m_table.run(0).format) {
            cols.insert(cols.begin() + 2, ViewColumn{RunField::Format, -1, runFieldName(RunField::Format)});
            break;
        }
    // Shown: the key chooser's choice, else every config and metric key (meta keys live in the
    // details pane until asked for).
    const auto shown = [this](int c) {
        return m_hidden ? !m_hidden->contains(c) : m_table.column(c).family != Family::Meta;
    };
    QHash<QString, int> seen;
    for (int c = 0; c < m_table.columnCount(); ++c)
        if (shown(c)) ++seen[m_table.column(c).display];
    for (Family family : {Family::Config, Family::Metric, Family::Meta}) {
        for (int c = 0; c < m_table.columnCount(); ++c) {
            const ColumnInfo &info = m_table.column(c);
            if (info.family != family || !shown(c)) continue;
            const QString header = seen.value(info.display) > 1
                                       ? familyName(family) + u':' + info.display
                                       : info.display;
            const std::optional<ViewColumn> summary =
                family == Family::Metric ? summaryView(c) : std::nullopt;
            cols.push_back(summary ? ViewColumn{std::nullopt, summary->column,
                                                header + summary->header, c}
                                   : ViewColumn{std::nullopt, c, header});
        }
    }
    // The user's order (columns dragged in the header) first, the rest in their default order.
    if (!m_columnOrder.isEmpty()) {
        QHash<QString, int> rank;
        for (int i = 0; i < m_columnOrder.size(); ++i)
            rank.insert(m_columnOrder[i], i);
        std::vector<int> ranks;
        for (std::size_t i = 0; i < cols.size(); ++i)
            ranks.push_back(rank.value(columnIdentity(cols[i]), int(m_columnOrder.size() + i)));
        std::vector<std::size_t> order(cols.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return ranks[a] < ranks[b]; });
        std::vector<ViewColumn> sorted;
        for (std::size_t i : order)
            sorted.push_back(cols[i]);
        cols = std::move(sorted);
    }
    // Pinned columns lead, in the order they were pinned.
    if (!m_pinned.isEmpty()) {
        std::vector<ViewColumn> pinned(std::size_t(m_pinned.size()));
        std::vector<bool> found(pinned.size(), false);
        std::vector<ViewColumn> rest;
        for (const ViewColumn &c : cols) {
            const qsizetype at = m_pinned.indexOf(columnIdentity(c));
            if (at < 0) {
                rest.push_back(c);
            } else {
                pinned[std::size_t(at)] = c;
                found[std::size_t(at)] = true;
            }
        }
        cols.clear();
        for (std::size_t i = 0; i < pinned.size(); ++i)
            if (found[i]) cols.push_back(pinned[i]);
        cols.insert(cols.end(), rest.begin(), rest.end());
    }
    return cols;
}

void RunTableModel::setPinnedColumns(const QStringList &pinned) {
    if (pinned == m_pinned) return;
    m_pinned = pinned;
    rebuild();
    emit pinnedColumnsChanged();
}

void RunTableModel::setColumnPinned(int viewColumn, bool pinned) {
    if (viewColumn < 0 || viewColumn >= columnCount()) return;
    const QString id = columnIdentity(m_columns[std::size_t(viewColumn)]);
    QStringList next = m_pinned;
    if (pinned && !next.contains(id)) next << id;
    if (!pinned) next.removeAll(id);
    setPinnedColumns(next);
}

bool RunTableModel::isColumnPinned(int viewColumn) const {
    return viewColumn >= 0 && viewColumn < pinnedCount();
}

int RunTableModel::pinnedCount() const {
    int n = 0;
    while (n < columnCount() && m_pinned.contains(columnIdentity(m_columns[std::size_t(n)])))
        ++n;
    return n;
}

QString RunTableModel::columnIdentity(const ViewColumn &c) const {
    if (c.field) return u"run:"_s + runFieldName(*c.field);
    const ColumnInfo &info = m_table.column(keyColumn(c));
    return familyName(info.family) + u':' + info.display;
}

QStringList RunTableModel::columnOrder() const {
    return m_columnOrder;
}

void RunTableModel::setColumnOrder(const QStringList &order) {
    if (order == m_columnOrder) return;
    m_columnOrder = order;
    rebuild();
}

void RunTableModel::moveColumn(int from, int to) {
    if (from < 0 || to < 0 || from >= columnCount() || to >= columnCount()) return;
    // A pinned column moves among the pinned ones, any other column behind them.
    const int pinnedEnd = pinnedCount();
    to = from < pinnedEnd ? std::min(to, pinnedEnd - 1) : std::max(to, pinnedEnd);
    if (from == to) return;
    if (from < pinnedEnd) {
        QStringList pinned;
        for (int c = 0; c < pinnedEnd; ++c)
            pinned << columnIdentity(m_columns[std::size_t(c)]);
        pinned.move(from, to);
        for (const QString &id : std::as_const(m_pinned))
            if (!pinned.contains(id)) pinned << id; // pinned but not shown now
        m_pinned = pinned;
    }
    QStringList order;
    for (const ViewColumn &c : m_columns)
        order << columnIdentity(c);
    order.move(from, to);
    // Hidden columns keep their place in the stored order, after the shown ones they followed.
    for (const QString &id : std::as_const(m_columnOrder))
        if (!order.contains(id)) order << id;
    m_columnOrder = order;
    beginMoveColumns({}, from, from, {}, to > from ? to + 1 : to);
    const ViewColumn moved = m_columns[std::size_t(from)];
    m_columns.erase(m_columns.begin() + from);
    m_columns.insert(m_columns.begin() + to, moved);
    endMoveColumns();
    if (from < pinnedEnd) emit pinnedColumnsChanged();
}

RunTableModel::SortSpec RunTableModel::specFor(int viewColumn, bool descending) const {
    const ViewColumn &c = m_columns[std::size_t(viewColumn)];
    if (c.field) return SortSpec{c.field, Family::Config, {}, descending};
    const ColumnInfo &info = m_table.column(keyColumn(c));
    return SortSpec{std::nullopt, info.family, info.key, descending};
}

bool RunTableModel::sameColumn(const SortSpec &s, const ViewColumn &c) const {
    if (s.field || c.field) return s.field == c.field;
    const ColumnInfo &info = m_table.column(keyColumn(c));
    return info.family == s.family && info.key == s.key;
}

void RunTableModel::resort(std::vector<int> &rows) const {
    std::vector<ColumnSort> keys;
    for (const SortSpec &s : m_sort) {
        int column = s.field ? -1 : m_table.findColumn(s.family, s.key);
        // A metric shown as a summary over its history sorts by that summary.
        if (column >= 0 && s.family == Family::Metric)
            if (const auto summary = summaryView(column)) column = summary->column;
        if (s.field || column >= 0) keys.push_back(ColumnSort{s.field, column, s.descending});
    }
    sortRunRows(m_table, rows, keys);
}

void RunTableModel::rebuild() {
    beginResetModel();
    findBaseline(); // the table may be new: find the baseline run again by its id
    m_rows = computeRows();
    std::vector<ViewColumn> cols = computeColumns();
    m_varyingCount = 0;
    for (const ViewColumn &c : cols)
        if (!c.field && !columnIsConstant(m_table, c.column, m_rows)) ++m_varyingCount;
    // With one run nothing varies; hiding every key then would show an empty table.
    if (m_varyingOnly && m_rows.size() > 1)
        std::erase_if(cols, [&](const ViewColumn &c) {
            return !c.field && columnIsConstant(m_table, c.column, m_rows);
        });
    m_columns = std::move(cols);
    endResetModel();
}

void RunTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= columnCount()) return;
    m_sort = {specFor(column, order == Qt::DescendingOrder)};
    applySort();
}

void RunTableModel::applySort() {
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    const std::vector<int> oldRows = m_rows;
    resort(m_rows);
    std::vector<int> position(std::size_t(m_table.rowCount()), -1);
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        position[std::size_t(m_rows[i])] = int(i);
    QModelIndexList after;
    for (const QModelIndex &idx : before)
        after << index(position[std::size_t(oldRows[std::size_t(idx.row())])], idx.column());
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void RunTableModel::addSortColumn(int column) {
    if (column < 0 || column >= columnCount()) return;
    const ViewColumn &c = m_columns[std::size_t(column)];
    auto it = std::find_if(m_sort.begin(), m_sort.end(),
                           [&](const SortSpec &s) { return sameColumn(s, c); });
    if (it != m_sort.end())
        it->descending = !it->descending;
    else
        m_sort.push_back(specFor(column, false));
    applySort();
}

int RunTableModel::sortColumn() const {
    if (m_sort.empty()) return -1;
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (sameColumn(m_sort.front(), m_columns[i])) return int(i);
    return -1;
}

Qt::SortOrder RunTableModel::sortOrder() const {
    return !m_sort.empty() && m_sort.front().descending ? Qt::DescendingOrder : Qt::AscendingOrder;
}

int RunTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant RunTableModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const int row = m_rows[std::size_t(index.row())];
    const ViewColumn &c = m_columns[std::size_t(index.column())];
    if (m_baselineRow >= 0) {
        if (role == BaselineRowRole) return row == m_baselineRow;
        if (role == DiffersFromBaselineRole)
            return !c.field && row != m_baselineRow &&
                   !(m_table.value(row, c.column) == m_table.value(m_baselineRow, c.column));
        if (m_showDeltas && role == Qt::DisplayRole && !c.field && row != m_baselineRow &&
            m_table.column(keyColumn(c)).family == Family::Metric) {
            const Value v = m_table.value(row, c.column);
            const Value base = m_table.value(m_baselineRow, c.column);
            if (v.isNumber() && base.isNumber()) {
                const double delta = v.toDouble() - base.toDouble();
                if (std::isnan(delta)) return u"NaN"_s;
                return (delta > 0 ? u"+"_s : QString()) + formatSignificant(delta, 4);
            }
        }
    }
    return runCellData(m_table, row, c, role);
}

QVariant RunTableModel::runCellData(const RunTable &table, int tableRow, const ViewColumn &c,
                                    int role) {
    const RunInfo &run = table.run(tableRow);
    const auto value = [&] {
        return c.field ? runFieldValue(run, *c.field) : table.value(tableRow, c.column);
    };
    switch (role) {
    case Qt::DisplayRole: {
        if (c.field == RunField::Start)
            return run.startMs < 0 ? QString()
                                   : QDateTime::fromMSecsSinceEpoch(run.startMs)
                                         .toString(u"yyyy-MM-dd HH:mm"_s);
        if (c.field == RunField::Duration) return formatDuration(run.durationSec);
        const Value v = value();
        if (v.type() == Value::Type::Bool) return v.toBool() ? u"\u2713"_s : u"\u2717"_s;
        return v.isNumber() ? shortNumber(v) : v.displayText();
    }
    case Qt::ToolTipRole: {
        if (c.field == RunField::Name)
            return u"%1\nid: %2\nformat: %3\n%4"_s.arg(run.name, run.id, run.format, run.path);
        const Value v = value();
        if (v.isMissing()) return u"(missing in this run)"_s;
        return u"%1\n(%2)"_s.arg(v.displayText(), v.typeName());
    }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(
            Qt::Alignment((value().isNumber() || c.field == RunField::Duration ? Qt::AlignRight
                                                                                 : Qt::AlignLeft) |
                          Qt::AlignVCenter));
    case FamilyRole:
        return c.field ? -1 : int(table.column(keyColumn(c)).family);
    case ValueTypeRole:
        return int(value().type());
    case MissingRole:
        return value().isMissing();
    case NaNRole:
        return value().isNaN();
    case NumberRole:
        return value().isNumber();
    case RunIdRole:
        return run.id;
    case TableRowRole:
        return tableRow;
    case FullTextRole:
        return value().displayText();
    default:
        return {};
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
    const ViewColumn &c = m_columns[std::size_t(section)];
    switch (role) {
    case Qt::DisplayRole:
        return c.header;
    case FamilyRole:
        return c.field ? -1 : int(m_table.column(keyColumn(c)).family);
    case Qt::ToolTipRole: {
        if (c.field) return u"run %1"_s.arg(c.header);
        const ColumnInfo &info = m_table.column(keyColumn(c));
        std::set<Value::Type> types;
        // Which tools the values come from: a key that several formats share is one column,
        // and the tooltip says so rather than merge them silently.
        std::map<QString, int> formats;
        for (int r : m_rows) {
            const Value v = m_table.value(r, c.column);
            if (v.isMissing()) continue;
            types.insert(v.type());
            ++formats[m_table.run(r).format];
        }
        QStringList typeNames;
        for (Value::Type t : types)
            typeNames << Value::typeName(t);
        QString tip = u"%1\n%2 key, %3\nin %4 of %5 runs"_s
                          .arg(info.display, familyName(info.family), typeNames.join(u" | "_s))
                          .arg(m_table.valueCount(c.column))
                          .arg(m_table.rowCount());
        if (c.summaryOf >= 0)
            tip += u"\nshowing the %1 over each run's history (runs without one: empty)"_s.arg(
                summaryName(columnSummary(section)));
        if (formats.size() > 1) {
            QStringList from;
            for (const auto &[format, n] : formats)
                from << u"%1 (%2)"_s.arg(format).arg(n);
            tip += u"\nfrom %1 formats: %2"_s.arg(formats.size()).arg(from.join(u", "_s));
        }
        if (!info.description.isEmpty()) tip += u"\n\n"_s + info.description;
        return tip;
    }
    default:
        return {};
    }
}

int RunTableModel::viewRowOfRun(const QString &id) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_table.run(m_rows[i]).id == id) return int(i);
    return -1;
}

int RunTableModel::keyColumnCount() const {
    int n = 0;
    for (int c = 0; c < m_table.columnCount(); ++c)
        n += m_table.column(c).family != Family::Meta;
    return n;
}

} // namespace runlens
