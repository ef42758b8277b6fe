#include "wandblogframes.h"
#include "checksum.h"

#include <algorithm>
#include <cstring>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

enum ChunkType : std::uint8_t { Full = 1, First = 2, Middle = 3, Last = 4 };

std::uint32_t le32(const char *p) {
    const auto *u = reinterpret_cast<const std::uint8_t *>(p);
    return std::uint32_t(u[0]) | std::uint32_t(u[1]) << 8 | std::uint32_t(u[2]) << 16 |
           std::uint32_t(u[3]) << 24;
}

bool allZero(QByteArrayView bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

} // namespace

WandbLogFrames::WandbLogFrames(QIODevice &device, qint64 maxRecordBytes)
    : m_device(device)
    , m_maxRecord(maxRecordBytes) {}

void WandbLogFrames::note(Problem p, qint64 offset) {
    Count &c = m_counts[std::size_t(p)];
    c.first = c.first < 0 ? offset : std::min(c.first, offset);
    ++c.count;
}

bool WandbLogFrames::loadBlock() {
    if (!m_block.isEmpty()) m_blockStart += kBlockSize;
    m_block.resize(kBlockSize);
    qint64 got = 0;
    while (got < kBlockSize) {
        const qint64 n = m_device.read(m_block.data() + got, kBlockSize - got);
        if (n < 0) {
            m_readError = m_device.errorString();
            note(Problem::ReadError, m_blockStart + got);
            break;
        }
        if (n == 0) break;
        got += n;
    }
    m_block.resize(got);
    m_pos = 0;
    return got > 0;
}

bool WandbLogFrames::open() {
    m_open = false;
    m_end = true;
    if (!loadBlock()) {
        if (count(Problem::ReadError).count == 0) note(Problem::Empty, 0);
        return false;
    }
    static constexpr char ident[] = {':', 'W', '&', 'B', char(0xE1), char(0xBE)};
    if (m_block.size() < kHeaderSize ||
        std::memcmp(m_block.constData(), ident, sizeof ident) != 0) {
        note(Problem::NotALog, 0);
        return false;
    }
    if (m_block[6] != 0) {
        note(Problem::BadVersion, 6);
        return false;
    }
    m_pos = kHeaderSize;
    m_open = true;
    m_end = false;
    return true;
}

bool WandbLogFrames::nextChunk(Chunk &chunk) {
    while (!m_end) {
        const qint64 left = m_block.size() - m_pos;
        const bool lastBlock = m_block.size() < kBlockSize;
        if (left < kHeaderSize) {
            // Fewer than 7 bytes: the writer's zero padding, or the end of the file.
            if (lastBlock) {
                if (left > 0 && !allZero(QByteArrayView(m_block).sliced(m_pos)))
                    note(Problem::CutShort, m_blockStart + m_pos);
                m_end = true;
                return false;
            }
            if (!loadBlock()) {
                m_end = true;
                return false;
            }
            continue;
        }
        const char *h = m_block.constData() + m_pos;
        const std::uint32_t crc = le32(h);
        const qint64 length = std::uint8_t(h[4]) | qint64(std::uint8_t(h[5])) << 8;
        const auto type = std::uint8_t(h[6]);
        const qint64 offset = m_blockStart + m_pos;
        if (crc == 0 && length == 0 && type == 0) { // padding up to the block's end
            m_pos = m_block.size();
            continue;
        }
        const auto skipBlock = [&](Problem p) {
            note(p, offset);
            m_pos = m_block.size();
            // The parts of a record the damage broke are passed over without more issues.
            m_resync = true;
            m_joining = m_dropping = false;
        };
        if (length > left - kHeaderSize) {
            if (lastBlock) { // the file ends inside this chunk
                note(Problem::CutShort, offset);
                m_end = true;
                return false;
            }
            skipBlock(Problem::BadChunk);
            continue;
        }
        const QByteArrayView payload(h + kHeaderSize, length);
        const char typeByte = char(type);
        if (crc32Ieee(payload, crc32Ieee(QByteArrayView(&typeByte, 1))) != crc) {
            skipBlock(Problem::BadChecksum);
            continue;
        }
        if (type < Full || type > Last) {
            skipBlock(Problem::BadChunk);
            continue;
        }
        m_pos += kHeaderSize + length;
        chunk = Chunk{type, payload, offset};
        return true;
    }
    return false;
}

