#include "loader.h"
#include "readerregistry.h"
#include "runcache.h"
#include "tablesnapshot.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QSet>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// Keeps, for every run identity that several folders share, the most recent folder. Each kept
/// candidate carries its identity on, so the reader need not work it out again; the folders
/// left out go to `dropped` when given.
int mergeSameRuns(std::vector<RunCandidate> &runs, std::vector<RunCandidate> *dropped) {
    struct Best {
        std::size_t index;
        QString recency;
    };
    QHash<QString, Best> best;
    std::vector<bool> drop(runs.size(), false);
    std::vector<RunIdentity> ids(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        ids[i] = runs[i].reader->identify(runs[i]);
        if (ids[i].id.isEmpty()) continue;
        const QString key = runs[i].reader->format() + u'\n' + ids[i].id;
        auto it = best.find(key);
        if (it == best.end()) {
            best.insert(key, Best{i, ids[i].recency});
            continue;
        }
        std::size_t keep = it->index, lose = i;
        if (ids[i].recency > it->recency) {
            std::swap(keep, lose);
            *it = Best{i, ids[i].recency};
        }
        drop[lose] = true;
        runs[keep].alsoAt << runs[lose].path << runs[lose].alsoAt;
    }
    int merged = 0;
    std::vector<RunCandidate> kept;
    kept.reserve(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (drop[i]) {
            ++merged;
            if (dropped) dropped->push_back(std::move(runs[i]));
        } else {
            runs[i].identity = std::move(ids[i]);
            kept.push_back(std::move(runs[i]));
        }
    }
    runs = std::move(kept);
    return merged;
}

/// Reads one run as the cache keeps it: without the notes that depend on the other folders
/// found. `cacheable` is false when the reader threw (memory may have run out).
RunRecord readOne(const RunCandidate &c, const ScanNotes &notes, const ReadLimits &limits,
                  bool *cacheable) {
    RunRecord r;
    *cacheable = true;
    try {
        r = c.reader->read(c, notes, limits);
    } catch (const std::exception &e) {
        *cacheable = false;
        r = RunRecord{};
        r.path = c.path;
        r.format = c.reader->format();
        r.addIssue(Issue::Severity::Error, c.path, 0, 0,
                   u"could not read the run: %1"_s.arg(QString::fromUtf8(e.what())));
    }
    if (r.id.isEmpty()) r.id = c.path;
    if (r.name.isEmpty()) r.name = r.id;
    if (r.unlistedIssues > 0)
        r.issues.push_back(
            Issue{Issue::Severity::Warning, c.path, 0, 0,
                  u"%1 more issues in this run are not listed"_s.arg(r.unlistedIssues)});
    return r;
}

/// Reads the runs a run file holds (never cached: one file, many runs, read in one pass).
std::vector<RunRecord> readFileRuns(const RunCandidate &c, const ReadLimits &limits,
                                    bool *sound = nullptr) {
    std::vector<RunRecord> runs;
    try {
        runs = c.reader->readFile(c, limits);
    } catch (const std::exception &e) {
        if (sound) *sound = false; // out of memory, say: another try may go better
        runs.clear();
        RunRecord r;
        r.id = r.name = r.path = c.path;
        r.format = c.reader->format();
        r.addIssue(Issue::Severity::Error, c.path, 0, 0,
                   u"could not read the file: %1"_s.arg(QString::fromUtf8(e.what())));
        runs.push_back(std::move(r));
    }
    for (RunRecord &r : runs) {
        if (r.format.isEmpty()) r.format = c.reader->format();
        if (r.path.isEmpty()) r.path = c.path;
        if (r.id.isEmpty()) r.id = r.path;
        if (r.name.isEmpty()) r.name = r.id;
    }
    return runs;
}

/// Notes that depend on the other folders found (not cached).
void addMergeNotes(const RunCandidate &c, RunRecord &r) {
    for (const QString &other : c.alsoAt)
        r.addIssue(
            Issue::Severity::Note, other, 0, 0,
            u"this folder holds the same run (a copy or an earlier part of a resumed run); the most recent folder is read"_s);
}

