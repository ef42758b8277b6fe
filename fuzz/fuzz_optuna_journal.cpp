// libFuzzer entry point: an Optuna journal replayed, and every trial turned into a run.
#include "readers/optunajournal.h"

#include <QBuffer>

#include <cstdint>

using namespace runlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    QBuffer buffer;
    buffer.setData(reinterpret_cast<const char *>(data), qsizetype(size));
    if (!buffer.open(QIODevice::ReadOnly)) return 0;
    ReadLimits limits;
    limits.flatten.maxKeys = 2000; // keeps one input's work small; the limit itself is tested
    const QString file = QStringLiteral("fuzz.log");
    const OptunaStore store = readOptunaJournal(buffer, file, limits);
    for (const OptunaTrial &t : store.trials)
        (void)optunaTrialRun(store, t, file, limits);
    return 0;
}
