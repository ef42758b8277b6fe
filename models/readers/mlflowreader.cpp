#include "mlflowreader.h"
#include "history.h"
#include "mlflowdb.h"
#include "mlflowfiles.h"
#include "mlflowkeys.h"
#include "textfile.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// MLflow names runs `uuid.uuid4().hex`.
bool isRunId(QStringView name) {
    if (name.size() != 32) return false;
    for (const QChar c : name)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'))) return false;
    return true;
}

/// Experiment ids are integers: "0" for Default, sequential or large random ones after it.
bool isExperimentId(QStringView name) {
    if (name.isEmpty()) return false;
    for (const QChar c : name)
        if (c < u'0' || c > u'9') return false;
    return true;
}

/// The name of the folder that holds `path`, from the path alone.
QStringView parentName(QStringView path) {
    const qsizetype end = path.lastIndexOf(u'/');
    if (end <= 0) return {};
    const qsizetype start = path.lastIndexOf(u'/', end - 1);
    return path.sliced(start + 1, end - start - 1);
}

/// Folders of an experiment or a run that hold something else than runs, some of them with
/// md5-named subfolders that hold a meta.yaml (datasets/, inputs/).
bool isReservedFolder(const QString &name) {
    static const QSet<QString> names = {u"tags"_s,   u"datasets"_s, u"traces"_s,
                                        u"models"_s, u"inputs"_s,   u"outputs"_s,
                                        u"params"_s, u"metrics"_s,  u"artifacts"_s};
    return names.contains(name);
}

/// A param or tag file's value: the whole file, less one line break at its end (MLflow writes
/// none; an editor adds one).
std::optional<QString> readValueFile(const QString &path, const ReadLimits &limits,
                                     RunRecord &run) {
    bool missing = false;
    const std::optional<QByteArray> bytes = readTextFile(path, limits.maxYamlBytes, run, &missing);
    if (!bytes) return std::nullopt;
    QString text = QString::fromUtf8(*bytes);
    if (text.endsWith(u'\n')) text.chop(text.endsWith(u"\r\n"_s) ? 2 : 1);
    return text;
}

/// Text of a scalar meta.yaml entry; empty for null, missing or a container.
QString textOf(const DocNode *n) {
    if (!n || n->kind != DocNode::Kind::Scalar) return {};
    const Value &v = n->value;
    if (v.type() == Value::Type::Null || v.isMissing()) return {};
    return v.type() == Value::Type::String ? v.rawText() : v.displayText();
}

/// A time in ms as meta.yaml keeps it (an integer; null while the run has not ended).
qint64 msOf(const DocNode *n) {
    if (!n || n->kind != DocNode::Kind::Scalar || !n->value.isNumber()) return -1;
    const double ms = n->value.toDouble();
    return std::isfinite(ms) && ms >= 0 ? qint64(ms) : -1;
}

/// What the run's meta.yaml says.
struct RunMeta {
    QString runId;
    QString name;
    QString statusWord;
    QString experimentId;
    QString lifecycle;
    QString user;
    RunStatus status = RunStatus::Unknown;
    qint64 startMs = -1;
    qint64 endMs = -1;
};

RunMeta readRunMeta(const QString &path, const ReadLimits &limits, RunRecord &run) {
    RunMeta meta;
    Doc doc;
    const std::size_t issuesBefore = run.issues.size();
    const DocStatus loaded = loadDoc(path, true, limits, doc, run);
    if (loaded == DocStatus::Missing)
        run.addIssue(Issue::Severity::Error, path, 0, 0,
                     u"meta.yaml is missing: the run's name, status and times are unknown"_s);
    if (loaded != DocStatus::Ok) return meta;
    const DocNode *top = topMapping(doc, run, path);
    if (!top) return meta;
    const auto field = [&](const QString &k) { return doc.member(*top, k); };
    meta.runId = textOf(field(u"run_id"_s));
    if (meta.runId.isEmpty()) meta.runId = textOf(field(u"run_uuid"_s));
    meta.name = textOf(field(u"run_name"_s));
    if (meta.name.isEmpty()) meta.name = textOf(field(u"name"_s)); // older files
    // A file cut short by a syntax error keeps what came before it: a missing status there is
    // not MLflow's "missing means RUNNING".
    const bool cut =
        std::any_of(run.issues.begin() + std::ptrdiff_t(issuesBefore), run.issues.end(),
                    [](const Issue &i) { return i.severity == Issue::Severity::Error; });
    const DocNode *status = field(u"status"_s);
    if (status || !cut) std::tie(meta.status, meta.statusWord) = mlflowStatus(textOf(status), status != nullptr);
    if (status && meta.status == RunStatus::Unknown)
        run.addIssue(Issue::Severity::Warning, path, status->line, 0,
                     u"unknown run status \"%1\""_s.arg(meta.statusWord));
    meta.startMs = msOf(field(u"start_time"_s));
    meta.endMs = msOf(field(u"end_time"_s));
    meta.experimentId = textOf(field(u"experiment_id"_s));
    meta.lifecycle = textOf(field(u"lifecycle_stage"_s));
    if (meta.lifecycle.isEmpty()) meta.lifecycle = u"active"_s; // as MLflow reads it
    meta.user = textOf(field(u"user_id"_s));
    return meta;
}

} // namespace

