#include "optunatrial.h"
#include "docparser.h"
#include "timeparse.h"

#include <QFileInfo>

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

QString optunaStateName(OptunaState s) {
    switch (s) {
    case OptunaState::Running:
        return u"RUNNING"_s;
    case OptunaState::Complete:
        return u"COMPLETE"_s;
    case OptunaState::Pruned:
        return u"PRUNED"_s;
    case OptunaState::Fail:
        return u"FAIL"_s;
    case OptunaState::Waiting:
        return u"WAITING"_s;
    }
    return {};
}

std::optional<OptunaState> optunaStateFromName(const QString &name) {
    for (int i = 0; i <= 4; ++i)
        if (optunaStateName(OptunaState(i)) == name) return OptunaState(i);
    return std::nullopt;
}

namespace {

RunStatus statusOf(OptunaState s) {
    switch (s) {
    case OptunaState::Complete:
    case OptunaState::Pruned: // stopped early on purpose: it ended as it should
        return RunStatus::Finished;
    case OptunaState::Running:
    case OptunaState::Waiting:
        return RunStatus::Running;
    case OptunaState::Fail:
        return RunStatus::Crashed;
    }
    return RunStatus::Unknown;
}

/// A parameter's value from its internal representation, through its distribution: the
/// choice a categorical index names, an integer for int distributions, else the float.
Value paramValue(const OptunaParam &p, const OptunaStore &store, RunRecord &run,
                 const QString &file) {
    const auto fallback = [&](const QString &why) {
        run.addIssue(Issue::Severity::Warning, file, 0, 0,
                     u"trial parameter %1: %2; shown as stored"_s.arg(p.name, why));
        return Value::real(p.internal);
    };
    if (p.distribution < 0 || std::size_t(p.distribution) >= store.distributions.size())
        return fallback(u"it has no distribution"_s);
    const OptunaDistribution &d = store.distributions[std::size_t(p.distribution)];
    const QString &kind = d.kind;
    if (kind == u"CategoricalDistribution") {
        if (!d.hasChoices) return fallback(u"its categorical distribution lists no choices"_s);
        const double index = p.internal;
        if (!(index >= 0) || index != std::floor(index) || index >= double(d.choices.size()))
            return fallback(u"choice index %1 is not one of the %2 choices"_s.arg(index).arg(
                d.choices.size()));
        const Value &choice = d.choices[std::size_t(index)];
        if (choice.isMissing()) return fallback(u"a choice is a container"_s);
        return choice;
    }
    if (kind == u"IntDistribution" || kind == u"IntUniformDistribution" ||
        kind == u"IntLogUniformDistribution") {
        if (std::isfinite(p.internal) && p.internal == std::floor(p.internal) &&
            std::abs(p.internal) < 9.0e15)
            return Value::integer(qint64(p.internal));
        return fallback(u"an int distribution holds %1"_s.arg(p.internal));
    }
    if (kind == u"FloatDistribution" || kind == u"UniformDistribution" ||
        kind == u"LogUniformDistribution" || kind == u"DiscreteUniformDistribution")
        return Value::real(p.internal);
    if (kind.isEmpty()) return fallback(u"its distribution is unreadable"_s);
    return fallback(u"unknown distribution %1"_s.arg(kind));
}

} // namespace

int OptunaStore::distribution(const QString &json) {
    if (const auto it = m_distributionIndex.constFind(json); it != m_distributionIndex.cend())
        return *it;
    OptunaDistribution d;
    Doc doc;
    RunRecord scratch; // an unreadable one is a warning on each parameter that uses it
    ParseLimits parse;
    parse.maxDepth = 8;
    const DocNode *top = parseJson(json.toUtf8(), doc, scratch, {}, parse) ? doc.rootNode() : nullptr;
    if (top && top->kind == DocNode::Kind::Map) {
        if (const DocNode *name = doc.member(*top, u"name"_s)) d.kind = name->value.displayText();
        const DocNode *attrs = doc.member(*top, u"attributes"_s);
        const DocNode *choices = attrs && attrs->kind == DocNode::Kind::Map
                                     ? doc.member(*attrs, u"choices"_s)
                                     : nullptr;
        if (choices && choices->kind == DocNode::Kind::Seq) {
            d.hasChoices = true;
            for (const int item : choices->items) {
                const DocNode &c = doc.node(item);
                d.choices.push_back(c.kind == DocNode::Kind::Scalar ? c.value : Value::missing());
            }
        }
    }
    const int index = int(distributions.size());
    distributions.push_back(std::move(d));
    m_distributionIndex.insert(json, index);
    return index;
}