/// A run as a worker hands it over: its record, and where it came from for the cache.
struct Slot {
    RunRecord record;
    /// A run file's runs: `record` is the first, these the rest; `empty` when it held none.
    std::vector<RunRecord> more;
    bool empty = false;
    std::vector<int> keyIds; ///< from the cache, when the entries' keys are left to fill in
    int cacheEntry = -1;     ///< the cache entry it came from, or -1 when it was read
    QByteArray storeHash;    ///< fingerprint to store it under; empty: do not store
    // What the run was read from, for the table snapshot: the files and their stamps, taken
    // before the run was read.
    QStringList inputs;
    std::vector<FileStamp> inputStamps;
    bool inputsStorable = false;
};

/// What a table snapshot must have been written for besides the run cache's context: the
/// readers and their versions, and the options that change the table.
QByteArray snapshotContext(const QStringList &roots, const ReaderRegistry &registry,
                           const LoadOptions &options) {
    QByteArray context = RunCache::context(roots, options.limits);
    // The walk follows the roots as given, and run ids fall back to paths below their root:
    // `a a/sub` is another table than `a/sub a` (the cache context has them sorted).
    for (const QString &root : roots)
        context += QDir::cleanPath(QDir(root).absolutePath()).toUtf8() + '\n';
    for (const auto &reader : registry.readers())
        context += reader->format().toUtf8() + ' ' + QByteArray::number(reader->version()) + '\n';
    context += options.includeDeleted ? "deleted\n" : "\n";
    return context;
}

} // namespace

