#include "tfeventsrun.h"
#include "pyliteral.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QString kEventsPrefix = u"events.out.tfevents."_s;

/// A key's segments split further at `/` and `.` (a config file's key `a.b` is one segment):
/// the form in which a config file's key and a plugin's name are compared.
QStringList comparable(const Key &key) {
    QStringList out;
    for (const QString &segment : key.segments())
        out << splitFlatKey(segment).segments();
    return out;
}

QString joined(const QStringList &parts, qsizetype n) {
    return parts.mid(0, n).join(QChar(0x1f));
}

/// comparable() as one string, for hashing.
QString comparableText(const Key &key) {
    const QStringList parts = comparable(key);
    return joined(parts, parts.size());
}

/// The config keys a run has from its files, to tell which hparams they already give.
class TakenKeys {
public:
    explicit TakenKeys(const RunRecord &run) {
        for (const Entry &e : run.entries) {
            if (e.family != Family::Config) continue;
            const QStringList parts = comparable(e.key);
            m_full.insert(joined(parts, parts.size()));
            for (qsizetype n = 1; n < parts.size(); ++n)
                m_prefixes.insert(joined(parts, n));
        }
    }
    /// Whether the files give `key`, a key below it, or a key above it (a value the plugin
    /// holds flattened, or one it holds whole that a file has nested).
    bool covers(const Key &key) const {
        const QStringList parts = comparable(key);
        if (m_prefixes.contains(joined(parts, parts.size()))) return true;
        for (qsizetype n = 1; n <= parts.size(); ++n)
            if (m_full.contains(joined(parts, n))) return true;
        return false;
    }

private:
    QSet<QString> m_full;
    QSet<QString> m_prefixes;
};

/// One hparam value into the config. With `pythonStrings`, a string that is Python's str() of
/// None, a list, a tuple or a dict comes back typed (a dict flattens below the key).
void addHparam(const Doc &doc, int node, const Key &key, const QString &description,
               bool pythonStrings, Flattener &flattener, RunRecord &run, const QString &file,
               const ReadLimits &limits) {
    const DocNode &n = doc.node(node);
    if (pythonStrings && n.kind == DocNode::Kind::Scalar && n.value.type() == Value::Type::String) {
        const QString &text = n.value.rawText();
        if (text == u"None") return run.add(Family::Config, key, Value::null(), description);
        if (!text.isEmpty() &&
            (text.front() == u'[' || text.front() == u'(' || text.front() == u'{')) {
            Doc literal;
            if (parsePythonLiteral(text, literal, limits.parse.maxDepth))
                return flattener.flatten(literal, literal.root, key, Family::Config, description,
                                         run, file);
        }
    }
    flattener.flatten(doc, node, key, Family::Config, description, run, file);
}

bool hasEntry(const RunRecord &run, Family f, const Key &key) {
    return std::any_of(run.entries.begin(), run.entries.end(),
                       [&](const Entry &e) { return e.family == f && e.key == key; });
}

/// A number as an integer where it is one (Lightning logs `epoch` as a float).
Value countValue(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9.0e15)
        return Value::integer(qint64(v));
    return Value::real(v);
}

} // namespace

bool isEventFileName(QStringView name) {
    return name.startsWith(kEventsPrefix);
}

bool isAddHparamsFolderName(QStringView name) {
    // Ten digits before the point: 2001-09-09 to 2286.
    const qsizetype dot = name.indexOf(u'.');
    if (dot != 10 || dot + 1 >= name.size() || name.front() == u'0') return false;
    for (qsizetype i = 0; i < name.size(); ++i)
        if (i != dot && !(name[i] >= u'0' && name[i] <= u'9')) return false;
    return true;
}

bool hasAddHparamsEvents(const QString &folder, const QStringList &dirs) {
    for (const QString &d : dirs)
        if (isAddHparamsFolderName(d) &&
            !QDir(folder + u'/' + d).entryList({kEventsPrefix + u'*'}, QDir::Files).isEmpty())
            return true;
    return false;
}

