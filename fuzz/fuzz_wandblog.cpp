// libFuzzer entry point over the W&B transaction log reader: the bytes are one `run-<id>.wandb`,
// read from memory as the reader reads the file (framing, Record protobufs, the config and
// summary trees, the history), merged into a run as WandbReader merges a log with the folder's
// files, and read once more for the curve of the first history key, which must agree with the
// table's count. A second input shape ("RLPB", a flags byte, length-prefixed records: see
// wandbwriter::framePayloads) is framed by the target itself, so that mutations reach the record
// decoding rather than failing a checksum. Seeds: tests/data/wandblog/seeds, written by
// tests/data/wandblog/make_seeds.py.
#include "readers/wandblog.h"
#include "readers/wandbmerge.h"

#include "../tests/wandblogwriter.h"

#include <QBuffer>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace runlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    QByteArray bytes = wandbwriter::framePayloads(input);
    const int flags = bytes.isNull() ? int(size % 4) : quint8(input[4]);
    if (bytes.isNull()) bytes = QByteArray::fromRawData(input.data(), input.size());
    ReadLimits limits;
    // Small caps, so the limit paths are reached by small inputs too.
    limits.maxJsonBytes = 1 << 16;
    limits.flatten.maxKeys = 200;
    limits.parse.maxDepth = 16;
    WandbLog log;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        log = readWandbLog(buffer, QStringLiteral("run-fuzz.wandb"), limits);
    }
    RunRecord run;
    WandbFilesState files;
    files.summaryCutShort = (flags & 1) != 0;
    files.logHistory = (flags & 2) == 0;
    mergeWandbLog(log, QStringLiteral("run-fuzz.wandb"), files, limits, run);

    if (!log.history.empty()) {
        const WandbHistory::Series &first = log.history.front();
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        const std::vector<HistoryPoint> points = readWandbLogPoints(buffer, first.key, limits);
        // The curve must agree with the table's read of the same bytes.
        if (qsizetype(points.size()) != first.history.count()) {
            std::fprintf(stderr, "curve of %s: %zu points, history counted %d\n",
                         qPrintable(first.key.display()), points.size(), first.history.count());
            std::abort();
        }
    }
    return 0;
}
