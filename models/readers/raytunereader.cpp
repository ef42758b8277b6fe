#include "raytunereader.h"
#include "csvhistory.h"
#include "history.h"
#include "raytunestate.h"
#include "runid.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QString kParams = u"params.json"_s;
const QString kResult = u"result.json"_s;
const QString kProgress = u"progress.csv"_s;
const QString kError = u"error.txt"_s;
const QString kConfig = u"config"_s;
const QString kIteration = u"training_iteration"_s;

bool isStateFile(const QString &name) {
    return name.startsWith(u"experiment_state"_s) && name.endsWith(u".json"_s);
}

/// The newest experiment state among `files`: their names carry the session's date.
QString newestStateFile(const QStringList &files) {
    QString best;
    for (const QString &f : files)
        if (isStateFile(f) && f > best) best = f;
    return best;
}

/// The trial id inside a trial folder's name (`train_fn_e122b_00000_0_lr=0.1_2022-03-17_...`).
QString trialIdFromName(const QString &name) {
    static const QRegularExpression re(u"(?:^|_)([0-9a-f]{5}_\\d{5})(?:_|$)"_s);
    const auto m = re.match(name);
    return m.hasMatch() ? m.captured(1) : QString();
}

/// Notes of an experiment folder: `raytune:<folder>\n<what>`.
QString noteKey(const QString &experimentDir, const QString &what) {
    return u"raytune:"_s + experimentDir + u'\n' + what;
}

/// The last result's Ray-filled values, by key.
using MetaValues = QHash<QString, Value>;

void takeMeta(const Doc &doc, const DocNode &top, MetaValues &meta) {
    for (const auto &[key, child] : top.members) {
        const DocNode &n = doc.node(child);
        if (n.kind == DocNode::Kind::Scalar && n.value.type() != Value::Type::Null &&
            !n.value.isMissing() && RayTuneReader::metaKeys().contains(key))
            meta.insert(key, n.value);
    }
}

/// Flattens a result's metrics (not its Ray-filled keys, not `config`) into `out`.
void flattenMetrics(const Doc &doc, const DocNode &top, Flattener &flattener, RunRecord &out,
                    const QString &path) {
    for (const auto &[key, child] : top.members)
        if (key != kConfig && !RayTuneReader::metaKeys().contains(key) &&
            !RayTuneReader::skippedKeys().contains(key))
            flattener.flatten(doc, child, Key({key}), Family::Metric, {}, out, path);
}

/// What a trial's result.json or progress.csv said.
struct Results {
    bool present = false;   ///< the file exists and was read
    bool truncated = false; ///< the last result is cut off: the trial is writing it
    int count = 0;          ///< results read
    MetaValues meta;        ///< of the last result
    double startSec = -1;   ///< the first result's timestamp less its total time
    RunRecord values;       ///< metric entries with their history metadata
    RunRecord config;       ///< the last result's `config`, flattened (params.json's fallback)
};

