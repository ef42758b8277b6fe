#pragma once

#include "reader.h"

namespace runlens {

/// PyTorch Lightning logger folders (FORMATS.md section 4): a `version_<N>` folder holding
/// hparams.yaml, the CSVLogger's metrics.csv and/or the TensorBoardLogger's event files, or
/// any folder holding hparams.yaml beside one of the other two (a string `version`).
/// hparams.yaml is the config (Python tags read as plain mappings, lists and text, anchors
/// resolved, `{}` allowed); every metrics.csv column but `epoch` and `step` is a metric with its
/// history (the last non-empty value by step, min, max, mean); `epoch` and `step` are
/// metadata. The event files (with those of `add_hparams` subfolders, tfeventsrun.h) add the
/// scalars metrics.csv does not have, `epoch` as metadata, and the hparams plugin's values
/// where hparams.yaml does not give them: the logger flattens nested hparams with `/`
/// (`optimizer/lr`), which lands on hparams.yaml's `optimizer.lr`, and writes hparams.yaml only
/// when training ends, so a run that is still going (or crashed) shows the plugin's values.
/// Lightning's placeholder `hp_metric` = -1 is left out. The earliest event's time is the start
/// (else the earliest file name's), the earliest file name's host the `host` key.
class LightningReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    int version() const override { return 3; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    /// The metric's column of metrics.csv (its key is the column name, one segment): every
    /// numeric cell with the row's `step`, no time (the CSVLogger writes none); a metric that
    /// only the event files hold: its points with their wall time.
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
};

} // namespace runlens
