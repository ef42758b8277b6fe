#pragma once

#include "run/key.h"
#include "run/runtable.h"

#include <QHash>
#include <QStringList>

#include <optional>
#include <vector>

namespace runlens {

/// The statistics a group shows for a column. Count is the number of runs with a number that is
/// not NaN; NaN values are counted apart and left out of every other statistic.
enum class Aggregate { Count, Mean, Std, Sem, Median, Min, Max };

QString aggregateName(Aggregate a); ///< "count", "mean", "std", "sem", "median", "min", "max"
std::optional<Aggregate> aggregateFromName(const QString &name);
const std::vector<Aggregate> &allAggregates();

/// Whether a larger value of a metric is better.
enum class Direction { Higher, Lower };

/// Guess from the key's last segment: loss, error/err, perplexity/ppl, time/runtime/duration/
/// latency, mse/mae/rmse, wer/cer, fid and the like are lower-is-better; everything else higher.
Direction guessDirection(const Key &key);
/// A column's direction as its description states it (withDirection(), run.h: a reader that
/// knows, such as Optuna's study direction), else guessed from its key.
Direction guessDirection(const ColumnInfo &column);

/// Statistics over the numeric values of one column within one set of runs.
struct ColumnSummary {
    int runs = 0;       ///< runs in the set
    int count = 0;      ///< finite or infinite numbers (NaN excluded)
    int nanCount = 0;   ///< NaN values, excluded from the statistics
    int missing = 0;    ///< runs without a value
    int nonNumeric = 0; ///< values that are present but not numbers (strings, lists, ...)
    /// NaN when count == 0; std and sem need count >= 2 (sample std, ddof = 1).
    double mean = 0, std = 0, sem = 0, median = 0, min = 0, max = 0;

    /// The value of one aggregate (Count as a double).
    double value(Aggregate a) const;

    /// Values of the set that are not missing, by distinct value (Value ==; NaN equals NaN).
    int distinct = 0;
    /// The value every run of the set shares (missing included), or Missing when they differ.
    Value common;
    bool allSame = false; ///< every run has the same value (or every run lacks one)
};

/// One aggregate as a cell: the count as an integer, the others as reals (NaN when undefined).
Value aggregateValue(const ColumnSummary &summary, Aggregate a);

/// One pass over `rows` of `column`: every field of ColumnSummary. Sums are compensated, so
/// the mean and std match an independent two-pass computation to the last printed digit.
ColumnSummary summarizeColumn(const RunTable &table, int column, const std::vector<int> &rows);

/// One group: the runs that share a value of the group key (and of every key above it).
struct GroupNode {
    int keyColumn = -1;              ///< the table column of this level's key
    Value value;                     ///< that key's value; Missing for the "(missing)" group
    std::vector<int> rows;           ///< member runs (table rows) in the order given
    std::vector<GroupNode> children; ///< the next key's groups; empty at the last level
};

/// Groups `rows` by `keyColumns`, nested: the first key's groups, each holding the second key's
/// groups and so on. Runs lacking a key form their own group with a Missing value; strings and
/// lists group by equality, numbers by exact value (1 and 1.0 are one group), NaN is one group.
/// Groups at each level come in Value::compare order (missing last); members keep `rows` order.
std::vector<GroupNode> groupRuns(const RunTable &table, const std::vector<int> &rows,
                                 const std::vector<int> &keyColumns);

/// The groups of the last level, flattened in tree order, with the key values on the way down.
struct FlatGroup {
    std::vector<Value> values; ///< one per key column
    std::vector<int> rows;
};
std::vector<FlatGroup> flattenGroups(const std::vector<GroupNode> &tree);

/// Whether a config key looks like a repetition key that "collapse over seeds" averages over:
/// last segment `seed`, `*_seed`, `seed_*`, `random_state`, `rep`, `repeat`, `repetition`,
/// `trial`, `run_index` and the like.
bool looksLikeRepetitionKey(const Key &key);

/// The config columns a "collapse over seeds" groups by: every config column that varies over
/// `rows`, in table order, except those in `repetitionColumns`.
std::vector<int> collapseKeyColumns(const RunTable &table, const std::vector<int> &rows,
                                    const std::vector<int> &repetitionColumns);

/// `x` to `digits` significant digits for people (`0.9283`, `3e-04` as `0.0003`); whole
/// numbers of more digits are shown whole (`12346`), NaN and infinities as NaN, inf, -inf.
/// Exports for programs use the full precision of Value::real instead.
QString formatSignificant(double x, int digits = 4);
/// A value's text for people: displayText(), a real to `digits` significant digits by
/// formatSignificant() when `digits` is above 0 (integers are never rounded).
QString roundedText(const Value &value, int digits);

/// The aggregates of one column joined into one cell for people, in a fixed pattern whatever
/// the order of `aggregates`: `mean ± std` (sem in place of std when std is not chosen), then
/// `sem s`, `median m`, `min a`, `max b` as chosen (a std or sem that is NaN, from fewer than
/// two numbers or an infinity, left out), then the count as `(n=3)`, or `(n=3, 1 NaN)` when NaN
/// values were left out. `mean ± spread` gives the spread two significant digits and the mean
/// the same decimal places (`0.912 ± 0.010`); other numbers by formatSignificant() to
/// `digits`. Empty when the set has no number and no NaN.
QString joinedText(const std::vector<Aggregate> &aggregates, const ColumnSummary &summary,
                   int digits = 4);

/// The pieces of joinedText(), for writers that typeset them (LaTeX, HTML). All empty when the
/// set has no number and no NaN.
struct JoinedParts {
    QString mean;   ///< the mean as shown; empty when the mean is not chosen
    QString spread; ///< the std (or sem) shown after `±`; empty when none
    std::vector<std::pair<QString, QString>> named; ///< the other aggregates: name, number
    QString count; ///< `n=3` or `n=3, 1 NaN`; empty when the count is not chosen
};
JoinedParts joinedParts(const std::vector<Aggregate> &aggregates, const ColumnSummary &summary,
                        int digits = 4);
/// The same pattern with names, for a header: `mean ± std (n)`.
QString joinedHeader(const std::vector<Aggregate> &aggregates);

} // namespace runlens
