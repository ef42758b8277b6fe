// Speed of diffing: DIFF_RUNS runs picked across a table of TABLE_RUNS synthetic runs with KEYS
// keys each (60% the same in every run, 30% varying, 10% present in half the runs; a quarter
// of them metrics), diffed against the first, as `runlens diff` and the diff view do: the
// classification (differing keys only, and all keys), the table rendered for people (text)
// and programs (CSV), the Hydra overrides of every run, and the YAML. Best of three each.
//   bench_diff [DIFF_RUNS=50] [KEYS=5000] [TABLE_RUNS=1000]
#include "analysis/diff.h"
#include "analysis/difftable.h"
#include "diffmodel.h"
#include "export/tablewriter.h"
#include "run/runtable.h"
#include "synthetic.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <random>

using namespace runlens;
using runlens::bench::bestOfThreeMs;
using namespace Qt::StringLiterals;

namespace {

RunTable makeTable(int runs, int keys) {
    static const QStringList names = {u"adam"_s, u"adamw"_s, u"sgd"_s, u"lion"_s};
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::vector<Key> paths;
    for (int k = 0; k < keys; ++k)
        paths.push_back(Key({u"block%1"_s.arg(k % 50), u"key%1"_s.arg(k)}));
    RunTable table;
    for (int r = 0; r < runs; ++r) {
        RunRecord rec;
        rec.id = u"%1"_s.arg(r, 8, 36, QChar(u'0'));
        rec.name = rec.id;
        rec.format = u"wandb"_s;
        for (int k = 0; k < keys; ++k) {
            const int percentile = k * 100 / keys;
            if (percentile >= 90 && rng() % 2) continue; // present in about half the runs
            Value v = percentile < 60 ? Value::integer(k)
                      : k % 3 == 0    ? Value::string(names[int(rng() % 4u)])
                                      : Value::real(uniform(rng));
            rec.add(k % 4 == 0 ? Family::Metric : Family::Config, paths[std::size_t(k)],
                    std::move(v));
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
    const int diffRuns = args.value(1, u"50"_s).toInt();
    const int keys = args.value(2, u"5000"_s).toInt();
    const int tableRuns = args.value(3, u"1000"_s).toInt();
    if (diffRuns < 2 || keys <= 0 || tableRuns < diffRuns) {
        std::fprintf(stderr, "usage: bench_diff [DIFF_RUNS>=2] [KEYS] [TABLE_RUNS>=DIFF_RUNS]\n");
        return 2;
    }
    QElapsedTimer clock;
    clock.start();
    const RunTable table = makeTable(tableRuns, keys);
    std::printf("table: %d runs x %d keys built in %.0f ms\n", tableRuns, keys,
                clock.nsecsElapsed() / 1e6);
    std::vector<int> rows;
    for (int i = 0; i < diffRuns; ++i)
        rows.push_back(int(qint64(i) * tableRuns / diffRuns)); // spread over the table

    std::size_t shown = 0, all = 0, bytes = 0;
    const double differing = bestOfThreeMs([&] { shown = RunDiff(table, rows, 0).rows().size(); });
    DiffOptions everything;
    everything.onlyDifferences = false;
    const double allKeys =
        bestOfThreeMs([&] { all = RunDiff(table, rows, 0, everything).rows().size(); });
    const RunDiff diff(table, rows, 0);
    const double text = bestOfThreeMs(
        [&] { bytes = std::size_t(renderTable(DiffTable(diff, true), TableFormat::Text).size()); });
    const double csv = bestOfThreeMs(
        [&] { bytes = std::size_t(renderTable(DiffTable(diff, false), TableFormat::Csv).size()); });
    const double overrides = bestOfThreeMs([&] {
        for (int i = 1; i < diffRuns; ++i)
            bytes += std::size_t(diff.overrides(i).size());
    });
    const double yaml =
        bestOfThreeMs([&] { bytes += std::size_t(diff.differencesAsYaml().size()); });

    std::printf("diff of %d runs: %zu of %zu keys differ (%d the same)\n", diffRuns, shown, all,
                diff.countWithStatus(KeyStatus::Same));
    std::printf("%-34s %8.1f ms\n", "classify, differing keys", differing);
    std::printf("%-34s %8.1f ms\n", "classify, all keys (--all)", allKeys);
    std::printf("%-34s %8.1f ms\n", "render text (joined cells)", text);
    std::printf("%-34s %8.1f ms\n", "render CSV (values, deltas)", csv);
    std::printf("%-34s %8.1f ms\n", "Hydra overrides of every run", overrides);
    std::printf("%-34s %8.1f ms\n", "YAML of every run", yaml);

    // The diff window's model: build, toggle "show all keys", filter keys, paint a screenful.
    DiffModel model;
    const double build = bestOfThreeMs([&] { model.setRuns(&table, rows, 0); });
    const double toggle = bestOfThreeMs([&] {
        model.setShowAll(true);
        model.setShowAll(false);
    });
    const double filter = bestOfThreeMs([&] {
        model.setFilterText(u"key1"_s);
        model.setFilterText({});
    });
    const double paint = bestOfThreeMs([&] {
        for (int r = 0; r < 30 && r < model.rowCount(); ++r)
            for (int c = 0; c < model.columnCount(); ++c)
                bytes += std::size_t(model.index(r, c).data().toString().size() +
                                     model.index(r, c).data(DiffModel::ChangeRole).toInt());
    });
    std::printf("%-34s %8.1f ms\n", "window model: build", build);
    std::printf("%-34s %8.1f ms\n", "window model: show all, then not", toggle);
    std::printf("%-34s %8.1f ms\n", "window model: filter keys, clear", filter);
    std::printf("%-34s %8.1f ms\n", "window model: 30 rows x all runs", paint);
    return bytes > 0 ? 0 : 1;
}
