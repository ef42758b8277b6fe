// --filter and --view on the command line.
#include "viewoptions.h"
#include "clicommon.h"

#include "analysis/diff.h"
#include "analysis/query.h"

#include <numeric>

namespace runlens::cli {

using namespace Qt::StringLiterals;

void addFilterOption(QCommandLineParser &p, const QString &what) {
    p.addOption(
        {u"filter"_s,
         what +
             u" the query keeps, e.g. 'optimizer.name == \"adam\" and \"val/acc\" > 0.9' (see docs/QUERY.md)."_s,
         u"EXPR"_s});
}

std::vector<int> allRows(const RunTable &table) {
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

std::optional<int> filterRows(const RunTable &table, const QString &expression,
                              std::vector<int> &rows, const QString &origin) {
    QueryError error;
    const auto query = Query::parse(expression, table, &error);
    if (!query) {
        err(origin + u": "_s + error.toString());
        return kUsage;
    }
    rows = query->filter(table, allRows(table));
    return std::nullopt;
}

void addViewOption(QCommandLineParser &p) {
    p.addOption(
        {u"view"_s,
         u"Apply the view saved as FOLDER/.runlens/views/NAME.json (of the first folder): its filter, columns, sort and grouping; options given here win."_s,
         u"NAME"_s});
}

std::optional<int> readView(const QCommandLineParser &p, const QStringList &folders,
                            std::optional<SavedView> &view) {
    if (!p.isSet(u"view"_s)) return std::nullopt;
    QString error;
    view = loadView(folders.value(0), p.value(u"view"_s), &error);
    if (!view) {
        err(u"--view: "_s + error);
        return kUsage;
    }
    return std::nullopt;
}

namespace {

/// A key identity (`metric:val/acc`) as a grouped table names its column (`val/acc`).
QString groupedSortName(const QString &identity) {
    const qsizetype colon = identity.indexOf(u':');
    return colon > 0 && familyFromName(QStringView(identity).left(colon)) ? identity.mid(colon + 1)
                                                                          : identity;
}

} // namespace

void applyView(const SavedView &view, const QCommandLineParser &p, TableFormat format,
               ViewSpec &spec, GroupRequest &group, QString &filter) {
    if (!p.isSet(u"filter"_s)) filter = view.filter;
    const bool byCommandLine =
        p.isSet(u"group-by"_s) || p.isSet(u"collapse-seeds"_s) || p.isSet(u"pivot"_s);
    if (!byCommandLine) group.groupBy = view.groupBy;
    const bool sortGiven = p.isSet(u"sort"_s);
    if (!isGrouped(group)) {
        if (!p.isSet(u"columns"_s)) {
            QStringList columns = view.pinned; // pinned columns lead, as in the window
            for (const QString &c : view.columns)
                if (!columns.contains(c)) columns << c;
            spec.columns = columns;
        }
        spec.varyingOnly = spec.varyingOnly || view.varyingOnly;
        if (!sortGiven) {
            spec.sort.clear();
            for (const SavedView::Sort &s : view.sort)
                spec.sort.push_back(SortKey{s.column, s.descending});
        }
        return;
    }
    if (!p.isSet(u"agg"_s)) group.aggregates = view.aggregates;
    if (!p.isSet(u"metrics"_s))
        for (const QString &c : view.columns)
            if (c.startsWith(u"metric:"_s)) group.metrics << c;
    if (!p.isSet(u"agg-columns"_s))
        group.joined =
            view.joined && (format == TableFormat::Text || format == TableFormat::Markdown);
    if (!sortGiven) {
        // The window sorts groups by a group key, or by a metric column's statistic (its mean).
        spec.sort.clear();
        for (const SavedView::Sort &s : view.sort)
            if (!s.column.startsWith(u"run:"_s))
                spec.sort.push_back(SortKey{groupedSortName(s.column), s.descending});
    }
}

QString viewBaseline(const RunTable &table, const std::optional<SavedView> &view) {
    if (!view || view->baseline.isEmpty() || findRun(table, view->baseline) < 0) return {};
    return view->baseline;
}

std::optional<int> selectRows(const RunTable &table, const QString &filter, bool fromView,
                              std::optional<std::vector<int>> &rows) {
    const QString text = filter.trimmed();
    if (text.isEmpty()) return std::nullopt;
    std::vector<int> kept;
    if (!fromView || looksLikeQuery(text, table)) {
        if (const auto status =
                filterRows(table, text, kept, fromView ? u"the view's filter"_s : u"--filter"_s))
            return status;
        rows = std::move(kept);
        return std::nullopt;
    }
    for (int r = 0; r < table.rowCount(); ++r) {
        const RunInfo &run = table.run(r);
        bool hit = run.id.contains(text, Qt::CaseInsensitive) ||
                   run.name.contains(text, Qt::CaseInsensitive);
        for (int c = 0; c < table.columnCount() && !hit; ++c) {
            const Value v = table.value(r, c);
            hit = !v.isMissing() && v.displayText().contains(text, Qt::CaseInsensitive);
        }
        if (hit) kept.push_back(r);
    }
    rows = std::move(kept);
    return std::nullopt;
}

} // namespace runlens::cli
