#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>

class QIODevice;

namespace runlens {

/// Reads the records of a TFRecord stream (TensorBoard's event files, FORMATS.md 7.1) one by
/// one from a device, checking both masked CRC-32C checksums of each:
///
///     uint64 LE length | uint32 LE masked crc of the length | data | uint32 LE masked crc of data
///
/// Memory stays bounded whatever the file says: the reader holds one record of at most
/// `maxRecordBytes` plus a read buffer; a longer record (a graph, a large image) is checked in
/// chunks and skipped. TFRecord has no sync markers, so after a bad checksum nothing further can
/// be trusted and the reader stops; so it does at the end of the data, which may fall inside a
/// record while the writer is still writing.
class TfRecordReader {
public:
    enum class Status : std::uint8_t {
        Record,       ///< record() holds the next record
        End,          ///< the data ended exactly after a record (or was empty)
        Truncated,    ///< the data ended inside a record: a file still being written
        BadLengthCrc, ///< the length's checksum does not match: damaged, or not TFRecord at all
        BadDataCrc,   ///< the data's checksum does not match: the record is damaged
        Skipped,      ///< a sound record longer than maxRecordBytes was passed over
        ReadError,    ///< the device reported an error
    };

    TfRecordReader(QIODevice &device, qint64 maxRecordBytes);

    /// Moves to the next record. After End, Truncated, a bad checksum or a read error, every
    /// further call returns the same status.
    Status next();
    /// The current record's data (Status::Record); valid until the next call.
    QByteArrayView record() const { return m_record; }
    /// Byte offset of the current record's header, or of the problem (its record's header).
    qint64 offset() const { return m_offset; }
    /// The data length the current record's header gives (also for Skipped and Truncated).
    quint64 length() const { return m_length; }
    /// Records returned so far.
    qint64 records() const { return m_records; }

private:
    /// Makes at least `n` unread bytes available in the buffer; false at the end of the data
    /// (or on a read error, which sets m_readError).
    bool fill(qint64 n);
    /// Ends the reading with `s`, which every later next() returns.
    Status stop(Status s);

    QIODevice &m_device;
    qint64 m_maxRecord;
    QByteArray m_buffer;
    qint64 m_pos = 0;         ///< next unread byte in m_buffer
    qint64 m_bufferStart = 0; ///< offset in the stream of m_buffer[0]
    QByteArrayView m_record;
    qint64 m_offset = 0;
    quint64 m_length = 0;
    qint64 m_records = 0;
    bool m_readError = false;
    bool m_done = false;
    Status m_final = Status::End;
};

} // namespace runlens
