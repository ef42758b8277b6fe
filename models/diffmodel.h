#pragma once

#include "analysis/diff.h"

#include <QAbstractTableModel>
#include <QHash>

#include <memory>
#include <optional>

namespace runlens {

/// A diff of any number of runs for a view: keys as rows, runs as columns (column 0 the key).
/// Only the keys that differ by default, or all; a text filter on the key; each cell carries
/// its change against the baseline (changed, added, removed) and, for metrics with a delta,
/// whether the change is good by the metric's direction. Uses RunTableModel's roles for
/// family, missing, NaN and numbers. QtCore only.
class DiffModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Role {
        ChangeRole = Qt::UserRole + 96, ///< int: CellChange of a run cell
        KeyStatusRole,                  ///< int: KeyStatus of the row
        VerdictRole,                    ///< int: +1 better than the baseline, -1 worse, 0 neither
        BaselineRole,                   ///< bool: the cell is in the baseline's column
    };

    explicit DiffModel(QObject *parent = nullptr);
    ~DiffModel() override;

    /// Diffs `runs` (table rows) against runs[baseline]. The table must outlive the model or
    /// the next setRuns().
    void setRuns(const RunTable *table, const std::vector<int> &runs, int baseline);
    void setBaseline(int run);
    int baseline() const { return m_baseline; }
    const std::vector<int> &runs() const { return m_runs; }
    /// All keys, or only those whose values are not the same in every run (default).
    void setShowAll(bool all);
    bool showAll() const { return m_showAll; }
    /// Case-insensitive text the key must contain.
    void setFilterText(const QString &text);
    /// Directions set by the user, by `family:key` (as GroupTreeModel keeps them).
    void setDirectionOverrides(const QHash<QString, int> &overrides);

    const RunDiff *diff() const { return m_diff.get(); }
    /// The diff row of a model row.
    int diffRow(int row) const { return m_shown[std::size_t(row)]; }
    /// The next (or previous) row after `row` whose key differs, wrapping around; -1 if none.
    int nextDifference(int row, bool forward) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void recompute();
    void refilter();
    int verdict(const DiffRow &row, int run) const;

    const RunTable *m_table = nullptr;
    std::vector<int> m_runs;
    int m_baseline = 0;
    bool m_showAll = false;
    QString m_filter;
    QHash<QString, int> m_directions;
    std::unique_ptr<RunDiff> m_diff;
    std::vector<int> m_shown; ///< diff rows shown, in order
    QStringList m_keys;       ///< header per diff row
    QStringList m_labels;     ///< header per run
};

} // namespace runlens
