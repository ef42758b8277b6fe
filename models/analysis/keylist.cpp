#include "keylist.h"

#include <QDir>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

QString typeNames(const bool *seen, int count) {
    QStringList names;
    for (int t = 0; t < count; ++t)
        if (seen[t]) names << Value::typeName(Value::Type(t));
    return names.join(u'|');
}

/// columnStats() of a column whose values are all plain numbers (Int within 64 bits, Real)
/// or all strings, read in place: sorting numbers or string ids instead of Values makes the
/// key chooser's counts over 100k runs several times cheaper. nullopt for any other column.
/// The same result as the general way: numbers equal as Value::compare says (Int and Real
/// mixed only while every Int is exact as a double), the example of a value is its first
/// run's spelling.
std::optional<ColumnStats> plainColumnStats(const RunTable &table, int column, int maxExamples) {
    using Type = Value::Type;
    constexpr qint64 kExact = qint64(1) << 53; // Ints up to this compare exactly as doubles
    bool seen[int(Type::Object) + 1] = {};
    std::vector<double> reals; // with every Int exact as a double
    std::vector<qint64> ints;  // counted when there is no Real
    std::vector<std::uint32_t> texts;
    int inexactInts = 0;
    bool sawNaN = false;
    ColumnStats stats;
    for (int r = 0; r < table.rowCount(); ++r) {
        const RunTable::CellRef c = table.cellRef(r, column);
        if (c.type == Type::Missing) continue;
        if (c.big) return std::nullopt;
        seen[int(c.type)] = true;
        ++stats.runs;
        switch (c.type) {
        case Type::Real:
            if (std::isnan(c.d))
                sawNaN = true;
            else
                reals.push_back(c.d);
            break;
        case Type::Int:
            ints.push_back(c.i);
            if (c.i > -kExact && c.i < kExact)
                reals.push_back(double(c.i));
            else
                ++inexactInts;
            break;
        case Type::String:
            texts.push_back(c.textId);
            break;
        default:
            return std::nullopt;
        }
    }
    const bool anyReal = seen[int(Type::Real)], anyInt = seen[int(Type::Int)];
    const bool anyString = seen[int(Type::String)];
    if (stats.runs == 0 || (anyString && (anyReal || anyInt))) return std::nullopt;
    if (anyReal && anyInt && inexactInts > 0) return std::nullopt;
    // Numbers: sorted alone (no row beside each), then the first runs of the few smallest
    // values found in one more pass, for their spelling.
    const auto countNumbers = [&](auto &values, auto numberOf) {
        std::sort(values.begin(), values.end());
        using Number = typename std::decay_t<decltype(values)>::value_type;
        std::vector<Number> smallest;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i > 0 && values[i - 1] == values[i]) continue;
            ++stats.distinct;
            if (qsizetype(smallest.size()) < maxExamples) smallest.push_back(values[i]);
        }
        std::vector<int> rows(smallest.size(), -1);
        std::size_t found = 0;
        for (int r = 0; r < table.rowCount() && found < smallest.size(); ++r) {
            const RunTable::CellRef c = table.cellRef(r, column);
            if (c.type != Type::Int && c.type != Type::Real) continue;
            const auto at = std::lower_bound(smallest.begin(), smallest.end(), numberOf(c));
            if (at == smallest.end() || !(*at == numberOf(c))) continue;
            int &row = rows[std::size_t(at - smallest.begin())];
            if (row < 0) {
                row = r;
                ++found;
            }
        }
        for (const int row : rows)
            if (row >= 0) stats.examples << table.value(row, column).displayText();
    };
    if (anyReal)
        countNumbers(reals, [](const RunTable::CellRef &c) {
            return c.type == Type::Int ? double(c.i) : c.d;
        });
    else if (anyInt)
        countNumbers(ints, [](const RunTable::CellRef &c) { return c.i; });
    else {
        std::sort(texts.begin(), texts.end());
        texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
        std::vector<const QString *> sorted;
        sorted.reserve(texts.size());
        for (const std::uint32_t id : texts)
            sorted.push_back(&table.text(id));
        std::stable_sort(sorted.begin(), sorted.end(), [](const QString *a, const QString *b) {
            return QString::compare(*a, *b) < 0;
        });
        for (std::size_t i = 0; i < sorted.size(); ++i) {
            if (i > 0 && QString::compare(*sorted[i - 1], *sorted[i]) == 0) continue;
            ++stats.distinct;
            if (stats.examples.size() < maxExamples) stats.examples << *sorted[i];
        }
    }
    if (sawNaN) {
        ++stats.distinct;
        if (stats.examples.size() < maxExamples) stats.examples << u"NaN"_s;
    }
    stats.types = typeNames(seen, int(Type::Object) + 1);
    return stats;
}

} // namespace

