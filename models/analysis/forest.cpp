#include "forest.h"

#include <QList>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>

namespace runlens {

namespace {

/// A uniform integer below `n` from one draw (Lemire's multiply-shift; the bias is below
/// n / 2^32). Written out rather than std::uniform_int_distribution, whose draws differ
/// between standard libraries, so that a seed means the same samples everywhere.
int below(std::mt19937 &rng, int n) {
    return int((std::uint64_t(rng()) * std::uint64_t(n)) >> 32);
}

struct Node {
    int feature = -1; ///< -1: a leaf
    int left = 0, right = 0;
    double value = 0;              ///< a leaf's prediction: the mean target of its bootstrap rows
    std::array<quint64, 4> mask{}; ///< the bins that go left
    bool goesLeft(unsigned bin) const { return (mask[bin >> 6] >> (bin & 63)) & 1; }
    void setLeft(unsigned bin) { mask[bin >> 6] |= quint64(1) << (bin & 63); }
};

using Tree = std::vector<Node>;

struct Bin {
    double sum = 0;
    int count = 0;
};

/// A candidate split of one node.
struct Split {
    int feature = -1;
    double gain = 0;
    int threshold = -1;     ///< ordered: bins <= threshold go left
    bool noneLeft = false;  ///< ordered: the none bin goes left
    int categoriesLeft = 0; ///< categorical: this many categories (by mean target) go left
};

/// Grows one tree on a bootstrap sample (row numbers, repeated as drawn).
///
/// Each node's histogram (per feature and bin: rows and target sum) comes from its parent's:
/// the smaller child's is counted, the larger one's is the parent's minus it, so a level costs
/// the smaller halves of its nodes instead of every row.
class TreeGrower {
public:
    TreeGrower(const BinnedData &data, const ForestOptions &options, std::mt19937 &rng)
        : m_data(data)
        , m_options(options)
        , m_rng(rng)
        , m_stride(data.features.size()) {
        for (const BinnedData::Feature &f : data.features) {
            m_offset.push_back(m_histSize);
            m_histSize += f.bins;
        }
        // Two histograms per level: the left child's, then the right child's.
        m_buffers.resize(std::size_t(2 * (options.maxDepth + 1) * m_histSize));
        m_candidates.resize(m_stride);
        std::iota(m_candidates.begin(), m_candidates.end(), 0);
        m_tries = std::clamp(int(std::ceil(options.featureFraction * double(m_stride))), 1,
                             int(m_stride));
    }

    Tree grow(std::vector<int> &sample) {
        m_tree.clear();
        int *begin = sample.data(), *end = begin + sample.size();
        Bin *root = buffer(0, 0);
        count(begin, end, root);
        grow(begin, end, 0, root);
        return std::move(m_tree);
    }

private:
    Bin *buffer(int depth, int side) {
        return m_buffers.data() + std::size_t((2 * depth + side) * m_histSize);
    }

    bool splits(int depth, int n) const {
        return depth < m_options.maxDepth && n >= 2 * m_options.minLeaf;
    }

    /// The histogram of the rows [begin, end) into `hist`.
    void count(const int *begin, const int *end, Bin *hist) const {
        std::fill_n(hist, m_histSize, Bin{});
        // Row by row: one row's bins share a cache line, and the histograms fit in L2.
        for (const int *r = begin; r != end; ++r) {
            const std::uint8_t *bins = m_data.bins.data() + std::size_t(*r) * m_stride;
            const double y = m_data.y[std::size_t(*r)];
            for (std::size_t f = 0; f < m_stride; ++f) {
                Bin &b = hist[m_offset[f] + bins[f]];
                b.sum += y;
                ++b.count;
            }
        }
    }

    /// `hist` is the node's histogram, filled by the caller.
    int grow(int *begin, int *end, int depth, const Bin *hist) {
        const int n = int(end - begin);
        double sum = 0;
        for (const int *r = begin; r != end; ++r)
            sum += m_data.y[std::size_t(*r)];
        const int index = int(m_tree.size());
        m_tree.push_back(Node{});
        m_tree.back().value = sum / n;
        if (!splits(depth, n)) return index;
        const Split split = bestSplit(hist, n, sum);
        if (split.feature < 0) return index;

        Node node;
        node.feature = split.feature;
        node.mask = maskOf(split, hist);
        node.value = sum / n;
        int *middle = std::partition(begin, end, [&](int r) {
            return node.goesLeft(
                m_data.bins[std::size_t(r) * m_stride + std::size_t(node.feature)]);
        });
        Bin *left = buffer(depth + 1, 0), *right = buffer(depth + 1, 1);
        const int nLeft = int(middle - begin), nRight = n - nLeft;
        const bool needLeft = splits(depth + 1, nLeft), needRight = splits(depth + 1, nRight);
        if (needLeft || needRight) {
            const bool leftSmaller = nLeft <= nRight;
            Bin *small = leftSmaller ? left : right, *large = leftSmaller ? right : left;
            count(leftSmaller ? begin : middle, leftSmaller ? middle : end, small);
            if (leftSmaller ? needRight : needLeft)
                for (int b = 0; b < m_histSize; ++b)
                    large[b] = Bin{hist[b].sum - small[b].sum, hist[b].count - small[b].count};
        }
        node.left = grow(begin, middle, depth + 1, left);
        node.right = grow(middle, end, depth + 1, right);
        m_tree[std::size_t(index)] = node;
        return index;
    }

