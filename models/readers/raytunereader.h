#pragma once

#include "reader.h"

namespace runlens {

/// Ray Tune trial folders (FORMATS.md section 11). A trial folder holds `params.json` (the
/// trial's config) and `result.json` (JSON lines, one per reported result; each repeats the
/// config, which is not a metric), or `progress.csv` (the same results, read only when
/// result.json is missing). The experiment folder above may hold `experiment_state-*.json`, the
/// trial list with each trial's status, config and last result; note() reads it once per scan
/// (the trials as JSON strings inside JSON in Ray 1.x-2.6, plain objects in Ray 1.0, pairs of
/// strings in `trial_data` later), and the trials take their status from it, and their config
/// and metrics where their own files lack them. A trial folder that holds such a file itself
/// reads it directly. Run id: `<experiment folder>/<trial id>`; name: the trial folder's name.
class RayTuneReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    void note(const DirListing &dir, ScanNotes &notes) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    int version() const override { return 1; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    QStringList notedFiles(const DirListing &dir) const override;
    QString cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                         const ScanNotes &notes) const override;
    /// The metric in each result of result.json (nested keys followed into the result's
    /// mappings), step = `training_iteration` (else the result's position from 1), time =
    /// `timestamp`; where result.json is missing, the metric's column of progress.csv.
    /// Results that are not whole JSON objects are left out, as read() leaves them out.
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;

    /// Result keys that Ray fills in itself and RunLens shows as metadata (the last result's
    /// value): trial and experiment ids, iteration, total time, done flag, host, dates.
    static const QStringList &metaKeys();
    /// Result keys that Ray fills in itself and RunLens leaves out (per-iteration timings,
    /// counters since a restore, the repeated `config`).
    static const QStringList &skippedKeys();
};

} // namespace runlens
