#pragma once

#include "reader.h"

namespace runlens {

/// Sacred FileStorageObserver run folders (FORMATS.md section 5): `<basedir>/<run id>/` with
/// run.json (status, start/stop/heartbeat, host, experiment with git repositories, command,
/// meta, result, fail_trace), config.json (the config) and metrics.json (`{name: {steps,
/// timestamps, values}}`, each a metric with its history). jsonpickle encodings are decoded:
/// `py/tuple` and `py/set` as lists, numpy arrays and scalars as their values, objects whose
/// attributes are plain members as mappings, anything else as short text naming it. Metric
/// names keep their dots as one key segment (`["training.loss"]`), as logged.
class SacredReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    int version() const override { return 2; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    /// The metric's series in metrics.json (its key is the name, one segment): each numeric
    /// value with its `steps` entry and its `timestamps` entry (readSacredHistory()).
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
};

} // namespace runlens
