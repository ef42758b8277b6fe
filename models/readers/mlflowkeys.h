#pragma once

#include "reader.h"

#include <QSet>

#include <utility>

namespace runlens {

// How MLflow's params, tags and run status become RunLens values: shared by the file store
// (mlflowreader.cpp) and the SQLite store (mlflowdb.cpp), so a run reads the same from either.
// Keys are split by splitFlatKey() (reader.h).

/// Adds the str() of a Python value under `key`: `None`, `True`/`False` and numbers typed,
/// lists, tuples and dicts parsed (a dict flattens under `key` as a nested config does, a list
/// stays one value), anything else the text itself.
void addMlflowValue(const QString &text, const Key &key, Family family, Flattener &flattener,
                    RunRecord &run, const QString &path, const ReadLimits &limits);

/// Two MLflow keys can give the same RunLens key (`a.b` and `a/b`, a dict param `a` holding `b`
/// beside a param `a.b`): the entries added since `first` that collide with `seen` keep their
/// MLflow spelling as their first segment instead, with a warning, so neither hides the other.
void settleMlflowKeys(RunRecord &run, std::size_t first, QSet<Key> &seen, const Key &prefix,
                      const QString &mlflowKey, const QString &path);

/// MLflow's RunStatus from its word (`FINISHED`, the SQLite store) or its enum number (`3`,
/// meta.yaml); `present` false means no status was written, which MLflow reads as RUNNING.
/// Returns the status and the word; an unknown value gives Unknown and the text as found.
std::pair<RunStatus, QString> mlflowStatus(const QString &text, bool present = true);

} // namespace runlens
