#include "hydrareader.h"
#include "genericreader.h"
#include "innerruns.h"
#include "interpolation.h"
#include "runid.h"
#include "timeparse.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// What `.hydra/hydra.yaml` says about the job; empty where it says nothing (or `???`).
struct HydraFacts {
    QString mode;
    QString jobName;
    QString jobId;
    Value jobNum;
    QString cwd;
    QString outputDir;
    QString version;
    std::vector<std::pair<QString, Value>> choices;
    std::optional<QStringList> taskOverrides;
    std::vector<std::pair<QString, QString>> sweeperParams;
};

/// The node at `path` below `from`, through mappings; null when a step is missing.
const DocNode *nodeAt(const Doc &doc, const DocNode *from, std::initializer_list<QString> path) {
    for (const QString &step : path) {
        if (!from || from->kind != DocNode::Kind::Map) return nullptr;
        from = doc.member(*from, step);
    }
    return from;
}

/// A scalar's text; empty for containers, nulls and OmegaConf's missing value `???`.
QString scalarText(const DocNode *n) {
    if (!n || n->kind != DocNode::Kind::Scalar || n->value.type() == Value::Type::Null ||
        n->value.isMissing())
        return {};
    const QString text = n->value.displayText();
    return text == u"???" ? QString() : text;
}

/// The items of a list of scalars as text; nothing when `n` is not a list.
std::optional<QStringList> scalarList(const DocNode *n, const Doc &doc) {
    if (!n || n->kind != DocNode::Kind::Seq) return std::nullopt;
    QStringList out;
    for (int item : n->items)
        if (const QString t = scalarText(&doc.node(item)); !t.isEmpty()) out << t;
    return out;
}

/// `key: value` pairs of a mapping of scalars, in file order.
std::vector<std::pair<QString, QString>> scalarMembers(const DocNode *n, const Doc &doc) {
    std::vector<std::pair<QString, QString>> out;
    if (!n || n->kind != DocNode::Kind::Map) return out;
    for (const auto &[key, child] : n->members)
        out.emplace_back(key, scalarText(&doc.node(child)));
    return out;
}

/// Reads the job's facts from `.hydra/hydra.yaml` (issues for a broken file go to `run`).
HydraFacts readHydraYaml(const QString &path, const ReadLimits &limits, RunRecord &run) {
    HydraFacts f;
    Doc doc;
    if (loadDoc(path, true, limits, doc, run) != DocStatus::Ok) return f;
    const DocNode *top = topMapping(doc, run, path);
    const DocNode *hydra = top ? doc.member(*top, u"hydra"_s) : nullptr;
    if (!hydra) return f;
    f.mode = scalarText(nodeAt(doc, hydra, {u"mode"_s}));
    f.jobName = scalarText(nodeAt(doc, hydra, {u"job"_s, u"name"_s}));
    f.jobId = scalarText(nodeAt(doc, hydra, {u"job"_s, u"id"_s}));
    if (const DocNode *num = nodeAt(doc, hydra, {u"job"_s, u"num"_s});
        num && num->value.type() == Value::Type::Int)
        f.jobNum = num->value;
    f.cwd = scalarText(nodeAt(doc, hydra, {u"runtime"_s, u"cwd"_s}));
    f.outputDir = scalarText(nodeAt(doc, hydra, {u"runtime"_s, u"output_dir"_s}));
    f.version = scalarText(nodeAt(doc, hydra, {u"runtime"_s, u"version"_s}));
    if (const DocNode *choices = nodeAt(doc, hydra, {u"runtime"_s, u"choices"_s});
        choices && choices->kind == DocNode::Kind::Map) {
        for (const auto &[group, child] : choices->members) {
            const DocNode &c = doc.node(child);
            // hydra/launcher, hydra/job_logging, ...: Hydra's own plumbing, the same everywhere.
            if (group.startsWith(u"hydra/"_s) || c.kind != DocNode::Kind::Scalar) continue;
            f.choices.emplace_back(group, c.value);
        }
    }
    f.taskOverrides = scalarList(nodeAt(doc, hydra, {u"overrides"_s, u"task"_s}), doc);
    f.sweeperParams = scalarMembers(nodeAt(doc, hydra, {u"sweeper"_s, u"params"_s}), doc);
    return f;
}

