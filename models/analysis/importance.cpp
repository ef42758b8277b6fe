#include "importance.h"

#include "forest.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <unordered_map>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMinRuns = 10;
constexpr int kMaxOrderedBins = 255; ///< plus one bin for runs without a number
constexpr int kMaxCategories = 256;

/// A cell's identity as Value's operator== sees it (1 == 1.0, NaN == NaN, strings by text),
/// as a tag and a payload that can be hashed.
struct CellKey {
    int tag = 0;
    quint64 payload = 0;
    friend bool operator==(const CellKey &a, const CellKey &b) {
        return a.tag == b.tag && a.payload == b.payload;
    }
};

struct CellKeyHash {
    std::size_t operator()(const CellKey &k) const {
        return std::size_t((k.payload ^ quint64(k.tag) << 56) * 0x9E3779B97F4A7C15ull >> 7);
    }
};

quint64 bitsOf(double d) {
    if (std::isnan(d)) d = std::nan("");
    if (d == 0) d = 0; // -0 == 0
    quint64 bits;
    std::memcpy(&bits, &d, sizeof bits);
    return bits;
}

CellKey cellKey(const RunTable::CellRef &c) {
    using T = Value::Type;
    switch (c.type) {
    case T::Int:
        if (c.big) return {8, c.textId}; // exact text, as operator== compares big integers
        // Integers a double holds exactly share a key with the equal real.
        if (c.i >= -(qint64(1) << 53) && c.i <= (qint64(1) << 53)) return {3, bitsOf(double(c.i))};
        return {9, quint64(c.i)};
    case T::Real:
        return {3, bitsOf(c.d)};
    case T::Bool:
        return {2, quint64(c.i)};
    case T::String:
    case T::List:
    case T::Object:
        return {int(c.type), c.textId};
    default:
        return {int(c.type), 0}; // missing, null
    }
}

double numberOf(const RunTable::CellRef &c) {
    using T = Value::Type;
    switch (c.type) {
    case T::Int:
        return c.big ? c.d : double(c.i);
    case T::Real:
        return c.d;
    case T::Bool:
        return double(c.i);
    default:
        return std::nan("");
    }
}

/// One key's cells over the runs with a metric value (one entry per such run).
struct KeyCells {
    bool categorical = false;
    bool constant = true;
    int present = 0;
    std::vector<double> number; ///< numeric keys: the number, NaN for missing, null and NaN
    std::vector<int> category;  ///< categorical keys: category codes by first appearance
    int categories = 0;
};

KeyCells readKey(const RunTable &table, int column, const std::vector<int> &runs) {
    KeyCells out;
    std::vector<RunTable::CellRef> cells;
    cells.reserve(runs.size());
    bool hasNumber = false, hasOther = false;
    for (int r : runs) {
        cells.push_back(table.cellRef(r, column));
        const Value::Type t = cells.back().type;
        if (t == Value::Type::Missing) continue;
        ++out.present;
        if (t == Value::Type::Int || t == Value::Type::Real || t == Value::Type::Bool)
            hasNumber = true;
        else if (t != Value::Type::Null)
            hasOther = true;
    }
    if (!cells.empty()) {
        const CellKey first = cellKey(cells.front());
        for (const RunTable::CellRef &c : cells)
            if (!(cellKey(c) == first)) {
                out.constant = false;
                break;
            }
    }
    out.categorical = hasOther || !hasNumber;
    if (!out.categorical) {
        out.number.reserve(cells.size());
        for (const RunTable::CellRef &c : cells)
            out.number.push_back(numberOf(c));
        return out;
    }
    std::unordered_map<CellKey, int, CellKeyHash> codes;
    out.category.reserve(cells.size());
    for (const RunTable::CellRef &c : cells)
        out.category.push_back(codes.try_emplace(cellKey(c), int(codes.size())).first->second);
    out.categories = int(codes.size());
    return out;
}

