#include "raytunestate.h"

#include <QCryptographicHash>
#include <QFile>

#include <memory>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QString kConfig = u"config"_s;

/// The last part of a path written on another machine (either separator).
QString baseName(const QString &path) {
    QString p = path;
    while (p.endsWith(u'/') || p.endsWith(u'\\'))
        p.chop(1);
    return p.mid(std::max(p.lastIndexOf(u'/'), p.lastIndexOf(u'\\')) + 1);
}

/// The members of a trial's state that RunLens uses.
const QStringList &factKeys() {
    static const QStringList keys = {u"trial_id"_s,     u"status"_s,          u"start_time"_s,
                                     kConfig,           u"last_result"_s,     u"_last_result"_s,
                                     u"logdir"_s,       u"relative_logdir"_s, u"local_dir"_s,
                                     u"num_failures"_s, u"trainable_name"_s};
    return keys;
}

/// One trial of the state's list: the mappings it is made of, wherever they were encoded.
class TrialParts {
public:
    TrialParts(const QString &file, int index, std::vector<RayStateIssue> &issues)
        : m_file(file)
        , m_index(index)
        , m_issues(issues) {}

    /// Takes `node` of `doc`: a mapping, a JSON string holding one (Ray 1.x-2.6) or a list of
    /// such strings (the state and run metadata of later versions).
    void collect(const Doc &doc, int node, int depth = 0) {
        const DocNode &n = doc.node(node);
        if (n.kind == DocNode::Kind::Map) {
            m_parts.emplace_back(&doc, node);
        } else if (n.kind == DocNode::Kind::Seq && depth == 0) {
            for (int item : n.items)
                collect(doc, item, 1);
        } else if (n.value.type() == Value::Type::String) {
            auto inner = std::make_unique<Doc>();
            RunRecord scratch;
            parseJson(n.value.rawText().toUtf8(), *inner, scratch, m_file);
            for (const Issue &i : scratch.issues)
                problem(n, i.severity,
                        u"%1 (at %2:%3 of the trial's JSON text)"_s.arg(i.message).arg(i.line).arg(
                            i.column));
            if (const DocNode *root = inner->rootNode(); root && root->kind == DocNode::Kind::Map)
                m_parts.emplace_back(inner.get(), inner->root);
            m_decoded.push_back(std::move(inner));
        } else {
            problem(n, Issue::Severity::Warning, u"is neither an object nor a JSON string"_s);
        }
    }

    /// The first part's member `key` as its document and node index, or null and -1.
    std::pair<const Doc *, int> find(const QString &key) const {
        for (const auto &[doc, node] : m_parts)
            for (const auto &[k, child] : doc->node(node).members)
                if (k == key) return {doc, child};
        return {nullptr, -1};
    }

    QString text(const QString &key) const {
        const auto [doc, i] = find(key);
        return doc && doc->node(i).value.type() == Value::Type::String
                   ? doc->node(i).value.rawText()
                   : QString();
    }

    /// `{key: value, ...}` of the fact keys found, as compact JSON; `config` is left out of the
    /// last result, which repeats it.
    QString factsJson(Flattener &flattener) const {
        QString out = u"{"_s;
        for (const QString &key : factKeys()) {
            const auto [doc, index] = find(key);
            if (!doc) continue;
            const DocNode &n = doc->node(index);
            QString value;
            const bool isResult = key.endsWith(u"last_result"_s);
            if (isResult && n.kind == DocNode::Kind::Map) {
                value = u"{"_s;
                for (const auto &[k, child] : n.members) {
                    if (k == kConfig) continue;
                    if (value.size() > 1) value += u',';
                    value += jsonQuote(k) + u':';
                    if (!flattener.toJson(*doc, child, value)) return out + u"}"_s;
                }
                value += u'}';
            } else if (!flattener.toJson(*doc, index, value)) {
                continue;
            }
            if (out.size() > 1) out += u',';
            out += jsonQuote(isResult ? u"last_result"_s : key) + u':' + value;
        }
        return out + u'}';
    }

