#include "lightningreader.h"
#include "csvhistory.h"
#include "runid.h"
#include "textfile.h"
#include "tfeventsrun.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QString kHparams = u"hparams.yaml"_s;
const QString kMetrics = u"metrics.csv"_s;

/// The folder names Lightning's loggers give versions: `version_<N>`.
const QRegularExpression &versionDirPattern() {
    static const QRegularExpression re(u"^version_\\d+$"_s);
    return re;
}

/// yaml-cpp 0.7 rejects a block scalar with a tag or an anchor as a sequence item when its
/// lines are indented less than three columns past the dash (jbeder/yaml-cpp#1163), which is
/// how PyYAML writes `- !!binary |` in hparams.yaml. Indenting those lines two more spaces
/// keeps the text (a block scalar's indentation is not part of it) and every line number.
QByteArray indentTaggedBlockScalars(const QByteArray &bytes) {
    if (!bytes.contains("- !") && !bytes.contains("- &")) return bytes;
    static const QRegularExpression item(u"^( *)- +(?:[!&][^ ]* +)+[|>][-+0-9]*\\s*(?:#.*)?$"_s);
    const QList<QByteArray> lines = bytes.split('\n');
    QByteArray out;
    out.reserve(bytes.size() + 256);
    int blockIndent = -1; // the dash's column while inside such a block scalar
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        qsizetype indent = 0;
        while (indent < line.size() && line[indent] == ' ')
            ++indent;
        const bool blank = line.trimmed().isEmpty();
        if (blockIndent >= 0 && !blank && indent <= blockIndent) blockIndent = -1;
        if (blockIndent >= 0 && !blank) out += "  ";
        out += line;
        if (i + 1 < lines.size()) out += '\n';
        if (blockIndent < 0 && !blank && line[indent] == '-')
            if (const auto m = item.match(QString::fromUtf8(line)); m.hasMatch())
                blockIndent = int(m.capturedLength(1));
    }
    return out;
}

/// A numpy scalar as PyYAML dumps it, `!!python/object/apply:numpy.core.multiarray.scalar
/// [<dtype>, !!binary <bytes>]`, arrives without its tag as the list `[{args: [f8, false,
/// true], state: [3, <, ...]}, "<base64>"]`. Its value, or missing when the node is not one.
Value numpyScalar(const Doc &doc, const DocNode &n) {
    if (n.kind != DocNode::Kind::Seq || n.items.size() != 2) return {};
    const DocNode &dtype = doc.node(n.items[0]);
    const DocNode &data = doc.node(n.items[1]);
    const DocNode *args = doc.member(dtype, u"args"_s);
    const DocNode *state = doc.member(dtype, u"state"_s);
    if (dtype.kind != DocNode::Kind::Map || !args || !state || args->kind != DocNode::Kind::Seq ||
        args->items.size() != 3 || state->kind != DocNode::Kind::Seq || state->items.size() < 2 ||
        data.value.type() != Value::Type::String)
        return {};
    static const QRegularExpression code(u"^([fiub])(1|2|4|8)$"_s);
    const auto m = code.match(doc.node(args->items[0]).value.rawText());
    const QString order = doc.node(state->items[1]).value.rawText();
    if (!m.hasMatch() || !(order == u"<" || order == u">" || order == u"|" || order == u"="))
        return {};
    const auto decoded =
        QByteArray::fromBase64Encoding(data.value.rawText().simplified().remove(u' ').toLatin1(),
                                       QByteArray::AbortOnBase64DecodingErrors);
    const int size = m.captured(2).toInt();
    if (!decoded || decoded.decoded.size() != size) return {};
    QByteArray raw = decoded.decoded;
    if (order == u">") std::reverse(raw.begin(), raw.end()); // big-endian: read it backwards
    const QChar kind = m.captured(1)[0];
    quint64 u = 0;
    for (int i = size - 1; i >= 0; --i)
        u = (u << 8) | quint8(raw[i]);
    if (kind == u'b') return Value::boolean(u != 0);
    if (kind == u'f') {
        if (size == 8) return Value::real(std::bit_cast<double>(u));
        if (size == 4) return Value::real(double(std::bit_cast<float>(quint32(u))));
        return {};
    }
    if (kind == u'u')
        return u > quint64(std::numeric_limits<qint64>::max()) ? Value::real(double(u))
                                                               : Value::integer(qint64(u));
    const int shift = 64 - size * 8; // sign-extend
    return Value::integer(shift == 0 ? qint64(u) : (qint64(u << shift) >> shift));
}

