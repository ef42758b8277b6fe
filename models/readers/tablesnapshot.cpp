#include "tablesnapshot.h"
#include "bytecodec.h"
#include "runcache.h"
#include "runcachecodec.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QtEndian>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <future>
#include <string>
#include <thread>

namespace runlens {

using namespace Qt::StringLiterals;

// File layout, little-endian, varints and strings as in bytecodec.h:
//   0   "RLTABLE\0"
//   8   u32 format version: this layout and what the table's parts mean
//   12  u32 0
//   16  u64 size of the stamps part
//   24  u64 checksum64 of the stamps part
//   32  u64 checksum64 of the table part
//   40  stamps part: varint size + context bytes; varint count; each stamp: varint base (0: the
//       path is absolute; b: it is relative to the absolute path of stamp b - 1), bytes path
//       (the file system's encoding), varint errno (0: stat() succeeded, and then varint mode,
//       varint size, varint device, varint inode, svarint mtime ns, svarint ctime ns)
//   then the table part: scan statistics, merged folders, the string pool, the runs and the
//       columns of the RunTable (TableCodec below).
// The stamps part is read first; the table part is decoded while its stamps are checked, and
// dropped when one of them no longer holds.

namespace {

constexpr char kMagic[8] = {'R', 'L', 'T', 'A', 'B', 'L', 'E', '\0'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr qsizetype kHeaderBytes = 40;
constexpr qint64 kMaxFileBytes = qint64(1) << 32;

QByteArray readBytes(QFile &f, qint64 n) {
    QByteArray out;
    if (n < 0 || n > kMaxFileBytes) return out;
    out.resize(qsizetype(n));
    if (f.read(out.data(), n) != n) out.clear();
    return out;
}

void writeStamp(ByteWriter &w, const FileStamp &s) {
    w.varint(std::uint64_t(s.error));
    if (s.error != 0) return;
    w.varint(s.mode);
    w.varint(s.size);
    w.varint(s.device);
    w.varint(s.inode);
    w.svarint(s.mtimeNs);
    w.svarint(s.ctimeNs);
}

FileStamp readStamp(ByteReader &in) {
    FileStamp s;
    s.error = int(in.varint(std::uint64_t(INT_MAX)));
    if (s.error != 0) return s;
    s.mode = std::uint32_t(in.varint(UINT32_MAX));
    s.size = in.varint();
    s.device = in.varint();
    s.inode = in.varint();
    s.mtimeNs = in.svarint();
    s.ctimeNs = in.svarint();
    return s;
}

struct Stamp {
    QByteArrayView path;
    qsizetype base = -1; ///< index of the absolute stamp `path` is relative to, or -1
    FileStamp stamp;
};

/// Whether every stamp still holds, checked on `jobs` threads; stops at the first change.
bool stampsHold(const std::vector<Stamp> &stamps, int jobs,
                const std::function<bool()> &cancelled) {
    std::atomic<bool> changed{false};
    std::atomic<std::size_t> next{0};
    constexpr std::size_t kBlock = 512;
    const auto work = [&] {
        std::string path;
        for (;;) {
            const std::size_t from = next.fetch_add(kBlock);
            if (from >= stamps.size() || changed.load(std::memory_order_relaxed)) return;
            if (cancelled && cancelled()) {
                changed = true;
                return;
            }
            const std::size_t to = std::min(stamps.size(), from + kBlock);
            for (std::size_t i = from; i < to; ++i) {
                const Stamp &s = stamps[i];
                path.clear();
                if (s.base >= 0) {
                    const QByteArrayView base = stamps[std::size_t(s.base)].path;
                    path.append(base.data(), std::size_t(base.size()));
                    path += '/';
                }
                path.append(s.path.data(), std::size_t(s.path.size()));
                if (!(FileStamp::of(path.c_str()) == s.stamp)) {
                    changed = true;
                    return;
                }
            }
        }
    };
    std::vector<std::thread> threads;
    const int n = std::clamp(jobs, 1, 64);
    for (int t = 1; t < n && std::size_t(t) * kBlock < stamps.size(); ++t)
        threads.emplace_back(work);
    work();
    for (std::thread &t : threads)
        t.join();
    return !changed.load();
}

// The table part. Cells are written field by field (no padding bytes reach the file).

void encodeStats(ByteWriter &w, const LoadResult &r) {
    const ScanStats &s = r.stats;
    for (const int v :
         {s.directories, s.runFolders, s.runFiles, s.linkedTwice, s.brokenLinks, s.specialFiles,
          s.unreadable, s.ignoredDirs, s.tooDeep, s.deletedHidden, r.mergedFolders})
        w.varint(std::uint64_t(std::max(v, 0)));
}

bool decodeStats(ByteReader &in, LoadResult &r) {
    ScanStats &s = r.stats;
    for (int *v : {&s.directories, &s.runFolders, &s.runFiles, &s.linkedTwice, &s.brokenLinks,
                   &s.specialFiles, &s.unreadable, &s.ignoredDirs, &s.tooDeep, &s.deletedHidden,
                   &r.mergedFolders})
        *v = int(in.varint(std::uint64_t(INT_MAX)));
    return in.ok();
}

} // namespace

/// Reads and writes a RunTable's private parts (a friend of RunTable).
class TableCodec {
public:
    static void encode(ByteWriter &w, const RunTable &t);
    /// False on anything malformed, or when `abandon` is set while it decodes.
    static bool decode(ByteReader &in, RunTable &t, const std::atomic<bool> *abandon = nullptr);

private:
    static void encodeCell(ByteWriter &w, const RunTable::Cell &c);
    static bool decodeCell(ByteReader &in, std::uint32_t poolSize, RunTable::Cell &c);
};

void TableCodec::encodeCell(ByteWriter &w, const RunTable::Cell &c) {
    w.u8(std::uint8_t(c.type) | (c.big ? 0x80 : 0));
    switch (c.type) {
    case Value::Type::Missing:
    case Value::Type::Null:
        return;
    case Value::Type::Bool:
        w.u8(c.i != 0 ? 1 : 0);
        return;
    case Value::Type::Int:
        if (c.big)
            w.f64(c.d);
        else
            w.svarint(c.i);
        break;
    case Value::Type::Real:
        w.f64(c.d);
        break;
    case Value::Type::String:
    case Value::Type::List:
    case Value::Type::Object:
        break;
    }
    w.varint(c.text);
}

bool TableCodec::decodeCell(ByteReader &in, std::uint32_t poolSize, RunTable::Cell &c) {
    const std::uint8_t head = in.u8();
    c.big = (head & 0x80) != 0;
    if ((head & 0x7f) > std::uint8_t(Value::Type::Object)) return false;
    c.type = Value::Type(head & 0x7f);
    if (c.big && c.type != Value::Type::Int) return false;
    switch (c.type) {
    case Value::Type::Missing:
    case Value::Type::Null:
        return in.ok();
    case Value::Type::Bool:
        c.i = in.u8() != 0 ? 1 : 0;
        return in.ok();
    case Value::Type::Int:
        if (c.big)
            c.d = in.f64();
        else
            c.i = in.svarint();
        break;
    case Value::Type::Real:
        c.d = in.f64();
        break;
    case Value::Type::String:
    case Value::Type::List:
    case Value::Type::Object:
        break;
    }
    c.text = std::uint32_t(in.varint(poolSize - 1));
    return in.ok();
}

void TableCodec::encode(ByteWriter &w, const RunTable &t) {
    w.varint(t.m_pool.size());
    for (std::size_t i = 1; i < t.m_pool.size(); ++i)
        w.string(t.m_pool.at(std::uint32_t(i)));

    // Formats are few: written once, referred to by number.
    QStringList formats;
    QHash<QString, int> formatIndex;
    for (const RunInfo &r : t.m_runs)
        if (!formatIndex.contains(r.format)) {
            formatIndex.insert(r.format, int(formats.size()));
            formats << r.format;
        }
    w.varint(std::uint64_t(formats.size()));
    for (const QString &f : formats)
        w.string(f);

    w.varint(t.m_runs.size());
    for (const RunInfo &r : t.m_runs) {
        w.string(r.id);
        w.string(r.name);
        w.string(r.path);
        w.varint(std::uint64_t(formatIndex.value(r.format)));
        w.u8(std::uint8_t(r.status));
        w.svarint(r.startMs);
        w.f64(r.durationSec);
        w.varint(r.issues.size());
        for (const Issue &i : r.issues)
            encodeIssue(w, i);
    }

    w.varint(t.m_columns.size());
    for (const RunTable::Column &c : t.m_columns) {
        w.u8(std::uint8_t(c.info.family));
        w.varint(std::uint64_t(c.info.key.segments().size()));
        for (const QString &s : c.info.key.segments())
            w.string(s);
        w.string(c.info.description);
        w.u8(c.dense ? 1 : 0);
        w.varint(c.cells.size());
        std::uint32_t previous = 0;
        if (!c.dense)
            for (const std::uint32_t row : c.rows) { // ascending: deltas are small
                w.varint(row - previous);
                previous = row;
            }
        for (const RunTable::Cell &cell : c.cells)
            encodeCell(w, cell);
    }
}

bool TableCodec::decode(ByteReader &in, RunTable &t, const std::atomic<bool> *abandon) {
    const auto abandoned = [abandon] {
        return abandon && abandon->load(std::memory_order_relaxed);
    };
    // Every count is bounded by the bytes that remain (ByteReader::count), so a hostile file
    // costs at most memory in proportion to its size.
    const qsizetype poolSize = in.count(1);
    if (poolSize < 1 || poolSize > qsizetype(UINT32_MAX)) return false;
    std::vector<QString> pool;
    pool.reserve(std::size_t(poolSize));
    pool.emplace_back();
    for (qsizetype i = 1; i < poolSize && in.ok(); ++i)
        pool.push_back(in.string());
    if (!in.ok() || !t.m_pool.assign(std::move(pool))) return false;

    const qsizetype formatCount = in.count(1);
    std::vector<QString> formats;
    for (qsizetype i = 0; i < formatCount && in.ok(); ++i)
        formats.push_back(in.string());

    const qsizetype runs = in.count(12);
    if (runs > qsizetype(INT_MAX)) return false;
    t.m_runs.resize(std::size_t(runs));
    for (RunInfo &r : t.m_runs) {
        if ((&r - t.m_runs.data()) % 1024 == 0 && abandoned()) return false;
        r.id = in.string();
        r.name = in.string();
        r.path = in.string();
        const std::uint64_t format = in.varint();
        if (format >= formats.size()) return false;
        r.format = formats[format];
        r.status = RunStatus(in.varint(std::uint64_t(RunStatus::Crashed)));
        r.startMs = in.svarint();
        r.durationSec = in.f64();
        const qsizetype issues = in.count(5);
        r.issues.resize(std::size_t(issues));
        for (Issue &i : r.issues)
            i = decodeIssue(in);
        if (!in.ok()) return false;
    }

    const qsizetype columns = in.count(4);
    t.m_columns.reserve(std::size_t(columns));
    for (qsizetype k = 0; k < columns && in.ok(); ++k) {
        if (abandoned()) return false;
        RunTable::Column c;
        c.info.family = Family(in.varint(std::uint64_t(Family::Meta)));
        const qsizetype segments = in.count(1);
        if (segments < 1) return false;
        QStringList key;
        key.reserve(segments);
        for (qsizetype s = 0; s < segments && in.ok(); ++s)
            key << in.string();
        c.info.key = Key(std::move(key));
        c.info.display = c.info.key.display();
        c.info.description = in.string();
        c.dense = in.u8() != 0;
        const qsizetype cells = in.count(1);
        if (cells > runs) return false;
        if (!c.dense) {
            c.rows.resize(std::size_t(cells));
            std::uint64_t row = 0;
            for (qsizetype i = 0; i < cells; ++i) {
                const std::uint64_t delta = in.varint();
                if (i > 0 && delta == 0) return false;                // rows ascend strictly
                if (delta >= std::uint64_t(runs) - row) return false; // past the end, or wraps
                row += delta;
                c.rows[std::size_t(i)] = std::uint32_t(row);
            }
        }
        c.cells.resize(std::size_t(cells));
        for (RunTable::Cell &cell : c.cells) {
            if (!decodeCell(in, std::uint32_t(poolSize), cell)) return false;
            if (cell.type != Value::Type::Missing) ++c.count;
        }
        if (!c.dense && c.count != c.cells.size()) return false; // sparse cells hold values
        const RunTable::ColumnId id{c.info.family, c.info.key};
        if (t.m_columnIndex.contains(id)) return false;
        t.m_columnIndex.insert(id, int(t.m_columns.size()));
        t.m_columns.push_back(std::move(c));
    }
    return in.ok();
}

TableSnapshot::TableSnapshot(const QString &cacheDir, const QStringList &roots, QByteArray context)
    : m_filePath(QDir(cacheDir).filePath(fileName(roots)))
    , m_context(std::move(context)) {}

QString TableSnapshot::fileName(const QStringList &roots) {
    const QByteArray sha1 = QCryptographicHash::hash(RunCache::cleanRoots(roots).join(u'\n').toUtf8(),
                                                     QCryptographicHash::Sha1);
    return u"table-"_s + QString::fromLatin1(sha1.toHex()) + u".rls"_s;
}

std::optional<LoadResult> TableSnapshot::open(int jobs, const std::function<bool()> &cancelled) {
    try {
        return read(jobs, cancelled);
    } catch (const std::bad_alloc &) {
        // Counts are bounded by the file's size, but a damaged file of gigabytes could ask for
        // more memory than there is.
        m_problem = u"the table snapshot %1 could not be read: out of memory; it is rebuilt"_s.arg(
            m_filePath);
        return std::nullopt;
    }
}

std::optional<LoadResult> TableSnapshot::read(int jobs, const std::function<bool()> &cancelled) {
    QFile f(m_filePath);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt; // none yet
    const QString damaged = u"the table snapshot %1 is damaged; it is rebuilt"_s.arg(m_filePath);
    const QByteArray header = readBytes(f, kHeaderBytes);
    if (header.size() != kHeaderBytes || std::memcmp(header.constData(), kMagic, 8) != 0 ||
        qFromLittleEndian<std::uint32_t>(header.constData() + 8) != kFormatVersion)
        return std::nullopt; // another release's: replaced on the next save
    const auto stampBytes = qFromLittleEndian<std::uint64_t>(header.constData() + 16);
    if (stampBytes > std::uint64_t(f.size() - kHeaderBytes)) {
        m_problem = damaged;
        return std::nullopt;
    }
    const QByteArray part = readBytes(f, qint64(stampBytes));
    if (part.size() != qsizetype(stampBytes) ||
        checksum64(part) != qFromLittleEndian<std::uint64_t>(header.constData() + 24)) {
        m_problem = damaged;
        return std::nullopt;
    }
    ByteReader in(part);
    if (in.bytes() != QByteArrayView(m_context) || !in.ok()) return std::nullopt; // foreign

    const qsizetype count = in.count(3);
    std::vector<Stamp> stamps(static_cast<std::size_t>(count));
    for (Stamp &s : stamps) {
        const std::uint64_t base = in.varint();
        const std::size_t index = std::size_t(&s - stamps.data());
        // A relative path refers to an earlier absolute one.
        if (base > index || (base > 0 && stamps[base - 1].base >= 0)) in.fail();
        s.base = qsizetype(base) - 1;
        s.path = in.bytes();
        if (s.path.contains('\0')) in.fail();
        s.stamp = readStamp(in);
        if (!in.ok()) break;
    }
    if (!in.ok() || !in.atEnd()) {
        m_problem = damaged;
        return std::nullopt;
    }
    // The table is read while the stamps are checked (on a thread of its own: checking is
    // mostly waiting in stat()), and dropped, unfinished, when one of them changed.
    std::atomic<bool> abandon{false};
    LoadResult result;
    std::future<bool> decoded = std::async(std::launch::async, [&] {
        const QByteArray table = readBytes(f, f.size() - kHeaderBytes - qint64(stampBytes));
        if (checksum64(table) != qFromLittleEndian<std::uint64_t>(header.constData() + 32))
            return false;
        ByteReader t(table);
        return decodeStats(t, result) && TableCodec::decode(t, result.table, &abandon) && t.atEnd();
    });
    const bool hold = stampsHold(stamps, jobs, cancelled);
    if (!hold) abandon = true;
    const bool sound = decoded.get(); // rethrows what the decoding threw (bad_alloc)
    if (!hold) return std::nullopt;
    if (!sound) {
        m_problem = damaged;
        return std::nullopt;
    }
    result.fromSnapshot = true;
    result.cacheHits = result.table.rowCount();
    return result;
}

void TableSnapshot::addStamp(qsizetype base, QByteArrayView rel, const FileStamp &stamp) {
    ByteWriter w(m_stamps);
    w.varint(std::uint64_t(base + 1));
    w.bytes(rel);
    writeStamp(w, stamp);
    ++m_stampCount;
}

void TableSnapshot::addFolders(const std::vector<std::pair<QString, FileStamp>> &folders,
                               qint64 scanStartNs) {
    m_folderIndex.reserve(qsizetype(folders.size()));
    for (const auto &[path, stamp] : folders) {
        // Listed within the timestamps' granularity of a change: one more could go unseen.
        if (stamp.recent(scanStartNs)) m_refused = true;
        m_folderIndex.insert(path, m_stampCount);
        addStamp(-1, QFile::encodeName(path), stamp);
    }
}

void TableSnapshot::addInputs(const QString &runPath, const QStringList &files,
                              const std::vector<FileStamp> &stamps, bool storable) {
    if (!storable || stamps.size() != std::size_t(files.size())) {
        m_refused = true;
        return;
    }
    // Paths are stored relative to the run's folder (or the folder of a run file).
    QString folder = runPath;
    auto it = m_folderIndex.constFind(folder);
    if (it == m_folderIndex.constEnd()) {
        folder = runPath.left(std::max<qsizetype>(runPath.lastIndexOf(u'/'), 0));
        it = m_folderIndex.constFind(folder);
    }
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString &file = files[i];
        if (it != m_folderIndex.constEnd() && file.size() > folder.size() &&
            file.startsWith(folder) && file[folder.size()] == u'/')
            addStamp(*it, QFile::encodeName(file.mid(folder.size() + 1)), stamps[std::size_t(i)]);
        else
            addStamp(-1, QFile::encodeName(file), stamps[std::size_t(i)]);
    }
}

void TableSnapshot::removeFile() {
    if (QFileInfo::exists(m_filePath) && !QFile::remove(m_filePath))
        m_problem = u"could not remove the outdated table snapshot %1"_s.arg(m_filePath);
}

bool TableSnapshot::save(const LoadResult &result) {
    if (m_refused || result.cancelled || !result.stats.missingRoots.isEmpty()) {
        removeFile(); // it no longer describes the folders
        return m_problem.isEmpty();
    }
    QByteArray stamps;
    ByteWriter s(stamps);
    s.bytes(m_context);
    s.varint(std::uint64_t(m_stampCount));
    stamps.append(m_stamps);
    m_stamps = {};

    QByteArray table;
    ByteWriter t(table);
    encodeStats(t, result);
    TableCodec::encode(t, result.table);

    QByteArray header(kHeaderBytes, '\0');
    std::memcpy(header.data(), kMagic, 8);
    qToLittleEndian(kFormatVersion, header.data() + 8);
    qToLittleEndian(std::uint64_t(stamps.size()), header.data() + 16);
    qToLittleEndian(checksum64(stamps), header.data() + 24);
    qToLittleEndian(checksum64(table), header.data() + 32);
    if (qint64(stamps.size()) + table.size() + kHeaderBytes > kMaxFileBytes) {
        removeFile();
        return true; // too large to be worth it: the run cache still serves
    }
    QSaveFile f(m_filePath);
    if (!QDir().mkpath(QFileInfo(m_filePath).absolutePath()) || !f.open(QIODevice::WriteOnly) ||
        f.write(header) != header.size() || f.write(stamps) != stamps.size() ||
        f.write(table) != table.size() || !f.commit()) {
        m_problem = u"could not save the table snapshot %1: %2"_s.arg(m_filePath, f.errorString());
        return false;
    }
    return true;
}

} // namespace runlens
