#pragma once

#include "reader.h"

namespace runlens {

/// PyTorch Lightning logger folders (FORMATS.md section 4): a `version_<N>` folder holding
/// hparams.yaml and/or the CSVLogger's metrics.csv, or any folder holding both (a string
/// `version`). hparams.yaml is the config (Python tags read as plain mappings, lists and text,
/// anchors resolved, `{}` allowed); every metrics.csv column but `epoch` and `step` is a metric
/// with its history (the last non-empty value by step, min, max, mean); `epoch` and `step` are
/// metadata. TensorBoard event files are not read, only their names: the earliest one's
/// timestamp is the start time and its host the `host` key.
class LightningReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    int version() const override { return 2; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    QString cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                         const ScanNotes &notes) const override;
    /// The metric's column of metrics.csv (its key is the column name, one segment): every
    /// numeric cell with the row's `step`; no time (the CSVLogger writes none).
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
};

} // namespace runlens
