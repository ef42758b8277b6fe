#pragma once

#include "grouping.h"
#include "run/key.h"
#include "run/value.h"

#include <QFlags>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace runlens {

/// What a column of a TableSource holds beyond its header: what the LaTeX and HTML writers
/// typeset by and what a view colours by. The default describes a plain column.
struct ColumnMeta {
    /// The family of the key whose values (or statistics) the column shows; none for run
    /// fields, a group's `runs`, a diff's `key`, `status` and run columns (their rows mix
    /// families).
    std::optional<Family> family;
    /// Set for a column whose numbers compete for "best" (a metric's values, its mean,
    /// median, min or max; not a spread, count or delta): which way is better.
    std::optional<Direction> direction;
    /// Not empty for a column whose cells each join these statistics of one set of runs
    /// (`0.912 ± 0.010 (n=3)`): cellSummary() gives the numbers, joinedText() the text.
    std::vector<Aggregate> aggregates;
};

/// Marks on one cell, as the window shows them (models carry meaning, writers the looks).
enum class CellMark : quint16 {
    Best = 0x01,                ///< the best number of its column, by the column's direction
    Baseline = 0x02,            ///< the baseline run's cell (its row, or its column in a diff)
    DiffersFromBaseline = 0x04, ///< a key's value that is not the baseline run's
    Changed = 0x08,             ///< diff: both have a value and it is not the baseline's
    Added = 0x10,               ///< diff: the baseline lacks the key, this run has it
    Removed = 0x20,             ///< diff: the baseline has the key, this run lacks it
    Better = 0x40,              ///< diff: a metric that moved the good way (by its direction)
    Worse = 0x80,               ///< diff: a metric that moved the bad way
};
Q_DECLARE_FLAGS(CellMarks, CellMark)
Q_DECLARE_OPERATORS_FOR_FLAGS(CellMarks)

/// A rectangular table of typed cells with headers: what the exporters write. Implemented by
/// the per-run view, the grouped and pivot tables, the diff, the key listing and the issue
/// listing, so one set of writers serves all. Beside the cells a source may say what its
/// columns mean and how its cells are marked; the defaults say nothing, and the writers for
/// programs (CSV, TSV, JSON) never ask. Every method is const and safe to call from several
/// threads at once.
class TableSource {
public:
    virtual ~TableSource() = default;
    virtual int rowCount() const = 0;
    virtual int columnCount() const = 0;
    virtual QString header(int column) const = 0;
    virtual Value cell(int row, int column) const = 0;

    virtual ColumnMeta columnMeta(int column) const {
        Q_UNUSED(column);
        return {};
    }
    virtual CellMarks cellMarks(int row, int column) const {
        Q_UNUSED(row);
        Q_UNUSED(column);
        return {};
    }
    /// The statistics behind a cell of a column with ColumnMeta::aggregates (and of a single
    /// aggregate's column); null elsewhere and where the cell covers no run.
    virtual const ColumnSummary *cellSummary(int row, int column) const {
        Q_UNUSED(row);
        Q_UNUSED(column);
        return nullptr;
    }
    /// What the table shows in a few words, for a caption: `34 runs`, `11 groups of 34 runs
    /// by optimizer.name, optimizer.lr`. Empty when the source has nothing to say.
    virtual QString description() const { return {}; }
};

/// Some rows of another table, in a given order (a diff's shown keys, an export's preview):
/// its columns, marks and summaries, the marks as the whole table has them (the best value
/// stays the best of all rows). Owns the other table when given it as a unique_ptr.
class RowSubset final : public TableSource {
public:
    RowSubset(const TableSource &inner, std::vector<int> rows)
        : m_inner(inner), m_rows(std::move(rows)) {}
    RowSubset(std::unique_ptr<TableSource> inner, std::vector<int> rows)
        : m_owned(std::move(inner)), m_inner(*m_owned), m_rows(std::move(rows)) {}
    /// The first `count` rows of `inner`.
    static std::vector<int> firstRows(const TableSource &inner, int count) {
        std::vector<int> rows;
        for (int r = 0; r < inner.rowCount() && r < count; ++r)
            rows.push_back(r);
        return rows;
    }

    int rowCount() const override { return int(m_rows.size()); }
    int columnCount() const override { return m_inner.columnCount(); }
    QString header(int column) const override { return m_inner.header(column); }
    Value cell(int row, int column) const override { return m_inner.cell(at(row), column); }
    ColumnMeta columnMeta(int column) const override { return m_inner.columnMeta(column); }
    CellMarks cellMarks(int row, int column) const override {
        return m_inner.cellMarks(at(row), column);
    }
    const ColumnSummary *cellSummary(int row, int column) const override {
        return m_inner.cellSummary(at(row), column);
    }
    QString description() const override { return m_inner.description(); }

private:
    int at(int row) const { return m_rows[std::size_t(row)]; }
    std::unique_ptr<TableSource> m_owned;
    const TableSource &m_inner;
    std::vector<int> m_rows;
};

} // namespace runlens
