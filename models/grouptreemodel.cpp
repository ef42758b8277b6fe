#include "grouptreemodel.h"

#include "analysis/grouptable.h"
#include "runtablemodel.h"

#include <algorithm>
#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

struct GroupTreeModel::Node {
    Node *parent = nullptr;
    int row = 0;   ///< position among the parent's children
    int depth = -1; ///< -1 for the root, 0 for top-level groups
    std::vector<int> keyColumns; ///< one key nested, every key when flat
    std::vector<Value> values;   ///< the group's value of each
    std::vector<int> rows; ///< member runs (table rows)
    std::vector<std::unique_ptr<Node>> children;
    /// Summaries by table column; run fields under -1 - field.
    mutable QHash<int, ColumnSummary> summaries;
};

namespace {

bool isSpreadOrCount(Aggregate a) {
    return a == Aggregate::Std || a == Aggregate::Sem || a == Aggregate::Count;
}

/// NaN last whichever the direction.
int compareNumbers(double a, double b, bool descending) {
    const bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
    if (a == b) return 0;
    return (a < b) != descending ? -1 : 1;
}

QString distinctText(int distinct) {
    return distinct == 1 ? u"1 value"_s : u"%1 values"_s.arg(distinct);
}

} // namespace

GroupTreeModel::GroupTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>()) {}

GroupTreeModel::~GroupTreeModel() = default;

void GroupTreeModel::setSource(const RunTable *table, std::vector<int> rows,
                               std::vector<ViewColumn> columns, std::vector<int> keyColumns) {
    m_table = table;
    m_rows = std::move(rows);
    m_sourceColumns = std::move(columns);
    m_keys = std::move(keyColumns);
    if (!m_table) m_keys.clear();
    rebuild();
}

void GroupTreeModel::setNested(bool nested) {
    if (nested == m_nested) return;
    m_nested = nested;
    rebuild();
}

void GroupTreeModel::setAggregates(const std::vector<Aggregate> &aggregates, bool joined) {
    if (aggregates == m_aggregates && joined == m_joined) return;
    m_aggregates = aggregates;
    m_joined = joined;
    beginResetModel();
    buildColumns();
    m_best.clear();
    if (m_sortColumn >= columnCount()) m_sortColumn = -1;
    endResetModel();
}

Direction GroupTreeModel::direction(int tableColumn) const {
    if (!m_table || tableColumn < 0) return Direction::Higher;
    const ColumnInfo &info = m_table->column(tableColumn);
    const QString id = familyName(info.family) + u':' + info.display;
    const auto it = m_directions.constFind(id);
    if (it != m_directions.cend()) return Direction(*it);
    return guessDirection(info);
}