LoadResult loadRuns(const QStringList &roots, const ReaderRegistry &registry,
                    const LoadOptions &options) {
    LoadResult result;
    QElapsedTimer clock;
    clock.start();
    double last = 0.0;
    const auto lap = [&clock, &last] {
        const double now = double(clock.nsecsElapsed()) / 1e6;
        return now - std::exchange(last, now);
    };
    const int jobs = std::max(1, options.jobs > 0 ? options.jobs : QThread::idealThreadCount());
    // Nothing changed since the last load: its table is taken whole.
    std::shared_ptr<TableSnapshot> snapshot;
    if (!options.cacheDir.isEmpty() && options.useSnapshot &&
        (!options.onRecords || options.onTable)) {
        snapshot = std::make_shared<TableSnapshot>(options.cacheDir, roots,
                                                   snapshotContext(roots, registry, options));
        if (std::optional<LoadResult> saved = snapshot->open(jobs, options.cancelled)) {
            saved->timings.snapshot = lap();
            saved->timings.total = saved->timings.snapshot;
            const int rows = saved->table.rowCount();
            if (options.progress) options.progress(rows, rows);
            if (options.onRecords) options.onTable(std::exchange(saved->table, {}));
            return std::move(*saved);
        }
        result.cacheProblem = snapshot->problem();
        result.timings.snapshot = lap();
    }
    const qint64 scanStart = FileStamp::nowNs();
    // The cache file is read while the folders are walked.
    std::future<std::optional<RunCache>> opening;
    if (!options.cacheDir.isEmpty())
        opening = std::async(std::launch::async, [&] {
            return std::optional<RunCache>(std::in_place, options.cacheDir, roots, options.limits);
        });
    ScanResult scan =
        scanFolders(roots, registry, options.cancelled, options.scanProgress, snapshot != nullptr);
    if (snapshot) {
        snapshot->addFolders(scan.stamps, scanStart);
        scan.stamps = {};
        // A folder that could not be listed may list another time; its stamp would not tell.
        if (scan.listingFailed) snapshot->refuse();
    }
    result.stats = scan.stats;
    std::vector<RunCandidate> dropped;
    result.mergedFolders = mergeSameRuns(scan.runs, snapshot ? &dropped : nullptr);
    if (snapshot) {
        // A folder merged into the run it copies (identify() compared its files): should
        // those change, it may be a run of its own.
        for (const RunCandidate &c : dropped) {
            const std::optional<QStringList> files = c.reader->inputFiles(c);
            if (!files) {
                snapshot->refuse();
                break;
            }
            bool recent = false;
            const std::vector<FileStamp> stamps = FileStamp::ofAll(*files, &recent);
            snapshot->addInputs(c.path, *files, stamps, !recent);
        }
    }
    const std::vector<RunCandidate> &runs = scan.runs;
    const int total = int(runs.size());
    result.timings.scan = lap();
    std::optional<RunCache> cache = opening.valid() ? opening.get() : std::nullopt;
    result.timings.cacheOpen = lap();

    const auto produce = [&](int i) {
        const RunCandidate &c = runs[std::size_t(i)];
        Slot slot;
        if (c.isFile) {
            if (snapshot) { // SQLite may keep recent changes in a write-ahead log beside it
                slot.inputs = QStringList{c.path, c.path + u"-wal"_s};
                bool recent = false;
                slot.inputStamps = FileStamp::ofAll(slot.inputs, &recent);
                slot.inputsStorable = !recent;
            }
            slot.more = readFileRuns(c, options.limits, &slot.inputsStorable);
            slot.empty = slot.more.empty();
            if (!slot.empty) {
                slot.record = std::move(slot.more.front());
                slot.more.erase(slot.more.begin());
            }
            return slot;
        }
        RunCache::Fingerprint fp;
        if (cache) {
            fp = cache->fingerprint(c, c.identity.value_or(RunIdentity{}), scan.notes);
            if (snapshot) {
                slot.inputs = fp.files;
                slot.inputStamps = fp.stamps;
                slot.inputsStorable = fp.storable;
            }
            if (auto hit = cache->find(c.path, fp.hash)) {
                slot.record = std::move(hit->record);
                slot.cacheEntry = hit->entry;
                slot.keyIds = std::move(hit->keyIds);
                if (options.onRecords) { // whole records for the caller
                    for (std::size_t k = 0; k < slot.keyIds.size(); ++k)
                        slot.record.entries[k].key = cache->key(slot.keyIds[k]).second;
                    slot.keyIds.clear();
                }
                return slot;
            }
        }
        bool cacheable = false;
        slot.record = readOne(c, scan.notes, options.limits, &cacheable);
        if (cacheable && fp.storable) slot.storeHash = fp.hash;
        if (!cacheable) slot.inputsStorable = false; // nor is the table it is in
        return slot;
    };

    std::vector<std::optional<Slot>> results(runs.size());
    std::atomic<int> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable ready; // a record arrived, or the workers stopped
    std::condition_variable space; // the consumer took a record
    constexpr int kWindow = 256;
    int consumed = 0; // guarded by mutex

    const auto work = [&] {
        for (;;) {
            if (stop.load() || (options.cancelled && options.cancelled())) {
                {
                    std::lock_guard lock(mutex); // so a waiter cannot miss the change
                    stop = true;
                }
                ready.notify_all();
                space.notify_all();
                return;
            }
            const int i = next.fetch_add(1);
            if (i >= total) return;
            {
                // Stay at most kWindow runs ahead of the consumer, or records pile up in memory.
                std::unique_lock lock(mutex);
                space.wait(lock, [&] { return i < consumed + kWindow || stop.load(); });
            }
            Slot r = produce(i);
            {
                std::lock_guard lock(mutex);
                results[std::size_t(i)] = std::move(r);
            }
            ready.notify_all();
        }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < std::min(jobs, std::max(total, 1)); ++t)
        threads.emplace_back(work);

    QHash<QString, int> idCount;
    std::vector<int> columnOfKey(cache ? std::size_t(cache->keyCount()) : 0, -1);
    std::vector<RunRecord> batch;
    QElapsedTimer sinceBatch;
    sinceBatch.start();
    for (int i = 0; i < total; ++i) {
        std::optional<Slot> slot;
        {
            std::unique_lock lock(mutex);
            ready.wait(lock, [&] { return results[std::size_t(i)].has_value() || stop.load(); });
            if (!results[std::size_t(i)]) {
                result.cancelled = true;
                break;
            }
            slot = std::move(results[std::size_t(i)]);
            results[std::size_t(i)].reset();
            consumed = i + 1;
        }
        // Waking the workers for every record costs a futex call each (as much as taking a
        // run from the cache); woken every kWindow / 8 records they stay well ahead all the same.
        if (consumed % (kWindow / 8) == 0) space.notify_all();
        if (snapshot)
            snapshot->addInputs(runs[std::size_t(i)].path, slot->inputs, slot->inputStamps,
                                slot->inputsStorable);
        if (slot->empty) {
            if (options.progress) options.progress(i + 1, total);
            continue;
        }
        RunRecord *record = &slot->record;
        if (cache && !runs[std::size_t(i)].isFile) {
            if (slot->cacheEntry >= 0) {
                ++result.cacheHits;
                cache->keep(slot->cacheEntry);
            } else {
                ++result.cacheMisses;
                if (!slot->storeHash.isEmpty())
                    cache->store(runs[std::size_t(i)].path, *record, slot->storeHash);
            }
        }
        // Places one record in the table (or the next batch). A record from the cache names
        // its keys by cache key id (`keyIds`).
        const auto place = [&](RunRecord &record, const std::vector<int> &keyIds) {
            const auto keyOf = [&](std::size_t k) -> Key {
                if (!keyIds.empty()) return cache->key(keyIds[k]).second;
                return record.entries[k].key;
            };
            if (!options.includeDeleted && isDeletedRun(record, keyOf)) {
                ++result.stats.deletedHidden;
                return;
            }
            addMergeNotes(runs[std::size_t(i)], record);
            const int n = ++idCount[record.id];
            if (n > 1) {
                record.addIssue(Issue::Severity::Note, record.path, 0, 0,
                                u"another run has the id %1; this one is shown as %1~%2"_s
                                    .arg(record.id)
                                    .arg(n));
                record.id += u"~%1"_s.arg(n);
            }
            if (options.onRecords) {
                batch.push_back(std::move(record));
                if (int(batch.size()) >= options.batchSize || sinceBatch.elapsed() >= 100) {
                    options.onRecords(std::move(batch));
                    batch = {};
                    sinceBatch.restart();
                }
            } else if (!keyIds.empty()) {
                // From the cache: its key ids map to columns once, not a hashed key per value.
                result.table.appendRunFacts(record);
                for (std::size_t k = 0; k < keyIds.size(); ++k) {
                    const Entry &e = record.entries[k];
                    if (e.value.isMissing()) continue;
                    int &col = columnOfKey[std::size_t(keyIds[k])];
                    if (col < 0) col = result.table.addColumn(e.family, cache->key(keyIds[k]).second);
                    result.table.setValue(col, e.value, e.description);
                }
            } else {
                result.table.appendRun(std::move(record));
            }
        };
        place(*record, slot->keyIds);
        for (RunRecord &more : slot->more)
            place(more, {});
        if (options.progress) options.progress(i + 1, total);
    }
    if (options.onRecords && !batch.empty()) options.onRecords(std::move(batch));
    {
        std::lock_guard lock(mutex);
        stop = true;
    }
    space.notify_all();
    for (auto &t : threads)
        t.join();
    result.timings.read = lap();
    // A cancelled load or a missing root would drop the entries of runs not seen this time.
    const bool complete = !result.cancelled && !(options.cancelled && options.cancelled());
    if (cache && complete && scan.stats.missingRoots.isEmpty()) cache->save();
    if (cache) result.cacheProblem = cache->problem();
    result.table.squeeze();
    if (snapshot && complete) {
        if (options.onRecords && !snapshot->refused()) {
            result.unsavedSnapshot = std::move(snapshot); // the caller has the table
        } else {
            snapshot->save(result);
            if (result.cacheProblem.isEmpty()) result.cacheProblem = snapshot->problem();
        }
    }
    result.timings.cacheSave = lap();
    result.timings.total = double(clock.nsecsElapsed()) / 1e6;
    return result;
}

bool isDeletedRun(const RunRecord &record) {
    return isDeletedRun(record, [&](std::size_t k) { return record.entries[k].key; });
}

bool isDeletedRun(const RunRecord &record, const std::function<Key(std::size_t)> &keyOf) {
    for (std::size_t k = 0; k < record.entries.size(); ++k) {
        const Entry &e = record.entries[k];
        if (e.family != Family::Meta) continue;
        const Key entryKey = keyOf(k);
        if (entryKey.segments().size() > 2) continue;
        const QString key = entryKey.display();
        if (key == u"lifecycle_stage" && e.value.displayText() == u"deleted") return true;
        if ((key == u"guild.deleted" || key == u"optuna.deleted") &&
            e.value.type() == Value::Type::Bool && e.value.toBool())
            return true;
    }
    return false;
}

} // namespace runlens
