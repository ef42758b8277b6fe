#include "keytreemodel.h"

#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <map>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

bool isShownByDefault(Family family) {
    return family != Family::Meta;
}

} // namespace

KeyTreeModel::KeyTreeModel(QObject *parent)
    : QAbstractItemModel(parent) {}

void KeyTreeModel::setTable(const RunTable *table) {
    beginResetModel();
    m_table = table;
    m_nodes.clear();
    m_roots.clear();
    const int columns = table ? table->columnCount() : 0;
    m_nodeOfColumn.assign(std::size_t(columns), -1);
    m_shown.assign(std::size_t(columns), 1);
    m_stats.assign(std::size_t(columns), std::nullopt);

    const auto addNode = [this](int parent, Family family, QString segment, QString display) {
        Node n;
        n.parent = parent;
        n.family = family;
        n.segment = std::move(segment);
        n.display = std::move(display);
        const int id = int(m_nodes.size());
        std::vector<int> &siblings = parent < 0 ? m_roots : m_nodes[std::size_t(parent)].children;
        n.row = int(siblings.size());
        siblings.push_back(id);
        m_nodes.push_back(std::move(n));
        return id;
    };

    QHash<std::pair<int, QString>, int> childOf; // (parent node, segment) -> node
    for (Family family : {Family::Config, Family::Metric, Family::Meta}) {
        int root = -1;
        for (int c = 0; c < columns; ++c) {
            const ColumnInfo &info = table->column(c);
            if (info.family != family) continue;
            if (root < 0) {
                const QString name = family == Family::Config   ? tr("Config")
                                     : family == Family::Metric ? tr("Metrics")
                                                                : tr("Metadata");
                root = addNode(-1, family, name, QString());
            }
            QStringList segments = info.key.segments();
            if (segments.isEmpty()) segments << QString();
            int id = root;
            for (qsizetype i = 0; i < segments.size(); ++i) {
                const std::pair<int, QString> lookup{id, segments[i]};
                auto it = childOf.constFind(lookup);
                if (it == childOf.constEnd()) {
                    // Key::display quotes a segment holding a dot, so `["a.b"]` never reads as
                    // the group a > b.
                    it = childOf.insert(lookup, addNode(id, family, Key({segments[i]}).display(),
                                                        Key(segments.mid(0, i + 1)).display()));
                }
                id = *it;
            }
            Node &leaf = m_nodes[std::size_t(id)];
            leaf.column = c;
            leaf.display = info.display;
            m_nodeOfColumn[std::size_t(c)] = id;
            m_shown[std::size_t(c)] =
                m_choices.value({int(family), info.display}, isShownByDefault(family));
            for (int up = id; up >= 0; up = m_nodes[std::size_t(up)].parent) {
                ++m_nodes[std::size_t(up)].keys;
                m_nodes[std::size_t(up)].shown += m_shown[std::size_t(c)];
            }
        }
    }
    endResetModel();
    emit hiddenColumnsChanged();
}

QSet<int> KeyTreeModel::hiddenColumns() const {
    QSet<int> hidden;
    for (std::size_t c = 0; c < m_shown.size(); ++c)
        if (!m_shown[c]) hidden.insert(int(c));
    return hidden;
}

void KeyTreeModel::setHiddenColumns(const QSet<int> &columns) {
    std::vector<std::pair<int, bool>> changes;
    for (std::size_t c = 0; c < m_shown.size(); ++c)
        changes.emplace_back(int(c), !columns.contains(int(c)));
    apply(changes);
}

bool KeyTreeModel::isColumnShown(int tableColumn) const {
    return tableColumn >= 0 && std::size_t(tableColumn) < m_shown.size() &&
           m_shown[std::size_t(tableColumn)];
}

void KeyTreeModel::setColumnsShown(const QList<int> &tableColumns, bool shown) {
    std::vector<std::pair<int, bool>> changes;
    for (int c : tableColumns)
        changes.emplace_back(c, shown);
    apply(changes);
}

