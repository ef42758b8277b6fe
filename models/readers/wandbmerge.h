#pragma once

#include "reader.h"
#include "wandbhistory.h"
#include "wandblog.h"

namespace runlens {

/// Flattens a W&B summary's top-level mapping into `run` the way W&B means it: `_wandb.runtime`
/// is the duration, `_runtime`, `_step` and `_timestamp` are metadata, everything else is a
/// metric. Shared by wandb-summary.json and the summary a `.wandb` log builds up.
void flattenWandbSummary(const Doc &doc, const DocNode &top, Flattener &flattener, RunRecord &run,
                         const QString &path);

/// What a W&B run folder's own files said, before its `.wandb` log is merged in.
struct WandbFilesState {
    QString configPath;           ///< config.yaml (for notes where the log disagrees)
    QString summaryPath;          ///< wandb-summary.json
    bool summaryCutShort = false; ///< wandb-summary.json ends early (the run is writing it)
    bool logHistory = true;       ///< false: wandb-history.jsonl gives the history instead
};

/// Merges what a run's `.wandb` log holds into `run`, which holds what the folder's files
/// (config.yaml, wandb-summary.json, wandb-metadata.json) gave. The files win where both speak;
/// the log fills what they lack: config and summary keys, the run's name, tags, group, job
/// type, notes, sweep, host and git facts, start time, duration, status (its exit record), and
/// the history summary of every numeric key (MetricHistory: history.min/max/mean/steps).
/// Where both give a value and they differ beyond spelling and float rounding, a note says so.
/// The log's own problems become issues on `logPath`. Returns whether the log decided the
/// status: its exit record, or a log that ends without one (running when it ends mid-write,
/// else crashed); an empty or unreadable log leaves the status as the files set it.
bool mergeWandbLog(const WandbLog &log, const QString &logPath, const WandbFilesState &files,
                   const ReadLimits &limits, RunRecord &run);

/// Adds the history summary of each series to `run` (MetricHistory::addTo): a metric that
/// already has a value keeps it (the summary's), one that has none takes the history's last.
void addWandbHistory(const std::vector<WandbHistory::Series> &series, RunRecord &run);

} // namespace runlens
