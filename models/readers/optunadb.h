#pragma once

#include "optunatrial.h"

namespace runlens {

/// Whether an SQLite file's tables are those of an Optuna RDB store: studies, trials,
/// trial_params, trial_values (and study_directions).
bool isOptunaDatabase(const QStringList &tables);

/// Reads an Optuna RDB store (SQLite, FORMATS.md 10.2), opened read-only: studies with their
/// directions and metric names, trials with params, values (`INF_POS` / `INF_NEG` rows hold no
/// number), intermediate values and user attributes. nullopt when the file is no Optuna store.
std::optional<OptunaStore> readOptunaDatabase(const QString &file, const ReadLimits &limits);

} // namespace runlens
