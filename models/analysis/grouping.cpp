#include "grouping.h"

#include "tableview.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Neumaier's variant of Kahan summation: exact to about one rounding of the result, whatever
/// the order and magnitudes of the terms. Only for finite terms; callers handle infinities.
class CompensatedSum {
public:
    void add(double x) {
        const double t = m_sum + x;
        m_compensation += std::abs(m_sum) >= std::abs(x) ? (m_sum - t) + x : (x - t) + m_sum;
        m_sum = t;
    }
    double value() const { return m_sum + m_compensation; }

private:
    double m_sum = 0, m_compensation = 0;
};

/// Integers beyond 2^53 do not survive the trip to a double, so distinct counts must compare
/// their Values instead of the doubles.
bool exactAsDouble(const Value &v) {
    if (v.type() != Value::Type::Int) return true;
    constexpr qint64 kExact = qint64(1) << 53;
    return !v.isBigInteger() && v.toInt() >= -kExact && v.toInt() <= kExact;
}

/// Number of distinct values in `values` (Value::compare equal = same).
int countDistinct(std::vector<Value> &values) {
    // Stable: mixing huge ints and reals can make Value::compare slightly intransitive.
    std::stable_sort(values.begin(), values.end(),
                     [](const Value &a, const Value &b) { return Value::compare(a, b) < 0; });
    int distinct = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (i == 0 || Value::compare(values[i - 1], values[i]) != 0) ++distinct;
    return distinct;
}

/// Mean, std, sem, median, min and max of sorted, NaN-free numbers; infinities included as
/// IEEE arithmetic has them (the mean of {inf, 1} is inf, of {inf, -inf} NaN; the std of a set
/// with an infinity is NaN, as pandas gives it).
void fillStatistics(ColumnSummary &s, const std::vector<double> &sorted) {
    const std::size_t n = sorted.size();
    if (n == 0) {
        s.mean = s.std = s.sem = s.median = s.min = s.max = kNaN;
        return;
    }
    s.min = sorted.front();
    s.max = sorted.back();
    const std::size_t mid = n / 2;
    s.median = n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    const bool finite = std::isfinite(s.min) && std::isfinite(s.max);
    if (!finite) {
        double sum = 0;
        for (double x : sorted)
            sum += x;
        s.mean = sum / double(n);
        s.std = s.sem = kNaN;
        return;
    }
    CompensatedSum sum;
    for (double x : sorted)
        sum.add(x);
    s.mean = sum.value() / double(n);
    if (n < 2) {
        s.std = s.sem = kNaN;
        return;
    }
    // Two passes with the correction term of Chan, Golub and LeVeque: the sum of the
    // deviations, zero in exact arithmetic, takes out the rounding error left in the mean.
    CompensatedSum squares, deviations;
    for (double x : sorted) {
        const double d = x - s.mean;
        squares.add(d * d);
        deviations.add(d);
    }
    const double c = deviations.value();
    const double variance = std::max(0.0, (squares.value() - c * c / double(n)) / double(n - 1));
    s.std = std::sqrt(variance);
    s.sem = s.std / std::sqrt(double(n));
}

/// The last segment of a key in lower case, split into words at `_ - / . space` and at
/// lower-to-upper case changes (`valLoss` -> val, loss).
QStringList lastSegmentWords(const Key &key) {
    if (key.isEmpty()) return {};
    const QString segment = key.segments().last();
    QStringList words;
    QString word;
    for (qsizetype i = 0; i < segment.size(); ++i) {
        const QChar ch = segment[i];
        if (!ch.isLetterOrNumber()) {
            if (!word.isEmpty()) words << word;
            word.clear();
            continue;
        }
        if (ch.isUpper() && i > 0 && segment[i - 1].isLower() && !word.isEmpty()) {
            words << word;
            word.clear();
        }
        word += ch.toLower();
    }
    if (!word.isEmpty()) words << word;
    return words;
}

/// What groupRuns() splits: the rows sorted by all keys, each key's values in that order, and
/// each row's place in the caller's order (a group of several levels lists its members so).
struct SortedRows {
    std::vector<int> rows;
    std::vector<std::vector<Value>> values;
    std::vector<int> place; ///< by table row
};

