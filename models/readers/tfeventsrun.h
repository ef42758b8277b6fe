#pragma once

#include "reader.h"
#include "tfevents.h"

#include <QSet>

namespace runlens {

/// `events.out.tfevents.<unix seconds>.<host>...`: a TensorBoard event file.
bool isEventFileName(QStringView name);

/// The folder PyTorch's `SummaryWriter.add_hparams` writes its hparams and metrics into, inside
/// the run folder: named `str(time.time())`, e.g. `1699999999.123456` (FORMATS.md 7.3). Only
/// names that read as a Unix time from 2001 to 2286 count, so a sweep folder named `0.1` is none.
bool isAddHparamsFolderName(QStringView name);

/// Whether one of `dirs` (subfolders of `folder`) is an add_hparams folder holding an event
/// file: one directory listing per such subfolder, so only folders that have one pay.
bool hasAddHparamsEvents(const QString &folder, const QStringList &dirs);

/// The event files a run folder's read takes, in time order (by file name, whose first number
/// is the writer's start time; ties by path): those among `files` (the folder's files as the
/// scanner listed them) and those of its add_hparams subfolders among `dirs`.
QStringList tfEventFiles(const QString &folder, const QStringList &files, const QStringList &dirs);
/// The same, listing the folder itself (curves are given only the run's path).
QStringList tfEventFiles(const QString &folder);
/// The add_hparams subfolders among `dirs` that tfEventFiles() lists (for Reader::inputFiles).
QStringList tfEventFolders(const QString &folder, const QStringList &dirs);

/// The host and start second an event file's name gives (`events.out.tfevents.<s>.<host>...`);
/// start -1 when the name does not have that shape.
struct EventFileName {
    qint64 startSec = -1;
    QString host;
};
EventFileName parseEventFileName(const QString &name);

/// Options of the event reader for a run read with `limits`.
TfEventsOptions tfEventsOptions(const ReadLimits &limits);

/// Reads `paths` in order into `events` (a file that cannot be opened becomes an issue).
void readTfEventFiles(TfEventsReader &events, const QStringList &paths, RunRecord &run);

/// How addTfEvents() merges event data into a run that other files have filled already.
struct TfEventsMerge {
    /// Metric keys another file gives the run (Lightning's metrics.csv, the more precise and
    /// the one its curves read): the event files' scalars of these tags are left out.
    QSet<Key> metricsTaken;
    /// Lightning: `epoch` is metadata (as in metrics.csv), not a metric.
    bool epochAsMeta = false;
    /// Lightning: string hparams are Python's str() of what the plugin cannot hold (`None`,
    /// `['a', 'b']`): read back typed, as hparams.yaml would have them.
    bool pythonStrings = false;
};

/// Adds what `events` read to `run`: every scalar tag a metric with its history (key = the tag,
/// one segment, as the MLflow and CSV readers key metrics); the hparams plugin's hyperparameters
/// as config, each name split at `/` and `.` as MLflow's params are (Lightning flattens nested
/// hparams with `/`: `optimizer/lr` is `optimizer.lr`), except where the run's config from a
/// file already gives the key, a part of it or a key below it (that file is exact and typed;
/// the plugin holds what PyTorch could store, often stringified); the experiment's descriptions
/// on config and metric keys; the session's status where it says when it ended, else
/// "running" when a file ends inside a record; start, duration and the last step. `file`
/// names the run's folder in issues.
void addTfEvents(const TfEventsReader &events, RunRecord &run, Flattener &flattener,
                 const TfEventsMerge &how, const QString &file, const ReadLimits &limits);

/// A curve of a run's event files: the points of scalar tag `tag`, in file order.
std::vector<HistoryPoint> readTfEventsHistory(const QString &runPath, const QString &tag,
                                              const ReadLimits &limits);

} // namespace runlens
