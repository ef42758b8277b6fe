#include "optunajournal.h"
#include "docparser.h"

#include <QHash>

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

bool looksLikeOptunaJournal(QByteArrayView head) {
    qsizetype i = 0;
    const auto skipSpace = [&] {
        while (i < head.size() && (head[i] == ' ' || head[i] == '\t')) ++i;
    };
    skipSpace();
    if (i >= head.size() || head[i] != '{') return false;
    ++i;
    skipSpace();
    return head.sliced(i).startsWith("\"op_code\"");
}

namespace {

enum OpCode {
    CreateStudy = 0,
    DeleteStudy = 1,
    SetStudyUserAttr = 2,
    SetStudySystemAttr = 3,
    CreateTrial = 4,
    SetTrialParam = 5,
    SetTrialStateValues = 6,
    SetTrialIntermediateValue = 7,
    SetTrialUserAttr = 8,
    SetTrialSystemAttr = 9,
};

/// The longest line read; a longer one is skipped with an issue (a hostile file is one line).
constexpr qint64 kMaxLine = 16 * 1024 * 1024;
/// Malformed lines reported one by one; the rest are counted.
constexpr int kListedBadLines = 5;

/// Replays one line at a time into the store.
class Replay {
public:
    Replay(OptunaStore &store, const QString &file, const ReadLimits &limits)
        : m_store(store), m_file(file), m_limits(limits), m_flattener(limits.flatten) {}

    void apply(const Doc &doc, const DocNode &op, int line);
    void bad(int line, const QString &why) {
        if (++m_bad <= kListedBadLines)
            m_store.issues.push_back(Issue{Issue::Severity::Warning, m_file, line, 0,
                                           why + u"; the line is skipped"_s});
    }
    void finish() {
        if (m_bad > kListedBadLines)
            m_store.issues.push_back(
                Issue{Issue::Severity::Warning, m_file, 0, 0,
                      u"%1 more malformed lines were skipped"_s.arg(m_bad - kListedBadLines)});
        if (!m_unknownOps.isEmpty())
            m_store.issues.push_back(Issue{
                Issue::Severity::Note, m_file, 0, 0,
                u"operations this version of RunLens does not know were skipped (op_code %1)"_s
                    .arg(m_unknownOps.join(u", "_s))});
    }

private:
    /// The trial an operation names, if it exists and is still running (Optuna ignores
    /// changes to a finished trial).
    OptunaTrial *updatable(const Doc &doc, const DocNode &op, int line);
    static const DocNode *member(const Doc &doc, const DocNode &op, const QString &k) {
        return doc.member(op, k);
    }
    static std::optional<double> number(const DocNode *n) {
        if (!n || n->kind != DocNode::Kind::Scalar || !n->value.isNumber()) return std::nullopt;
        return n->value.toDouble();
    }
    static std::optional<int> index(const DocNode *n) {
        const auto d = number(n);
        if (!d || *d < 0 || *d > 2e9 || *d != std::floor(*d)) return std::nullopt;
        return int(*d);
    }
    static QString text(const DocNode *n) {
        return n && n->kind == DocNode::Kind::Scalar ? n->value.displayText() : QString();
    }
    std::vector<double> values(const Doc &doc, const DocNode *n) const;
    QString json(const Doc &doc, int node) {
        QString out;
        m_flattener.toJson(doc, node, out);
        return out;
    }
    void setUserAttrs(OptunaTrial &t, const Doc &doc, const DocNode *attrs);
    std::optional<OptunaState> state(const DocNode *n) const {
        const auto i = index(n);
        if (!i || *i > 4) return std::nullopt;
        return OptunaState(*i);
    }

