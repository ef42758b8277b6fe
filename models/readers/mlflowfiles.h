#pragma once

#include "reader.h"

#include <functional>
#include <vector>

namespace runlens {

// The files of one run in an MLflow file store, as the MLflow reader finds and reads them.

/// One file of a run's params/, metrics/ or tags/: its MLflow key (the path below that folder,
/// joined with `/`) and where it is.
struct MlflowKeyFile {
    QString key;
    QString path;
};

/// What a run folder holds under params/, metrics/ and tags/.
struct MlflowRunFiles {
    std::vector<MlflowKeyFile> params;
    std::vector<MlflowKeyFile> metrics;
    std::vector<MlflowKeyFile> tags;
    QStringList folders;  ///< every folder listed (params/, metrics/, tags/ and below)
    bool tooMany = false; ///< more files than the run's key limit: the rest are left out
    bool tooDeep = false; ///< subfolders nested deeper than the depth limit were left out
};

/// Every file under a run's params/, metrics/ and tags/, each folder walked as MLflow's
/// `_get_resource_files` does (every file in every subfolder; a key with `/` is a subfolder),
/// sorted by name at each level so that the result does not depend on the file system. Hidden
/// files (`.DS_Store` in a copied store) and links to folders (loops) are left out; at most
/// `limits.flatten.maxKeys` files in all and `limits.flatten.maxDepth` levels of subfolders.
MlflowRunFiles listMlflowRunFiles(const QString &runPath, const ReadLimits &limits);

/// One good line of a metric file.
struct MlflowMetricPoint {
    double time = 0; ///< ms since the epoch
    double step = 0;
    Value value;
};

/// Reads a metric file line by line (a long run logs millions of lines) and hands every good
/// line to `take`. Malformed lines become warnings with their line number (the first few each,
/// the rest counted); a last line without its line break that does not parse, or has fewer
/// fields than the lines before it, was cut short by a writer and is left out. Stops at
/// `maxBytes` with an issue. Returns false when the file cannot be read at all.
bool readMlflowMetricLines(const QString &path, qint64 maxBytes, RunRecord &run,
                           const std::function<void(const MlflowMetricPoint &)> &take);

} // namespace runlens