/// Ranks from 1, ties sharing their average rank.
std::vector<double> averageRanks(const std::vector<double> &v) {
    std::vector<int> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&v](int a, int b) {
        return v[std::size_t(a)] < v[std::size_t(b)] ||
               (v[std::size_t(a)] == v[std::size_t(b)] && a < b);
    });
    std::vector<double> ranks(v.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && v[std::size_t(order[j + 1])] == v[std::size_t(order[i])])
            ++j;
        const double rank = (double(i) + double(j)) / 2 + 1;
        for (std::size_t k = i; k <= j; ++k)
            ranks[std::size_t(order[k])] = rank;
        i = j + 1;
    }
    return ranks;
}

double pearson(const std::vector<double> &x, const std::vector<double> &y) {
    const double n = double(x.size());
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
    const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0) : std::nan("");
}

/// Spearman's rho over the runs where the key is a number; `yRanks` are the metric's ranks
/// over all runs, which serve when the key is a number in every run.
double spearman(const std::vector<double> &x, const std::vector<double> &y,
                const std::vector<double> &yRanks) {
    std::vector<double> xs, ys;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isnan(x[i])) {
            xs.push_back(x[i]);
            ys.push_back(y[i]);
        }
    if (xs.size() < 3) return std::nan("");
    return pearson(averageRanks(xs), xs.size() == y.size() ? yRanks : averageRanks(ys));
}

double correlationRatio(const KeyCells &key, const std::vector<double> &y) {
    std::vector<double> sum(std::size_t(key.categories), 0.0);
    std::vector<int> count(std::size_t(key.categories), 0);
    double mean = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        sum[std::size_t(key.category[i])] += y[i];
        ++count[std::size_t(key.category[i])];
        mean += y[i];
    }
    mean /= double(y.size());
    double total = 0, between = 0;
    for (double v : y)
        total += (v - mean) * (v - mean);
    for (std::size_t c = 0; c < sum.size(); ++c)
        if (count[c] > 0) {
            const double d = sum[c] / count[c] - mean;
            between += count[c] * d * d;
        }
    return total > 0 ? std::sqrt(std::clamp(between / total, 0.0, 1.0)) : std::nan("");
}

/// Bins a numeric key over the fitted runs (`fitted`: positions in the key's cells): each
/// distinct number its own bin, or quantile bins above kMaxOrderedBins; runs without a number
/// in the last bin.
BinnedData::Feature binOrdered(const KeyCells &key, const std::vector<int> &fitted,
                               std::vector<std::uint8_t> &bins) {
    std::vector<double> values;
    values.reserve(fitted.size());
    for (int p : fitted)
        if (!std::isnan(key.number[std::size_t(p)])) values.push_back(key.number[std::size_t(p)]);
    std::sort(values.begin(), values.end());
    std::vector<double> edges = values;
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    if (edges.size() > std::size_t(kMaxOrderedBins)) { // a bin ends at every 255th quantile
        edges.clear();
        for (std::size_t k = 1; k <= std::size_t(kMaxOrderedBins); ++k)
            edges.push_back(values[k * values.size() / kMaxOrderedBins - 1]);
        edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    }
    BinnedData::Feature feature;
    feature.bins = int(edges.size());
    if (values.size() < fitted.size()) feature.noneBin = feature.bins++;
    bins.resize(fitted.size());
    for (std::size_t i = 0; i < fitted.size(); ++i) {
        const double x = key.number[std::size_t(fitted[i])];
        bins[i] = std::uint8_t(std::isnan(x) ? feature.noneBin
                                             : std::lower_bound(edges.begin(), edges.end(), x) -
                                                   edges.begin());
    }
    return feature;
}

