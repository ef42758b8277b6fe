#pragma once

#include "reader.h"

namespace runlens {

/// DVC projects and DVCLive folders (FORMATS.md section 6).
///
/// A DVCLive folder (named `dvclive*`, or inside one for k-fold layouts such as
/// `dvclive/fold_0`, holding metrics.json, params.yaml or plots/) is a run: metrics.json is
/// the summary, params.yaml the config, `plots/metrics/<name>.tsv` each metric's history.
/// Several DVCLive folders are several runs. A DVC project (a folder with dvc.yaml or dvc.lock)
/// is a run only when it holds no `dvclive*` folder; otherwise its DVCLive folders are its
/// rows, and a DVCLive folder without its own params.yaml takes the project's.
///
/// Of a project: params.yaml and the other YAML/JSON params files dvc.yaml names are the
/// config (dvc.lock's recorded values where params.yaml is missing); a value that differs from
/// what dvc.lock recorded is a warning (params changed since the last `dvc repro`); the JSON and
/// YAML metrics files dvc.yaml names are metrics (TOML ones are skipped with a note). DVC keeps
/// no status: a run is finished when dvc.lock records its metrics as a stage's output.
class DvcReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    bool descendIntoRuns(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    int version() const override { return 1; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    QString cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                         const ScanNotes &notes) const override;
    /// The metric's DVCLive history, `plots/metrics/<key joined by />.tsv`, from the folder
    /// read() took the metric from: the value column (the first that is not `step` or
    /// `timestamp`) with the `step` column, and the `timestamp` column (DVCLive writes
    /// milliseconds) as the time. Empty for metrics of plain metrics files.
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
};

} // namespace runlens