void KeyTreeModel::forgetChoices() {
    m_choices.clear();
    std::vector<std::pair<int, bool>> changes;
    for (std::size_t c = 0; c < m_nodeOfColumn.size(); ++c)
        changes.emplace_back(int(c),
                             isShownByDefault(m_nodes[std::size_t(m_nodeOfColumn[c])].family));
    apply(changes);
}

QModelIndex KeyTreeModel::indexOfColumn(int tableColumn) const {
    if (tableColumn < 0 || std::size_t(tableColumn) >= m_nodeOfColumn.size()) return {};
    return indexOfNode(m_nodeOfColumn[std::size_t(tableColumn)]);
}

void KeyTreeModel::apply(const std::vector<std::pair<int, bool>> &changes) {
    // Old check states of every item above a changed column, to report only real changes.
    std::map<int, Qt::CheckState> before;
    bool changed = false;
    for (const auto &[column, shown] : changes) {
        if (column < 0 || std::size_t(column) >= m_shown.size()) continue;
        if (bool(m_shown[std::size_t(column)]) == shown) continue;
        changed = true;
        m_shown[std::size_t(column)] = shown;
        const Node &leaf = m_nodes[std::size_t(m_nodeOfColumn[std::size_t(column)])];
        const std::pair<int, QString> choice{int(leaf.family), leaf.display};
        if (shown == isShownByDefault(leaf.family))
            m_choices.remove(choice);
        else
            m_choices.insert(choice, shown);
        for (int up = m_nodeOfColumn[std::size_t(column)]; up >= 0;
             up = m_nodes[std::size_t(up)].parent) {
            Node &n = m_nodes[std::size_t(up)];
            before.try_emplace(up, checkState(n));
            n.shown += shown ? 1 : -1;
        }
    }
    if (!changed) return;

    std::map<int, std::vector<int>> rowsByParent; // parent node (-1: top level) -> rows
    for (const auto &[id, state] : before) {
        const Node &n = m_nodes[std::size_t(id)];
        if (checkState(n) != state) rowsByParent[n.parent].push_back(n.row);
    }
    for (auto &[parent, rows] : rowsByParent) {
        std::sort(rows.begin(), rows.end());
        const QModelIndex parentIndex = parent < 0 ? QModelIndex() : indexOfNode(parent);
        for (std::size_t i = 0; i < rows.size();) {
            std::size_t j = i + 1;
            while (j < rows.size() && rows[j] == rows[j - 1] + 1)
                ++j;
            emit dataChanged(index(rows[i], KeyColumn, parentIndex),
                             index(rows[j - 1], KeyColumn, parentIndex), {Qt::CheckStateRole});
            i = j;
        }
    }
    emit hiddenColumnsChanged();
}

QModelIndex KeyTreeModel::indexOfNode(int id, int column) const {
    if (id < 0) return {};
    return createIndex(m_nodes[std::size_t(id)].row, column, quintptr(id));
}

Qt::CheckState KeyTreeModel::checkState(const Node &n) const {
    if (n.shown == 0) return Qt::Unchecked;
    return n.shown == n.keys ? Qt::Checked : Qt::PartiallyChecked;
}

void KeyTreeModel::collectColumns(int id, QList<int> &out) const {
    const Node &n = m_nodes[std::size_t(id)];
    if (n.column >= 0) out << n.column;
    for (int child : n.children)
        collectColumns(child, out);
}

void KeyTreeModel::countAllKeys() const {
    if (!m_table) return;
    std::vector<int> missing;
    for (int c = 0; c < int(m_stats.size()) && c < m_table->columnCount(); ++c)
        if (!m_stats[std::size_t(c)]) missing.push_back(c);
    // Each column's stats are its own element: the table is only read.
    QtConcurrent::blockingMap(
        missing, [this](int c) { m_stats[std::size_t(c)] = columnStats(*m_table, c); });
}

const ColumnStats &KeyTreeModel::stats(int tableColumn) const {
    std::optional<ColumnStats> &s = m_stats[std::size_t(tableColumn)];
    if (!s) {
        // Out of range only when the table changed behind our back: show nothing, not crash.
        s = m_table && tableColumn < m_table->columnCount() ? columnStats(*m_table, tableColumn)
                                                            : ColumnStats{};
    }
    return *s;
}