    void problem(const DocNode &at, Issue::Severity s, const QString &what,
                 const QString &id = {}) {
        m_issues.push_back(
            {id, Issue{s, m_file, at.line, at.column,
                       u"trial %1 of the experiment state: %2"_s.arg(m_index).arg(what)}});
    }

private:
    QString m_file;
    int m_index;
    std::vector<RayStateIssue> &m_issues;
    std::vector<std::pair<const Doc *, int>> m_parts;
    std::vector<std::unique_ptr<Doc>> m_decoded;
};

} // namespace

RayExperimentState readRayExperimentState(const QString &path, const ReadLimits &limits) {
    RayExperimentState state;
    RunRecord scratch;
    const auto keepIssues = [&] {
        for (Issue &i : scratch.issues)
            state.issues.push_back({QString(), std::move(i)});
        scratch.issues.clear();
    };
    if (QFile f(path); f.size() <= limits.maxJsonBytes && f.open(QIODevice::ReadOnly))
        state.digest = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1);
    Doc doc;
    if (loadDoc(path, false, limits, doc, scratch) != DocStatus::Ok) {
        keepIssues();
        return state;
    }
    const DocNode *top = topMapping(doc, scratch, path);
    const DocNode *list = top ? doc.member(*top, u"checkpoints"_s) : nullptr;
    if (top && !list) list = doc.member(*top, u"trial_data"_s);
    if (top && (!list || list->kind != DocNode::Kind::Seq))
        scratch.addIssue(Issue::Severity::Warning, path, top->line, top->column,
                         u"no trial list (`checkpoints` or `trial_data`): this Ray version's "
                         u"experiment state is not read"_s);
    keepIssues();
    if (!list || list->kind != DocNode::Kind::Seq) return state;
    Flattener flattener(limits.flatten);
    int index = 0;
    for (int item : list->items) {
        TrialParts trial(path, ++index, state.issues);
        const std::size_t firstIssue = state.issues.size();
        trial.collect(doc, item);
        const QString id = trial.text(u"trial_id"_s);
        if (id.isEmpty()) {
            trial.problem(doc.node(item), Issue::Severity::Warning,
                          u"no trial id could be read; the trial is left out"_s);
            continue;
        }
        for (std::size_t i = firstIssue; i < state.issues.size(); ++i)
            state.issues[i].trialId = id; // the salvaged part named its trial
        state.trialIds << id;
        state.facts.insert(id, trial.factsJson(flattener));
        for (const QString &key : {u"logdir"_s, u"relative_logdir"_s})
            if (const QString dir = baseName(trial.text(key)); !dir.isEmpty())
                state.idByFolder.insert(dir, id);
        if (state.experiment.isEmpty()) state.experiment = baseName(trial.text(u"local_dir"_s));
    }
    return state;
}

/// `trial\x1fseverity\x1fline\x1fcolumn\x1ffile\x1fmessage` records joined by \x1e.
QString encodeRayStateIssues(const std::vector<RayStateIssue> &issues) {
    QStringList records;
    for (const RayStateIssue &s : issues)
        records << QStringList{s.trialId,
                               QString::number(int(s.issue.severity)),
                               QString::number(s.issue.line),
                               QString::number(s.issue.column),
                               s.issue.file,
                               s.issue.message}
                       .join(QChar(0x1f));
    return records.join(QChar(0x1e));
}

std::vector<RayStateIssue> decodeRayStateIssues(const QString &text) {
    std::vector<RayStateIssue> out;
    for (const QString &record : text.split(QChar(0x1e), Qt::SkipEmptyParts)) {
        const QStringList f = record.split(QChar(0x1f));
        if (f.size() != 6) continue;
        out.push_back({f[0], Issue{Issue::Severity(std::clamp(f[1].toInt(), 0, 2)), f[4],
                                   f[2].toInt(), f[3].toInt(), f[5]}});
    }
    return out;
}

} // namespace runlens
