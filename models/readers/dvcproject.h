#pragma once

#include "reader.h"

namespace runlens {

/// What dvc.yaml says: the metrics and params files it names, and its stages.
struct DvcYaml {
    QStringList metrics; ///< paths relative to the project, in file order
    QStringList params;  ///< params files besides params.yaml
    QStringList stages;
    QHash<QString, QString> cmd; ///< stage -> command
};

/// Reads dvc.yaml (FORMATS.md section 6): top-level and per-stage `metrics:` and `params:`
/// lists (a stage's bare `- key` names a key of params.yaml, not a file), each stage's `cmd`.
/// Templated paths (`${item}`) are left out with a note. Problems go to `run` when given.
DvcYaml readDvcYaml(const QString &path, const ReadLimits &limits, RunRecord *run);

/// One parameter value dvc.lock recorded for a stage.
struct LockedParam {
    QString file;
    Key key; ///< split on dots as DVC does (`training.lr` -> training, lr)
    Value value;
    QString stage;
};

/// What dvc.lock recorded: each stage's parameter values and outputs.
struct DvcLock {
    bool present = false;
    std::vector<LockedParam> params;
    QHash<QString, QString> outStage; ///< output path -> the stage that wrote it
    QStringList files;                ///< params files it names, in order
};

/// Reads dvc.lock (schema 2.0, or DVC 1.x's stages at the top level). Without a flattener only
/// the outputs and the params files it names are read, not the values.
DvcLock readDvcLock(const QString &path, const ReadLimits &limits, RunRecord *run,
                    Flattener *flattener);

} // namespace runlens
