#pragma once

#include "reader.h"

namespace runlens {

/// Plain run folders that no tool-specific reader claims: a config file (config.yaml,
/// config.yml, config.json, params.yaml, hparams.yaml; the `{desc, value}` shape of
/// config-defaults.yaml is unwrapped) with a metrics file beside it (metrics.json,
/// results.json, summary.json, eval_results.json). A folder is a run when it has a metrics
/// file, or a config file and no subfolders (a run that died before writing metrics).
class GenericReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    bool descendIntoRuns(const DirListing &) const override { return true; }
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;

    static const QStringList &configFiles();
    static const QStringList &metricFiles();
};

} // namespace runlens
