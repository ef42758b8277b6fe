#include "mlflowfiles.h"
#include "scalars.h"
#include "textfile.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <array>
#include <cmath>
#include <sys/stat.h>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// The files below `dir` for listMlflowRunFiles(), keyed by their path below `prefix`.
void listKeyFiles(const QString &dir, const QString &prefix, int depth, int maxDepth, int &budget,
                  std::vector<MlflowKeyFile> &out, MlflowRunFiles &files) {
    files.folders << dir;
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &e : entries) {
        const QString key = prefix.isEmpty() ? e.fileName() : prefix + u'/' + e.fileName();
        if (e.isDir()) {
            if (e.isSymLink()) continue;
            if (depth >= maxDepth) {
                files.tooDeep = true;
                continue;
            }
            listKeyFiles(e.filePath(), key, depth + 1, maxDepth, budget, out, files);
        } else {
            if (budget <= 0) {
                files.tooMany = true;
                return;
            }
            --budget;
            out.push_back({key, e.filePath()});
        }
    }
}

constexpr int kMaxLineBytes = 1024;
constexpr int kListedBadLines = 5;

std::string_view bytesView(QByteArrayView v) {
    return std::string_view(v.data(), std::size_t(v.size()));
}

/// Parses `timestamp value step`, or `timestamp value` (step 0) as early MLflow versions wrote.
/// Fields past the third are ignored (MLflow 3 appends ids to the metrics of logged models).
/// Returns the number of fields read, or 0 with `why` set.
int parseMetricLine(QByteArrayView line, MlflowMetricPoint &out, QString &why) {
    std::array<QByteArrayView, 3> fields;
    int count = 0;
    qsizetype i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const qsizetype start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start && count < 3) fields[std::size_t(count)] = line.sliced(start, i - start);
        if (i > start) ++count;
    }
    if (count < 2) {
        why = u"expected \"<timestamp> <value> <step>\""_s;
        return 0;
    }
    const Value time = parseNumber(bytesView(fields[0]));
    if (!time.isNumber() || time.isNaN()) {
        why = u"the timestamp is not a number"_s;
        return 0;
    }
    Value value = parseNumber(bytesView(fields[1]));
    if (!value.isNumber()) {
        why = u"the value is not a number"_s;
        return 0;
    }
    double step = 0;
    if (count >= 3) {
        const Value s = parseNumber(bytesView(fields[2]));
        if (!s.isNumber() || !std::isfinite(s.toDouble())) {
            why = u"the step is not a number"_s;
            return 0;
        }
        step = s.toDouble();
    }
    out = MlflowMetricPoint{time.toDouble(), step, std::move(value)};
    return std::min(count, 3);
}

} // namespace

MlflowRunFiles listMlflowRunFiles(const QString &runPath, const ReadLimits &limits) {
    MlflowRunFiles files;
    int budget = limits.flatten.maxKeys;
    const int depth = limits.flatten.maxDepth;
    listKeyFiles(runPath + u"/params"_s, {}, 0, depth, budget, files.params, files);
    listKeyFiles(runPath + u"/metrics"_s, {}, 0, depth, budget, files.metrics, files);
    listKeyFiles(runPath + u"/tags"_s, {}, 0, depth, budget, files.tags, files);
    return files;
}

bool readMlflowMetricLines(const QString &path, qint64 maxBytes, RunRecord &run,
                           const std::function<void(const MlflowMetricPoint &)> &take) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        run.addIssue(Issue::Severity::Error, path, 0, 0, u"file does not exist"_s);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        run.addIssue(Issue::Severity::Error, path, 0, 0, u"not a regular file; not read"_s);
        return false;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        run.addIssue(Issue::Severity::Error, path, 0, 0, u"cannot open: %1"_s.arg(f.errorString()));
        return false;
    }
    std::array<char, kMaxLineBytes> buf;
    qint64 total = 0;
    int lineNo = 0;
    int bad = 0;
    int fields = 0; // of the good lines so far
    bool padding = false;
    const auto malformed = [&](const QString &why, QByteArrayView line) {
        if (++bad > kListedBadLines) return;
        const QByteArrayView head = line.first(std::min<qsizetype>(line.size(), 60));
        const bool binary = firstInvalidUtf8(head.toByteArray()) >= 0 ||
                            std::any_of(head.begin(), head.end(),
                                        [](char c) { return uchar(c) < 0x20 && c != '\t'; });
        const QString what =
            binary ? u"binary content"_s : u"\"%1\""_s.arg(QString::fromUtf8(head));
        run.addIssue(Issue::Severity::Warning, path, lineNo, 0,
                     u"malformed line %1: %2; the line is left out"_s.arg(what, why));
    };
    while (true) {
        const qint64 n = f.readLine(buf.data(), qint64(buf.size()));
        if (n <= 0) break;
        total += n;
        ++lineNo;
        QByteArrayView line(buf.data(), n);
        const bool complete = line.endsWith('\n');
        if (!complete && n == qint64(buf.size()) - 1) {
            char c = 0;
            while (f.getChar(&c)) {
                ++total;
                if (c == '\n') break;
            }
            malformed(u"longer than %1 bytes"_s.arg(kMaxLineBytes), line);
            continue;
        }
        if (total > maxBytes) {
            run.addIssue(Issue::Severity::Error, path, lineNo, 0,
                         u"file is larger than %1 MB; the lines from here on are left out"_s.arg(
                             double(maxBytes) / 1e6, 0, 'f', 0));
            break;
        }
        const bool hadNul = line.contains('\0');
        while (!line.isEmpty() && (line.back() == '\n' || line.back() == '\r' ||
                                   line.back() == ' ' || line.back() == '\0'))
            line.chop(1);
        padding = padding || (hadNul && !line.contains('\0'));
        if (line.isEmpty()) continue;
        MlflowMetricPoint point;
        QString why;
        const int got = parseMetricLine(line, point, why);
        if (!complete && f.atEnd() && (got == 0 || got < fields)) {
            run.addIssue(
                Issue::Severity::Warning, path, lineNo, 0,
                u"the last line is cut short (the run may still be writing it); it is left out"_s);
            break;
        }
        if (got == 0) {
            malformed(why, line);
            continue;
        }
        fields = std::max(fields, got);
        take(point);
    }
    if (bad > kListedBadLines)
        run.addIssue(Issue::Severity::Warning, path, 0, 0,
                     u"%1 more malformed lines left out"_s.arg(bad - kListedBadLines));
    if (padding)
        run.addIssue(Issue::Severity::Warning, path, 0, 0,
                     u"NUL bytes in the file (cut short while being written?); they are ignored"_s);
    return true;
}

} // namespace runlens
