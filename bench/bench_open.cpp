// Opening run folders in the window as a user does, timed from openFolders() to the window's
// loadFinished signal: a first open (rows stream in as they are read; the run cache and the
// table snapshot are written) and a second open of the same folders (nothing changed: the
// snapshot's table is taken whole). The cache and settings go to a temporary folder of this
// process's own. Run it under QT_QPA_PLATFORM=offscreen (or xvfb-run).
//   bench_open FOLDER...
#include "mainwindow.h"
#include "runloader.h"
#include "runtablemodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>

#include <cstdio>
#include <sys/resource.h>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

} // namespace

int main(int argc, char **argv) {
    QTemporaryDir home;
    if (!home.isValid()) return 1;
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(home.filePath(u"config"_s)));
    qputenv("XDG_CACHE_HOME", QFile::encodeName(home.filePath(u"cache"_s)));
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"runlens-bench-open"_s);
    QStringList folders = app.arguments().mid(1);
    if (folders.isEmpty()) {
        std::fprintf(stderr, "usage: bench_open FOLDER...\n");
        return 2;
    }
    MainWindow window;
    window.resize(1400, 900);
    window.show();

    const auto open = [&](const char *what) {
        QEventLoop loop;
        QElapsedTimer clock;
        double firstRows = -1;
        double wholeTable = -1;
        const auto whole = QObject::connect(window.loader(), &RunLoader::tableRead,
                                            [&] { wholeTable = clock.nsecsElapsed() / 1e6; });
        const auto rows =
            QObject::connect(window.runModel(), &QAbstractItemModel::rowsInserted, [&] {
                if (firstRows < 0) firstRows = clock.nsecsElapsed() / 1e6;
            });
        const auto done =
            QObject::connect(&window, &MainWindow::loadFinished, &loop, &QEventLoop::quit);
        clock.start();
        window.openFolders(folders);
        loop.exec();
        const double total = clock.nsecsElapsed() / 1e6;
        QObject::disconnect(rows);
        QObject::disconnect(whole);
        QObject::disconnect(done);
        const auto when = [](double ms) {
            return ms < 0 ? QByteArray("-") : QByteArray::number(ms, 'f', 0) + " ms";
        };
        std::printf("%-12s %8.0f ms to the whole table (%d runs, %d columns); first rows "
                    "after %s; the snapshot's table after %s; peak RSS %.0f MB\n",
                    what, total, window.runModel()->rowCount(), window.runModel()->columnCount(),
                    when(firstRows).constData(), when(wholeTable).constData(), peakRssMb());
        std::fflush(stdout);
    };
    open("first open");
    QElapsedTimer saving;
    saving.start();
    window.loader()->waitForFinished(); // the snapshot is written on a worker
    std::printf("%-12s %8.0f ms more on a worker (the window stays responsive)\n", "snapshot",
                saving.nsecsElapsed() / 1e6);
    open("second open");
    return 0;
}
