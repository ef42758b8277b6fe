#include "tfevents.h"
#include "protowire.h"
#include "tfrecord.h"
#include "tftensor.h"

#include <QIODevice>

#include <algorithm>
#include <cstring>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// How often one kind of problem occurred in a file, and where first.
struct Problem {
    qint64 count = 0;
    qint64 firstOffset = 0;
    qint64 lastOffset = -1;
    QString detail; ///< what the first one was about (a tag, a dtype)

    void add(qint64 offset, const QString &what = {}) {
        if (count > 0 && offset == lastOffset) return; // one record counts once
        lastOffset = offset;
        if (count++ == 0) {
            firstOffset = offset;
            detail = what;
        }
    }
};

} // namespace

/// What the reader remembers of a tag over events and files: writers name its plugin only
/// with its first value.
struct TfEventsReader::Tag {
    QString name;
    QString plugin; ///< from the first metadata that names one
    int series = -1;
    bool hpMetric = false;
};

/// One file's problems, each kind reported as one issue when the file ends.
struct TfEventsReader::FileProblems {
    qint64 offset = 0;   ///< of the record being decoded
    Problem malformed;   ///< records or summaries that are not valid protobufs
    Problem badTensor;   ///< `scalars` tensors that are not 0-d numbers
    Problem badHparams;  ///< hparams plugin contents that are not valid
    Problem skipped;     ///< records over the size cap
    Problem tooManyTags; ///< values of tags past the cap
};

TfEventsReader::TfEventsReader(TfEventsOptions options)
    : m_options(std::move(options))
    , m_hparams(std::make_unique<TfHparamsDecoder>(m_options.maxDepth, m_options.maxHparamNodes)) {}

TfEventsReader::~TfEventsReader() = default;

const TfHparams &TfEventsReader::hparams() const {
    return m_hparams->hparams();
}

bool TfEventsReader::read(QIODevice &device, const QString &file, RunRecord &run) {
    ++m_files;
    FileProblems problems;
    TfRecordReader records(device, m_options.maxRecordBytes);
    TfRecordReader::Status status;
    while ((status = records.next()) == TfRecordReader::Status::Record ||
           status == TfRecordReader::Status::Skipped) {
        if (status == TfRecordReader::Status::Skipped) {
            problems.skipped.add(records.offset(), QString::number(records.length()));
            continue;
        }
        problems.offset = records.offset();
        event(records.record(), problems);
    }
    report(problems, file, run);

    using S = TfRecordReader::Status;
    const qint64 at = records.offset();
    const qint64 rest = device.isSequential() ? -1 : device.size() - at;
    const QString restText = rest >= 0 ? u" (%1 bytes)"_s.arg(rest) : QString();
    switch (status) {
    case S::End:
        if (at == 0)
            run.addIssue(Issue::Severity::Note, file, 0, 0,
                         u"the event file is empty: its writer has not written anything yet"_s);
        return true;
    case S::Truncated:
        m_truncated = true;
        run.addIssue(
            Issue::Severity::Warning, file, 0, 0,
            u"the event file ends inside the record at byte %1%2: the run is still being written, or its writer stopped mid-record; the %3 records before it are read"_s
                .arg(at)
                .arg(restText)
                .arg(records.records()));
        return false;
    case S::BadLengthCrc:
        if (at == 0) {
            run.addIssue(
                Issue::Severity::Error, file, 0, 0,
                u"not a TensorBoard event file: its first 12 bytes are no TFRecord header (the checksum of the length does not match)"_s);
            return false;
        }
        [[fallthrough]];
    case S::BadDataCrc:
        run.addIssue(
            Issue::Severity::Error, file, 0, 0,
            u"the record at byte %1 is damaged (the checksum of its %2 does not match); TFRecord has no marks to resume at, so the rest of the file%3 is not read, the %4 records before it are"_s
                .arg(at)
                .arg(status == S::BadDataCrc ? u"data"_s : u"length"_s, restText)
                .arg(records.records()));
        return false;
    case S::ReadError:
        run.addIssue(Issue::Severity::Error, file, 0, 0,
                     u"could not be read past byte %1: %2"_s.arg(at).arg(device.errorString()));
        return false;
    case S::Record:
    case S::Skipped:
        break;
    }
    return false;
}

