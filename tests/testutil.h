// Helpers shared by the library's unit tests. Header-only; include after <QTest>.
#pragma once

#include "readers/history.h"
#include "run/key.h"
#include "run/run.h"
#include "run/runtable.h"
#include "run/value.h"

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QStringList>

#include <cmath>
#include <fcntl.h>
#include <sys/stat.h>

namespace testutil {

using namespace Qt::StringLiterals;

/// Writes `bytes` to `path`, creating the folders above it. Returns false on any failure.
inline bool writeFile(const QString &path, const QByteArray &bytes) {
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    return f.write(bytes) == bytes.size();
}

/// Copies a folder tree (folders, regular and hidden files) to `to`, creating it.
inline bool copyTree(const QString &from, const QString &to) {
    if (!QDir().mkpath(to)) return false;
    const QDir src(from);
    for (const QString &d : src.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden))
        if (!copyTree(src.filePath(d), QDir(to).filePath(d))) return false;
    for (const QString &f : src.entryList(QDir::Files | QDir::Hidden))
        if (!QFile::copy(src.filePath(f), QDir(to).filePath(f))) return false;
    return true;
}

/// Dates a file or folder `seconds` back (without following a link).
inline bool age(const QString &path, int seconds = 3600) {
    const qint64 when = QDateTime::currentSecsSinceEpoch() - seconds;
    const struct timespec times[2] = {{when, 0}, {when, 0}};
    return ::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, AT_SYMLINK_NOFOLLOW) ==
           0;
}

/// Dates everything under `dir` (and `dir`) `seconds` back: neither the run cache nor the
/// table snapshot trusts what changed within the last seconds (FileStamp::kRacyNs).
inline bool ageTree(const QString &dir, int seconds = 3600) {
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        if (!age(it.next(), seconds)) return false;
    return age(dir, seconds);
}

/// Key from its display form, for brevity in tests (`optimizer.lr`, `["a.b"]`).
inline runlens::Key key(const QString &display) {
    return runlens::Key::fromDisplay(display);
}

/// `type:displayText` of a value, the form most comparisons below use.
inline QString typed(const runlens::Value &v) {
    return v.typeName() + u':' + v.displayText();
}

/// Row of the run with this id, or -1.
inline int rowOf(const runlens::RunTable &t, const QString &id) {
    for (int r = 0; r < t.rowCount(); ++r)
        if (t.run(r).id == id) return r;
    return -1;
}

/// The cell of (family, key) in a row; missing when the table has no such column.
inline runlens::Value cell(const runlens::RunTable &t, int row, runlens::Family f,
                           const runlens::Key &k) {
    const int col = t.findColumn(f, k);
    return col < 0 || row < 0 ? runlens::Value::missing() : t.value(row, col);
}

inline runlens::Value cell(const runlens::RunTable &t, int row, runlens::Family f,
                           const QString &display) {
    return cell(t, row, f, key(display));
}

/// The cell of (family, key) in a row as typed().
inline QString typedCell(const runlens::RunTable &t, int row, runlens::Family f,
                         const QString &display) {
    return typed(cell(t, row, f, display));
}

/// Where a metric's points, read again for curves, disagree with the row: their count with
/// `history.steps.<key>`, the last by step (ties: the later logged, MetricHistory's rule) with
/// the metric's value (NaN equal to NaN). Empty when they agree.
inline QString historyDisagreement(const runlens::RunTable &t, int row, const runlens::Key &metric,
                                   const std::vector<runlens::HistoryPoint> &points) {
    using namespace runlens;
    using namespace Qt::StringLiterals;
    const Value steps = cell(t, row, Family::Meta, historyStepsKey(metric));
    if (!steps.isNumber() || steps.toInt() != qsizetype(points.size()))
        return u"%1 points, history.steps %2"_s.arg(points.size()).arg(typed(steps));
    const HistoryPoint *last = nullptr;
    for (const HistoryPoint &p : points)
        if (!last || !(p.step < last->step)) last = &p;
    const Value v = cell(t, row, Family::Metric, metric);
    const bool same =
        last && v.isNumber() &&
        (v.toDouble() == last->value || (std::isnan(v.toDouble()) && std::isnan(last->value)));
    return same ? QString() : u"last %1, table %2"_s.arg(last ? last->value : 0).arg(typed(v));
}

/// Every issue of a run as `severity file:line:column: message`, one per line.
inline QString issuesText(const std::vector<runlens::Issue> &issues) {
    QStringList lines;
    for (const runlens::Issue &i : issues)
        lines << runlens::Issue::severityName(i.severity) + u' ' + i.toString();
    return lines.join(u'\n');
}

/// The first issue whose message contains `needle` (case-insensitive), or null.
inline const runlens::Issue *findIssue(const std::vector<runlens::Issue> &issues,
                                       const QString &needle) {
    for (const runlens::Issue &i : issues)
        if (i.message.contains(needle, Qt::CaseInsensitive)) return &i;
    return nullptr;
}

inline int countSeverity(const std::vector<runlens::Issue> &issues, runlens::Issue::Severity s) {
    int n = 0;
    for (const runlens::Issue &i : issues)
        n += i.severity == s ? 1 : 0;
    return n;
}

/// A reader's entries as `family key=type:display` lines in emission order.
inline QString entriesText(const runlens::RunRecord &run) {
    QStringList lines;
    for (const runlens::Entry &e : run.entries)
        lines << runlens::familyName(e.family) + u' ' + e.key.display() + u'=' + typed(e.value);
    return lines.join(u'\n');
}

/// The whole table as text: per run its facts, issues and every present cell, so two tables
/// compare as one string and a mismatch reads as a diff.
inline QString dumpTable(const runlens::RunTable &t) {
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c)
        out << u"column %1 %2 %3 desc=%4"_s.arg(c).arg(
            runlens::familyName(t.column(c).family), t.column(c).display, t.column(c).description);
    for (int r = 0; r < t.rowCount(); ++r) {
        const runlens::RunInfo &run = t.run(r);
        out << u"run %1 id=%2 name=%3 format=%4 path=%5 status=%6 start=%7 duration=%8"_s.arg(r)
                   .arg(run.id, run.name, run.format, run.path, runlens::statusName(run.status))
                   .arg(run.startMs)
                   .arg(run.durationSec);
        for (const runlens::Issue &i : run.issues)
            out << u"  issue "_s + runlens::Issue::severityName(i.severity) + u' ' + i.toString();
        for (int c = 0; c < t.columnCount(); ++c)
            if (t.hasValue(r, c))
                out << u"  %1 %2=%3"_s.arg(runlens::familyName(t.column(c).family),
                                           t.column(c).display, typed(t.value(r, c)));
    }
    return out.join(u'\n');
}

} // namespace testutil
