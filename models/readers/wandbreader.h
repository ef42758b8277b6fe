#pragma once

#include "reader.h"

namespace runlens {

/// Weights & Biases local run folders (FORMATS.md section 1): `run-*`, `offline-run-*` and
/// legacy `dryrun-*` folders with `files/` (SDK >= 0.10) or the files directly inside (older
/// SDKs, including a flat `wandb/` folder), both config.yaml generations, wandb-summary.json
/// with NaN/Infinity, wandb-metadata.json of both generations, and sweep folders.
class WandbReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    bool descendIntoRuns(const DirListing &dir) const override;
    void note(const DirListing &dir, ScanNotes &notes) const override;
    RunIdentity identify(const RunCandidate &candidate) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    QString cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                         const ScanNotes &notes) const override;
};

} // namespace runlens
