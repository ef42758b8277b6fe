// runlens: the headless command line (table, keys, check). The desktop window arrives with
// issue 3; until then, running without a command prints the usage.
#include "cli.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

const char *const kUsage = R"(usage: runlens COMMAND FOLDER... [options]

Compare machine-learning runs by config and metrics, straight from their folders.

commands:
  table FOLDER...   print the comparison table, one row per run
  keys FOLDER...    every key with its family, types, distinct values, description
  check FOLDER...   runs with issues; exit status 1 when there are any

run 'runlens COMMAND --help' for a command's options.
)";

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"runlens"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args[0] == u"--help" || args[0] == u"-h") {
        std::fputs(kUsage, args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? 2 : 0;
    }
    if (args[0] == u"--version") {
        std::printf("runlens %s\n", qPrintable(QCoreApplication::applicationVersion()));
        return 0;
    }
    if (!runlens::cli::isCommand(args[0])) {
        std::fprintf(stderr,
                     "runlens: unknown command '%s' (the desktop window is not built yet)\n%s",
                     qPrintable(args[0]), kUsage);
        return 2;
    }
    return runlens::cli::run(args);
}