    OptunaStore &m_store;
    QString m_file;
    const ReadLimits &m_limits;
    Flattener m_flattener;
    QHash<QString, int> m_studyByName;
    std::vector<int> m_trialsPerStudy;
    int m_bad = 0;
    QStringList m_unknownOps;
};

std::vector<double> Replay::values(const Doc &doc, const DocNode *n) const {
    std::vector<double> out;
    if (!n || n->kind != DocNode::Kind::Seq) return out;
    for (const int item : n->items)
        if (const auto d = number(&doc.node(item))) out.push_back(*d);
    return out;
}

OptunaTrial *Replay::updatable(const Doc &doc, const DocNode &op, int line) {
    const auto id = index(member(doc, op, u"trial_id"_s));
    if (!id || std::size_t(*id) >= m_store.trials.size()) {
        bad(line, u"the operation names no trial created before it"_s);
        return nullptr;
    }
    OptunaTrial &t = m_store.trials[std::size_t(*id)];
    const bool finished = t.state == OptunaState::Complete || t.state == OptunaState::Pruned ||
                          t.state == OptunaState::Fail;
    return finished ? nullptr : &t;
}

void Replay::setUserAttrs(OptunaTrial &t, const Doc &doc, const DocNode *attrs) {
    if (!attrs || attrs->kind != DocNode::Kind::Map) return;
    for (const auto &[k, node] : attrs->members) {
        const QString value = json(doc, node);
        auto it = std::find_if(t.userAttrs.begin(), t.userAttrs.end(),
                               [&k = k](const auto &a) { return a.first == k; });
        if (it != t.userAttrs.end())
            it->second = value;
        else if (int(t.userAttrs.size()) < m_limits.flatten.maxKeys)
            t.userAttrs.emplace_back(k, value);
    }
}

void Replay::apply(const Doc &doc, const DocNode &op, int line) {
    const auto code = index(member(doc, op, u"op_code"_s));
    if (!code) return bad(line, u"the line has no op_code"_s);
    switch (*code) {
    case CreateStudy: {
        const QString name = text(member(doc, op, u"study_name"_s));
        if (m_studyByName.contains(name)) return; // Optuna ignores a second one of a name
        OptunaStudy study;
        study.name = name;
        for (const double d : values(doc, member(doc, op, u"directions"_s)))
            study.maximize.push_back(d == 2);
        m_studyByName.insert(name, int(m_store.studies.size()));
        m_store.studies.push_back(std::move(study));
        m_trialsPerStudy.push_back(0);
        return;
    }
    case DeleteStudy: {
        const auto id = index(member(doc, op, u"study_id"_s));
        if (id && std::size_t(*id) < m_store.studies.size())
            m_store.studies[std::size_t(*id)].deleted = true;
        return;
    }
    case SetStudySystemAttr: {
        const auto id = index(member(doc, op, u"study_id"_s));
        const DocNode *attrs = member(doc, op, u"system_attr"_s);
        if (!id || std::size_t(*id) >= m_store.studies.size() || !attrs ||
            attrs->kind != DocNode::Kind::Map)
            return;
        if (const DocNode *names = doc.member(*attrs, u"study:metric_names"_s);
            names && names->kind == DocNode::Kind::Seq) {
            QStringList list;
            for (const int item : names->items)
                list << text(&doc.node(item));
            m_store.studies[std::size_t(*id)].metricNames = list;
        }
        return;
    }
    case CreateTrial: {
        const auto study = index(member(doc, op, u"study_id"_s));
        if (!study || std::size_t(*study) >= m_store.studies.size())
            return bad(line, u"the trial names no study created before it"_s);
        OptunaTrial t;
        t.id = int(m_store.trials.size());
        t.study = *study;
        t.number = m_trialsPerStudy[std::size_t(*study)]++;
        t.state = state(member(doc, op, u"state"_s)).value_or(OptunaState::Running);
        t.start = text(member(doc, op, u"datetime_start"_s));
        t.complete = text(member(doc, op, u"datetime_complete"_s));
        t.values = values(doc, member(doc, op, u"values"_s));
        // A trial added whole (study.add_trial, enqueue_trial) brings its params along.
        const DocNode *params = member(doc, op, u"params"_s);
        const DocNode *dists = member(doc, op, u"distributions"_s);
        if (params && params->kind == DocNode::Kind::Map)
            for (const auto &[name, node] : params->members) {
                const DocNode *dist = dists && dists->kind == DocNode::Kind::Map
                                          ? doc.member(*dists, name)
                                          : nullptr;
                t.params.push_back(OptunaParam{name, number(&doc.node(node)).value_or(NAN),
                                               m_store.distribution(text(dist))});
            }
        if (const DocNode *iv = member(doc, op, u"intermediate_values"_s);
            iv && iv->kind == DocNode::Kind::Map)
            for (const auto &[step, node] : iv->members)
                t.intermediate.emplace_back(step.toDouble(), number(&doc.node(node)).value_or(NAN));
        setUserAttrs(t, doc, member(doc, op, u"user_attrs"_s));
        m_store.trials.push_back(std::move(t));
        return;
    }
    case SetTrialParam: {
        OptunaTrial *t = updatable(doc, op, line);
        if (!t) return;
        const QString name = text(member(doc, op, u"param_name"_s));
        const auto value = number(member(doc, op, u"param_value_internal"_s));
        if (name.isEmpty() || !value) return bad(line, u"the parameter has no name or value"_s);
        OptunaParam p{name, *value, m_store.distribution(text(member(doc, op, u"distribution"_s)))};
        auto it = std::find_if(t->params.begin(), t->params.end(),
                               [&](const OptunaParam &q) { return q.name == name; });
        if (it != t->params.end())
            *it = std::move(p);
        else if (int(t->params.size()) < m_limits.flatten.maxKeys)
            t->params.push_back(std::move(p));
        return;
    }
    case SetTrialStateValues: {
        OptunaTrial *t = updatable(doc, op, line);
        if (!t) return;
        const auto s = state(member(doc, op, u"state"_s));
        if (!s) return bad(line, u"unknown trial state"_s);
        t->state = *s;
        if (const DocNode *v = member(doc, op, u"values"_s); v && v->kind == DocNode::Kind::Seq)
            t->values = values(doc, v);
        if (const QString start = text(member(doc, op, u"datetime_start"_s)); !start.isEmpty())
            t->start = start;
        if (const QString end = text(member(doc, op, u"datetime_complete"_s)); !end.isEmpty())
            t->complete = end;
        return;
    }
    case SetTrialIntermediateValue: {
        OptunaTrial *t = updatable(doc, op, line);
        if (!t) return;
        const auto step = number(member(doc, op, u"step"_s));
        const auto value = number(member(doc, op, u"intermediate_value"_s));
        if (!step) return bad(line, u"the intermediate value has no step"_s);
        // Reporting a step again replaces its value, as Optuna keeps one value per step.
        auto it = std::find_if(t->intermediate.begin(), t->intermediate.end(),
                               [&](const auto &p) { return p.first == *step; });
        const double v = value.value_or(NAN);
        if (it != t->intermediate.end())
            it->second = v;
        else
            t->intermediate.emplace_back(*step, v);
        return;
    }
    case SetTrialUserAttr: {
        if (OptunaTrial *t = updatable(doc, op, line))
            setUserAttrs(*t, doc, member(doc, op, u"user_attr"_s));
        return;
    }
    case SetStudyUserAttr:
    case SetTrialSystemAttr:
        return;
    default:
        if (!m_unknownOps.contains(QString::number(*code)))
            m_unknownOps << QString::number(*code);
    }
}

} // namespace

