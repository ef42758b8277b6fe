#pragma once

#include "reader.h"

namespace runlens {

/// Guild AI runs (FORMATS.md section 8): `<GUILD_HOME>/runs/<id>/` (and `trash/runs/<id>/`
/// for deleted runs), each with `.guild/attrs/<name>` files holding one YAML value each:
/// `flags` is the config; `id`, `label`, `host`, `user`, `cmd`, `tags`, `exit_status`,
/// `started` and `stopped` (microseconds since the epoch) are metadata; the status follows
/// Guild's own rule (lock and marker files, then the exit status). Guild keeps the run's
/// scalars in TensorBoard event files, which this reader does not decode: metrics come from a
/// metrics file in the run folder where there is one (metrics.json, results.json, ...).
class GuildReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    int version() const override { return 1; }
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
};

} // namespace runlens