/// Bins a categorical key over the fitted runs: a bin per category, or above kMaxCategories
/// the most frequent ones their own and the rest one shared bin.
BinnedData::Feature binCategorical(const KeyCells &key, const std::vector<int> &fitted,
                                   std::vector<std::uint8_t> &bins) {
    std::vector<int> count(std::size_t(key.categories), 0);
    for (int p : fitted)
        ++count[std::size_t(key.category[std::size_t(p)])];
    std::vector<int> present;
    for (int c = 0; c < key.categories; ++c)
        if (count[std::size_t(c)] > 0) present.push_back(c);
    std::vector<int> binOf(std::size_t(key.categories), kMaxCategories - 1);
    if (present.size() > std::size_t(kMaxCategories)) {
        std::stable_sort(present.begin(), present.end(), [&count](int a, int b) {
            return count[std::size_t(a)] > count[std::size_t(b)];
        });
        present.resize(kMaxCategories - 1);
    }
    for (std::size_t b = 0; b < present.size(); ++b)
        binOf[std::size_t(present[b])] = int(b);
    BinnedData::Feature feature;
    feature.categorical = true;
    feature.bins = std::min(key.categories, kMaxCategories);
    bins.resize(fitted.size());
    for (std::size_t i = 0; i < fitted.size(); ++i)
        bins[i] = std::uint8_t(binOf[std::size_t(key.category[std::size_t(fitted[i])])]);
    return feature;
}

/// Positions 0..n-1, or `keep` of them drawn at random from `seed`, in ascending order.
std::vector<int> subsample(int n, int keep, quint32 seed) {
    std::vector<int> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    if (keep >= n) return all;
    std::mt19937 rng(seed);
    for (int i = 0; i < keep; ++i) { // partial Fisher-Yates, one draw per kept run
        const int j = i + int((std::uint64_t(rng()) * std::uint64_t(n - i)) >> 32);
        std::swap(all[std::size_t(i)], all[std::size_t(j)]);
    }
    all.resize(std::size_t(keep));
    std::sort(all.begin(), all.end());
    return all;
}

void sortKeys(std::vector<KeyImportance> &keys) {
    const auto strength = [](const KeyImportance &k) {
        const double s = k.categorical ? k.eta : std::abs(k.correlation);
        return std::isnan(s) ? -1.0 : s;
    };
    std::stable_sort(keys.begin(), keys.end(), [&](const KeyImportance &a, const KeyImportance &b) {
        if (std::isnan(a.importance) != std::isnan(b.importance)) return std::isnan(b.importance);
        if (a.importance != b.importance) return a.importance > b.importance;
        if (strength(a) != strength(b)) return strength(a) > strength(b);
        return a.column < b.column;
    });
}

bool varies(const RunTable &table, int column, const std::vector<int> &runs) {
    if (runs.empty() || table.valueCount(column) == 0) return false;
    const CellKey first = cellKey(table.cellRef(runs.front(), column));
    for (int r : runs)
        if (!(cellKey(table.cellRef(r, column)) == first)) return true;
    return false;
}

} // namespace

