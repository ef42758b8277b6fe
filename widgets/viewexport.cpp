#include "viewexport.h"

#include "analysis/grouptable.h"
#include "analysis/tableview.h"
#include "grouptreemodel.h"
#include "runtablemodel.h"

#include <algorithm>
#include <set>

namespace runlens {

using namespace Qt::StringLiterals;

std::unique_ptr<TableSource> runViewSource(const RunTableModel &runs, std::vector<int> rows,
                                           const ExportChoice &choice,
                                           const DirectionOverrides &directions) {
    const RunTable &table = runs.table();
    std::vector<ViewColumn> columns;
    if (choice.allColumns) {
        ViewSpec spec;
        spec.columns = {u"run:id"_s,       u"run:name"_s,   u"run:status"_s, u"run:format"_s,
                        u"run:start"_s,    u"run:duration"_s, u"config:*"_s, u"metric:*"_s,
                        u"meta:*"_s};
        spec.rows = std::vector<int>();
        const std::optional<TableView> all = makeTableView(table, spec);
        if (!all) return nullptr;
        for (int c = 0; c < all->columnCount(); ++c)
            columns.push_back(all->viewColumn(c));
    } else {
        columns = runs.viewColumns();
        // Every per-run export says which run a row is: the id leads.
        std::erase_if(columns, [](const ViewColumn &c) { return c.field == RunField::Id; });
        columns.insert(columns.begin(), ViewColumn{RunField::Id, -1, runFieldName(RunField::Id)});
    }
    if (choice.withPath) {
        std::erase_if(columns, [](const ViewColumn &c) { return c.field == RunField::Path; });
        columns.insert(columns.begin() + 1,
                       ViewColumn{RunField::Path, -1, runFieldName(RunField::Path)});
    }
    auto view = std::make_unique<TableView>(table, std::move(rows), std::move(columns));
    view->setBaselineRow(runs.baselineRow());
    view->markBest(directions);
    return view;
}

std::unique_ptr<TableSource> groupViewSource(const RunTableModel &runs,
                                             const GroupTreeModel &groups, std::vector<int> rows,
                                             const ExportChoice &choice) {
    const RunTable &table = runs.table();
    if (groups.groupKeys().empty()) return nullptr;
    GroupSpec spec;
    spec.keyColumns = groups.groupKeys();
    // The shown metrics in the window's order, or every metric.
    if (choice.allColumns) {
        for (int c = 0; c < table.columnCount(); ++c)
            if (table.column(c).family == Family::Metric) spec.metricColumns.push_back(c);
    } else {
        for (const ViewColumn &v : runs.viewColumns())
            if (!v.field && table.column(keyColumn(v)).family == Family::Metric)
                spec.metricColumns.push_back(v.column);
    }
    spec.aggregates = groups.aggregates();
    spec.joined = isForPeople(choice.format);
    spec.missingLabel = spec.joined;
    auto grouped = std::make_unique<GroupTable>(table, rows, spec);
    grouped->setDirections(groups.directionOverrides());

    // The tree's sort: by a group key, the run count, or a metric's statistic.
    const int column = groups.sortColumn();
    if (column >= 0) {
        const bool descending = groups.sortOrder() == Qt::DescendingOrder;
        QString name;
        const int tableColumn = groups.tableColumn(column);
        if (groups.isRunCountColumn(column)) {
            name = u"runs"_s;
        } else if (column == 0) {
            name = grouped->keyHeaders().value(0);
        } else if (tableColumn >= 0) {
            const auto key = std::find(spec.keyColumns.begin(), spec.keyColumns.end(), tableColumn);
            const auto metric =
                std::find(spec.metricColumns.begin(), spec.metricColumns.end(), tableColumn);
            if (key != spec.keyColumns.end())
                name = grouped->keyHeaders().value(int(key - spec.keyColumns.begin()));
            else if (metric != spec.metricColumns.end())
                name = grouped->metricHeaders().value(int(metric - spec.metricColumns.begin())) +
                       u' ' + aggregateName(groups.columnAggregate(column).value_or(Aggregate::Mean));
        }
        if (!name.isEmpty()) grouped->sort({SortKey{name, descending}});
    }
    return grouped;
}

std::vector<int> runsUnder(const GroupTreeModel &groups, const QModelIndexList &selected) {
    std::set<int> rows;
    std::vector<QModelIndex> stack(selected.begin(), selected.end());
    while (!stack.empty()) {
        const QModelIndex index = stack.back();
        stack.pop_back();
        if (const int row = groups.tableRow(index); row >= 0) {
            rows.insert(row);
            continue;
        }
        for (int r = 0; r < groups.rowCount(index); ++r)
            stack.push_back(groups.index(r, 0, index));
    }
    return {rows.begin(), rows.end()};
}

} // namespace runlens
