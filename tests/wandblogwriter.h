// A small W&B transaction log writer for the tests and the benchmark: protobuf encoding of the
// `wandb_internal.Record` messages RunLens reads (FORMATS.md 1.6) and the LevelDB-style framing
// W&B uses (7-byte header, 32 KiB blocks, FULL/FIRST/MIDDLE/LAST chunks, CRC-32/IEEE over the
// type byte and the payload, zero padding). Header-only; writes to any QIODevice, so a log of
// hundreds of MB streams to disk without being held in memory.
#pragma once

#include "protoencode.h"
#include "readers/checksum.h"

#include <QBuffer>
#include <QByteArray>
#include <QIODevice>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <optional>

namespace wandbwriter {

using protoenc::varint;

inline QByteArray tag(int field, int wire) {
    return protoenc::key(field, wire);
}

/// A message under construction: fields appended in order.
struct Msg {
    QByteArray bytes;
    Msg &num(int field, qint64 v) {
        bytes += tag(field, 0) + varint(quint64(v));
        return *this;
    }
    Msg &raw(int field, const QByteArray &b) {
        bytes += tag(field, 2) + varint(quint64(b.size())) + b;
        return *this;
    }
    Msg &str(int field, const QString &s) { return raw(field, s.toUtf8()); }
    Msg &msg(int field, const Msg &m) { return raw(field, m.bytes); }
};

/// A HistoryItem / ConfigItem / SummaryItem: one segment as `key`, several as `nested_key`.
inline Msg item(const QStringList &path, const QByteArray &json = {}) {
    Msg m;
    if (path.size() == 1)
        m.str(1, path.front());
    else
        for (const QString &s : path)
            m.str(2, s);
    if (!json.isNull()) m.raw(16, json);
    return m;
}

using Items = QList<std::pair<QStringList, QByteArray>>;

/// A ConfigRecord or SummaryRecord: updates (path, JSON) and removals (paths).
inline Msg changes(const Items &updates, const QList<QStringList> &removes = {}) {
    Msg m;
    for (const auto &[path, json] : updates)
        m.msg(1, item(path, json));
    for (const QStringList &path : removes)
        m.msg(2, item(path));
    return m;
}

/// A Record holding one message of type `type` (2 history, 3 summary, 5 config, 17 run, ...).
inline QByteArray record(int type, const Msg &body, qint64 num = 1) {
    Msg r;
    r.num(1, num);
    r.msg(type, body);
    return r.bytes;
}

inline QByteArray history(const Items &items, std::optional<qint64> step = std::nullopt) {
    Msg h;
    for (const auto &[path, json] : items)
        h.msg(1, item(path, json));
    if (step) h.msg(2, Msg().num(1, *step));
    return record(2, h);
}
inline QByteArray summary(const Items &updates, const QList<QStringList> &removes = {}) {
    return record(3, changes(updates, removes));
}
inline QByteArray config(const Items &updates, const QList<QStringList> &removes = {}) {
    return record(5, changes(updates, removes));
}
inline QByteArray exitRecord(int code, int runtime) {
    Msg e;
    if (code != 0) e.num(1, code);
    if (runtime != 0) e.num(2, runtime);
    return record(18, e);
}
/// An output line (OutputRawRecord, type 13): not read, only passed over.
inline QByteArray output(const QString &line) {
    return record(13, Msg().num(1, 1).str(3, line));
}
/// A system metrics record (StatsRecord, type 7): not read, only passed over.
inline QByteArray stats(const Items &items) {
    Msg s;
    s.num(1, 0);
    for (const auto &[path, json] : items)
        s.msg(3, Msg().str(1, path.front()).raw(16, json));
    return record(7, s);
}

/// The facts of a RunRecord, as RunLens reads them.
struct RunFacts {
    QString id, entity, project, name, group, jobType, notes, sweep, host, remote, commit;
    QStringList tags;
    qint64 startSec = 0;
    qint64 startNanos = 0;
    bool resumed = false;
    qint64 startingStep = 0;
    Items config;
};

inline QByteArray run(const RunFacts &f) {
    Msg m;
    const auto text = [&m](int field, const QString &s) {
        if (!s.isEmpty()) m.str(field, s);
    };
    text(1, f.id);
    text(2, f.entity);
    text(3, f.project);
    if (!f.config.isEmpty()) m.msg(4, changes(f.config));
    text(6, f.group);
    text(7, f.jobType);
    text(8, f.name);
    text(9, f.notes);
    for (const QString &t : f.tags)
        m.str(10, t);
    text(12, f.sweep);
    text(13, f.host);
    if (f.startingStep) m.num(14, f.startingStep);
    if (f.startSec) m.msg(17, Msg().num(1, f.startSec).num(2, f.startNanos));
    if (f.resumed) m.num(18, 1);
    if (!f.remote.isEmpty() || !f.commit.isEmpty()) {
        Msg g;
        if (!f.remote.isEmpty()) g.str(1, f.remote);
        if (!f.commit.isEmpty()) g.str(2, f.commit);
        m.msg(21, g);
    }
    return record(17, m);
}

enum ChunkType : char { Full = 1, First = 2, Middle = 3, Last = 4 };
constexpr qint64 kBlock = 32768;

/// Frames records into a log on `out` (LevelDB's log writer, as W&B's): a record that does not
/// fit in its block is split into FIRST/MIDDLE/LAST chunks; fewer than 7 bytes left in a block
/// are zero padding.
class LogWriter {
public:
    explicit LogWriter(QIODevice &out, bool header = true)
        : m_out(out) {
        if (header) write(QByteArray(":W&B\xe1\xbe\x00", 7));
    }