ImportanceResult parameterImportance(const RunTable &table, const std::vector<int> &rows,
                                     int metricColumn, const std::vector<int> &configColumns,
                                     const ImportanceOptions &options) {
    ImportanceResult result;
    result.metricColumn = metricColumn;
    if (metricColumn < 0 || metricColumn >= table.columnCount()) {
        result.note = u"no such metric column"_s;
        return result;
    }
    const QString metric = table.column(metricColumn).display;

    std::vector<int> runs; // table rows with a usable metric value
    std::vector<double> y;
    for (int r : rows) {
        if (r < 0 || r >= table.rowCount()) continue;
        const RunTable::CellRef c = table.cellRef(r, metricColumn);
        const double v = numberOf(c);
        if (!std::isfinite(v)) continue;
        runs.push_back(r);
        y.push_back(v);
    }
    result.rows = int(runs.size());

    std::vector<int> columns;
    std::vector<char> seen(std::size_t(table.columnCount()), 0);
    if (configColumns.empty()) {
        for (int c = 0; c < table.columnCount(); ++c)
            if (table.column(c).family == Family::Config && c != metricColumn &&
                varies(table, c, runs))
                columns.push_back(c);
    } else {
        for (int c : configColumns)
            if (c >= 0 && c < table.columnCount() && c != metricColumn && !seen[std::size_t(c)]) {
                seen[std::size_t(c)] = 1;
                columns.push_back(c);
            }
    }

    QStringList notes;
    const bool enough = result.rows >= kMinRuns;
    const bool metricVaries =
        std::any_of(y.begin(), y.end(), [&y](double v) { return v != y.front(); });
    const bool fit = enough && metricVaries;
    if (!enough)
        notes
            << u"too few runs with a value of %1 to estimate importance: %2 (at least %3 needed)"_s
                   .arg(metric)
                   .arg(result.rows)
                   .arg(kMinRuns);
    else if (!metricVaries)
        notes << u"%1 is the same in every run"_s.arg(metric);
    const std::vector<double> yRanks = averageRanks(y);
    std::vector<KeyCells> cells;    // of the keys the forest sees
    std::vector<std::size_t> keyOf; // their entries in result.keys
    int scarce = 0;
    for (int c : columns) {
        KeyImportance k;
        k.column = c;
        k.key = table.column(c).display;
        KeyCells key = readKey(table, c, runs);
        k.categorical = key.categorical;
        k.runs = key.present;
        if (key.present < 2) {
            k.note =
                key.present == 0 ? u"in no run with a value of the metric"_s : u"in one run only"_s;
            ++scarce;
        } else if (key.constant) {
            k.importance = k.mseIncrease = 0;
            k.note = u"constant"_s;
        } else {
            if (key.categorical)
                k.eta = correlationRatio(key, y);
            else
                k.correlation = spearman(key.number, y, yRanks);
            if (fit) {
                keyOf.push_back(result.keys.size());
                cells.push_back(std::move(key));
            }
        }
        result.keys.push_back(std::move(k));
    }
    if (scarce > 0) notes << u"%1 key(s) in fewer than two runs left out"_s.arg(scarce);
    if (fit && cells.empty()) notes << u"no config key varies among these runs"_s;

    if (fit && !cells.empty()) {
        const std::vector<int> fitted =
            subsample(result.rows, std::max(options.maxRows, kMinRuns), options.seed);
        result.fittedRows = int(fitted.size());
        BinnedData data;
        data.rows = result.fittedRows;
        const std::size_t stride = cells.size();
        data.bins.resize(fitted.size() * stride);
        std::vector<std::uint8_t> column;
        for (std::size_t f = 0; f < stride; ++f) {
            data.features.push_back(cells[f].categorical ? binCategorical(cells[f], fitted, column)
                                                         : binOrdered(cells[f], fitted, column));
            for (std::size_t i = 0; i < fitted.size(); ++i)
                data.bins[i * stride + f] = column[i];
        }
        for (int p : fitted)
            data.y.push_back(y[std::size_t(p)]);
        if (result.fittedRows < result.rows)
            notes << u"fitted on a random %1 of the %2 runs"_s.arg(result.fittedRows)
                         .arg(result.rows);

        const ForestOptions forestOptions{
            options.trees,           options.maxDepth, options.minLeaf,  options.sampleFraction,
            options.featureFraction, options.seed,     options.parallel, options.cancelled};
        const ForestResult forest = fitForest(data, forestOptions);
        if (forest.cancelled) {
            notes << u"cancelled"_s;
        } else {
            result.r2 = forest.r2;
            double total = 0;
            for (double d : forest.mseIncrease)
                total += std::max(d, 0.0);
            for (std::size_t f = 0; f < keyOf.size(); ++f) {
                KeyImportance &k = result.keys[keyOf[f]];
                k.mseIncrease = forest.mseIncrease[f];
                k.importance = total > 0 ? std::max(k.mseIncrease, 0.0) / total : 0.0;
            }
            if (!(result.r2 > 0))
                notes
                    << u"the keys do not predict %1 (out-of-bag R² %2): the importances are noise"_s
                           .arg(metric)
                           .arg(result.r2, 0, 'f', 2);
        }
    }
    sortKeys(result.keys);
    result.note = notes.join(u"; "_s);
    return result;
}

} // namespace runlens
