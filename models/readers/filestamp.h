#pragma once

#include <QStringList>

#include <cstdint>
#include <vector>

namespace runlens {

/// What stat() says of a path, as far as the caches care: enough to tell that a file or a
/// folder listing may have changed (size, times, inode, mode), or the error that stat() gave.
/// A folder's mtime changes whenever an entry is added, removed or renamed in it.
struct FileStamp {
    int error = 0; ///< errno of a failed stat(); 0 when it succeeded
    std::uint32_t mode = 0;
    std::uint64_t size = 0;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    qint64 mtimeNs = 0;
    qint64 ctimeNs = 0;

    /// stat() of a path in the file system's encoding (follows links).
    static FileStamp of(const char *path);
    /// of() each of `paths`, in order; `anyRecent` tells whether one of them is recent() now.
    static std::vector<FileStamp> ofAll(const QStringList &paths, bool *anyRecent);
    /// Now, in the nanoseconds of mtimeNs (for recent()).
    static qint64 nowNs();
    /// Modified within the last `kRacyNs` before `nowNs`: a second change within the file
    /// system's timestamp granularity could then go unseen (as with git's "racy" index
    /// entries), so nothing read from it may be kept as unchanged.
    bool recent(qint64 nowNs) const { return error == 0 && mtimeNs > nowNs - kRacyNs; }
    bool isDir() const;
    friend bool operator==(const FileStamp &, const FileStamp &) = default;

    static constexpr qint64 kRacyNs = 2'000'000'000;
};

} // namespace runlens
