#include "filestamp.h"

#include <QFile>

#include <cerrno>
#include <ctime>
#include <sys/stat.h>

namespace runlens {

namespace {

qint64 nanoseconds(const struct timespec &t) {
    return qint64(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

} // namespace

FileStamp FileStamp::of(const char *path) {
    FileStamp s;
    struct stat st {};
    if (::stat(path, &st) != 0) {
        s.error = errno != 0 ? errno : EIO;
        return s;
    }
    s.mode = st.st_mode;
    s.size = std::uint64_t(st.st_size);
    s.device = std::uint64_t(st.st_dev);
    s.inode = std::uint64_t(st.st_ino);
    s.mtimeNs = nanoseconds(st.st_mtim);
    s.ctimeNs = nanoseconds(st.st_ctim);
    return s;
}

std::vector<FileStamp> FileStamp::ofAll(const QStringList &paths, bool *anyRecent) {
    const qint64 now = nowNs();
    std::vector<FileStamp> stamps;
    stamps.reserve(std::size_t(paths.size()));
    *anyRecent = false;
    for (const QString &path : paths) {
        stamps.push_back(of(QFile::encodeName(path).constData()));
        if (stamps.back().recent(now)) *anyRecent = true;
    }
    return stamps;
}

qint64 FileStamp::nowNs() {
    struct timespec t {};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return nanoseconds(t);
}

bool FileStamp::isDir() const {
    return error == 0 && S_ISDIR(mode);
}

} // namespace runlens
