#include "wandbreader.h"
#include "runid.h"
#include "scalars.h"
#include "timeparse.h"
#include "wandbhistory.h"
#include "wandblog.h"
#include "wandbmerge.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QRegularExpression &runDirPattern() {
    static const QRegularExpression re(
        u"^(?:offline-run|run|dryrun)-(\\d{8}_\\d{6})-([a-z0-9]+)$"_s);
    return re;
}

const QRegularExpression &logFilePattern() {
    static const QRegularExpression re(u"^run-([a-z0-9]+)\\.wandb$"_s);
    return re;
}

bool hasRunFiles(const QStringList &files) {
    return files.contains(u"wandb-summary.json"_s) || files.contains(u"wandb-metadata.json"_s) ||
           files.contains(u"wandb-history.jsonl"_s);
}

QString logFileId(const QStringList &files) {
    for (const QString &f : files)
        if (const auto m = logFilePattern().match(f); m.hasMatch()) return m.captured(1);
    return {};
}

QString filesDir(const QString &runPath) {
    const QString files = runPath + u"/files"_s;
    return QFileInfo(files).isDir() ? files : runPath;
}

/// The folder read() reads: the scanner saw whether there is a files/ folder (SDK >= 0.10) or
/// the files lie inside.
QString readDir(const RunCandidate &candidate) {
    return candidate.dirs.contains(u"files"_s) ? candidate.path + u"/files"_s : candidate.path;
}

QByteArray fileDigest(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || f.size() > 4 * 1024 * 1024) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1);
}

/// Metadata keys worth a column; the rest (per-core CPU speeds, GPU device lists) is noise.
const QStringList &metadataKeys() {
    static const QStringList keys = {
        u"host"_s,        u"username"_s, u"program"_s,   u"codePath"_s,   u"args"_s,
        u"git"_s,         u"os"_s,       u"python"_s,    u"executable"_s, u"cuda"_s,
        u"cudaVersion"_s, u"gpu"_s,      u"gpu_count"_s, u"cpu_count"_s,  u"cpu_count_logical"_s,
        u"memory"_s,      u"slurm"_s};
    return keys;
}

void readMetadata(const QString &path, const ReadLimits &limits, Flattener &flattener,
                  RunRecord &run) {
    static const QSet<QString> wanted = [] {
        QSet<QString> keys(metadataKeys().begin(), metadataKeys().end());
        keys << u"startedAt"_s << u"name"_s;
        return keys;
    }();
    ReadLimits only = limits;
    only.parse.onlyTopLevelKeys = &wanted;
    Doc doc;
    if (loadDoc(path, false, only, doc, run) != DocStatus::Ok) return;
    const DocNode *top = topMapping(doc, run, path);
    if (!top) return;
    for (const auto &[key, child] : top->members) {
        const DocNode &n = doc.node(child);
        if (key == u"startedAt" && n.value.type() == Value::Type::String) {
            if (const qint64 ms = parseIsoTimeMs(n.value.rawText()); ms >= 0) run.startMs = ms;
        } else if (key == u"name" && n.value.type() == Value::Type::String) {
            run.name = n.value.rawText(); // legacy SDKs keep the display name here
        } else if (metadataKeys().contains(key)) {
            const std::size_t first = run.entries.size();
            flattener.flatten(doc, child, Key({key}), Family::Meta, {}, run, path);
            // wandb-core writes uint64 byte counts as JSON strings ("17179869184"): they are
            // numbers.
            for (std::size_t i = first; i < run.entries.size(); ++i) {
                Value &v = run.entries[i].value;
                if (v.type() == Value::Type::String && !v.rawText().isEmpty() &&
                    v.rawText()[0].isDigit()) {
                    const QByteArray text = v.rawText().toUtf8();
                    if (const Value n = parseNumber(
                            std::string_view(text.constData(), std::size_t(text.size())));
                        n.type() == Value::Type::Int)
                        v = n;
                }
            }
        }
    }
}

void readWandbInternals(const Doc &doc, int node, Flattener &flattener, RunRecord &run,
                        const QString &path) {
    if (node < 0 || doc.node(node).kind != DocNode::Kind::Map) return;
    for (const auto &[key, child] : doc.node(node).members) {
        const DocNode &n = doc.node(child);
        if (key == u"start_time" && n.value.isNumber() && run.startMs < 0)
            run.startMs = qint64(n.value.toDouble() * 1000.0);
        else if (key == u"cli_version" || key == u"python_version" || key == u"framework" ||
                 key == u"huggingface_version")
            flattener.flatten(doc, child, Key({u"wandb"_s, key}), Family::Meta, {}, run, path);
    }
}

