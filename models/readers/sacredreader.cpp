#include "sacredreader.h"
#include "jsonpickle.h"
#include "runid.h"
#include "sacredmetrics.h"
#include "timeparse.h"

#include <QDir>
#include <QFileInfo>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QString kRun = u"run.json"_s;
const QString kConfig = u"config.json"_s;
const QString kMetrics = u"metrics.json"_s;
const QString kCout = u"cout.txt"_s;

/// Sacred names run folders by number: 1, 2, ...
bool isRunId(const QString &name) {
    if (name.isEmpty()) return false;
    for (const QChar c : name)
        if (!c.isDigit()) return false;
    return true;
}

/// A scalar's text as the file wrote it; empty for a list or mapping.
QString textOf(const DocNode &n) {
    if (n.kind != DocNode::Kind::Scalar) return {};
    return n.value.type() == Value::Type::String ? n.value.rawText() : n.value.displayText();
}

/// A list value of strings.
Value textList(const QStringList &texts) {
    QStringList quoted;
    for (const QString &t : texts)
        quoted << jsonQuote(t);
    return Value::list(u'[' + quoted.join(u", "_s) + u']');
}

/// Sacred's status word as RunStatus: QUEUED and RUNNING (also a run that died without
/// cleaning up) are running, FAILED, INTERRUPTED and TIMEOUT crashed.
RunStatus statusOf(const QString &word) {
    if (word == u"COMPLETED") return RunStatus::Finished;
    if (word == u"RUNNING" || word == u"QUEUED") return RunStatus::Running;
    if (word == u"FAILED" || word == u"INTERRUPTED" || word == u"TIMEOUT")
        return RunStatus::Crashed;
    return RunStatus::Unknown;
}

/// Whether an option of Sacred's command line was given (not its default null/false/[]).
bool optionSet(const DocNode &n) {
    switch (n.kind) {
    case DocNode::Kind::Seq:
        return !n.items.empty();
    case DocNode::Kind::Map:
        return !n.members.empty();
    case DocNode::Kind::Scalar:
        return !(n.value.type() == Value::Type::Null ||
                 (n.value.type() == Value::Type::Bool && !n.value.toBool()) ||
                 (n.value.type() == Value::Type::String && n.value.rawText().isEmpty()));
    }
    return false;
}

/// run.json's `host`: keys named as the W&B reader names them (`host`, `os`, `python`, `cpu`,
/// `gpu`), the captured environment as `env.*`, anything else under `sacred.host`.
void readHost(const Doc &doc, const DocNode &host, Flattener &flattener, RunRecord &run,
              const QString &path) {
    for (const auto &[key, child] : host.members) {
        const DocNode &n = doc.node(child);
        if (key == u"hostname") {
            run.add(Family::Meta, Key({u"host"_s}), Value::string(textOf(n)));
        } else if (key == u"os") {
            // ["Linux", "Linux-5.4.0-170-generic-x86_64-with-glibc2.31"]: the platform says most.
            if (n.kind == DocNode::Kind::Seq && !n.items.empty())
                run.add(Family::Meta, Key({u"os"_s}),
                        Value::string(textOf(doc.node(n.items.back()))));
            else
                flattener.flatten(doc, child, Key({u"os"_s}), Family::Meta, {}, run, path);
        } else if (key == u"python_version") {
            flattener.flatten(doc, child, Key({u"python"_s}), Family::Meta, {}, run, path);
        } else if (key == u"cpu") {
            flattener.flatten(doc, child, Key({u"cpu"_s}), Family::Meta, {}, run, path);
        } else if (key == u"gpus" && n.kind == DocNode::Kind::Map) {
            if (const DocNode *gpus = doc.member(n, u"gpus"_s);
                gpus && gpus->kind == DocNode::Kind::Seq) {
                run.add(Family::Meta, Key({u"gpu_count"_s}),
                        Value::integer(qint64(gpus->items.size())));
                if (!gpus->items.empty())
                    if (const DocNode *model =
                            doc.member(doc.node(gpus->items.front()), u"model"_s))
                        run.add(Family::Meta, Key({u"gpu"_s}), Value::string(textOf(*model)));
            }
            if (const DocNode *driver = doc.member(n, u"driver_version"_s))
                run.add(Family::Meta, Key({u"gpu_driver"_s}), Value::string(textOf(*driver)));
        } else if (key == u"ENV") {
            if (optionSet(n))
                flattener.flatten(doc, child, Key({u"env"_s}), Family::Meta, {}, run, path);
        } else {
            flattener.flatten(doc, child, Key({u"sacred"_s, u"host"_s, key}), Family::Meta, {}, run,
                              path);
        }
    }
}

