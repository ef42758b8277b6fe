#include "wandbreader.h"
#include "runid.h"
#include "scalars.h"
#include "timeparse.h"

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
                      RunRecord &run) {
    Doc doc;
    if (const DocStatus s = loadDoc(path, false, limits, doc, run); s != DocStatus::Ok) return s;
    const DocNode *top = topMapping(doc, run, path);
    if (!top) return DocStatus::Unusable;
    for (const auto &[key, child] : top->members) {
        const DocNode &n = doc.node(child);
        if (key == u"_wandb") {
            if (const DocNode *rt = doc.member(n, u"runtime"_s); rt && rt->value.isNumber())
                run.durationSec = rt->value.toDouble();
        } else if (key == u"_runtime" || key == u"_step" || key == u"_timestamp") {
            if (key == u"_runtime" && n.value.isNumber() && run.durationSec < 0)
                run.durationSec = n.value.toDouble();
            flattener.flatten(doc, child, Key({key}), Family::Meta, {}, run, path);
        } else {
            flattener.flatten(doc, child, Key({key}), Family::Metric, {}, run, path);
        }
    }
    // Only a cut-off file means "still running"; other warnings (a duplicate key) do not.
    run.status = doc.truncated ? RunStatus::Running : RunStatus::Finished;
    return DocStatus::Ok;
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
    return QStringList{dir + u"/config.yaml"_s, dir + u"/wandb-summary.json"_s,
                       dir + u"/wandb-metadata.json"_s};
}

QString WandbReader::cacheContext(const RunCandidate &candidate, const RunIdentity &identity,
                                  const ScanNotes &notes) const {
    // read() looks only at the name of the .wandb log (not its content) and at the sweep note
    // for the run's id, which is the identity's or else the fallback.
    const QString id = identity.id.isEmpty() ? fallbackRunId(candidate) : identity.id;
    return logFileId(candidate.files) + u'\n' + notes.value(u"wandb-sweep:"_s + id);
}

RunRecord WandbReader::read(const RunCandidate &candidate, const ScanNotes &notes,
                            const ReadLimits &limits) const {
    RunRecord run;
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
    const QString logId = logFileId(candidate.files);

    bool haveConfig = false;
    if (Doc doc; loadDoc(configPath, true, limits, doc, run) == DocStatus::Ok) {
        if (const DocNode *top = topMapping(doc, run, configPath)) {
            haveConfig = true;
            const int internals = flattenConfig(doc, *top, flattener, run, configPath);
            readWandbInternals(doc, internals, flattener, run, configPath);
        }
    }
    readMetadata(metadataPath, limits, flattener, run);
    // Last resort: the folder name's timestamp, whole seconds in the writer's local time. Taken
    // only now so that `_wandb.start_time` (exact, UTC) is not shadowed by it.
    if (run.startMs < 0 && m.hasMatch()) run.startMs = parseCompactLocalTimeMs(m.captured(1));

    const DocStatus summary = readSummary(summaryPath, limits, flattener, run);
    bool haveMetrics = summary == DocStatus::Ok;
    if (summary != DocStatus::Missing) {
        if (haveMetrics &&
            run.entries.end() ==
                std::find_if(run.entries.begin(), run.entries.end(),
                             [](const Entry &e) { return e.family == Family::Metric; }) &&
            !logId.isEmpty())
            haveMetrics =
                false; // offline runs leave a summary holding only {"_wandb": {"runtime": N}}
    } else {
        run.addIssue(
            Issue::Severity::Warning, candidate.path, 0, 0,
            u"no wandb-summary.json: the run logged no metrics, crashed early or is still starting"_s);
    }
    if (!logId.isEmpty() && (!haveConfig || !haveMetrics)) {
        run.addIssue(
            Issue::Severity::Warning, candidate.path + u"/run-"_s + logId + u".wandb"_s, 0, 0,
            u"this run's %1 exist only in its .wandb transaction log, which this version of RunLens does not read yet"_s
                .arg(!haveConfig && !haveMetrics ? u"config and metrics"_s
                     : !haveConfig               ? u"config"_s
                                                 : u"metrics"_s));
    }
    if (!haveMetrics && run.status == RunStatus::Finished) run.status = RunStatus::Unknown;
    if (const QString sweep = notes.value(u"wandb-sweep:"_s + run.id); !sweep.isEmpty())
        run.add(Family::Meta, Key({u"wandb"_s, u"sweep"_s}), Value::string(sweep));
    if (run.name.isEmpty()) run.name = run.id;
    return run;
}

} // namespace runlens
