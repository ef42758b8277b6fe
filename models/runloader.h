#pragma once

#include "readers/loader.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>

namespace runlens {

/// Runs loadRuns on a worker thread for the GUI and hands results back on the GUI thread, in
/// batches, as values. The newest request wins: starting a load cancels the one running, whose
/// late batches are dropped. Cancel stops the workers between two runs. Owned by the window.
class RunLoader : public QObject {
    Q_OBJECT

public:
    explicit RunLoader(QObject *parent = nullptr);
    ~RunLoader() override;

    /// Starts loading `roots`; a load already running is cancelled and superseded. Streaming
    /// delivers runs in batches (runsRead) as they are read; otherwise the whole table is built
    /// on the worker and delivered once (tableRead), so a reload costs the GUI thread nothing.
    enum class Delivery { Stream, WholeTable };
    void start(const QStringList &roots, Delivery delivery = Delivery::Stream, int jobs = 0);
    /// Where parsed runs are cached between opens (empty: no cache). The window passes the
    /// user's cache folder; the cache never changes results, only the time a second open takes.
    void setCacheDir(const QString &dir) { m_cacheDir = dir; }
    /// Keep runs their tool marks deleted (next load); by default they are left out.
    void setIncludeDeleted(bool on) { m_includeDeleted = on; }
    bool includeDeleted() const { return m_includeDeleted; }
    void cancel();
    bool isLoading() const { return m_running; }
    /// After a streamed load finished (not cancelled): keeps `table`, the table built from
    /// its batches, as the snapshot the next open of the same folders takes whole (see
    /// TableSnapshot). The table is copied here and written on a worker. Does nothing when
    /// the load left nothing to save (it came from the snapshot, had no cache folder, or
    /// something changed while it ran) or a newer load started since.
    void saveSnapshot(const RunTable &table);
    /// Blocks until every worker has stopped (tests, shutdown).
    void waitForFinished();

signals:
    /// A batch of runs in scan order; the receiver may move the records out.
    void runsRead(std::shared_ptr<std::vector<runlens::RunRecord>> batch);
    /// The whole table of a WholeTable load, just before `finished`.
    void tableRead(std::shared_ptr<runlens::RunTable> table);
    /// While the folders are walked: folders seen and run folders found so far.
    void scanning(int folders, int runFolders);
    /// Runs read of those found, with the rate so far (runs per second).
    void progress(int done, int total, double runsPerSecond);
    /// The load ended: completed, or cancelled (then `cancelled` is true).
    void finished(const runlens::ScanStats &stats, int mergedFolders, bool cancelled);

private:
    /// Every job not known to be finished: a superseded job still runs until it sees its
    /// cancel flag, and it must end before this object does.
    QList<QFuture<void>> m_futures;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0;
    bool m_running = false;
    bool m_includeDeleted = false;
    QString m_cacheDir;
    /// What the last finished streamed load left for saveSnapshot().
    struct Unsaved {
        std::shared_ptr<TableSnapshot> snapshot;
        ScanStats stats;
        int mergedFolders = 0;
    };
    std::optional<Unsaved> m_unsaved;
};

} // namespace runlens