/// Reads result.json line by line (it grows by a line per result and can be large), keeping
/// each numeric metric's history by training iteration and the last result whole.
Results readResultJson(const QString &path, const ReadLimits &limits, RunRecord &run) {
    Results r;
    QFile f(path);
    if (!QFileInfo(path).isFile()) return r;
    if (!f.open(QIODevice::ReadOnly)) {
        run.addIssue(Issue::Severity::Error, path, 0, 0,
                     u"cannot be opened: %1"_s.arg(f.errorString()));
        return r;
    }
    r.present = true;
    std::vector<std::pair<Key, MetricHistory>> histories;
    QHash<Key, std::size_t> historyIndex;
    QByteArray lastGood;
    int lastGoodLine = 0;
    qint64 read = 0;
    int lineNo = 0;
    while (!f.atEnd()) {
        const qint64 room = limits.maxJsonBytes - read;
        QByteArray line = room > 0 ? f.readLine(room + 1) : QByteArray();
        read += line.size();
        const bool complete = line.endsWith('\n');
        if (room <= 0 || (!complete && !f.atEnd())) {
            run.addIssue(Issue::Severity::Warning, path, lineNo + 1, 0,
                         u"only the first %1 bytes are read (the size cap); the later results "
                         u"are left out"_s.arg(limits.maxJsonBytes));
            break;
        }
        ++lineNo;
        const QByteArray text = line.trimmed();
        if (text.isEmpty()) continue;
        if (text.contains('\0')) {
            run.addIssue(Issue::Severity::Error, path, lineNo, 0,
                         u"binary content; the rest of the file is not read"_s);
            break;
        }
        Doc doc;
        RunRecord scratch;
        const bool parsed = parseJson(text, doc, scratch, path, limits.parse);
        const DocNode *top = parsed ? doc.rootNode() : nullptr;
        const bool broken =
            !top || doc.truncated ||
            std::any_of(scratch.issues.begin(), scratch.issues.end(),
                        [](const Issue &i) { return i.severity == Issue::Severity::Error; });
        if (broken || top->kind != DocNode::Kind::Map) {
            if (f.atEnd() && (!complete || doc.truncated)) {
                r.truncated = true;
                run.addIssue(Issue::Severity::Warning, path, lineNo, 0,
                             u"the last result is cut off (the trial is still writing it); "
                             u"the %1 results before it are read"_s.arg(r.count));
            } else {
                const Issue *why = scratch.issues.empty() ? nullptr : &scratch.issues.front();
                run.addIssue(Issue::Severity::Warning, path, lineNo, why ? why->column : 0,
                             u"result %1 is not a JSON object%2; it is left out"_s.arg(lineNo).arg(
                                 why ? u" ("_s + why->message + u')' : QString()));
            }
            continue;
        }
        ++r.count;
        if (r.count == 1) {
            const DocNode *ts = doc.member(*top, u"timestamp"_s);
            const DocNode *total = doc.member(*top, u"time_total_s"_s);
            if (ts && ts->value.isNumber())
                r.startSec = ts->value.toDouble() -
                             (total && total->value.isNumber() ? total->value.toDouble() : 0.0);
        }
        const DocNode *it = doc.member(*top, kIteration);
        const double step = it && it->value.isNumber() ? it->value.toDouble() : double(r.count);
        Flattener flattener(limits.flatten);
        RunRecord line_;
        flattenMetrics(doc, *top, flattener, line_, path);
        for (const Entry &e : line_.entries) {
            if (!e.value.isNumber()) continue;
            auto at = historyIndex.constFind(e.key);
            if (at == historyIndex.cend()) {
                if (int(histories.size()) >= limits.flatten.maxKeys) continue;
                at = historyIndex.insert(e.key, histories.size());
                histories.emplace_back(e.key, MetricHistory());
            }
            histories[*at].second.add(step, e.value.toDouble());
        }
        lastGood = text;
        lastGoodLine = lineNo;
    }
    if (lastGood.isEmpty()) return r;
    // The last result whole: its values (text and lists too), Ray's keys and the config.
    Doc doc;
    RunRecord scratch;
    parseJson(lastGood, doc, scratch, path, limits.parse);
    const DocNode &top = *doc.rootNode();
    Flattener flattener(limits.flatten);
    RunRecord last;
    flattenMetrics(doc, top, flattener, last, path);
    for (Issue &i : last.issues) {
        i.line = lastGoodLine;
        run.issues.push_back(std::move(i));
    }
    takeMeta(doc, top, r.meta);
    if (const DocNode *config = doc.member(top, kConfig);
        config && config->kind == DocNode::Kind::Map)
        for (const auto &[key, child] : config->members)
            flattener.flatten(doc, child, Key({key}), Family::Config, {}, r.config, path);
    QSet<Key> done;
    for (const Entry &e : last.entries) {
        done.insert(e.key);
        if (const auto at = historyIndex.constFind(e.key); at != historyIndex.cend())
            histories[*at].second.addTo(r.values, e.key, e.value);
        else
            r.values.add(Family::Metric, e.key, e.value);
    }
    // Metrics reported now and then (an evaluation every few iterations): their last value.
    for (const auto &[key, history] : histories)
        if (!done.contains(key)) history.addTo(r.values, key);
    return r;
}

