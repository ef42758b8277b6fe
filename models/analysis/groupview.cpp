#include "groupview.h"

#include "grouptable.h"
#include "pivot.h"

#include <algorithm>
#include <numeric>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

bool isGlob(const QString &s) {
    return s.contains(u'*') || s.contains(u'?');
}

bool hasFamilyPrefix(const QString &spec) {
    const qsizetype colon = spec.indexOf(u':');
    return colon > 0 && familyFromName(QStringView(spec).left(colon)).has_value();
}

/// The columns a spec names, keeping only the first family of `preference` that has any
/// unless the spec names its family itself. Empty with `error` set when a plain name names
/// nothing; empty without error for a glob that matches nothing.
std::vector<int> resolve(const RunTable &table, const QString &spec,
                         std::initializer_list<Family> preference, const QString &what,
                         QString *error) {
    std::vector<int> columns = matchColumns(table, spec);
    if (columns.empty()) {
        if (!isGlob(spec) && error) *error = u"no %1 named '%2'"_s.arg(what, spec);
        return {};
    }
    if (hasFamilyPrefix(spec)) return columns;
    for (Family f : preference) {
        std::vector<int> picked;
        std::copy_if(columns.begin(), columns.end(), std::back_inserter(picked),
                     [&](int c) { return table.column(c).family == f; });
        if (!picked.empty()) return picked;
    }
    return columns;
}