QString KeyTreeModel::toolTip(const Node &n) const {
    const QString family = familyName(n.family);
    if (n.parent < 0) return tr("%1 · %n key(s)", nullptr, n.keys).arg(n.segment);
    QStringList lines;
    if (n.column >= 0) {
        const ColumnStats &s = stats(n.column);
        lines << tr("%1 · %2 key").arg(n.display, family)
              << tr("%1 · %n run(s) with a value", nullptr, s.runs).arg(s.types)
              << tr("%n distinct value(s)", nullptr, s.distinct);
        const QString description = m_table->column(n.column).description;
        if (!description.isEmpty()) lines << description;
        if (!n.children.empty()) lines << tr("and %n key(s) below it", nullptr, n.keys - 1);
    } else {
        lines << tr("%1.* · %2 keys").arg(n.display, family) << tr("%n key(s)", nullptr, n.keys);
    }
    return lines.join(u'\n');
}

QModelIndex KeyTreeModel::index(int row, int column, const QModelIndex &parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount) return {};
    if (parent.isValid() && parent.column() != 0) return {};
    const std::vector<int> &siblings = parent.isValid() ? node(parent).children : m_roots;
    if (std::size_t(row) >= siblings.size()) return {};
    return createIndex(row, column, quintptr(siblings[std::size_t(row)]));
}

QModelIndex KeyTreeModel::parent(const QModelIndex &child) const {
    if (!child.isValid()) return {};
    return indexOfNode(node(child).parent);
}

int KeyTreeModel::rowCount(const QModelIndex &parent) const {
    if (!parent.isValid()) return int(m_roots.size());
    if (parent.column() != 0) return 0;
    return int(node(parent).children.size());
}

int KeyTreeModel::columnCount(const QModelIndex &) const {
    return ColumnCount;
}

QVariant KeyTreeModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Node &n = node(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return n.segment;
        case TypeColumn:
            return n.column >= 0 ? QVariant(stats(n.column).types) : QVariant();
        case RunsColumn:
            return n.column >= 0 ? QVariant(m_table->valueCount(n.column)) : QVariant();
        case DistinctColumn:
            return n.column >= 0 ? QVariant(stats(n.column).distinct) : QVariant();
        }
        return {};
    case Qt::CheckStateRole:
        return index.column() == KeyColumn ? QVariant(int(checkState(n))) : QVariant();
    case Qt::ToolTipRole:
        return toolTip(n);
    case Qt::TextAlignmentRole:
        if (index.column() == RunsColumn || index.column() == DistinctColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case TableColumnRole:
        return n.column;
    case KeyDisplayRole:
        return n.display;
    case FamilyRole:
        return int(n.family);
    case DescriptionRole:
        return n.column >= 0 ? m_table->column(n.column).description : QString();
    }
    return {};
}

bool KeyTreeModel::setData(const QModelIndex &index, const QVariant &value, int role) {
    if (role != Qt::CheckStateRole || index.column() != KeyColumn ||
        !checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    const int state = value.toInt();
    if (state != Qt::Checked && state != Qt::Unchecked) return false;
    QList<int> columns;
    collectColumns(int(index.internalId()), columns);
    setColumnsShown(columns, state == Qt::Checked);
    return true;
}

Qt::ItemFlags KeyTreeModel::flags(const QModelIndex &index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
    if (!node(index).children.empty()) f |= Qt::ItemIsAutoTristate;
    return f;
}

QVariant KeyTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case KeyColumn:
            return tr("Key");
        case TypeColumn:
            return tr("Type");
        case RunsColumn:
            return tr("Runs");
        case DistinctColumn:
            return tr("Distinct");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case TypeColumn:
            return tr("Value types the key takes across runs");
        case RunsColumn:
            return tr("Runs that have a value for the key");
        case DistinctColumn:
            return tr("Distinct values among those runs (NaN counts once)");
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (section == RunsColumn || section == DistinctColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

} // namespace runlens