    Split bestSplit(const Bin *hist, int n, double sum) {
        if (m_tries < int(m_stride)) { // a fresh random subset of the features for this node
            for (int i = 0; i < m_tries; ++i)
                std::swap(m_candidates[std::size_t(i)],
                          m_candidates[std::size_t(i + below(m_rng, int(m_stride) - i))]);
            std::sort(m_candidates.begin(), m_candidates.begin() + m_tries);
        }
        Split best;
        // A split must beat "no split" by more than rounding: y is standardised, so the
        // node's sum of squares is of the order of n.
        best.gain = 1e-12 * n;
        const double parent = sum * sum / n;
        for (int i = 0; i < m_tries; ++i) {
            const int f = m_candidates[std::size_t(i)];
            const Bin *h = hist + m_offset[std::size_t(f)];
            if (m_data.features[std::size_t(f)].categorical)
                scanCategorical(f, h, n, sum, parent, best);
            else
                scanOrdered(f, h, n, sum, parent, best);
        }
        return best;
    }

    /// Offers a split with `nLeft` rows summing to `sumLeft` on the left; kept when it is the
    /// best so far (the first of equal ones stays).
    void offer(int nLeft, double sumLeft, int n, double sum, double parent, Split &best,
               const Split &candidate) const {
        const int nRight = n - nLeft;
        if (nLeft < m_options.minLeaf || nRight < m_options.minLeaf) return;
        const double sumRight = sum - sumLeft;
        const double gain = sumLeft * sumLeft / nLeft + sumRight * sumRight / nRight - parent;
        if (!(gain > best.gain)) return;
        best = candidate;
        best.gain = gain;
    }

    void scanOrdered(int f, const Bin *hist, int n, double sum, double parent, Split &best) const {
        const BinnedData::Feature &feature = m_data.features[std::size_t(f)];
        const int ordered = feature.noneBin >= 0 ? feature.bins - 1 : feature.bins;
        const Bin none = feature.noneBin >= 0 ? hist[feature.noneBin] : Bin{};
        for (int noneLeft = 0; noneLeft < (none.count > 0 ? 2 : 1); ++noneLeft) {
            double sumLeft = noneLeft ? none.sum : 0;
            int nLeft = noneLeft ? none.count : 0;
            Split candidate{f, 0, -1, bool(noneLeft), 0};
            if (noneLeft) offer(nLeft, sumLeft, n, sum, parent, best, candidate);
            for (int t = 0; t < ordered; ++t) {
                if (hist[t].count == 0) continue; // the same split as the bin before
                sumLeft += hist[t].sum;
                nLeft += hist[t].count;
                candidate.threshold = t;
                offer(nLeft, sumLeft, n, sum, parent, best, candidate);
            }
        }
    }

    /// The categories present in the node, by mean target (ties by bin).
    std::vector<int> categoriesByMean(int f, const Bin *hist) const {
        std::vector<int> order;
        for (int b = 0; b < m_data.features[std::size_t(f)].bins; ++b)
            if (hist[b].count > 0) order.push_back(b);
        std::sort(order.begin(), order.end(), [hist](int a, int b) {
            const double ma = hist[a].sum / hist[a].count, mb = hist[b].sum / hist[b].count;
            return ma < mb || (ma == mb && a < b);
        });
        return order;
    }

    void scanCategorical(int f, const Bin *hist, int n, double sum, double parent,
                         Split &best) const {
        const std::vector<int> order = categoriesByMean(f, hist);
        double sumLeft = 0;
        int nLeft = 0;
        for (std::size_t k = 0; k + 1 < order.size(); ++k) {
            sumLeft += hist[order[k]].sum;
            nLeft += hist[order[k]].count;
            offer(nLeft, sumLeft, n, sum, parent, best, Split{f, 0, -1, false, int(k + 1)});
        }
    }

