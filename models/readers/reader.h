#pragma once

#include "docparser.h"
#include "history.h"
#include "run/flatten.h"
#include "run/run.h"

#include <QHash>
#include <QStringList>

#include <optional>
#include <vector>

namespace runlens {

/// One directory as the scanner saw it: its regular files and its subdirectories, by name.
struct DirListing {
    QString path;
    QString name;
    QStringList files;
    QStringList dirs;
    bool hasFile(const QString &n) const { return files.contains(n); }
    bool hasDir(const QString &n) const { return dirs.contains(n); }
};

/// Facts the scanner collected outside run folders for the readers (W&B sweep folders name
/// their runs): key -> value, keys prefixed by the reader's format.
using ScanNotes = QHash<QString, QString>;

class Reader;

/// Where the same run lives in several folders (a resumed W&B run, a `latest-run` copy), the
/// reader names it so the loader can keep the most recent folder only.
struct RunIdentity {
    QString id;      ///< empty: the folder is a run of its own
    QString recency; ///< sorts ascending by age; the largest wins
};

/// A folder some reader claimed as a run, found under `root`.
struct RunCandidate {
    QString path;
    QString root;
    const Reader *reader = nullptr;
    QStringList files;  ///< regular files directly in the folder, as the scanner listed them
    QStringList dirs;   ///< its subfolders
    QStringList alsoAt; ///< other folders that hold the same run (merged into this one)
    std::optional<RunIdentity> identity; ///< set by the loader once it has merged folders
    /// `path` is a file that may hold many runs (Reader::runFiles), read by Reader::readFile.
    bool isFile = false;
};

/// A flat parameter name as tools without nesting write it (MLflow, Optuna, Hydra's Optuna
/// sweeper): split at `/` and `.`, so that a nested config logged by Lightning or Hydra
/// (`model/optimizer/lr`) or named by hand (`optimizer.lr`) reads as the same dotted path as in
/// the other tools' configs. A name with an empty part (`a..b`, `.x`) stays one segment.
Key splitFlatKey(const QString &name);

/// A run kept inside a file with others (a database, a journal) has the path
/// `<file>#<id within the file>`: the file locates it, the id picks it out.
QString runInFilePath(const QString &file, const QString &id);
/// The file and the id of such a path (the last `#` splits them); nullopt for a folder path.
std::optional<std::pair<QString, QString>> splitRunInFilePath(const QString &path);

/// Caps applied to every file of a run.
struct ReadLimits {
    qint64 maxYamlBytes = 8 * 1000 * 1000;
    qint64 maxJsonBytes = 64 * 1000 * 1000;
    ParseLimits parse;
    FlattenLimits flatten;
};

/// One tool's folder format. Stateless and thread-safe: `read` runs on worker threads.
class Reader {
public:
    virtual ~Reader() = default;
    /// Short format name shown in the table ("wandb").
    virtual QString format() const = 0;
    /// Whether `dir` is a run folder of this format, decided from names alone (cheap).
    virtual bool detect(const DirListing &dir) const = 0;
    /// Whether the scanner should look for more runs inside a run folder of this format.
    virtual bool descendIntoRuns(const DirListing &) const { return false; }
    /// Collects facts from a folder that is not a run (default: nothing).
    virtual void note(const DirListing &, ScanNotes &) const {}
    /// The files note() reads for `dir` (the table snapshot stamps them before it does).
    virtual QStringList notedFiles(const DirListing &) const { return {}; }
    virtual RunIdentity identify(const RunCandidate &) const { return {}; }
    virtual RunRecord read(const RunCandidate &candidate, const ScanNotes &notes,
                           const ReadLimits &limits) const = 0;

    /// Files of a folder that is no run folder which may hold many runs of this format (an
    /// MLflow or Optuna database, an Optuna journal), by name alone: the scanner never opens
    /// files. Each becomes a candidate with `isFile` set.
    virtual QStringList runFiles(const DirListing &) const { return {}; }
    /// The runs such a file holds, each with the path runInFilePath(file, id). Empty (and no
    /// issue) when the file turns out not to be of this format; a file of the format that is
    /// broken gives what could be read, or one run carrying the issue.
    virtual std::vector<RunRecord> readFile(const RunCandidate &candidate,
                                            const ReadLimits &limits) const {
        Q_UNUSED(candidate);
        Q_UNUSED(limits);
        return {};
    }

    // For the run cache (runcache.h), which reuses a record while nothing read() depends on
    // has changed. A reader whose output changes for the same input must bump version().
    virtual int version() const { return 1; }
    /// Every file read() reads (present or not), and every folder below the run folder whose
    /// listing read() goes by (a folder's stamp changes when an entry is added, removed or
    /// renamed; the scanner's listing of the run folder itself is stamped by the walk): a
    /// change of one's size, times or inode makes the run be read again, and keeps the table
    /// snapshot from being taken. Nothing (the default) means the reader's runs are never
    /// cached.
    virtual std::optional<QStringList> inputFiles(const RunCandidate &) const {
        return std::nullopt;
    }
    /// A metric's logged values, in the order logged, for curves: read again from the run
    /// folder on demand (the table keeps only summaries). Empty when the format keeps no
    /// history of the metric (the default).
    virtual std::vector<HistoryPoint> readHistory(const QString &runPath, const Key &metric,
                                                  const ReadLimits &limits) const {
        Q_UNUSED(runPath);
        Q_UNUSED(metric);
        Q_UNUSED(limits);
        return {};
    }
    /// Anything else read() depends on besides the input files, the folder path, its root and
    /// the identity (which the cache compares itself): e.g. scan notes about the run.
    virtual QString cacheContext(const RunCandidate &, const RunIdentity &,
                                 const ScanNotes &) const {
        return {};
    }
};

enum class DocStatus { Missing, Unusable, Ok };

/// Shared steps of readers: read a YAML or JSON file into a Doc with the limits and issues.
/// Missing: no such file (no issue: the reader decides whether that matters). Unusable: too
/// large, empty, binary or unparsable, with an issue. Ok: `doc` holds what could be read.
DocStatus loadDoc(const QString &path, bool yaml, const ReadLimits &limits, Doc &doc,
                  RunRecord &run);

/// The top-level mapping of a loaded document, or null with an issue naming what it was instead.
const DocNode *topMapping(const Doc &doc, RunRecord &run, const QString &path);

/// Whether a config's top level has the W&B / config-defaults shape: every entry a mapping
/// holding `value` (and optionally `desc`), possibly after a `wandb_version` entry.
bool isWrappedConfig(const Doc &doc, const DocNode &top);

/// Flattens a config mapping into the Config family; unwraps the `{desc, value}` shape when
/// the file has it, taking `desc` as the key's description. `_wandb` and `wandb_version` are
/// not config: the caller gets the `_wandb` node (or -1).
int flattenConfig(const Doc &doc, const DocNode &top, Flattener &flattener, RunRecord &run,
                  const QString &path);

} // namespace runlens
