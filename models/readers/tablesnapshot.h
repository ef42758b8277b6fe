#pragma once

#include "filestamp.h"
#include "loader.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace runlens {

/// The whole result of the last load of a set of root folders, kept beside the run cache as
/// `table-<sha1 of the sorted roots>.rls`, with a stamp (FileStamp) of everything the result
/// depended on: every folder the walk listed, every link it met, every input file of every run
/// and every database or journal that held runs. Opening the same folders again checks those
/// stamps (one stat() each, on all cores) and, when none changed, takes the table as it was
/// saved: no walk, no cache lookups per run, no table building. Anything changed, added or
/// removed, a file that was being written while it was read, or a damaged or foreign file
/// makes the load go the usual way (the run cache still spares it the unchanged runs) and
/// writes a new snapshot. The file layout is described in tablesnapshot.cpp.
class TableSnapshot {
public:
    /// `context`: everything else the result depends on (RunCache::context(), the readers and
    /// their versions, load options); a snapshot written for another context is not used.
    TableSnapshot(const QString &cacheDir, const QStringList &roots, QByteArray context);

    /// `table-<sha1>.rls` for these roots.
    static QString fileName(const QStringList &roots);
    const QString &filePath() const { return m_filePath; }

    /// The saved result, if there is a snapshot for this context and every stamp in it still
    /// holds (checked on `jobs` threads). nullopt when there is none, when something changed,
    /// when `cancelled` says so, or when the file is damaged (problem() then says why).
    std::optional<LoadResult> open(int jobs, const std::function<bool()> &cancelled = {});

    // Building the next snapshot while a load runs, in scan order.
    /// The walk's stamps (ScanResult::stamps), taken after `scanStartNs`.
    void addFolders(const std::vector<std::pair<QString, FileStamp>> &folders, qint64 scanStartNs);
    /// The input files of the run (or run file) at `runPath` as stat() saw them before the
    /// run was read; `storable` false when one was too recent to trust (see FileStamp).
    void addInputs(const QString &runPath, const QStringList &files,
                   const std::vector<FileStamp> &stamps, bool storable);
    /// A run whose inputs are not known: no snapshot can be saved for this load.
    void refuse() { m_refused = true; }
    bool refused() const { return m_refused; }
    /// Writes the snapshot of `result` atomically (a finished, uncancelled load of roots that
    /// all exist), unless refused; removes a stale one that cannot be replaced. False when
    /// writing failed (problem() says why).
    bool save(const LoadResult &result);

    /// Why a snapshot file was not used or not written, for the user; empty when all is well
    /// or the reason is ordinary (no snapshot yet, something changed).
    const QString &problem() const { return m_problem; }

private:
    std::optional<LoadResult> read(int jobs, const std::function<bool()> &cancelled);
    void addStamp(qsizetype base, QByteArrayView rel, const FileStamp &stamp);
    void removeFile();

    QString m_filePath;
    QByteArray m_context;
    QString m_problem;

    // The next snapshot's stamps, encoded as they are added.
    QByteArray m_stamps;
    qsizetype m_stampCount = 0;
    QHash<QString, qsizetype> m_folderIndex; ///< folder path -> its stamp's index
    bool m_refused = false;
};

} // namespace runlens
