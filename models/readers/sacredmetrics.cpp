#include "sacredmetrics.h"
#include "history.h"
#include "scalars.h"
#include "textfile.h"
#include "timeparse.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>
#include <cstring>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// A logged value: the number, and where its text is in the file (length -1: not a number).
struct Point {
    double value = 0;
    qsizetype offset = 0;
    int length = -1;
};

/// One metric while its object is being read.
struct Series {
    QString name;
    qsizetype offset = 0; ///< where its object starts
    bool haveSteps = false;
    bool haveValues = false;
    std::vector<double> steps; ///< NaN where a step is not a number
    std::vector<Point> values;
    qsizetype notNumbers = 0;
    qsizetype firstNotNumber = -1; ///< its offset
    bool haveTimes = false;
    std::vector<double> times; ///< seconds since the epoch, NaN where unreadable (points only)
};

double toDouble(const char *s, std::size_t len, bool &ok) {
    double d = 0;
    const auto r = std::from_chars(s, s + len, d); // also NaN, Infinity, -Infinity
    ok = r.ec == std::errc() && r.ptr == s + len;
    if (!ok) {
        const Value v = parseNumber(std::string_view(s, len));
        ok = v.isNumber();
        d = v.toDouble();
    }
    return d;
}

/// Where the points of one metric go instead of the run (readSacredHistory()): only its series
/// is kept (the others are skipped as they are parsed), with its timestamps.
struct PointsWanted {
    QString name;
    std::vector<HistoryPoint> points;
};

/// RapidJSON events -> one Series at a time, added to the run as its object ends (or, with
/// `wanted`, the points of that metric only).
class MetricsHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, MetricsHandler> {
public:
    MetricsHandler(const QString &path, const QByteArray &bytes,
                   const rapidjson::StringStream &stream, RunRecord &run,
                   PointsWanted *wanted = nullptr)
        : m_path(path)
        , m_bytes(bytes)
        , m_stream(stream)
        , m_run(run)
        , m_wanted(wanted) {}

    bool Null() { return scalar(false, nullptr, 0); }
    bool Bool(bool) { return scalar(false, nullptr, 0); }
    bool String(const char *s, rapidjson::SizeType len, bool) {
        if (m_skip == 0 && !m_stack.empty() && m_stack.back() == Frame::Timestamps) {
            // Sacred writes datetime.utcnow().isoformat(): UTC without a zone.
            const qint64 ms = parseIsoTimeMs(QString::fromUtf8(s, qsizetype(len)));
            m_series.times.push_back(ms < 0 ? std::nan("") : double(ms) / 1000.0);
            return true;
        }
        return scalar(false, nullptr, 0);
    }
    bool RawNumber(const char *s, rapidjson::SizeType len, bool) { return scalar(true, s, len); }

    bool Key(const char *s, rapidjson::SizeType len, bool) {
        if (m_skip > 0 || m_stack.empty()) return true;
        const QByteArray key(s, qsizetype(len));
        switch (m_stack.back()) {
        case Frame::Top:
            m_key = QString::fromUtf8(key);
            break;
        case Frame::Metric:
            m_field = key == "steps"                    ? Field::Steps
                      : key == "values"                 ? Field::Values
                      : key == "timestamps" && m_wanted ? Field::Timestamps
                                                        : Field::Other;
            break;
        case Frame::Scalar:
            m_valueKey = key == "value";
            break;
        default:
            break;
        }
        return true;
    }

