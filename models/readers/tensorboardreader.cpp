#include "tensorboardreader.h"
#include "genericreader.h"
#include "runid.h"
#include "tfeventsrun.h"

#include <QFileInfo>

#include <algorithm>

namespace runlens {

using namespace Qt::StringLiterals;

QString TensorBoardReader::format() const {
    return u"tensorboard"_s;
}

bool TensorBoardReader::detect(const DirListing &dir) const {
    if (std::any_of(dir.files.begin(), dir.files.end(),
                    [](const QString &f) { return isEventFileName(f); }))
        return true;
    // Only add_hparams output below: the folder is still the run (one listing per subfolder
    // named like a timestamp, so other folders cost nothing).
    return hasAddHparamsEvents(dir.path, dir.dirs);
}

std::optional<QStringList> TensorBoardReader::inputFiles(const RunCandidate &candidate) const {
    QStringList paths = tfEventFiles(candidate.path, candidate.files, candidate.dirs) +
                        tfEventFolders(candidate.path, candidate.dirs);
    for (const QStringList *names : {&GenericReader::configFiles(), &GenericReader::metricFiles()})
        for (const QString &name : *names)
            if (candidate.files.contains(name)) paths << candidate.path + u'/' + name;
    return paths;
}

RunRecord TensorBoardReader::read(const RunCandidate &candidate, const ScanNotes &,
                                  const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.id = fallbackRunId(candidate);
    run.name = QFileInfo(candidate.path).fileName();
    Flattener flattener(limits.flatten);

    // A config file first: addTfEvents() leaves out the hparams it gives.
    GenericReader::readConfigFiles(candidate, limits, flattener, run);

    const QStringList files = tfEventFiles(candidate.path, candidate.files, candidate.dirs);
    TfEventsReader events(tfEventsOptions(limits));
    readTfEventFiles(events, files, run);
    addTfEvents(events, run, flattener, {}, candidate.path, limits);

    // A metrics file: its metrics, less those the event files hold with their history.
    RunRecord fromFiles;
    GenericReader::readMetricFiles(candidate, limits, flattener, fromFiles, false);
    QSet<Key> eventMetrics;
    for (const TfSeries &s : events.series())
        eventMetrics.insert(Key({s.tag}));
    QStringList dropped;
    for (Entry &e : fromFiles.entries) {
        if (e.family == Family::Metric && eventMetrics.contains(e.key)) {
            dropped << e.key.display();
            continue;
        }
        run.entries.push_back(std::move(e));
    }
    for (const Issue &i : fromFiles.issues)
        run.addIssue(i.severity, i.file, i.line, i.column, i.message);
    if (!dropped.isEmpty())
        run.addIssue(
            Issue::Severity::Note, candidate.path, 0, 0,
            u"%1 metric(s) are in both a metrics file and the event files (%2); the event files' values are shown, with their history"_s
                .arg(dropped.size())
                .arg(dropped.mid(0, 5).join(u", "_s)));

    // The earliest file names the host (the others may come from other processes).
    if (!files.isEmpty())
        if (const EventFileName name = parseEventFileName(QFileInfo(files.front()).fileName());
            !name.host.isEmpty())
            run.add(Family::Meta, Key({u"host"_s}), Value::string(name.host));
    if (files.isEmpty())
        run.addIssue(Issue::Severity::Warning, candidate.path, 0, 0,
                     u"no TensorBoard event files were found here any more"_s);
    else if (events.series().empty() && events.hparams().sessions == 0 && events.events() > 0)
        run.addIssue(
            Issue::Severity::Note, candidate.path, 0, 0,
            u"the event files hold no scalars and no hparams (only images, histograms, graphs or text, which RunLens does not show)"_s);
    return run;
}

std::vector<HistoryPoint> TensorBoardReader::readHistory(const QString &runPath, const Key &metric,
                                                         const ReadLimits &limits) const {
    if (metric.segments().size() != 1) return {};
    return readTfEventsHistory(runPath, metric.segments().front(), limits);
}

} // namespace runlens
