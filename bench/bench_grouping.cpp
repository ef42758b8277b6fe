// Speed of grouping: N synthetic runs grouped by two config keys (a string and a real), each
// group summarised over ten metric columns (every aggregate), as `runlens table --group-by`
// does; then sorted by a mean and written as CSV. Each step is timed as the best of three.
//   bench_grouping [RUNS=100000] [VALUES_OF_KEY1=100] [VALUES_OF_KEY2=100]
#include "analysis/grouping.h"
#include "analysis/grouptable.h"
#include "export/tablewriter.h"
#include "run/runtable.h"
#include "synthetic.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <limits>
#include <numeric>
#include <random>

using namespace runlens;
using runlens::bench::bestOfThreeMs;
using namespace Qt::StringLiterals;

namespace {

constexpr int kMetrics = 10;

RunTable makeTable(int runs, int values1, int values2) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> uniform(0, 1);
    RunTable table;
    for (int r = 0; r < runs; ++r) {
        RunRecord rec;
        rec.id = u"%1"_s.arg(r, 8, 36, QChar(u'0'));
        rec.format = u"wandb"_s;
        const int a = int(rng() % unsigned(values1)), b = int(rng() % unsigned(values2));
        rec.add(Family::Config, Key({u"model"_s, u"name"_s}), Value::string(u"model-%1"_s.arg(a)));
        rec.add(Family::Config, Key({u"optimizer"_s, u"lr"_s}), Value::real(1e-5 * (b + 1)));
        rec.add(Family::Config, Key({u"seed"_s}), Value::integer(r % 5));
        rec.add(Family::Config, Key({u"epochs"_s}), Value::integer(30));
        for (int m = 0; m < kMetrics; ++m) {
            // One value in a thousand NaN, as diverged runs leave them.
            const double x = rng() % 1000 == 0 ? std::numeric_limits<double>::quiet_NaN()
                                               : uniform(rng) + 0.01 * a;
            rec.add(Family::Metric, Key({u"metric%1"_s.arg(m)}), Value::real(x));
        }
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    return table;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int runs = args.value(1, u"100000"_s).toInt();
    const int values1 = args.value(2, u"100"_s).toInt();
    const int values2 = args.value(3, u"100"_s).toInt();
    if (runs <= 0 || values1 <= 0 || values2 <= 0) {
        std::fprintf(stderr, "usage: bench_grouping [RUNS] [VALUES_OF_KEY1] [VALUES_OF_KEY2]\n");
        return 2;
    }
    const RunTable table = makeTable(runs, values1, values2);
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    GroupSpec spec;
    spec.keyColumns = {table.findColumn(Family::Config, Key({u"model"_s, u"name"_s})),
                       table.findColumn(Family::Config, Key({u"optimizer"_s, u"lr"_s}))};
    for (int m = 0; m < kMetrics; ++m)
        spec.metricColumns.push_back(table.findColumn(Family::Metric, Key({u"metric%1"_s.arg(m)})));
    spec.aggregates = allAggregates();

    std::size_t groups = 0;
    const double groupMs = bestOfThreeMs(
        [&] { groups = flattenGroups(groupRuns(table, rows, spec.keyColumns)).size(); });
    const double tableMs = bestOfThreeMs([&] { GroupTable t(table, rows, spec); });
    GroupTable grouped(table, rows, spec);
    const double sortMs = bestOfThreeMs([&] {
        grouped.sort({SortKey{u"metric0 mean"_s, true}, SortKey{u"runs"_s, false}});
    });
    const double csvMs = bestOfThreeMs([&] { renderTable(grouped, TableFormat::Csv); });

    std::printf("runs=%d key values=%d x %d groups=%zu metrics=%d aggregates=all\n", runs, values1,
                values2, groups, kMetrics);
    std::printf("group (sort + split):                %8.1f ms\n", groupMs);
    std::printf("group + summarise every group:       %8.1f ms\n", tableMs);
    std::printf("sort the groups by a mean:           %8.1f ms\n", sortMs);
    std::printf("write the grouped table as CSV:      %8.1f ms\n", csvMs);
    return 0;
}
