#pragma once

#include "reader.h"

namespace runlens {

/// An issue that belongs to one trial of a state file, or to all of them (empty id).
struct RayStateIssue {
    QString trialId;
    Issue issue;
};

/// What a Ray Tune `experiment_state-*.json` says about its trials (FORMATS.md 11.3): the trial
/// list as JSON strings inside JSON (Ray 1.x-2.6), plain objects (Ray 1.0) or pairs of strings
/// (`trial_data`: state and run metadata). Each trial's facts are kept as compact JSON:
/// `trial_id`, `status`, `start_time`, `config`, `last_result` (without the config it repeats),
/// `logdir`, `relative_logdir`, `local_dir`, `num_failures`, `trainable_name` where present.
struct RayExperimentState {
    QString experiment; ///< the experiment folder's name as Ray recorded it
    QStringList trialIds;
    QHash<QString, QString> facts;      ///< trial id -> compact JSON {status, config, ...}
    QHash<QString, QString> idByFolder; ///< trial folder name -> trial id
    std::vector<RayStateIssue> issues;
    QByteArray digest; ///< of the file's bytes, for the run cache
};

/// Reads a state file; problems (a trial string that is not JSON) become issues of the trial
/// they concern, or of every trial when its id cannot be read.
RayExperimentState readRayExperimentState(const QString &path, const ReadLimits &limits);

/// Issues as one string, for the scan notes (which hold strings), and back.
QString encodeRayStateIssues(const std::vector<RayStateIssue> &issues);
std::vector<RayStateIssue> decodeRayStateIssues(const QString &text);

} // namespace runlens