ColumnStats columnStats(const RunTable &table, int column, int maxExamples) {
    if (std::optional<ColumnStats> plain = plainColumnStats(table, column, maxExamples))
        return std::move(*plain);
    ColumnStats stats;
    std::vector<Value> values;
    values.reserve(std::size_t(table.valueCount(column)));
    constexpr int kTypes = int(Value::Type::Object) + 1;
    bool seen[kTypes] = {};
    bool sawNaN = false;
    for (int r = 0; r < table.rowCount(); ++r) {
        Value v = table.value(r, column);
        if (v.isMissing()) continue;
        ++stats.runs;
        seen[int(v.type())] = true;
        if (v.isNaN())
            sawNaN = true; // NaN is one value here, though it compares unordered
        else
            values.push_back(std::move(v));
    }
    // A sorted vector instead of a std::set: one allocation instead of one per value. Stable
    // sort, because mixing huge ints and reals can make Value::compare slightly intransitive.
    const auto less = [](const Value &a, const Value &b) { return Value::compare(a, b) < 0; };
    std::stable_sort(values.begin(), values.end(), less);
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0 && Value::compare(values[i - 1], values[i]) == 0) continue;
        ++stats.distinct;
        if (stats.examples.size() < maxExamples) stats.examples << values[i].displayText();
    }
    if (sawNaN) {
        ++stats.distinct;
        if (stats.examples.size() < maxExamples) stats.examples << u"NaN"_s;
    }
    stats.types = typeNames(seen, kTypes);
    return stats;
}

KeyList::KeyList(const RunTable &table)
    : m_table(table) {
    for (Family f : {Family::Config, Family::Metric, Family::Meta})
        for (int c = 0; c < table.columnCount(); ++c)
            if (table.column(c).family == f) m_rows.push_back(Row{c, columnStats(table, c)});
}

QString KeyList::header(int column) const {
    static const QStringList h = {u"key"_s,      u"family"_s, u"type"_s,       u"runs"_s,
                                  u"distinct"_s, u"values"_s, u"description"_s};
    return h[column];
}

Value KeyList::cell(int row, int column) const {
    const Row &r = m_rows[std::size_t(row)];
    const ColumnInfo &info = m_table.column(r.column);
    switch (column) {
    case 0:
        return Value::string(info.display);
    case 1:
        return Value::string(familyName(info.family));
    case 2:
        return Value::string(r.stats.types);
    case 3:
        return Value::integer(r.stats.runs);
    case 4:
        return Value::integer(r.stats.distinct);
    case 5:
        return Value::string(r.stats.examples.join(u", "_s));
    case 6:
        return info.description.isEmpty() ? Value::missing() : Value::string(info.description);
    }
    return {};
}

QString displayPath(const QString &path, const QString &baseDir) {
    if (path.isEmpty() || baseDir.isEmpty()) return path;
    const QString rel = QDir(baseDir).relativeFilePath(path);
    return rel.startsWith(u"../"_s) || rel == u".." ? path : rel;
}

IssueList::IssueList(const RunTable &table, const QString &baseDir, bool includeNotes)
    : IssueList(table, baseDir, includeNotes, [&] {
        std::vector<int> rows(std::size_t(table.rowCount()));
        std::iota(rows.begin(), rows.end(), 0);
        return rows;
    }()) {}

IssueList::IssueList(const RunTable &table, const QString &baseDir, bool includeNotes,
                     const std::vector<int> &rows)
    : m_table(table)
    , m_baseDir(baseDir) {
    for (int r : rows) {
        const RunInfo &run = table.run(r);
        if (run.problemCount() > 0) ++m_runsWithProblems;
        for (std::size_t i = 0; i < run.issues.size(); ++i)
            if (includeNotes || run.issues[i].severity != Issue::Severity::Note)
                m_rows.push_back(Row{r, i});
    }
}

QString IssueList::header(int column) const {
    static const QStringList h = {u"id"_s,   u"severity"_s, u"file"_s,
                                  u"line"_s, u"column"_s,   u"message"_s};
    return h[column];
}

Value IssueList::cell(int row, int column) const {
    const Row &r = m_rows[std::size_t(row)];
    const RunInfo &run = m_table.run(r.run);
    const Issue &issue = run.issues[r.issue];
    switch (column) {
    case 0:
        return Value::string(run.id);
    case 1:
        return Value::string(Issue::severityName(issue.severity));
    case 2:
        return Value::string(displayPath(issue.file.isEmpty() ? run.path : issue.file, m_baseDir));
    case 3:
        return issue.line > 0 ? Value::integer(issue.line) : Value::missing();
    case 4:
        return issue.column > 0 ? Value::integer(issue.column) : Value::missing();
    case 5:
        return Value::string(issue.message);
    }
    return {};
}

} // namespace runlens
