#include "runtable.h"

#include <algorithm>

namespace runlens {

int RunInfo::problemCount() const {
    return int(std::count_if(issues.begin(), issues.end(),
                             [](const Issue &i) { return i.severity != Issue::Severity::Note; }));
}

int RunTable::findColumn(Family f, const Key &k) const {
    return m_columnIndex.value(ColumnId{f, k}, -1);
}

RunTable::Cell RunTable::makeCell(const Value &v) {
    Cell c;
    c.type = v.type();
    switch (v.type()) {
    case Value::Type::Missing:
    case Value::Type::Null:
        break;
    case Value::Type::Bool:
        c.i = v.toBool() ? 1 : 0;
        break;
    case Value::Type::Int:
        c.big = v.isBigInteger();
        if (c.big)
            c.d = v.toDouble();
        else
            c.i = v.toInt();
        c.text = m_pool.intern(v.rawText());
        break;
    case Value::Type::Real:
        c.d = v.toDouble();
        c.text = m_pool.intern(v.rawText());
        break;
    case Value::Type::String:
    case Value::Type::List:
    case Value::Type::Object:
        c.text = m_pool.intern(v.rawText());
        break;
    }
    return c;
}

Value RunTable::toValue(const Cell &c) const {
    switch (c.type) {
    case Value::Type::Missing:
        return Value::missing();
    case Value::Type::Null:
        return Value::null();
    case Value::Type::Bool:
        return Value::boolean(c.i != 0);
    case Value::Type::Int:
        return c.big ? Value::bigInteger(m_pool.at(c.text), c.d)
                     : Value::integer(c.i, m_pool.at(c.text));
    case Value::Type::Real:
        return Value::real(c.d, m_pool.at(c.text));
    case Value::Type::String:
        return Value::string(m_pool.at(c.text));
    case Value::Type::List:
        return Value::list(m_pool.at(c.text));
    case Value::Type::Object:
        return Value::object(m_pool.at(c.text));
    }
    return {};
}

const RunTable::Cell *RunTable::findCell(int row, int col) const {
    const Column &column = m_columns[std::size_t(col)];
    if (column.dense) {
        if (std::size_t(row) >= column.cells.size()) return nullptr;
        const Cell &c = column.cells[std::size_t(row)];
        return c.type == Value::Type::Missing ? nullptr : &c;
    }
    const auto it = std::lower_bound(column.rows.begin(), column.rows.end(), std::uint32_t(row));
    if (it == column.rows.end() || *it != std::uint32_t(row)) return nullptr;
    return &column.cells[std::size_t(it - column.rows.begin())];
}

Value RunTable::value(int row, int col) const {
    const Cell *c = findCell(row, col);
    return c ? toValue(*c) : Value::missing();
}

RunTable::CellRef RunTable::cellRef(int row, int col) const {
    CellRef out;
    const Cell *c = findCell(row, col);
    if (!c) return out;
    out.type = c->type;
    out.big = c->big;
    out.textId = c->text;
    if (c->type == Value::Type::Real || c->big)
        out.d = c->d;
    else
        out.i = c->i;
    return out;
}

bool RunTable::hasValue(int row, int col) const {
    return findCell(row, col) != nullptr;
}

int RunTable::appendRun(RunRecord &&record) {
    const int row = appendRunFacts(record);
    for (const Entry &e : record.entries)
        if (!e.value.isMissing()) setValue(addColumn(e.family, e.key), e.value, e.description);
    return row;
}

int RunTable::appendRunFacts(RunRecord &record) {
    RunInfo info;
    info.id = std::move(record.id);
    info.name = std::move(record.name);
    info.format = m_pool.at(m_pool.intern(record.format)); // shares one QString buffer
    info.path = std::move(record.path);
    info.status = record.status;
    info.startMs = record.startMs;
    info.durationSec = record.durationSec;
    info.issues = std::move(record.issues);
    m_runs.push_back(std::move(info));
    return int(m_runs.size()) - 1;
}

int RunTable::addColumn(Family f, const Key &k) {
    const ColumnId id{f, k};
    if (const auto it = m_columnIndex.constFind(id); it != m_columnIndex.constEnd()) return *it;
    const int col = int(m_columns.size());
    Column column;
    column.info.family = f;
    column.info.key = k;
    column.info.display = k.display();
    m_columns.push_back(std::move(column));
    m_columnIndex.insert(id, col);
    return col;
}

void RunTable::setValue(int col, const Value &v, const QString &description) {
    if (v.isMissing()) return;
    const auto row = std::uint32_t(m_runs.size() - 1);
    Column &column = m_columns[std::size_t(col)];
    if (column.info.description.isEmpty() && !description.isEmpty())
        column.info.description = description;
    const Cell cell = makeCell(v);
    if (column.dense) {
        if (column.cells.size() <= row) column.cells.resize(row + 1);
        if (column.cells[row].type == Value::Type::Missing) ++column.count;
        column.cells[row] = cell;
    } else if (!column.rows.empty() && column.rows.back() == row) {
        column.cells.back() = cell; // a reader emitted the key twice: the later value wins
    } else {
        column.rows.push_back(row);
        column.cells.push_back(cell);
        ++column.count;
    }
}

void RunTable::squeeze() {
    const std::size_t n = m_runs.size();
    for (Column &column : m_columns) {
        // A dense cell costs 16 bytes per run, a sparse one 20 bytes per value.
        if (!column.dense && column.count * 20 >= n * 16) {
            std::vector<Cell> dense(n);
            for (std::size_t i = 0; i < column.rows.size(); ++i)
                dense[column.rows[i]] = column.cells[i];
            column.cells = std::move(dense);
            column.rows = {};
            column.dense = true;
        } else if (column.dense) {
            column.cells.resize(n);
        }
        column.cells.shrink_to_fit();
        column.rows.shrink_to_fit();
    }
    m_runs.shrink_to_fit();
}

std::size_t RunTable::memoryBytes() const {
    std::size_t bytes = m_runs.capacity() * sizeof(RunInfo);
    for (const RunInfo &r : m_runs) {
        for (const QString *s : {&r.id, &r.name, &r.path})
            bytes += std::size_t(s->capacity()) * 2 + 24;
        bytes += r.issues.capacity() * sizeof(Issue);
        for (const Issue &i : r.issues)
            bytes += std::size_t(i.message.capacity() + i.file.capacity()) * 2;
    }
    bytes += m_columns.capacity() * sizeof(Column);
    for (const Column &c : m_columns)
        bytes += c.cells.capacity() * sizeof(Cell) + c.rows.capacity() * sizeof(std::uint32_t) +
                 std::size_t(c.info.display.capacity() + c.info.description.capacity()) * 2;
    bytes += m_columnIndex.size() * (sizeof(ColumnId) + 16);
    return bytes + m_pool.memoryBytes();
}

} // namespace runlens
