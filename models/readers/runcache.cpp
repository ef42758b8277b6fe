#include "runcache.h"
#include "bytecodec.h"
#include "filestamp.h"
#include "runcachecodec.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTimeZone>
#include <QtEndian>

#include <algorithm>
#include <cstring>

#ifndef RUNLENS_VERSION
#define RUNLENS_VERSION "dev"
#endif

namespace runlens {

using namespace Qt::StringLiterals;

// File layout, little-endian; varints are LEB128, strings a varint (length << 1 | utf16)
// followed by Latin-1 bytes or UTF-16 units (bytecodec.h):
//   0   "RLCACHE\0"
//   8   u32 format version: this layout
//   12  u32 schema version: what records mean; bump it when shared reading code (parsers,
//       flattener, loader steps before the cache) changes any reader's output
//   16  u64 checksum64 of every byte from offset 24 on
//   24  context: varint size + bytes (app version, time zone, read limits, roots); a file
//       with another context is foreign and ignored
//       entries: each a varint size + [path, 20-byte key hash, varint n, n varint key ids,
//       record (runcachecodec.h), whose n values belong to those keys]
//       keys: varint count, each u8 family, varint segment count, segments
//   -16 u64 offset of the keys; -8 u64 number of entries
// Entries refer to keys by id, so a key costs one or two bytes per run instead of its text.

namespace {

constexpr char kMagic[8] = {'R', 'L', 'C', 'A', 'C', 'H', 'E', '\0'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::uint32_t kSchemaVersion = 1;
constexpr qsizetype kHeaderBytes = 24;
constexpr qsizetype kTrailerBytes = 16;
constexpr qsizetype kHashBytes = 20; // SHA-1
/// Far above what a million runs need; a larger file is not read (nor written).
constexpr qint64 kMaxFileBytes = qint64(1) << 30;
// Counts are checked against the bytes that remain, and capped where a record in memory
// takes many times the bytes it was read from, so that a hostile file's cost stays bounded.
constexpr qsizetype kMinEntryBytes = 1 + 1 + kHashBytes; // size, path, hash
constexpr qsizetype kMaxKeys = qsizetype(1) << 22;
constexpr qsizetype kMaxSegments = 1024;

/// Reads the key ids that start an entry's record; false if one is out of range or there
/// are more than `max`.
bool readKeyIds(ByteReader &in, std::size_t keyCount, qsizetype max, std::vector<int> &ids) {
    const qsizetype n = in.count(1);
    if (n > max) return false;
    ids.resize(std::size_t(n));
    for (int &id : ids) {
        const std::uint64_t v = in.varint();
        if (v >= keyCount) return false;
        id = int(v);
    }
    return in.ok();
}

} // namespace

QStringList RunCache::cleanRoots(const QStringList &roots) {
    QStringList clean;
    for (const QString &r : roots)
        clean << QDir::cleanPath(QDir(r).absolutePath());
    clean.sort();
    clean.removeDuplicates();
    return clean;
}

QString RunCache::fileName(const QStringList &roots) {
    const QByteArray sha1 =
        QCryptographicHash::hash(cleanRoots(roots).join(u'\n').toUtf8(), QCryptographicHash::Sha1);
    return u"runs-"_s + QString::fromLatin1(sha1.toHex()) + u".rlc"_s;
}

QByteArray RunCache::context(const QStringList &roots, const ReadLimits &limits) {
    QByteArray context;
    ByteWriter w(context);
    w.string(QStringLiteral(RUNLENS_VERSION));
    w.u32(kSchemaVersion);
    // W&B folder names hold local times: their meaning depends on the time zone.
    w.string(QString::fromUtf8(QTimeZone::systemTimeZoneId()));
    for (const qint64 v : {limits.maxYamlBytes, limits.maxJsonBytes, qint64(limits.parse.maxDepth),
                           qint64(limits.parse.maxNodes), qint64(limits.flatten.maxDepth),
                           qint64(limits.flatten.maxKeys), qint64(limits.flatten.maxVisits)})
        w.svarint(v);
    QStringList only = limits.parse.onlyTopLevelKeys
                           ? QStringList(limits.parse.onlyTopLevelKeys->begin(),
                                         limits.parse.onlyTopLevelKeys->end())
                           : QStringList{};
    only.sort();
    w.u8(limits.parse.onlyTopLevelKeys ? 1 : 0);
    w.string(only.join(u'\n'));
    w.string(cleanRoots(roots).join(u'\n'));
    return context;
}

RunCache::RunCache(const QString &dir, const QStringList &roots, const ReadLimits &limits)
    : m_filePath(QDir(dir).filePath(fileName(roots)))
    // The flattener's cap counts over all of a run's files; readers add a few values besides.
    , m_maxValues(qsizetype(limits.flatten.maxKeys) + 4096)
    , m_context(context(roots, limits)) {
    QFile f(m_filePath);
    if (!f.open(QIODevice::ReadOnly)) return; // no cache yet
    if (f.size() > kMaxFileBytes) {
        m_problem = u"the run cache %1 is too large to read; it is rebuilt"_s.arg(m_filePath);
        m_unusable = true;
        return;
    }
    m_data = f.read(f.size());
    m_unusable = !load();
    if (m_unusable) {
        m_data.clear();
        m_keys.clear();
        m_entries.clear();
        m_index.clear();
    }
}

bool RunCache::load() {
    const char *begin = m_data.constData();
    const qsizetype size = m_data.size();
    if (size < kHeaderBytes + kTrailerBytes || std::memcmp(begin, kMagic, 8) != 0) {
        m_problem = u"the run cache %1 is not a RunLens cache; it is rebuilt"_s.arg(m_filePath);
        return false;
    }
    if (qFromLittleEndian<std::uint32_t>(begin + 8) != kFormatVersion ||
        qFromLittleEndian<std::uint32_t>(begin + 12) != kSchemaVersion)
        return false; // another version of RunLens: silently rebuilt
    const QString damaged = u"the run cache %1 is damaged; it is rebuilt"_s.arg(m_filePath);
    if (checksum64(QByteArrayView(begin + kHeaderBytes, size - kHeaderBytes)) !=
        qFromLittleEndian<std::uint64_t>(begin + 16)) {
        m_problem = damaged;
        return false;
    }
    const char *end = begin + size - kTrailerBytes;
    ByteReader head(begin + kHeaderBytes, end);
    if (head.bytes() != QByteArrayView(m_context) || !head.ok())
        return false; // other roots, limits or time zone
    const std::uint64_t keysAt = qFromLittleEndian<std::uint64_t>(end);
    const std::uint64_t count = qFromLittleEndian<std::uint64_t>(end + 8);
    if (keysAt < std::uint64_t(head.position() - begin) || keysAt > std::uint64_t(end - begin)) {
        m_problem = damaged;
        return false;
    }

    ByteReader keys(begin + keysAt, end);
    const qsizetype keyCount = keys.count(3);
    if (keyCount > kMaxKeys) keys.fail();
    m_keys.reserve(std::size_t(keyCount));
    for (qsizetype k = 0; k < keyCount && keys.ok(); ++k) {
        const auto family = Family(keys.varint(std::uint64_t(Family::Meta)));
        const qsizetype segments = keys.count(1);
        if (segments < 1 || segments > kMaxSegments) keys.fail();
        QStringList list;
        list.reserve(segments);
        for (qsizetype s = 0; s < segments && keys.ok(); ++s)
            list << keys.string();
        m_keys.emplace_back(family, Key(std::move(list)));
    }

    ByteReader entries(head.position(), begin + keysAt);
    if (!keys.ok() || !keys.atEnd() ||
        count > std::uint64_t(entries.remaining() / kMinEntryBytes)) {
        m_problem = damaged;
        return false;
    }
    m_entries.reserve(std::size_t(count));
    m_index.reserve(qsizetype(count));
    for (std::uint64_t i = 0; i < count && entries.ok(); ++i) {
        const QByteArrayView blob = entries.take(entries.count(1));
        ByteReader b(blob);
        const QString path = b.string();
        const QByteArrayView hash = b.take(kHashBytes);
        if (!b.ok()) break;
        m_index.insert(path, int(m_entries.size())); // a repeated path: the last entry wins
        m_entries.push_back(Stored{blob.data(), blob.size(), hash});
    }
    if (!entries.ok() || !entries.atEnd()) {
        m_problem = damaged;
        return false;
    }
    return true;
}

RunCache::Fingerprint RunCache::fingerprint(const RunCandidate &candidate,
                                            const RunIdentity &identity,
                                            const ScanNotes &notes) const {
    const std::optional<QStringList> files = candidate.reader->inputFiles(candidate);
    if (!files) return {};
    QByteArray bytes;
    ByteWriter w(bytes);
    w.string(candidate.reader->format());
    w.svarint(candidate.reader->version());
    w.string(candidate.root); // fallback run ids are relative to it
    w.string(identity.id);
    w.string(candidate.reader->cacheContext(candidate, identity, notes));
    Fingerprint fp;
    bool recent = false;
    fp.stamps = FileStamp::ofAll(*files, &recent);
    fp.storable = !recent;
    for (qsizetype i = 0; i < files->size(); ++i) {
        w.string(files->at(i));
        const FileStamp &st = fp.stamps[std::size_t(i)];
        if (st.error != 0) {
            w.u8(0);
            w.varint(std::uint64_t(st.error));
            continue;
        }
        // ctime and the inode catch what keeps size and mtime: a permission change (the file
        // becomes readable), a file replaced by a copy with preserved times.
        w.u8(1);
        w.u64(st.size);
        w.svarint(st.mtimeNs);
        w.svarint(st.ctimeNs);
        w.u64(st.inode);
        w.varint(st.mode);
    }
    fp.files = *files;
    fp.hash = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
    return fp;
}

std::optional<RunCache::Hit> RunCache::find(const QString &path, const QByteArray &hash) const {
    const auto it = m_index.constFind(path);
    if (it == m_index.constEnd()) return std::nullopt;
    const Stored &e = m_entries[std::size_t(*it)];
    if (hash.size() != kHashBytes || e.hash != QByteArrayView(hash)) return std::nullopt;
    ByteReader in(e.blob, e.blob + e.size);
    in.skipString();
    in.take(kHashBytes);
    Hit hit;
    hit.entry = *it;
    if (!readKeyIds(in, m_keys.size(), m_maxValues, hit.keyIds) ||
        !decodeRecord(in, hit.keyIds, m_keys, path, hit.record) || !in.atEnd())
        return std::nullopt;
    return hit;
}

void RunCache::keep(int entry) {
    m_kept.push_back(entry);
}

void RunCache::beginOutput() {
    if (!m_out.isEmpty()) return;
    m_out.append(kMagic, 8);
    ByteWriter w(m_out);
    w.u32(kFormatVersion);
    w.u32(kSchemaVersion);
    w.u64(0); // checksum, set by save()
    w.bytes(m_context);
}

int RunCache::writerKeyId(Family family, const Key &key) {
    std::pair<int, Key> id(int(family), key);
    if (const auto it = m_writerIds.constFind(id); it != m_writerIds.constEnd()) return *it;
    const int added = int(m_writerKeys.size());
    m_writerIds.insert(std::move(id), added);
    m_writerKeys.emplace_back(family, key);
    return added;
}

void RunCache::store(const QString &path, const RunRecord &record, const QByteArray &hash) {
    Q_ASSERT(hash.size() == kHashBytes);
    if (qsizetype(record.entries.size()) > m_maxValues ||
        record.issues.size() > RunRecord::kMaxIssues + 1)
        return; // find() would refuse it
    beginOutput();
    m_scratch.clear();
    ByteWriter w(m_scratch);
    w.string(path);
    m_scratch.append(hash);
    w.varint(record.entries.size());
    // Runs of one kind list mostly the same keys in the same order: try the key that the
    // previous stored run had at the same position before hashing this one.
    m_lastIds.resize(std::max(m_lastIds.size(), record.entries.size()), -1);
    for (std::size_t k = 0; k < record.entries.size(); ++k) {
        const Entry &e = record.entries[k];
        int &id = m_lastIds[k];
        if (id < 0 || m_writerKeys[std::size_t(id)].first != e.family ||
            m_writerKeys[std::size_t(id)].second != e.key)
            id = writerKeyId(e.family, e.key);
        w.varint(std::uint64_t(id));
    }
    encodeRecord(w, record, path);
    appendEntry();
}

void RunCache::transcode(const Stored &e) {
    // The entry is copied as it is but for its key ids, which the next file numbers anew.
    ByteReader in(e.blob, e.blob + e.size);
    in.skipString();
    in.take(kHashBytes);
    const char *idsAt = in.position();
    std::vector<int> ids;
    if (!readKeyIds(in, m_keys.size(), m_maxValues, ids)) return; // find() decoded it
    m_oldToNew.resize(m_keys.size(), -1);
    m_scratch.clear();
    m_scratch.append(e.blob, idsAt - e.blob);
    ByteWriter w(m_scratch);
    w.varint(ids.size());
    for (const int id : ids) {
        int &mapped = m_oldToNew[std::size_t(id)];
        if (mapped < 0)
            mapped = writerKeyId(m_keys[std::size_t(id)].first, m_keys[std::size_t(id)].second);
        w.varint(std::uint64_t(mapped));
    }
    m_scratch.append(in.position(), e.blob + e.size - in.position());
    appendEntry();
}

void RunCache::appendEntry() {
    ByteWriter(m_out).varint(std::uint64_t(m_scratch.size()));
    m_out.append(m_scratch);
    ++m_outCount;
}

bool RunCache::save() {
    if (!m_unusable && m_outCount == 0 && m_kept.size() == m_entries.size())
        return true; // nothing changed
    beginOutput();
    for (const int e : m_kept)
        transcode(m_entries[std::size_t(e)]);
    const auto keysAt = std::uint64_t(m_out.size());
    ByteWriter w(m_out);
    w.varint(m_writerKeys.size());
    for (const auto &[family, key] : m_writerKeys) {
        w.varint(std::uint8_t(family));
        w.varint(std::uint64_t(key.segments().size()));
        for (const QString &s : key.segments())
            w.string(s);
    }
    w.u64(keysAt);
    w.u64(std::uint64_t(m_outCount));
    const std::uint64_t sum =
        checksum64(QByteArrayView(m_out.constData() + kHeaderBytes, m_out.size() - kHeaderBytes));
    qToLittleEndian(sum, m_out.data() + 16);

    const QByteArray out = std::exchange(m_out, {});
    if (out.size() > kMaxFileBytes) {
        m_problem = u"the run cache would be too large; not saved"_s;
        return false;
    }
    QSaveFile f(m_filePath);
    if (!QDir().mkpath(QFileInfo(m_filePath).absolutePath()) || !f.open(QIODevice::WriteOnly) ||
        f.write(out) != out.size() || !f.commit()) {
        m_problem = u"could not save the run cache %1: %2"_s.arg(m_filePath, f.errorString());
        return false;
    }
    return true;
}

} // namespace runlens
