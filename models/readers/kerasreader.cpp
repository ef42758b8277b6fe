#include "kerasreader.h"
#include "csvhistory.h"
#include "genericreader.h"
#include "runid.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

QStringList historyFiles(const QStringList &files) {
    QStringList out;
    for (const QString &f : files)
        if (KerasReader::isHistoryName(f)) out << f;
    return out;
}

/// Whether the file's first line is a CSVLogger header (`epoch` first, then a separator). Says
/// why not in `why`.
bool hasKerasHeader(const QString &path, QString &why) {
    QFile f(path);
    if (!QFileInfo(path).isFile() || !f.open(QIODevice::ReadOnly)) {
        why = u"cannot open: %1"_s.arg(f.errorString());
        return false;
    }
    QByteArray line = f.readLine(64 * 1024);
    if (line.startsWith("\xEF\xBB\xBF")) line.remove(0, 3);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    for (const QByteArray &epoch : {QByteArray("epoch"), QByteArray("\"epoch\"")}) {
        if (!line.startsWith(epoch)) continue;
        if (line.size() == epoch.size() || QByteArray(",;\t").contains(line[epoch.size()]))
            return true;
    }
    why = line.isEmpty() ? u"it is empty"_s
                         : u"its first line '%1' does not start with the column 'epoch'"_s.arg(
                               QString::fromUtf8(line.left(60)));
    return false;
}

/// Reads one CSVLogger history; `prefix` goes in front of its keys when the folder holds
/// several. Returns whether it held any row.
bool readHistoryFile(const QString &path, const QStringList &prefix, const ReadLimits &limits,
                     RunRecord &run) {
    QString why;
    if (!hasKerasHeader(path, why)) {
        run.addIssue(Issue::Severity::Note, path, 1, 0,
                     u"not read as a Keras CSVLogger history: %1"_s.arg(why));
        return false;
    }
    CsvHistoryOptions options;
    options.stepColumn = u"epoch"_s;
    options.missingWords = {u"NA"_s};
    options.maxBytes = limits.maxJsonBytes;
    const std::optional<CsvHistory> csv = readCsvHistory(path, options, run);
    if (!csv) return false;
    if (csv->cutShort) run.status = RunStatus::Running;
    if (csv->rows == 0) {
        run.addIssue(Issue::Severity::Warning, path, 0, 0,
                     u"holds only its header, no epochs: nothing was logged yet"_s);
        return false;
    }
    for (const CsvColumn &column : csv->columns) {
        if (column.name.isEmpty()) continue;
        const Key key(prefix + QStringList{column.name});
        if (column.name == u"epoch") {
            if (const Value last = column.lastValue(); !last.isMissing())
                run.add(Family::Meta, key, last);
            continue;
        }
        addCsvMetric(column, key, run, path);
    }
    return true;
}

} // namespace

bool KerasReader::isHistoryName(const QString &name) {
    // training.log (the Keras documentation's example), training_log.csv, history.csv,
    // resnet_history.csv, train-history.csv, ...
    static const QRegularExpression re(
        u"^(?:training\\.log|(?:.*[_-])?(?:train(?:ing)?[_-]?(?:log|history)|history)\\.csv)$"_s);
    return re.match(name).hasMatch();
}

QString KerasReader::format() const {
    return u"keras"_s;
}

bool KerasReader::detect(const DirListing &dir) const {
    for (const QString &f : dir.files)
        if (isHistoryName(f)) return true;
    return false;
}

std::optional<QStringList> KerasReader::inputFiles(const RunCandidate &candidate) const {
    QStringList paths;
    for (const QString &name : historyFiles(candidate.files))
        paths << candidate.path + u'/' + name;
    for (const QStringList *names : {&GenericReader::configFiles(), &GenericReader::metricFiles()})
        for (const QString &name : *names)
            if (candidate.files.contains(name)) paths << candidate.path + u'/' + name;
    return paths;
}

std::vector<HistoryPoint> KerasReader::readHistory(const QString &runPath, const Key &metric,
                                                   const ReadLimits &limits) const {
    // The folder's files as the scanner lists them (regular files, hidden ones too, sorted).
    const QStringList histories = historyFiles(
        QDir(runPath).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name));
    const QStringList &segments = metric.segments();
    QString file, column;
    if (histories.size() == 1 && segments.size() == 1) {
        file = histories.front();
        column = segments[0];
    } else if (histories.size() > 1 && segments.size() == 2) {
        for (const QString &name : histories)
            if (QFileInfo(name).completeBaseName() == segments[0]) file = name;
        column = segments[1];
    }
    if (file.isEmpty() || column == u"epoch") return {};
    const QString path = QDir(runPath).filePath(file);
    QString why;
    if (!hasKerasHeader(path, why)) return {}; // read() does not read it either
    CsvHistoryOptions options;
    options.stepColumn = u"epoch"_s;
    options.missingWords = {u"NA"_s};
    options.maxBytes = limits.maxJsonBytes;
    return readCsvPoints(path, options, column);
}

RunRecord KerasReader::read(const RunCandidate &candidate, const ScanNotes &,
                            const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.id = fallbackRunId(candidate);
    run.name = QFileInfo(candidate.path).fileName();
    const QDir dir(candidate.path);
    Flattener flattener(limits.flatten);

    GenericReader::readConfigFiles(candidate, limits, flattener, run);
    bool metrics = false;
    const QStringList histories = historyFiles(candidate.files);
    for (const QString &name : histories) {
        const QStringList prefix =
            histories.size() > 1 ? QStringList{QFileInfo(name).completeBaseName()} : QStringList{};
        metrics = readHistoryFile(dir.filePath(name), prefix, limits, run) || metrics;
    }
    metrics = GenericReader::readMetricFiles(candidate, limits, flattener, run, false) || metrics;
    if (!metrics)
        run.addIssue(Issue::Severity::Warning, candidate.path, 0, 0, u"no metrics could be read"_s);
    return run;
}

} // namespace runlens