    void add(const QByteArray &record) {
        qsizetype done = 0;
        bool begin = true;
        do {
            const qint64 left = kBlock - m_pos % kBlock;
            if (left < 7) {
                write(QByteArray(left, '\0'));
                continue;
            }
            const qsizetype n = qsizetype(std::min<qint64>(left - 7, record.size() - done));
            const bool end = done + n == record.size();
            const char type = begin && end ? Full : begin ? First : end ? Last : Middle;
            chunk(type, record.mid(done, n));
            done += n;
            begin = false;
            if (end) break;
        } while (true);
    }

    /// One chunk as given, whatever the block: for damage the framing must survive.
    void chunk(char type, const QByteArray &payload, bool badChecksum = false) {
        quint32 crc = runlens::crc32Ieee(payload, runlens::crc32Ieee(QByteArrayView(&type, 1)));
        if (badChecksum) crc ^= 0x5a5a5a5au;
        QByteArray h(7, '\0');
        for (int k = 0; k < 4; ++k)
            h[k] = char((crc >> (8 * k)) & 0xff);
        h[4] = char(payload.size() & 0xff);
        h[5] = char((payload.size() >> 8) & 0xff);
        h[6] = type;
        write(h + payload);
    }

    /// Zero bytes up to the next block boundary.
    void padBlock() {
        if (m_pos % kBlock) write(QByteArray(kBlock - m_pos % kBlock, '\0'));
    }
    void write(const QByteArray &bytes) {
        m_out.write(bytes);
        m_pos += bytes.size();
    }
    qint64 pos() const { return m_pos; }

private:
    QIODevice &m_out;
    qint64 m_pos = 0;
};

/// A whole log in memory: the header and `records`, framed.
inline QByteArray log(const QList<QByteArray> &records) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    LogWriter w(buffer);
    for (const QByteArray &r : records)
        w.add(r);
    buffer.close();
    return bytes;
}

/// fuzz_wandblog's second input shape (tests/data/wandblog/seeds/*.payloads): after "RLPB" and
/// a flags byte, records as a uint16 little-endian length and their bytes (a length past the
/// end takes what is left), framed here into a log with valid checksums, so that a fuzzer's
/// mutations reach the record decoding instead of failing a checksum. Null when `in` is not
/// of that shape.
inline QByteArray framePayloads(QByteArrayView in) {
    if (!in.startsWith("RLPB") || in.size() < 5) return {};
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    LogWriter writer(buffer);
    qsizetype at = 5;
    while (at + 2 <= in.size()) {
        const qsizetype n = qsizetype(quint8(in[at])) | qsizetype(quint8(in[at + 1])) << 8;
        at += 2;
        const qsizetype take = std::min(n, in.size() - at);
        writer.add(in.sliced(at, take).toByteArray());
        at += take;
    }
    buffer.close();
    return out;
}

} // namespace wandbwriter
