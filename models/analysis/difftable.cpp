#include "difftable.h"

#include "grouping.h"
#include "grouptable.h"

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

bool bothNumbers(const Value &a, const Value &b) {
    return a.isNumber() && b.isNumber();
}

QString signedText(double x, int digits) {
    const QString s = formatSignificant(x, digits);
    return x > 0 ? u'+' + s : s;
}

} // namespace

QString diffCellText(const RunDiff &diff, int row, int run, int precision) {
    const DiffRow &r = diff.rows()[std::size_t(row)];
    const QString v = roundedText(diff.value(row, run), precision);
    switch (r.changes[std::size_t(run)]) {
    case CellChange::Same:
        return v;
    case CellChange::BothMissing:
        return u"(missing)"_s;
    case CellChange::Removed:
        return u"(removed)"_s;
    case CellChange::Added:
        return v + u" (added)"_s;
    case CellChange::Changed:
        break;
    }
    const QString note = diffChangeNote(diff, row, run);
    return v + u' ' + (note.isEmpty() ? u"(changed)"_s : note);
}

QString diffChangeNote(const RunDiff &diff, int row, int run) {
    const DiffRow &r = diff.rows()[std::size_t(row)];
    const double delta = r.delta[std::size_t(run)], percent = r.percent[std::size_t(run)];
    if (r.changes[std::size_t(run)] != CellChange::Changed || std::isnan(delta)) return {};
    QString note = signedText(delta, 4);
    if (!std::isnan(percent)) note += u", "_s + signedText(percent, 3) + u'%';
    return u'(' + note + u')';
}

DiffTable::DiffTable(const RunDiff &diff, bool joined, int precision)
    : m_diff(diff) {
    std::vector<int> columns;
    for (const DiffRow &row : diff.rows())
        columns.push_back(row.column);
    m_keys = qualifiedHeaders(diff.table(), columns);
    m_columns.push_back(Column{Kind::Key, 0, u"key"_s});
    m_columns.push_back(Column{Kind::Status, 0, u"status"_s});
    const QStringList labels = runLabels(diff.table(), diff.runs());
    const int baseline = diff.baseline();
    for (int i = 0; i < int(labels.size()); ++i) {
        const QString &label = labels[i];
        if (i == baseline) {
            m_columns.push_back(
                Column{joined ? Kind::Joined : Kind::Value, i, label + u" (baseline)"_s});
            continue;
        }
        if (joined) {
            m_columns.push_back(Column{Kind::Joined, i, label});
            continue;
        }
        m_columns.push_back(Column{Kind::Value, i, label});
        bool numbers = false;
        for (int r = 0; r < int(diff.rows().size()) && !numbers; ++r)
            numbers = bothNumbers(diff.value(r, baseline), diff.value(r, i));
        if (!numbers) continue;
        m_columns.push_back(Column{Kind::Delta, i, label + u" \u0394"_s});
        m_columns.push_back(Column{Kind::Percent, i, label + u" \u0394%"_s});
    }
    if (!joined) return;
    m_joined.reserve(diff.rows().size() * diff.runs().size());
    for (int r = 0; r < int(diff.rows().size()); ++r)
        for (int i = 0; i < int(diff.runs().size()); ++i)
            m_joined.push_back(diffCellText(diff, r, i, precision));
}

Value DiffTable::cell(int row, int column) const {
    const Column &c = m_columns[std::size_t(column)];
    const DiffRow &r = m_diff.rows()[std::size_t(row)];
    switch (c.kind) {
    case Kind::Key:
        return Value::string(m_keys[row]);
    case Kind::Status:
        return Value::string(keyStatusName(r.status));
    case Kind::Value:
        return m_diff.value(row, c.run);
    case Kind::Joined:
        return Value::string(
            m_joined[std::size_t(row) * m_diff.runs().size() + std::size_t(c.run)]);
    case Kind::Delta:
    case Kind::Percent:
        break;
    }
    const Value base = m_diff.value(row, m_diff.baseline()), v = m_diff.value(row, c.run);
    if (!bothNumbers(base, v)) return {};
    if (c.kind == Kind::Percent) return Value::real(r.percent[std::size_t(c.run)]);
    qint64 exact = 0;
    if (base.type() == Value::Type::Int && v.type() == Value::Type::Int && !base.isBigInteger() &&
        !v.isBigInteger() && !__builtin_sub_overflow(v.toInt(), base.toInt(), &exact))
        return Value::integer(exact);
    return Value::real(r.delta[std::size_t(c.run)]);
}

CellMarks DiffTable::cellMarks(int row, int column) const {
    const Column &c = m_columns[std::size_t(column)];
    if (c.kind == Kind::Key || c.kind == Kind::Status) return {};
    const DiffRow &r = m_diff.rows()[std::size_t(row)];
    const std::size_t run = std::size_t(c.run);
    CellMarks marks;
    if (c.kind == Kind::Value || c.kind == Kind::Joined) {
        if (c.run == m_diff.baseline()) return CellMark::Baseline;
        switch (r.changes[run]) {
        case CellChange::Changed:
            marks |= CellMark::Changed;
            break;
        case CellChange::Added:
            marks |= CellMark::Added;
            break;
        case CellChange::Removed:
            marks |= CellMark::Removed;
            break;
        case CellChange::Same:
        case CellChange::BothMissing:
            break;
        }
    }
    const ColumnInfo &info = m_diff.table().column(r.column);
    const double delta = r.delta[run];
    if (info.family == Family::Metric && !std::isnan(delta) && delta != 0) {
        const bool higher =
            columnDirection(m_diff.table(), r.column, m_directions) == Direction::Higher;
        marks |= (delta > 0) == higher ? CellMark::Better : CellMark::Worse;
    }
    return marks;
}

QString DiffTable::description() const {
    const QStringList labels = runLabels(m_diff.table(), m_diff.runs());
    return countOf(rowCount(), u"key"_s) + u" of "_s +
           countOf(int(m_diff.runs().size()), u"run"_s) + u" against "_s +
           labels.value(m_diff.baseline());
}

} // namespace runlens