RunRecord optunaTrialRun(const OptunaStore &store, const OptunaTrial &trial, const QString &file,
                         const ReadLimits &limits) {
    RunRecord run;
    run.format = u"optuna"_s;
    run.path = runInFilePath(file, QString::number(trial.id));
    const OptunaStudy *study =
        trial.study >= 0 && std::size_t(trial.study) < store.studies.size()
            ? &store.studies[std::size_t(trial.study)]
            : nullptr;
    const QString studyName = study ? study->name : u"?"_s;
    run.id = QFileInfo(file).fileName() + u':' + studyName + u'#' + QString::number(trial.number);
    run.name = studyName + u" #"_s + QString::number(trial.number);
    run.status = statusOf(trial.state);
    run.startMs = parseIsoTimeMs(trial.start);
    const qint64 end = parseIsoTimeMs(trial.complete);
    if (run.startMs >= 0 && end >= run.startMs) run.durationSec = double(end - run.startMs) / 1000.0;
    for (const Issue &i : store.issues)
        run.addIssue(i.severity, i.file, i.line, i.column, i.message);

    int keys = 0;
    for (const OptunaParam &p : trial.params) {
        if (++keys > limits.flatten.maxKeys) break;
        // Named as Hydra's Optuna sweeper names them (`optimizer.lr`): nested like the config.
        run.add(Family::Config, splitFlatKey(p.name), paramValue(p, store, run, file));
    }

    for (std::size_t k = 0; k < trial.values.size(); ++k) {
        QString name;
        if (study && k < std::size_t(study->metricNames.size())) name = study->metricNames[qsizetype(k)];
        if (name.isEmpty())
            name = trial.values.size() == 1 ? u"value"_s : u"values_%1"_s.arg(k);
        QString desc = u"objective of the Optuna study"_s;
        if (study && k < study->maximize.size())
            desc = withDirection(desc, study->maximize[k]);
        run.add(Family::Metric, Key({name}), Value::real(trial.values[k]), desc);
    }
    if (!trial.intermediate.empty()) {
        MetricHistory history;
        for (const auto &[step, value] : trial.intermediate)
            history.add(step, value);
        history.addTo(run, Key({u"intermediate_value"_s}));
    }

    const auto meta = [&run](const QString &k, Value v) {
        run.add(Family::Meta, Key({u"optuna"_s, k}), std::move(v));
    };
    meta(u"study"_s, Value::string(studyName));
    meta(u"trial"_s, Value::integer(trial.number));
    meta(u"state"_s, Value::string(optunaStateName(trial.state)));
    if (study && !study->maximize.empty()) {
        QStringList dirs;
        for (const bool m : study->maximize)
            dirs << (m ? u"maximize"_s : u"minimize"_s);
        meta(u"direction"_s, Value::string(dirs.join(u", "_s)));
    }
    if (study && study->deleted) meta(u"deleted"_s, Value::boolean(true));

    Flattener flattener(limits.flatten);
    for (const auto &[key, json] : trial.userAttrs) {
        if (++keys > limits.flatten.maxKeys) break;
        Doc doc;
        if (parseJson(json.toUtf8(), doc, run, file, limits.parse) && !doc.isEmpty())
            flattener.flatten(doc, doc.root, Key({u"user_attrs"_s, key}), Family::Meta, {}, run,
                              file);
    }
    if (keys > limits.flatten.maxKeys)
        run.addIssue(Issue::Severity::Error, file, 0, 0,
                     u"more than %1 params and attributes in this trial; the rest are left out"_s
                         .arg(limits.flatten.maxKeys));
    return run;
}

} // namespace runlens
