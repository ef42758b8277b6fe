#pragma once

#include "reader.h"

namespace runlens {

/// Plain TensorBoard log folders (FORMATS.md 7) that no tool-specific reader claims: a folder
/// holding `events.out.tfevents.*` files is a run, as TensorBoard itself groups runs by
/// folder. Its files merge in time order: every scalar tag a metric with its history, the
/// hparams plugin's hyperparameters as config with the experiment's descriptions (tfeventsrun.h).
/// PyTorch's `add_hparams` writes into a subfolder named by a float timestamp: that subfolder
/// is read as part of the folder it sits in, which is a run even without event files of its
/// own. A config file (config.yaml, ...) or a metrics file (metrics.json, ...) beside the events
/// is read too, as the generic reader would: the config file wins over the plugin where both
/// give a key (it is exact and typed), the event files win over the metrics file for a metric
/// both have (they hold its history, which curves show).
class TensorBoardReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    /// The points of the scalar tag named by the metric's key (one segment).
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
};

} // namespace runlens