    bool StartObject() { return open(true); }
    bool StartArray() { return open(false); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool EndArray(rapidjson::SizeType) { return close(); }

    /// After the parse (or where it stopped): a metric cut off is added with what was read.
    void finish() {
        if (!m_stack.empty() && m_inSeries) addSeries(false);
    }

    QString notMapping; ///< what the top level was instead of a mapping, when it was not one

private:
    enum class Frame { Top, Metric, Steps, Values, Scalar, Timestamps };
    enum class Field { Steps, Values, Timestamps, Other };

    qsizetype offset() const { return qsizetype(m_stream.Tell()); }

    bool open(bool object) {
        if (m_skip > 0) {
            ++m_skip;
            return true;
        }
        if (m_stack.empty()) {
            if (!object) {
                notMapping = u"a list"_s;
                return false;
            }
            m_stack.push_back(Frame::Top);
            return true;
        }
        switch (m_stack.back()) {
        case Frame::Top:
            if (!object) {
                noValues(m_key, offset());
                m_skip = 1;
                return true;
            }
            if (m_wanted && m_key != m_wanted->name) { // not the metric asked for
                m_skip = 1;
                return true;
            }
            m_series = Series{};
            m_series.name = m_key;
            m_series.offset = offset();
            m_inSeries = true;
            m_stack.push_back(Frame::Metric);
            return true;
        case Frame::Metric:
            if (!object && m_field == Field::Timestamps) {
                m_series.haveTimes = true;
                m_stack.push_back(Frame::Timestamps);
                return true;
            }
            if (!object && m_field != Field::Other) {
                (m_field == Field::Steps ? m_series.haveSteps : m_series.haveValues) = true;
                m_stack.push_back(m_field == Field::Steps ? Frame::Steps : Frame::Values);
                return true;
            }
            break;
        case Frame::Values:
            if (object) { // a numpy scalar as jsonpickle writes it: {"py/object": ..., "value": x}
                m_captured = Point{};
                m_valueKey = false;
                m_stack.push_back(Frame::Scalar);
                return true;
            }
            notNumber();
            break;
        case Frame::Steps:
            m_series.steps.push_back(std::nan(""));
            break;
        case Frame::Timestamps:
            m_series.times.push_back(std::nan(""));
            break;
        case Frame::Scalar:
            break;
        }
        m_skip = 1;
        return true;
    }

    bool close() {
        if (m_skip > 0) {
            --m_skip;
            return true;
        }
        if (m_stack.empty()) return true;
        const Frame f = m_stack.back();
        m_stack.pop_back();
        if (f == Frame::Metric) addSeries(true);
        if (f == Frame::Scalar) {
            if (m_captured.length >= 0)
                m_series.values.push_back(m_captured);
            else
                notNumber();
        }
        return true;
    }

    bool scalar(bool number, const char *s, rapidjson::SizeType len) {
        if (m_skip > 0) return true;
        if (m_stack.empty()) {
            notMapping = number ? u"a single number"_s : u"a single value"_s;
            return false;
        }
        bool ok = false;
        const double d = number ? toDouble(s, len, ok) : 0.0;
        const Point p{d, textOffset(s, len), ok ? int(len) : -1};
        switch (m_stack.back()) {
        case Frame::Top:
            noValues(m_key, offset());
            break;
        case Frame::Steps:
            m_series.steps.push_back(ok ? d : std::nan(""));
            break;
        case Frame::Values:
            if (ok)
                m_series.values.push_back(p);
            else
                notNumber();
            break;
        case Frame::Scalar:
            if (m_valueKey && ok) m_captured = p;
            break;
        case Frame::Timestamps:
            m_series.times.push_back(std::nan(""));
            break;
        case Frame::Metric:
            break;
        }
        return true;
    }

    /// Where a number's text is in the file. RapidJSON reads a StringStream through a local
    /// copy and moves the original on only after the handler ran, so Tell() is the number's
    /// start; checked against the text in case a RapidJSON version does otherwise.
    qsizetype textOffset(const char *s, rapidjson::SizeType len) const {
        for (const qsizetype at : {offset(), offset() - qsizetype(len)})
            if (at >= 0 && at + qsizetype(len) <= m_bytes.size() &&
                (len == 0 || std::memcmp(m_bytes.constData() + at, s, len) == 0)) // s may be null
                return at;
        return -1;
    }

    void notNumber() {
        m_series.values.push_back(Point{});
        if (m_series.notNumbers++ == 0) m_series.firstNotNumber = offset();
    }

    void noValues(const QString &name, qsizetype at) {
        const auto [line, column] = lineColumnAt(m_bytes, at);
        m_run.addIssue(Issue::Severity::Warning, m_path, line, column,
                       u"metric '%1' has no list of values; not read"_s.arg(name));
    }

    /// Adds the series to the run; `complete`: its object ended (else the file was cut in it).
    void addSeries(bool complete) {
        m_inSeries = false;
        Series s = std::move(m_series);
        if (!s.haveValues) return noValues(s.name, s.offset);
        const std::size_t n = s.values.size();
        const bool mismatch = s.haveSteps && s.steps.size() != n;
        if (mismatch && complete) {
            const auto [line, column] = lineColumnAt(m_bytes, s.offset);
            m_run.addIssue(
                Issue::Severity::Warning, m_path, line, column,
                u"metric '%1' has %2 steps for %3 values; its values are taken in logged order"_s
                    .arg(s.name)
                    .arg(s.steps.size())
                    .arg(n));
        }
        const bool useSteps = s.haveSteps && (!mismatch || !complete);
        if (m_wanted) return addPoints(s, useSteps, complete);
        MetricHistory history;
        double lastStep = 0;
        const Point *last = nullptr;
        for (std::size_t i = 0; i < n; ++i) {
            const Point &p = s.values[i];
            if (p.length < 0) continue;
            double step = double(i);
            if (useSteps && i < s.steps.size() && !std::isnan(s.steps[i])) step = s.steps[i];
            if (history.isEmpty() || !(step < lastStep)) { // MetricHistory's rule, for the spelling
                lastStep = step;
                last = &p;
            }
            history.add(step, p.value);
        }
        const Value spelled = last && last->offset >= 0
                                  ? parseNumber(std::string_view(m_bytes.constData() + last->offset,
                                                                 std::size_t(last->length)))
                                  : Value{};
        history.addTo(m_run, runlens::Key({s.name}), spelled);
        if (s.notNumbers > 0) {
            const auto [line, column] = lineColumnAt(m_bytes, s.firstNotNumber);
            m_run.addIssue(Issue::Severity::Warning, m_path, line, column,
                           u"metric '%1': %2 value(s) are not numbers; left out"_s.arg(s.name).arg(
                               s.notNumbers));
        }
    }

    /// The series' numeric values as points, with the steps addSeries() gives them and the
    /// timestamps where there is one per value (or the file was cut in the series). A later
    /// series of the same name replaces an earlier one, as in the table.
    void addPoints(const Series &s, bool useSteps, bool complete) {
        const std::size_t n = s.values.size();
        const bool useTimes = s.haveTimes && (s.times.size() == n || !complete);
        std::vector<HistoryPoint> &out = m_wanted->points;
        out.clear();
        for (std::size_t i = 0; i < n; ++i) {
            const Point &p = s.values[i];
            if (p.length < 0) continue;
            HistoryPoint pt{double(i), p.value, std::nan("")};
            if (useSteps && i < s.steps.size() && !std::isnan(s.steps[i])) pt.step = s.steps[i];
            if (useTimes && i < s.times.size()) pt.time = s.times[i];
            out.push_back(pt);
        }
    }

    const QString &m_path;
    const QByteArray &m_bytes;
    const rapidjson::StringStream &m_stream;
    RunRecord &m_run;
    PointsWanted *m_wanted = nullptr;
    std::vector<Frame> m_stack;
    int m_skip = 0; ///< depth inside a value that is not read
    QString m_key;
    Field m_field = Field::Other;
    bool m_valueKey = false;
    Point m_captured;
    Series m_series;
    bool m_inSeries = false;
};

} // namespace

