#include "scanner.h"
#include "readerregistry.h"

#include <QDir>
#include <QFile>
#include <QSet>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sys/stat.h>

namespace runlens {

using namespace Qt::StringLiterals;
namespace fs = std::filesystem;

QString ScanStats::summary() const {
    QStringList skipped;
    const auto add = [&](int n, const QString &what) {
        if (n > 0) skipped << u"%1 %2"_s.arg(n).arg(what);
    };
    add(linkedTwice, u"folder(s) reached twice through links"_s);
    add(brokenLinks, u"broken link(s)"_s);
    add(specialFiles, u"special file(s)"_s);
    add(unreadable, u"unreadable folder(s)"_s);
    add(ignoredDirs, u"ignored folder(s) (.git, node_modules, ...)"_s);
    add(tooDeep, u"folder(s) nested too deep"_s);
    add(int(missingRoots.size()), u"missing path(s)"_s);
    QString out = u"%1 run folder(s)"_s.arg(runFolders);
    if (runFiles > 0) out += u" and %1 run file(s)"_s.arg(runFiles);
    out += u" in %1 folder(s)"_s.arg(directories);
    if (!skipped.isEmpty()) out += u"; skipped: "_s + skipped.join(u", "_s);
    if (deletedHidden > 0)
        out += u"; %1 deleted run(s) hidden"_s.arg(deletedHidden);
    return out;
}

namespace {

constexpr int kMaxDepth = 48;

bool ignoredDir(const QString &name) {
    static const QSet<QString> names = {
        u".git"_s,          u"node_modules"_s,       u"__pycache__"_s, u".venv"_s,      u"venv"_s,
        u"site-packages"_s, u".ipynb_checkpoints"_s, u".tox"_s,        u".mypy_cache"_s};
    return names.contains(name);
}

struct Walker {
    const ReaderRegistry &registry;
    const std::function<bool()> &cancelled;
    const std::function<void(const ScanStats &)> &progress;
    ScanResult &result;
    bool stampFolders;
    std::set<std::pair<std::uint64_t, std::uint64_t>> visited;

    bool firstVisit(const fs::path &p) {
        const FileStamp st = FileStamp::of(p.c_str());
        if (st.error != 0) return false;
        if (!visited.insert({st.device, st.inode}).second) return false;
        if (stampFolders) result.stamps.emplace_back(QString::fromStdString(p.string()), st);
        return true;
    }

    void noteFailure(const std::error_code &ec) {
        if (ec != std::errc::permission_denied && ec != std::errc::no_such_file_or_directory &&
            ec != std::errc::not_a_directory)
            result.listingFailed = true;
    }

    void walk(const fs::path &dir, const QString &root, int depth) {
        if (cancelled && cancelled()) return;
        if (depth > kMaxDepth) {
            ++result.stats.tooDeep;
            return;
        }
        std::error_code ec;
        fs::directory_iterator it(dir, fs::directory_options::none, ec);
        if (ec) {
            ++result.stats.unreadable;
            noteFailure(ec);
            return;
        }
        if (++result.stats.directories % 256 == 0 && progress) progress(result.stats);
        DirListing listing;
        listing.path = QString::fromStdString(dir.string());
        listing.name = QString::fromStdString(dir.filename().string());
        std::vector<std::pair<QString, bool>> subdirs; // name, reached through a link
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) break;
            const fs::directory_entry &e = *it;
            const QString name = QString::fromStdString(e.path().filename().string());
            std::error_code sec;
            // The entry's type comes with the listing (d_type); only links need a stat().
            const bool isLink = e.is_symlink(sec);
            if (isLink && stampFolders) // what it points at may appear, go or change
                result.stamps.emplace_back(QString::fromStdString(e.path().string()),
                                           FileStamp::of(e.path().c_str()));
            const fs::file_type type = isLink                   ? e.status(sec).type()
                                       : e.is_directory(sec)    ? fs::file_type::directory
                                       : e.is_regular_file(sec) ? fs::file_type::regular
                                                                : fs::file_type::unknown;
            if (sec || type == fs::file_type::not_found) {
                if (isLink) ++result.stats.brokenLinks;
                continue;
            }
            if (type == fs::file_type::regular)
                listing.files << name;
            else if (type == fs::file_type::directory)
                subdirs.emplace_back(name, isLink);
            else
                ++result.stats.specialFiles;
        }
        if (ec) {
            ++result.stats.unreadable;
            noteFailure(ec);
        }
        listing.files.sort();
        // Real folders before links to folders, so a run is found under its real name.
        std::sort(subdirs.begin(), subdirs.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? !a.second : a.first < b.first;
        });
        for (const auto &s : subdirs)
            listing.dirs << s.first;

