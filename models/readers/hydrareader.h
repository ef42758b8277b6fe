#pragma once

#include "reader.h"

namespace runlens {

/// Hydra output folders (FORMATS.md section 3): any folder holding `.hydra/config.yaml` (or
/// `hydra.yaml`), wherever the user's `hydra.run.dir` / `hydra.sweep.dir` put it, as single runs
/// and as the numbered jobs of a multirun sweep. The config is `.hydra/config.yaml` with its
/// `${a.b}` interpolations resolved within the file (interpolation.h); `overrides.yaml`,
/// `hydra.yaml` and the sweep's `multirun.yaml` give meta keys (`hydra.overrides`,
/// `hydra.sweep_keys`, job, runtime, config-group choices). Metrics come from a results file
/// beside `.hydra` (the generic reader's names) and from a tracker run inside the folder
/// (`wandb/`, `mlruns/`, `lightning_logs/`, ...), which whatever reader claims it reads: the two
/// are one row (innerruns.h). The scanner does not descend into a Hydra run (its `.hydra` folder
/// would otherwise look like a plain config folder, and the tracker run would be listed twice).
class HydraReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    /// 2: a tracker's metric kept as `<format>.<key>` keeps its history summaries with it.
    int version() const override { return 2; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    QString cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                         const ScanNotes &notes) const override;
    /// The history of a metric from the tracker run merged into the row (innerruns.h), read
    /// by that run's reader; empty for the results file's metrics and without a tracker run.
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;

    /// Subfolders of a run folder where a tracker keeps its runs; searched as the scanner
    /// searches folders, and every run found there that a reader other than this one and the
    /// generic one claims is merged into the Hydra run.
    static const QStringList &trackerFolders();
};

} // namespace runlens
