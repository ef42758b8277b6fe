#pragma once

#include "grouping.h"
#include "run/runtable.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace runlens {

/// How one run's value of a key compares with the baseline run's.
enum class CellChange {
    Same,        ///< equal to the baseline (Value ==; NaN equals NaN), or the baseline itself
    Changed,     ///< both have a value and they differ
    Added,       ///< the baseline lacks the key, this run has it
    Removed,     ///< the baseline has the key, this run lacks it
    BothMissing, ///< neither has it
};

/// How a key's values compare over all the runs of a diff.
enum class KeyStatus {
    Same,          ///< every run has the key, all values equal
    Different,     ///< at least two runs have different values
    MissingInSome, ///< the runs that have the key agree, but some runs lack it
};

/// One key of a diff: its table column and each run's value and change against the baseline.
struct DiffRow {
    int column = -1;
    KeyStatus status = KeyStatus::Same;
    std::vector<CellChange> changes; ///< one per run, in the diff's run order
    /// For numbers on both sides: this run's value minus the baseline's, and that as a percent
    /// of |baseline| (NaN where undefined: no number, a zero baseline, NaN values). The delta
    /// is rounded to the 15 significant digits a double holds of the larger value, the
    /// percent to 15 digits, so 0.1 against 0.01 gives 0.09, not 0.09000000000000001.
    std::vector<double> delta, percent;
};

/// Which keys a diff covers.
struct DiffOptions {
    bool config = true;
    bool metrics = true;
    bool meta = false;
    bool onlyDifferences = true; ///< leave out keys whose status is Same
};

/// Every key of a set of runs (any number, any source format), classified, with the change of
/// each run against a baseline run. Rows come config first, then metrics, then metadata, each
/// in table column order. Holds a reference to the table, which must outlive it.
class RunDiff {
public:
    /// `runs` are table rows (two or more for a useful diff); `baseline` indexes into `runs`.
    RunDiff(const RunTable &table, std::vector<int> runs, int baseline,
            const DiffOptions &options = {});

    const RunTable &table() const { return m_table; }
    const std::vector<int> &runs() const { return m_runs; }
    int baseline() const { return m_baseline; }
    const std::vector<DiffRow> &rows() const { return m_rows; }
    Value value(int row, int run) const;
    /// Keys of each status over all keys considered (also those left out by onlyDifferences).
    int countWithStatus(KeyStatus status) const;

    /// Hydra-style overrides that turn the baseline's config into run `run`'s:
    /// `optimizer.lr=0.001 batch_size=64 +new.key=1 ~dropped.key`; values quoted where Hydra
    /// needs it. Config keys only.
    /// Each override is one shell word (single-quoted where a shell would expand it), so the
    /// text can be pasted after `python train.py`; spelling rules in diffspelling.h.
    QString overrides(int run) const;
    /// overrides(), also appending to `inexpressible` (when given) the display form of each
    /// differing key that Hydra's grammar cannot set or delete (hydraOverride() in
    /// diffspelling.h): such keys are left out of the returned text.
    QString overrides(int run, QStringList *inexpressible) const;
    /// The differing config keys of every run as YAML, nested by key path, one document
    /// section per run (headed by the run's name and id). Concretely: one top-level entry per
    /// run, the baseline included, keyed by runLabels() and preceded by a `# run <id>` comment
    /// (`# run <id> (baseline)`); under it the differing config keys the run has (`{}` when
    /// none), and a `# lacks <key>` comment for each differing key it lacks. Scalars are
    /// spelled so they read back as the same typed values (yamlValue() in diffspelling.h).
    QString differencesAsYaml() const;

private:
    const RunTable &m_table;
    std::vector<int> m_runs;
    int m_baseline = 0;
    std::vector<DiffRow> m_rows;
    int m_statusCounts[3] = {0, 0, 0};
};

/// The table row of the run `spec` names, as a command line names runs: the run with that id,
/// else the one run with that name, else the one run whose id starts with it. -1 with `error`
/// set (naming `spec`, and the candidates when it is ambiguous) when none or several match.
int findRun(const RunTable &table, const QString &spec, QString *error = nullptr);

/// One label per run for headers and YAML: the run's name, `name [id]` where two of `runs`
/// share a name, the id where the name is empty.
QStringList runLabels(const RunTable &table, const std::vector<int> &runs);

QString cellChangeName(CellChange c); ///< "same", "changed", "added", "removed", "missing"
QString keyStatusName(KeyStatus s);   ///< "same", "different", "missing in some"

} // namespace runlens
