#include "csvhistory.h"
#include "scalars.h"

#include <QFile>

#include <charconv>
#include <limits>
#include <string_view>
#include <sys/stat.h>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kChunkBytes = 1 << 16;
constexpr int kMaxShapeIssues = 5; ///< rows with a wrong number of cells reported one by one

/// A cell without the spaces around it.
std::string_view trimmed(std::string_view t) {
    while (!t.empty() && t.front() == ' ')
        t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ')
        t.remove_suffix(1);
    return t;
}

/// A number as Python's csv writes floats and ints (`0.25`, `1e-05`, `nan`, `-inf`).
bool parseDouble(std::string_view t, double &out) {
    if (t.empty()) return false;
    if (t.front() == '+') t.remove_prefix(1);
    const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
    return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

/// The separator that occurs most often outside quotes in the header line: `,` unless `;` or a
/// tab wins.
char guessSeparator(const QByteArray &bytes) {
    int comma = 0, tab = 0, semicolon = 0;
    bool quoted = false;
    for (const char c : bytes) {
        if (c == '\n') break;
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        comma += c == ',';
        tab += c == '\t';
        semicolon += c == ';';
    }
    if (tab > comma && tab >= semicolon) return '\t';
    if (semicolon > comma) return ';';
    return ',';
}

/// The byte-level CSV state machine; rows go to the columns as they end.
class CsvParser {
public:
    CsvParser(const QString &path, const CsvHistoryOptions &options, RunRecord &run,
              CsvHistory &out)
        : m_path(path)
        , m_options(options)
        , m_run(run)
        , m_out(out) {}

    /// Feeds bytes; returns false once the input must not be read further (binary content).
    bool feed(const char *data, qsizetype size, bool nulPaddingFollows) {
        for (qsizetype i = 0; i < size; ++i) {
            const char c = data[i];
            if (c == '\0') {
                if (nulPaddingFollows) {
                    m_padded = true;
                    return false;
                }
                m_run.addIssue(Issue::Severity::Error, m_path, m_line, m_col,
                               u"binary content (a NUL byte); the rest of the file is not read"_s);
                m_stopped = true;
                return false;
            }
            step(c);
        }
        return true;
    }

    /// The input ended (or was cut at the size cap, `capped`): the last row without a line
    /// break is read if it is whole.
    void finish(bool capped) {
        if (m_stopped) return;
        if (m_padded)
            m_run.addIssue(
                Issue::Severity::Warning, m_path, m_line, m_col,
                u"the file ends in NUL bytes (cut short while being written?); they are ignored"_s);
        if (m_state == State::FieldStart && m_fields.empty()) return;
        if (capped) return; // the row in progress at the cap is incomplete by construction
        const bool openQuote = m_state == State::Quoted;
        endField();
        const qsizetype expected = m_headerCells;
        if (m_haveHeader && (openQuote || qsizetype(m_fields.size()) < expected)) {
            m_out.cutShort = true;
            m_run.addIssue(
                Issue::Severity::Warning, m_path, m_recordLine, 0,
                u"the last line is cut short (%1 of %2 cells, no line break): the file is still being written or was cut off; that line is not read"_s
                    .arg(m_fields.size())
                    .arg(expected));
            return;
        }
        endRecord();
    }

    void reportShapes() {
        if (m_shapeIssues > kMaxShapeIssues)
            m_run.addIssue(Issue::Severity::Warning, m_path, 0, 0,
                           u"%1 more line(s) with a wrong number of cells"_s.arg(m_shapeIssues -
                                                                                 kMaxShapeIssues));
    }

    bool haveHeader() const { return m_haveHeader; }

private:
    enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted };

    void step(char c) {
        switch (m_state) {
        case State::FieldStart:
            m_fieldCol = m_col;
            if (m_fields.empty()) m_recordLine = m_line;
            if (c == '"') {
                m_state = State::Quoted;
                ++m_col;
                return;
            }
            m_state = State::Unquoted;
            unquoted(c);
            return;
        case State::Unquoted:
            unquoted(c);
            return;
        case State::Quoted:
            if (c == '"') {
                m_state = State::QuoteInQuoted;
            } else {
                m_field += c;
                if (c == '\n') {
                    ++m_line;
                    m_col = 0;
                }
            }
            ++m_col;
            return;
        case State::QuoteInQuoted:
            if (c == '"') {
                m_field += c;
                m_state = State::Quoted;
                ++m_col;
                return;
            }
            m_state = State::Unquoted; // text after a closing quote is kept, as Python's csv does
            unquoted(c);
            return;
        }
    }

    void unquoted(char c) {
        if (c == m_out.separator) {
            endField();
            ++m_col;
        } else if (c == '\n') {
            endField();
            endRecord();
            ++m_line;
            m_col = 1;
        } else if (c == '\r') {
            ++m_col;
        } else {
            m_field += c;
            ++m_col;
        }
    }

    void endField() {
        m_fields.push_back(m_field);
        m_fieldCols.push_back(m_fieldCol);
        m_field.clear();
        m_state = State::FieldStart;
    }

    void endRecord() {
        if (m_fields.size() == 1 && m_fields.front().isEmpty()) { // a blank line
            clearRecord();
            return;
        }
        if (!m_haveHeader)
            setHeader();
        else
            addRow();
        clearRecord();
    }

    void clearRecord() {
        m_fields.clear();
        m_fieldCols.clear();
        m_state = State::FieldStart;
    }

    void setHeader() {
        m_haveHeader = true;
        m_headerCells = qsizetype(m_fields.size());
        qsizetype n = m_headerCells;
        if (n > m_options.maxColumns) {
            m_run.addIssue(
                Issue::Severity::Error, m_path, m_recordLine, 0,
                u"%1 columns; only the first %2 are read"_s.arg(n).arg(m_options.maxColumns));
            n = m_options.maxColumns;
        }
        for (qsizetype i = 0; i < n; ++i) {
            CsvColumn column;
            column.name = QString::fromUtf8(trimmedBytes(m_fields[std::size_t(i)]));
            if (column.name.isEmpty())
                m_run.addIssue(Issue::Severity::Warning, m_path, m_recordLine,
                               m_fieldCols[std::size_t(i)],
                               u"column %1 has no name; it is not read"_s.arg(i + 1));
            else if (const int first = m_out.indexOf(column.name); first >= 0)
                m_run.addIssue(
                    Issue::Severity::Warning, m_path, m_recordLine, m_fieldCols[std::size_t(i)],
                    u"column '%1' appears twice (columns %2 and %3); the later one is used"_s
                        .arg(column.name)
                        .arg(first + 1)
                        .arg(i + 1));
            m_out.columns.push_back(std::move(column));
        }
        m_stepIndex = m_options.stepColumn.isEmpty() ? -1 : m_out.indexOf(m_options.stepColumn);
        m_timeIndex = m_options.timeColumn.isEmpty() ? -1 : m_out.indexOf(m_options.timeColumn);
        if (!m_options.keepPointsOf.isEmpty()) // a repeated name: the later column is used
            for (qsizetype i = qsizetype(m_out.columns.size()) - 1; i >= 0 && m_keepIndex < 0; --i)
                if (m_out.columns[std::size_t(i)].name == m_options.keepPointsOf)
                    m_keepIndex = int(i);
    }

    static QByteArray trimmedBytes(const QByteArray &b) {
        const std::string_view t = trimmed(std::string_view(b.constData(), std::size_t(b.size())));
        return QByteArray(t.data(), qsizetype(t.size()));
    }

    bool isMissingWord(std::string_view t) const {
        for (const QString &w : m_options.missingWords)
            if (w.size() == qsizetype(t.size()) &&
                w == QLatin1StringView(t.data(), qsizetype(t.size())))
                return true;
        return false;
    }

    void addRow() {
        const qsizetype expected = qsizetype(m_out.columns.size());
        const qsizetype have = qsizetype(m_fields.size());
        if (have != m_headerCells) {
            if (++m_shapeIssues <= kMaxShapeIssues)
                m_run.addIssue(
                    Issue::Severity::Warning, m_path, m_recordLine, 0,
                    u"%1 cells where the header has %2; the cells are read by position"_s.arg(have)
                        .arg(m_headerCells));
        }
        const double position = double(m_out.rows);
        ++m_out.rows;
        double step = m_haveStep ? m_step : position;
        if (m_stepIndex >= 0 && m_stepIndex < have) {
            double s = 0;
            const QByteArray &cell = m_fields[std::size_t(m_stepIndex)];
            if (parseDouble(trimmed(std::string_view(cell.constData(), std::size_t(cell.size()))),
                            s)) {
                step = s;
                m_step = s;
                m_haveStep = true;
            }
        }
        const qsizetype n = std::min(have, expected);
        for (qsizetype i = 0; i < n; ++i) {
            const QByteArray &cell = m_fields[std::size_t(i)];
            const std::string_view t =
                trimmed(std::string_view(cell.constData(), std::size_t(cell.size())));
            if (t.empty() || isMissingWord(t)) continue;
            CsvColumn &column = m_out.columns[std::size_t(i)];
            double v = 0;
            if (parseDouble(t, v)) {
                // The same rule as MetricHistory: the last by step, a later equal step replaces.
                if (column.history.isEmpty() || !(step < column.lastNumberStep)) {
                    column.lastNumberStep = step;
                    column.lastNumber = QByteArray(t.data(), qsizetype(t.size()));
                }
                column.history.add(step, v);
                if (i == m_keepIndex) column.points.push_back(HistoryPoint{step, v, timeOfRow()});
                continue;
            }
            if (column.textCells == 0 || !(step < column.lastTextStep)) {
                column.lastTextStep = step;
                column.lastText = QString::fromUtf8(t.data(), qsizetype(t.size()));
            }
            if (column.textCells++ == 0) {
                column.firstText = column.lastText;
                column.firstTextLine = m_recordLine;
                column.firstTextColumn = m_fieldCols[std::size_t(i)];
            }
        }
    }

    /// The number in the row's time column, or NaN.
    double timeOfRow() const {
        double t = std::numeric_limits<double>::quiet_NaN();
        if (m_timeIndex < 0 || m_timeIndex >= qsizetype(m_fields.size())) return t;
        const QByteArray &cell = m_fields[std::size_t(m_timeIndex)];
        if (!parseDouble(trimmed(std::string_view(cell.constData(), std::size_t(cell.size()))), t))
            return std::numeric_limits<double>::quiet_NaN();
        return t;
    }

    const QString &m_path;
    const CsvHistoryOptions &m_options;
    RunRecord &m_run;
    CsvHistory &m_out;

    State m_state = State::FieldStart;
    QByteArray m_field;
    std::vector<QByteArray> m_fields;
    std::vector<int> m_fieldCols;
    int m_line = 1;
    int m_col = 1;
    int m_fieldCol = 1;
    int m_recordLine = 1;
    bool m_haveHeader = false;
    qsizetype m_headerCells = 0;
    int m_stepIndex = -1;
    int m_timeIndex = -1;
    int m_keepIndex = -1; ///< the column whose points are kept, or -1
    double m_step = 0;
    bool m_haveStep = false;
    int m_shapeIssues = 0;
    bool m_padded = false;
    bool m_stopped = false;
};