OptunaStore readOptunaJournal(QIODevice &in, const QString &file, const ReadLimits &limits) {
    OptunaStore store;
    Replay replay(store, file, limits);
    // Lines are cut from 1 MiB chunks (QIODevice::readLine with a bound would reserve the bound
    // for every line); a line longer than kMaxLine is skipped up to its line break.
    QByteArray buffer;
    qsizetype pos = 0;
    bool skipping = false; // inside a line too long to keep
    int lineNo = 0;
    const auto replayLine = [&](QByteArrayView line) {
        ++lineNo;
        if (line.trimmed().isEmpty()) return;
        Doc doc;
        RunRecord scratch;
        // A line the parser had to repair or cut (a syntax error, the object left open) is
        // not replayed: half an operation is worse than none.
        if (!parseJson(line.toByteArray(), doc, scratch, file, limits.parse) || doc.truncated ||
            !scratch.issues.empty()) {
            replay.bad(lineNo, u"the line is not a JSON object"_s);
            return;
        }
        const DocNode *top = doc.rootNode();
        if (!top || top->kind != DocNode::Kind::Map)
            return replay.bad(lineNo, u"the line is not a JSON object"_s);
        replay.apply(doc, *top, lineNo);
    };
    for (;;) {
        const qsizetype nl = buffer.indexOf('\n', pos);
        if (nl >= 0) {
            if (skipping) {
                ++lineNo;
                replay.bad(lineNo, u"the line is longer than %1 bytes"_s.arg(kMaxLine));
                skipping = false;
            } else {
                replayLine(QByteArrayView(buffer).sliced(pos, nl - pos));
            }
            pos = nl + 1;
            continue;
        }
        if (buffer.size() - pos > kMaxLine) {
            skipping = true;
            pos = buffer.size();
        }
        buffer.remove(0, pos);
        pos = 0;
        const QByteArray chunk = in.read(1 << 20);
        if (chunk.isEmpty()) break;
        if (!skipping) buffer += chunk;
        else if (const qsizetype end = chunk.indexOf('\n'); end >= 0) buffer = chunk.sliced(end);
    }
    if (!skipping && !buffer.trimmed().isEmpty())
        store.issues.push_back(
            Issue{Issue::Severity::Note, file, lineNo + 1, 0,
                  u"the last line is unfinished (a write in progress); it is left out"_s});
    replay.finish();
    return store;
}

} // namespace runlens
