#pragma once

#include "run/run.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QIODevice>
#include <QString>

#include <array>

namespace runlens {

/// The framing of a W&B transaction log (`run-<id>.wandb`, FORMATS.md 1.6): a 7-byte header
/// (":W&B", magic 0xBEE1 little-endian, version 0), then 32 KiB blocks counted from offset 0,
/// each a run of chunks (CRC-32/IEEE over type and payload, length, type) that join into
/// records: FULL, or FIRST + MIDDLE* + LAST. Reads the device one block at a time, so a log of
/// any size costs one block plus the record being joined (at most `maxRecordBytes`).
///
/// Damage is passed over the way W&B's own Go reader does: a chunk with a bad checksum or a
/// broken header costs the rest of its block, and reading goes on with the next block. Each
/// kind of problem is counted with the byte offset of its first occurrence; report() turns
/// them into one issue per kind. A log that ends inside a record (a run still writing, or a
/// copy taken mid-write) is normal: the records before it are all returned.
class WandbLogFrames {
public:
    static constexpr qint64 kBlockSize = 32768;
    static constexpr int kHeaderSize = 7;

    enum class Problem {
        Empty,       ///< 0 bytes
        NotALog,     ///< no ":W&B" header
        BadVersion,  ///< a header of another version
        CutShort,    ///< the file ends inside a chunk or a record
        BadChecksum, ///< a chunk whose CRC does not match
        BadChunk,    ///< a chunk header with a length past its block or an unknown type
        Orphan,      ///< a MIDDLE or LAST without a FIRST, or a FIRST never finished
        TooLarge,    ///< a record longer than the cap
        ReadError,   ///< the device failed
    };
    static constexpr int kProblemKinds = 9;

    /// How often a problem occurred and where first (-1: never).
    struct Count {
        qint64 first = -1;
        qint64 count = 0;
    };

    WandbLogFrames(QIODevice &device, qint64 maxRecordBytes);

    /// Reads and checks the file header. False when the device holds no log of version 0 (the
    /// problem is recorded); next() then returns nothing.
    bool open();

    /// The next whole record, valid until the next call, and the file offset of its first
    /// chunk. False at the end of the log.
    bool next(QByteArrayView &record, qint64 &offset);

    const Count &count(Problem p) const { return m_counts[std::size_t(p)]; }
    /// Whether the log ended inside a chunk or a record.
    bool cutShort() const { return count(Problem::CutShort).count > 0; }
    /// Whether the header was read and is a version-0 W&B header.
    bool isLog() const { return m_open; }

    /// One issue per problem kind that occurred, on `file`, each with the first byte offset.
    void report(RunRecord &run, const QString &file) const;

private:
    struct Chunk {
        std::uint8_t type = 0;
        QByteArrayView payload;
        qint64 offset = 0;
    };
    bool nextChunk(Chunk &chunk);
    bool loadBlock();
    void note(Problem p, qint64 offset);

    QIODevice &m_device;
    qint64 m_maxRecord;
    QByteArray m_block;      ///< the current block (shorter only at the end of the file)
    qint64 m_blockStart = 0; ///< file offset of m_block[0]
    qint64 m_pos = 0;        ///< read position inside m_block
    bool m_open = false;
    bool m_end = false;
    QByteArray m_record; ///< the record being joined from FIRST/MIDDLE/LAST chunks
    qint64 m_recordOffset = -1;
    bool m_joining = false;  ///< between a FIRST and its LAST
    bool m_dropping = false; ///< joining a record past the cap: its parts are dropped
    bool m_resync = false;   ///< after damage: the rest of a broken record is passed over
    std::array<Count, kProblemKinds> m_counts{};
    QString m_readError;
};

} // namespace runlens