/// Whether the rest of `file` after `data[from..size)` holds only NUL bytes (a crash's padding).
bool onlyNulsFollow(const char *data, qsizetype from, qsizetype size, QFile &file) {
    for (qsizetype i = from; i < size; ++i)
        if (data[i] != '\0') return false;
    const qint64 at = file.pos();
    bool only = true;
    while (only) {
        const QByteArray more = file.read(kChunkBytes);
        if (more.isEmpty()) break;
        only = more.count('\0') == more.size();
    }
    file.seek(at);
    return only;
}

} // namespace

Value CsvColumn::lastValue() const {
    if (!history.isEmpty()) {
        const Value v =
            parseNumber(std::string_view(lastNumber.constData(), std::size_t(lastNumber.size())));
        return v.isMissing() ? Value::real(history.last()) : v;
    }
    return textCells > 0 ? Value::string(lastText) : Value::missing();
}

int CsvHistory::indexOf(const QString &name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name) return int(i);
    return -1;
}

std::optional<CsvHistory> readCsvHistory(const QString &path, const CsvHistoryOptions &options,
                                         RunRecord &run, bool *missing) {
    struct stat st {};
    const bool exists = ::stat(QFile::encodeName(path).constData(), &st) == 0;
    if (missing) *missing = !exists;
    if (!exists) {
        if (!missing) run.addIssue(Issue::Severity::Error, path, 0, 0, u"file does not exist"_s);
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        run.addIssue(Issue::Severity::Error, path, 0, 0, u"not a regular file; not read"_s);
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        run.addIssue(Issue::Severity::Error, path, 0, 0,
                     u"cannot open: %1"_s.arg(file.errorString()));
        return std::nullopt;
    }
    CsvHistory out;
    CsvParser parser(path, options, run, out);
    qint64 total = 0;
    bool first = true;
    bool capped = false;
    while (true) {
        QByteArray chunk = file.read(kChunkBytes);
        if (chunk.isEmpty()) break;
        if (first) {
            first = false;
            if (chunk.startsWith("\xEF\xBB\xBF")) chunk.remove(0, 3);
            out.separator = guessSeparator(chunk);
        }
        if (total + chunk.size() > options.maxBytes) {
            chunk.truncate(options.maxBytes - total);
            capped = true;
        }
        total += chunk.size();
        const qsizetype nul = chunk.indexOf('\0');
        const bool padding =
            nul >= 0 && !capped && onlyNulsFollow(chunk.constData(), nul, chunk.size(), file);
        if (!parser.feed(chunk.constData(), chunk.size(), padding) || capped) break;
    }
    if (capped)
        run.addIssue(Issue::Severity::Error, path, 0, 0,
                     u"file is larger than %1 MB; only its first %1 MB are read"_s.arg(
                         double(options.maxBytes) / 1e6, 0, 'f', 0));
    parser.finish(capped);
    parser.reportShapes();
    if (!parser.haveHeader()) {
        run.addIssue(Issue::Severity::Warning, path, 0, 0, u"file is empty"_s);
        return std::nullopt;
    }
    return out;
}

std::vector<HistoryPoint> readCsvPoints(const QString &path, CsvHistoryOptions options,
                                        const QString &column) {
    if (column.isEmpty()) return {};
    options.keepPointsOf = column;
    RunRecord scratch;
    bool missing = false;
    std::optional<CsvHistory> csv = readCsvHistory(path, options, scratch, &missing);
    if (!csv) return {};
    for (auto it = csv->columns.rbegin(); it != csv->columns.rend(); ++it)
        if (it->name == column) return std::move(it->points);
    return {};
}

void addCsvMetric(const CsvColumn &column, const Key &key, RunRecord &run, const QString &path) {
    if (!column.history.isEmpty()) {
        column.history.addTo(run, key, column.lastValue());
        if (column.textCells > 0)
            run.addIssue(
                Issue::Severity::Warning, path, column.firstTextLine, column.firstTextColumn,
                u"column '%1': %2 cell(s) are not numbers (the first: '%3'); they are left out of its values"_s
                    .arg(column.name)
                    .arg(column.textCells)
                    .arg(column.firstText.left(80)));
    } else if (column.textCells > 0) {
        run.add(Family::Metric, key, Value::string(column.lastText));
    }
}

} // namespace runlens