/// run.json's `experiment`: its name, main file, base folder, dependencies, sources and the
/// first git repository. Returns the experiment's name.
QString readExperiment(const Doc &doc, const DocNode &experiment, Flattener &flattener,
                       RunRecord &run, const QString &path) {
    QString name;
    for (const auto &[key, child] : experiment.members) {
        const DocNode &n = doc.node(child);
        if (key == u"name") {
            name = textOf(n);
            run.add(Family::Meta, Key({u"experiment"_s}), Value::string(name));
        } else if (key == u"mainfile") {
            run.add(Family::Meta, Key({u"program"_s}), Value::string(textOf(n)));
        } else if (key == u"base_dir" || key == u"dependencies") {
            flattener.flatten(doc, child, Key({u"sacred"_s, key}), Family::Meta, {}, run, path);
        } else if (key == u"sources" && n.kind == DocNode::Kind::Seq) {
            QStringList files; // [["train.py", "_sources/train_<md5>.py"], ...]
            for (const int item : n.items)
                if (const DocNode &pair = doc.node(item);
                    pair.kind == DocNode::Kind::Seq && !pair.items.empty())
                    files << textOf(doc.node(pair.items.front()));
            run.add(Family::Meta, Key({u"sacred"_s, u"sources"_s}), textList(files));
        } else if (key == u"repositories" && n.kind == DocNode::Kind::Seq && !n.items.empty()) {
            const DocNode &repo = doc.node(n.items.front());
            for (const auto &[field, metaKey] : std::initializer_list<std::pair<QString, QString>>{
                     {u"url"_s, u"remote"_s}, {u"commit"_s, u"commit"_s}, {u"dirty"_s, u"dirty"_s}})
                if (const DocNode *v = doc.member(repo, field))
                    run.add(Family::Meta, Key({u"git"_s, metaKey}), v->value);
            if (n.items.size() > 1)
                flattener.flatten(doc, child, Key({u"sacred"_s, u"repositories"_s}), Family::Meta,
                                  {}, run, path);
        }
    }
    return name;
}

/// run.json's `meta`: the command-line options given, config updates and named configs (as
/// JSON text), a comment.
void readMeta(const Doc &doc, const DocNode &meta, Flattener &flattener, RunRecord &run,
              const QString &path) {
    for (const auto &[key, child] : meta.members) {
        const DocNode &n = doc.node(child);
        if (key == u"options" && n.kind == DocNode::Kind::Map) {
            for (const auto &[option, value] : n.members)
                if (optionSet(doc.node(value)))
                    flattener.flatten(doc, value, Key({u"sacred"_s, u"options"_s, option}),
                                      Family::Meta, {}, run, path);
        } else if (key == u"config_updates" || key == u"named_configs") {
            if (!optionSet(n)) continue;
            QString json;
            Flattener().toJson(doc, child, json);
            run.add(Family::Meta, Key({u"sacred"_s, key}), Value::string(json));
        } else if (key == u"comment") {
            flattener.flatten(doc, child, Key({u"comment"_s}), Family::Meta, {}, run, path);
        }
    }
}

/// The exception line of a traceback: its last non-empty line.
QString lastTraceLine(const Doc &doc, const DocNode &trace) {
    for (auto it = trace.items.rbegin(); it != trace.items.rend(); ++it) {
        const QStringList lines = textOf(doc.node(*it)).split(u'\n');
        for (auto l = lines.rbegin(); l != lines.rend(); ++l)
            if (!l->trimmed().isEmpty()) return l->trimmed();
    }
    return {};
}