/// progress.csv, read when result.json is missing: the same results flattened with `/` into
/// columns fixed by the first result (later keys are not in it).
Results readProgressCsv(const QString &path, const ReadLimits &limits, RunRecord &run) {
    Results r;
    CsvHistoryOptions options;
    options.stepColumn = kIteration;
    options.maxBytes = limits.maxJsonBytes;
    bool missing = false;
    const std::optional<CsvHistory> csv = readCsvHistory(path, options, run, &missing);
    if (!csv) return r;
    r.present = true;
    r.truncated = csv->cutShort;
    r.count = int(csv->rows);
    int configColumns = 0;
    for (const CsvColumn &column : csv->columns) {
        const QString &name = column.name;
        if (name.isEmpty() || RayTuneReader::skippedKeys().contains(name)) continue;
        if (name.startsWith(u"config/"_s) || name.startsWith(u"config."_s)) {
            ++configColumns; // older Ray wrote the config into progress.csv too
            continue;
        }
        if (!RayTuneReader::metaKeys().contains(name)) {
            addCsvMetric(column, Key({name}), r.values, path);
            continue;
        }
        Value v = column.lastValue();
        if (name == u"done" && v.type() == Value::Type::String)
            v = Value::boolean(v.rawText() == u"True" || v.rawText() == u"true");
        if (!v.isMissing()) r.meta.insert(name, v);
    }
    if (configColumns > 0)
        run.addIssue(
            Issue::Severity::Note, path, 1, 0,
            u"its %1 config/ columns are not read: the config comes from params.json"_s.arg(
                configColumns));
    return r;
}

/// The node a flattened metric key names in a result: its segments followed through mappings
/// the flattener walks into (not empty, no `_type` text), or null.
const DocNode *nodeAt(const Doc &doc, const DocNode &top, const QStringList &segments) {
    const DocNode *n = &top;
    for (const QString &segment : segments) {
        if (n->kind != DocNode::Kind::Map || n->members.empty()) return nullptr;
        if (const DocNode *type = doc.member(*n, u"_type"_s);
            type && type->kind == DocNode::Kind::Scalar &&
            type->value.type() == Value::Type::String)
            return nullptr; // a typed mapping is one value (Flattener)
        n = doc.member(*n, segment);
        if (!n) return nullptr;
    }
    return n;
}

/// One metric's points from result.json, read line by line as readResultJson() reads it (the
/// size cap, a cut-off last line, binary content), each line built only as far as the metric's
/// top-level key and Ray's step and time keys. Nothing when the file is missing.
std::optional<std::vector<HistoryPoint>> resultJsonPoints(const QString &path, const Key &metric,
                                                          const ReadLimits &limits) {
    QFile f(path);
    // As read(): a result.json that cannot be opened gives way to progress.csv.
    if (!QFileInfo(path).isFile() || !f.open(QIODevice::ReadOnly)) return std::nullopt;
    const QStringList &segments = metric.segments();
    const QSet<QString> wanted = {segments.front(), kIteration, u"timestamp"_s};
    ParseLimits parse = limits.parse;
    parse.onlyTopLevelKeys = &wanted;
    std::vector<HistoryPoint> points;
    int results = 0;
    qint64 read = 0;
    while (!f.atEnd()) {
        const qint64 room = limits.maxJsonBytes - read;
        const QByteArray line = room > 0 ? f.readLine(room + 1) : QByteArray();
        read += line.size();
        if (room <= 0 || (!line.endsWith('\n') && !f.atEnd())) break; // the size cap
        const QByteArray text = line.trimmed();
        if (text.isEmpty()) continue;
        if (text.contains('\0')) break; // binary content: the rest is not read
        Doc doc;
        RunRecord scratch;
        const bool parsed = parseJson(text, doc, scratch, path, parse);
        const DocNode *top = parsed ? doc.rootNode() : nullptr;
        const bool broken =
            !top || doc.truncated ||
            std::any_of(scratch.issues.begin(), scratch.issues.end(),
                        [](const Issue &i) { return i.severity == Issue::Severity::Error; });
        if (broken || top->kind != DocNode::Kind::Map) continue;
        ++results;
        const DocNode *value = nodeAt(doc, *top, segments);
        if (!value || value->kind != DocNode::Kind::Scalar || !value->value.isNumber()) continue;
        const DocNode *it = doc.member(*top, kIteration);
        const DocNode *ts = doc.member(*top, u"timestamp"_s);
        points.push_back(
            HistoryPoint{it && it->value.isNumber() ? it->value.toDouble() : double(results),
                         value->value.toDouble(),
                         ts && ts->value.isNumber() ? ts->value.toDouble() : std::nan("")});
    }
    return points;
}

/// Status as RunLens knows it from Ray's word for a trial.
RunStatus statusFromRay(const QString &word) {
    if (word == u"TERMINATED") return RunStatus::Finished;
    if (word == u"RUNNING" || word == u"PENDING" || word == u"PAUSED") return RunStatus::Running;
    if (word == u"ERROR") return RunStatus::Crashed;
    return RunStatus::Unknown;
}

