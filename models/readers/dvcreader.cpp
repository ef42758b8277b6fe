#include "dvcreader.h"
#include "csvhistory.h"
#include "dvcproject.h"
#include "history.h"
#include "runid.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QString kDvcYaml = u"dvc.yaml"_s;
const QString kDvcLock = u"dvc.lock"_s;
const QString kParams = u"params.yaml"_s;
const QString kMetrics = u"metrics.json"_s;
const QString kPlots = u"plots"_s;
constexpr int kMaxHistoryFiles = 5000;

bool isLiveName(const QString &name) {
    return name.startsWith(u"dvclive"_s, Qt::CaseInsensitive);
}

bool isLiveFolder(const DirListing &dir) {
    const bool named = isLiveName(dir.name);
    if (!named && !isLiveName(QFileInfo(dir.path).dir().dirName())) return false;
    return dir.hasFile(kMetrics) || dir.hasDir(kPlots) || (named && dir.hasFile(kParams));
}

bool isProjectFolder(const QString &path) {
    // A DVCLive folder holds a dvc.yaml of its own (DVCLive 3 writes one) but is no project.
    if (isLiveName(QFileInfo(path).fileName())) return false;
    const QDir d(path);
    return QFileInfo::exists(d.filePath(kDvcYaml)) || QFileInfo::exists(d.filePath(kDvcLock)) ||
           QFileInfo::exists(d.filePath(kParams));
}

/// Dotted form of a key, the way dvc.lock spells a parameter (`training.lr`).
QString dotted(const Key &key) {
    return key.segments().join(u'.');
}

/// Moves the issues a scratch record collected (flattening limits) to the run.
void takeIssues(RunRecord &run, RunRecord &scratch) {
    for (Issue &i : scratch.issues)
        run.addIssue(i.severity, i.file, i.line, i.column, i.message);
    scratch.issues.clear();
}

/// Which run a folder is, and the files of it and its project that read() reads.
struct Plan {
    QString live;          ///< the DVCLive folder, empty for a project run
    QString project;       ///< the DVC project folder, empty when none
    bool onlyLive = false; ///< the project's single DVCLive folder, directly inside it
    DvcYaml dvcYaml;
};

