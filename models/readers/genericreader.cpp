#include "genericreader.h"
#include "runid.h"

#include <QDir>
#include <QFileInfo>

namespace runlens {

using namespace Qt::StringLiterals;

const QStringList &GenericReader::configFiles() {
    static const QStringList names = {u"config.yaml"_s, u"config.yml"_s, u"config.json"_s,
                                      u"params.yaml"_s, u"hparams.yaml"_s};
    return names;
}

const QStringList &GenericReader::metricFiles() {
    static const QStringList names = {u"metrics.json"_s, u"results.json"_s, u"summary.json"_s,
                                      u"eval_results.json"_s};
    return names;
}

QString GenericReader::format() const {
    return u"generic"_s;
}

bool GenericReader::detect(const DirListing &dir) const {
    for (const QString &f : metricFiles())
        if (dir.hasFile(f)) return true;
    if (!dir.dirs.isEmpty()) return false;
    for (const QString &f : configFiles())
        if (dir.hasFile(f)) return true;
    return false;
}

std::optional<QStringList> GenericReader::inputFiles(const RunCandidate &candidate) const {
    // read() reads the config and metric files the scanner listed, and nothing else.
    QStringList paths;
    for (const QStringList *names : {&configFiles(), &metricFiles()})
        for (const QString &name : *names)
            if (candidate.files.contains(name)) paths << candidate.path + u'/' + name;
    return paths;
}

RunRecord GenericReader::read(const RunCandidate &candidate, const ScanNotes &,
                              const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.id = fallbackRunId(candidate);
    run.name = QFileInfo(candidate.path).fileName();
    Flattener flattener(limits.flatten);
    readConfigFiles(candidate, limits, flattener, run);
    if (!readMetricFiles(candidate, limits, flattener, run, true))
        run.addIssue(Issue::Severity::Warning, candidate.path, 0, 0,
                     u"no metrics file could be read"_s);
    return run;
}

void GenericReader::readConfigFiles(const RunCandidate &candidate, const ReadLimits &limits,
                                    Flattener &flattener, RunRecord &run) {
    const QDir dir(candidate.path);
    for (const QString &name : configFiles()) {
        if (!candidate.files.contains(name)) continue;
        const QString path = dir.filePath(name);
        Doc doc;
        if (loadDoc(path, !name.endsWith(u".json"_s), limits, doc, run) != DocStatus::Ok) continue;
        if (const DocNode *top = topMapping(doc, run, path)) {
            const int internals = flattenConfig(doc, *top, flattener, run, path);
            if (internals >=
                0) // a W&B config copied into a plain folder: its internals are not config
                run.addIssue(Issue::Severity::Note, path, 0, 0,
                             u"the W&B internal key _wandb is not shown"_s);
        }
    }
}

bool GenericReader::readMetricFiles(const RunCandidate &candidate, const ReadLimits &limits,
                                    Flattener &flattener, RunRecord &run, bool setStatus) {
    const QDir dir(candidate.path);
    bool metrics = false;
    for (const QString &name : metricFiles()) {
        if (!candidate.files.contains(name)) continue;
        const QString path = dir.filePath(name);
        Doc doc;
        if (loadDoc(path, false, limits, doc, run) != DocStatus::Ok) continue;
        if (const DocNode *top = topMapping(doc, run, path)) {
            metrics = true;
            for (const auto &[key, child] : top->members)
                flattener.flatten(doc, child, Key({key}), Family::Metric, {}, run, path);
            // Only a cut-off file means "still running"; other warnings (a duplicate key) do not.
            if (setStatus) run.status = doc.truncated ? RunStatus::Running : RunStatus::Finished;
        }
    }
    return metrics;
}

} // namespace runlens