QStringList tfEventFiles(const QString &folder, const QStringList &files, const QStringList &dirs) {
    std::vector<std::pair<QString, QString>> found; // file name, path
    for (const QString &f : files)
        if (isEventFileName(f)) found.emplace_back(f, folder + u'/' + f);
    for (const QString &sub : tfEventFolders(folder, dirs)) {
        for (const QString &f : QDir(sub).entryList({kEventsPrefix + u'*'}, QDir::Files))
            found.emplace_back(f, sub + u'/' + f);
    }
    std::sort(found.begin(), found.end());
    QStringList out;
    for (const auto &f : found)
        out << f.second;
    return out;
}

QStringList tfEventFolders(const QString &folder, const QStringList &dirs) {
    QStringList out;
    for (const QString &d : dirs)
        if (isAddHparamsFolderName(d)) out << folder + u'/' + d;
    return out;
}

QStringList tfEventFiles(const QString &folder) {
    const QDir dir(folder);
    return tfEventFiles(folder, dir.entryList(QDir::Files),
                        dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot));
}

EventFileName parseEventFileName(const QString &name) {
    // `<unix seconds>.<host>.<pid>.<n>` (PyTorch, TF 2 with `.v2`); TF 1 wrote `<s>.<host>`.
    static const QRegularExpression full(
        u"^events\\.out\\.tfevents\\.(\\d+)\\.(.+)\\.\\d+\\.\\d+(?:\\.v2)?$"_s);
    static const QRegularExpression start(u"^events\\.out\\.tfevents\\.(\\d{1,12})(?:\\.|$)"_s);
    EventFileName out;
    if (const auto m = full.match(name); m.hasMatch()) {
        out.startSec = m.captured(1).toLongLong();
        out.host = m.captured(2);
    } else if (const auto s = start.match(name); s.hasMatch()) {
        out.startSec = s.captured(1).toLongLong();
    }
    return out;
}

TfEventsOptions tfEventsOptions(const ReadLimits &limits) {
    TfEventsOptions o;
    o.maxRecordBytes = limits.maxJsonBytes;
    o.maxTags = limits.flatten.maxKeys;
    o.maxDepth = limits.parse.maxDepth;
    o.maxHparamNodes = std::min<qsizetype>(o.maxHparamNodes, limits.parse.maxNodes);
    return o;
}

void readTfEventFiles(TfEventsReader &events, const QStringList &paths, RunRecord &run) {
    for (const QString &path : paths) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            run.addIssue(Issue::Severity::Error, path, 0, 0,
                         u"could not be opened: %1"_s.arg(f.errorString()));
            continue;
        }
        events.read(f, path, run);
    }
}

