// Helpers every command of the command line shares: options, loading, writing.
#include "clicommon.h"

#include "analysis/diff.h"
#include "readers/readerregistry.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <cstdio>
#include <functional>
#include <unistd.h>

namespace runlens::cli {

using namespace Qt::StringLiterals;

void err(const QString &message) {
    std::fputs(qPrintable(u"runlens: "_s + message + u'\n'), stderr);
}

void addCommonOptions(QCommandLineParser &p) {
    p.addOption(
        {u"format"_s,
         u"Output format: text, csv, tsv, md, latex, html, json (default: text on a terminal, csv otherwise, or the -o file's extension)."_s,
         u"FORMAT"_s});
    p.addOption({{u"o"_s, u"output"_s},
                 u"Write to FILE (atomically) instead of standard output."_s,
                 u"FILE"_s});
    p.addOption({u"jobs"_s, u"Reader threads (default: one per core)."_s, u"N"_s});
    p.addOption({u"deleted"_s,
                 u"Include the runs their tool marks deleted (MLflow's deleted runs and experiments, Guild's trash); left out by default."_s});
    p.addOption({{u"q"_s, u"quiet"_s}, u"No progress or summary on standard error."_s});
    p.addOption(
        {u"no-cache"_s,
         u"Read every run from its files, without the cache of parsed runs (kept in the user's cache folder)."_s});
    p.addOption(
        {u"timings"_s, u"Print how long each phase of reading the runs took on standard error."_s});
    p.addHelpOption();
    p.addPositionalArgument(u"FOLDER"_s, u"Folders to search for runs."_s, u"FOLDER..."_s);
}

std::optional<int> parseCommon(QCommandLineParser &p, const QStringList &args, Common &c) {
    if (!p.parse(args)) {
        err(p.errorText());
        return kUsage;
    }
    if (p.isSet(u"help"_s)) {
        std::fputs(qPrintable(p.helpText()), stdout);
        return kOk;
    }
    c.folders = p.positionalArguments();
    if (c.folders.isEmpty()) {
        err(u"name at least one folder to read runs from"_s);
        return kUsage;
    }
    c.output = p.value(u"output"_s);
    c.quiet = p.isSet(u"quiet"_s);
    c.noCache = p.isSet(u"no-cache"_s);
    c.deleted = p.isSet(u"deleted"_s);
    c.timings = p.isSet(u"timings"_s);
    if (p.isSet(u"jobs"_s)) {
        bool ok = false;
        c.jobs = p.value(u"jobs"_s).toInt(&ok);
        if (!ok || c.jobs < 1) {
            err(u"--jobs takes a whole number of at least 1"_s);
            return kUsage;
        }
    }
    QString formatName = p.value(u"format"_s);
    if (formatName.isEmpty() && !c.output.isEmpty()) formatName = QFileInfo(c.output).suffix();
    if (formatName.isEmpty())
        c.format =
            (c.output.isEmpty() && isatty(fileno(stdout))) ? TableFormat::Text : TableFormat::Csv;
    else if (const auto f = tableFormatFromName(formatName))
        c.format = *f;
    else if (p.isSet(u"format"_s)) {
        err(u"unknown format '%1' (use text, csv, tsv, md, latex, html or json)"_s.arg(formatName));
        return kUsage;
    } else {
        c.format = TableFormat::Csv;
    }
    for (const QString &f : c.folders) {
        if (!QFileInfo(f).isDir()) {
            err(u"'%1' is not a folder that can be read"_s.arg(f));
            return kUsage;
        }
    }
    return std::nullopt;
}

LoadResult load(const Common &c) {
    const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    LoadOptions options;
    options.jobs = c.jobs;
    options.includeDeleted = c.deleted;
    if (!c.noCache)
        options.cacheDir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    const bool showProgress = !c.quiet && isatty(fileno(stderr));
    QElapsedTimer clock;
    clock.start();
    if (showProgress) {
        options.progress = [&clock](int done, int total) {
            if (done == total || done % 500 == 0)
                std::fprintf(stderr, "\rread %d/%d runs (%.0f runs/s)%s", done, total,
                             done / std::max(0.001, clock.elapsed() / 1000.0),
                             done == total ? "\n" : "");
        };
    }
    LoadResult result = loadRuns(c.folders, registry, options);
    if (!c.quiet) {
        int problems = 0;
        for (int r = 0; r < result.table.rowCount(); ++r)
            problems += result.table.run(r).problemCount() > 0 ? 1 : 0;
        QString line = result.stats.summary();
        if (result.mergedFolders > 0)
            line += u"; %1 folder(s) merged into the run they copy"_s.arg(result.mergedFolders);
        if (result.fromSnapshot)
            line += u"; nothing changed since the last load: its table was reused"_s;
        else if (result.cacheHits > 0)
            line += u"; %1 of %2 run(s) from the cache"_s.arg(result.cacheHits)
                        .arg(result.cacheHits + result.cacheMisses);
        if (problems > 0) line += u"; %1 run(s) with issues (see runlens check)"_s.arg(problems);
        err(line);
        if (!result.cacheProblem.isEmpty()) err(result.cacheProblem);
    }
    if (c.timings) {
        const LoadResult::Timings &t = result.timings;
        const auto ms = [](double v) { return QString::number(v, 'f', 1) + u" ms"_s; };
        if (result.fromSnapshot)
            err(u"timings: table snapshot checked and read in %1"_s.arg(ms(t.total)));
        else
            err(u"timings: snapshot check %1, walk %2, cache file %3, runs %4, cache save %5; "
                u"load %6"_s.arg(ms(t.snapshot), ms(t.scan), ms(t.cacheOpen), ms(t.read),
                                 ms(t.cacheSave), ms(t.total)));
    }
    return result;
}

void addExportOptions(QCommandLineParser &p) {
    p.addOption(
        {u"precision"_s,
         u"Round real numbers to N significant digits, in every format (default: every digit the file has)."_s,
         u"N"_s});
    p.addOption(
        {u"caption"_s,
         u"LaTeX: put the table in a table float with this caption. HTML: the page title."_s,
         u"TEXT"_s});
    p.addOption({u"label"_s, u"LaTeX: the table float's \\label."_s, u"KEY"_s});
}

std::optional<int> parseExportOptions(const QCommandLineParser &p, const Common &c,
                                      WriteOptions &w) {
    if (p.isSet(u"precision"_s)) {
        bool ok = false;
        w.precision = p.value(u"precision"_s).toInt(&ok);
        if (!ok || w.precision < 1 || w.precision > 17) {
            err(u"--precision takes a whole number of significant digits from 1 to 17"_s);
            return kUsage;
        }
    }
    w.caption = p.value(u"caption"_s);
    w.label = p.value(u"label"_s);
    static const QRegularExpression badLabel(u"[\\\\{}%#~^&$\\s]"_s);
    if (w.label.contains(badLabel)) {
        err(u"--label '%1': a LaTeX label cannot hold spaces or \\ { } % # ~ ^ & $"_s.arg(w.label));
        return kUsage;
    }
    w.source = c.folders.join(u", "_s);
    // SOURCE_DATE_EPOCH (reproducible builds) pins the time a page says it was written.
    bool fixed = false;
    const qint64 epoch = qEnvironmentVariable("SOURCE_DATE_EPOCH").toLongLong(&fixed);
    w.written =
        fixed ? QDateTime::fromSecsSinceEpoch(epoch, Qt::UTC) : QDateTime::currentDateTimeUtc();
    return std::nullopt;
}

QStringList withPath(const QStringList &columns) {
    // The view puts the id first wherever it is named, so the path lands right after it.
    if (columns.isEmpty()) return {u"id"_s, u"run:path"_s, u"config:*"_s, u"metric:*"_s};
    return QStringList{u"run:path"_s} + columns;
}

std::optional<int> markView(const RunTable &table, TableView &view, const QString &baseline,
                            TableFormat format) {
    if (!baseline.isEmpty()) {
        QString error;
        const int row = findRun(table, baseline, &error);
        if (row < 0) {
            err(u"--baseline: "_s + error);
            return kUsage;
        }
        view.setBaselineRow(row);
    }
    if (format == TableFormat::Latex || format == TableFormat::Html) view.markBest();
    return std::nullopt;
}

namespace {

/// Runs `write` on standard output or, atomically, on the file `output`.
int writeTo(const QString &output, const std::function<bool(QIODevice &)> &write) {
    if (output.isEmpty() || output == u"-") {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly) || !write(out)) {
            err(u"cannot write to standard output"_s);
            return kUsage;
        }
        return kOk;
    }
    QString error;
    if (writeFileAtomically(output, write, &error)) return kOk;
    err(error);
    return kUsage;
}

} // namespace

int writeOutput(const TableSource &table, TableFormat format, const QString &output,
                const WriteOptions &options) {
    return writeTo(output,
                   [&](QIODevice &device) { return writeTable(table, format, device, options); });
}

int writeText(const QString &text, const QString &output) {
    const QByteArray bytes = text.toUtf8();
    return writeTo(output, [&](QIODevice &device) { return device.write(bytes) == bytes.size(); });
}

QStringList splitList(const QString &s) {
    QStringList out;
    for (const QString &part : s.split(u',', Qt::SkipEmptyParts))
        out << part.trimmed();
    return out;
}

} // namespace runlens::cli
