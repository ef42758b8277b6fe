#pragma once

#include "reader.h"
#include "scanner.h"

#include "run/runtable.h"

#include <functional>
#include <memory>

namespace runlens {

class TableSnapshot;

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
    /// With a cache folder, a load whose table snapshot (tablesnapshot.h) still holds takes
    /// the whole table at once. A caller that sets onRecords takes it here instead, and when
    /// the snapshot did not hold it gets the next one to save with the table it builds from
    /// the records (LoadResult::unsavedSnapshot). Without onTable such a caller gets no
    /// snapshot: every run comes through onRecords.
    std::function<void(RunTable &&table)> onTable;
    /// With a cache folder: keep and use the table snapshot (tests of the run cache alone
    /// turn it off).
    bool useSnapshot = true;
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
    bool fromSnapshot = false; ///< the whole result came from the table snapshot
    int cacheHits = 0;         ///< runs taken from the run cache (or the snapshot)
    int cacheMisses = 0;  ///< runs read from their files while a cache was in use
    QString cacheProblem; ///< a cache file that was unusable or could not be saved
    /// A streaming load's next table snapshot (LoadOptions::onTable), set when the load
    /// completed and the snapshot may be saved: the caller saves it with the table it built
    /// from the records, together with `stats` and `mergedFolders`.
    std::shared_ptr<TableSnapshot> unsavedSnapshot;
    /// Wall time of the load's phases in milliseconds, for `runlens ... --timings`.
    struct Timings {
        double snapshot = 0;  ///< checking (and taking) the table snapshot
        double scan = 0;      ///< walking the folders and merging copies of a run
        double cacheOpen = 0; ///< waiting for the cache file once the walk was done
        double read = 0;      ///< reading (or taking from the cache) and tabling every run
        double cacheSave = 0; ///< writing the cache file and the table snapshot
        double total = 0;
    } timings;
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
