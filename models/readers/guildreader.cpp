#include "guildreader.h"
#include "genericreader.h"
#include "runid.h"
#include "textfile.h"

#include <QDir>
#include <QFileInfo>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// Attributes shown as `guild.<name>` metadata, in this order.
const QStringList &metaAttrs() {
    static const QStringList names = {u"label"_s,      u"host"_s,        u"user"_s,
                                      u"cmd"_s,        u"tags"_s,        u"exit_status"_s,
                                      u"vcs_commit"_s, u"random_seed"_s, u"marked"_s};
    return names;
}

/// Every attribute read(): the config, the id, the times, the metadata.
QStringList readAttrs() {
    return QStringList{u"flags"_s, u"id"_s, u"started"_s, u"stopped"_s} + metaAttrs();
}

/// Guild's status markers in `.guild/`, in the order Guild checks them.
const QStringList &markers() {
    static const QStringList names = {u"LOCK.remote"_s, u"PENDING"_s, u"STAGED"_s, u"LOCK"_s};
    return names;
}

/// Splits `opref` ("<type>:<pkg> <version> <model> <op>", single-quoted empties) into words.
QStringList oprefWords(const QString &line) {
    QStringList words;
    QString word;
    bool quoted = false, any = false;
    for (const QChar c : line.trimmed()) {
        if (c == u'\'') {
            quoted = !quoted;
            any = true;
        } else if (c.isSpace() && !quoted) {
            if (any || !word.isEmpty()) words << word;
            word.clear();
            any = false;
        } else {
            word += c;
        }
    }
    if (any || !word.isEmpty()) words << word;
    return words;
}

/// One attribute file's value (a YAML document), or missing; problems become issues.
struct Attr {
    Doc doc;
    const DocNode *node = nullptr;
};

bool readAttr(const QString &path, const ReadLimits &limits, RunRecord &run, Attr &attr) {
    if (loadDoc(path, true, limits, attr.doc, run) != DocStatus::Ok) return false;
    attr.node = attr.doc.rootNode();
    return attr.node != nullptr;
}

/// The word Guild shows for the run and RunLens's status for it (guild/run.py: Run.status).
std::pair<QString, RunStatus> guildStatus(const QString &guildDir, const Value &exitStatus) {
    if (QFileInfo::exists(guildDir + u"/LOCK.remote"_s)) return {u"running"_s, RunStatus::Running};
    if (QFileInfo::exists(guildDir + u"/PENDING"_s)) return {u"pending"_s, RunStatus::Running};
    if (QFileInfo::exists(guildDir + u"/STAGED"_s)) return {u"staged"_s, RunStatus::Unknown};
    if (exitStatus.isNumber()) {
        const qint64 code = exitStatus.toInt();
        if (code == 0) return {u"completed"_s, RunStatus::Finished};
        return {code < 0 ? u"terminated"_s : u"error"_s, RunStatus::Crashed};
    }
    // Guild checks that the pid in LOCK is alive; a copied run folder cannot tell, so a lock
    // left behind reads as running.
    if (QFileInfo::exists(guildDir + u"/LOCK"_s)) return {u"running"_s, RunStatus::Running};
    return {u"error"_s, RunStatus::Crashed};
}

} // namespace

QString GuildReader::format() const {
    return u"guild"_s;
}

bool GuildReader::detect(const DirListing &dir) const {
    // GUILD_HOME itself is a `.guild` folder too, but holds runs/, not attrs/.
    return dir.hasDir(u".guild"_s) && QFileInfo(dir.path + u"/.guild/attrs"_s).isDir();
}

std::optional<QStringList> GuildReader::inputFiles(const RunCandidate &candidate) const {
    const QString guild = candidate.path + u"/.guild/"_s;
    QStringList files;
    for (const QString &name : readAttrs())
        files << guild + u"attrs/"_s + name;
    files << guild + u"opref"_s;
    for (const QString &name : markers())
        files << guild + name;
    for (const QString &name : GenericReader::metricFiles())
        files << candidate.path + u'/' + name;
    files << candidate.path + u"/.guild"_s; // read() lists it for event files
    return files;
}

