// `runlens diff`: runs compared key by key against a baseline.
#include "clicommon.h"
#include "viewoptions.h"

#include "analysis/difftable.h"

#include <algorithm>

namespace runlens::cli {

using namespace Qt::StringLiterals;

int diffCommand(const QStringList &args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Compare runs key by key against a baseline run: one row per config, metric (and with --meta metadata) key whose values differ, one column per run. Exit status 0 whether or not they differ."_s);
    addCommonOptions(p);
    p.addOption({u"runs"_s,
                 u"The runs to compare, two or more: ids, unique names or unique id prefixes."_s,
                 u"ID,..."_s});
    addFilterOption(p, u"Instead of --runs, compare the runs"_s);
    p.addOption(
        {u"baseline"_s,
         u"The run the others are compared with (default: the first of --runs; added to them when not among them)."_s,
         u"ID"_s});
    p.addOption({u"all"_s, u"Also keys whose value is the same in every run."_s});
    p.addOption({u"meta"_s, u"Also compare metadata keys (host, git, Python, ...)."_s});
    p.addOption({u"no-metrics"_s, u"Leave metric keys out."_s});
    p.addOption(
        {u"overrides"_s,
         u"Instead of the table, print per run but the baseline the Hydra overrides that turn the baseline's config into the run's: '<run id>: <overrides>'."_s});
    p.addOption({u"yaml"_s,
                 u"Instead of the table, print the differing config keys of every run as YAML."_s});
    p.addOption({u"no-formula-guard"_s,
                 u"CSV/TSV: do not prefix string cells starting with = + - @, a tab or a CR with a quote."_s});
    addExportOptions(p);
    Common c;
    if (const auto status = parseCommon(p, args, c)) return *status;
    WriteOptions w;
    if (const auto status = parseExportOptions(p, c, w)) return *status;
    const QStringList specs = splitList(p.value(u"runs"_s));
    const bool overrides = p.isSet(u"overrides"_s), yaml = p.isSet(u"yaml"_s);
    if (specs.isEmpty() && !p.isSet(u"filter"_s)) {
        err(u"name the runs to compare with --runs ID,ID[,...] or --filter EXPR"_s);
        return kUsage;
    }
    if (!specs.isEmpty() && p.isSet(u"filter"_s)) {
        err(u"choose the runs with one of --runs and --filter"_s);
        return kUsage;
    }
    if (overrides && yaml) {
        err(u"choose one of --overrides and --yaml"_s);
        return kUsage;
    }
    if ((overrides || yaml) && p.isSet(u"format"_s)) {
        err(u"--format does not apply to --overrides or --yaml, which print text"_s);
        return kUsage;
    }
    const LoadResult result = load(c);
    const RunTable &table = result.table;
    QString error;
    std::vector<int> rows;
    if (p.isSet(u"filter"_s))
        if (const auto status = filterRows(table, p.value(u"filter"_s), rows)) return *status;
    for (const QString &spec : specs) {
        const int row = findRun(table, spec, &error);
        if (row < 0) {
            err(error);
            return kUsage;
        }
        if (std::find(rows.begin(), rows.end(), row) != rows.end()) {
            err(u"run '%1' is named twice in --runs"_s.arg(table.run(row).id));
            return kUsage;
        }
        rows.push_back(row);
    }
    int baseline = 0;
    if (p.isSet(u"baseline"_s)) {
        const int row = findRun(table, p.value(u"baseline"_s), &error);
        if (row < 0) {
            err(u"--baseline: "_s + error);
            return kUsage;
        }
        const auto at = std::find(rows.begin(), rows.end(), row);
        if (at == rows.end()) rows.insert(rows.begin(), row);
        baseline = at == rows.end() ? 0 : int(at - rows.begin());
    }
    if (rows.size() < 2) {
        err(u"a diff needs two or more runs; %1 %2"_s
                .arg(p.isSet(u"filter"_s) ? u"--filter keeps"_s : u"--runs names"_s)
                .arg(rows.size()));
        return kUsage;
    }

    DiffOptions options;
    options.metrics = !p.isSet(u"no-metrics"_s);
    options.meta = p.isSet(u"meta"_s);
    options.onlyDifferences = !p.isSet(u"all"_s);
    const RunDiff diff(table, rows, baseline, options);
    if (!c.quiet)
        err(u"%1 key(s) differ, %2 missing in some runs, %3 the same"_s
                .arg(diff.countWithStatus(KeyStatus::Different))
                .arg(diff.countWithStatus(KeyStatus::MissingInSome))
                .arg(diff.countWithStatus(KeyStatus::Same)));
    if (yaml) return writeText(diff.differencesAsYaml(), c.output);
    if (overrides) {
        QString text;
        for (int i = 0; i < int(rows.size()); ++i) {
            if (i == baseline) continue;
            QStringList left;
            const QString line = diff.overrides(i, &left);
            const QString &id = table.run(rows[std::size_t(i)]).id;
            text += id + u':' + (line.isEmpty() ? QString() : u' ' + line) + u'\n';
            if (!left.isEmpty() && !c.quiet)
                err(u"%1: no Hydra override can express %2"_s.arg(id, left.join(u", "_s)));
        }
        return writeText(text, c.output);
    }
    w.neutralizeFormulas = !p.isSet(u"no-formula-guard"_s);
    w.maxTextWidth = 80; // a value with its change against the baseline
    return writeOutput(DiffTable(diff, isForPeople(c.format), w.precision), c.format, c.output, w);
}

} // namespace runlens::cli