/// The key an override sets: `optimizer.lr=0.1`, `+new=1`, `++x=2` and `~old` name
/// `optimizer.lr`, `new`, `x` and `old`.
QString overrideKey(QString o) {
    o = o.trimmed();
    if (o.startsWith(u"++"_s))
        o.remove(0, 2);
    else if (o.startsWith(u'+') || o.startsWith(u'~'))
        o.remove(0, 1);
    const qsizetype eq = o.indexOf(u'=');
    return (eq < 0 ? o : o.left(eq)).trimmed();
}

/// Whether an override's value sweeps (`1,2,3`, `choice(a,b)`, `range(1,5)`, `interval(0,1)`,
/// `glob(*)`) rather than sets one value (`[1,2]`, `'a,b'`).
bool isSweep(const QString &value) {
    static const QRegularExpression function(
        u"^\\s*(?:choice|range|interval|glob|tag|shuffle|sort)\\s*\\("_s);
    if (function.match(value).hasMatch()) return true;
    int depth = 0;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value[i];
        if (c == u'\'' || c == u'"') {
            const qsizetype close = value.indexOf(c, i + 1);
            if (close < 0) return false;
            i = close;
        } else if (c == u'[' || c == u'(' || c == u'{') {
            ++depth;
        } else if (c == u']' || c == u')' || c == u'}') {
            --depth;
        } else if (c == u',' && depth == 0) {
            return true;
        }
    }
    return false;
}

/// The keys a sweep varies, in the order its definition names them: the sweep's command-line
/// overrides and its sweeper's params (`multirun.yaml`), else the params in the job's own
/// `hydra.yaml`; where neither shows a sweep, every key the job's overrides set.
QStringList sweepKeys(const QString &multirunPath, const HydraFacts &facts,
                      const QStringList &overrides, const ReadLimits &limits, RunRecord &run) {
    std::vector<std::pair<QString, QString>> definition;
    Doc doc;
    if (loadDoc(multirunPath, true, limits, doc, run) == DocStatus::Ok) {
        const DocNode *top = topMapping(doc, run, multirunPath);
        const DocNode *hydra = top ? doc.member(*top, u"hydra"_s) : nullptr;
        for (const QString &o : scalarList(nodeAt(doc, hydra, {u"overrides"_s, u"task"_s}), doc)
                                    .value_or(QStringList()))
            if (const qsizetype eq = o.indexOf(u'='); eq > 0)
                definition.emplace_back(overrideKey(o), o.mid(eq + 1));
        for (const auto &p : scalarMembers(nodeAt(doc, hydra, {u"sweeper"_s, u"params"_s}), doc))
            definition.push_back(p);
    } else {
        definition = facts.sweeperParams;
    }
    QStringList keys;
    for (const auto &[key, value] : definition)
        if (isSweep(value) && !keys.contains(key)) keys << key;
    if (keys.isEmpty())
        for (const QString &o : overrides)
            if (const QString k = overrideKey(o); !k.isEmpty() && !keys.contains(k)) keys << k;
    return keys;
}

/// A folder-name time (`2024-03-01/12-00-00`, `2024-03-01_12-00-00`, `2024-03-01_120000`) in
/// the local time of the machine, as Hydra's `${now:...}` writes it; -1 if there is none.
qint64 folderTimeMs(const QString &text) {
    static const QRegularExpression re(
        u"^(\\d{4})-(\\d{2})-(\\d{2})[_T/ ](\\d{2})[-:]?(\\d{2})[-:]?(\\d{2})$"_s);
    const auto m = re.match(text);
    if (!m.hasMatch()) return -1;
    return parseCompactLocalTimeMs(m.captured(1) + m.captured(2) + m.captured(3) + u'_' +
                                   m.captured(4) + m.captured(5) + m.captured(6));
}

/// The time on the first line of a job log in Hydra's default format
/// (`[2024-03-01 12:00:05,123][__main__][INFO] - ...`), local time; -1 if there is none.
qint64 logStartMs(const QString &path) {
    if (!QFileInfo(path).isFile()) return -1;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    static const QRegularExpression re(
        u"^\\[(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}),(\\d{3})\\]"_s);
    const auto m = re.match(QString::fromUtf8(f.read(64)));
    if (!m.hasMatch()) return -1;
    const QDateTime t = QDateTime::fromString(
        m.captured(1) + u' ' + m.captured(2) + u'.' + m.captured(3), u"yyyy-MM-dd HH:mm:ss.zzz"_s);
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}

