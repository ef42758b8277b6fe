#pragma once

#include "analysis/tablesource.h"
#include "analysis/tableview.h"
#include "export/tablewriter.h"
#include "readers/loader.h"

#include <QCommandLineParser>
#include <QStringList>

#include <optional>

// Helpers every command of the command line shares (cli.cpp, diffcommand.cpp).
namespace runlens::cli {

constexpr int kOk = 0;
constexpr int kFound = 1;
constexpr int kUsage = 2;

/// `runlens: <message>` on standard error.
void err(const QString &message);

/// The options every command takes, parsed.
struct Common {
    QStringList folders;
    TableFormat format = TableFormat::Csv;
    QString output;
    int jobs = 0;
    bool quiet = false;
    bool noCache = false;
    bool deleted = false; ///< --deleted: keep the runs their tool marks deleted
    bool timings = false; ///< --timings: the load's phases on standard error
};

/// Adds --format, -o, --jobs, -q, --no-cache, --timings, --help and the FOLDER arguments.
void addCommonOptions(QCommandLineParser &p);
/// Parses the options every command shares; returns an exit status on error or --help.
std::optional<int> parseCommon(QCommandLineParser &p, const QStringList &args, Common &c);
/// Reads the runs of the folders, with progress and a summary on standard error unless quiet.
LoadResult load(const Common &c);

/// Adds the options that shape an export: --precision, --caption, --label.
void addExportOptions(QCommandLineParser &p);
/// Reads them into `w` (with the folders as the HTML page's source and the time it is
/// written: now, or SOURCE_DATE_EPOCH when set); an exit status on a bad value.
std::optional<int> parseExportOptions(const QCommandLineParser &p, const Common &c,
                                      WriteOptions &w);

/// `--with-path`: the column specs with the run's folder after its id (the default columns
/// spelled out when `columns` is empty).
QStringList withPath(const QStringList &columns);
/// Marks a per-run view for the formats that show marks (LaTeX, HTML): the best value of each
/// metric column and, with `baseline` (a run as --runs names one), the values differing from
/// that run's. An exit status when `baseline` names no run.
std::optional<int> markView(const RunTable &table, TableView &view, const QString &baseline,
                            TableFormat format);

/// Writes a table to standard output or, atomically, to `output`; an exit status.
int writeOutput(const TableSource &table, TableFormat format, const QString &output,
                const WriteOptions &options = {});
/// The same for text that is not a table (overrides, YAML).
int writeText(const QString &text, const QString &output);

/// A comma-separated option value, trimmed, empty parts left out.
QStringList splitList(const QString &s);

/// `runlens diff` (diffcommand.cpp).
int diffCommand(const QStringList &args);
/// `runlens plot parallel|scatter|importance|curves FOLDER... -o FILE.png|.svg`.
int plotCommand(const QStringList &args);

} // namespace runlens::cli
