#pragma once

#include "filestamp.h"
#include "reader.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace runlens {

/// A persistent cache of parsed runs for one set of root folders: one file in a cache folder,
/// `runs-<sha1 of the sorted roots>.rlc`, holding for each run folder the record its reader
/// made and a key of everything that reading depended on (each input file's size, times and
/// inode, the reader's version, identity and context). A run whose key still matches is not
/// read again. The cache never changes results: a missing, stale, corrupt or foreign file (or
/// entry) is ignored and rebuilt. Owned by one loadRuns() call: it is opened before the reader
/// threads start, which then call the const fingerprint() and find() concurrently; keep(), store()
/// and save() belong to the calling thread. The file layout is described in runcache.cpp.
class RunCache {
public:
    /// What a cached entry must match. `storable` is false when an input file was modified so
    /// recently that a second change within the file system's timestamp granularity could go
    /// unnoticed (as in git's "racy" index entries), or when the reader declares no inputs.
    struct Fingerprint {
        QByteArray hash;
        bool storable = false;
        QStringList files;             ///< the reader's input files
        std::vector<FileStamp> stamps; ///< what stat() said of each, before the run was read
    };

    /// Loads the cache of `roots` from `dir` (one read of the file); a missing or unusable file
    /// gives an empty cache, and problem() says why when there was a file.
    RunCache(const QString &dir, const QStringList &roots, const ReadLimits &limits);

    /// What a cache file of `roots` read with `limits` must have been written for: the
    /// release, the schema, the time zone, the limits and the roots.
    static QByteArray context(const QStringList &roots, const ReadLimits &limits);
    /// The roots as absolute clean paths, sorted, each once: what names a set of opened
    /// folders (the cache file's and the table snapshot's names).
    static QStringList cleanRoots(const QStringList &roots);
    /// `runs-<sha1>.rlc` for these roots.
    static QString fileName(const QStringList &roots);
    const QString &filePath() const { return m_filePath; }
    int entryCount() const { return int(m_entries.size()); }
    /// Why an existing cache file was not used, or why saving failed; empty when all is well.
    const QString &problem() const { return m_problem; }

    /// Computes a run's key: one stat() per input file. Thread-safe.
    Fingerprint fingerprint(const RunCandidate &candidate, const RunIdentity &identity,
                            const ScanNotes &notes) const;
    /// A cached run: its record, whose entries carry their family but not their key, the key
    /// id of each entry (see key()), and the entry to keep().
    struct Hit {
        RunRecord record;
        std::vector<int> keyIds;
        int entry = -1;
    };
    /// The cached run at `path` if its fingerprint hash is `hash` and its entry decodes.
    /// Thread-safe.
    std::optional<Hit> find(const QString &path, const QByteArray &hash) const;
    int keyCount() const { return int(m_keys.size()); }
    const std::pair<Family, Key> &key(int id) const { return m_keys[std::size_t(id)]; }

    /// Carries a found entry over into the next save.
    void keep(int entry);
    /// Adds the freshly read record of the run at `path` (as the reader returned it, before
    /// the loader's notes), with the hash of a storable fingerprint.
    void store(const QString &path, const RunRecord &record, const QByteArray &hash);
    /// Writes the file atomically if entries were added, replaced or dropped since it was
    /// loaded (entries neither kept nor stored are dropped). False when writing failed.
    bool save();

private:
    struct Stored {
        const char *blob;
        qsizetype size;
        QByteArrayView hash;
    };

    bool load();
    int writerKeyId(Family family, const Key &key);
    void beginOutput();
    void transcode(const Stored &e);
    void appendEntry();

    QString m_filePath;
    qsizetype m_maxValues; ///< per run; a record with more is neither stored nor read back
    QByteArray m_context;  ///< roots, limits, time zone, versions: a file for other ones is foreign
    QString m_problem;
    bool m_unusable = false; ///< there is a file, but not one to use: replace it on save

    // The loaded file, read-only while reader threads run.
    QByteArray m_data;
    std::vector<std::pair<Family, Key>> m_keys;
    std::vector<Stored> m_entries;
    QHash<QString, int> m_index;

    // What the next save writes.
    std::vector<int> m_kept;
    QByteArray m_out; ///< file under construction: header, context, then stored entries
    QByteArray m_scratch;
    int m_outCount = 0;
    QHash<std::pair<int, Key>, int> m_writerIds;
    std::vector<std::pair<Family, Key>> m_writerKeys;
    std::vector<int> m_oldToNew; ///< key ids of the loaded file -> ids of the next save
    std::vector<int> m_lastIds;  ///< key ids of the last stored run, by position
};

} // namespace runlens
