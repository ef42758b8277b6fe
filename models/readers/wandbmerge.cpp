#include "wandbmerge.h"

#include "run/flatten.h"

#include <QHash>

#include <array>
#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// A run's entries by family and key, kept up to date while entries are added.
class EntryIndex {
public:
    explicit EntryIndex(const RunRecord &run) {
        for (std::size_t i = 0; i < run.entries.size(); ++i)
            add(run.entries[i].family, run.entries[i].key, int(i));
    }
    int find(Family f, const Key &k) const { return m_index[std::size_t(f)].value(k, -1); }
    void add(Family f, const Key &k, int i) { m_index[std::size_t(f)].insert(k, i); }

private:
    std::array<QHash<Key, int>, 3> m_index;
};

/// Whether the files and the log say the same. Numbers compare with room for float rounding
/// (writers print the same float32 with different digits); lists and objects are not compared,
/// since the two writers order and spell their members differently.
bool sameValue(const Value &a, const Value &b) {
    if (a.isNumber() && b.isNumber()) {
        const double x = a.toDouble(), y = b.toDouble();
        if ((std::isnan(x) && std::isnan(y)) || x == y) return true;
        return std::isfinite(x) && std::isfinite(y) &&
               std::abs(x - y) <= 1e-9 * std::max(std::abs(x), std::abs(y));
    }
    const auto whole = [](const Value &v) {
        return v.type() == Value::Type::List || v.type() == Value::Type::Object;
    };
    if (whole(a) || whole(b)) return true;
    return a == b;
}

struct Disagreement {
    QString key;
    QString file;
    QString log;
};

/// Adds the entries of `from` that `run` lacks; collects the ones both have that differ.
void fill(RunRecord &run, EntryIndex &index, RunRecord &from, QList<Disagreement> *differ) {
    for (Entry &e : from.entries) {
        if (const int i = index.find(e.family, e.key); i >= 0) {
            const Value &mine = run.entries[std::size_t(i)].value;
            if (differ && !sameValue(mine, e.value))
                differ->append({e.key.display(), mine.displayText(), e.value.displayText()});
            continue;
        }
        index.add(e.family, e.key, int(run.entries.size()));
        run.entries.push_back(std::move(e));
    }
    for (Issue &i : from.issues)
        run.addIssue(i.severity, i.file, i.line, i.column, i.message);
}

/// One note naming the values a file and the log disagree on (the first five, with both).
/// `what` says what of the log the file was compared with.
void noteDisagreements(RunRecord &run, const QString &file, const QString &what,
                       const QList<Disagreement> &differ) {
    if (differ.isEmpty()) return;
    QStringList shown;
    for (qsizetype i = 0; i < std::min<qsizetype>(differ.size(), 5); ++i)
        shown << u"%1 (file %2, log %3)"_s.arg(differ[i].key, differ[i].file, differ[i].log);
    if (differ.size() > 5) shown << u"and %1 more"_s.arg(differ.size() - 5);
    run.addIssue(Issue::Severity::Note, file, 0, 0,
                 u"this file and %1 disagree on %2 value(s): %3; the file's values are "
                 u"shown"_s.arg(what, QString::number(differ.size()), shown.join(u", "_s)));
}

/// The log's RunRecord facts the files lack, named as the files name them (`host`, `git.*`)
/// or under `wandb.` (as `wandb.sweep` and `wandb.cli_version` are).
void addFacts(const WandbLogRun &facts, RunRecord &run, EntryIndex &index) {
    const auto meta = [&](const QStringList &key, Value v) {
        const Key k(key);
        if (index.find(Family::Meta, k) >= 0) return;
        index.add(Family::Meta, k, int(run.entries.size()));
        run.add(Family::Meta, k, std::move(v));
    };
    const auto text = [&](const QStringList &key, const QString &s) {
        if (!s.isEmpty()) meta(key, Value::string(s));
    };
    text({u"wandb"_s, u"entity"_s}, facts.entity);
    text({u"wandb"_s, u"project"_s}, facts.project);
    text({u"wandb"_s, u"group"_s}, facts.group);
    text({u"wandb"_s, u"job_type"_s}, facts.jobType);
    text({u"wandb"_s, u"notes"_s}, facts.notes);
    if (!facts.tags.isEmpty()) {
        QStringList quoted;
        for (const QString &t : facts.tags)
            quoted << jsonQuote(t);
        meta({u"wandb"_s, u"tags"_s}, Value::list(u'[' + quoted.join(u", "_s) + u']'));
    }
    text({u"wandb"_s, u"sweep"_s}, facts.sweepId);
    text({u"host"_s}, facts.host);
    text({u"git"_s, u"remote"_s}, facts.gitRemote);
    text({u"git"_s, u"commit"_s}, facts.gitCommit);
    if (facts.resumed) meta({u"wandb"_s, u"resumed"_s}, Value::boolean(true));
    if (facts.startingStep != 0)
        meta({u"wandb"_s, u"starting_step"_s}, Value::integer(facts.startingStep));
    if (run.name.isEmpty()) run.name = facts.displayName;
    if (run.startMs < 0) run.startMs = facts.startMs;
}