        bool descend = true;
        if (const Reader *reader = registry.detect(listing)) {
            ++result.stats.runFolders;
            result.runs.push_back(RunCandidate{
                listing.path, root, reader, listing.files, listing.dirs, {}, std::nullopt});
            descend = reader->descendIntoRuns(listing);
        } else {
            QSet<QString> runFiles; // a file two readers may read (an SQLite store) counts once
            for (const auto &r : registry.readers()) {
                if (stampFolders) // before note() reads them
                    for (const QString &file : r->notedFiles(listing))
                        result.stamps.emplace_back(
                            file, FileStamp::of(QFile::encodeName(file).constData()));
                r->note(listing, result.notes);
                for (const QString &file : r->runFiles(listing)) {
                    if (!runFiles.contains(file)) {
                        runFiles.insert(file);
                        ++result.stats.runFiles;
                    }
                    RunCandidate c{listing.path + u'/' + file, root, r.get(), {}, {}, {},
                                   std::nullopt};
                    c.isFile = true;
                    result.runs.push_back(std::move(c));
                }
            }
        }
        if (!descend) return;
        for (const auto &[name, isLink] : subdirs) {
            if (ignoredDir(name)) {
                ++result.stats.ignoredDirs;
                continue;
            }
            const fs::path child = dir / name.toStdString();
            if (isLink) {
                deferred.push_back({child, root, depth + 1}); // after every real folder
                continue;
            }
            if (!firstVisit(child)) {
                ++result.stats.linkedTwice;
                continue;
            }
            walk(child, root, depth + 1);
        }
    }

    /// Folders reached through links are walked last, so a run is found under its real path
    /// even when a link to it sorts earlier (`aaa/latest -> ../wandb/run-x`).
    void walkDeferred() {
        while (!deferred.empty()) {
            std::vector<Pending> batch = std::move(deferred);
            deferred.clear();
            for (const Pending &p : batch) {
                if (!firstVisit(p.dir)) {
                    ++result.stats.linkedTwice;
                    continue;
                }
                walk(p.dir, p.root, p.depth);
            }
        }
    }

    struct Pending {
        fs::path dir;
        QString root;
        int depth;
    };
    std::vector<Pending> deferred;
};

} // namespace

ScanResult scanFolders(const QStringList &roots, const ReaderRegistry &registry,
                       const std::function<bool()> &cancelled,
                       const std::function<void(const ScanStats &)> &progress, bool stampFolders) {
    ScanResult result;
    Walker walker{registry, cancelled, progress, result, stampFolders, {}, {}};
    for (const QString &root : roots) {
        const QString clean = QDir::cleanPath(QDir(root).absolutePath());
        const fs::path p(clean.toStdString());
        std::error_code ec;
        if (!fs::is_directory(p, ec)) {
            result.stats.missingRoots << root;
            continue;
        }
        if (!walker.firstVisit(p)) {
            // A root that is (a link to) a folder walked already: should it point elsewhere
            // later, its stamp tells.
            if (stampFolders) result.stamps.emplace_back(clean, FileStamp::of(p.c_str()));
            ++result.stats.linkedTwice;
            continue;
        }
        walker.walk(p, clean, 0);
    }
    walker.walkDeferred();
    return result;
}

} // namespace runlens
