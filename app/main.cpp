// runlens: the desktop window when given no command (`runlens [FOLDER...]`, `runlens --demo`),
// the headless command line otherwise (table, diff, keys, check). Wiring only.
#include "cli.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>

#include <cstdio>
#include <cstring>
#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

const char *const kUsage = R"(usage: runlens [FOLDER...]           open the window on run folders
       runlens --demo                  open the window on the bundled example runs
       runlens COMMAND FOLDER... [options]

Compare machine-learning runs by config and metrics, straight from their folders.

commands:
  table FOLDER...   print the comparison table: one row per run, or one row per group
                    of runs with statistics of their metrics (--group-by, --collapse-seeds),
                    or a two-way table of one metric (--pivot)
  diff FOLDER... --runs ID,ID[,...]
                    the keys whose values differ between runs, one column per run, with
                    each run's change against a baseline (--baseline; --overrides, --yaml)
  keys FOLDER...    every key with its family, types, distinct values, description
  check FOLDER...   runs with issues; exit status 1 when there are any
  plot parallel|scatter|importance|curves FOLDER... -o FILE.png|.svg
                    the window's plots as image files for papers

run 'runlens COMMAND --help' for a command's options.
)";

bool isHeadless(int argc, char **argv) {
    if (argc < 2) return false;
    const QString first = QString::fromLocal8Bit(argv[1]);
    return runlens::cli::isCommand(first) || first == u"--help" || first == u"-h" ||
           first == u"--version";
}

void setIdentity() {
    QCoreApplication::setOrganizationName(u"RunLens"_s);
    QCoreApplication::setApplicationName(u"runlens"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
}

int runGui(int argc, char **argv) {
    QApplication app(argc, argv);
    setIdentity();
    QStringList folders;
    bool demo = false;
    for (const QString &arg : app.arguments().mid(1)) {
        if (arg == u"--demo") {
            demo = true;
        } else if (arg.startsWith(u'-')) {
            std::fprintf(stderr, "runlens: unknown option '%s'\n%s", qPrintable(arg), kUsage);
            return 2;
        } else if (!QFileInfo(arg).isDir()) {
            std::fprintf(stderr, "runlens: '%s' is not a folder that can be read\n",
                         qPrintable(arg));
            return 2;
        } else {
            folders << arg;
        }
    }
    runlens::MainWindow window;
    window.show();
    // The first start (no folders ever opened) shows the bundled example sweep.
    const bool firstStart = !QSettings().contains(u"recent/folders"_s);
    if (folders.isEmpty() && (demo || firstStart) &&
        !runlens::MainWindow::exampleRunsPath().isEmpty())
        folders << runlens::MainWindow::exampleFolders();
    if (!folders.isEmpty()) window.openFolders(folders);
    return app.exec();
}

} // namespace

int main(int argc, char **argv) {
    if (!isHeadless(argc, argv)) return runGui(argc, argv);
    // Plots draw text: they need a GUI application, which needs no display offscreen.
    std::unique_ptr<QCoreApplication> app;
    if (std::strcmp(argv[1], "plot") == 0) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        // Without a desktop session Qt warns on every run that it made a runtime folder.
        if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
            const QString dir = QDir::temp().filePath(u"runtime-runlens-%1"_s.arg(getuid()));
            QDir().mkpath(dir);
            QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                           QFileDevice::ExeOwner);
            qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
        }
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    setIdentity();
    const QStringList args = QCoreApplication::arguments().mid(1);
    if (args[0] == u"--help" || args[0] == u"-h") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (args[0] == u"--version") {
        std::printf("runlens %s\n", qPrintable(QCoreApplication::applicationVersion()));
        return 0;
    }
    return runlens::cli::run(args);
}