QString MlflowReader::format() const {
    return u"mlflow"_s;
}

bool MlflowReader::detect(const DirListing &dir) const {
    if (!isRunId(dir.name)) return false;
    const QString parent = parentName(dir.path).toString();
    if (isReservedFolder(parent)) return false;
    const bool inExperiment = isExperimentId(parent);
    const bool hasData = dir.hasDir(u"params"_s) || dir.hasDir(u"metrics"_s);
    if (!dir.hasFile(u"meta.yaml"_s)) return inExperiment && hasData;
    return inExperiment || hasData || dir.hasDir(u"tags"_s) || dir.hasDir(u"artifacts"_s);
}

std::optional<QStringList> MlflowReader::inputFiles(const RunCandidate &candidate) const {
    // The listing under the default limits (inputFiles() is not told the load's limits): the
    // same as read()'s unless a run has more files or deeper folders than those admit.
    QStringList paths = {candidate.path + u"/meta.yaml"_s,
                         QFileInfo(candidate.path).path() + u"/meta.yaml"_s};
    const MlflowRunFiles files = listMlflowRunFiles(candidate.path, ReadLimits{});
    for (const auto *list : {&files.params, &files.metrics, &files.tags})
        for (const MlflowKeyFile &f : *list)
            paths << f.path;
    return paths << files.folders;
}