/// What the experiment state knows of one trial, from the scan notes or the trial's own folder.
struct TrialState {
    bool found = false;
    QString facts; ///< compact JSON, see TrialParts::factsJson
    QString experiment;
    std::vector<Issue> issues;
    QStringList otherTrials; ///< listed in a state file inside the trial folder, besides this one
};

TrialState stateFromNotes(const ScanNotes &notes, const QString &experimentDir,
                          const QString &folder, const QString &idHint) {
    TrialState s;
    QString id = notes.value(noteKey(experimentDir, u"dir:"_s + folder));
    if (id.isEmpty()) id = idHint;
    const auto facts = notes.constFind(noteKey(experimentDir, u"id:"_s + id));
    s.found = !id.isEmpty() && facts != notes.cend();
    if (s.found) s.facts = *facts;
    for (RayStateIssue &i : decodeRayStateIssues(notes.value(noteKey(experimentDir, u"issues"_s))))
        if (i.trialId.isEmpty() || i.trialId == id) s.issues.push_back(std::move(i.issue));
    return s;
}

TrialState stateFromFile(const RayExperimentState &state, const QString &folder,
                         const QString &idHint) {
    TrialState s;
    QString id = state.idByFolder.value(folder);
    if (id.isEmpty()) id = idHint;
    if (id.isEmpty() && state.trialIds.size() == 1) id = state.trialIds.front();
    s.found = state.facts.contains(id);
    if (s.found) s.facts = state.facts.value(id);
    s.experiment = state.experiment;
    for (const RayStateIssue &i : state.issues)
        if (i.trialId.isEmpty() || i.trialId == id) s.issues.push_back(i.issue);
    for (const QString &other : state.trialIds)
        if (other != id) s.otherTrials << other;
    return s;
}

} // namespace

std::vector<HistoryPoint> RayTuneReader::readHistory(const QString &runPath, const Key &metric,
                                                     const ReadLimits &limits) const {
    const QStringList &segments = metric.segments();
    if (segments.isEmpty()) return {};
    // Ray's own keys are metadata or left out (flattenMetrics(), readProgressCsv()).
    const QString &top = segments.front();
    if (metaKeys().contains(top) || skippedKeys().contains(top)) return {};
    const QDir dir(runPath);
    if (auto points = resultJsonPoints(dir.filePath(kResult), metric, limits)) return *points;
    // progress.csv: the results flattened with `/` into one column per key.
    if (segments.size() != 1 || top.startsWith(u"config/"_s) || top.startsWith(u"config."_s))
        return {};
    CsvHistoryOptions options;
    options.stepColumn = kIteration;
    options.timeColumn = u"timestamp"_s;
    options.maxBytes = limits.maxJsonBytes;
    return readCsvPoints(dir.filePath(kProgress), options, top);
}

const QStringList &RayTuneReader::metaKeys() {
    static const QStringList keys = {u"trial_id"_s,
                                     u"experiment_id"_s,
                                     u"experiment_tag"_s,
                                     kIteration,
                                     u"time_total_s"_s,
                                     u"done"_s,
                                     u"timesteps_total"_s,
                                     u"episodes_total"_s,
                                     u"hostname"_s,
                                     u"node_ip"_s,
                                     u"pid"_s,
                                     u"date"_s,
                                     u"timestamp"_s};
    return keys;
}

const QStringList &RayTuneReader::skippedKeys() {
    static const QStringList keys = {kConfig,
                                     u"time_this_iter_s"_s,
                                     u"time_since_restore"_s,
                                     u"iterations_since_restore"_s,
                                     u"timesteps_since_restore"_s,
                                     u"should_checkpoint"_s,
                                     u"checkpoint_dir_name"_s,
                                     u"warmup_time"_s};
    return keys;
}

QString RayTuneReader::format() const {
    return u"raytune"_s;
}

bool RayTuneReader::detect(const DirListing &dir) const {
    const bool params = dir.hasFile(kParams);
    const bool result = dir.hasFile(kResult);
    const bool progress = dir.hasFile(kProgress);
    if (params && (result || progress)) return true;
    // A trial that died before its first result still has Ray's pickled params or error file.
    if (params && (dir.hasFile(u"params.pkl"_s) || dir.hasFile(kError))) return true;
    // A trial folder that someone put the experiment's state into.
    return (result || progress) && !newestStateFile(dir.files).isEmpty();
}