void GroupTreeModel::setDirection(int tableColumn, Direction direction) {
    if (!m_table || tableColumn < 0) return;
    const ColumnInfo &info = m_table->column(tableColumn);
    m_directions.insert(familyName(info.family) + u':' + info.display, int(direction));
    m_best.clear();
    if (columnCount() > 0 && rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

QHash<QString, int> GroupTreeModel::directionOverrides() const {
    return m_directions;
}

void GroupTreeModel::setDirectionOverrides(const QHash<QString, int> &overrides) {
    m_directions = overrides;
    m_best.clear();
}

void GroupTreeModel::rebuild() {
    beginResetModel();
    buildColumns();
    buildTree();
    m_best.clear();
    const int column = m_sortColumn;
    m_sortColumn = -1;
    endResetModel();
    if (column >= 0 && column < columnCount()) sort(column, m_sortOrder);
}

void GroupTreeModel::buildColumns() {
    m_columns.clear();
    if (!m_table || m_keys.empty()) return;
    m_columns.push_back(Column{Kind::Label, {}, std::nullopt, tr("group / run")});
    m_columns.push_back(Column{Kind::Runs, {}, std::nullopt, tr("runs")});
    // What groups are for first: the metrics' statistics, then the other keys (mostly "3
    // values" at group level), then the run fields.
    std::vector<Column> values, fields;
    for (const ViewColumn &c : m_sourceColumns) {
        if (c.field == RunField::Name) continue; // the label column names the runs
        if (c.field) {
            fields.push_back(Column{Kind::Field, c, std::nullopt, c.header});
            continue;
        }
        if (std::find(m_keys.begin(), m_keys.end(), c.column) != m_keys.end()) continue;
        if (m_table->column(keyColumn(c)).family != Family::Metric) {
            values.push_back(Column{Kind::Value, c, std::nullopt, c.header});
        } else if (m_joined) {
            m_columns.push_back(Column{Kind::Metric, c, std::nullopt, c.header});
        } else {
            for (Aggregate a : m_aggregates)
                m_columns.push_back(
                    Column{Kind::Metric, c, a, c.header + u' ' + aggregateName(a)});
        }
    }
    m_columns.insert(m_columns.end(), values.begin(), values.end());
    m_columns.insert(m_columns.end(), fields.begin(), fields.end());
}

void GroupTreeModel::buildTree() {
    m_root = std::make_unique<Node>();
    m_groupCount = 0;
    if (!m_table || m_keys.empty()) return;
    m_root->rows = m_rows;
    const std::vector<GroupNode> groups = groupRuns(*m_table, m_rows, m_keys);
    if (!m_nested) { // one level: every combination of values is a group
        for (FlatGroup &g : flattenGroups(groups)) {
            auto node = std::make_unique<Node>();
            node->parent = m_root.get();
            node->row = int(m_root->children.size());
            node->depth = 0;
            node->keyColumns = m_keys;
            node->values = std::move(g.values);
            node->rows = std::move(g.rows);
            ++m_groupCount;
            m_root->children.push_back(std::move(node));
        }
        return;
    }
    const auto adopt = [this](auto &self, Node *parent, const std::vector<GroupNode> &from) -> void {
        for (const GroupNode &g : from) {
            auto node = std::make_unique<Node>();
            node->parent = parent;
            node->row = int(parent->children.size());
            node->depth = parent->depth + 1;
            node->keyColumns = {g.keyColumn};
            node->values = {g.value};
            node->rows = g.rows;
            if (g.children.empty()) ++m_groupCount;
            self(self, node.get(), g.children);
            parent->children.push_back(std::move(node));
        }
    };
    adopt(adopt, m_root.get(), groups);
}

GroupTreeModel::Node *GroupTreeModel::parentNodeOf(const QModelIndex &index) const {
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : nullptr;
}

GroupTreeModel::Node *GroupTreeModel::nodeOf(const QModelIndex &index) const {
    if (!index.isValid()) return m_root.get();
    Node *parent = parentNodeOf(index);
    if (parent->children.empty()) return nullptr; // a run row
    return parent->children[std::size_t(index.row())].get();
}

int GroupTreeModel::tableColumn(int column) const {
    if (column < 0 || column >= columnCount()) return -1;
    const Column &c = m_columns[std::size_t(column)];
    return (c.kind == Kind::Value || c.kind == Kind::Metric) ? c.source.column : -1;
}

std::optional<Aggregate> GroupTreeModel::columnAggregate(int column) const {
    if (column < 0 || column >= columnCount()) return std::nullopt;
    const Column &c = m_columns[std::size_t(column)];
    return c.kind == Kind::Metric ? c.aggregate : std::nullopt;
}

bool GroupTreeModel::isRunCountColumn(int column) const {
    return column >= 0 && column < columnCount() && m_columns[std::size_t(column)].kind == Kind::Runs;
}

int GroupTreeModel::tableRow(const QModelIndex &index) const {
    if (!index.isValid()) return -1;
    const Node *parent = parentNodeOf(index);
    if (!parent->children.empty()) return -1;
    return parent->rows[std::size_t(index.row())];
}

std::vector<Value> GroupTreeModel::groupPath(const QModelIndex &index) const {
    std::vector<Value> path;
    for (const Node *n = index.isValid() ? nodeOf(index) : nullptr; n && n->depth >= 0;
         n = n->parent)
        path.insert(path.begin(), n->values.begin(), n->values.end());
    return path;
}

const ColumnSummary &GroupTreeModel::summaryOf(const Node &node, int key) const {
    auto it = node.summaries.constFind(key);
    if (it != node.summaries.cend()) return *it;
    ColumnSummary s;
    if (key >= 0) {
        s = summarizeColumn(*m_table, key, node.rows);
    } else {
        // A run field: only whether the runs share a value, and how many there are.
        const RunField field = RunField(-1 - key);
        std::vector<Value> values;
        values.reserve(node.rows.size());
        for (int r : node.rows)
            values.push_back(runFieldValue(m_table->run(r), field));
        std::sort(values.begin(), values.end(),
                  [](const Value &a, const Value &b) { return Value::compare(a, b) < 0; });
        s.runs = int(values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            if (!values[i].isMissing() && (i == 0 || !(values[i] == values[i - 1]))) ++s.distinct;
        s.allSame = values.empty() || values.front() == values.back();
        if (s.allSame && !values.empty()) s.common = values.front();
    }
    return *node.summaries.insert(key, s);
}

const ColumnSummary *GroupTreeModel::summary(const QModelIndex &index) const {
    const Node *node = nodeOf(index);
    const int column = tableColumn(index.column());
    if (!node || column < 0) return nullptr;
    return &summaryOf(*node, column);
}

double GroupTreeModel::sortNumber(const Node &node, int column) const {
    const Column &c = m_columns[std::size_t(column)];
    if (c.kind == Kind::Runs) return double(node.rows.size());
    if (c.kind != Kind::Metric) return std::nan("");
    const ColumnSummary &s = summaryOf(node, c.source.column);
    const Aggregate a = c.aggregate.value_or(Aggregate::Mean);
    if (a != Aggregate::Count && s.count == 0) return std::nan("");
    return s.value(a);
}

Value GroupTreeModel::sortValue(const Node &node, int column) const {
    const Column &c = m_columns[std::size_t(column)];
    if (c.kind == Kind::Label) return node.values.front();
    const int key = c.kind == Kind::Field ? -1 - int(*c.source.field) : c.source.column;
    const ColumnSummary &s = summaryOf(node, key);
    return s.allSame ? s.common : Value();
}

bool GroupTreeModel::isBest(const Node &node, int column) const {
    const Column &c = m_columns[std::size_t(column)];
    if (c.kind != Kind::Metric || (c.aggregate && isSpreadOrCount(*c.aggregate))) return false;
    const QPair<int, int> key(column, node.depth);
    auto it = m_best.constFind(key);
    if (it == m_best.cend()) {
        // The groups of this level: walk down from the root.
        std::vector<const Node *> level{m_root.get()};
        for (int d = 0; d <= node.depth; ++d) {
            std::vector<const Node *> next;
            for (const Node *n : level)
                for (const auto &child : n->children)
                    next.push_back(child.get());
            level = std::move(next);
        }
        const bool higher = direction(c.source.column) == Direction::Higher;
        const Node *best = nullptr;
        double bestValue = 0;
        int withNumbers = 0;
        for (const Node *n : level) {
            const double x = sortNumber(*n, column);
            if (std::isnan(x)) continue;
            ++withNumbers;
            if (!best || (higher ? x > bestValue : x < bestValue)) {
                best = n;
                bestValue = x;
            }
        }
        it = m_best.insert(key, withNumbers > 1 ? best : nullptr);
    }
    return *it == &node;
}

QString GroupTreeModel::labelOf(const Node &node) const {
    const auto part = [&](std::size_t i) {
        return m_table->column(node.keyColumns[i]).display + u" = "_s +
               groupValueText(node.values[i]);
    };
    if (node.keyColumns.size() == 1) return part(0);
    // Flat groups of many keys: the keys a group has; those it lacks tell it apart no less.
    QStringList parts;
    for (std::size_t i = 0; i < node.keyColumns.size(); ++i)
        if (!node.values[i].isMissing()) parts << part(i);
    return parts.isEmpty() ? tr("(every key missing)") : parts.join(u", "_s);
}

QModelIndex GroupTreeModel::index(int row, int column, const QModelIndex &parent) const {
    if (row < 0 || column < 0 || column >= columnCount()) return {};
    Node *node = nodeOf(parent);
    if (!node) return {};
    const std::size_t count = node->children.empty() ? (node == m_root.get() ? 0 : node->rows.size())
                                                     : node->children.size();
    if (std::size_t(row) >= count) return {};
    return createIndex(row, column, node);
}

QModelIndex GroupTreeModel::parent(const QModelIndex &child) const {
    if (!child.isValid()) return {};
    const Node *parent = parentNodeOf(child);
    if (parent == m_root.get()) return {};
    return createIndex(parent->row, 0, parent->parent);
}

int GroupTreeModel::rowCount(const QModelIndex &parent) const {
    if (parent.isValid() && parent.column() != 0) return 0;
    const Node *node = nodeOf(parent);
    if (!node) return 0;
    if (!node->children.empty()) return int(node->children.size());
    return node == m_root.get() ? 0 : int(node->rows.size());
}

int GroupTreeModel::columnCount(const QModelIndex &) const {
    return int(m_columns.size());
}

bool GroupTreeModel::hasChildren(const QModelIndex &parent) const {
    return rowCount(parent) > 0;
}

QVariant GroupTreeModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Column &c = m_columns[std::size_t(index.column())];
    if (const Node *node = nodeOf(index)) {
        if (role == GroupRowRole) return true;
        if (role == DepthRole) return node->depth;
        return groupData(*node, index.column(), role);
    }
    // A run row: the run table's cell, the run's name in the label column.
    const int row = tableRow(index);
    if (role == GroupRowRole) return false;
    if (role == DepthRole) return m_nested ? int(m_keys.size()) : 1;
    if (c.kind == Kind::Runs) return {};
    if (c.kind == Kind::Label)
        return RunTableModel::runCellData(*m_table, row, ViewColumn{RunField::Name, -1, {}}, role);
    return RunTableModel::runCellData(*m_table, row, c.source, role);
}

QVariant GroupTreeModel::groupData(const Node &node, int column, int role) const {
    const Column &c = m_columns[std::size_t(column)];
    switch (c.kind) {
    case Kind::Label:
        if (role == Qt::DisplayRole) return labelOf(node);
        if (role == Qt::ToolTipRole) {
            QStringList lines;
            for (std::size_t i = 0; i < node.keyColumns.size(); ++i)
                lines << m_table->column(node.keyColumns[i]).display + u" = "_s +
                             groupValueText(node.values[i]);
            return tr("%1\n%n run(s)", nullptr, int(node.rows.size())).arg(lines.join(u'\n'));
        }
        if (role == RunTableModel::FamilyRole)
            return int(m_table->column(node.keyColumns.front()).family);
        return {};
    case Kind::Runs:
        if (role == Qt::DisplayRole || role == AggregateRole) return int(node.rows.size());
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        if (role == RunTableModel::NumberRole) return true;
        return {};
    case Kind::Field:
    case Kind::Value: {
        const int key = c.kind == Kind::Field ? -1 - int(*c.source.field) : c.source.column;
        const ColumnSummary &s = summaryOf(node, key);
        const bool none = s.allSame && s.common.isMissing();
        switch (role) {
        case Qt::DisplayRole:
            if (none) return QString();
            if (s.allSame) {
                if (c.kind == Kind::Field) // start and duration read as the run table shows them
                    return RunTableModel::runCellData(*m_table, node.rows.front(), c.source, role);
                return s.common.isNumber() ? formatSignificant(s.common.toDouble(), 6)
                                           : s.common.displayText();
            }
            return distinctText(s.distinct);
        case Qt::ToolTipRole:
            if (s.allSame) return none ? tr("(missing in every run of the group)")
                                       : tr("every run: %1").arg(s.common.displayText());
            return tr("%1 distinct values over %2 runs").arg(s.distinct).arg(s.runs);
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(Qt::Alignment(
                (s.allSame && s.common.isNumber() ? Qt::AlignRight : Qt::AlignLeft) |
                Qt::AlignVCenter));
        case RunTableModel::MissingRole:
            return none;
        case RunTableModel::NumberRole:
            return s.allSame && s.common.isNumber();
        case RunTableModel::FamilyRole:
            return c.kind == Kind::Field ? -1 : int(m_table->column(keyColumn(c.source)).family);
        case RunTableModel::FullTextRole:
            return s.allSame ? s.common.displayText() : distinctText(s.distinct);
        default:
            return {};
        }
    }
    case Kind::Metric: {
        const ColumnSummary &s = summaryOf(node, c.source.column);
        const bool numbers = s.count > 0 || s.nanCount > 0;
        const double x = sortNumber(node, column);
        QString text;
        if (c.aggregate)
            text = (*c.aggregate == Aggregate::Count || s.count > 0)
                       ? formatSignificant(s.value(*c.aggregate))
                       : QString();
        else if (numbers)
            text = joinedText(m_aggregates, s);
        else if (s.nonNumeric > 0)
            text = s.allSame ? s.common.displayText() : distinctText(s.distinct);
        switch (role) {
        case Qt::DisplayRole:
        case RunTableModel::FullTextRole:
            return text;
        case AggregateRole:
            return x;
        case Qt::ToolTipRole: {
            const auto n = [](double v) { return formatSignificant(v, 10); };
            QString tip = tr("%1 over %n run(s)", nullptr, s.runs).arg(c.source.header);
            tip += u'\n' + tr("%1 numbers").arg(s.count);
            if (s.nanCount) tip += tr(", %1 NaN left out").arg(s.nanCount);
            if (s.missing) tip += tr(", %1 missing").arg(s.missing);
            if (s.nonNumeric) tip += tr(", %1 not numbers").arg(s.nonNumeric);
            if (s.count > 0) {
                tip += u"\nmean %1\nstd %2\nsem %3\nmedian %4\nmin %5\nmax %6"_s.arg(
                    n(s.mean), n(s.std), n(s.sem), n(s.median), n(s.min), n(s.max));
            }
            tip += u"\n\n"_s + (direction(c.source.column) == Direction::Higher
                                    ? tr("higher is better")
                                    : tr("lower is better"));
            return tip;
        }
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        case RunTableModel::MissingRole:
            return text.isEmpty();
        case RunTableModel::NaNRole:
            return s.count == 0 && s.nanCount > 0;
        case RunTableModel::NumberRole:
            return numbers;
        case RunTableModel::FamilyRole:
            return int(Family::Metric);
        case BestRole:
            return isBest(node, column);
        default:
            return {};
        }
    }
    }
    return {};
}

QVariant GroupTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
    const Column &c = m_columns[std::size_t(section)];
    switch (role) {
    case Qt::DisplayRole:
        if (c.kind == Kind::Metric && !c.aggregate)
            return c.header + u"  ["_s + joinedHeader(m_aggregates) + u']';
        return c.header;
    case RunTableModel::FamilyRole:
        return (c.kind == Kind::Value || c.kind == Kind::Metric)
                   ? int(m_table->column(keyColumn(c.source)).family)
                   : -1;
    case Qt::ToolTipRole:
        if (c.kind == Kind::Label)
            return tr("Grouped by %1").arg([this] {
                QStringList names;
                for (int k : m_keys)
                    names << m_table->column(k).display;
                return names.join(u", "_s);
            }());
        if (c.kind == Kind::Runs) return tr("runs in the group");
        if (c.kind == Kind::Metric)
            return tr("%1: %2 per group\n%3")
                .arg(m_table->column(c.source.column).display,
                     c.aggregate ? aggregateName(*c.aggregate) : joinedHeader(m_aggregates),
                     direction(c.source.column) == Direction::Higher ? tr("higher is better")
                                                                      : tr("lower is better"));
        if (c.kind == Kind::Value)
            return tr("%1\nthe value every run of the group shares, or how many there are")
                .arg(m_table->column(c.source.column).display);
        return {};
    default:
        return {};
    }
}

void GroupTreeModel::sort(int column, Qt::SortOrder order) {
    if (column >= columnCount()) return;
    if (column < 0) { // back to the order of the group values and the run table
        m_sortColumn = -1;
        rebuild();
        return;
    }
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    // Where every persistent index points, by identity, so it can follow its row.
    struct Where {
        Node *parent;
        Node *group;
        int tableRow;
    };
    const QModelIndexList before = persistentIndexList();
    std::vector<Where> where;
    where.reserve(std::size_t(before.size()));
    for (const QModelIndex &i : before)
        where.push_back(Where{parentNodeOf(i), nodeOf(i), tableRow(i)});

    m_sortColumn = column;
    m_sortOrder = order;
    const bool descending = order == Qt::DescendingOrder;
    const Column &c = m_columns[std::size_t(column)];
    const bool numeric = c.kind == Kind::Runs || c.kind == Kind::Metric;
    const auto sortNode = [&](auto &self, Node &node) -> void {
        if (!node.children.empty()) {
            std::stable_sort(node.children.begin(), node.children.end(),
                             [&](const std::unique_ptr<Node> &a, const std::unique_ptr<Node> &b) {
                                 if (numeric)
                                     return compareNumbers(sortNumber(*a, column),
                                                           sortNumber(*b, column),
                                                           descending) < 0;
                                 if (c.kind == Kind::Label) {
                                     for (std::size_t i = 0; i < a->values.size(); ++i)
                                         if (const int d = compareForSort(
                                                 a->values[i], b->values[i], descending))
                                             return d < 0;
                                     return false;
                                 }
                                 return compareForSort(sortValue(*a, column),
                                                       sortValue(*b, column), descending) < 0;
                             });
            for (std::size_t i = 0; i < node.children.size(); ++i) {
                node.children[i]->row = int(i);
                self(self, *node.children[i]);
            }
            return;
        }
        if (c.kind == Kind::Runs) return; // runs have no count of their own
        const ViewColumn source =
            c.kind == Kind::Label ? ViewColumn{RunField::Name, -1, {}} : c.source;
        std::vector<ColumnSort> keys{ColumnSort{source.field, source.column, descending}};
        sortRunRows(*m_table, node.rows, keys);
    };
    sortNode(sortNode, *m_root);

    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        const Where &w = where[std::size_t(i)];
        if (w.group) {
            after << createIndex(w.group->row, before[i].column(), w.group->parent);
        } else {
            const auto it = std::find(w.parent->rows.begin(), w.parent->rows.end(), w.tableRow);
            after << createIndex(int(it - w.parent->rows.begin()), before[i].column(), w.parent);
        }
    }
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace runlens
