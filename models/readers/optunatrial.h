#pragma once

#include "history.h"
#include "reader.h"

#include <QHash>
#include <QString>

#include <vector>

namespace runlens {

// Optuna studies as its two stores keep them (FORMATS.md section 10), in one shape for both:
// the journal (optunajournal.h) replays its operation log into it, the SQLite store
// (optunadb.h) selects it, and optunaTrialRun() turns each trial into a run.

/// One study: its name, the direction of each objective, the objectives' names where the user
/// set them (`study.set_metric_names`), and whether it was deleted.
struct OptunaStudy {
    QString name;
    std::vector<bool> maximize; ///< per objective
    QStringList metricNames;
    bool deleted = false;
};

/// A parameter as stored: Optuna's internal representation (a float; for a categorical
/// distribution the index of the choice) and its distribution (an index into
/// OptunaStore::distributions).
struct OptunaParam {
    QString name;
    double internal = 0;
    int distribution = -1;
};

/// A distribution as Optuna writes it (`{"name": ..., "attributes": {...}}`), read once per
/// distinct text: a study repeats the same few for every trial.
struct OptunaDistribution {
    QString kind;               ///< "FloatDistribution", ...; empty when unreadable
    bool hasChoices = false;    ///< categorical with a list of choices
    std::vector<Value> choices; ///< scalar choices; a container choice is missing
};

/// Optuna's TrialState numbering (journal) and names (SQLite).
enum class OptunaState { Running = 0, Complete = 1, Pruned = 2, Fail = 3, Waiting = 4 };
QString optunaStateName(OptunaState s);
std::optional<OptunaState> optunaStateFromName(const QString &name);

struct OptunaTrial {
    int id = 0;     ///< the store's trial id (unique in the file)
    int number = 0; ///< the trial's number within its study
    int study = 0;  ///< index into the studies
    OptunaState state = OptunaState::Running;
    std::vector<double> values; ///< objective values, once the trial completed
    QString start, complete;    ///< ISO times as stored
    std::vector<OptunaParam> params;
    std::vector<std::pair<double, double>> intermediate; ///< (step, value), in report order
    std::vector<std::pair<QString, QString>> userAttrs;  ///< key, JSON value
};

/// What one store holds, and what went wrong reading it (issues of the file as a whole: each
/// trial's run carries them).
struct OptunaStore {
    std::vector<OptunaStudy> studies;
    std::vector<OptunaTrial> trials;
    std::vector<Issue> issues;
    std::vector<OptunaDistribution> distributions;

    /// The index of a distribution's JSON text in `distributions`, parsing it on first sight.
    int distribution(const QString &json);

private:
    QHash<QString, int> m_distributionIndex;
};

/// The run of one trial: id `<file name>:<study>#<number>`, name `<study> #<number>`, path
/// runInFilePath(file, trial id). Params decoded through their distributions (a categorical
/// index becomes the choice itself, int distributions integers) as config, keyed by
/// splitFlatKey() (`optimizer.lr` nests as in other configs); the objective values
/// as metrics (`value`, or `values_<i>` / the study's metric names for several objectives),
/// described with their direction so the table marks the best one right; intermediate values
/// as the metric `intermediate_value` with its history; the state as status (`optuna.state` in
/// full: PRUNED stays told apart); user attributes as meta keys under `user_attrs`.
RunRecord optunaTrialRun(const OptunaStore &store, const OptunaTrial &trial, const QString &file,
                         const ReadLimits &limits);

} // namespace runlens