void addTfEvents(const TfEventsReader &events, RunRecord &run, Flattener &flattener,
                 const TfEventsMerge &how, const QString &file, const ReadLimits &limits) {
    const TfHparams &hp = events.hparams();

    // Hyperparameters, where the run's config files do not give them.
    const TakenKeys taken(run);
    QHash<QString, QString> descriptions; // comparable form -> description
    for (auto it = hp.hparamDescriptions.begin(); it != hp.hparamDescriptions.end(); ++it)
        descriptions.insert(comparableText(splitFlatKey(it.key())), it.value());
    QSet<Key> added;
    QStringList respelled;
    if (const DocNode *root = hp.values.rootNode())
        for (const auto &[name, node] : root->members) {
            Key key = splitFlatKey(name);
            if (taken.covers(key)) continue;
            // `a/b` and `a.b` split alike: the later keeps its name as one segment.
            if (added.contains(key)) {
                key = Key({name});
                respelled << name;
            }
            added.insert(key);
            addHparam(hp.values, node, key, hp.hparamDescriptions.value(name), how.pythonStrings,
                      flattener, run, file, limits);
        }
    if (!respelled.isEmpty())
        run.addIssue(
            Issue::Severity::Warning, file, 0, 0,
            u"%1 hparam name(s) read the same as an earlier one once split at / and . (%2); each is shown as one key"_s
                .arg(respelled.size())
                .arg(respelled.mid(0, 5).join(u", "_s)));
    if (hp.cutDeep)
        run.addIssue(Issue::Severity::Warning, file, 0, 0,
                     u"hparams values nested deeper than %1 levels are left out"_s.arg(
                         limits.parse.maxDepth));
    if (hp.cutMany)
        run.addIssue(
            Issue::Severity::Warning, file, 0, 0,
            u"the hparams plugin holds too many values; those past the limit are left out"_s);
    if (!hp.changed.isEmpty())
        run.addIssue(
            Issue::Severity::Note, file, 0, 0,
            u"the event files start sessions with different values of %1 hparam(s) (%2); the last value is shown"_s
                .arg(hp.changed.size())
                .arg(hp.changed.mid(0, 5).join(u", "_s)));

    // Scalars.
    bool epochTaken = hasEntry(run, Family::Meta, Key({u"epoch"_s}));
    for (const TfSeries &s : events.series()) {
        const Key key({s.tag});
        if (how.metricsTaken.contains(key)) continue;
        if (how.epochAsMeta && s.tag == u"epoch") {
            if (!epochTaken) run.add(Family::Meta, key, countValue(s.history.last()));
            epochTaken = true;
            continue;
        }
        s.history.addTo(run, key);
    }

    // Descriptions from the experiment, on whichever file gave the key.
    for (Entry &e : run.entries) {
        if (!e.description.isEmpty()) continue;
        if (e.family == Family::Metric && e.key.segments().size() == 1)
            e.description = hp.metricDescriptions.value(e.key.segments().front());
        else if (e.family == Family::Config && !descriptions.isEmpty())
            e.description = descriptions.value(comparableText(e.key));
    }

    // Status, times, progress.
    if (hp.status >= 0) {
        static const QStringList words = {u"UNKNOWN"_s, u"SUCCESS"_s, u"FAILURE"_s, u"RUNNING"_s};
        static const RunStatus statuses[] = {RunStatus::Unknown, RunStatus::Finished,
                                             RunStatus::Crashed, RunStatus::Running};
        run.status = statuses[hp.status];
        run.add(Family::Meta, Key({u"status"_s}), Value::string(words[hp.status]));
    } else if (events.truncated() && run.status == RunStatus::Unknown) {
        run.status = RunStatus::Running;
    }
    // Times past the year 5000 are no times (a damaged field): left out, not overflowed.
    const auto plausible = [](double t) { return std::isfinite(t) && t > 0 && t < 1e11; };
    const double start = plausible(hp.startTimeSecs) ? hp.startTimeSecs : events.firstWallTime();
    if (run.startMs < 0 && plausible(start)) run.startMs = qint64(std::llround(start * 1000));
    const double end =
        hp.status >= 0 && hp.endTimeSecs > 0 ? hp.endTimeSecs : events.lastWallTime();
    // Without scalars the files hold only what was written as the run started (hparams).
    const bool spans = hp.status >= 0 || events.lastStep() >= 0;
    if (run.durationSec < 0 && spans && plausible(start) && plausible(end) && end >= start)
        run.durationSec = end - start;
    if (events.lastStep() >= 0 && !hasEntry(run, Family::Meta, Key({u"step"_s})))
        run.add(Family::Meta, Key({u"step"_s}), Value::integer(events.lastStep()));
}

std::vector<HistoryPoint> readTfEventsHistory(const QString &runPath, const QString &tag,
                                              const ReadLimits &limits) {
    if (tag.isEmpty()) return {};
    TfEventsOptions options = tfEventsOptions(limits);
    options.onlyTag = tag;
    TfEventsReader events(options);
    RunRecord scratch; // the table's read reported the problems
    readTfEventFiles(events, tfEventFiles(runPath), scratch);
    for (const TfSeries &s : events.series())
        if (s.tag == tag) return s.points;
    return {};
}

} // namespace runlens