void TfEventsReader::report(const FileProblems &p, const QString &file, RunRecord &run) const {
    if (p.malformed.count > 0)
        run.addIssue(
            Issue::Severity::Warning, file, 0, 0,
            u"%1 record(s) are not valid Event protobufs (the first at byte %2); what they hold is left out"_s
                .arg(p.malformed.count)
                .arg(p.malformed.firstOffset));
    if (p.badTensor.count > 0)
        run.addIssue(
            Issue::Severity::Warning, file, 0, 0,
            u"%1 record(s) hold scalar summaries that are not single numbers RunLens reads (the first: tag '%2' at byte %3); they are left out"_s
                .arg(p.badTensor.count)
                .arg(p.badTensor.detail)
                .arg(p.badTensor.firstOffset));
    if (p.badHparams.count > 0)
        run.addIssue(
            Issue::Severity::Warning, file, 0, 0,
            u"%1 hparams plugin record(s) are malformed (the first at byte %2); what could be decoded is kept"_s
                .arg(p.badHparams.count)
                .arg(p.badHparams.firstOffset));
    if (p.skipped.count > 0)
        run.addIssue(
            Issue::Severity::Note, file, 0, 0,
            u"%1 record(s) larger than %2 bytes (the first at byte %3, %4 bytes) are skipped unread"_s
                .arg(p.skipped.count)
                .arg(m_options.maxRecordBytes)
                .arg(p.skipped.firstOffset)
                .arg(p.skipped.detail));
    if (p.tooManyTags.count > 0)
        run.addIssue(
            Issue::Severity::Error, file, 0, 0,
            u"more than %1 distinct tags: the values of later tags in %2 record(s) are left out (the first at byte %3)"_s
                .arg(m_options.maxTags)
                .arg(p.tooManyTags.count)
                .arg(p.tooManyTags.firstOffset));
}

void TfEventsReader::event(QByteArrayView record, FileProblems &problems) {
    // Event { double wall_time = 1; int64 step = 2; oneof what { ...; Summary summary = 5; ... } }
    ProtoReader r(record);
    double wall = std::numeric_limits<double>::quiet_NaN();
    qint64 step = 0;
    QByteArrayView summaries[4];
    int summaryCount = 0;
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == ProtoReader::Fixed64) wall = r.fixedDouble();
        if (r.field() == 2 && r.wireType() == ProtoReader::Varint) step = r.int64();
        if (r.field() == 5 && r.wireType() == ProtoReader::Bytes && summaryCount < 4)
            summaries[summaryCount++] = r.bytes();
    }
    if (!r.ok()) {
        problems.malformed.add(problems.offset);
        return;
    }
    ++m_events;
    if (std::isfinite(wall) && wall > 0) {
        if (!(wall >= m_firstWall)) m_firstWall = wall; // NaN compares false: the first one
        if (!(wall <= m_lastWall)) m_lastWall = wall;
    } else {
        wall = std::numeric_limits<double>::quiet_NaN();
    }
    for (int i = 0; i < summaryCount; ++i) {
        // Summary { repeated Value value = 1; }
        ProtoReader s(summaries[i]);
        while (s.next())
            if (s.field() == 1 && s.wireType() == ProtoReader::Bytes)
                summaryValue(s.bytes(), step, wall, problems);
        if (!s.ok()) problems.malformed.add(problems.offset);
    }
}

TfEventsReader::Tag *TfEventsReader::tagState(QByteArrayView tag, FileProblems &problems) {
    m_lookup.resize(tag.size());
    if (!tag.isEmpty()) std::memcpy(m_lookup.data(), tag.data(), std::size_t(tag.size()));
    if (const auto it = m_tags.find(m_lookup); it != m_tags.end()) return &it.value();
    if (m_tags.size() >= m_options.maxTags) {
        problems.tooManyTags.add(problems.offset);
        return nullptr;
    }
    Tag t;
    t.name = QString::fromUtf8(tag);
    t.hpMetric = t.name == u"hp_metric";
    return &m_tags.insert(QByteArray(tag.data(), tag.size()), std::move(t)).value();
}