void RayTuneReader::note(const DirListing &dir, ScanNotes &notes) const {
    const QString file = newestStateFile(dir.files);
    if (file.isEmpty()) return;
    const RayExperimentState state = readRayExperimentState(dir.path + u'/' + file, ReadLimits{});
    notes.insert(noteKey(dir.path, u"digest"_s), QString::fromLatin1(state.digest.toHex()));
    if (!state.issues.empty())
        notes.insert(noteKey(dir.path, u"issues"_s), encodeRayStateIssues(state.issues));
    for (auto it = state.facts.cbegin(); it != state.facts.cend(); ++it)
        notes.insert(noteKey(dir.path, u"id:"_s + it.key()), it.value());
    for (auto it = state.idByFolder.cbegin(); it != state.idByFolder.cend(); ++it)
        notes.insert(noteKey(dir.path, u"dir:"_s + it.key()), it.value());
}

QStringList RayTuneReader::notedFiles(const DirListing &dir) const {
    const QString file = newestStateFile(dir.files);
    return file.isEmpty() ? QStringList() : QStringList{dir.path + u'/' + file};
}

std::optional<QStringList> RayTuneReader::inputFiles(const RunCandidate &candidate) const {
    QStringList files;
    for (const QString &name : {kParams, kResult, kProgress, kError})
        files << candidate.path + u'/' + name;
    if (const QString state = newestStateFile(candidate.files); !state.isEmpty())
        files << candidate.path + u'/' + state;
    return files;
}

QString RayTuneReader::cacheContext(const RunCandidate &candidate, const RunIdentity &,
                                    const ScanNotes &notes) const {
    // The experiment state above the trial, which read() takes from the notes.
    return notes.value(noteKey(QFileInfo(candidate.path).path(), u"digest"_s));
}

