#pragma once

#include "reader.h"

namespace runlens {

/// Keras CSVLogger histories (FORMATS.md section 9): a folder holding a CSV log under a name
/// CSVLogger users give it (training.log, training_log.csv, history.csv, *_history.csv, ...)
/// whose header starts with `epoch`. Every column but `epoch` is a metric with its history
/// (the value of the last epoch, min, max, mean; `NA` cells are empty); `epoch` is metadata.
/// Keras stores no config: a config file beside the log (the generic reader's names) is read
/// as the config, and a metrics file beside it (ditto) as further metrics. A log whose header
/// does not start with `epoch` is not read, with a note.
class KerasReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    bool descendIntoRuns(const DirListing &) const override { return true; }
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    int version() const override { return 2; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    /// The metric's column of its CSVLogger history, step = `epoch`, no time. Where the folder
    /// holds several histories, the key's first segment names the file (its base name), as
    /// read() keys them. Metrics of a metrics file beside the log have no history.
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;

    /// Whether a file name is one a Keras CSVLogger history is given.
    static bool isHistoryName(const QString &name);
};

} // namespace runlens
