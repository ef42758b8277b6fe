#pragma once

#include "tablesource.h"
#include "tableview.h"

#include <QStringList>

#include <memory>

namespace runlens {

/// A grouped view as the command line spells it (`runlens table --group-by ...`), before its
/// names are resolved against a table. Key and metric specs take the forms of
/// ViewSpec::columns (keys, globs, `config:`/`metric:`/`meta:` prefixes).
struct GroupRequest {
    QStringList groupBy;        ///< group keys, nested in this order
    bool collapseSeeds = false; ///< group by every varying config key but the repetition keys
    QStringList repetitionKeys; ///< with collapseSeeds; empty: those looksLikeRepetitionKey()
    QStringList pivot;          ///< ROWKEY, COLKEY: a PivotTable instead of a GroupTable
    QStringList metrics;        ///< empty: every metric key with numbers that vary among the runs
    QStringList aggregates;     ///< names; empty: mean, std, count (a pivot for programs: mean)
    bool joined = false;        ///< aggregates joined into one cell per metric, for people
    bool missingLabel = false;  ///< `(missing)` in the key cell of runs lacking it, for people
    std::vector<SortKey> sort;  ///< GroupTable::sort() keys; not for a pivot
    std::optional<std::vector<int>> rows; ///< the runs to group (a filter's); all when unset
};

/// Whether the request asks for a grouped view at all.
bool isGrouped(const GroupRequest &request);

/// The GroupTable or PivotTable a request asks for over every run of `table`; null with
/// `error` set (one line naming the offending key, metric or aggregate) when a name resolves
/// to nothing or the request contradicts itself.
///
/// A key spec without a family prefix means a config key where there is one of that name,
/// else a meta key, else a metric key; a metric spec prefers the metric key, then config,
/// then meta. A glob that matches nothing adds nothing; a plain name that does is an error.
std::unique_ptr<TableSource> makeGroupedView(const RunTable &table, const GroupRequest &request,
                                             QString *error);

} // namespace runlens
