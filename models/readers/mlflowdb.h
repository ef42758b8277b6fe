#pragma once

#include "history.h"
#include "reader.h"

#include <vector>

namespace runlens {

/// Whether an SQLite file's tables are those of an MLflow tracking store (`mlflow.db`,
/// FORMATS.md 2.1): experiments, runs, params, tags and metrics.
bool isMlflowDatabase(const QStringList &tables);

/// Every run of an MLflow SQLite store (the default store since MLflow 3.7), read as the file
/// store reader reads a run folder: params typed and keyed the same way, metrics with their
/// history (the `metrics` table; `latest_metrics` where a key has no history), tags, status,
/// times, experiment name and lifecycle stage. Each run's path is `<file>#<run id>`. The file is
/// opened read-only. Empty when the file is no MLflow store; a store that cannot be read gives
/// one run carrying the issue.
std::vector<RunRecord> readMlflowDatabase(const QString &file, const ReadLimits &limits);

/// One metric's logged values of one run of an MLflow SQLite store, in the order logged.
std::vector<HistoryPoint> readMlflowDatabaseHistory(const QString &file, const QString &runId,
                                                    const QString &metricKey);

} // namespace runlens
