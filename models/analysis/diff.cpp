#include "diff.h"

#include "diffspelling.h"

#include <QHash>

#include <algorithm>
#include <array>
#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

QString cellChangeName(CellChange c) {
    switch (c) {
    case CellChange::Same:
        return u"same"_s;
    case CellChange::Changed:
        return u"changed"_s;
    case CellChange::Added:
        return u"added"_s;
    case CellChange::Removed:
        return u"removed"_s;
    case CellChange::BothMissing:
        return u"missing"_s;
    }
    return {};
}

QString keyStatusName(KeyStatus s) {
    switch (s) {
    case KeyStatus::Same:
        return u"same"_s;
    case KeyStatus::Different:
        return u"different"_s;
    case KeyStatus::MissingInSome:
        return u"missing in some"_s;
    }
    return {};
}

namespace {

CellChange changeAgainst(const Value &baseline, const Value &v) {
    if (baseline.isMissing()) return v.isMissing() ? CellChange::BothMissing : CellChange::Added;
    if (v.isMissing()) return CellChange::Removed;
    return baseline == v ? CellChange::Same : CellChange::Changed;
}

double powerOfTen(int k) {
    static const auto exact = [] {
        std::array<double, 23> t{};
        double p = 1;
        for (double &x : t) {
            x = p;
            p *= 10;
        }
        return t;
    }();
    return k >= 0 && k < int(exact.size()) ? exact[std::size_t(k)] : std::pow(10.0, k);
}

/// `x` rounded to `places` decimal places (negative: to tens, hundreds, ...). Arithmetic, not
/// printing and parsing, which cost 50 ms of a 54 ms diff of 50 runs x 5,000 keys.
double roundToPlaces(double x, int places) {
    if (places >= 0) {
        const double p = powerOfTen(places);
        return std::isfinite(x * p) ? std::round(x * p) / p : x;
    }
    const double p = powerOfTen(-places);
    return std::round(x / p) * p;
}

int decimalExponent(double x) {
    return int(std::floor(std::log10(std::abs(x))));
}

/// `x` to `digits` significant digits.
double roundSignificant(double x, int digits) {
    if (!std::isfinite(x) || x == 0) return x;
    return roundToPlaces(x, digits - 1 - decimalExponent(x));
}

/// `a - b` to the 15 significant digits a double holds of the larger of them, which drops
/// the noise of the subtraction: 0.9088 - 0.9206 is -0.0118, not -0.011799999999999922.
double difference(double a, double b) {
    const double d = a - b;
    if (!std::isfinite(d) || d == 0) return d;
    return roundToPlaces(d, 14 - decimalExponent(std::max(std::abs(a), std::abs(b))));
}

} // namespace

RunDiff::RunDiff(const RunTable &table, std::vector<int> runs, int baseline,
                 const DiffOptions &options)
    : m_table(table)
    , m_runs(std::move(runs))
    , m_baseline(baseline) {
    const std::size_t n = m_runs.size();
    if (n == 0 || m_baseline < 0 || std::size_t(m_baseline) >= n) {
        m_baseline = 0;
        return;
    }
    const Family families[] = {Family::Config, Family::Metric, Family::Meta};
    const bool wanted[] = {options.config, options.metrics, options.meta};
    std::vector<Value> values(n);
    for (int f = 0; f < 3; ++f) {
        if (!wanted[f]) continue;
        for (int c = 0; c < table.columnCount(); ++c) {
            if (table.column(c).family != families[f]) continue;
            int present = 0;
            for (std::size_t i = 0; i < n; ++i) {
                values[i] = table.value(m_runs[i], c);
                present += values[i].isMissing() ? 0 : 1;
            }
            if (present == 0) continue; // a key of other runs only

            // Same when every present value equals the first present one.
            const Value *first = nullptr;
            bool agree = true;
            for (const Value &v : values) {
                if (v.isMissing()) continue;
                if (!first)
                    first = &v;
                else if (!(v == *first)) {
                    agree = false;
                    break;
                }
            }
            const KeyStatus status = !agree              ? KeyStatus::Different
                                     : present == int(n) ? KeyStatus::Same
                                                         : KeyStatus::MissingInSome;
            ++m_statusCounts[int(status)];
            if (status == KeyStatus::Same && options.onlyDifferences) continue;

            DiffRow row;
            row.column = c;
            row.status = status;
            row.changes.resize(n);
            row.delta.assign(n, std::nan(""));
            row.percent.assign(n, std::nan(""));
            const Value &base = values[std::size_t(m_baseline)];
            for (std::size_t i = 0; i < n; ++i) {
                const Value &v = values[i];
                row.changes[i] = changeAgainst(base, v);
                if (!base.isNumber() || !v.isNumber()) continue;
                const double b = base.toDouble(), d = difference(v.toDouble(), b);
                row.delta[i] = d;
                if (b != 0 && !std::isnan(d))
                    row.percent[i] = roundSignificant(d / std::abs(b) * 100.0, 15);
            }
            m_rows.push_back(std::move(row));
        }
    }
}

