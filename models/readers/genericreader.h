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
    /// Reads those of configFiles() the folder has into `run` (also for readers of folders that
    /// keep a plain config beside their own logs).
    static void readConfigFiles(const RunCandidate &candidate, const ReadLimits &limits,
                                Flattener &flattener, RunRecord &run);
    /// Reads those of metricFiles() the folder has into `run`; true when one held metrics.
    /// With `setStatus`, the run is finished, or running when a file is cut off.
    static bool readMetricFiles(const RunCandidate &candidate, const ReadLimits &limits,
                                Flattener &flattener, RunRecord &run, bool setStatus);
};

} // namespace runlens
