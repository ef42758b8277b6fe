#pragma once
// Shared by the benchmarks: their timing, and synthetic runs, each with a common core of keys
// (the first half of its values) and a spread over the rest, with strings, integers and reals,
// like a sweep.

#include "run/run.h"

#include <QElapsedTimer>

#include <algorithm>
#include <functional>
#include <limits>
#include <random>
#include <vector>

namespace runlens::bench {

/// Best of three runs of `step`, in milliseconds.
inline double bestOfThreeMs(const std::function<void()> &step) {
    double ms = std::numeric_limits<double>::max();
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer clock;
        clock.start();
        step();
        ms = std::min(ms, clock.nsecsElapsed() / 1e6);
    }
    return ms;
}

/// The benchmarks' shared arguments: [RUNS=100000] [VALUES_PER_RUN=200] [DISTINCT_KEYS=1000].
struct Size {
    int runs, perRun, distinct;
    bool valid() const { return runs > 0 && perRun > 0 && distinct >= perRun; }
};

inline Size sizeFromArguments(const QStringList &args) {
    using namespace Qt::StringLiterals;
    return {args.value(1, u"100000"_s).toInt(), args.value(2, u"200"_s).toInt(),
            args.value(3, u"1000"_s).toInt()};
}

inline std::vector<Key> makeKeys(int distinct) {
    using namespace Qt::StringLiterals;
    std::vector<Key> keys;
    for (int k = 0; k < distinct; ++k)
        keys.push_back(Key({u"group%1"_s.arg(k % 20), u"key%1"_s.arg(k)}));
    return keys;
}

inline RunRecord makeRun(int index, int perRun, const std::vector<Key> &keys, std::mt19937 &rng) {
    using namespace Qt::StringLiterals;
    static const QStringList names = {u"adam"_s, u"adamw"_s, u"sgd"_s, u"lion"_s};
    const int distinct = int(keys.size());
    RunRecord rec;
    rec.id = u"%1"_s.arg(index, 8, 36, QChar(u'0'));
    rec.name = rec.id;
    rec.format = u"wandb"_s;
    rec.path = u"/data/sweeps/project/wandb/run-20240101_000000-"_s + rec.id;
    rec.status = RunStatus::Finished;
    const int core = perRun / 2;
    for (int v = 0; v < perRun; ++v) {
        const int k = v < core ? v : core + int(rng() % unsigned(distinct - core));
        const Family f = k % 3 == 0 ? Family::Metric : Family::Config;
        Value value = k % 5 == 0   ? Value::string(names[int(rng() % 4u)])
                      : k % 5 == 1 ? Value::integer(qint64(rng() % 1000))
                                   : Value::real(std::uniform_real_distribution<double>(0, 1)(rng));
        rec.add(f, keys[std::size_t(k)], std::move(value));
    }
    return rec;
}

} // namespace runlens::bench