DocStatus readSummary(const QString &path, const ReadLimits &limits, Flattener &flattener,
                      RunRecord &run, bool &cutShort) {
    Doc doc;
    if (const DocStatus s = loadDoc(path, false, limits, doc, run); s != DocStatus::Ok) return s;
    const DocNode *top = topMapping(doc, run, path);
    if (!top) return DocStatus::Unusable;
    flattenWandbSummary(doc, *top, flattener, run, path);
    // Only a cut-off file means "still running"; other warnings (a duplicate key) do not.
    cutShort = doc.truncated;
    run.status = doc.truncated ? RunStatus::Running : RunStatus::Finished;
    return DocStatus::Ok;
}

bool hasMetric(const RunRecord &run) {
    return std::any_of(run.entries.begin(), run.entries.end(),
                       [](const Entry &e) { return e.family == Family::Metric; });
}

/// The run folder's `.wandb` log: the `run-<id>.wandb` among `files`, or empty.
QString logPath(const QString &runPath, const QStringList &files) {
    const QString id = logFileId(files);
    return id.isEmpty() ? QString() : runPath + u"/run-"_s + id + u".wandb"_s;
}

} // namespace

QString WandbReader::format() const {
    return u"wandb"_s;
}

bool WandbReader::detect(const DirListing &dir) const {
    if (runDirPattern().match(dir.name).hasMatch()) return true;
    if (!logFileId(dir.files).isEmpty()) return true;
    // latest-run copies, renamed folders and the flat legacy layout: the W&B files themselves.
    if (hasRunFiles(dir.files)) return true;
    if (dir.hasDir(u"files"_s)) {
        const QDir files(dir.path + u"/files"_s);
        return QFileInfo::exists(files.filePath(u"wandb-summary.json"_s)) ||
               QFileInfo::exists(files.filePath(u"wandb-metadata.json"_s));
    }
    return false;
}

bool WandbReader::descendIntoRuns(const DirListing &dir) const {
    // The flat legacy layout keeps one run's files directly in wandb/, beside other run folders.
    return !dir.hasDir(u"files"_s) && !runDirPattern().match(dir.name).hasMatch();
}

void WandbReader::note(const DirListing &dir, ScanNotes &notes) const {
    if (!dir.name.startsWith(u"sweep-"_s)) return;
    const QString sweepId = dir.name.mid(6);
    for (const QString &f : dir.files)
        if (f.startsWith(u"config-"_s) && f.endsWith(u".yaml"_s))
            notes.insert(u"wandb-sweep:"_s + f.mid(7, f.size() - 12), sweepId);
}

RunIdentity WandbReader::identify(const RunCandidate &candidate) const {
    const QFileInfo info(candidate.path);
    if (const auto m = runDirPattern().match(info.fileName()); m.hasMatch())
        return {m.captured(2), m.captured(1)};
    if (const QString id = logFileId(candidate.files); !id.isEmpty()) return {id, QString()};
    // A copied folder (a committed latest-run) has no id in its name: find the run folder beside
    // it whose metadata is byte-identical, newest first.
    const QByteArray digest = fileDigest(filesDir(candidate.path) + u"/wandb-metadata.json"_s);
    if (digest.isEmpty()) return {};
    QDir parent = info.dir();
    QStringList siblings =
        parent.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    for (const QString &s : siblings) {
        const auto m = runDirPattern().match(s);
        if (!m.hasMatch()) continue;
        if (fileDigest(filesDir(parent.filePath(s)) + u"/wandb-metadata.json"_s) == digest)
            return {m.captured(2), QString()};
    }
    return {};
}

std::optional<QStringList> WandbReader::inputFiles(const RunCandidate &candidate) const {
    const QString dir = readDir(candidate);
    QStringList files{dir + u"/config.yaml"_s, dir + u"/wandb-summary.json"_s,
                      dir + u"/wandb-metadata.json"_s};
    files << dir + u"/wandb-history.jsonl"_s;
    if (const QString log = logPath(candidate.path, candidate.files); !log.isEmpty()) files << log;
    return files;
}

QString WandbReader::cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                                  const ScanNotes &notes) const {
    // Besides the input files (the .wandb log among them), read() looks at which log the folder
    // has and at the sweep note for the run's id, which is the identity's or else the fallback.
    const QString id = identity.id.isEmpty() ? fallbackRunId(candidate) : identity.id;
    return logFileId(candidate.files) + u'\n' + notes.value(u"wandb-sweep:"_s + id);
}

