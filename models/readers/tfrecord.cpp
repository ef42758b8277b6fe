#include "tfrecord.h"
#include "checksum.h"

#include <QIODevice>

#include <algorithm>

namespace runlens {

namespace {

constexpr qint64 kChunk = 256 * 1024; ///< bytes read from the device at a time
constexpr qint64 kHeader = 12;        ///< length + its checksum
constexpr qint64 kFooter = 4;         ///< the data's checksum

/// Little-endian integers of the framing.
quint64 le64(const char *p) {
    quint64 v = 0;
    for (int k = 7; k >= 0; --k)
        v = (v << 8) | quint8(p[k]);
    return v;
}

quint32 le32(const char *p) {
    quint32 v = 0;
    for (int k = 3; k >= 0; --k)
        v = (v << 8) | quint8(p[k]);
    return v;
}

/// TFRecord's mask of a CRC-32C computed in pieces (maskedCrc32c() takes the data whole).
quint32 mask(quint32 c) {
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

} // namespace

TfRecordReader::TfRecordReader(QIODevice &device, qint64 maxRecordBytes)
    : m_device(device)
    , m_maxRecord(std::max<qint64>(maxRecordBytes, 0)) {}

bool TfRecordReader::fill(qint64 n) {
    if (m_buffer.size() - m_pos >= n) return true;
    if (m_pos > 0) { // keep only the unread bytes
        m_buffer.remove(0, qsizetype(m_pos));
        m_bufferStart += m_pos;
        m_pos = 0;
    }
    while (m_buffer.size() < n) {
        const qsizetype old = m_buffer.size();
        const qint64 want = std::max(n - old, kChunk);
        m_buffer.resize(old + qsizetype(want));
        const qint64 got = m_device.read(m_buffer.data() + old, want);
        m_buffer.resize(old + qsizetype(std::max<qint64>(got, 0)));
        if (got <= 0) {
            m_readError = got < 0;
            return false;
        }
    }
    return true;
}

TfRecordReader::Status TfRecordReader::stop(Status s) {
    m_done = true;
    m_final = s;
    m_record = {};
    return s;
}

TfRecordReader::Status TfRecordReader::next() {
    if (m_done) return m_final;
    m_record = {};
    m_offset = m_bufferStart + m_pos;
    if (!fill(kHeader)) {
        if (m_readError) return stop(Status::ReadError);
        return stop(m_buffer.size() == m_pos ? Status::End : Status::Truncated);
    }
    const char *header = m_buffer.constData() + m_pos;
    m_length = le64(header);
    if (mask(crc32c(QByteArrayView(header, 8))) != le32(header + 8))
        return stop(Status::BadLengthCrc);
    // A file (not a pipe) says how much is left: a length past its end is a record still being
    // written, found out without reading (or allocating) anything. (Asked only when the record
    // is not in the buffer already: size() costs a system call.)
    const quint64 buffered = quint64(m_buffer.size() - m_pos);
    const bool inBuffer = m_length <= buffered && buffered - m_length >= quint64(kHeader + kFooter);
    if (!inBuffer && !m_device.isSequential()) {
        const qint64 left = m_device.size() - m_device.pos() + (m_buffer.size() - m_pos);
        if (quint64(left) < quint64(kHeader + kFooter) ||
            m_length > quint64(left) - quint64(kHeader + kFooter))
            return stop(Status::Truncated);
    }
    if (m_length > quint64(m_maxRecord)) {
        // Too long to hold: check its data in chunks as they pass.
        m_pos += kHeader;
        quint64 left = m_length;
        quint32 crc = 0;
        while (left > 0) {
            if (!fill(1)) return stop(m_readError ? Status::ReadError : Status::Truncated);
            const qint64 take = std::min<qint64>(qint64(std::min<quint64>(left, quint64(kChunk))),
                                                 m_buffer.size() - m_pos);
            crc = crc32c(QByteArrayView(m_buffer.constData() + m_pos, take), crc);
            m_pos += take;
            left -= quint64(take);
        }
        if (!fill(kFooter)) return stop(m_readError ? Status::ReadError : Status::Truncated);
        if (mask(crc) != le32(m_buffer.constData() + m_pos)) return stop(Status::BadDataCrc);
        m_pos += kFooter;
        return Status::Skipped;
    }
    const qint64 whole = kHeader + qint64(m_length) + kFooter;
    if (!fill(whole)) return stop(m_readError ? Status::ReadError : Status::Truncated);
    const char *data = m_buffer.constData() + m_pos + kHeader;
    const QByteArrayView view(data, qsizetype(m_length));
    if (maskedCrc32c(view) != le32(data + m_length)) return stop(Status::BadDataCrc);
    m_pos += whole;
    m_record = view;
    ++m_records;
    return Status::Record;
}

} // namespace runlens