/// Where the run started: its own folder name (a single run's `hydra.run.dir`), else the first
/// line of its log (a sweep's jobs start one after the other), else the sweep folder's name.
qint64 startTimeMs(const QString &path, const QString &logPath) {
    const QStringList parts = QDir::cleanPath(path).split(u'/');
    const auto tail = [&](int from, int n) { // n components ending `from` from the end
        return from + n > parts.size() ? QString()
                                       : parts.mid(parts.size() - from - n, n).join(u'/');
    };
    for (int n : {1, 2})
        if (const qint64 ms = folderTimeMs(tail(0, n)); ms >= 0) return ms;
    if (!logPath.isEmpty())
        if (const qint64 ms = logStartMs(logPath); ms >= 0) return ms;
    for (int n : {1, 2})
        if (const qint64 ms = folderTimeMs(tail(1, n)); ms >= 0) return ms;
    return -1;
}

/// The tracker runs inside a Hydra run folder (HydraReader::trackerFolders()).
InnerRuns trackers(const RunCandidate &candidate) {
    return InnerRuns::find(candidate, HydraReader::trackerFolders(), {u"hydra"_s, u"generic"_s});
}

} // namespace

const QStringList &HydraReader::trackerFolders() {
    // `csv/` and `tensorboard/`: the Lightning loggers' folders in lightning-hydra-template.
    static const QStringList names = {u"wandb"_s, u"mlruns"_s, u"lightning_logs"_s, u"csv"_s,
                                      u"tensorboard"_s};
    return names;
}

QString HydraReader::format() const {
    return u"hydra"_s;
}

bool HydraReader::detect(const DirListing &dir) const {
    // The scanner lists dot-folders like any other; one stat() only for folders holding one.
    if (!dir.hasDir(u".hydra"_s)) return false;
    const QString hydra = dir.path + u"/.hydra/"_s;
    return QFileInfo::exists(hydra + u"config.yaml"_s) ||
           QFileInfo::exists(hydra + u"hydra.yaml"_s);
}

std::optional<QStringList> HydraReader::inputFiles(const RunCandidate &candidate) const {
    const QString hydra = candidate.path + u"/.hydra/"_s;
    QStringList files = {hydra + u"config.yaml"_s, hydra + u"hydra.yaml"_s,
                         hydra + u"overrides.yaml"_s,
                         QFileInfo(candidate.path).path() + u"/multirun.yaml"_s};
    for (const QString &f : candidate.files)
        if (f.endsWith(u".log"_s) || GenericReader::metricFiles().contains(f))
            files << candidate.path + u'/' + f;
    // A tracker reader whose runs are never cached: nor is this one.
    const std::optional<QStringList> inner = trackers(candidate).inputFiles();
    if (!inner) return std::nullopt;
    return files << *inner;
}

QString HydraReader::cacheContext(const RunCandidate &candidate, const RunIdentity &,
                                  const ScanNotes &) const {
    return trackers(candidate).cacheContext();
}

std::vector<HistoryPoint> HydraReader::readHistory(const QString &runPath, const Key &metric,
                                                   const ReadLimits &limits) const {
    const QDir dir(runPath);
    RunCandidate candidate;
    candidate.path = runPath;
    candidate.files = dir.entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    candidate.dirs = dir.entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    const InnerRuns inner = trackers(candidate);
    if (inner.runs.empty()) return {};
    // The metrics of the results files beside .hydra, as read() keys them.
    QSet<Key> own;
    for (const QString &name : GenericReader::metricFiles()) {
        if (!candidate.files.contains(name)) continue;
        const QString path = dir.filePath(name);
        RunRecord scratch;
        Doc doc;
        if (loadDoc(path, false, limits, doc, scratch) != DocStatus::Ok) continue;
        const DocNode *top = topMapping(doc, scratch, path);
        if (!top) continue;
        Flattener flattener(limits.flatten);
        for (const auto &[key, child] : top->members)
            flattener.flatten(doc, child, Key({key}), Family::Metric, {}, scratch, path);
        for (const Entry &e : scratch.entries)
            own.insert(e.key);
    }
    return inner.readHistory(metric, own, limits);
}