    /// The bins that go left. Bins not seen in the node go right when categorical, and by
    /// their place in the order when ordered.
    std::array<quint64, 4> maskOf(const Split &split, const Bin *hist) const {
        Node node;
        const BinnedData::Feature &feature = m_data.features[std::size_t(split.feature)];
        if (feature.categorical) {
            const std::vector<int> order =
                categoriesByMean(split.feature, hist + m_offset[std::size_t(split.feature)]);
            for (int k = 0; k < split.categoriesLeft; ++k)
                node.setLeft(unsigned(order[std::size_t(k)]));
        } else {
            for (int b = 0; b <= split.threshold; ++b)
                node.setLeft(unsigned(b));
            if (split.noneLeft) node.setLeft(unsigned(feature.noneBin));
        }
        return node.mask;
    }

    const BinnedData &m_data;
    const ForestOptions &m_options;
    std::mt19937 &m_rng;
    std::size_t m_stride;      ///< features per row
    std::vector<int> m_offset; ///< per feature: its first bin in a histogram
    int m_histSize = 0;
    std::vector<Bin> m_buffers; ///< histograms, two per level
    std::vector<int> m_candidates;
    int m_tries = 1;
    Tree m_tree;
};

/// A row's prediction from `node` down; `feature` (when >= 0) read as `bin` instead of the
/// row's own.
double predict(const Tree &tree, const BinnedData &data, int row, int node = 0, int feature = -1,
               std::uint8_t bin = 0) {
    const std::uint8_t *bins = data.bins.data() + std::size_t(row) * data.features.size();
    const Node *n = &tree[std::size_t(node)];
    while (n->feature >= 0) {
        const std::uint8_t b = n->feature == feature ? bin : bins[n->feature];
        n = &tree[std::size_t(n->goesLeft(b) ? n->left : n->right)];
    }
    return n->value;
}

/// One tree's share of the result: its out-of-bag rows with their predictions, and the rise of
/// its out-of-bag squared error when each feature is shuffled.
struct TreeResult {
    std::vector<int> oob;
    std::vector<double> prediction;
    std::vector<double> mseIncrease;
    bool cancelled = false;
};

TreeResult growAndScore(const BinnedData &data, const ForestOptions &options, int treeIndex) {
    TreeResult out;
    if (options.cancelled && options.cancelled()) {
        out.cancelled = true;
        return out;
    }
    std::seed_seq seq{options.seed, quint32(treeIndex), 0x52554eu};
    std::mt19937 rng(seq);
    const int n = data.rows;
    const int draws = std::max(1, int(std::lround(options.sampleFraction * n)));
    std::vector<int> sample(std::size_t(draws), 0);
    std::vector<char> inBag(std::size_t(n), 0);
    for (int &r : sample) {
        r = below(rng, n);
        inBag[std::size_t(r)] = 1;
    }
    const Tree tree = TreeGrower(data, options, rng).grow(sample);

    for (int r = 0; r < n; ++r)
        if (!inBag[std::size_t(r)]) out.oob.push_back(r);
    const std::size_t features = data.features.size();
    out.mseIncrease.assign(features, 0.0);
    if (out.oob.empty()) return out;
    // The rows that pass each split node (positions in `oob`), node by node: shuffling a
    // feature can only change the rows that meet a node splitting on it, and those only from
    // the first such node on their path down.
    // visits[v] .. visits[v + 1]: where node v's visitors begin and end in `visitor`.
    std::vector<int> visits(tree.size() + 1, 0);
    for (int r : out.oob) {
        const Node *node = &tree[0];
        for (int v = 0; node->feature >= 0;) {
            ++visits[std::size_t(v)];
            v = node->goesLeft(data.bin(r, node->feature)) ? node->left : node->right;
            node = &tree[std::size_t(v)];
        }
        out.prediction.push_back(node->value);
    }
    for (std::size_t v = 1; v < visits.size(); ++v) // counts to ends
        visits[v] += visits[v - 1];
    std::vector<int> visitor(std::size_t(visits.back()));
    for (int i = int(out.oob.size()) - 1; i >= 0; --i) { // ends back to starts
        const Node *node = &tree[0];
        for (int v = 0; node->feature >= 0;) {
            visitor[std::size_t(--visits[std::size_t(v)])] = i;
            v = node->goesLeft(data.bin(out.oob[std::size_t(i)], node->feature)) ? node->left
                                                                                 : node->right;
            node = &tree[std::size_t(v)];
        }
    }
    std::vector<std::vector<int>> nodesOf(features); // split nodes by feature, in tree order
    for (std::size_t v = 0; v < tree.size(); ++v)
        if (tree[v].feature >= 0) nodesOf[std::size_t(tree[v].feature)].push_back(int(v));
    // The shuffled values only matter at the rows that meet a node on the feature, so they
    // are drawn for those rows alone, without replacement from the out-of-bag values: the
    // same law as a full shuffle at a fraction of the draws.
    std::vector<std::uint8_t> pool(out.oob.size());
    std::vector<std::size_t> stamp(out.oob.size()); // 1 + the feature last shuffled for a row
    const int q = int(out.oob.size());
    for (std::size_t f = 0; f < features; ++f) {
        if (nodesOf[f].empty()) continue; // a tree that never asks for the feature cannot miss it
        for (int i = 0; i < q; ++i)
            pool[std::size_t(i)] = data.bin(out.oob[std::size_t(i)], int(f));
        int drawn = 0;
        double change = 0;
        // Nodes come parent before child, so a row is first met at its topmost node on f.
        for (int v : nodesOf[f])
            for (int k = visits[std::size_t(v)]; k < visits[std::size_t(v) + 1]; ++k) {
                const int i = visitor[std::size_t(k)];
                if (stamp[std::size_t(i)] == f + 1) continue;
                stamp[std::size_t(i)] = f + 1;
                std::swap(pool[std::size_t(drawn)],
                          pool[std::size_t(drawn + below(rng, q - drawn))]);
                const std::uint8_t bin = pool[std::size_t(drawn++)];
                const int r = out.oob[std::size_t(i)];
                const double y = data.y[std::size_t(r)];
                const double p = predict(tree, data, r, v, int(f), bin);
                const double p0 = out.prediction[std::size_t(i)];
                change += (y - p) * (y - p) - (y - p0) * (y - p0);
            }
        out.mseIncrease[f] = change / double(out.oob.size());
    }
    return out;
}

} // namespace

ForestResult fitForest(const BinnedData &data, const ForestOptions &options) {
    ForestResult result;
    result.mseIncrease.assign(data.features.size(), 0.0);
    result.r2 = std::nan("");
    if (data.rows < 2 || data.features.empty()) return result;

    // The target standardised: gains are then free of cancellation for metrics far from zero,
    // and a rise in squared error reads directly as a share of the variance.
    const int n = data.rows;
    double mean = 0;
    for (double y : data.y)
        mean += y;
    mean /= n;
    double sst = 0;
    for (double y : data.y)
        sst += (y - mean) * (y - mean);
    const double sd = std::sqrt(sst / n);
    if (!(sd > 0) || !std::isfinite(sd)) return result;
    BinnedData scaled = data;
    for (double &y : scaled.y)
        y = (y - mean) / sd;

    ForestOptions o = options;
    o.trees = std::max(1, o.trees);
    o.maxDepth = std::clamp(o.maxDepth, 1, 40);
    o.minLeaf = std::max(1, o.minLeaf);
    o.sampleFraction = o.sampleFraction > 0 && o.sampleFraction <= 1 ? o.sampleFraction : 1.0;
    o.featureFraction = o.featureFraction > 0 && o.featureFraction <= 1 ? o.featureFraction : 1.0;

    QList<int> trees(o.trees);
    std::iota(trees.begin(), trees.end(), 0);
    const auto one = [&scaled, &o](int t) { return growAndScore(scaled, o, t); };
    QList<TreeResult> grown;
    if (o.parallel && o.trees > 1) {
        grown = QtConcurrent::blockingMapped(trees, one);
    } else {
        for (int t : trees)
            grown.append(one(t));
    }

    std::vector<double> predictionSum(std::size_t(n), 0.0);
    std::vector<int> predictionCount(std::size_t(n), 0);
    for (const TreeResult &tree : grown) { // in tree order, so sums do not depend on threads
        if (tree.cancelled) {
            result.cancelled = true;
            return result;
        }
        for (std::size_t i = 0; i < tree.oob.size(); ++i) {
            predictionSum[std::size_t(tree.oob[i])] += tree.prediction[i];
            ++predictionCount[std::size_t(tree.oob[i])];
        }
        for (std::size_t f = 0; f < tree.mseIncrease.size(); ++f)
            result.mseIncrease[f] += tree.mseIncrease[f] / double(grown.size());
    }
    double oobMean = 0;
    for (int r = 0; r < n; ++r)
        if (predictionCount[std::size_t(r)] > 0) {
            oobMean += scaled.y[std::size_t(r)];
            ++result.oobRows;
        }
    if (result.oobRows < 2) return result;
    oobMean /= result.oobRows;
    double sse = 0, oobSst = 0;
    for (int r = 0; r < n; ++r) {
        if (predictionCount[std::size_t(r)] == 0) continue;
        const double y = scaled.y[std::size_t(r)];
        const double p = predictionSum[std::size_t(r)] / predictionCount[std::size_t(r)];
        sse += (y - p) * (y - p);
        oobSst += (y - oobMean) * (y - oobMean);
    }
    if (oobSst > 0) result.r2 = 1.0 - sse / oobSst;
    return result;
}

} // namespace runlens