/// run.json: status, times, host, experiment, command, meta, result (a metric) and the
/// exception of a failed run. Returns the experiment's name.
QString readRunJson(const Doc &doc, const DocNode &top, Flattener &flattener, RunRecord &run,
                    const QString &path) {
    QString experiment;
    qint64 stopMs = -1, heartbeatMs = -1;
    for (const auto &[key, child] : top.members) {
        const DocNode &n = doc.node(child);
        if (key == u"status") {
            run.status = statusOf(textOf(n));
            run.add(Family::Meta, Key({u"status"_s}), Value::string(textOf(n)));
        } else if (key == u"start_time") {
            run.startMs = parseIsoTimeMs(textOf(n)); // UTC without a zone, as Sacred writes it
        } else if (key == u"stop_time") {
            stopMs = parseIsoTimeMs(textOf(n));
        } else if (key == u"heartbeat") {
            heartbeatMs = parseIsoTimeMs(textOf(n));
            flattener.flatten(doc, child, Key({u"heartbeat"_s}), Family::Meta, {}, run, path);
        } else if (key == u"command") {
            flattener.flatten(doc, child, Key({u"command"_s}), Family::Meta, {}, run, path);
        } else if (key == u"host" && n.kind == DocNode::Kind::Map) {
            readHost(doc, n, flattener, run, path);
        } else if (key == u"experiment" && n.kind == DocNode::Kind::Map) {
            experiment = readExperiment(doc, n, flattener, run, path);
        } else if (key == u"meta" && n.kind == DocNode::Kind::Map) {
            readMeta(doc, n, flattener, run, path);
        } else if (key == u"result") {
            if (!(n.kind == DocNode::Kind::Scalar && n.value.type() == Value::Type::Null))
                flattener.flatten(doc, child, Key({u"result"_s}), Family::Metric, {}, run, path);
        } else if (key == u"fail_trace" && n.kind == DocNode::Kind::Seq) {
            if (const QString error = lastTraceLine(doc, n); !error.isEmpty())
                run.add(Family::Meta, Key({u"error"_s}), Value::string(error));
        }
    }
    const qint64 endMs = stopMs >= 0 ? stopMs : heartbeatMs;
    if (run.startMs >= 0 && endMs >= run.startMs)
        run.durationSec = double(endMs - run.startMs) / 1000.0;
    return experiment;
}

/// Loads a JSON file of the run with jsonpickle's encodings decoded; null unless it holds a
/// mapping.
const DocNode *loadPickled(const QString &path, const ReadLimits &limits, Doc &doc, RunRecord &run,
                           DocStatus *status = nullptr) {
    const DocStatus s = loadDoc(path, false, limits, doc, run);
    if (status) *status = s;
    if (s != DocStatus::Ok) return nullptr;
    decodeJsonpickle(doc, doc.root);
    return topMapping(doc, run, path);
}

} // namespace

QString SacredReader::format() const {
    return u"sacred"_s;
}

bool SacredReader::detect(const DirListing &dir) const {
    // run.json is the signature; a run committed without it still has Sacred's cout.txt.
    const bool config = dir.hasFile(kConfig);
    if (dir.hasFile(kRun))
        return config || dir.hasFile(kCout) || dir.hasFile(kMetrics) || isRunId(dir.name);
    return config && dir.hasFile(kCout);
}

std::optional<QStringList> SacredReader::inputFiles(const RunCandidate &candidate) const {
    return QStringList{candidate.path + u'/' + kRun, candidate.path + u'/' + kConfig,
                       candidate.path + u'/' + kMetrics};
}

std::vector<HistoryPoint> SacredReader::readHistory(const QString &runPath, const Key &metric,
                                                    const ReadLimits &limits) const {
    if (metric.segments().size() != 1) return {};
    return readSacredHistory(runPath + u'/' + kMetrics, metric.segments().front(), limits);
}

RunRecord SacredReader::read(const RunCandidate &candidate, const ScanNotes &,
                             const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.id = fallbackRunId(candidate); // Sacred's ids (1, 2, ...) repeat across base folders
    const QString runId = QFileInfo(candidate.path).fileName();
    const QDir dir(candidate.path);
    Flattener flattener(limits.flatten);

    QString experiment;
    {
        Doc doc;
        DocStatus status = DocStatus::Missing;
        const QString path = dir.filePath(kRun);
        if (const DocNode *top = loadPickled(path, limits, doc, run, &status))
            experiment = readRunJson(doc, *top, flattener, run, path);
        else if (status == DocStatus::Missing)
            run.addIssue(Issue::Severity::Warning, path, 0, 0,
                         u"no run.json: the run's status, times and host are unknown"_s);
    }
    run.name = experiment.isEmpty() ? runId : experiment + u" #"_s + runId;
    {
        Doc doc;
        const QString path = dir.filePath(kConfig);
        if (const DocNode *top = loadPickled(path, limits, doc, run))
            for (const auto &[key, child] : top->members)
                flattener.flatten(doc, child, Key({key}), Family::Config, {}, run, path);
    }
    readSacredMetrics(dir.filePath(kMetrics), limits, run);
    return run;
}

} // namespace runlens
