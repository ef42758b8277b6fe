#pragma once

#include "reader.h"

namespace runlens {

/// Optuna studies (FORMATS.md section 10): each trial of a journal file (JournalFileBackend)
/// or an SQLite store is a run (optunatrial.h says what it shows). Optuna keeps no run
/// folders, so this reader claims no folder: it reads the files runFiles() names (`*.log`,
/// `*.jsonl`, `*.journal`, and SQLite files) once their first bytes or tables show they are
/// Optuna's. A trial's curve is its intermediate values.
class OptunaReader final : public Reader {
public:
    QString format() const override;
    bool detect(const DirListing &) const override { return false; }
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    QStringList runFiles(const DirListing &dir) const override;
    std::vector<RunRecord> readFile(const RunCandidate &candidate,
                                    const ReadLimits &limits) const override;
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
};

} // namespace runlens
