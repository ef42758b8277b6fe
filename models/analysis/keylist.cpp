#include "keylist.h"

#include <QDir>

#include <algorithm>
#include <numeric>

namespace runlens {

using namespace Qt::StringLiterals;

ColumnStats columnStats(const RunTable &table, int column, int maxExamples) {
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
    QStringList typeNames;
    for (int t = 0; t < kTypes; ++t)
        if (seen[t]) typeNames << Value::typeName(Value::Type(t));
    stats.types = typeNames.join(u'|');
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
