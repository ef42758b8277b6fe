// Speed of the query language: N synthetic runs (bench/synthetic.h: half of each run's values
// from keys every run has, half spread over the rest, so a spread key is stored sparsely)
// filtered by queries of three clauses, as the filter bar and `runlens table --filter` do.
// Each figure is the best of three.
//   bench_query [RUNS=100000] [VALUES_PER_RUN=200] [DISTINCT_KEYS=1000]
#include "analysis/query.h"
#include "run/runtable.h"
#include "synthetic.h"

#include <QCoreApplication>

#include <cstdio>
#include <numeric>
#include <random>

using namespace runlens;
using runlens::bench::bestOfThreeMs;
using namespace Qt::StringLiterals;

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const auto [runs, perRun, distinct] = bench::sizeFromArguments(app.arguments());
    if (!bench::Size{runs, perRun, distinct}.valid() || perRun < 12) {
        std::fprintf(stderr, "usage: bench_query [RUNS] [VALUES_PER_RUN >= 12] [DISTINCT_KEYS]\n");
        return 2;
    }
    const std::vector<Key> keys = bench::makeKeys(distinct);
    std::mt19937 rng(42);
    RunTable table;
    for (int r = 0; r < runs; ++r)
        table.appendRun(bench::makeRun(r, perRun, keys, rng));
    table.squeeze();
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    std::printf("runs=%d values/run=%d distinct keys=%d columns=%d\n", runs, perRun, distinct,
                table.columnCount());

    // Key k is a string when k % 5 == 0, an int when k % 5 == 1, else a real in [0, 1); keys
    // below perRun / 2 are in every run (dense), the others in few (sparse).
    const int sparse = perRun / 2 + 2; // a real
    const std::vector<std::pair<const char *, QString>> queries = {
        {"3 clauses: string ==, int <, real >",
         u"group0.key0 == \"adam\" and group1.key1 < 500 and group2.key2 > 0.5"_s},
        {"3 clauses: or, not, in list, range",
         u"group0.key0 in [\"adam\", \"sgd\"] or not group1.key1 >= 100 or group2.key2 in 0.1..0.2"_s},
        {"3 clauses: regex, substring, !=",
         u"group0.key0 ~ /^ada/ and group5.key5 ~ \"GD\" and group6.key6 != 3"_s},
        {"3 clauses: one on a sparse key",
         u"group%1.key%2 > 0.5 and group3.key3 < 0.5 and exists group4.key4"_s.arg(sparse % 20)
             .arg(sparse)},
        {"3 clauses: run fields",
         u"name ~ /k$/ and status == \"finished\" and format == \"wandb\""_s},
    };
    for (const auto &[label, text] : queries) {
        QueryError error;
        std::optional<Query> query;
        const double parseMs = bestOfThreeMs([&] { query = Query::parse(text, table, &error); });
        if (!query) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(text), qPrintable(error.toString()));
            return 1;
        }
        std::size_t kept = 0;
        const double filterMs = bestOfThreeMs([&] { kept = query->filter(table, rows).size(); });
        std::size_t one = 0;
        const double matchesMs = bestOfThreeMs([&] {
            one = 0;
            for (int r : rows)
                one += query->matches(table, r) ? 1 : 0;
        });
        if (one != kept) {
            std::fprintf(stderr, "filter and matches disagree on %s\n", qPrintable(text));
            return 1;
        }
        std::printf("%-38s parse %6.2f ms  filter %7.2f ms  row by row %7.2f ms  kept %zu\n", label,
                    parseMs, filterMs, matchesMs, kept);
    }
    // Tab in the filter bar: keys by prefix, and the distinct values of a key (a string key
    // with four values; a real key with a value per run, of which the first 200 are offered).
    for (const QString &text : {u"group1"_s, u"group0.key0 == "_s, u"group2.key2 < "_s}) {
        Completion c;
        const double ms = bestOfThreeMs([&] { c = completeQuery(text, int(text.size()), table); });
        std::printf("complete %-22s %7.2f ms  %lld candidates\n", qPrintable(u'\'' + text + u'\''),
                    ms, qlonglong(c.candidates.size()));
    }
    return 0;
}
