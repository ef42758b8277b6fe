#include "cli.h"
#include "clicommon.h"
#include "viewoptions.h"

#include "analysis/groupview.h"
#include "analysis/keylist.h"
#include "analysis/tableview.h"

#include <QDir>

namespace runlens::cli {

using namespace Qt::StringLiterals;

namespace {

void addGroupOptions(QCommandLineParser &p) {
    p.addOption(
        {u"group-by"_s,
         u"One row per group of runs sharing these keys' values (nested in this order); runs lacking a key form a (missing) group."_s,
         u"KEY,..."_s});
    p.addOption(
        {u"collapse-seeds"_s,
         u"Group by every config key that varies, except repetition keys (seed and the like), to average over them."_s});
    p.addOption(
        {u"repetition-keys"_s,
         u"With --collapse-seeds: the keys to average over (default: seed, *_seed, trial, fold and similar names)."_s,
         u"KEY,..."_s});
    p.addOption(
        {u"pivot"_s,
         u"Rows are the values of ROWKEY, columns those of COLKEY, cells the aggregates of the one --metrics key."_s,
         u"ROWKEY,COLKEY"_s});
    p.addOption(
        {u"metrics"_s,
         u"Keys to aggregate per group (default: every metric key with numbers that vary)."_s,
         u"KEY,..."_s});
    p.addOption(
        {u"agg"_s,
         u"Aggregates: count, mean, std, sem, median, min, max (default: mean,std,count; a pivot in csv/tsv/json: mean)."_s,
         u"NAME,..."_s});
    p.addOption(
        {u"agg-columns"_s,
         u"Text and Markdown: one column per aggregate, as in csv, instead of 'mean ± std (n=3)' in one."_s});
}

GroupRequest groupRequest(const QCommandLineParser &p, TableFormat format) {
    GroupRequest r;
    r.groupBy = splitList(p.value(u"group-by"_s));
    r.collapseSeeds = p.isSet(u"collapse-seeds"_s);
    r.repetitionKeys = splitList(p.value(u"repetition-keys"_s));
    r.pivot = splitList(p.value(u"pivot"_s));
    r.metrics = splitList(p.value(u"metrics"_s));
    r.aggregates = splitList(p.value(u"agg"_s));
    r.missingLabel = isForPeople(format);
    r.joined = r.missingLabel && !p.isSet(u"agg-columns"_s);
    if (p.isSet(u"pivot"_s) && r.pivot.isEmpty()) r.pivot << QString(); // reported as misuse
    if (p.isSet(u"group-by"_s) && r.groupBy.isEmpty()) r.groupBy << QString();
    return r;
}

/// Options that shape grouped output, given without asking for groups.
bool hasGroupOptionsOnly(const QCommandLineParser &p) {
    return p.isSet(u"agg"_s) || p.isSet(u"metrics"_s) || p.isSet(u"agg-columns"_s) ||
           p.isSet(u"repetition-keys"_s);
}

int tableCommand(const QStringList &args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Print one row per run: its id, config keys and metric keys; or one row per group of runs with statistics of their metrics (--group-by, --collapse-seeds), or a two-way table of one metric (--pivot)."_s);
    addCommonOptions(p);
    p.addOption(
        {u"columns"_s,
         u"Keys, globs (optimizer.*) or run fields (name, status, path, start, duration, issues) to show, in order; config:/metric:/meta: pick a family."_s,
         u"KEY,..."_s});
    p.addOption({u"varying"_s, u"Only keys whose values differ among the shown runs."_s});
    p.addOption(
        {u"sort"_s,
         u"Sort by keys, each optionally :desc; missing and NaN last. Grouped output sorts by a group key, runs, or 'METRIC AGGREGATE' ('val/acc mean:desc')."_s,
         u"KEY[:desc],..."_s});
    p.addOption({u"no-formula-guard"_s,
                 u"CSV/TSV: do not prefix string cells starting with = + - @, a tab or a CR with a quote."_s});
    p.addOption(
        {u"baseline"_s,
         u"Compare every run with this one (id, unique name or id prefix): LaTeX and HTML mark the values that differ from it."_s,
         u"RUN"_s});
    p.addOption({u"with-path"_s, u"Add each run's folder (the path column) after its id."_s});
    p.addOption(
        {u"summary"_s,
         u"Show a metric's min, max or mean over its logged history instead of its last value (MLflow, Lightning, Sacred, Ray Tune, DVCLive and Keras keep histories)."_s,
         u"METRIC=last|min|max|mean,..."_s});
    addExportOptions(p);
    addGroupOptions(p);
    addFilterOption(p, u"Only the runs"_s);
    addViewOption(p);
    Common c;
    if (const auto status = parseCommon(p, args, c)) return *status;
    WriteOptions w;
    if (const auto status = parseExportOptions(p, c, w)) return *status;
    ViewSpec spec;
    spec.columns = splitList(p.value(u"columns"_s));
    spec.varyingOnly = p.isSet(u"varying"_s);
    for (const QString &s : splitList(p.value(u"sort"_s))) {
        SortKey k{s, false};
        if (s.endsWith(u":desc"_s) || s.endsWith(u":asc"_s)) {
            k.descending = s.endsWith(u":desc"_s);
            k.column = s.left(s.lastIndexOf(u':'));
        }
        spec.sort.push_back(k);
    }
    for (const QString &s : splitList(p.value(u"summary"_s))) {
        const qsizetype eq = s.lastIndexOf(u'=');
        const std::optional<MetricSummary> summary =
            eq > 0 ? summaryFromName(s.mid(eq + 1).trimmed()) : std::nullopt;
        if (!summary) {
            err(u"--summary: '%1' is not METRIC=last|min|max|mean"_s.arg(s));
            return kUsage;
        }
        spec.summaries.insert(s.left(eq).trimmed(), *summary);
    }
    GroupRequest group = groupRequest(p, c.format);
    std::optional<SavedView> saved;
    if (const auto status = readView(p, c.folders, saved)) return *status;
    QString filter = p.value(u"filter"_s);
    if (saved) applyView(*saved, p, c.format, spec, group, filter);
    if (isGrouped(group) && (p.isSet(u"columns"_s) || spec.varyingOnly)) {
        err(u"--columns and --varying do not apply to grouped output; choose metrics with --metrics"_s);
        return kUsage;
    }
    if (isGrouped(group) &&
        (p.isSet(u"baseline"_s) || p.isSet(u"with-path"_s) || p.isSet(u"summary"_s))) {
        err(u"--baseline, --with-path and --summary apply to one row per run, not to grouped output"_s);
        return kUsage;
    }
    if (p.isSet(u"with-path"_s)) spec.columns = withPath(spec.columns);
    if (!isGrouped(group) && hasGroupOptionsOnly(p)) {
        err(u"--agg, --metrics, --agg-columns and --repetition-keys apply to grouped output (--group-by, --collapse-seeds or --pivot)"_s);
        return kUsage;
    }
    group.sort = spec.sort;
    const LoadResult result = load(c);
    if (const auto status =
            selectRows(result.table, filter, saved && !p.isSet(u"filter"_s), spec.rows))
        return *status;
    group.rows = spec.rows;
    QString error;
    w.neutralizeFormulas = !p.isSet(u"no-formula-guard"_s);
    if (isGrouped(group)) {
        // A joined cell with every aggregate runs to about 110 characters; keep it whole.
        w.maxTextWidth = std::max(w.maxTextWidth, 120);
        const auto grouped = makeGroupedView(result.table, group, &error);
        if (!grouped) {
            err(error);
            return kUsage;
        }
        return writeOutput(*grouped, c.format, c.output, w);
    }
    auto view = makeTableView(result.table, spec, &error);
    if (!view) {
        err(error);
        return kUsage;
    }
    const QString baseline =
        p.isSet(u"baseline"_s) ? p.value(u"baseline"_s) : viewBaseline(result.table, saved);
    if (const auto status = markView(result.table, *view, baseline, c.format)) return *status;
    return writeOutput(*view, c.format, c.output, w);
}

int keysCommand(const QStringList &args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        u"List every key with its family, types, distinct values and description."_s);
    addCommonOptions(p);
    Common c;
    if (const auto status = parseCommon(p, args, c)) return *status;
    const LoadResult result = load(c);
    return writeOutput(KeyList(result.table), c.format, c.output);
}

int checkCommand(const QStringList &args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        u"List the runs with issues (file, line, reason). Exit status 1 when there are any."_s);
    addCommonOptions(p);
    p.addOption({u"notes"_s,
                 u"Also list notes (merged duplicate folders), which do not count as issues."_s});
    addFilterOption(p, u"Only the issues of the runs"_s);
    Common c;
    if (const auto status = parseCommon(p, args, c)) return *status;
    const LoadResult result = load(c);
    std::optional<std::vector<int>> rows;
    if (const auto status = selectRows(result.table, p.value(u"filter"_s), false, rows))
        return *status;
    const IssueList issues(result.table, QDir::currentPath(), p.isSet(u"notes"_s),
                           rows.value_or(allRows(result.table)));
    const int status = writeOutput(issues, c.format, c.output);
    if (status != kOk) return status;
    if (!c.quiet)
        err(u"%1 of %2 run(s) have issues"_s.arg(issues.runsWithProblems())
                .arg(rows ? int(rows->size()) : result.table.rowCount()));
    return issues.runsWithProblems() > 0 ? kFound : kOk;
}

} // namespace

bool isCommand(const QString &word) {
    return word == u"table" || word == u"diff" || word == u"keys" || word == u"check" ||
           word == u"plot";
}

int run(const QStringList &args) {
    const QString command = args.value(0);
    const QStringList rest = QStringList{u"runlens "_s + command} + args.mid(1);
    if (command == u"table") return tableCommand(rest);
    if (command == u"diff") return diffCommand(rest);
    if (command == u"plot") return plotCommand(rest);
    if (command == u"keys") return keysCommand(rest);
    if (command == u"check") return checkCommand(rest);
    err(u"unknown command '%1'"_s.arg(command));
    return kUsage;
}

} // namespace runlens::cli
