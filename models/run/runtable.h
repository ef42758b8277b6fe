#pragma once

#include "key.h"
#include "run.h"
#include "stringpool.h"
#include "value.h"

#include <QHash>

#include <cstdint>
#include <vector>

namespace runlens {

/// Per-run facts that are not key/value cells.
struct RunInfo {
    QString id;
    QString name;
    QString format;
    QString path;
    RunStatus status = RunStatus::Unknown;
    qint64 startMs = -1;
    double durationSec = -1.0;
    std::vector<Issue> issues;

    /// Issues that count for `check`: warnings and errors, not notes.
    int problemCount() const;
};

/// What a column holds: its family, key, and the first description a run gave for it.
struct ColumnInfo {
    Family family = Family::Config;
    Key key;
    QString display; ///< key.display(), cached
    QString description;
};

/// The columnar store of all loaded runs: one row per run, one column per (family, key).
/// Cells are 16-byte typed records with interned strings, stored sparsely per column while a
/// column is rare and densely once common, so 100k runs x 1,000 distinct keys stay small.
/// Rows and columns are appended in load order, which makes the order deterministic.
/// Owned by whoever loaded it (the CLI, later the GUI's document); not thread-safe.
class RunTable {
public:
    int rowCount() const { return int(m_runs.size()); }
    int columnCount() const { return int(m_columns.size()); }
    const RunInfo &run(int row) const { return m_runs[std::size_t(row)]; }
    const ColumnInfo &column(int col) const { return m_columns[std::size_t(col)].info; }
    /// -1 when the table has no such column.
    int findColumn(Family f, const Key &k) const;

    Value value(int row, int col) const;
    bool hasValue(int row, int col) const;

    /// A cell read in place, without building a Value (no allocation, no formatting): for code
    /// that scans a column row by row, such as a query's filter.
    struct CellRef {
        Value::Type type = Value::Type::Missing;
        bool big = false;         ///< an Int beyond 64 bits: `d` is its nearest double
        qint64 i = 0;             ///< Bool (0 or 1) and Int
        double d = 0.0;           ///< Real, big Int
        std::uint32_t textId = 0; ///< text() of a String, List, Object; a number's spelling
    };
    CellRef cellRef(int row, int col) const;
    /// An interned text of cellRef(); the same id is the same text (0 is the empty string).
    const QString &text(std::uint32_t id) const { return m_pool.at(id); }
    /// How many runs have a value in the column.
    int valueCount(int col) const { return int(m_columns[std::size_t(col)].count); }

    /// Moves a reader's record in; returns its row.
    int appendRun(RunRecord &&record);
    /// The parts of appendRun(), for a loader that maps keys to columns itself (the run
    /// cache): a run's facts (moved out of `record`, whose entries are left alone), the column
    /// of a key (appended when new), and a value of the last run, where a second value for
    /// the same column wins and a column keeps the first non-empty description it is given.
    /// Missing values are skipped.
    int appendRunFacts(RunRecord &record);
    int addColumn(Family f, const Key &k);
    void setValue(int col, const Value &v, const QString &description = {});
    /// Compacts storage once loading is done: common columns become dense.
    void squeeze();

    /// Estimate of the heap memory the table holds.
    std::size_t memoryBytes() const;

private:
    friend class TableCodec; // the table snapshot (tablesnapshot.cpp) reads and writes it whole
    struct Cell {
        Value::Type type = Value::Type::Missing;
        bool big = false;
        std::uint32_t text = 0; ///< original spelling (numbers) or payload (strings, lists)
        union {
            qint64 i;
            double d;
        };
        Cell()
            : i(0) {}
    };
    struct Column {
        ColumnInfo info;
        std::size_t count = 0;
        bool dense = false;
        std::vector<std::uint32_t> rows; ///< sparse: sorted row numbers
        std::vector<Cell> cells;         ///< sparse: parallel to rows; dense: one per row
    };
    struct ColumnId {
        Family family;
        Key key;
        friend bool operator==(const ColumnId &a, const ColumnId &b) {
            return a.family == b.family && a.key == b.key;
        }
        friend size_t qHash(const ColumnId &c, size_t seed = 0) {
            return qHash(c.key, seed) ^ size_t(c.family);
        }
    };

    const Cell *findCell(int row, int col) const;
    Cell makeCell(const Value &v);
    Value toValue(const Cell &c) const;

    std::vector<RunInfo> m_runs;
    std::vector<Column> m_columns;
    QHash<ColumnId, int> m_columnIndex;
    StringPool m_pool;
};

} // namespace runlens
