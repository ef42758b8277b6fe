#include "runloader.h"
#include "readers/readerregistry.h"
#include "readers/tablesnapshot.h"

#include <QtConcurrent/QtConcurrentRun>

namespace runlens {

RunLoader::RunLoader(QObject *parent)
    : QObject(parent) {
    qRegisterMetaType<runlens::ScanStats>();
}

RunLoader::~RunLoader() {
    cancel();
    waitForFinished();
}

void RunLoader::cancel() {
    if (m_cancel) m_cancel->store(true);
}

void RunLoader::waitForFinished() {
    for (QFuture<void> &f : m_futures)
        f.waitForFinished();
    m_futures.clear();
}

void RunLoader::start(const QStringList &roots, Delivery delivery, int jobs) {
    cancel();
    m_unsaved.reset();
    const quint64 generation = ++m_generation;
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancelled;
    m_running = true;
    m_futures.removeIf([](const QFuture<void> &f) { return f.isFinished(); });
    // Everything the worker needs is captured by value; results come back through queued
    // calls on this object, so they arrive on its thread and die with it.
    m_futures << QtConcurrent::run([this, roots, jobs, generation, cancelled, delivery,
                                    cacheDir = m_cacheDir, includeDeleted = m_includeDeleted] {
        const ReaderRegistry registry = ReaderRegistry::withBuiltins();
        QElapsedTimer clock;
        clock.start();
        qint64 lastProgress = -1000;
        LoadOptions options;
        options.jobs = jobs;
        options.cacheDir = cacheDir;
        options.includeDeleted = includeDeleted;
        options.batchSize = 1000;
        options.cancelled = [cancelled] { return cancelled->load(); };
        if (delivery == Delivery::Stream) {
            // Nothing changed since the folders were last loaded: the snapshot's table comes
            // whole, as a reload's does.
            options.onTable = [this, generation](RunTable &&whole) {
                auto table = std::make_shared<RunTable>(std::move(whole));
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, table] {
                        if (generation == m_generation) emit tableRead(table);
                    },
                    Qt::QueuedConnection);
            };
            options.onRecords = [this, generation](std::vector<RunRecord> &&records) {
                auto batch = std::make_shared<std::vector<RunRecord>>(std::move(records));
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, batch] {
                        if (generation == m_generation) emit runsRead(batch);
                    },
                    Qt::QueuedConnection);
            };
        }
        options.progress = [&, this, generation](int done, int total) {
            if (done != total && clock.elapsed() - lastProgress < 100) return;
            lastProgress = clock.elapsed();
            const double rate = done / std::max(0.001, clock.elapsed() / 1000.0);
            QMetaObject::invokeMethod(
                this,
                [this, generation, done, total, rate] {
                    if (generation == m_generation) emit progress(done, total, rate);
                },
                Qt::QueuedConnection);
        };
        options.scanProgress = [this, generation](const ScanStats &s) {
            QMetaObject::invokeMethod(
                this,
                [this, generation, folders = s.directories, found = s.runFolders + s.runFiles] {
                    if (generation == m_generation) emit scanning(folders, found);
                },
                Qt::QueuedConnection);
        };
        LoadResult result = loadRuns(roots, registry, options);
        const bool wasCancelled = result.cancelled || cancelled->load();
        if (delivery == Delivery::WholeTable && !wasCancelled) {
            auto table = std::make_shared<RunTable>(std::move(result.table));
            QMetaObject::invokeMethod(
                this,
                [this, generation, table] {
                    if (generation == m_generation) emit tableRead(table);
                },
                Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, stats = result.stats, merged = result.mergedFolders, wasCancelled,
             unsaved = wasCancelled ? nullptr : result.unsavedSnapshot] {
                if (generation != m_generation) return;
                m_running = false;
                if (unsaved) m_unsaved = Unsaved{unsaved, stats, merged};
                emit finished(stats, merged, wasCancelled);
            },
            Qt::QueuedConnection);
    });
}

void RunLoader::saveSnapshot(const RunTable &table) {
    if (!m_unsaved || m_running) return;
    auto result = std::make_shared<LoadResult>();
    result->table = table;
    result->stats = m_unsaved->stats;
    result->mergedFolders = m_unsaved->mergedFolders;
    m_futures.removeIf([](const QFuture<void> &f) { return f.isFinished(); });
    m_futures << QtConcurrent::run([snapshot = std::move(m_unsaved->snapshot), result] {
        if (!snapshot->save(*result)) qWarning("%s", qPrintable(snapshot->problem()));
    });
    m_unsaved.reset();
}

} // namespace runlens
