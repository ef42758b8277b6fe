#pragma once
// The command line's --filter (the query language, docs/QUERY.md) and --view (a view saved
// beside the runs, models/analysis/savedview.h), shared by `table`, `check` and `diff`.

#include "analysis/groupview.h"
#include "analysis/savedview.h"
#include "analysis/tableview.h"
#include "export/tablewriter.h"

#include <QCommandLineParser>

#include <optional>
#include <vector>

namespace runlens::cli {

/// Every row of the table, in order.
std::vector<int> allRows(const RunTable &table);

/// Adds --filter EXPR, described as choosing `what`.
void addFilterOption(QCommandLineParser &p, const QString &what);
/// The rows of `table` a query keeps, in table order; an exit status (2, with where the query
/// came from, the message, its position and any suggestion on standard error) when it does
/// not parse.
std::optional<int> filterRows(const RunTable &table, const QString &expression,
                              std::vector<int> &rows, const QString &origin = u"--filter"_qs);

/// Adds --view NAME.
void addViewOption(QCommandLineParser &p);
/// Reads the view --view names from the first folder's `.runlens/views`; an exit status (2,
/// naming the saved views) when there is no such view or it cannot be read. Unset without
/// --view.
std::optional<int> readView(const QCommandLineParser &p, const QStringList &folders,
                            std::optional<SavedView> &view);

/// What a saved view asks of `runlens table`, for every part the command line leaves unsaid:
/// the filter (`filter`, when --filter is not given), --sort, and the columns (pinned ones
/// first) and --varying for one row per run, or the group keys, aggregates and metrics (the
/// view's metric columns) for grouped output, where a sort by a key's identity
/// (`metric:val/acc`) sorts the groups by that column (its mean).
void applyView(const SavedView &view, const QCommandLineParser &p, TableFormat format,
               ViewSpec &spec, GroupRequest &group, QString &filter);

/// The run a view compares with (`--baseline`, for LaTeX and HTML), when the table has it: a
/// view applied to other folders does without. Empty without one.
QString viewBaseline(const RunTable &table, const std::optional<SavedView> &view);

/// The rows `filter` keeps, in table order; `rows` stays unset for an empty filter. --filter
/// is a query; a view's filter (`fromView`) may also be words to look for, as the window does
/// (in the id, the name or any value, ignoring case), when it does not read as a query. An
/// exit status for a query that does not parse.
std::optional<int> selectRows(const RunTable &table, const QString &filter, bool fromView,
                              std::optional<std::vector<int>> &rows);

} // namespace runlens::cli
