#pragma once

#include "analysis/cellmarks.h"
#include "exportdialog.h"

#include <QModelIndexList>

#include <memory>
#include <vector>

namespace runlens {

class GroupTreeModel;
class RunTableModel;

/// The runs table as the window shows it, for export: `rows` (table rows, in view order),
/// the shown columns in their order (or, with ExportChoice::allColumns, the run fields and
/// every config, metric and meta key), always led by the run id, the folder after it on
/// request; marked against the window's baseline and with the best metric values marked.
std::unique_ptr<TableSource> runViewSource(const RunTableModel &runs, std::vector<int> rows,
                                           const ExportChoice &choice,
                                           const DirectionOverrides &directions);

/// The grouped view as the group tree shows it, for export: one row per combination of group
/// values over `rows`, the shown metric columns (all metrics with allColumns) with the tree's
/// statistics, joined into one cell for people's formats and a column each for programs',
/// sorted as the tree is, best groups marked by the tree's directions.
std::unique_ptr<TableSource> groupViewSource(const RunTableModel &runs,
                                             const GroupTreeModel &groups, std::vector<int> rows,
                                             const ExportChoice &choice);

/// Table rows of the runs under tree rows (a group row stands for all its runs), each once,
/// in table order.
std::vector<int> runsUnder(const GroupTreeModel &groups, const QModelIndexList &selected);

} // namespace runlens