/// Every column the specs name, in the order named, each once; false on an error.
bool resolveAll(const RunTable &table, const QStringList &specs,
                std::initializer_list<Family> preference, const QString &what,
                std::vector<int> &out, QString *error) {
    for (const QString &spec : specs) {
        QString problem;
        const std::vector<int> columns = resolve(table, spec, preference, what, &problem);
        if (!problem.isEmpty()) {
            if (error) *error = problem;
            return false;
        }
        for (int c : columns)
            if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
    return true;
}

constexpr std::initializer_list<Family> kKeyFamilies = {Family::Config, Family::Meta,
                                                        Family::Metric};
constexpr std::initializer_list<Family> kMetricFamilies = {Family::Metric, Family::Config,
                                                           Family::Meta};

/// Metric columns with at least one number whose values are not all the same.
std::vector<int> varyingMetrics(const RunTable &table, const std::vector<int> &rows,
                                const std::vector<int> &exclude) {
    std::vector<int> out;
    for (int c = 0; c < table.columnCount(); ++c) {
        if (table.column(c).family != Family::Metric) continue;
        if (std::find(exclude.begin(), exclude.end(), c) != exclude.end()) continue;
        const bool numbers = std::any_of(rows.begin(), rows.end(),
                                         [&](int r) { return table.value(r, c).isNumber(); });
        if (numbers && !columnIsConstant(table, c, rows)) out.push_back(c);
    }
    return out;
}

bool parseAggregates(const QStringList &names, std::vector<Aggregate> &out, QString *error) {
    for (const QString &name : names) {
        const auto a = aggregateFromName(name);
        if (!a) {
            QStringList known;
            for (Aggregate k : allAggregates())
                known << aggregateName(k);
            if (error) *error = u"unknown aggregate '%1' (use %2)"_s.arg(name, known.join(u", "_s));
            return false;
        }
        if (std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(*a);
    }
    return true;
}

std::unique_ptr<TableSource> fail(QString *error, const QString &message) {
    if (error) *error = message;
    return nullptr;
}

std::unique_ptr<TableSource> makePivot(const RunTable &table, const std::vector<int> &rows,
                                       const GroupRequest &request,
                                       std::vector<Aggregate> aggregates, QString *error) {
    if (request.pivot.size() != 2) return fail(error, u"--pivot takes two keys, ROWKEY,COLKEY"_s);
    if (!request.sort.empty()) return fail(error, u"--sort does not apply to --pivot"_s);
    PivotSpec spec;
    int *targets[] = {&spec.rowKey, &spec.columnKey};
    for (int i = 0; i < 2; ++i) {
        std::vector<int> columns;
        if (!resolveAll(table, {request.pivot[i]}, kKeyFamilies, u"key"_s, columns, error))
            return nullptr;
        if (columns.size() != 1)
            return fail(error,
                        u"pivot key '%1' names %2 keys; name exactly one"_s.arg(request.pivot[i])
                            .arg(columns.size()));
        *targets[i] = columns[0];
    }
    std::vector<int> metrics;
    if (!resolveAll(table, request.metrics, kMetricFamilies, u"metric"_s, metrics, error))
        return nullptr;
    if (metrics.size() != 1)
        return fail(error, u"--pivot needs exactly one metric (--metrics METRIC); %1 named"_s.arg(
                               metrics.size()));
    spec.metric = metrics[0];
    spec.joined = request.joined;
    spec.missingLabel = request.missingLabel;
    if (aggregates.empty())
        aggregates = request.joined ? std::vector{Aggregate::Mean, Aggregate::Std, Aggregate::Count}
                                    : std::vector{Aggregate::Mean};
    spec.aggregates = std::move(aggregates);
    return std::make_unique<PivotTable>(table, rows, std::move(spec));
}

} // namespace

bool isGrouped(const GroupRequest &request) {
    return !request.groupBy.isEmpty() || request.collapseSeeds || !request.pivot.isEmpty();
}

std::unique_ptr<TableSource> makeGroupedView(const RunTable &table, const GroupRequest &request,
                                             QString *error) {
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    if (request.rows) rows = *request.rows;
    std::vector<Aggregate> aggregates;
    if (!parseAggregates(request.aggregates, aggregates, error)) return nullptr;

    if (!request.pivot.isEmpty()) {
        if (!request.groupBy.isEmpty() || request.collapseSeeds)
            return fail(error, u"--pivot does not combine with --group-by or --collapse-seeds"_s);
        return makePivot(table, rows, request, std::move(aggregates), error);
    }
    if (!request.groupBy.isEmpty() && request.collapseSeeds)
        return fail(error, u"use either --group-by or --collapse-seeds"_s);
    if (!request.repetitionKeys.isEmpty() && !request.collapseSeeds)
        return fail(error, u"--repetition-keys goes with --collapse-seeds"_s);

    GroupSpec spec;
    if (request.collapseSeeds) {
        std::vector<int> repetition;
        if (request.repetitionKeys.isEmpty()) {
            for (int c = 0; c < table.columnCount(); ++c)
                if (table.column(c).family == Family::Config &&
                    looksLikeRepetitionKey(table.column(c).key))
                    repetition.push_back(c);
        } else if (!resolveAll(table, request.repetitionKeys, kKeyFamilies, u"key"_s, repetition,
                               error)) {
            return nullptr;
        }
        spec.keyColumns = collapseKeyColumns(table, rows, repetition);
    } else if (!resolveAll(table, request.groupBy, kKeyFamilies, u"key"_s, spec.keyColumns,
                           error)) {
        return nullptr;
    } else if (spec.keyColumns.empty()) {
        return fail(error, u"--group-by names no key: '%1'"_s.arg(request.groupBy.join(u',')));
    }

    if (request.metrics.isEmpty())
        spec.metricColumns = varyingMetrics(table, rows, spec.keyColumns);
    else if (!resolveAll(table, request.metrics, kMetricFamilies, u"metric"_s, spec.metricColumns,
                         error))
        return nullptr;
    if (!aggregates.empty()) spec.aggregates = std::move(aggregates);
    spec.joined = request.joined;
    spec.missingLabel = request.missingLabel;
    auto view = std::make_unique<GroupTable>(table, rows, std::move(spec));
    if (!view->sort(request.sort, error)) return nullptr;
    return view;
}

} // namespace runlens