Value RunDiff::value(int row, int run) const {
    return m_table.value(m_runs[std::size_t(run)], m_rows[std::size_t(row)].column);
}

int RunDiff::countWithStatus(KeyStatus status) const {
    return m_statusCounts[int(status)];
}

QString RunDiff::overrides(int run) const {
    return overrides(run, nullptr);
}

QString RunDiff::overrides(int run, QStringList *inexpressible) const {
    QStringList words;
    for (int r = 0; r < int(m_rows.size()); ++r) {
        const DiffRow &row = m_rows[std::size_t(r)];
        const ColumnInfo &info = m_table.column(row.column);
        if (info.family != Family::Config) continue;
        const CellChange change = row.changes[std::size_t(run)];
        if (change == CellChange::Same || change == CellChange::BothMissing) continue;
        if (const auto word = hydraOverride(info.key, value(r, run), change == CellChange::Added))
            words << shellWord(*word);
        else if (inexpressible)
            *inexpressible << info.display;
    }
    return words.join(u' ');
}

int findRun(const RunTable &table, const QString &spec, QString *error) {
    std::vector<int> byName, byPrefix;
    for (int r = 0; r < table.rowCount(); ++r) {
        const RunInfo &info = table.run(r);
        if (info.id == spec) return r;
        if (info.name == spec) byName.push_back(r);
        if (!spec.isEmpty() && info.id.startsWith(spec)) byPrefix.push_back(r);
    }
    const std::vector<int> &found = !byName.empty() ? byName : byPrefix;
    if (found.size() == 1) return found.front();
    if (error) {
        if (found.empty()) {
            *error = u"no run with the id, name or id prefix '%1'"_s.arg(spec);
        } else {
            QStringList ids;
            for (std::size_t i = 0; i < found.size() && i < 5; ++i)
                ids << table.run(found[i]).id;
            if (found.size() > 5) ids << u"and %1 more"_s.arg(found.size() - 5);
            *error = u"'%1' names %2 runs (%3); give more of an id"_s.arg(spec)
                         .arg(found.size())
                         .arg(ids.join(u", "_s));
        }
    }
    return -1;
}

QStringList runLabels(const RunTable &table, const std::vector<int> &runs) {
    QHash<QString, int> uses;
    for (int r : runs)
        ++uses[table.run(r).name];
    QStringList labels;
    for (int r : runs) {
        const RunInfo &info = table.run(r);
        if (info.name.isEmpty())
            labels << info.id;
        else if (uses.value(info.name) > 1 && info.name != info.id)
            labels << u"%1 [%2]"_s.arg(info.name, info.id);
        else
            labels << info.name;
    }
    return labels;
}

QString RunDiff::differencesAsYaml() const {
    const QStringList labels = runLabels(m_table, m_runs);
    QString out;
    for (int i = 0; i < int(m_runs.size()); ++i) {
        const RunInfo &info = m_table.run(m_runs[std::size_t(i)]);
        out +=
            u"# run %1%2\n"_s.arg(oneLine(info.id), i == m_baseline ? u" (baseline)"_s : QString());
        YamlTree tree;
        QStringList removed;
        for (int r = 0; r < int(m_rows.size()); ++r) {
            const DiffRow &row = m_rows[std::size_t(r)];
            const ColumnInfo &column = m_table.column(row.column);
            if (column.family != Family::Config || row.status == KeyStatus::Same) continue;
            const Value v = value(r, i);
            if (v.isMissing())
                removed << column.display;
            else
                tree.insert(column.key.segments(), v);
        }
        out += yamlString(labels[i]) + u':';
        out += tree.isEmpty() ? u" {}\n"_s : u'\n' + tree.toYaml(1);
        for (const QString &key : removed)
            out += u"  # lacks %1\n"_s.arg(oneLine(key));
    }
    return out;
}

} // namespace runlens
