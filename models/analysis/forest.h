#pragma once

#include <QtGlobal>

#include <cstdint>
#include <functional>
#include <vector>

namespace runlens {

/// The rows a regression forest learns from: every feature coded into at most 256 bins, row
/// by row, and the target. Built by parameterImportance() (importance.h) from a RunTable.
struct BinnedData {
    /// How a feature's bins relate. Ordered: bins 0..ordered-1 are ascending ranges of a number,
    /// and `noneBin` (when >= 0) holds the rows without a number, sent left or right by each
    /// split as suits it. Categorical: every bin is a category without an order.
    struct Feature {
        int bins = 0;
        bool categorical = false;
        int noneBin = -1;
    };
    int rows = 0;
    std::vector<Feature> features;
    std::vector<std::uint8_t> bins; ///< rows x features, row-major
    std::vector<double> y;          ///< the target, one per row

    std::uint8_t bin(int row, int feature) const {
        return bins[std::size_t(row) * features.size() + std::size_t(feature)];
    }
};

/// How fitForest() grows its trees.
struct ForestOptions {
    int trees = 100;
    int maxDepth = 8;
    int minLeaf = 3;              ///< fewest bootstrap rows in a leaf
    double sampleFraction = 1.0;  ///< bootstrap draws per tree (with replacement), share of rows
    double featureFraction = 1.0; ///< share of the features tried at each split, at least one
    quint32 seed = 1;
    bool parallel = true;
    std::function<bool()> cancelled; ///< polled before each tree, from any thread
};

/// What fitForest() measured, all on out-of-bag rows (the rows a tree's bootstrap left out).
struct ForestResult {
    double r2 = 0;   ///< 1 - SSE/SST of the forest's out-of-bag predictions; NaN when undefined
    int oobRows = 0; ///< rows out of bag in at least one tree
    /// Per feature: the increase of a tree's out-of-bag mean squared error when the feature's
    /// values are shuffled among those rows, averaged over the trees (Breiman's permutation
    /// importance), divided by the target's variance.
    std::vector<double> mseIncrease;
    bool cancelled = false;
};

/// A random forest of regression trees on binned features, grown depth-first with exact
/// histogram splits: a threshold for ordered features (rows without a number tried on either
/// side), the best subset of categories for categorical ones (categories ordered by their mean
/// target, which finds the best binary partition for squared error; Breiman et al. 1984).
/// Every random draw comes from std::mt19937 seeded by (seed, tree), and the trees are combined
/// in order, so the result depends on the seed only, not on the threads. Pure and thread-safe.
ForestResult fitForest(const BinnedData &data, const ForestOptions &options);

} // namespace runlens
