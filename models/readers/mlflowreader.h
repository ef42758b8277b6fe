#pragma once

#include "reader.h"

namespace runlens {

/// MLflow file stores (`mlruns/`, FORMATS.md section 2): one run per `<experiment id>/<run id>/`
/// folder. meta.yaml gives the run id, name, status, start and end time and lifecycle stage; the
/// experiment's meta.yaml one folder up gives the experiment name. Every file under params/,
/// metrics/ and tags/ is one key (subfolders for keys with `/`). Params are Python str() text,
/// typed back (`None`, `True`, numbers, lists, tuples, dicts) and keyed by splitting the MLflow
/// key at `/` and `.` (`module/optimizer/lr` and `optimizer.lr` line up with the nested config
/// keys of other tools). Metrics are `timestamp value step` lines (two fields in old stores),
/// read streaming into a MetricHistory. Tags and run facts are meta keys; a deleted run, or a
/// run of a deleted experiment (`.trash/`), carries `lifecycle_stage` = `deleted`.
class MlflowReader final : public Reader {
public:
    QString format() const override;
    /// A run folder is named by a run id (32 hex digits, `uuid4().hex`) and holds meta.yaml
    /// beside params/, metrics/, tags/ or artifacts/, or sits directly in an experiment folder
    /// (named by digits). Without meta.yaml, a run id folder in an experiment folder with params/
    /// or metrics/ is still a run (its meta.yaml was lost), read with an issue. This keeps out
    /// experiment folders, `.trash` and `models/` (registry and MLflow 3 logged models, `m-<id>`)
    /// and the md5-named folders of datasets/ and inputs/.
    bool detect(const DirListing &dir) const override;
    RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                   const ReadLimits &limits) const override;
    std::optional<QStringList> inputFiles(const RunCandidate &candidate) const override;
    std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                          const ReadLimits &limits) const override;
    /// SQLite stores (mlflow.db, mlflowdb.h): any `*.db`, `*.sqlite` or `*.sqlite3` file
    /// outside run folders, read when its tables are MLflow's.
    QStringList runFiles(const DirListing &dir) const override;
    std::vector<RunRecord> readFile(const RunCandidate &candidate,
                                    const ReadLimits &limits) const override;
};

/// Names of files that may be SQLite databases: `*.db`, `*.sqlite`, `*.sqlite3`.
QStringList sqliteFileNames(const DirListing &dir);

} // namespace runlens
