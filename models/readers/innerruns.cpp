#include "innerruns.h"
#include "readerregistry.h"
#include "scanner.h"

#include <QDir>
#include <QHash>
#include <QSet>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// The readers that may claim an inner run: all built-in ones, as the scanner asks them.
const ReaderRegistry &builtins() {
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    return registry;
}

/// A key's spelling for comparing configs of two tools: Lightning and MLflow nest with `/`.
QString comparable(const Key &k) {
    return k.segments().join(u'.').replace(u'/', u'.');
}

/// `k` below `prefix` (`wandb` + `loss` = `wandb.loss`).
Key prefixed(const QStringList &prefix, const Key &k) {
    return Key(prefix + k.segments());
}

/// Merges one inner run's record into the outer run (see InnerRuns::mergeInto()).
void merge(RunRecord &run, RunRecord &&inner, const QString &outerFormat,
           const QString &relativePath) {
    const auto slot = [](const Entry &e) {
        return QString::number(int(e.family)) + u':' + e.key.display();
    };
    QHash<QString, const Value *> config;
    QSet<QString> present;
    for (const Entry &e : run.entries) {
        if (e.family == Family::Config) config.insert(comparable(e.key), &e.value);
        present.insert(slot(e));
    }
    // A metric kept as `<format>.<key>` takes its history summaries (history.<s>.<key>) along:
    // beside the outer run's own `<key>` they would describe the wrong value.
    QSet<Key> moved;
    for (const Entry &e : inner.entries)
        if (e.family == Family::Metric && present.contains(slot(e))) moved.insert(e.key);
    if (!moved.isEmpty())
        for (Entry &e : inner.entries) {
            const QStringList &s = e.key.segments();
            if (e.family == Family::Meta && s.size() > 2 && s[0] == u"history" &&
                moved.contains(Key(s.mid(2))))
                e.key = Key(s.mid(0, 2) + QStringList{inner.format} + s.mid(2));
        }
    std::vector<Entry> added;
    for (Entry &e : inner.entries) {
        if (e.family == Family::Config) {
            // Trackers often hold the config resolved (paths, a run name): what differs is news.
            const Value *mine = config.value(comparable(e.key));
            if (mine && (*mine == e.value || mine->displayText() == e.value.displayText()))
                continue;
            e.family = Family::Meta;
            e.key = prefixed({inner.format, u"config"_s}, e.key);
        } else if (present.contains(slot(e))) {
            e.key = prefixed({inner.format}, e.key);
        }
        added.push_back(std::move(e));
    }
    config.clear(); // points into run.entries, which grows now
    for (Entry &e : added)
        run.entries.push_back(std::move(e));
    run.add(Family::Meta, Key({outerFormat, u"tracker"_s}), Value::string(inner.format));
    run.add(Family::Meta, Key({outerFormat, u"tracker_run"_s}), Value::string(relativePath));
    if (inner.status != RunStatus::Unknown) run.status = inner.status;
    if (inner.startMs >= 0) run.startMs = inner.startMs;
    if (inner.durationSec >= 0) run.durationSec = inner.durationSec;
    if (!inner.name.isEmpty() && inner.name != inner.id) run.name = inner.name;
    for (const Issue &i : inner.issues)
        run.addIssue(i.severity, i.file, i.line, i.column, i.message);
    run.unlistedIssues += inner.unlistedIssues;
}

} // namespace

