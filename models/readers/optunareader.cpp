#include "optunareader.h"
#include "mlflowreader.h"
#include "optunadb.h"
#include "optunajournal.h"

#include <QFile>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// The store a file holds: a journal by its first bytes, else an SQLite store by its tables.
std::optional<OptunaStore> readStore(const QString &file, const ReadLimits &limits) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    if (looksLikeOptunaJournal(f.peek(64))) return readOptunaJournal(f, file, limits);
    f.close();
    return readOptunaDatabase(file, limits);
}

} // namespace

QString OptunaReader::format() const {
    return u"optuna"_s;
}

RunRecord OptunaReader::read(const RunCandidate &candidate, const ScanNotes &,
                             const ReadLimits &) const {
    // Never asked: detect() claims no folder. Should a registry ever hand one over, say so.
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.addIssue(Issue::Severity::Error, candidate.path, 0, 0,
                 u"Optuna keeps trials in files, not folders"_s);
    return run;
}

QStringList OptunaReader::runFiles(const DirListing &dir) const {
    QStringList out = sqliteFileNames(dir);
    for (const QString &f : dir.files)
        if (f.endsWith(u".log"_s) || f.endsWith(u".jsonl"_s) || f.endsWith(u".journal"_s))
            out << f;
    return out;
}

std::vector<RunRecord> OptunaReader::readFile(const RunCandidate &candidate,
                                              const ReadLimits &limits) const {
    const std::optional<OptunaStore> store = readStore(candidate.path, limits);
    std::vector<RunRecord> runs;
    if (!store) return runs;
    runs.reserve(store->trials.size());
    for (const OptunaTrial &t : store->trials)
        runs.push_back(optunaTrialRun(*store, t, candidate.path, limits));
    if (runs.empty() && !store->issues.empty()) {
        // A store that held no trial but went wrong still shows up, with what went wrong.
        RunRecord r;
        r.format = format();
        r.id = r.name = r.path = candidate.path;
        for (const Issue &i : store->issues)
            r.addIssue(i.severity, i.file, i.line, i.column, i.message);
        runs.push_back(std::move(r));
    }
    return runs;
}

std::vector<HistoryPoint> OptunaReader::readHistory(const QString &runPath, const Key &metric,
                                                    const ReadLimits &limits) const {
    if (metric != Key({u"intermediate_value"_s})) return {};
    const auto inFile = splitRunInFilePath(runPath);
    if (!inFile) return {};
    bool ok = false;
    const int id = inFile->second.toInt(&ok);
    if (!ok) return {};
    const std::optional<OptunaStore> store = readStore(inFile->first, limits);
    if (!store) return {};
    std::vector<HistoryPoint> points;
    for (const OptunaTrial &t : store->trials) {
        if (t.id != id) continue;
        for (const auto &[step, value] : t.intermediate)
            points.push_back(HistoryPoint{step, value});
    }
    return points;
}

} // namespace runlens