void splitGroups(const SortedRows &sorted, std::size_t begin, std::size_t end, std::size_t level,
                 const std::vector<int> &keyColumns, std::vector<GroupNode> &out) {
    const std::vector<Value> &v = sorted.values[level];
    std::size_t first = begin;
    while (first < end) {
        std::size_t last = first + 1;
        while (last < end && Value::compare(v[first], v[last]) == 0)
            ++last;
        GroupNode node;
        node.keyColumn = keyColumns[level];
        node.value = v[first];
        node.rows.assign(sorted.rows.begin() + std::ptrdiff_t(first),
                         sorted.rows.begin() + std::ptrdiff_t(last));
        if (level + 1 < keyColumns.size()) {
            splitGroups(sorted, first, last, level + 1, keyColumns, node.children);
            // Sorted by the keys below, the members are back in the caller's order only at
            // the last level (the sort is stable); restore it here.
            std::sort(node.rows.begin(), node.rows.end(), [&](int a, int b) {
                return sorted.place[std::size_t(a)] < sorted.place[std::size_t(b)];
            });
        }
        out.push_back(std::move(node));
        first = last;
    }
}

void flattenInto(const std::vector<GroupNode> &nodes, std::vector<Value> &path,
                 std::vector<FlatGroup> &out) {
    for (const GroupNode &node : nodes) {
        path.push_back(node.value);
        if (node.children.empty())
            out.push_back(FlatGroup{path, node.rows});
        else
            flattenInto(node.children, path, out);
        path.pop_back();
    }
}

} // namespace

QString aggregateName(Aggregate a) {
    switch (a) {
    case Aggregate::Count:
        return u"count"_s;
    case Aggregate::Mean:
        return u"mean"_s;
    case Aggregate::Std:
        return u"std"_s;
    case Aggregate::Sem:
        return u"sem"_s;
    case Aggregate::Median:
        return u"median"_s;
    case Aggregate::Min:
        return u"min"_s;
    case Aggregate::Max:
        return u"max"_s;
    }
    return {};
}

std::optional<Aggregate> aggregateFromName(const QString &name) {
    const QString n = name.trimmed().toLower();
    for (Aggregate a : allAggregates())
        if (aggregateName(a) == n) return a;
    return std::nullopt;
}

const std::vector<Aggregate> &allAggregates() {
    static const std::vector<Aggregate> all = {Aggregate::Count, Aggregate::Mean,   Aggregate::Std,
                                               Aggregate::Sem,   Aggregate::Median, Aggregate::Min,
                                               Aggregate::Max};
    return all;
}

Direction guessDirection(const Key &key) {
    static const QStringList lower = {
        u"loss"_s, u"losses"_s, u"error"_s,      u"errors"_s,   u"err"_s,      u"perplexity"_s,
        u"ppl"_s,  u"time"_s,   u"runtime"_s,    u"duration"_s, u"latency"_s,  u"seconds"_s,
        u"secs"_s, u"mse"_s,    u"mae"_s,        u"rmse"_s,     u"mape"_s,     u"wer"_s,
        u"cer"_s,  u"fid"_s,    u"nll"_s,        u"bpd"_s,      u"bpc"_s,      u"regret"_s,
        u"cost"_s, u"memory"_s, u"divergence"_s, u"kl"_s,       u"distance"_s, u"energy"_s};
    for (const QString &word : lastSegmentWords(key)) {
        if (lower.contains(word) || word.endsWith(u"loss"_s) || word.endsWith(u"error"_s))
            return Direction::Lower;
    }
    return Direction::Higher;
}

Direction guessDirection(const ColumnInfo &column) {
    if (const auto higher = directionInDescription(column.description))
        return *higher ? Direction::Higher : Direction::Lower;
    return guessDirection(column.key);
}

bool looksLikeRepetitionKey(const Key &key) {
    static const QStringList words = {u"seed"_s,       u"seeds"_s,     u"rep"_s,   u"repeat"_s,
                                      u"repetition"_s, u"replicate"_s, u"trial"_s, u"fold"_s};
    static const QStringList whole = {u"random_state"_s, u"run_index"_s, u"run_idx"_s, u"rng"_s,
                                      u"randomstate"_s};
    if (key.isEmpty()) return false;
    if (whole.contains(key.segments().last().toLower())) return true;
    const QStringList w = lastSegmentWords(key);
    return std::any_of(w.begin(), w.end(), [](const QString &x) { return words.contains(x); });
}

