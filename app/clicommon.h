#pragma once

#include "analysis/tablesource.h"
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
};

/// Adds --format, -o, --jobs, -q, --no-cache, --help and the FOLDER arguments.
void addCommonOptions(QCommandLineParser &p);
/// Parses the options every command shares; returns an exit status on error or --help.
std::optional<int> parseCommon(QCommandLineParser &p, const QStringList &args, Common &c);
/// Reads the runs of the folders, with progress and a summary on standard error unless quiet.
LoadResult load(const Common &c);

/// Writes a table to standard output or, atomically, to `output`; an exit status.
int writeOutput(const TableSource &table, TableFormat format, const QString &output,
                const WriteOptions &options = {});
/// The same for text that is not a table (overrides, YAML).
int writeText(const QString &text, const QString &output);

/// A comma-separated option value, trimmed, empty parts left out.
QStringList splitList(const QString &s);

/// `runlens diff` (diffcommand.cpp).
int diffCommand(const QStringList &args);

} // namespace runlens::cli