void addHistory(const std::vector<WandbHistory::Series> &series, RunRecord &run,
                EntryIndex &index) {
    for (const WandbHistory::Series &s : series) {
        const int metric = index.find(Family::Metric, s.key);
        RunRecord scratch;
        s.history.addTo(scratch, s.key,
                        metric >= 0 ? run.entries[std::size_t(metric)].value : Value());
        for (Entry &e : scratch.entries) {
            if (index.find(e.family, e.key) >= 0) continue; // the summary's value stays
            index.add(e.family, e.key, int(run.entries.size()));
            run.entries.push_back(std::move(e));
        }
    }
}

} // namespace

void flattenWandbSummary(const Doc &doc, const DocNode &top, Flattener &flattener, RunRecord &run,
                         const QString &path) {
    for (const auto &[key, child] : top.members) {
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
}

void addWandbHistory(const std::vector<WandbHistory::Series> &series, RunRecord &run) {
    EntryIndex index(run);
    addHistory(series, run, index);
}

bool mergeWandbLog(const WandbLog &log, const QString &logPath, const WandbFilesState &files,
                   const ReadLimits &limits, RunRecord &run) {
    for (const Issue &i : log.issues)
        run.addIssue(i.severity, i.file, i.line, i.column, i.message);
    EntryIndex index(run);
    // The log's own flattener: keys both hold count once against the limit in the files'.
    Flattener flattener(limits.flatten);

    // Config: the values are the bare JSON values (not config.yaml's {value: ...} wrappers, as
    // the corpus shows wherever both exist); `_wandb` is W&B's own, not config.
    if (const DocNode *top = log.config.rootNode(); top && top->kind == DocNode::Kind::Map) {
        RunRecord config;
        for (const auto &[key, child] : top->members)
            if (key != u"_wandb")
                flattener.flatten(log.config, child, Key({key}), Family::Config, {}, config,
                                  logPath);
        QList<Disagreement> differ;
        fill(run, index, config, &differ);
        noteDisagreements(run, files.configPath, u"the config in the run's .wandb log"_s, differ);
    }

    if (const DocNode *top = log.summary.rootNode(); top && top->kind == DocNode::Kind::Map) {
        RunRecord summary;
        flattenWandbSummary(log.summary, *top, flattener, summary, logPath);
        if (run.durationSec < 0) run.durationSec = summary.durationSec;
        // Without summary records the log's summary is its last history values: a file that
        // differs from them is newer than the log (whose last rows were never written: the
        // Python SDK updates the file as it goes) or holds a summary the script set itself.
        QList<Disagreement> differ;
        fill(run, index, summary, &differ);
        noteDisagreements(run, files.summaryPath,
                          log.summaryFromHistory
                              ? u"the last history values in the run's .wandb log (which lacks "
                                u"the last rows, or the script set the summary itself)"_s
                              : u"the summary in the run's .wandb log"_s,
                          differ);
    }
    if (files.logHistory) addHistory(log.history, run, index);

    if (log.run) addFacts(*log.run, run, index);

    if (log.exit) {
        run.status = log.exit->code == 0 ? RunStatus::Finished : RunStatus::Crashed;
        if (run.durationSec < 0 && log.exit->runtimeSec > 0) run.durationSec = log.exit->runtimeSec;
        if (index.find(Family::Meta, Key({u"wandb"_s, u"exit_code"_s})) < 0)
            run.add(Family::Meta, Key({u"wandb"_s, u"exit_code"_s}),
                    Value::integer(log.exit->code));
        return true;
    }
    if (log.isLog) {
        // No exit record: a log (or summary) that ends mid-write is a run still writing, as
        // elsewhere in this reader; one that ends cleanly stopped without finishing.
        if (log.cutShort || files.summaryCutShort) {
            run.status = RunStatus::Running;
        } else {
            run.status = RunStatus::Crashed;
            run.addIssue(Issue::Severity::Note, logPath, 0, 0,
                         u"the log ends without an exit record: the run was killed or lost its "
                         u"process (or is still running and has not written its last records "
                         u"yet); shown as crashed"_s);
        }
        return true;
    }
    return false;
}

} // namespace runlens
