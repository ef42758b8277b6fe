// libFuzzer entry point: bytes as an SQLite file, read as an MLflow store and as an Optuna
// store (the file is written to a temporary folder: Qt's SQLite driver opens files).
#include "readers/mlflowdb.h"
#include "readers/optunadb.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstdint>

using namespace runlens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("fuzz.db"));
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
        f.write(reinterpret_cast<const char *>(data), qint64(size));
    }
    ReadLimits limits;
    limits.flatten.maxKeys = 2000;
    (void)readMlflowDatabase(path, limits);
    if (const auto store = readOptunaDatabase(path, limits))
        for (const OptunaTrial &t : store->trials)
            (void)optunaTrialRun(*store, t, path, limits);
    return 0;
}
