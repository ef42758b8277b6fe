#pragma once

#include "history.h"
#include "reader.h"
#include "wandbhistory.h"

#include <QIODevice>
#include <QStringList>

#include <optional>
#include <vector>

namespace runlens {

/// What a W&B log's RunRecord says about the run. Where the log holds several (the Python SDK
/// writes a second one), each field keeps the last non-empty value.
struct WandbLogRun {
    QString runId;
    QString entity;
    QString project;
    QString displayName;
    QString group;
    QString jobType;
    QString notes;
    QString sweepId;
    QString host;
    QString gitRemote;
    QString gitCommit;
    QStringList tags;
    qint64 startMs = -1; ///< start_time, ms since the epoch (UTC); -1 when absent
    bool resumed = false;
    qint64 startingStep = 0;
};

/// The run's RunExitRecord: written when the run finished, with its exit code.
struct WandbLogExit {
    int code = 0;
    int runtimeSec = 0;
};

/// Everything RunLens reads from one `run-<id>.wandb` transaction log (FORMATS.md 1.6).
struct WandbLog {
    bool isLog = false;    ///< the file has a W&B header of version 0
    bool cutShort = false; ///< it ends inside a record (a run still writing, or a cut copy)
    qint64 records = 0;    ///< whole records read
    std::optional<WandbLogRun> run;
    std::optional<WandbLogExit> exit;
    /// The config after every change record, as one JSON object; empty when the log has none.
    Doc config;
    /// The summary after every summary record; where the log has none, the last value of each
    /// history key (summaryFromHistory). Empty when there is neither.
    Doc summary;
    bool summaryFromHistory = false;
    /// Every numeric history key with its MetricHistory, in the order first logged.
    std::vector<WandbHistory::Series> history;
    qint64 historyRows = 0;
    /// Problems in the log, one per kind, with the byte offset of the first.
    std::vector<Issue> issues;
};

/// Reads a W&B transaction log from `device` in 32 KiB blocks (a log of any size costs its
/// keys, not its records): the RunRecord, the config (the RunRecord's, then every ConfigRecord
/// in order), the summary (every SummaryRecord in order), every history row into per-key
/// summaries, and the exit record. Damage, cut-off ends, malformed records and values and the
/// limits become `issues` on `file`; whatever is sound is kept. Never fails.
WandbLog readWandbLog(QIODevice &device, const QString &file, const ReadLimits &limits);

/// For curves: every numeric value of `metric` in the log's history rows, in the order logged,
/// with the row's step and `_timestamp` (seconds). Problems are not reported (read() does).
std::vector<HistoryPoint> readWandbLogPoints(QIODevice &device, const Key &metric,
                                             const ReadLimits &limits);

} // namespace runlens