double ColumnSummary::value(Aggregate a) const {
    switch (a) {
    case Aggregate::Count:
        return double(count);
    case Aggregate::Mean:
        return mean;
    case Aggregate::Std:
        return std;
    case Aggregate::Sem:
        return sem;
    case Aggregate::Median:
        return median;
    case Aggregate::Min:
        return min;
    case Aggregate::Max:
        return max;
    }
    return kNaN;
}

Value aggregateValue(const ColumnSummary &summary, Aggregate a) {
    return a == Aggregate::Count ? Value::integer(summary.count) : Value::real(summary.value(a));
}

ColumnSummary summarizeColumn(const RunTable &table, int column, const std::vector<int> &rows) {
    ColumnSummary s;
    s.runs = int(rows.size());
    std::vector<double> numbers;
    numbers.reserve(rows.size());
    std::vector<Value> others; // present values that are not (exactly representable) numbers
    std::vector<Value> wide;   // numbers when some do not fit a double exactly
    bool allExact = true;
    Value first;
    for (int r : rows) {
        Value v = table.value(r, column);
        if (v.isMissing()) {
            ++s.missing;
            continue;
        }
        if (first.isMissing()) first = v;
        if (!v.isNumber()) {
            ++s.nonNumeric;
            others.push_back(std::move(v));
            continue;
        }
        if (v.isNaN()) {
            ++s.nanCount;
            continue;
        }
        numbers.push_back(v.toDouble());
        allExact = allExact && exactAsDouble(v);
        wide.push_back(std::move(v));
    }
    s.count = int(numbers.size());
    std::sort(numbers.begin(), numbers.end());
    fillStatistics(s, numbers);

    if (allExact) {
        // Sorted doubles: equal neighbours are equal Values (1 and 1.0 alike, -0.0 and 0.0).
        for (std::size_t i = 0; i < numbers.size(); ++i)
            if (i == 0 || numbers[i - 1] != numbers[i]) ++s.distinct;
    } else {
        s.distinct = countDistinct(wide);
    }
    s.distinct += countDistinct(others) + (s.nanCount > 0 ? 1 : 0);
    s.allSame = s.missing == s.runs || (s.missing == 0 && s.distinct == 1);
    if (s.allSame) s.common = first;
    return s;
}

std::vector<GroupNode> groupRuns(const RunTable &table, const std::vector<int> &rows,
                                 const std::vector<int> &keyColumns) {
    if (keyColumns.empty() || rows.empty()) return {};
    SortedRows sorted;
    sorted.rows = rows;
    std::vector<ColumnSort> keys;
    for (int c : keyColumns)
        keys.push_back(ColumnSort{std::nullopt, c, false});
    // One stable sort by all keys (Value::compare order, missing last); each level's groups are
    // then runs of equal values within the group above.
    sortRunRows(table, sorted.rows, keys);
    sorted.values.resize(keyColumns.size());
    for (std::size_t k = 0; k < keyColumns.size(); ++k) {
        sorted.values[k].reserve(rows.size());
        for (int r : sorted.rows)
            sorted.values[k].push_back(table.value(r, keyColumns[k]));
    }
    if (keyColumns.size() > 1) {
        sorted.place.resize(std::size_t(table.rowCount()));
        for (std::size_t i = 0; i < rows.size(); ++i)
            sorted.place[std::size_t(rows[i])] = int(i);
    }
    std::vector<GroupNode> out;
    splitGroups(sorted, 0, rows.size(), 0, keyColumns, out);
    return out;
}

std::vector<FlatGroup> flattenGroups(const std::vector<GroupNode> &tree) {
    std::vector<FlatGroup> out;
    std::vector<Value> path;
    flattenInto(tree, path, out);
    return out;
}

std::vector<int> collapseKeyColumns(const RunTable &table, const std::vector<int> &rows,
                                    const std::vector<int> &repetitionColumns) {
    std::vector<int> out;
    for (int c = 0; c < table.columnCount(); ++c) {
        if (table.column(c).family != Family::Config) continue;
        if (std::find(repetitionColumns.begin(), repetitionColumns.end(), c) !=
            repetitionColumns.end())
            continue;
        if (!columnIsConstant(table, c, rows)) out.push_back(c);
    }
    return out;
}