/// Replaces every numpy scalar in the document by its value (aliases share nodes, so each is
/// visited once).
void decodeNumpyScalars(Doc &doc) {
    std::vector<bool> seen(doc.nodes.size(), false);
    std::vector<int> stack{doc.root};
    while (!stack.empty()) {
        const int i = stack.back();
        stack.pop_back();
        if (i < 0 || seen[std::size_t(i)]) continue;
        seen[std::size_t(i)] = true;
        DocNode &n = doc.nodes[std::size_t(i)];
        if (const Value v = numpyScalar(doc, n); !v.isMissing()) {
            n.kind = DocNode::Kind::Scalar;
            n.value = v;
            n.items.clear();
            continue;
        }
        for (const int item : n.items)
            stack.push_back(item);
        for (const auto &m : n.members)
            stack.push_back(m.second);
    }
}

/// hparams.yaml as the run's config.
void readHparams(const QString &path, const ReadLimits &limits, Flattener &flattener,
                 RunRecord &run) {
    const std::optional<QByteArray> bytes = readTextFile(path, limits.maxYamlBytes, run);
    if (!bytes) return;
    if (bytes->trimmed().isEmpty()) {
        run.addIssue(Issue::Severity::Warning, path, 0, 0, u"file is empty"_s);
        return;
    }
    Doc doc;
    if (!parseYaml(indentTaggedBlockScalars(*bytes), doc, run, path, limits.parse)) return;
    // An empty hparams.yaml is `{}`; a document holding only `null` is no config either.
    if (const DocNode *root = doc.rootNode();
        root && root->kind == DocNode::Kind::Scalar && root->value.type() == Value::Type::Null)
        return;
    decodeNumpyScalars(doc);
    const DocNode *top = topMapping(doc, run, path);
    if (!top) return;
    // Tagged nodes (`!!python/object:...`, `!!python/tuple`, `!!binary`) arrive as plain
    // mappings, lists and text: the YAML parser keeps their content and drops the tag.
    for (const auto &[key, child] : top->members)
        flattener.flatten(doc, child, Key({key}), Family::Config, {}, run, path);
}

/// Whether a metrics.csv column gives its metric a value (addCsvMetric() adds one).
bool givesMetric(const CsvColumn &column) {
    return !column.history.isEmpty() || column.textCells > 0;
}

/// metrics.csv: every column a metric with its history, `epoch` and `step` metadata. Returns
/// the metric keys it gave.
QSet<Key> readMetrics(const QString &path, const ReadLimits &limits, RunRecord &run) {
    CsvHistoryOptions options;
    options.stepColumn = u"step"_s;
    options.maxBytes = limits.maxJsonBytes;
    const std::optional<CsvHistory> csv = readCsvHistory(path, options, run);
    if (!csv) return {};
    if (csv->cutShort) run.status = RunStatus::Running;
    if (csv->rows == 0) {
        run.addIssue(Issue::Severity::Warning, path, 0, 0,
                     u"holds only its header, no rows: nothing was logged yet"_s);
        return {};
    }
    QSet<Key> metrics;
    for (const CsvColumn &column : csv->columns) {
        if (column.name.isEmpty()) continue;
        if (column.name == u"epoch" || column.name == u"step") {
            if (const Value last = column.lastValue(); !last.isMissing())
                run.add(Family::Meta, Key({column.name}), last);
            continue;
        }
        addCsvMetric(column, Key({column.name}), run, path);
        if (givesMetric(column)) metrics.insert(Key({column.name}));
    }
    return metrics;
}

/// Whether metrics.csv and the event files beside it logged different trainings. Lightning's
/// CSVLogger and TensorBoardLogger each number their versions on their own, so `version_N` of
/// one can be another training than `version_N` of the other (real folders are: the corpus's
/// CAMELS-CH). The first value of the metric both logged most often tells: the same training
/// logged the same number (float32 in the events, its text in the CSV; a learning rate the CSV
/// has as a Python float, hence the tolerance). Returns the evidence, or nothing when they agree
/// or share no metric.
QString differentTrainings(const TfEventsReader &events, const QSet<Key> &csvMetrics,
                           const QString &csvPath, const ReadLimits &limits) {
    const TfSeries *shared = nullptr;
    for (const TfSeries &s : events.series())
        if (s.tag != u"epoch" && csvMetrics.contains(Key({s.tag})) &&
            (!shared || s.history.count() > shared->history.count()))
            shared = &s;
    if (!shared) return {};
    CsvHistoryOptions options;
    options.stepColumn = u"step"_s;
    options.maxBytes = limits.maxJsonBytes;
    const std::vector<HistoryPoint> csv = readCsvPoints(csvPath, options, shared->tag);
    if (csv.empty()) return {};
    const HistoryPoint &a = csv.front();
    const HistoryPoint &b = shared->first;
    const bool sameValue =
        a.value == b.value || (std::isnan(a.value) && std::isnan(b.value)) ||
        std::abs(a.value - b.value) <= 1e-6 * std::max(std::abs(a.value), std::abs(b.value));
    if (a.step == b.step && sameValue) return {};
    return u"'%1' starts with %2 at step %3 in metrics.csv but with %4 at step %5 in the event files"_s
        .arg(shared->tag, Value::formatReal(a.value), Value::formatReal(a.step),
             Value::formatReal(b.value), Value::formatReal(b.step));
}

} // namespace

