// Evaluating a parsed query: one run at a time (matches) or a whole set of rows at once
// (filter), where each comparison scans its one column over the rows still in question and
// and/or/not combine sorted row sets. Cells are read in place (RunTable::cellRef), so a scan
// allocates nothing per row for numbers and strings.
#include "queryinternal.h"

#include "readers/timeparse.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace runlens {

using namespace Qt::StringLiterals;
using namespace query;

namespace {

/// A cell or run field as evaluation reads it.
struct Cell {
    Value::Type type = Value::Type::Missing;
    bool big = false;
    bool isTime = false; ///< `start`: `i` is ms since the epoch
    bool pooled = false; ///< `textId` names the text in the table's pool
    qint64 i = 0;
    double d = 0.0;
    const QString *text = nullptr;
    std::uint32_t textId = 0;

    double number() const { return type == Value::Type::Real || big ? d : double(i); }
};

const QString &statusText(RunStatus s) {
    static const QString names[] = {statusName(RunStatus::Unknown), statusName(RunStatus::Finished),
                                    statusName(RunStatus::Running), statusName(RunStatus::Crashed)};
    return names[int(s)];
}

Cell readCell(const RunTable &table, const Target &target, int row) {
    Cell c;
    if (!target.field) {
        const RunTable::CellRef r = table.cellRef(row, target.column);
        c.type = r.type;
        c.big = r.big;
        c.i = r.i;
        c.d = r.d;
        c.textId = r.textId;
        c.text = &table.text(r.textId);
        c.pooled = true;
        return c;
    }
    const RunInfo &run = table.run(row);
    const auto text = [&](const QString &s) {
        c.type = Value::Type::String;
        c.text = &s;
    };
    switch (*target.field) {
    case RunField::Id:
        text(run.id);
        break;
    case RunField::Name:
        text(run.name);
        break;
    case RunField::Format:
        text(run.format);
        break;
    case RunField::Path:
        text(run.path);
        break;
    case RunField::Status:
        text(statusText(run.status));
        break;
    case RunField::Start:
        if (run.startMs >= 0) {
            c.type = Value::Type::Int;
            c.isTime = true;
            c.i = run.startMs;
        }
        break;
    case RunField::Duration:
        if (run.durationSec >= 0) {
            c.type = Value::Type::Real;
            c.d = run.durationSec;
        }
        break;
    case RunField::Issues:
        c.type = Value::Type::Int;
        c.i = run.problemCount();
        break;
    }
    return c;
}

/// Per-scan memory of work done per distinct interned text (canonical lists, `~` results).
struct Memo {
    std::unordered_map<std::uint32_t, bool> matched;
    std::unordered_map<std::uint32_t, QString> canonical;
};

QString canonicalOf(const Cell &c, Memo *memo) {
    if (!memo || !c.pooled) return canonicalText(*c.text);
    auto it = memo->canonical.find(c.textId);
    if (it == memo->canonical.end())
        it = memo->canonical.emplace(c.textId, canonicalText(*c.text)).first;
    return it->second;
}

bool equals(const Cell &c, const Operand &o, Memo *memo) {
    if (o.isTime) return c.isTime && c.i >= o.timeLo && c.i < o.timeHi;
    switch (o.kind) {
    case Literal::Kind::Null:
        return c.type == Value::Type::Null;
    case Literal::Kind::Bool:
        return c.type == Value::Type::Bool && (c.i != 0) == o.b;
    case Literal::Kind::Number:
        if (c.type == Value::Type::Real) return o.nan ? std::isnan(c.d) : c.d == o.d;
        if (c.type != Value::Type::Int || o.nan) return false;
        // As Value's equality: integers exactly, a big one only equal to the same big one.
        if (o.value.type() == Value::Type::Int) {
            if (c.big || o.value.isBigInteger())
                return c.big && o.value.isBigInteger() && *c.text == o.value.rawText();
            return c.i == o.i;
        }
        return c.number() == o.d;
    case Literal::Kind::String:
        return c.type == Value::Type::String && *c.text == o.text;
    case Literal::Kind::List:
        return c.type == Value::Type::List && canonicalOf(c, memo) == o.text;
    case Literal::Kind::Object:
        return c.type == Value::Type::Object && canonicalOf(c, memo) == o.text;
    }
    return false;
}

/// `c op o` for <, <=, >, >=: numbers with numbers (NaN with nothing), strings with strings,
/// times with a time literal's span.
bool ordered(const Cell &c, CompareOp op, const Operand &o) {
    int cmp = 0;
    if (o.isTime) {
        if (!c.isTime) return false;
        switch (op) {
        case CompareOp::Lt:
            return c.i < o.timeLo;
        case CompareOp::Le:
            return c.i < o.timeHi;
        case CompareOp::Gt:
            return c.i >= o.timeHi;
        case CompareOp::Ge:
            return c.i >= o.timeLo;
        default:
            return false;
        }
    }
    if (o.kind == Literal::Kind::Number) {
        if (c.type == Value::Type::Int && !c.big && o.isInt) {
            cmp = c.i < o.i ? -1 : (c.i > o.i ? 1 : 0);
        } else if (c.type == Value::Type::Int || c.type == Value::Type::Real) {
            const double x = c.number();
            if (std::isnan(x)) return false;
            cmp = x < o.d ? -1 : (x > o.d ? 1 : 0);
        } else {
            return false;
        }
    } else if (o.kind == Literal::Kind::String && c.type == Value::Type::String) {
        cmp = QString::compare(*c.text, o.text);
    } else {
        return false;
    }
    switch (op) {
    case CompareOp::Lt:
        return cmp < 0;
    case CompareOp::Le:
        return cmp <= 0;
    case CompareOp::Gt:
        return cmp > 0;
    case CompareOp::Ge:
        return cmp >= 0;
    default:
        return false;
    }
}

bool textMatches(const Query::Node &n, const QString &text) {
    return n.regex ? n.regex->match(text).hasMatch() : text.contains(n.needle, Qt::CaseInsensitive);
}

/// `~`: a string's text, any element of a list, a dict's JSON, other values as shown.
bool matchesText(const Query::Node &n, const Cell &c, Memo *memo) {
    const auto compute = [&]() -> bool {
        switch (c.type) {
        case Value::Type::String:
        case Value::Type::Object:
            return textMatches(n, *c.text);
        case Value::Type::List: {
            const QStringList items = listElements(*c.text);
            return std::any_of(items.begin(), items.end(),
                               [&](const QString &s) { return textMatches(n, s); });
        }
        case Value::Type::Null:
            return textMatches(n, u"null"_s);
        case Value::Type::Bool:
            return textMatches(n, c.i ? u"true"_s : u"false"_s);
        default:
            break;
        }
        if (c.isTime) return textMatches(n, formatTimeMs(c.i));
        if (c.pooled && c.textId != 0) return textMatches(n, *c.text); // the file's spelling
        if (c.type == Value::Type::Int) return textMatches(n, QString::number(c.i));
        return textMatches(n, Value::formatReal(c.d));
    };
    const bool byText = c.pooled && (c.type == Value::Type::String || c.type == Value::Type::List ||
                                     c.type == Value::Type::Object);
    if (!memo || !byText) return compute();
    const auto it = memo->matched.find(c.textId);
    if (it != memo->matched.end()) return it->second;
    const bool result = compute();
    memo->matched.emplace(c.textId, result);
    return result;
}

/// A comparison, `exists`, `in` or `~` on one cell; every one of them is false on a missing
/// value (`not` is how to ask for runs without a key).
bool test(const Query::Node &n, const Cell &c, Memo *memo) {
    if (c.type == Value::Type::Missing) return false;
    switch (n.kind) {
    case Query::Node::Kind::Exists:
        return true;
    case Query::Node::Kind::Compare: {
        const Operand &o = n.values.front();
        if (n.op == CompareOp::Eq) return equals(c, o, memo);
        if (n.op == CompareOp::Ne) return !equals(c, o, memo);
        return ordered(c, n.op, o);
    }
    case Query::Node::Kind::InList: {
        const bool any = std::any_of(n.values.begin(), n.values.end(),
                                     [&](const Operand &o) { return equals(c, o, memo); });
        return any != n.negated;
    }
    case Query::Node::Kind::InRange: {
        const bool inside =
            ordered(c, CompareOp::Ge, n.values[0]) && ordered(c, CompareOp::Le, n.values[1]);
        return inside != n.negated;
    }
    case Query::Node::Kind::Match:
        return matchesText(n, c, memo);
    default:
        return false;
    }
}

bool evalRow(const Query::Node &n, const RunTable &table, int row) {
    switch (n.kind) {
    case Query::Node::Kind::And:
        return std::all_of(n.children.begin(), n.children.end(),
                           [&](const auto &c) { return evalRow(*c, table, row); });
    case Query::Node::Kind::Or:
        return std::any_of(n.children.begin(), n.children.end(),
                           [&](const auto &c) { return evalRow(*c, table, row); });
    case Query::Node::Kind::Not:
        return !evalRow(*n.children.front(), table, row);
    default:
        return test(n, readCell(table, n.target, row), nullptr);
    }
}

/// The positions (indices into `rows`, ascending) among `in` whose run matches `n`.
std::vector<int> evalSet(const Query::Node &n, const RunTable &table, const std::vector<int> &rows,
                         std::vector<int> in) {
    switch (n.kind) {
    case Query::Node::Kind::And:
        for (const auto &child : n.children) {
            if (in.empty()) break;
            in = evalSet(*child, table, rows, std::move(in));
        }
        return in;
    case Query::Node::Kind::Or: {
        // Each alternative looks only at the rows no earlier one matched.
        std::vector<int> matched, next;
        for (const auto &child : n.children) {
            if (in.empty()) break;
            const std::vector<int> hit = evalSet(*child, table, rows, in);
            next.clear();
            std::set_union(matched.begin(), matched.end(), hit.begin(), hit.end(),
                           std::back_inserter(next));
            matched.swap(next);
            next.clear();
            std::set_difference(in.begin(), in.end(), hit.begin(), hit.end(),
                                std::back_inserter(next));
            in.swap(next);
        }
        return matched;
    }
    case Query::Node::Kind::Not: {
        const std::vector<int> hit = evalSet(*n.children.front(), table, rows, in);
        std::vector<int> out;
        out.reserve(in.size() - hit.size());
        std::set_difference(in.begin(), in.end(), hit.begin(), hit.end(), std::back_inserter(out));
        return out;
    }
    default: {
        Memo memo;
        std::vector<int> out;
        out.reserve(in.size());
        for (int p : in)
            if (test(n, readCell(table, n.target, rows[std::size_t(p)]), &memo)) out.push_back(p);
        return out;
    }
    }
}

} // namespace

bool Query::matches(const RunTable &table, int row) const {
    return m_root && evalRow(*m_root, table, row);
}

std::vector<int> Query::filter(const RunTable &table, const std::vector<int> &rows) const {
    if (!m_root) return rows;
    std::vector<int> positions(rows.size());
    for (std::size_t p = 0; p < rows.size(); ++p)
        positions[p] = int(p);
    const std::vector<int> hit = evalSet(*m_root, table, rows, std::move(positions));
    std::vector<int> out;
    out.reserve(hit.size());
    for (int p : hit)
        out.push_back(rows[std::size_t(p)]);
    return out;
}

} // namespace runlens
