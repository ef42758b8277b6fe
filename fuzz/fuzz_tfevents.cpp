// libFuzzer entry point over the TensorBoard event file reader: the bytes are read from memory
// as the readers read a file (TFRecord framing, Event protobufs, the hparams plugin), merged
// into a run as a run folder's files are (config, metrics, issues), and read once more as the
// curve of the first tag found, which must agree with the table's read.
//
// Two shapes of input, so that mutations reach the protobuf decoding too (a mutated record
// almost never keeps a valid CRC-32C):
// - anything else: one event file as it is on disk;
// - `RLPB`, a flags byte (bit 0: Lightning's Python-string hparams), then payloads, each a
//   little-endian uint16 length and that many bytes: every payload is framed here as a sound
//   TFRecord record (the last one may run short).
// Seeds: tests/data/tfevents/seeds, written by tests/data/tfevents/make_seeds.py.
#include "readers/checksum.h"
#include "readers/tfeventsrun.h"

#include <QBuffer>

#include <cstdint>

using namespace runlens;

namespace {

QByteArray le(quint64 v, int n) {
    QByteArray out;
    for (int k = 0; k < n; ++k)
        out.append(char((v >> (8 * k)) & 0xff));
    return out;
}

/// The payloads of an `RLPB` input, each framed as a TFRecord record.
QByteArray framed(QByteArrayView in) {
    QByteArray out;
    qsizetype at = 0;
    while (at < in.size()) {
        qsizetype n = quint8(in[at]);
        if (at + 1 < in.size()) n |= qsizetype(quint8(in[at + 1])) << 8;
        at += 2;
        const QByteArrayView payload = in.sliced(std::min(at, in.size())).first(
            std::min(n, std::max<qsizetype>(in.size() - at, 0)));
        at += n;
        const QByteArray length = le(quint64(payload.size()), 8);
        out += length + le(maskedCrc32c(length), 4) + payload.toByteArray() +
               le(maskedCrc32c(payload), 4);
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    QByteArray bytes;
    bool pythonStrings = false;
    if (input.startsWith("RLPB") && input.size() >= 5) {
        pythonStrings = (quint8(input[4]) & 1) != 0;
        bytes = framed(input.sliced(5));
    } else {
        bytes = QByteArray::fromRawData(input.data(), input.size());
    }
    ReadLimits limits;
    TfEventsOptions options = tfEventsOptions(limits);
    options.maxRecordBytes = 1 << 16; // so large records take the chunked, skipping path too
    TfEventsReader events(options);
    RunRecord run;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        events.read(buffer, QStringLiteral("events.out.tfevents.1.fuzz"), run);
    }
    Flattener flattener(limits.flatten);
    TfEventsMerge merge;
    merge.epochAsMeta = pythonStrings;
    merge.pythonStrings = pythonStrings;
    addTfEvents(events, run, flattener, merge, QStringLiteral("fuzz"), limits);

    if (!events.series().empty()) {
        options.onlyTag = events.series().front().tag;
        TfEventsReader curve(options);
        RunRecord scratch;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        curve.read(buffer, QStringLiteral("events.out.tfevents.1.fuzz"), scratch);
        // The curve must agree with the table's read of the same bytes.
        if (curve.series().empty() ||
            qsizetype(curve.series().front().points.size()) !=
                qsizetype(events.series().front().history.count()))
            __builtin_trap();
    }
    return 0;
}