RunRecord HydraReader::read(const RunCandidate &candidate, const ScanNotes &,
                            const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.id = fallbackRunId(candidate);
    const QDir hydra(candidate.path + u"/.hydra"_s);
    Flattener flattener(limits.flatten);

    const QString configPath = hydra.filePath(u"config.yaml"_s);
    Doc config;
    const DocStatus configStatus = loadDoc(configPath, true, limits, config, run);
    if (configStatus == DocStatus::Missing)
        run.addIssue(Issue::Severity::Warning, configPath, 0, 0,
                     u"no .hydra/config.yaml: the run's config is unknown"_s);
    if (configStatus == DocStatus::Ok) {
        resolveInterpolations(config, run, configPath);
        if (const DocNode *top = topMapping(config, run, configPath))
            for (const auto &[key, child] : top->members)
                flattener.flatten(config, child, Key({key}), Family::Config, {}, run, configPath);
    }

    const HydraFacts facts = readHydraYaml(hydra.filePath(u"hydra.yaml"_s), limits, run);
    const QString overridesPath = hydra.filePath(u"overrides.yaml"_s);
    std::optional<QStringList> overrides;
    if (Doc doc; loadDoc(overridesPath, true, limits, doc, run) == DocStatus::Ok) {
        overrides = scalarList(doc.rootNode(), doc);
        if (!overrides)
            run.addIssue(Issue::Severity::Warning, overridesPath, doc.rootNode()->line,
                         doc.rootNode()->column, u"not a list of overrides; not read"_s);
    }
    if (!overrides) overrides = facts.taskOverrides;

    const auto meta = [&](std::initializer_list<QString> key, const Value &v) {
        run.add(Family::Meta, Key(QStringList(key)), v);
    };
    if (overrides) meta({u"hydra"_s, u"overrides"_s}, Value::string(overrides->join(u' ')));
    const QString sweepDir = QFileInfo(candidate.path).path();
    const QString multirunPath = sweepDir + u"/multirun.yaml"_s;
    if (facts.mode == u"MULTIRUN" || QFileInfo::exists(multirunPath)) {
        const QStringList keys =
            sweepKeys(multirunPath, facts, overrides.value_or(QStringList()), limits, run);
        if (!keys.isEmpty()) meta({u"hydra"_s, u"sweep_keys"_s}, Value::string(keys.join(u", "_s)));
        RunCandidate sweep; // named as run ids are: relative to the scan root
        sweep.path = sweepDir;
        sweep.root = candidate.root;
        meta({u"hydra"_s, u"sweep"_s, u"dir"_s}, Value::string(fallbackRunId(sweep)));
    }
    if (!facts.jobName.isEmpty())
        meta({u"hydra"_s, u"job"_s, u"name"_s}, Value::string(facts.jobName));
    if (!facts.jobNum.isMissing()) meta({u"hydra"_s, u"job"_s, u"num"_s}, facts.jobNum);
    // The basic launcher's job id is the job number; SLURM and other launchers have their own.
    if (!facts.jobId.isEmpty() && facts.jobId != facts.jobNum.displayText())
        meta({u"hydra"_s, u"job"_s, u"id"_s}, Value::string(facts.jobId));
    if (!facts.cwd.isEmpty()) meta({u"hydra"_s, u"runtime"_s, u"cwd"_s}, Value::string(facts.cwd));
    if (!facts.outputDir.isEmpty())
        meta({u"hydra"_s, u"runtime"_s, u"output_dir"_s}, Value::string(facts.outputDir));
    if (!facts.version.isEmpty())
        meta({u"hydra"_s, u"runtime"_s, u"version"_s}, Value::string(facts.version));
    for (const auto &[group, choice] : facts.choices)
        meta({u"hydra"_s, u"choices"_s, group}, choice);

    const QString log = facts.jobName.isEmpty() ? QString() : facts.jobName + u".log"_s;
    run.startMs = startTimeMs(
        candidate.path, candidate.files.contains(log) ? candidate.path + u'/' + log : QString());

    for (const QString &name : GenericReader::metricFiles()) {
        if (!candidate.files.contains(name)) continue;
        const QString path = candidate.path + u'/' + name;
        Doc doc;
        if (loadDoc(path, false, limits, doc, run) != DocStatus::Ok) continue;
        if (const DocNode *top = topMapping(doc, run, path)) {
            for (const auto &[key, child] : top->members)
                flattener.flatten(doc, child, Key({key}), Family::Metric, {}, run, path);
            // Only a cut-off file means "still running"; other warnings (a duplicate key) do not.
            run.status = doc.truncated ? RunStatus::Running : RunStatus::Finished;
        }
    }
    trackers(candidate).mergeInto(run, format(), limits);
    return run;
}

} // namespace runlens