void TfEventsReader::summaryValue(QByteArrayView bytes, qint64 step, double wall,
                                  FileProblems &problems) {
    // Summary.Value { string tag = 1; SummaryMetadata metadata = 9; oneof value {
    // float simple_value = 2; ...; TensorProto tensor = 8; } }
    ProtoReader v(bytes);
    QByteArrayView tag, tensor, metadata;
    bool hasSimple = false, hasTensor = false, hasMetadata = false;
    float simple = 0;
    while (v.next()) {
        switch (v.field()) {
        case 1:
            tag = v.bytes();
            break;
        case 2:
            if (v.wireType() == ProtoReader::Fixed32) {
                simple = v.fixedFloat();
                hasSimple = true;
                hasTensor = false; // a oneof: the last one set counts
            }
            break;
        case 8:
            if (v.wireType() == ProtoReader::Bytes) {
                tensor = v.bytes();
                hasTensor = true;
                hasSimple = false;
            }
            break;
        case 9:
            if (v.wireType() == ProtoReader::Bytes) {
                metadata = v.bytes();
                hasMetadata = true;
            }
            break;
        default:
            break;
        }
    }
    if (!v.ok()) {
        problems.malformed.add(problems.offset);
        return;
    }
    Tag *t = tagState(tag, problems);
    if (!t) return;
    // A curve: one tag, by its name as the table shows it (two spellings of invalid UTF-8 may
    // read the same, and then share one series).
    if (!m_options.onlyTag.isEmpty() && t->name != m_options.onlyTag) return;
    QByteArrayView content;
    bool hparams = false;
    if (hasMetadata) {
        // SummaryMetadata { PluginData plugin_data = 1 (PluginData { string plugin_name = 1;
        // bytes content = 2; }); ... }
        ProtoReader m(metadata);
        QByteArrayView plugin;
        while (m.next()) {
            if (m.field() != 1 || m.wireType() != ProtoReader::Bytes) continue;
            ProtoReader data(m.bytes());
            while (data.next()) {
                if (data.field() == 1) plugin = data.bytes();
                if (data.field() == 2) content = data.bytes();
            }
            if (!data.ok()) problems.malformed.add(problems.offset);
        }
        if (!m.ok()) problems.malformed.add(problems.offset);
        if (!plugin.isEmpty()) {
            QString name = QString::fromUtf8(plugin);
            if (name != t->plugin) t->plugin = std::move(name);
        }
        hparams = plugin == QByteArrayView("hparams");
    }
    if (hparams) {
        // The hparams plugin's summaries hold no value: the data is the plugin content.
        if (m_options.onlyTag.isEmpty() && !m_hparams->add(content))
            problems.badHparams.add(problems.offset);
        return;
    }
    if (hasSimple) return scalar(*t, step, wall, double(simple));
    if (!hasTensor || !(t->plugin.isEmpty() || t->plugin == u"scalars")) return;
    const TfTensorScalar s = decodeTensorScalar(tensor);
    if (s.result == TfTensorScalar::Result::Value) return scalar(*t, step, wall, s.value);
    // Without the `scalars` plugin a tensor that is no number is some other summary.
    if (t->plugin.isEmpty() && s.result != TfTensorScalar::Result::Malformed) return;
    problems.badTensor.add(problems.offset, t->name.left(80));
}

void TfEventsReader::scalar(Tag &tag, qint64 step, double wall, double value) {
    if (tag.name.isEmpty()) return; // no key to show it under (as an unnamed CSV column)
    if (tag.hpMetric && m_options.dropHpMetricPlaceholder && step == 0 && value == -1.0) return;
    if (tag.series < 0) {
        const auto it = m_seriesByName.constFind(tag.name);
        tag.series = it != m_seriesByName.constEnd() ? *it : int(m_series.size());
        if (tag.series == int(m_series.size())) {
            m_seriesByName.insert(tag.name, tag.series);
            m_series.push_back(TfSeries{tag.name, {}, {}, {double(step), value, wall}});
        }
    }
    TfSeries &s = m_series[std::size_t(tag.series)];
    s.history.add(double(step), value);
    if (!m_options.onlyTag.isEmpty() && qsizetype(s.points.size()) < m_options.maxPoints)
        s.points.push_back(HistoryPoint{double(step), value, wall});
    m_lastStep = std::max(m_lastStep, step);
}

} // namespace runlens