std::vector<HistoryPoint> readSacredHistory(const QString &path, const QString &name,
                                            const ReadLimits &limits) {
    RunRecord scratch; // the table's read reports the file's problems
    bool missing = false;
    const std::optional<QByteArray> bytes =
        readTextFile(path, limits.maxJsonBytes, scratch, &missing);
    if (!bytes || bytes->trimmed().isEmpty()) return {};
    rapidjson::StringStream stream(bytes->constData());
    PointsWanted wanted{name, {}};
    MetricsHandler handler(path, *bytes, stream, scratch, &wanted);
    rapidjson::Reader reader;
    constexpr unsigned flags = rapidjson::kParseNanAndInfFlag |
                               rapidjson::kParseNumbersAsStringsFlag |
                               rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
    reader.Parse<flags>(stream, handler);
    if (!handler.notMapping.isEmpty()) return {};
    handler.finish(); // a series cut off by the end of the file keeps its points
    return std::move(wanted.points);
}

bool readSacredMetrics(const QString &path, const ReadLimits &limits, RunRecord &run) {
    bool missing = false;
    const std::optional<QByteArray> bytes = readTextFile(path, limits.maxJsonBytes, run, &missing);
    if (!bytes) return false;
    if (bytes->trimmed().isEmpty()) {
        run.addIssue(Issue::Severity::Warning, path, 0, 0, u"file is empty"_s);
        return false;
    }
    rapidjson::StringStream stream(bytes->constData());
    MetricsHandler handler(path, *bytes, stream, run);
    rapidjson::Reader reader;
    constexpr unsigned flags = rapidjson::kParseNanAndInfFlag |
                               rapidjson::kParseNumbersAsStringsFlag |
                               rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
    const rapidjson::ParseResult result = reader.Parse<flags>(stream, handler);
    if (!handler.notMapping.isEmpty()) {
        run.addIssue(
            Issue::Severity::Error, path, 1, 1,
            u"the top level is %1, not a mapping of metrics; not read"_s.arg(handler.notMapping));
        return false;
    }
    handler.finish();
    if (result.IsError()) {
        const qsizetype at = qsizetype(result.Offset());
        const auto [line, column] = lineColumnAt(*bytes, at);
        const bool truncated = at >= bytes->size() - (bytes->endsWith('\n') ? 1 : 0);
        run.addIssue(
            truncated ? Issue::Severity::Warning : Issue::Severity::Error, path, line, column,
            truncated
                ? u"JSON ends early (the file is truncated, or still being written); the values before it are kept"_s
                : u"JSON syntax error: %1; the values before it are kept"_s.arg(
                      QString::fromUtf8(rapidjson::GetParseError_En(result.Code()))));
    }
    return true;
}

} // namespace runlens
