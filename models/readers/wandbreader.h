#pragma once

#include "reader.h"

namespace runlens {

/// Weights & Biases local run folders (FORMATS.md section 1): `run-*`, `offline-run-*` and
/// legacy `dryrun-*` folders with `files/` (SDK >= 0.10) or the files directly inside (older
/// SDKs, including a flat `wandb/` folder), both config.yaml generations, wandb-summary.json
/// with NaN/Infinity, wandb-metadata.json of both generations, and sweep folders. A run folder's
/// `run-<id>.wandb` transaction log (wandblog.h) fills what the files lack (all of the config
/// and summary of an offline run), the status (its exit record) and the history summaries; the
/// legacy `wandb-history.jsonl` gives those of old runs.
class WandbReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    bool descendIntoRuns(const DirListing &dir) const override;
    void note(const DirListing &dir, ScanNotes &notes) const override;
    RunIdentity identify(const RunCandidate &candidate) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    /// 2: the `.wandb` log is read.
    int version() const override { return 2; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    QString cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                         const ScanNotes &notes) const override;
    /// The metric's values in the history rows of the folder's `wandb-history.jsonl` (legacy
    /// SDKs), else of its `.wandb` log, with each row's step and `_timestamp`.
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
};

} // namespace runlens