InnerRuns InnerRuns::find(const RunCandidate &outer, const QStringList &folders,
                          const QStringList &skipFormats) {
    InnerRuns out;
    out.folder = outer.path;
    QHash<QString, std::size_t> byIdentity;
    for (const QString &name : folders) {
        if (!outer.dirs.contains(name)) continue;
        ScanResult scan = scanFolders({outer.path + u'/' + name}, builtins(), {}, {}, true);
        out.notes.insert(scan.notes);
        for (const auto &stamp : scan.stamps)
            out.listed << stamp.first;
        for (RunCandidate &c : scan.runs) {
            const QString format = c.reader->format();
            // Files that may hold many runs (a stray `*.log` may be an Optuna journal) are no
            // tracker run of the folder's.
            if (skipFormats.contains(format) || c.isFile) continue;
            // One run in several folders (a `latest-run` copy, a resumed W&B run): the most
            // recent folder, as the loader keeps it.
            const RunIdentity identity = c.reader->identify(c);
            const QString key = format + u'\n' + identity.id;
            c.identity = identity;
            if (identity.id.isEmpty()) {
                out.runs.push_back(std::move(c));
            } else if (const auto it = byIdentity.constFind(key); it == byIdentity.constEnd()) {
                byIdentity.insert(key, out.runs.size());
                out.runs.push_back(std::move(c));
            } else if (identity.recency > out.runs[*it].identity->recency) {
                out.runs[*it] = std::move(c);
            }
        }
    }
    return out;
}

std::optional<QStringList> InnerRuns::inputFiles() const {
    QStringList files = listed;
    for (const RunCandidate &c : runs) {
        const std::optional<QStringList> inner = c.reader->inputFiles(c);
        if (!inner) return std::nullopt;
        files << *inner;
    }
    return files;
}

QString InnerRuns::cacheContext() const {
    // A new run is no change to any input file of the others: the list itself counts.
    QString context;
    for (const RunCandidate &c : runs)
        context += c.path + u'\n' +
                   c.reader->cacheContext(c, c.identity.value_or(RunIdentity{}), notes) + u'\n';
    return context;
}

namespace {

/// Whether a run read later replaces the best so far: unknown starts count as older; ties go
/// to the later folder in scan order (W&B folder names sort by time).
bool replacesBest(const RunRecord &later, const RunRecord &best) {
    return !(later.startMs < best.startMs);
}

} // namespace

void InnerRuns::mergeInto(RunRecord &run, const QString &outerFormat,
                          const ReadLimits &limits) const {
    if (runs.empty()) return;
    const QDir dir(folder);
    std::optional<RunRecord> best;
    QStringList others;
    QString bestPath;
    for (const RunCandidate &c : runs) {
        RunRecord r = c.reader->read(c, notes, limits);
        if (best && !replacesBest(r, *best)) {
            others << dir.relativeFilePath(c.path);
            continue;
        }
        if (best) others << bestPath;
        best = std::move(r);
        bestPath = dir.relativeFilePath(c.path);
    }
    if (!others.isEmpty())
        run.addIssue(
            Issue::Severity::Note, folder, 0, 0,
            u"this folder holds %1 tracker runs; the most recent, %2, gives the metrics (not shown: %3)"_s
                .arg(runs.size())
                .arg(bestPath, others.join(u", "_s)));
    merge(run, std::move(*best), outerFormat, bestPath);
}

const RunCandidate *InnerRuns::merged(const ReadLimits &limits) const {
    if (runs.size() <= 1) return runs.empty() ? nullptr : &runs.front();
    const RunCandidate *bestRun = nullptr;
    std::optional<RunRecord> best;
    for (const RunCandidate &c : runs) {
        RunRecord r = c.reader->read(c, notes, limits);
        if (best && !replacesBest(r, *best)) continue;
        best = std::move(r);
        bestRun = &c;
    }
    return bestRun;
}

std::vector<HistoryPoint> InnerRuns::readHistory(const Key &metric, const QSet<Key> &outerMetrics,
                                                 const ReadLimits &limits) const {
    if (outerMetrics.contains(metric)) return {}; // the outer run's own value, no history
    const RunCandidate *run = merged(limits);
    if (!run) return {};
    const QStringList &segments = metric.segments();
    Key key = metric;
    if (segments.size() > 1 && segments.front() == run->reader->format() &&
        outerMetrics.contains(Key(segments.mid(1))))
        key = Key(segments.mid(1)); // merge() moved it below the tracker's format
    return run->reader->readHistory(run->path, key, limits);
}

} // namespace runlens