RunRecord GuildReader::read(const RunCandidate &candidate, const ScanNotes &,
                            const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    const QString guild = candidate.path + u"/.guild"_s;
    const QString attrs = guild + u"/attrs/"_s;
    Flattener flattener(limits.flatten);

    if (Attr flags; readAttr(attrs + u"flags"_s, limits, run, flags)) {
        if (flags.node->kind == DocNode::Kind::Map) {
            for (const auto &[key, child] : flags.node->members)
                flattener.flatten(flags.doc, child, Key({key}), Family::Config, {}, run,
                                  attrs + u"flags"_s);
        } else if (flags.node->value.type() != Value::Type::Null) {
            run.addIssue(Issue::Severity::Error, attrs + u"flags"_s, flags.node->line,
                         flags.node->column, u"is not a mapping of flags; not read"_s);
        }
    } else if (!QFileInfo::exists(attrs + u"flags"_s)) {
        run.addIssue(Issue::Severity::Note, attrs + u"flags"_s, 0, 0,
                     u"no flags: the operation took none, or the run was staged without them"_s);
    }

    // Metrics: Guild's own scalars are in TensorBoard event files; a metrics file the script
    // wrote into the run folder is read.
    const QDir dir(candidate.path);
    bool metrics = false;
    for (const QString &name : GenericReader::metricFiles()) {
        if (!candidate.files.contains(name)) continue;
        const QString path = dir.filePath(name);
        Doc doc;
        if (loadDoc(path, false, limits, doc, run) != DocStatus::Ok) continue;
        if (const DocNode *top = topMapping(doc, run, path)) {
            metrics = true;
            for (const auto &[key, child] : top->members)
                flattener.flatten(doc, child, Key({key}), Family::Metric, {}, run, path);
        }
    }
    if (!metrics) {
        const QStringList events =
            QDir(guild).entryList({u"events.out.tfevents.*"_s}, QDir::Files, QDir::Name);
        if (!events.isEmpty())
            run.addIssue(Issue::Severity::Note, guild + u'/' + events.front(), 0, 0,
                         u"the run's scalars are in TensorBoard event files, which this "
                         u"version of RunLens does not read"_s);
    }

    // Metadata and times.
    QString op;
    {
        bool missing = false;
        if (const auto bytes = readTextFile(guild + u"/opref"_s, 64 * 1024, run, &missing)) {
            const QStringList words = oprefWords(QString::fromUtf8(bytes->split('\n').front()));
            if (words.size() >= 4) op = words[2].isEmpty() ? words[3] : words[2] + u':' + words[3];
        }
    }
    if (!op.isEmpty()) run.add(Family::Meta, Key({u"guild"_s, u"op"_s}), Value::string(op));
    QString id, label;
    if (Attr attr;
        QFileInfo::exists(attrs + u"id"_s) && readAttr(attrs + u"id"_s, limits, run, attr))
        id =
            attr.node->value.type() == Value::Type::String ? attr.node->value.rawText() : QString();
    Value exitStatus;
    for (const QString &name : metaAttrs()) {
        Attr attr;
        if (!QFileInfo::exists(attrs + name) || !readAttr(attrs + name, limits, run, attr))
            continue;
        const Value &v = attr.node->value;
        if (name == u"label" && v.type() == Value::Type::String) label = v.rawText();
        if (name == u"exit_status") exitStatus = v;
        if (attr.node->kind == DocNode::Kind::Scalar && v.type() == Value::Type::Null) continue;
        flattener.flatten(attr.doc, attr.doc.root, Key({u"guild"_s, name}), Family::Meta, {}, run,
                          attrs + name);
    }
    qint64 started = -1, stopped = -1;
    for (const QString &name : {u"started"_s, u"stopped"_s}) {
        Attr attr;
        if (!QFileInfo::exists(attrs + name) || !readAttr(attrs + name, limits, run, attr))
            continue;
        if (attr.node->value.type() == Value::Type::Int)
            (name == u"started" ? started : stopped) = attr.node->value.toInt();
        else
            run.addIssue(Issue::Severity::Warning, attrs + name, attr.node->line, attr.node->column,
                         u"is not a time in microseconds since the epoch; ignored"_s);
    }
    if (started > 0) run.startMs = started / 1000;
    if (started > 0 && stopped >= started) run.durationSec = double(stopped - started) / 1e6;

    const auto [word, status] = guildStatus(guild, exitStatus);
    run.status = status;
    run.add(Family::Meta, Key({u"status"_s}), Value::string(word));
    if (candidate.path.contains(u"/trash/runs/"_s))
        run.add(Family::Meta, Key({u"guild"_s, u"deleted"_s}), Value::boolean(true));

    // Guild's run id is a 32-digit uuid: unique wherever the run folder was copied.
    const QString folder = QFileInfo(candidate.path).fileName();
    run.id = !id.isEmpty() ? id : folder;
    if (run.id.isEmpty()) run.id = fallbackRunId(candidate);
    run.name = !label.isEmpty() ? label : !op.isEmpty() ? op + u' ' + run.id.left(8) : run.id;
    return run;
}

} // namespace runlens