QString LightningReader::format() const {
    return u"lightning"_s;
}

bool LightningReader::detect(const DirListing &dir) const {
    const bool hparams = dir.hasFile(kHparams);
    const bool metrics = dir.hasFile(kMetrics);
    const bool events = std::any_of(dir.files.begin(), dir.files.end(),
                                    [](const QString &f) { return isEventFileName(f); });
    // A string version: hparams.yaml beside the CSVLogger's or the TensorBoardLogger's output.
    if (hparams && (metrics || events)) return true;
    return (hparams || metrics || events) && versionDirPattern().match(dir.name).hasMatch();
}

std::optional<QStringList> LightningReader::inputFiles(const RunCandidate &candidate) const {
    return QStringList{candidate.path + u'/' + kHparams, candidate.path + u'/' + kMetrics} +
           tfEventFiles(candidate.path, candidate.files, candidate.dirs) +
           tfEventFolders(candidate.path, candidate.dirs);
}

std::vector<HistoryPoint> LightningReader::readHistory(const QString &runPath, const Key &metric,
                                                       const ReadLimits &limits) const {
    // `epoch` and `step` are metadata, not metrics (readMetrics(), addTfEvents()).
    const QStringList &segments = metric.segments();
    if (segments.size() != 1 || segments[0] == u"epoch" || segments[0] == u"step") return {};
    // metrics.csv wins where it has the metric (read() leaves the events' series out then).
    CsvHistoryOptions options;
    options.stepColumn = u"step"_s;
    options.maxBytes = limits.maxJsonBytes;
    options.keepPointsOf = segments[0];
    RunRecord scratch;
    bool missing = false;
    if (std::optional<CsvHistory> csv =
            readCsvHistory(runPath + u'/' + kMetrics, options, scratch, &missing);
        csv && csv->rows > 0)
        for (auto it = csv->columns.rbegin(); it != csv->columns.rend(); ++it)
            if (it->name == segments[0] && givesMetric(*it)) return std::move(it->points);
    return readTfEventsHistory(runPath, segments[0], limits);
}

RunRecord LightningReader::read(const RunCandidate &candidate, const ScanNotes &,
                                const ReadLimits &limits) const {
    RunRecord run;
    run.format = format();
    run.path = candidate.path;
    run.id = fallbackRunId(candidate);
    const QFileInfo info(candidate.path);
    run.name = info.dir().dirName() + u'/' + info.fileName(); // <logger name>/version_<N>
    const QDir dir(candidate.path);
    Flattener flattener(limits.flatten);

    if (candidate.files.contains(kHparams))
        readHparams(dir.filePath(kHparams), limits, flattener, run);

    TfEventsMerge merge;
    if (candidate.files.contains(kMetrics))
        merge.metricsTaken = readMetrics(dir.filePath(kMetrics), limits, run);

    const QStringList events = tfEventFiles(candidate.path, candidate.files, candidate.dirs);
    if (!events.isEmpty()) {
        TfEventsReader reader(tfEventsOptions(limits));
        readTfEventFiles(reader, events, run);
        const QString apart =
            candidate.files.contains(kMetrics)
                ? differentTrainings(reader, merge.metricsTaken, dir.filePath(kMetrics), limits)
                : QString();
        if (apart.isEmpty()) {
            merge.epochAsMeta = true;
            merge.pythonStrings = true;
            addTfEvents(reader, run, flattener, merge, candidate.path, limits);
        } else {
            run.addIssue(
                Issue::Severity::Warning, candidate.path, 0, 0,
                u"metrics.csv and the TensorBoard event files hold different trainings (%1): Lightning's CSVLogger and TensorBoardLogger numbered their versions apart; the row shows metrics.csv, the event files are left out"_s
                    .arg(apart));
        }
    }

    // The earliest event file was opened when training started (fit, then test, each open one):
    // its name gives the host, and the start where no event gave a time.
    qint64 firstSec = -1;
    QString host;
    for (const QString &path : events) {
        const EventFileName name = parseEventFileName(QFileInfo(path).fileName());
        if (name.startSec >= 0 && (firstSec < 0 || name.startSec < firstSec)) {
            firstSec = name.startSec;
            host = name.host;
        }
    }
    if (run.startMs < 0 && firstSec >= 0) run.startMs = firstSec * 1000;
    if (!host.isEmpty()) run.add(Family::Meta, Key({u"host"_s}), Value::string(host));
    if (!candidate.files.contains(kMetrics) && events.isEmpty())
        run.addIssue(
            Issue::Severity::Note, candidate.path, 0, 0,
            u"no metrics.csv and no TensorBoard event files: no metrics were logged here"_s);
    return run;
}

} // namespace runlens