Plan makePlan(const RunCandidate &candidate, const ReadLimits &limits, RunRecord *run) {
    Plan plan;
    DirListing listing{candidate.path, QFileInfo(candidate.path).fileName(), candidate.files,
                       candidate.dirs};
    if (isLiveFolder(listing)) {
        plan.live = candidate.path;
        QDir up = QFileInfo(candidate.path).dir();
        if (isProjectFolder(up.path())) {
            plan.project = up.path();
            int lives = 0;
            for (const QString &d : up.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
                lives += isLiveName(d) ? 1 : 0;
            plan.onlyLive = lives == 1;
        } else if (isLiveName(up.dirName()) && up.cdUp() && isProjectFolder(up.path())) {
            plan.project = up.path();
        }
    } else {
        plan.project = candidate.path;
    }
    if (!plan.project.isEmpty())
        plan.dvcYaml = readDvcYaml(plan.project + u'/' + kDvcYaml, limits, run);
    return plan;
}

/// A metrics file of the project that the run shows: not inside a DVCLive folder (those are
/// runs of their own), unless it is the run's own.
bool projectMetricsFile(const Plan &plan, const QString &rel) {
    const QString first = rel.section(u'/', 0, 0);
    return !isLiveName(first) && (plan.live.isEmpty() || plan.onlyLive);
}

/// The history files of a DVCLive folder, sorted.
QStringList historyFiles(const QString &live, RunRecord *run) {
    QStringList files;
    const QString root = live + u"/plots/metrics"_s;
    QDirIterator it(root, {u"*.tsv"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        files << it.next();
        if (files.size() > kMaxHistoryFiles) {
            if (run)
                run->addIssue(Issue::Severity::Warning, root, 0, 0,
                              u"more than %1 metric histories; the rest are not read"_s.arg(
                                  kMaxHistoryFiles));
            files.removeLast();
            break;
        }
    }
    files.sort();
    return files;
}

/// The folders historyFiles() goes by: `plots/`, `plots/metrics/` and every folder below it.
QStringList historyFolders(const QString &live) {
    QStringList folders = {live + u"/plots"_s, live + u"/plots/metrics"_s};
    QDirIterator it(folders.last(), QDir::Dirs | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext() && folders.size() <= kMaxHistoryFiles)
        folders << it.next();
    return folders;
}

/// Values a run has of one family, by dotted key: several files can hold the same key.
using Seen = QHash<QString, Value>;

/// Adds `e` unless the run has a value of the same family and key already; a different value
/// of a later file is named in a note.
void addOnce(RunRecord &run, Seen &seen, Entry e, const QString &file = {}) {
    const QString key = dotted(e.key);
    if (const auto first = seen.constFind(key); first != seen.cend()) {
        if (!file.isEmpty() && !(*first == e.value))
            run.addIssue(
                Issue::Severity::Note, file, 0, 0,
                u"%1 is %2 here too; the value from the file read first (%3) is shown"_s.arg(
                    key, e.value.displayText(), first->displayText()));
        return;
    }
    seen.insert(key, e.value);
    run.entries.push_back(std::move(e));
}

/// A DVCLive folder's metrics: metrics.json (the latest value of each metric, nested by the
/// `/` in their names) with each metric's history from plots/metrics/<name>.tsv.
bool readLiveMetrics(const QString &live, const ReadLimits &limits, Flattener &flattener,
                     RunRecord &run, Seen &seen) {
    std::vector<std::pair<Key, CsvColumn>> histories;
    QHash<QString, std::size_t> byKey;
    const QString root = live + u"/plots/metrics/"_s;
    for (const QString &path : historyFiles(live, &run)) {
        CsvHistoryOptions options;
        options.stepColumn = u"step"_s;
        options.maxBytes = limits.maxJsonBytes;
        std::optional<CsvHistory> csv = readCsvHistory(path, options, run);
        if (!csv) continue;
        QString rel = path.mid(root.size());
        rel.chop(4); // .tsv
        const Key key(rel.split(u'/'));
        for (CsvColumn &column : csv->columns) {
            if (column.name == u"step" || column.name == u"timestamp" || column.name.isEmpty())
                continue;
            byKey.insert(dotted(key), histories.size());
            histories.emplace_back(key, std::move(column));
            break;
        }
    }
    bool any = false;
    const QString metricsPath = live + u'/' + kMetrics;
    Doc doc;
    if (loadDoc(metricsPath, false, limits, doc, run) == DocStatus::Ok) {
        if (const DocNode *top = topMapping(doc, run, metricsPath)) {
            any = true;
            RunRecord summary;
            for (const auto &[key, child] : top->members)
                flattener.flatten(doc, child, Key({key}),
                                  key == u"step" ? Family::Meta : Family::Metric, {}, summary,
                                  metricsPath);
            takeIssues(run, summary);
            for (Entry &e : summary.entries) {
                if (e.family == Family::Meta) {
                    run.entries.push_back(std::move(e));
                    continue;
                }
                const auto at = byKey.constFind(dotted(e.key));
                if (at == byKey.cend() || histories[*at].second.history.isEmpty() ||
                    seen.contains(dotted(e.key))) {
                    addOnce(run, seen, std::move(e));
                    continue;
                }
                seen.insert(dotted(e.key), e.value);
                histories[*at].second.history.addTo(run, e.key, e.value);
                byKey.erase(at);
            }
        }
    }
    // Metrics with a history but no summary value (metrics.json not written yet).
    for (const auto &[key, column] : histories) {
        if (!byKey.contains(dotted(key)) || seen.contains(dotted(key))) continue;
        seen.insert(dotted(key), column.lastValue());
        addCsvMetric(column, key, run, root + key.segments().join(u'/') + u".tsv"_s);
        any = true;
    }
    return any;
}

/// The value column of a DVCLive history: the first that is not `step` or `timestamp`.
QString valueColumn(const CsvHistory &csv) {
    for (const CsvColumn &column : csv.columns)
        if (column.name != u"step" && column.name != u"timestamp" && !column.name.isEmpty())
            return column.name;
    return {};
}

/// The value column named by a history's first line, without quoting rules: a guess that
/// livePoints() checks against the parsed header.
QString guessValueColumn(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QByteArray line = f.readLine(64 * 1024);
    if (line.startsWith("\xEF\xBB\xBF")) line.remove(0, 3);
    for (const QByteArray &cell : line.trimmed().split(line.contains('\t') ? '\t' : ',')) {
        const QString name = QString::fromUtf8(cell.trimmed());
        if (name != u"step" && name != u"timestamp" && !name.isEmpty()) return name;
    }
    return {};
}

/// One history's points, as readLiveMetrics() reads the file; nothing when it has no value
/// column (read() then takes no history from it). Times in seconds.
std::optional<std::vector<HistoryPoint>> livePoints(const QString &path, const ReadLimits &limits) {
    CsvHistoryOptions options;
    options.stepColumn = u"step"_s;
    options.timeColumn = u"timestamp"_s;
    options.maxBytes = limits.maxJsonBytes;
    options.keepPointsOf = guessValueColumn(path);
    for (int attempt = 0; attempt < 2; ++attempt) {
        RunRecord scratch;
        bool missing = false;
        std::optional<CsvHistory> csv = readCsvHistory(path, options, scratch, &missing);
        if (!csv) return std::nullopt;
        const QString value = valueColumn(*csv);
        if (value.isEmpty()) return std::nullopt;
        if (value != options.keepPointsOf) { // quoted or odd header: read again, by its name
            options.keepPointsOf = value;
            continue;
        }
        for (CsvColumn &column : csv->columns) {
            if (column.name != value) continue;
            for (HistoryPoint &p : column.points)
                p.time /= 1000.0; // DVCLive's timestamps are milliseconds
            return std::move(column.points);
        }
    }
    return std::nullopt;
}

/// Dotted keys of the metrics a summary file gives (a DVCLive metrics.json, whose `step` is
/// metadata, or a metrics file dvc.yaml names).
QSet<QString> summaryKeys(const QString &path, bool yaml, bool live, const ReadLimits &limits) {
    QSet<QString> keys;
    RunRecord scratch;
    Doc doc;
    if (loadDoc(path, yaml, limits, doc, scratch) != DocStatus::Ok) return keys;
    const DocNode *top = topMapping(doc, scratch, path);
    if (!top) return keys;
    Flattener flattener(limits.flatten);
    RunRecord flat;
    for (const auto &[key, child] : top->members)
        if (!live || key != u"step")
            flattener.flatten(doc, child, Key({key}), Family::Metric, {}, flat, path);
    for (const Entry &e : flat.entries)
        keys.insert(dotted(e.key));
    return keys;
}

/// Reads a project's params files into the config, checking them against dvc.lock. Returns
/// whether any config value was added.
bool readProjectParams(const Plan &plan, const DvcLock &lock, bool asConfig,
                       const ReadLimits &limits, Flattener &flattener, RunRecord &run, Seen &seen) {
    const QDir project(plan.project);
    QStringList files = {kParams};
    for (const QStringList *more : {&plan.dvcYaml.params, &lock.files})
        for (const QString &f : *more)
            if (!files.contains(f) && !isLiveName(f.section(u'/', 0, 0))) files << f;
    QHash<QString, QHash<QString, Value>> workspace; // file -> dotted key -> value
    bool any = false;
    for (const QString &file : files) {
        const QString path = project.filePath(file);
        const bool json = file.endsWith(u".json"_s);
        if (!json && !file.endsWith(u".yaml"_s) && !file.endsWith(u".yml"_s)) {
            if (QFileInfo::exists(path))
                run.addIssue(Issue::Severity::Note, path, 0, 0,
                             u"only YAML and JSON params files are read"_s);
            continue;
        }
        Doc doc;
        if (loadDoc(path, !json, limits, doc, run) != DocStatus::Ok) continue;
        const DocNode *top = topMapping(doc, run, path);
        if (!top) continue;
        RunRecord flat;
        for (const auto &[key, child] : top->members)
            flattener.flatten(doc, child, Key({key}), Family::Config, {}, flat, path);
        takeIssues(run, flat);
        QHash<QString, Value> &values = workspace[file];
        for (Entry &e : flat.entries) {
            values.insert(dotted(e.key), e.value);
            if (!asConfig) continue;
            any = true;
            addOnce(run, seen, std::move(e), path);
        }
    }
    // What changed since dvc.lock recorded the values a stage ran with.
    QStringList changes;
    for (const LockedParam &p : lock.params) {
        const auto file = workspace.constFind(p.file);
        if (file == workspace.cend()) continue;
        const auto now = file->constFind(dotted(p.key));
        if (now == file->cend())
            changes << u"%1 is no longer in %2 (dvc.lock: %3)"_s.arg(dotted(p.key), p.file,
                                                                     p.value.displayText());
        else if (!(*now == p.value))
            changes << u"%1 is %2 in %3 but %4 in dvc.lock (stage %5)"_s.arg(
                dotted(p.key), now->displayText(), p.file, p.value.displayText(), p.stage);
    }
    if (!changes.isEmpty()) {
        QString text = changes.mid(0, 5).join(u"; "_s);
        if (changes.size() > 5) text += u"; and %1 more"_s.arg(changes.size() - 5);
        run.addIssue(Issue::Severity::Warning, project.filePath(kDvcLock), 0, 0,
                     u"params changed since the last dvc repro: "_s + text);
    }
    // No params.yaml: the values dvc.lock recorded are the best record of the config.
    if (asConfig && !workspace.contains(kParams)) {
        bool fromLock = false;
        for (const LockedParam &p : lock.params)
            if (p.file == kParams) {
                fromLock = true;
                addOnce(run, seen, Entry{Family::Config, p.key, p.value, {}});
            }
        if (fromLock) {
            any = true;
            run.addIssue(Issue::Severity::Note, project.filePath(kParams), 0, 0,
                         u"no params.yaml: the config is the values dvc.lock recorded"_s);
        }
    }
    return any;
}

/// Reads one metrics file named in dvc.yaml (JSON or YAML); a folder with DVCLive's plots
/// beside it is read as DVCLive writes it.
bool readMetricsFile(const QString &project, const QString &rel, const ReadLimits &limits,
                     Flattener &flattener, RunRecord &run, Seen &seen) {
    const QString path = project + u'/' + rel;
    const QFileInfo info(path);
    if (!info.exists()) {
        run.addIssue(Issue::Severity::Warning, path, 0, 0,
                     u"named as metrics in dvc.yaml but missing (not produced, or not pulled)"_s);
        return false;
    }
    const QString suffix = info.suffix().toLower();
    if (suffix != u"json" && suffix != u"yaml" && suffix != u"yml") {
        run.addIssue(Issue::Severity::Note, path, 0, 0,
                     u"only JSON and YAML metrics files are read (not %1)"_s.arg(suffix));
        return false;
    }
    if (info.fileName() == kMetrics && QFileInfo(info.path() + u"/plots/metrics"_s).isDir())
        return readLiveMetrics(info.path(), limits, flattener, run, seen);
    Doc doc;
    if (loadDoc(path, suffix != u"json", limits, doc, run) != DocStatus::Ok) return false;
    const DocNode *top = topMapping(doc, run, path);
    if (!top) return false;
    RunRecord flat;
    for (const auto &[key, child] : top->members)
        flattener.flatten(doc, child, Key({key}), Family::Metric, {}, flat, path);
    takeIssues(run, flat);
    for (Entry &e : flat.entries)
        addOnce(run, seen, std::move(e), path);
    return true;
}

} // namespace

QString DvcReader::format() const {
    return u"dvc"_s;
}

bool DvcReader::detect(const DirListing &dir) const {
    if (isLiveFolder(dir)) return true;
    if (!dir.hasFile(kDvcYaml) && !dir.hasFile(kDvcLock)) return false;
    // A project with DVCLive folders shows them as its runs.
    return std::none_of(dir.dirs.begin(), dir.dirs.end(), isLiveName);
}

bool DvcReader::descendIntoRuns(const DirListing &dir) const {
    if (!isLiveFolder(dir)) return true; // a project: other tools' runs may lie inside
    return std::any_of(dir.dirs.begin(), dir.dirs.end(),
                       [](const QString &d) { return d != u"plots" && d != u"artifacts"; });
}

std::optional<QStringList> DvcReader::inputFiles(const RunCandidate &candidate) const {
    const Plan plan = makePlan(candidate, ReadLimits{}, nullptr);
    QStringList files;
    if (!plan.live.isEmpty()) {
        files << plan.live + u'/' + kMetrics << plan.live + u'/' + kParams;
        files << historyFiles(plan.live, nullptr) << historyFolders(plan.live);
        // Where makePlan() looks for the project (present or not: one may appear).
        QDir up = QFileInfo(plan.live).dir();
        for (int level = 0; level < 2; ++level) {
            for (const QString &marker : {kDvcYaml, kDvcLock, kParams})
                files << up.filePath(marker);
            if (!isLiveName(up.dirName()) || !up.cdUp()) break;
        }
    }
    if (!plan.project.isEmpty()) {
        const QString p = plan.project + u'/';
        files << plan.project; // its DVCLive folders (makePlan() counts them)
        files << p + kDvcYaml << p + kDvcLock << p + kParams;
        for (const QString &f : plan.dvcYaml.params)
            files << p + f;
        RunRecord scratch;
        for (const QString &f : readDvcLock(p + kDvcLock, ReadLimits{}, &scratch, nullptr).files)
            if (!plan.dvcYaml.params.contains(f) && f != kParams) files << p + f;
        for (const QString &f : plan.dvcYaml.metrics) {
            if (!projectMetricsFile(plan, f)) continue;
            files << p + f;
            const QString dir = QFileInfo(p + f).path();
            if (QFileInfo(f).fileName() == kMetrics)
                files << historyFiles(dir, nullptr) << historyFolders(dir);
        }
    }
    return files;
}

QString DvcReader::cacheContext(const RunCandidate &candidate, const RunIdentity &,
                                const ScanNotes &) const {
    // read() also depends on whether this is its project's only DVCLive folder.
    const Plan plan = makePlan(candidate, ReadLimits{}, nullptr);
    return plan.project + u'\n' + (plan.onlyLive ? u"1"_s : u"0"_s);
}

std::vector<HistoryPoint> DvcReader::readHistory(const QString &runPath, const Key &metric,
                                                 const ReadLimits &limits) const {
    if (metric.segments().isEmpty()) return {};
    const QDir dir(runPath);
    RunCandidate candidate;
    candidate.path = runPath;
    candidate.files = dir.entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    candidate.dirs = dir.entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    const Plan plan = makePlan(candidate, limits, nullptr);
    const QString want = dotted(metric);

    // The sources of metrics in read()'s order; the first that has the metric gave its value.
    struct Source {
        QString path; ///< a DVCLive folder, or a plain metrics file
        bool live = false;
    };
    std::vector<Source> sources;
    if (!plan.live.isEmpty()) sources.push_back({plan.live, true});
    for (const QString &rel : plan.dvcYaml.metrics) {
        if (!projectMetricsFile(plan, rel)) continue;
        const QFileInfo info(plan.project + u'/' + rel);
        const QString suffix = info.suffix().toLower();
        if (!info.exists() || (suffix != u"json" && suffix != u"yaml" && suffix != u"yml"))
            continue;
        if (info.fileName() == kMetrics && QFileInfo(info.path() + u"/plots/metrics"_s).isDir())
            sources.push_back({info.path(), true});
        else
            sources.push_back({info.filePath(), false});
    }
    for (const Source &source : sources) {
        if (!source.live) {
            const bool yaml = !source.path.endsWith(u".json"_s, Qt::CaseInsensitive);
            if (summaryKeys(source.path, yaml, false, limits).contains(want)) return {};
            continue;
        }
        // The file of the key's own spelling; else one whose key has the same dotted form
        // (read() matches metrics.json's keys to files so), the last in sorted order.
        const QString root = source.path + u"/plots/metrics/"_s;
        const QString exact = root + metric.segments().join(u'/') + u".tsv"_s;
        QStringList files = historyFiles(source.path, nullptr);
        if (files.contains(exact)) files = QStringList{exact};
        for (auto it = files.crbegin(); it != files.crend(); ++it) {
            QString rel = it->mid(root.size());
            rel.chop(4); // .tsv
            if (dotted(Key(rel.split(u'/'))) != want) continue;
            if (std::optional<std::vector<HistoryPoint>> points = livePoints(*it, limits))
                return std::move(*points); // empty: no numeric value, the table shows text
        }
        if (summaryKeys(source.path + u'/' + kMetrics, false, true, limits).contains(want))
            return {};
    }
    return {};
}

RunRecord DvcReader::read(const RunCandidate &candidate, const ScanNotes &,
                          const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.id = fallbackRunId(candidate);
    const Plan plan = makePlan(candidate, limits, &run);
    Flattener flattener(limits.flatten);
    Seen config, metrics;

    // Config: DVCLive's own params.yaml (what the run logged), else the project's params.
    bool haveConfig = false;
    if (!plan.live.isEmpty()) {
        const QString path = plan.live + u'/' + kParams;
        Doc doc;
        if (loadDoc(path, true, limits, doc, run) == DocStatus::Ok)
            if (const DocNode *top = topMapping(doc, run, path)) {
                haveConfig = true;
                // dvc.api.params_show() spells a key found in several params files
                // `<file>:<key>`; logged back by DVCLive, it is the key itself.
                static const QRegularExpression fileKey(u"^[^:]+\\.(?:ya?ml|json|toml|py):(.+)$"_s);
                bool unwrapped = false;
                for (const auto &[key, child] : top->members) {
                    const auto m = fileKey.match(key);
                    unwrapped = unwrapped || m.hasMatch();
                    RunRecord flat;
                    flattener.flatten(doc, child, Key({m.hasMatch() ? m.captured(1) : key}),
                                      Family::Config, {}, flat, path);
                    takeIssues(run, flat);
                    for (Entry &e : flat.entries)
                        addOnce(run, config, std::move(e));
                }
                if (unwrapped)
                    run.addIssue(Issue::Severity::Note, path, 0, 0,
                                 u"keys spelled <file>:<key> (dvc.api.params_show's form) are "
                                 u"shown as <key>, the first file's value kept"_s);
            }
    }
    DvcLock lock;
    if (!plan.project.isEmpty()) {
        lock = readDvcLock(plan.project + u'/' + kDvcLock, limits, &run, &flattener);
        haveConfig = readProjectParams(plan, lock, !haveConfig, limits, flattener, run, config) ||
                     haveConfig;
    }
    if (!haveConfig)
        run.addIssue(Issue::Severity::Warning, candidate.path, 0, 0,
                     u"no params.yaml could be read: the run's config is not known"_s);

    // Metrics: the DVCLive folder's, and the project's metrics files dvc.yaml names.
    bool haveMetrics = false;
    QStringList metricPaths; // relative to the project, for the status below
    if (!plan.live.isEmpty()) {
        haveMetrics = readLiveMetrics(plan.live, limits, flattener, run, metrics);
        if (!plan.project.isEmpty()) metricPaths << QDir(plan.project).relativeFilePath(plan.live);
    }
    for (const QString &rel : plan.dvcYaml.metrics) {
        if (!projectMetricsFile(plan, rel)) continue;
        if (readMetricsFile(plan.project, rel, limits, flattener, run, metrics)) {
            haveMetrics = true;
            metricPaths << rel;
        }
    }
    if (!haveMetrics && plan.live.isEmpty() && plan.dvcYaml.metrics.isEmpty())
        run.addIssue(Issue::Severity::Note, candidate.path, 0, 0,
                     u"dvc.yaml names no metrics files"_s);
    else if (!haveMetrics)
        run.addIssue(Issue::Severity::Warning, candidate.path, 0, 0, u"no metrics could be read"_s);

    // DVC keeps no status: a run is finished when dvc.lock records its metrics as an output of
    // a stage that completed.
    QString stage;
    for (const QString &m : metricPaths)
        for (auto it = lock.outStage.cbegin(); it != lock.outStage.cend() && stage.isEmpty(); ++it)
            if (m == it.key() || m.startsWith(it.key() + u'/') || it.key().startsWith(m + u'/'))
                stage = it.value();
    if (!stage.isEmpty()) run.status = RunStatus::Finished;
    if (stage.isEmpty() && plan.dvcYaml.stages.size() == 1) stage = plan.dvcYaml.stages.front();
    if (!stage.isEmpty()) {
        run.add(Family::Meta, Key({u"dvc"_s, u"stage"_s}), Value::string(stage));
        if (const QString cmd = plan.dvcYaml.cmd.value(stage); !cmd.isEmpty())
            run.add(Family::Meta, Key({u"dvc"_s, u"cmd"_s}), Value::string(cmd));
    }

    const QString projectName =
        plan.project.isEmpty() ? QString() : QFileInfo(plan.project).fileName();
    if (plan.live.isEmpty()) {
        run.name = projectName;
    } else {
        const QString base =
            plan.project.isEmpty() ? QFileInfo(plan.live).dir().path() : plan.project;
        run.name = QFileInfo(base).fileName() + u'/' + QDir(base).relativeFilePath(plan.live);
        if (!plan.project.isEmpty())
            run.add(Family::Meta, Key({u"dvc"_s, u"project"_s}), Value::string(projectName));
    }
    return run;
}

} // namespace runlens
