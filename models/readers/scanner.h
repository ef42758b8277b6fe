#pragma once

#include "filestamp.h"
#include "reader.h"

#include <QMetaType>
#include <QStringList>

#include <functional>
#include <vector>

namespace runlens {

class ReaderRegistry;

/// What the walk passed over, and why, so a user can tell "no runs" from "runs skipped".
struct ScanStats {
    int directories = 0; ///< directories listed
    int runFolders = 0;  ///< folders some reader claimed
    int runFiles = 0;    ///< files that may hold many runs (databases, journals)
    int linkedTwice = 0; ///< directories reached again through a link (loops, latest-run)
    int brokenLinks = 0;
    int specialFiles = 0;     ///< sockets, fifos, devices: never opened
    int unreadable = 0;       ///< directories that could not be listed
    int ignoredDirs = 0;      ///< .git, node_modules, __pycache__, virtual envs
    int tooDeep = 0;          ///< directories below the depth limit
    QStringList missingRoots; ///< roots that do not exist or are not folders
    /// Runs the tool marks deleted (MLflow's lifecycle_stage, Guild's trash), left out of the
    /// table unless LoadOptions::includeDeleted (set by the loader, not the scanner).
    int deletedHidden = 0;

    /// One line for humans: "3 runs in 12 folders; skipped: 1 link loop, ...".
    QString summary() const;
};

struct ScanResult {
    std::vector<RunCandidate> runs; ///< in walk order: roots in the order given, names sorted
    ScanNotes notes;
    ScanStats stats;
    /// With `stampFolders`: every folder the walk listed, every link it met and every file a
    /// reader's note() read, with what stat() said of it before it was listed or read. While none
    /// of these change, the walk finds the same runs (TableSnapshot relies on it).
    std::vector<std::pair<QString, FileStamp>> stamps;
    /// A folder could not be listed, or not to its end, for a reason that may pass (too many
    /// open files, an I/O error): another walk may find more. Permissions and removal are no
    /// such reason (a folder's stamp tells when they change).
    bool listingFailed = false;
};

/// Walks folders and finds run folders. Lists directories only (never opens files), follows
/// symlinks to folders but visits each real directory once (so link loops end and a
/// `latest-run` link does not count a run twice: real folders are walked before links).
/// `progress` sees the counts every 256 folders (a large tree takes seconds to walk).
ScanResult scanFolders(const QStringList &roots, const ReaderRegistry &registry,
                       const std::function<bool()> &cancelled = {},
                       const std::function<void(const ScanStats &)> &progress = {},
                       bool stampFolders = false);

} // namespace runlens

Q_DECLARE_METATYPE(runlens::ScanStats)