RunRecord MlflowReader::read(const RunCandidate &candidate, const ScanNotes &,
                             const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    const QFileInfo info(candidate.path);
    const QString folder = info.fileName();
    const QString experimentDir = info.path();
    const QString experimentFolder = QFileInfo(experimentDir).fileName();
    Flattener flattener(limits.flatten);

    const QString metaPath = candidate.path + u"/meta.yaml"_s;
    const RunMeta meta = readRunMeta(metaPath, limits, run);
    run.id = meta.runId.isEmpty() ? folder : meta.runId;
    if (run.id != folder)
        run.addIssue(
            Issue::Severity::Warning, metaPath, 0, 0,
            u"meta.yaml names the run %1, but its folder is %2; the run is shown as %1"_s.arg(
                run.id, folder));
    if (!meta.experimentId.isEmpty() && isExperimentId(experimentFolder) &&
        meta.experimentId != experimentFolder)
        run.addIssue(
            Issue::Severity::Warning, metaPath, 0, 0,
            u"meta.yaml names the experiment %1, but the run lies in the folder of experiment %2 (MLflow itself skips such a run)"_s
                .arg(meta.experimentId, experimentFolder));
    run.status = meta.status;
    if (meta.startMs >= 0) run.startMs = meta.startMs;
    if (meta.startMs >= 0 && meta.endMs >= meta.startMs)
        run.durationSec = double(meta.endMs - meta.startMs) / 1000.0;

    // The experiment: its name, and whether it was deleted (MLflow moves it into .trash/).
    QString experimentName;
    bool experimentDeleted = QFileInfo(experimentDir).dir().dirName() == u".trash";
    const QString experimentMeta = experimentDir + u"/meta.yaml"_s;
    Doc experimentDoc;
    const DocStatus es = loadDoc(experimentMeta, true, limits, experimentDoc, run);
    if (es == DocStatus::Missing) {
        run.addIssue(Issue::Severity::Warning, experimentMeta, 0, 0,
                     u"the experiment folder has no meta.yaml: the experiment name is unknown"_s);
    } else if (es == DocStatus::Ok) {
        if (const DocNode *top = topMapping(experimentDoc, run, experimentMeta)) {
            experimentName = textOf(experimentDoc.member(*top, u"name"_s));
            experimentDeleted =
                experimentDeleted ||
                textOf(experimentDoc.member(*top, u"lifecycle_stage"_s)) == u"deleted";
        }
    }

    const MlflowRunFiles files = listMlflowRunFiles(candidate.path, limits);
    if (files.tooMany)
        run.addIssue(
            Issue::Severity::Error, candidate.path, 0, 0,
            u"more than %1 param, metric and tag files in this run; the rest are left out"_s.arg(
                limits.flatten.maxKeys));
    if (files.tooDeep)
        run.addIssue(
            Issue::Severity::Error, candidate.path, 0, 0,
            u"key folders nested deeper than %1 levels; the deeper keys are left out"_s.arg(
                limits.flatten.maxDepth));

    QSet<Key> seen;
    for (const MlflowKeyFile &f : files.params) {
        const std::optional<QString> text = readValueFile(f.path, limits, run);
        if (!text) continue;
        const Key key = splitFlatKey(f.key);
        const std::size_t first = run.entries.size();
        addMlflowValue(*text, key, Family::Config, flattener, run, f.path, limits);
        settleMlflowKeys(run, first, seen, key, f.key, f.path);
    }

    for (const MlflowKeyFile &f : files.metrics) {
        MetricHistory history;
        Value last;
        double lastStep = 0;
        const bool readable = readMlflowMetricLines(
            f.path, limits.maxJsonBytes, run, [&](const MlflowMetricPoint &p) {
                if (history.isEmpty() || !(p.step < lastStep)) {
                    lastStep = p.step;
                    last = p.value;
                }
                history.add(p.step, p.value.toDouble());
            });
        if (!readable) continue;
        if (history.isEmpty()) {
            run.addIssue(Issue::Severity::Warning, f.path, 0, 0,
                         u"the metric file holds no values; the metric is left out"_s);
            continue;
        }
        history.addTo(run, Key({f.key}), last);
    }

    const auto addMeta = [&run](const QString &k, const QString &v) {
        if (!v.isEmpty()) run.add(Family::Meta, Key({k}), Value::string(v));
    };
    addMeta(u"experiment"_s, experimentName);
    addMeta(u"experiment_id"_s, meta.experimentId.isEmpty() ? experimentFolder : meta.experimentId);
    addMeta(u"status"_s, meta.statusWord);
    // The one key the table hides deleted runs by: `lifecycle_stage` = "deleted".
    addMeta(u"lifecycle_stage"_s, experimentDeleted ? u"deleted"_s : meta.lifecycle);
    addMeta(u"user"_s, meta.user);

    seen.clear();
    for (const Entry &e : run.entries)
        if (e.family == Family::Meta) seen.insert(e.key);
    QString runNameTag;
    for (const MlflowKeyFile &f : files.tags) {
        const std::optional<QString> text = readValueFile(f.path, limits, run);
        if (!text) continue;
        const Key key = splitFlatKey(f.key);
        const std::size_t first = run.entries.size();
        if (f.key.startsWith(u"mlflow."_s)) { // MLflow's own tags are text, never typed
            run.add(Family::Meta, key, Value::string(*text));
            if (f.key == u"mlflow.runName") runNameTag = *text;
        } else {
            addMlflowValue(*text, key, Family::Meta, flattener, run, f.path, limits);
        }
        settleMlflowKeys(run, first, seen, key, f.key, f.path);
    }

    run.name = !meta.name.isEmpty() ? meta.name : !runNameTag.isEmpty() ? runNameTag : run.id;
    return run;
}

QStringList sqliteFileNames(const DirListing &dir) {
    QStringList out;
    for (const QString &f : dir.files)
        if (f.endsWith(u".db"_s) || f.endsWith(u".sqlite"_s) || f.endsWith(u".sqlite3"_s))
            out << f;
    return out;
}

QStringList MlflowReader::runFiles(const DirListing &dir) const {
    return sqliteFileNames(dir);
}

std::vector<RunRecord> MlflowReader::readFile(const RunCandidate &candidate,
                                              const ReadLimits &limits) const {
    return readMlflowDatabase(candidate.path, limits);
}

std::vector<HistoryPoint> MlflowReader::readHistory(const QString &runPath, const Key &metric,
                                                    const ReadLimits &limits) const {
    if (metric.segments().size() != 1) return {};
    const QString key = metric.segments().front();
    if (const auto inFile = splitRunInFilePath(runPath))
        return readMlflowDatabaseHistory(inFile->first, inFile->second, key);
    for (const QString &part : key.split(u'/'))
        if (part.isEmpty() || part == u"." || part == u"..") return {};
    RunRecord scratch; // the table has the issues already
    std::vector<HistoryPoint> points;
    readMlflowMetricLines(
        runPath + u"/metrics/"_s + key, limits.maxJsonBytes, scratch,
        [&](const MlflowMetricPoint &p) {
            points.push_back(HistoryPoint{p.step, p.value.toDouble(), p.time / 1000.0});
        });
    return points;
}

} // namespace runlens