RunRecord RayTuneReader::read(const RunCandidate &candidate, const ScanNotes &notes,
                              const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    const QFileInfo info(candidate.path);
    const QString folder = info.fileName();
    run.name = folder;
    const QDir dir(candidate.path);
    Flattener flattener(limits.flatten);

    // Results: result.json, else progress.csv.
    const QString resultPath = dir.filePath(kResult);
    const QString progressPath = dir.filePath(kProgress);
    Results results = readResultJson(resultPath, limits, run);
    QString resultsFile = resultPath;
    if (!results.present && QFileInfo::exists(progressPath)) {
        results = readProgressCsv(progressPath, limits, run);
        resultsFile = progressPath;
    }

    // Config: params.json, the trial's own record of it. One that is cut short or broken
    // gives way to the whole config the last result repeats.
    bool haveConfig = false;
    const QString paramsPath = dir.filePath(kParams);
    if (Doc doc; loadDoc(paramsPath, false, limits, doc, run) == DocStatus::Ok) {
        const bool whole = !doc.truncated &&
                           std::none_of(run.issues.begin(), run.issues.end(), [&](const Issue &i) {
                               return i.file == paramsPath && i.severity == Issue::Severity::Error;
                           });
        if (const DocNode *top = topMapping(doc, run, paramsPath);
            top && (whole || results.config.entries.empty())) {
            haveConfig = true;
            for (const auto &[key, child] : top->members)
                flattener.flatten(doc, child, Key({key}), Family::Config, {}, run, paramsPath);
        }
    }

    // The experiment state: in the trial's own folder, else in the experiment folder above.
    QString trialId = results.meta.value(u"trial_id"_s).rawText();
    if (trialId.isEmpty()) trialId = trialIdFromName(folder);
    TrialState state;
    if (const QString own = newestStateFile(candidate.files); !own.isEmpty())
        state = stateFromFile(readRayExperimentState(dir.filePath(own), limits), folder, trialId);
    else
        state = stateFromNotes(notes, info.path(), folder, trialId);
    for (Issue &i : state.issues)
        run.issues.push_back(std::move(i));
    Doc facts;
    const DocNode *factsTop = nullptr;
    if (state.found) {
        RunRecord scratch;
        if (parseJson(state.facts.toUtf8(), facts, scratch, QString()) && facts.rootNode() &&
            facts.rootNode()->kind == DocNode::Kind::Map)
            factsTop = facts.rootNode();
    }
    const auto fact = [&](const QString &key) -> const DocNode * {
        return factsTop ? facts.member(*factsTop, key) : nullptr;
    };
    if (trialId.isEmpty())
        if (const DocNode *id = fact(u"trial_id"_s)) trialId = id->value.rawText();

    if (!haveConfig) {
        // Fallbacks: the config each result repeats, else the one the experiment state holds.
        const DocNode *config = fact(kConfig);
        QString source;
        if (!results.config.entries.empty()) {
            for (Entry &e : results.config.entries)
                run.entries.push_back(std::move(e));
            source = u"the last result's `config`"_s;
        } else if (config && config->kind == DocNode::Kind::Map && !config->members.empty()) {
            for (const auto &[key, child] : config->members)
                flattener.flatten(facts, child, Key({key}), Family::Config, {}, run, paramsPath);
            source = u"the experiment state"_s;
        }
        const QString missing =
            QFileInfo::exists(paramsPath) ? u"params.json is unusable"_s : u"no params.json"_s;
        if (source.isEmpty())
            run.addIssue(Issue::Severity::Warning, paramsPath, 0, 0,
                         missing + u": the trial's config is not known"_s);
        else
            run.addIssue(Issue::Severity::Note, paramsPath, 0, 0,
                         missing + u": the config is taken from "_s + source);
    }

    if (results.present) {
        for (Entry &e : results.values.entries)
            run.entries.push_back(std::move(e));
    } else if (const DocNode *last = fact(u"last_result"_s);
               last && last->kind == DocNode::Kind::Map && !last->members.empty()) {
        flattenMetrics(facts, *last, flattener, run, resultPath);
        takeMeta(facts, *last, results.meta);
        resultsFile.clear();
    } else {
        run.addIssue(Issue::Severity::Warning, candidate.path, 0, 0,
                     u"no result.json or progress.csv: the trial reported no results yet"_s);
    }
    if (results.count == 0 && results.present)
        run.addIssue(Issue::Severity::Warning, resultsFile, 0, 0, u"holds no result"_s);

    // Metadata: the experiment, Ray's word for the status, the last result's own keys.
    // The experiment folder, or where the trial's folder holds the state itself, the
    // experiment's folder as Ray recorded it.
    const QString experiment = state.experiment.isEmpty() ? info.dir().dirName() : state.experiment;
    run.add(Family::Meta, Key({u"experiment"_s}), Value::string(experiment));
    QString word;
    if (const DocNode *s = fact(u"status"_s); s && s->value.type() == Value::Type::String) {
        word = s->value.rawText();
        run.add(Family::Meta, Key({u"status"_s}), Value::string(word));
    }
    if (const DocNode *n = fact(u"num_failures"_s); n && n->value.isNumber() && n->value.toInt())
        run.add(Family::Meta, Key({u"num_failures"_s}), n->value);
    for (const QString &key : metaKeys())
        if (const auto v = results.meta.constFind(key); v != results.meta.cend())
            run.add(Family::Meta, Key({key}), *v);
    if (!state.otherTrials.isEmpty())
        run.addIssue(Issue::Severity::Note, dir.filePath(newestStateFile(candidate.files)), 0, 0,
                     u"the experiment state here also lists %1 trial(s) whose folders are not "
                     u"here: %2"_s.arg(state.otherTrials.size())
                         .arg(state.otherTrials.mid(0, 10).join(u", "_s)));

    // Status: the experiment's word, else the trial's own files.
    const bool done = results.meta.value(u"done"_s).toBool();
    if (!word.isEmpty())
        run.status = statusFromRay(word);
    else if (QFileInfo::exists(dir.filePath(kError)))
        run.status = RunStatus::Crashed;
    else if (results.truncated)
        run.status = RunStatus::Running;
    else if (done)
        run.status = RunStatus::Finished;

    if (const Value total = results.meta.value(u"time_total_s"_s); total.isNumber())
        run.durationSec = total.toDouble();
    if (const DocNode *start = fact(u"start_time"_s); start && start->value.isNumber())
        run.startMs = qint64(start->value.toDouble() * 1000.0);
    else if (results.startSec > 0)
        run.startMs = qint64(results.startSec * 1000.0);

    run.id = trialId.isEmpty() ? fallbackRunId(candidate) : experiment + u'/' + trialId;
    return run;
}

} // namespace runlens
