#pragma once

#include "run/runtable.h"

#include <QString>
#include <QtGlobal>

#include <cmath>
#include <functional>
#include <vector>

namespace runlens {

/// How parameterImportance() fits its random forest (see there).
struct ImportanceOptions {
    int trees = 100;
    int maxDepth = 8;
    int minLeaf = 3;              ///< fewest bootstrap runs in a leaf
    double sampleFraction = 1.0;  ///< bootstrap draws per tree (with replacement), share of runs
    double featureFraction = 1.0; ///< share of the keys tried at each split (at least one)
    quint32 seed = 1;
    /// Above this many runs with a metric value, the forest is fitted on a random subset of
    /// this many (drawn from `seed`); correlations always use every run. The forest's cost
    /// grows with the rows it is fitted on: 100 trees for 100,000 runs x 20 keys take about
    /// 0.7 s of CPU with this subset and 2.5 s without (bench/bench_importance.cpp), and
    /// 20,000 runs pin importances down well.
    int maxRows = 20000;
    /// Grow the trees on QtConcurrent's global pool (QtConcurrent::blockingMapped; the calling
    /// thread takes part, so calling from a pool thread is fine). The result is the same
    /// either way.
    bool parallel = true;
    /// Polled before each tree, from any thread (so it must be thread-safe, e.g. read an
    /// atomic); when it answers true the result has no importances and says "cancelled".
    std::function<bool()> cancelled;
};

/// One config key's bearing on the metric.
struct KeyImportance {
    int column = -1;
    QString key; ///< the column's display name
    /// Split by category subsets (strings, lists, objects, keys mixing those with numbers)
    /// rather than by thresholds (numbers, bools as 0/1).
    bool categorical = false;
    int runs = 0; ///< runs with a metric value that have the key (null counts as having it)
    /// Numeric keys: Spearman's rank correlation with the metric over the runs where the key is
    /// a number (neither missing, null nor NaN); NaN for categorical keys, or with fewer than
    /// three such runs, or when either side is constant among them.
    double correlation = std::nan("");
    /// Categorical keys: the correlation ratio eta = sqrt(between-category sum of squares /
    /// total sum of squares) of the metric, in [0, 1], with "missing" a category of its own;
    /// NaN for numeric keys. A key with nearly as many values as runs (an id) scores near 1
    /// here without meaning anything: the importance does not fall for that.
    double eta = std::nan("");
    /// The key's share of the forest's permutation importance (mseIncrease clipped at 0, over
    /// the sum of all keys'), so the estimated keys sum to 1 (or are all 0); 0 for a constant
    /// key; NaN when not estimated (see `note` and ImportanceResult::note).
    double importance = std::nan("");
    /// How much the out-of-bag mean squared error of the forest's trees rises when this key's
    /// values are shuffled, as a share of the metric's variance: the absolute scale behind
    /// `importance`. Shuffling swaps a key's effect for an independent draw of it, so a key
    /// whose effect adds to the others' scores about twice the share of variance it explains
    /// (y = 3a + small noise: a scores ~2); keys in an interaction each score their part of it.
    /// Near 0, and at times a little below, for a key that does not matter. NaN when not
    /// estimated.
    double mseIncrease = std::nan("");
    QString note; ///< "constant", "in one run only", ...; empty when estimated
};

/// The importance of config keys for one metric.
struct ImportanceResult {
    int metricColumn = -1;
    int rows = 0;       ///< runs with a usable metric value (a finite number or a bool)
    int fittedRows = 0; ///< runs the forest was fitted on: `rows`, or maxRows of them
    /// The forest's out-of-bag R^2: how much of the metric's variance the keys explain for
    /// runs a tree did not see. Near or below 0: the keys do not predict the metric, and the
    /// importances are noise. NaN when no forest was fitted.
    double r2 = std::nan("");
    /// Every key asked for, by importance (descending; NaN last), then by |correlation| or
    /// eta, then by column.
    std::vector<KeyImportance> keys;
    QString note; ///< for people: why nothing was estimated, subsampling, a poor fit; or empty
};

/// The importance of `configColumns` (empty: every Config column whose value varies among the
/// `rows` that have a metric value; given ones may be of any family, the metric's own column
/// is dropped) for `metricColumn`, over the table rows `rows` (a filter's result; rows out of
/// range are ignored).
///
/// Runs whose metric is missing, NaN, infinite or not a number are left out (a bool metric
/// counts as 0/1). With fewer than 10 runs left, nothing is fitted (importance NaN, note says
/// so) but correlations are still given. A key in fewer than two of those runs is listed with
/// a note and not estimated; a constant key (the same value, or missing, in every run) gets
/// importance 0.
///
/// The model is a random forest of regression trees (forest.h), since a linear fit misses what
/// sweeps are full of: optima in the middle of a range, saturation, interactions. Importance is
/// permutation importance on out-of-bag runs rather than the trees' impurity decrease, which
/// favours keys with many distinct values (a real-valued key of pure noise gets many splits and
/// a high impurity score; shuffling it costs the forest nothing on runs it did not see).
/// Correlated keys can each look less important than they are: shuffling one leaves the other
/// to stand in for it.
///
/// Encoding: numeric keys (ints, reals, bools as 0/1, null allowed) are split by thresholds on
/// up to 255 bins (every distinct value, or quantiles when there are more); runs where such a
/// key is missing, null or NaN form one "none" bin that each split sends to whichever side fits
/// best (as XGBoost does; this subsumes a missing-indicator plus imputation). Other keys are
/// categorical with "missing" a category of its own, split by the best subset of categories
/// (no one-hot: one split can group any categories); above 256 categories the 255 most
/// frequent keep their own and the rest share one.
///
/// Deterministic: the same seed, rows and table give the same result whatever the threads.
/// Reads the table on the calling thread only; no shared state, so calls may run in parallel.
ImportanceResult parameterImportance(const RunTable &table, const std::vector<int> &rows,
                                     int metricColumn, const std::vector<int> &configColumns = {},
                                     const ImportanceOptions &options = {});

} // namespace runlens