QString formatSignificant(double x, int digits) {
    if (std::isnan(x)) return u"NaN"_s;
    if (std::isinf(x)) return x > 0 ? u"inf"_s : u"-inf"_s;
    // Whole numbers up to 10^15 in full rather than as 1.235e+04: a step count or a runtime
    // in seconds reads better that way and loses nothing.
    if (std::abs(x) >= std::pow(10.0, digits) && std::abs(x) < 1e15)
        return QString::number(x, 'f', 0);
    QString s = QString::number(x, 'g', digits);
    return s == u"-0"_s ? u"0"_s : s;
}

QString roundedText(const Value &value, int digits) {
    if (digits > 0 && value.type() == Value::Type::Real)
        return formatSignificant(value.toDouble(), digits);
    return value.displayText();
}

namespace {

/// joinedParts() and the header's names in one: numbers from `summary`, or names when null.
JoinedParts parts(const std::vector<Aggregate> &aggregates, const ColumnSummary *summary,
                  int digits) {
    const auto has = [&](Aggregate a) {
        return std::find(aggregates.begin(), aggregates.end(), a) != aggregates.end();
    };
    JoinedParts out;
    if (summary && summary->count == 0 && summary->nanCount == 0) return out;
    const auto show = [&](Aggregate a) {
        return summary ? formatSignificant(summary->value(a), digits) : aggregateName(a);
    };
    const Aggregate spread = has(Aggregate::Std) ? Aggregate::Std : Aggregate::Sem;
    const bool centre = has(Aggregate::Mean);
    if (centre) {
        out.mean = show(Aggregate::Mean);
        // No spread without two numbers: `0.93 (n=1)` rather than `0.93 ± NaN (n=1)`.
        if (has(spread) && (!summary || !std::isnan(summary->value(spread)))) {
            const double mean = summary ? summary->value(Aggregate::Mean) : 0.0;
            const double s = summary ? summary->value(spread) : 0.0;
            if (summary && std::isfinite(mean) && std::isfinite(s) && s > 0) {
                // The spread to two significant digits and the mean to the same decimal
                // place, as results are reported: 0.9122 ± 0.01039 reads 0.912 ± 0.010.
                const int decimals = std::clamp(1 - int(std::floor(std::log10(s))), 0, 17);
                out.mean = QString::number(mean, 'f', decimals);
                out.spread = QString::number(s, 'f', decimals);
            } else {
                out.spread = show(spread);
            }
        }
    }
    for (Aggregate a : allAggregates()) {
        if (a == Aggregate::Count || a == Aggregate::Mean || (centre && a == spread) || !has(a))
            continue;
        const bool isSpread = a == Aggregate::Std || a == Aggregate::Sem;
        if (summary && isSpread && std::isnan(summary->value(a))) continue; // as for ± above
        out.named.emplace_back(aggregateName(a), summary ? show(a) : QString());
    }
    if (has(Aggregate::Count)) {
        out.count = summary ? u"n=%1"_s.arg(summary->count) : u"n"_s;
        if (summary && summary->nanCount > 0) out.count += u", %1 NaN"_s.arg(summary->nanCount);
    }
    return out;
}

QString text(const JoinedParts &p) {
    QStringList parts;
    if (!p.mean.isEmpty())
        parts << (p.spread.isEmpty() ? p.mean : p.mean + u" \u00b1 "_s + p.spread);
    for (const auto &[name, number] : p.named)
        parts << (number.isEmpty() ? name : name + u' ' + number);
    QString text = parts.join(u", "_s);
    if (!p.count.isEmpty()) text = text.isEmpty() ? p.count : text + u" ("_s + p.count + u')';
    return text;
}

} // namespace

JoinedParts joinedParts(const std::vector<Aggregate> &aggregates, const ColumnSummary &summary,
                        int digits) {
    return parts(aggregates, &summary, digits);
}

QString joinedText(const std::vector<Aggregate> &aggregates, const ColumnSummary &summary,
                   int digits) {
    return text(parts(aggregates, &summary, digits));
}

QString joinedHeader(const std::vector<Aggregate> &aggregates) {
    return text(parts(aggregates, nullptr, 4));
}

} // namespace runlens