bool WandbLogFrames::next(QByteArrayView &record, qint64 &offset) {
    Chunk c;
    while (nextChunk(c)) {
        if (c.type == Full || c.type == First) {
            if (m_joining) note(Problem::Orphan, m_recordOffset); // a FIRST without its LAST
            m_joining = m_dropping = m_resync = false;
            if (c.payload.size() > m_maxRecord) {
                note(Problem::TooLarge, c.offset);
                m_dropping = c.type == First;
                m_joining = c.type == First;
                continue;
            }
            if (c.type == Full) {
                record = c.payload;
                offset = c.offset;
                return true;
            }
            m_joining = true;
            m_recordOffset = c.offset;
            m_record.resize(0);
            m_record.append(c.payload);
            continue;
        }
        // MIDDLE or LAST
        if (!m_joining) {
            if (!m_resync) note(Problem::Orphan, c.offset);
            continue;
        }
        if (!m_dropping) {
            if (m_record.size() + c.payload.size() > m_maxRecord) {
                note(Problem::TooLarge, m_recordOffset);
                m_dropping = true;
                m_record.resize(0);
            } else {
                m_record.append(c.payload);
            }
        }
        if (c.type == Last) {
            m_joining = false;
            if (m_dropping) {
                m_dropping = false;
                continue;
            }
            record = m_record;
            offset = m_recordOffset;
            return true;
        }
    }
    if (m_joining) { // the file ends between the chunks of one record
        note(Problem::CutShort, m_recordOffset);
        m_joining = m_dropping = false;
    }
    return false;
}

void WandbLogFrames::report(RunRecord &run, const QString &file) const {
    const auto times = [](qint64 n) { return n == 1 ? QString() : u" (%1 times in all)"_s.arg(n); };
    for (int k = 0; k < kProblemKinds; ++k) {
        const auto p = Problem(k);
        const Count &c = count(p);
        if (c.count == 0) continue;
        const QString at = QString::number(c.first);
        switch (p) {
        case Problem::Empty:
            run.addIssue(Issue::Severity::Warning, file, 0, 0,
                         u"the .wandb log is empty (0 bytes): the run stopped before W&B wrote "
                         u"to it, or the file was not copied whole"_s);
            break;
        case Problem::NotALog:
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"not a W&B transaction log: the file does not start with the \":W&B\" "
                         u"header; it is not read"_s);
            break;
        case Problem::BadVersion:
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"a W&B transaction log of a version RunLens does not know (byte 6 is "
                         u"not 0); it is not read"_s);
            break;
        case Problem::CutShort:
            run.addIssue(Issue::Severity::Warning, file, 0, 0,
                         u"the log ends inside the record that begins at byte %1 (the run was "
                         u"still writing, or the file was cut short); the records before it "
                         u"are read"_s.arg(at));
            break;
        case Problem::BadChecksum:
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"chunk with a bad checksum at byte %1%2; the rest of each such 32 KiB "
                         u"block is skipped"_s.arg(at, times(c.count)));
            break;
        case Problem::BadChunk:
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"damaged chunk header at byte %1 (a length past its block or an "
                         u"unknown type)%2; the rest of each such 32 KiB block is skipped"_s.arg(
                             at, times(c.count)));
            break;
        case Problem::Orphan:
            run.addIssue(Issue::Severity::Warning, file, 0, 0,
                         u"record part out of order at byte %1 (a middle or last part without "
                         u"a first, or a first without a last)%2; those parts are skipped"_s.arg(
                             at, times(c.count)));
            break;
        case Problem::TooLarge:
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"record larger than %1 bytes at byte %2%3; skipped"_s.arg(
                             QString::number(m_maxRecord), at, times(c.count)));
            break;
        case Problem::ReadError:
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"read error at byte %1 (%2); the rest of the log is not read"_s.arg(
                             at, m_readError));
            break;
        }
    }
}

} // namespace runlens