RunRecord WandbReader::read(const RunCandidate &candidate, const ScanNotes &notes,
                            const ReadLimits &limits) const {
    RunRecord run;
    run.entries.reserve(128); // config, summary and metadata keys of a typical run at once
    run.format = format();
    run.path = candidate.path;
    const QString dirName = QFileInfo(candidate.path).fileName();
    const auto m = runDirPattern().match(dirName);
    const RunIdentity identity = candidate.identity ? *candidate.identity : identify(candidate);
    run.id = identity.id.isEmpty() ? fallbackRunId(candidate) : identity.id;

    const QDir files(readDir(candidate));
    Flattener flattener(limits.flatten);

    const QString configPath = files.filePath(u"config.yaml"_s);
    const QString summaryPath = files.filePath(u"wandb-summary.json"_s);
    const QString metadataPath = files.filePath(u"wandb-metadata.json"_s);

    if (Doc doc; loadDoc(configPath, true, limits, doc, run) == DocStatus::Ok) {
        if (const DocNode *top = topMapping(doc, run, configPath)) {
            const int internals = flattenConfig(doc, *top, flattener, run, configPath);
            readWandbInternals(doc, internals, flattener, run, configPath);
        }
    }
    readMetadata(metadataPath, limits, flattener, run);

    if (const QString sweep = notes.value(u"wandb-sweep:"_s + run.id); !sweep.isEmpty())
        run.add(Family::Meta, Key({u"wandb"_s, u"sweep"_s}), Value::string(sweep));

    WandbFilesState state{configPath, summaryPath, false};
    bool logDecided = false; // the log's exit record (or its lack) decided the status
    const DocStatus summary =
        readSummary(summaryPath, limits, flattener, run, state.summaryCutShort);
    // Legacy SDKs keep the history in wandb-history.jsonl; where it exists it is the history
    // (readHistory() reads the curves from it too), even beside a log.
    WandbHistory legacy(WandbHistory::limitsFor(limits));
    const bool haveJsonl =
        readWandbHistoryJsonl(files.filePath(u"wandb-history.jsonl"_s), limits, legacy, &run);
    state.logHistory = !haveJsonl;
    if (const QString log = logPath(candidate.path, candidate.files); !log.isEmpty()) {
        QFile file(log);
        if (file.open(QIODevice::ReadOnly)) {
            logDecided = mergeWandbLog(readWandbLog(file, log, limits), log, state, limits, run);
        } else {
            run.addIssue(Issue::Severity::Error, log, 0, 0,
                         u"cannot open the .wandb log: %1"_s.arg(file.errorString()));
        }
    }
    if (haveJsonl) addWandbHistory(legacy.series(), run);
    // Last resort: the folder name's timestamp, whole seconds in the writer's local time. Taken
    // only now so that exact times (`_wandb.start_time`, startedAt, the log's) are not shadowed.
    if (run.startMs < 0 && m.hasMatch()) run.startMs = parseCompactLocalTimeMs(m.captured(1));

    if (summary == DocStatus::Missing && !hasMetric(run))
        run.addIssue(
            Issue::Severity::Warning, candidate.path, 0, 0,
            u"no wandb-summary.json: the run logged no metrics, crashed early or is still starting"_s);
    // Offline runs leave a summary holding only {"_wandb": {"runtime": N}}: without a log that
    // says so, nothing says they finished.
    if (!logDecided && !hasMetric(run) && run.status == RunStatus::Finished)
        run.status = RunStatus::Unknown;
    if (run.name.isEmpty()) run.name = run.id;
    return run;
}

std::vector<HistoryPoint> WandbReader::readHistory(const QString &runPath, const Key &metric,
                                                   const ReadLimits &limits) const {
    WandbHistory history(WandbHistory::limitsFor(limits));
    history.collectPointsOf(metric);
    if (readWandbHistoryJsonl(filesDir(runPath) + u"/wandb-history.jsonl"_s, limits, history,
                              nullptr))
        return history.takePoints();
    const QStringList files = QDir(runPath).entryList({u"run-*.wandb"_s}, QDir::Files);
    const QString log = logPath(runPath, files);
    QFile file(log);
    if (log.isEmpty() || !file.open(QIODevice::ReadOnly)) return {};
    return readWandbLogPoints(file, metric, limits);
}

} // namespace runlens
