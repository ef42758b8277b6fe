#pragma once

#include "history.h"
#include "tfhparams.h"

#include "run/run.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

class QIODevice;

namespace runlens {

/// Bounds and choices for reading event files.
struct TfEventsOptions {
    /// Records longer than this are checked and skipped unread (images, graphs); scalars and
    /// hparams are a few hundred bytes.
    qint64 maxRecordBytes = 64 * 1000 * 1000;
    /// Distinct tags kept (scalar or not); later new tags are left out with an issue.
    int maxTags = 20000;
    /// Nesting of hparams values (Struct, ListValue) and the values kept over all sessions.
    int maxDepth = 64;
    qsizetype maxHparamNodes = 200000;
    /// Curves read one metric: only this tag's scalars are decoded, each kept as a point.
    /// Empty: every scalar tag, summaries only (the table's read).
    QString onlyTag;
    /// Points kept at most with onlyTag (24 bytes each); later ones are left out.
    qsizetype maxPoints = 4'000'000;
    /// Leaves out PyTorch Lightning's placeholder `hp_metric` = -1 at step 0, which its
    /// TensorBoardLogger logs with the hyperparameters unless told not to (FORMATS.md 4.4).
    bool dropHpMetricPlaceholder = true;
};

/// One scalar tag's values over the event files read.
struct TfSeries {
    QString tag;
    MetricHistory history;
    std::vector<HistoryPoint> points; ///< with TfEventsOptions::onlyTag only
    HistoryPoint first;               ///< the first value logged
};

/// Decodes TensorBoard event files (FORMATS.md 7: TFRecord framing, `Event` protobufs read with
/// ProtoReader, no libprotobuf) record by record into what a run shows: every scalar tag's
/// history, and the hparams plugin's hyperparameters, descriptions and session end. Scalars
/// are `simple_value`s and 0-d numeric `tensor`s of the `scalars` plugin (or of no plugin); a
/// tag's plugin is remembered from the first event that names it, since writers attach the
/// metadata only there. Images, histograms, text, graphs are passed over silently. Several
/// files read one after the other merge (a run's files, in time order).
///
/// Problems become issues on the run passed to read(), at most one per kind and file, naming
/// the byte offset where known; whatever came before a problem is kept.
class TfEventsReader {
public:
    explicit TfEventsReader(TfEventsOptions options = {});
    ~TfEventsReader();
    TfEventsReader(const TfEventsReader &) = delete;
    TfEventsReader &operator=(const TfEventsReader &) = delete;

    /// Reads one event file from `device`, from its current position to its end. `file`
    /// names it in issues. Returns false when the file could not be read to its end cleanly
    /// (damage or a record still being written); what came before is kept.
    bool read(QIODevice &device, const QString &file, RunRecord &run);

    /// Scalar tags in the order they first appeared.
    const std::vector<TfSeries> &series() const { return m_series; }
    const TfHparams &hparams() const;

    int files() const { return m_files; }
    qint64 events() const { return m_events; }
    /// A file ended inside a record: its writer was still writing (or was killed mid-record).
    bool truncated() const { return m_truncated; }
    /// Earliest and latest Event.wall_time seen (seconds since the epoch); NaN when none.
    double firstWallTime() const { return m_firstWall; }
    double lastWallTime() const { return m_lastWall; }
    /// The largest Event.step of a scalar; -1 when none.
    qint64 lastStep() const { return m_lastStep; }

private:
    struct Tag;
    struct FileProblems;
    /// Decodes one record as an Event and the values of its summaries.
    void event(QByteArrayView record, FileProblems &problems);
    /// One Summary.Value: a scalar, hparams plugin data, or something passed over.
    void summaryValue(QByteArrayView bytes, qint64 step, double wall, FileProblems &problems);
    /// The tag's state, made on first sight; null past the tag cap.
    Tag *tagState(QByteArrayView tag, FileProblems &problems);
    /// Adds one value to the tag's series (and its point, for a curve).
    void scalar(Tag &tag, qint64 step, double wall, double value);
    /// One issue per kind of problem the file had.
    void report(const FileProblems &problems, const QString &file, RunRecord &run) const;

    TfEventsOptions m_options;
    std::vector<TfSeries> m_series;
    QHash<QString, int> m_seriesByName;
    QHash<QByteArray, Tag> m_tags;
    QByteArray m_lookup; ///< reused key for tag lookups, so a known tag costs no allocation
    std::unique_ptr<TfHparamsDecoder> m_hparams;
    int m_files = 0;
    qint64 m_events = 0;
    bool m_truncated = false;
    double m_firstWall = std::numeric_limits<double>::quiet_NaN();
    double m_lastWall = std::numeric_limits<double>::quiet_NaN();
    qint64 m_lastStep = -1;
};

} // namespace runlens
