#pragma once

#include "reader.h"
#include "scanner.h"

#include "run/runtable.h"

#include <functional>

namespace runlens {

class ReaderRegistry;

struct LoadOptions {
    int jobs = 0; ///< reader threads; 0 = one per core
    ReadLimits limits;
    std::function<bool()> cancelled;                   ///< polled between runs, from any thread
    std::function<void(int done, int total)> progress; ///< called on the calling thread
    /// Folders walked and run folders found so far, while the scan runs (calling thread).
    std::function<void(const ScanStats &)> scanProgress;
    /// When set, finished records go here in scan order, in batches (every `batchSize` records
    /// or 100 ms), instead of into LoadResult::table: the GUI appends them on its own thread
    /// so rows appear as they are read. Called on the calling thread.
    std::function<void(std::vector<RunRecord> &&batch)> onRecords;
    int batchSize = 500;
    /// Folder of the persistent run cache (runcache.h); empty: no cache. The CLI and GUI pass
    /// QStandardPaths::CacheLocation.
    QString cacheDir;
    /// Keep the runs their tool marks deleted (isDeletedRun); by default they are counted in
    /// ScanStats::deletedHidden and left out.
    bool includeDeleted = false;
};

/// Whether a tool marks the run deleted: MLflow's `lifecycle_stage` = deleted (deleted runs
/// and the runs of deleted experiments stay on disk), Guild's `guild.deleted` (its trash),
/// `optuna.deleted` (a trial of a study deleted from a journal, which keeps its operations).
bool isDeletedRun(const RunRecord &record);
/// The same for a record whose keys are given apart (`keyOf(k)` is entry k's key).
bool isDeletedRun(const RunRecord &record, const std::function<Key(std::size_t)> &keyOf);

struct LoadResult {
    RunTable table;
    ScanStats stats;
    int mergedFolders = 0; ///< folders that held a run already read from another folder
    bool cancelled = false;
    int cacheHits = 0;    ///< runs taken from the run cache
    int cacheMisses = 0;  ///< runs read from their files while a cache was in use
    QString cacheProblem; ///< a cache file that was unusable or could not be saved
};

/// The whole load, synchronous and pure: scan the roots, merge folders that hold the same run
/// (keeping the most recent), read every run on `jobs` worker threads, and append the records
/// to a RunTable in scan order, so the result does not depend on thread timing. Run ids are
/// made unique (a suffix `~2`, `~3` on later duplicates, with a note). With a cache folder,
/// runs whose input files did not change come from the cache instead of being read, and the
/// cache is saved afterwards when anything changed; the result is the same either way.
LoadResult loadRuns(const QStringList &roots, const ReaderRegistry &registry,
                    const LoadOptions &options = {});

} // namespace runlens
