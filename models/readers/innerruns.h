#pragma once

#include "reader.h"

#include <QSet>

#include <vector>

namespace runlens {

/// Runs of other tools inside a run folder (a W&B run in a Hydra output folder), found the way
/// the scanner finds runs: each named subfolder walked with the built-in readers. The outer
/// reader shows them as part of its own row, so the scanner must not descend into the folder.
struct InnerRuns {
    QString folder;                 ///< the outer run folder
    std::vector<RunCandidate> runs; ///< one per run; folders holding the same run merged
    ScanNotes notes;                ///< what the walk noted for their readers
    QStringList listed;             ///< the folders walked and links met (for inputFiles())

    /// Walks the subfolders `folders` of `outer` (those the scanner listed) and keeps every run
    /// that a reader other than those of `skipFormats` claims.
    static InnerRuns find(const RunCandidate &outer, const QStringList &folders,
                          const QStringList &skipFormats);

    /// Every file the runs' readers read and every folder the walk listed; nothing when one
    /// of the readers declares none.
    std::optional<QStringList> inputFiles() const;
    /// Which runs there are and what their readers depend on besides their files.
    QString cacheContext() const;

    /// Reads the runs and merges the most recent (by start; ties: the later folder) into `run`:
    /// its metrics, meta keys, status, start, duration, name and issues. Its config where it
    /// differs from `run`'s config (or `run` has none) becomes meta keys
    /// `<format>.config.<key>`; config equal to `run`'s is dropped. A metric or meta key `run`
    /// has already is kept as `<format>.<key>` (a metric's history summaries move with it:
    /// `history.<s>.<format>.<key>`). Meta `<outerFormat>.tracker` and
    /// `<outerFormat>.tracker_run` say which run it was; a note names the runs left out.
    void mergeInto(RunRecord &run, const QString &outerFormat, const ReadLimits &limits) const;

    /// The run mergeInto() merges, or null when there is none. With several runs they are read
    /// (their start times are in their files) and chosen by the same rule.
    const RunCandidate *merged(const ReadLimits &limits) const;

    /// A metric's history for the outer run's curves: the merged run's reader reads it, with
    /// the key that run gave it. `outerMetrics` are the metrics the outer run has itself (no
    /// history); mergeInto() kept the tracker's metric of such a key as `<format>.<key>`.
    std::vector<HistoryPoint> readHistory(const Key &metric, const QSet<Key> &outerMetrics,
                                          const ReadLimits &limits) const;
};

} // namespace runlens
