#include "mainwindow.h"

#include "analysis/savedview.h"
#include "readers/reader.h"
#include "detailspane.h"
#include "diffwindow.h"
#include "exportdialog.h"
#include "groupbar.h"
#include "grouptreemodel.h"
#include "grouptreeview.h"
#include "issuespanel.h"
#include "keychooser.h"
#include "keytreemodel.h"
#include "pivotdialog.h"
#include "plotpanel.h"
#include "queryedit.h"
#include "runloader.h"
#include "runtablemodel.h"
#include "runtableview.h"
#include "viewexport.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QCryptographicHash>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScopedValueRollback>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxRecent = 10;

QString formatCount(qint64 n) {
    return QLocale::system().toString(n);
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_model(new RunTableModel(this))
    , m_view(new RunTableView(this))
    , m_details(new DetailsPane(this))
    , m_issues(new IssuesPanel(this))
    , m_keys(new KeyChooser(this))
    , m_loader(new RunLoader(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_filter(new QueryEdit(this))
    , m_plots(new PlotPanel(m_model, this))
    , m_filterMessage(new QLabel(this))
    , m_filterTimer(new QTimer(this))
    , m_watcher(new QFileSystemWatcher(this))
    , m_liveTimer(new QTimer(this))
    , m_status(new QLabel(this))
    , m_progressText(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_groupBar(new GroupBar(this))
    , m_groupModel(new GroupTreeModel(this))
    , m_groupView(new GroupTreeView(this))
    , m_stack(new QStackedWidget(this))
    , m_groupTimer(new QTimer(this)) {
    setWindowTitle(tr("RunLens"));
    setAcceptDrops(true);
    m_view->setRunModel(m_model);
    m_loader->setCacheDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation));
    m_groupView->setGroupModel(m_groupModel);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_groupView);
    auto *centre = new QWidget(this);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    centreLayout->addWidget(m_groupBar);
    centreLayout->addWidget(m_stack, 1);
    m_splitter->addWidget(centre);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    setCentralWidget(m_splitter);

    auto *dock = new QDockWidget(tr("Issues"), this);
    dock->setObjectName(u"issuesDock"_s);
    dock->setWidget(m_issues);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    auto *keysDock = new QDockWidget(tr("Keys"), this);
    keysDock->setObjectName(u"keysDock"_s);
    keysDock->setWidget(m_keys);
    addDockWidget(Qt::LeftDockWidgetArea, keysDock);
    auto *plotsDock = new QDockWidget(tr("Plots"), this);
    plotsDock->setObjectName(u"plotsDock"_s);
    plotsDock->setWidget(m_plots);
    addDockWidget(Qt::BottomDockWidgetArea, plotsDock);
    tabifyDockWidget(dock, plotsDock);
    plotsDock->raise();

    m_filter->setPlaceholderText(
        tr("Filter runs (Ctrl+F): words, or a query such as  optimizer.lr < 1e-3 and seed == 0"));
    m_filter->setClearButtonEnabled(true);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(200);
    connect(m_filter, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(m_filterTimer, &QTimer::timeout, this, &MainWindow::applyFilter);
    connect(m_filter, &QLineEdit::returnPressed, this, &MainWindow::applyFilter);
    m_filter->setCompleter([this](const QString &text, int cursor) {
        return completeQuery(text, cursor, m_model->table());
    });
    m_filter->setHistory(QSettings().value(u"filter/history"_s).toStringList());
    connect(m_filter, &QueryEdit::historyChanged, this,
            [this] { QSettings().setValue(u"filter/history"_s, m_filter->history()); });
    m_filter->clearError();
    m_filterMessage->setStyleSheet(u"color: #c0392b;"_s);
    m_filterMessage->setMaximumWidth(420);

    m_progress->setMaximumWidth(200);
    m_progress->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progressText);
    statusBar()->addPermanentWidget(m_progress);

    createActions();
    dock->toggleViewAction()->setShortcut(QKeySequence(u"Ctrl+I"_s));
    menuBar()->actions().value(2)->menu()->addAction(dock->toggleViewAction());
    keysDock->toggleViewAction()->setShortcut(QKeySequence(u"Ctrl+K"_s));
    menuBar()->actions().value(2)->menu()->addAction(keysDock->toggleViewAction());
    plotsDock->toggleViewAction()->setShortcut(QKeySequence(u"Ctrl+P"_s));
    menuBar()->actions().value(2)->menu()->addAction(plotsDock->toggleViewAction());
    wirePlots();
    connect(m_keys->model(), &KeyTreeModel::hiddenColumnsChanged, this, [this] {
        if (!m_keys->model()->table()) return; // between loads the run model's default applies
        keepSelection([this] { m_model->setHiddenColumns(m_keys->model()->hiddenColumns()); });
        saveColumnChoice();
        updateStatus();
    });

    // Changes come in bursts while a run writes: reload once things settle.
    m_liveTimer->setSingleShot(true);
    m_liveTimer->setInterval(1500);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_liveTimer,
            qOverload<>(&QTimer::start));
    connect(m_watcher, &QFileSystemWatcher::fileChanged, m_liveTimer, qOverload<>(&QTimer::start));
    connect(m_liveTimer, &QTimer::timeout, this, [this] {
        if (m_exporting) { // the table must hold still while an export writes it
            m_liveTimer->start();
            return;
        }
        if (m_live->isChecked() && !m_loader->isLoading()) reload();
    });
    connect(m_loader, &RunLoader::runsRead, this, &MainWindow::onRunsRead);
    connect(m_loader, &RunLoader::tableRead, this,
            [this](const std::shared_ptr<RunTable> &table) { m_pendingTable = table; });
    connect(m_loader, &RunLoader::progress, this, &MainWindow::onProgress);
    connect(m_loader, &RunLoader::scanning, this, [this](int folders, int found) {
        m_progressText->setText(tr("Scanning… %1 folders, %2 runs found")
                                    .arg(formatCount(folders), formatCount(found)));
    });
    connect(m_loader, &RunLoader::finished, this, &MainWindow::onFinished);
    connect(m_view, &RunTableView::columnMoved, this, &MainWindow::saveColumnOrder);
    connect(m_model, &RunTableModel::pinnedColumnsChanged, this, &MainWindow::saveColumnOrder);
    connect(m_model, &RunTableModel::summariesChanged, this, &MainWindow::saveColumnOrder);
    connect(m_view, &RunTableView::headerMenuRequested, this, &MainWindow::showHeaderMenu);
    // Right-click on runs: the Runs menu (diff, baseline, folder path).
    for (QAbstractItemView *v : {static_cast<QAbstractItemView *>(m_view),
                                 static_cast<QAbstractItemView *>(m_groupView)}) {
        v->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(v, &QWidget::customContextMenuRequested, this, [this, v](const QPoint &pos) {
            // The cell under the mouse offers to narrow the filter to its value, or away.
            const QModelIndex index = v->indexAt(pos);
            const RunTable &table = m_model->table();
            int column = -1, row = -1;
            std::optional<RunField> field;
            if (index.isValid() && v == m_view) {
                const ViewColumn &c = m_model->viewColumns()[std::size_t(index.column())];
                row = m_model->tableRow(index.row());
                column = c.column;
                field = c.field;
            } else if (index.isValid()) {
                row = m_groupModel->tableRow(index);
                column = m_groupModel->tableColumn(index.column());
            }
            const bool fieldOk = field == RunField::Name || field == RunField::Status ||
                                 field == RunField::Format;
            QMenu menu(this);
            if (row >= 0 && (column >= 0 || fieldOk)) {
                const Value value = field ? runFieldValue(table.run(row), *field)
                                          : table.value(row, column);
                const QString key = field ? runFieldName(*field) : queryKey(table, column);
                const QString shown = value.isMissing() ? tr("missing") : queryLiteral(value);
                menu.addAction(tr("Filter to %1 = %2").arg(key, shown), this,
                               [=, this] { filterToValue(column, field, value, false); });
                menu.addAction(tr("Exclude %1 = %2").arg(key, shown), this,
                               [=, this] { filterToValue(column, field, value, true); });
                menu.addSeparator();
            }
            menu.addActions(m_runsMenu->actions());
            menu.exec(v->viewport()->mapToGlobal(pos));
        });
    }
    connect(m_keys, &KeyChooser::groupByRequested, this, [this](int column) {
        const ColumnInfo &info = m_model->table().column(column);
        m_groupBar->addKey(familyName(info.family) + u':' + info.display);
    });
    connect(m_keys, &KeyChooser::pinRequested, this, [this](int column) {
        m_keys->model()->setColumnsShown({column}, true);
        for (int c = 0; c < m_model->columnCount(); ++c)
            if (m_model->tableColumn(c) == column) {
                keepSelection([&] { m_model->setColumnPinned(c, true); });
                break;
            }
    });

    // Grouping follows the runs table: at once when the table was replaced (the groups point
    // into it), shortly after rows stream in, the sort changes or columns come and go.
    m_groupTimer->setSingleShot(true);
    m_groupTimer->setInterval(150);
    connect(m_groupTimer, &QTimer::timeout, this, &MainWindow::refreshGroups);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::refreshGroups);
    const auto regroupSoon = [this] {
        if (!m_groupBar->keys().isEmpty()) m_groupTimer->start();
    };
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::columnsInserted,
                        &QAbstractItemModel::columnsRemoved})
        connect(m_model, signal, this, regroupSoon);
    connect(m_model, &QAbstractItemModel::columnsMoved, this, regroupSoon);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, regroupSoon);
    connect(m_groupBar, &GroupBar::keysChanged, this, [this] {
        refreshGroups();
        saveGrouping();
    });
    connect(m_groupBar, &GroupBar::aggregatesChanged, this, [this] {
        m_groupModel->setAggregates(m_groupBar->aggregates(), m_groupBar->joined());
        m_groupView->fitColumns();
        saveGrouping();
    });
    connect(m_groupBar, &GroupBar::nestedChanged, this, [this] {
        refreshGroups();
        saveGrouping();
    });
    connect(m_groupBar, &GroupBar::collapseSeedsRequested, this, &MainWindow::collapseSeeds);
    connect(m_groupBar, &GroupBar::pivotRequested, this, &MainWindow::showPivot);
    connect(m_groupView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelectedRun);
    connect(m_groupView, &GroupTreeView::headerMenuRequested, this,
            &MainWindow::showGroupHeaderMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelectedRun);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::showSelectedRun);
    connect(m_issues, &IssuesPanel::runActivated, this, [this](const QString &id) {
        const int row = m_model->viewRowOfRun(id);
        if (row >= 0) m_view->selectRow(row);
    });

    QSettings settings;
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
    {
        std::vector<Aggregate> aggregates;
        for (const QString &name : settings.value(u"grouping/aggregates"_s).toStringList())
            if (const auto a = aggregateFromName(name)) aggregates.push_back(*a);
        if (!aggregates.empty() || settings.contains(u"grouping/joined"_s))
            m_groupBar->setAggregates(aggregates,
                                      settings.value(u"grouping/joined"_s, true).toBool());
        QHash<QString, int> directions;
        const QVariantMap saved = settings.value(u"grouping/directions"_s).toMap();
        for (auto it = saved.cbegin(); it != saved.cend(); ++it)
            directions.insert(it.key(), it.value().toInt());
        m_groupModel->setDirectionOverrides(directions);
    }
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_splitter->restoreState(settings.value(u"window/splitter"_s).toByteArray());
    m_varying->setChecked(settings.value(u"view/varyingOnly"_s, true).toBool());
    m_model->setVaryingOnly(m_varying->isChecked());
    if (!settings.contains(u"window/geometry"_s)) {
        resize(1280, 760);
        // Dock sizes apply once the window is laid out.
        QTimer::singleShot(0, this, [this, dock, keysDock] {
            resizeDocks({dock}, {140}, Qt::Vertical);
            resizeDocks({keysDock}, {360}, Qt::Horizontal);
        });
        m_splitter->setSizes({900, 380});
    }
    updateRecentMenu();
    updateStatus();
}

MainWindow::~MainWindow() = default;

QString MainWindow::exampleRunsPath() {
    const QStringList candidates = {
        qEnvironmentVariable("RUNLENS_EXAMPLES"),
        QCoreApplication::applicationDirPath() + u"/../share/runlens/examples/runs"_s,
#ifdef RUNLENS_EXAMPLES_DIR
        QStringLiteral(RUNLENS_EXAMPLES_DIR),
#endif
    };
    for (const QString &c : candidates)
        if (!c.isEmpty() && QFileInfo(c).isDir()) return QDir(c).absolutePath();
    return {};
}

QStringList MainWindow::exampleFolders() {
    const QString runs = exampleRunsPath();
    if (runs.isEmpty()) return {};
    QStringList folders{runs};
    // The MLflow, Lightning and Optuna examples beside the W&B sweep.
    if (const QString more = QDir(runs).absoluteFilePath(u"../more"_s); QFileInfo(more).isDir())
        folders << QDir(more).absolutePath();
    return folders;
}

void MainWindow::createActions() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Folder…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open run folder"),
                                                              m_folders.value(0, QDir::homePath()));
        if (!dir.isEmpty()) openFolders({dir});
    });
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open &Example Runs"), this, [this] {
        const QStringList folders = exampleFolders();
        if (folders.isEmpty())
            QMessageBox::warning(this, tr("RunLens"),
                                 tr("The bundled example runs were not found."));
        else
            openFolders(folders);
    });
    QAction *reload = file->addAction(tr("&Reload"), this, &MainWindow::reload);
    reload->setShortcut(QKeySequence::Refresh);
    m_cancel = file->addAction(tr("&Cancel Loading"), m_loader, &RunLoader::cancel);
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setEnabled(false);
    file->addSeparator();
    m_export = file->addAction(tr("&Export…"), this, [this] { exportView(); });
    m_export->setShortcut(QKeySequence(u"Ctrl+E"_s));
    m_export->setToolTip(tr("Write the table as shown (or the selected runs) as CSV, TSV, "
                            "Markdown, LaTeX, HTML or JSON"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *copy = edit->addAction(tr("&Copy Cells as TSV"), this, [this] {
        QApplication::clipboard()->setText(m_view->selectionAsTsv());
    });
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction *copyPath = edit->addAction(tr("Copy Run &Folder Path"), this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (!current.isValid()) return;
        QApplication::clipboard()->setText(
            m_model->table().run(m_model->tableRow(current.row())).path);
    });
    copyPath->setShortcut(QKeySequence(u"Ctrl+Shift+C"_s));
    QMenu *copyAs = edit->addMenu(tr("Copy Selection &As"));
    for (const auto &[label, format, keys] :
         {std::tuple{tr("&Markdown"), TableFormat::Markdown, u"Ctrl+Alt+M"_s},
          std::tuple{tr("&LaTeX"), TableFormat::Latex, u"Ctrl+Alt+L"_s},
          std::tuple{tr("&TSV"), TableFormat::Tsv, u"Ctrl+Alt+T"_s}}) {
        QAction *a = copyAs->addAction(label, this, [this, format] {
            QApplication::clipboard()->setText(QString::fromUtf8(selectionAs(format)));
        });
        a->setShortcut(QKeySequence(keys));
    }
    QAction *find = edit->addAction(tr("&Filter Runs"), this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    m_runsMenu = menuBar()->addMenu(tr("&Runs"));
    QAction *diff = m_runsMenu->addAction(tr("&Diff Selected Runs"), this, [this] {
        const QStringList ids = selectedRunIds();
        if (ids.size() < 2) {
            statusBar()->showMessage(tr("Select two or more runs to diff (Ctrl+click, "
                                        "Shift+click)"),
                                     4000);
            return;
        }
        diffRuns(ids);
    });
    diff->setShortcut(QKeySequence(u"Ctrl+D"_s));
    QAction *baseline = m_runsMenu->addAction(tr("Set as &Baseline"), this, [this] {
        const QStringList ids = selectedRunIds();
        if (!ids.isEmpty()) setBaseline(ids.first());
    });
    baseline->setShortcut(QKeySequence(u"Ctrl+B"_s));
    baseline->setToolTip(tr("Compare every run with this one: differing cells are marked"));
    m_runsMenu->addAction(tr("&Clear Baseline"), this, [this] { setBaseline({}); });
    m_showDeltas = m_runsMenu->addAction(tr("Show Metric &Deltas to Baseline"));
    m_showDeltas->setCheckable(true);
    m_showDeltas->setShortcut(QKeySequence(u"Ctrl+Shift+B"_s));
    connect(m_showDeltas, &QAction::toggled, m_model, &RunTableModel::setShowDeltas);
    m_runsMenu->addSeparator();
    m_runsMenu->addAction(copyPath);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_varying = view->addAction(tr("&Varying Keys Only"));
    m_varying->setCheckable(true);
    m_varying->setShortcut(QKeySequence(u"Ctrl+Shift+V"_s));
    m_varying->setToolTip(tr("Hide keys whose value is the same in every shown run"));
    connect(m_varying, &QAction::toggled, this, [this](bool on) {
        keepSelection([&] { m_model->setVaryingOnly(on); });
        updateStatus();
    });
    QAction *deleted = view->addAction(tr("Show &Deleted Runs"));
    deleted->setCheckable(true);
    deleted->setToolTip(tr("Also list the runs their tool marks deleted (MLflow, Guild)"));
    connect(deleted, &QAction::toggled, this, [this](bool on) {
        m_loader->setIncludeDeleted(on);
        if (!m_folders.isEmpty()) this->reload();
    });
    m_live = view->addAction(tr("&Live Mode"));
    m_live->setCheckable(true);
    m_live->setShortcut(QKeySequence(u"Ctrl+L"_s));
    m_live->setToolTip(tr("Watch the open folders and pick up new runs and changed metrics"));
    connect(m_live, &QAction::toggled, this, &MainWindow::updateWatches);
    QAction *fit = view->addAction(tr("&Fit Columns"), m_view, &RunTableView::fitColumns);
    fit->setShortcut(QKeySequence(u"Ctrl+Shift+F"_s));
    view->addSeparator();
    QAction *groupBy = view->addAction(tr("&Group by Current Column"), this, [this] {
        const QModelIndex current = m_view->currentIndex();
        const int column = current.isValid() ? m_model->tableColumn(current.column()) : -1;
        if (column < 0 || m_model->table().column(column).family == Family::Metric) {
            statusBar()->showMessage(tr("Select a cell of a config key to group by it"), 4000);
            return;
        }
        const ColumnInfo &info = m_model->table().column(column);
        m_groupBar->addKey(familyName(info.family) + u':' + info.display);
    });
    groupBy->setShortcut(QKeySequence(u"Ctrl+G"_s));
    QAction *collapse =
        view->addAction(tr("&Collapse over Seeds…"), this, &MainWindow::collapseSeeds);
    collapse->setShortcut(QKeySequence(u"Ctrl+Shift+G"_s));
    QAction *ungroup = view->addAction(tr("&Ungroup"), this, [this] { m_groupBar->setKeys({}); });
    ungroup->setShortcut(QKeySequence(u"Ctrl+Shift+U"_s));
    QAction *pivot = view->addAction(tr("&Pivot…"), this, &MainWindow::showPivot);
    pivot->setShortcut(QKeySequence(u"Ctrl+Shift+P"_s));
    view->addSeparator();
    QAction *saveView = view->addAction(tr("&Save View As…"), this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(
            this, tr("Save View"),
            tr("Name of the view (filter, columns, sort, grouping, baseline); it is saved as "
               "a small JSON file in %1:")
                .arg(m_folders.isEmpty() ? QString() : viewsFolder(m_folders.first())),
            QLineEdit::Normal, {}, &ok);
        if (!ok || name.trimmed().isEmpty()) return;
        QString error;
        if (!saveViewAs(name.trimmed(), &error))
            QMessageBox::warning(this, tr("Save View"), error);
    });
    saveView->setShortcut(QKeySequence(u"Ctrl+Shift+S"_s));
    m_viewsMenu = view->addMenu(tr("Saved &Views"));
    m_viewsMenu->setEnabled(false);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About RunLens"), this, [this] {
        QMessageBox::about(
            this, tr("About RunLens"),
            tr("RunLens %1\nCompare machine-learning runs by config and metrics, straight "
               "from their folders.")
                .arg(QCoreApplication::applicationVersion()));
    });

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolBar"_s);
    bar->setMovable(false);
    bar->addAction(open);
    bar->addAction(reload);
    bar->addAction(m_varying);
    bar->addAction(m_live);
    bar->addSeparator();
    bar->addWidget(m_filter);
    bar->addWidget(m_filterMessage);
    bar->addAction(m_cancel);
}

void MainWindow::openFolders(const QStringList &folders) {
    QStringList clean;
    for (const QString &f : folders)
        clean << QDir(f).absolutePath();
    m_folders = clean;
    setWindowTitle(tr("%1 — RunLens").arg(clean.join(u", "_s)));
    QSettings settings;
    QStringList recent = settings.value(u"recent/folders"_s).toStringList();
    const QString entry = clean.join(u'\n');
    recent.removeAll(entry);
    recent.prepend(entry);
    settings.setValue(u"recent/folders"_s, recent.mid(0, kMaxRecent));
    updateRecentMenu();

    m_refreshing = false;
    m_pendingTable.reset();
    m_model->clear();
    m_keys->model()->setTable(nullptr);
    m_issues->setTable(nullptr);
    m_fittedColumns = false;
    m_progress->setRange(0, 0);
    m_progress->show();
    m_progressText->setText(tr("Scanning…"));
    m_cancel->setEnabled(true);
    m_export->setEnabled(false);
    m_loader->start(clean);
    updateStatus();
}

void MainWindow::reload() {
    if (m_folders.isEmpty()) return;
    m_refreshing = true;
    m_pendingTable.reset();
    m_progress->setRange(0, 0);
    m_progress->show();
    m_progressText->setText(tr("Reloading…"));
    m_cancel->setEnabled(true);
    m_export->setEnabled(false);
    m_loader->start(m_folders, RunLoader::Delivery::WholeTable);
}

void MainWindow::onRunsRead(const std::shared_ptr<std::vector<RunRecord>> &batch) {
    m_model->appendRuns(std::move(*batch));
    if (!m_fittedColumns && m_model->rowCount() > 0) {
        m_view->fitColumns();
        m_fittedColumns = true;
    }
    updateStatus();
}

void MainWindow::onProgress(int done, int total, double rate) {
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(done);
    const int left = rate > 0 ? int((total - done) / rate) : 0;
    m_progressText->setText(
        tr("%1 of %2 runs · %3 runs/s · %4:%5 left")
            .arg(formatCount(done), formatCount(total), formatCount(qint64(rate)))
            .arg(left / 60)
            .arg(left % 60, 2, 10, QChar(u'0')));
}

void MainWindow::onFinished(const ScanStats &stats, int merged, bool cancelled) {
    if (m_pendingTable && !cancelled) { // a reload's table, or the last load's snapshot
        keepSelection([this] { m_model->replaceTable(std::move(*m_pendingTable)); });
    } else {
        keepSelection([this] { m_model->finishLoading(); });
        // The table built from the batches is what the next open of these folders takes
        // whole, when nothing in them changed.
        if (!cancelled && !m_refreshing) m_loader->saveSnapshot(m_model->table());
    }
    m_refreshing = false;
    m_pendingTable.reset();
    // A query typed (or restored) while keys were still arriving is read again now; one that
    // a reload made wrong (a key gone) shows why.
    if (!m_filter->text().trimmed().isEmpty()) applyFilter();
    {
        // A fresh chooser starts from the defaults: that is not the user's choice to save.
        const QScopedValueRollback guard(m_restoringColumns, true);
        m_keys->model()->setTable(&m_model->table());
        keepSelection([this] { restoreColumnChoice(); });
    }
    m_issues->setTable(&m_model->table());
    updateGroupKeys();
    updateViewsMenu();
    m_view->fitColumns();
    m_progress->hide();
    m_cancel->setEnabled(false);
    m_export->setEnabled(true);
    m_scanSummary = stats.summary();
    if (merged > 0)
        m_scanSummary += tr("; %n folder(s) merged into the run they copy", nullptr, merged);
    m_progressText->setText(cancelled ? tr("Loading cancelled") : QString());
    if (m_view->currentIndex().row() < 0 && m_model->rowCount() > 0) m_view->selectRow(0);
    updateStatus();
    updateWatches();
    emit loadFinished();
}

std::unique_ptr<TableSource> MainWindow::viewSource(const ExportChoice &choice) const {
    const bool grouped = m_stack->currentWidget() == m_groupView;
    std::vector<int> rows = m_model->shownRows();
    if (choice.selectedRows) {
        if (grouped) {
            rows = runsUnder(*m_groupModel, m_groupView->selectionModel()->selectedRows());
        } else {
            QModelIndexList selected = m_view->selectionModel()->selectedRows();
            std::sort(selected.begin(), selected.end(),
                      [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
            rows.clear();
            for (const QModelIndex &i : selected)
                rows.push_back(m_model->tableRow(i.row()));
        }
    }
    if (grouped) return groupViewSource(*m_model, *m_groupModel, std::move(rows), choice);
    return runViewSource(*m_model, std::move(rows), choice, m_groupModel->directionOverrides());
}

QByteArray MainWindow::selectionAs(TableFormat format) const {
    ExportChoice choice;
    choice.format = format;
    const QItemSelectionModel *selection = m_stack->currentWidget() == m_groupView
                                               ? m_groupView->selectionModel()
                                               : m_view->selectionModel();
    choice.selectedRows = selection->hasSelection();
    const std::unique_ptr<TableSource> source = viewSource(choice);
    return source ? renderTable(*source, format) : QByteArray();
}

ExportDialog *MainWindow::exportView() {
    const bool grouped = m_stack->currentWidget() == m_groupView;
    ExportOffer offer;
    offer.noun = grouped ? tr("groups") : tr("runs");
    offer.pathChoice = !grouped;
    if (grouped) {
        offer.shownRows = m_groupModel->groupCount();
        int selected = 0;
        for (const QModelIndex &i : m_groupView->selectionModel()->selectedRows())
            selected += m_groupModel->tableRow(i) < 0 ? 1 : 0;
        offer.selectedRows = selected;
    } else {
        offer.shownRows = m_model->rowCount();
        offer.selectedRows = int(m_view->selectionModel()->selectedRows().size());
    }
    offer.source = m_folders.join(u", "_s);
    offer.baseName = m_folders.isEmpty() ? u"runs"_s : QFileInfo(m_folders.first()).fileName();
    ExportDialog *dialog =
        ExportDialog::open(this, [this](const ExportChoice &c) { return viewSource(c); }, offer,
                           {m_model, m_groupModel});
    connect(dialog, &ExportDialog::busyChanged, this, [this](bool busy) { m_exporting = busy; });
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        statusBar()->showMessage(tr("Exported to %1").arg(dialog->savedPath()), 6000);
    });
    return dialog;
}

QString MainWindow::statusText() const { return m_status->text(); }

void MainWindow::updateStatus() {
    const int runs = m_model->table().rowCount();
    const bool filtered = !m_model->filterQuery().isEmpty() || !m_model->filterText().isEmpty();
    QString text = filtered ? tr("%1 of %2 run(s) match the filter")
                                  .arg(formatCount(m_model->rowCount()), formatCount(runs))
                            : tr("%1 run(s)").arg(formatCount(runs));
    text += tr(" · %1 key(s)").arg(formatCount(m_model->keyColumnCount()));
    if (!m_loader->isLoading()) text += tr(" (%1 varying)").arg(m_model->varyingKeyCount());
    if (m_groupModel->groupCount() > 0)
        text += tr(" · %n group(s)", nullptr, m_groupModel->groupCount());
    if (const int base = m_model->baselineRow(); base >= 0)
        text += tr(" · baseline %1").arg(m_model->table().run(base).name);
    if (m_model->runsWithProblems() > 0)
        text += tr(" · %n run(s) with issues", nullptr, m_model->runsWithProblems());
    m_status->setText(text);
    m_status->setToolTip(m_scanSummary);
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(u"recent/folders"_s).toStringList();
    for (const QString &entry : recent) {
        const QStringList folders = entry.split(u'\n');
        m_recentMenu->addAction(folders.join(u", "_s), this,
                                [this, folders] { openFolders(folders); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

/// Settings key of the column choice for the open folder set.
static QString columnChoiceKey(const QStringList &folders) {
    QStringList sorted = folders;
    sorted.sort();
    const QByteArray hash =
        QCryptographicHash::hash(sorted.join(u'\n').toUtf8(), QCryptographicHash::Sha1);
    return u"columns/"_s + QString::fromLatin1(hash.toHex().left(16));
}

void MainWindow::saveColumnChoice() {
    if (m_restoringColumns || m_folders.isEmpty()) return;
    // By name, not by number: the table numbers its columns anew on every load.
    QStringList hidden;
    const RunTable &table = m_model->table();
    for (int c : m_keys->model()->hiddenColumns())
        hidden << familyName(table.column(c).family) + u':' + table.column(c).display;
    hidden.sort();
    QSettings().setValue(columnChoiceKey(m_folders) + u"/hidden"_s, hidden);
}

void MainWindow::saveColumnOrder() {
    if (m_restoringColumns || m_folders.isEmpty()) return;
    QSettings settings;
    settings.setValue(columnChoiceKey(m_folders) + u"/order"_s, m_model->columnOrder());
    settings.setValue(columnChoiceKey(m_folders) + u"/pinned"_s, m_model->pinnedColumns());
    QVariantMap summaries;
    const QHash<QString, QString> chosen = m_model->summaries();
    for (auto it = chosen.cbegin(); it != chosen.cend(); ++it)
        summaries.insert(it.key(), it.value());
    settings.setValue(columnChoiceKey(m_folders) + u"/summaries"_s, summaries);
}

void MainWindow::showHeaderMenu(int column, const QPoint &globalPos) {
    if (column < 0 || column >= m_model->columnCount()) return;
    const QString name = m_model->headerData(column, Qt::Horizontal).toString();
    QMenu menu(this);
    menu.addAction(tr("Sort Ascending"), this, [this, column] {
        m_model->sort(column, Qt::AscendingOrder);
        m_view->horizontalHeader()->setSortIndicator(column, Qt::AscendingOrder);
    });
    menu.addAction(tr("Sort Descending"), this, [this, column] {
        m_model->sort(column, Qt::DescendingOrder);
        m_view->horizontalHeader()->setSortIndicator(column, Qt::DescendingOrder);
    });
    menu.addSeparator();
    const bool pinned = m_model->isColumnPinned(column);
    menu.addAction(pinned ? tr("Unpin “%1”").arg(name) : tr("Pin “%1” to the Left").arg(name), this,
                   [this, column, pinned] {
                       keepSelection([&] { m_model->setColumnPinned(column, !pinned); });
                   });
    // A metric shown as a summary stands for the metric itself.
    const int tableColumn = keyColumn(m_model->viewColumns()[std::size_t(column)]);
    if (m_model->hasHistory(column)) {
        QMenu *show = menu.addMenu(tr("Show over Each Run's History"));
        auto *choice = new QActionGroup(show);
        const MetricSummary current = m_model->columnSummary(column);
        for (const auto &[summary, label] :
             {std::pair{MetricSummary::Last, tr("&Last Value")},
              std::pair{MetricSummary::Min, tr("&Minimum")},
              std::pair{MetricSummary::Max, tr("Ma&ximum")},
              std::pair{MetricSummary::Mean, tr("M&ean")}}) {
            QAction *a = show->addAction(label, this, [this, column, summary] {
                keepSelection([&] { m_model->setColumnSummary(column, summary); });
            });
            a->setCheckable(true);
            a->setChecked(summary == current);
            choice->addAction(a);
        }
    }
    if (tableColumn >= 0) {
        menu.addAction(tr("Hide “%1”").arg(name), this, [this, tableColumn] {
            m_keys->model()->setColumnsShown({tableColumn}, false);
        });
        const ColumnInfo &info = m_model->table().column(tableColumn);
        if (info.family != Family::Metric) {
            const QString id = familyName(info.family) + u':' + info.display;
            QAction *group = menu.addAction(tr("Group by “%1”").arg(name), this,
                                            [this, id] { m_groupBar->addKey(id); });
            group->setEnabled(!m_groupBar->keys().contains(id));
        }
        menu.addAction(tr("Copy Key Name"), this, [this, tableColumn] {
            QApplication::clipboard()->setText(m_model->table().column(tableColumn).display);
        });
    }
    menu.exec(globalPos);
}

void MainWindow::restoreColumnChoice() {
    QSettings settings;
    m_model->setColumnOrder(settings.value(columnChoiceKey(m_folders) + u"/order"_s).toStringList());
    m_model->setPinnedColumns(
        settings.value(columnChoiceKey(m_folders) + u"/pinned"_s, QStringList{u"run:name"_s})
            .toStringList());
    m_model->setBaselineRun(settings.value(columnChoiceKey(m_folders) + u"/baseline"_s).toString());
    {
        QHash<QString, QString> summaries;
        const QVariantMap saved = settings.value(columnChoiceKey(m_folders) + u"/summaries"_s).toMap();
        for (auto it = saved.cbegin(); it != saved.cend(); ++it)
            summaries.insert(it.key(), it.value().toString());
        m_model->setSummaries(summaries);
    }
    m_groupBar->setNested(settings.value(columnChoiceKey(m_folders) + u"/groupNested"_s, true).toBool());
    m_groupBar->setKeys(settings.value(columnChoiceKey(m_folders) + u"/groupBy"_s).toStringList());
    const QVariant saved = settings.value(columnChoiceKey(m_folders) + u"/hidden"_s);
    if (!saved.isValid()) return;
    const QStringList names = saved.toStringList();
    const QSet<QString> hiddenNames(names.begin(), names.end());
    const RunTable &table = m_model->table();
    QSet<int> hidden;
    for (int c = 0; c < table.columnCount(); ++c)
        if (hiddenNames.contains(familyName(table.column(c).family) + u':' +
                                 table.column(c).display))
            hidden.insert(c);
    const QScopedValueRollback guard(m_restoringColumns, true);
    m_keys->model()->setHiddenColumns(hidden);
}

void MainWindow::updateWatches() {
    if (!m_watcher->files().isEmpty()) m_watcher->removePaths(m_watcher->files());
    if (!m_watcher->directories().isEmpty()) m_watcher->removePaths(m_watcher->directories());
    if (!m_live->isChecked() || m_folders.isEmpty()) return;
    // inotify watches are a scarce system resource: the roots, the folders holding runs (new
    // runs appear there) and the metric files of the newest runs (those still training).
    constexpr int kMaxWatches = 1000;
    QSet<QString> dirs(m_folders.begin(), m_folders.end());
    const RunTable &table = m_model->table();
    std::vector<int> newest;
    for (int r = 0; r < table.rowCount(); ++r) {
        dirs.insert(QFileInfo(table.run(r).path).path());
        newest.push_back(r);
    }
    std::sort(newest.begin(), newest.end(),
              [&](int a, int b) { return table.run(a).startMs > table.run(b).startMs; });
    QStringList files;
    static const QStringList metricFiles = {u"files/wandb-summary.json"_s,
                                            u"wandb-summary.json"_s,
                                            u"metrics.json"_s,
                                            u"results.json"_s,
                                            u"summary.json"_s,
                                            u"eval_results.json"_s};
    QSet<QString> runFiles; // databases and journals holding runs: new trials land there
    for (int r : newest) {
        if (dirs.size() + files.size() >= kMaxWatches) break;
        if (const auto inFile = splitRunInFilePath(table.run(r).path)) {
            if (!runFiles.contains(inFile->first)) files << inFile->first;
            runFiles.insert(inFile->first);
            continue;
        }
        for (const QString &name : metricFiles) {
            const QString path = table.run(r).path + u'/' + name;
            if (QFileInfo::exists(path)) files << path;
        }
        // The logs a training appends to: W&B's transaction log (all an offline run has) and
        // TensorBoard's event files.
        static const QStringList logPatterns = {u"run-*.wandb"_s, u"events.out.tfevents.*"_s};
        const QDir dir(table.run(r).path);
        for (const QString &name : dir.entryList(logPatterns, QDir::Files))
            files << dir.filePath(name);
    }
    QStringList watch(dirs.begin(), dirs.end());
    watch = watch.mid(0, kMaxWatches);
    m_watcher->addPaths(watch);
    if (!files.isEmpty()) m_watcher->addPaths(files.mid(0, kMaxWatches - watch.size()));
}

void MainWindow::showSelectedRun() {
    if (m_stack->currentWidget() == m_groupView) {
        m_details->showRun(&m_model->table(), m_groupModel->tableRow(m_groupView->currentIndex()));
        return;
    }
    const QModelIndex current = m_view->currentIndex();
    m_details->showRun(&m_model->table(),
                       current.isValid() ? m_model->tableRow(current.row()) : -1);
}

QStringList MainWindow::selectedRunIds() const {
    QStringList ids;
    if (m_stack->currentWidget() == m_groupView) {
        for (const QModelIndex &i : m_groupView->selectionModel()->selectedRows())
            if (const QString id = i.data(RunTableModel::RunIdRole).toString(); !id.isEmpty())
                ids << id;
        return ids;
    }
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &i : rows)
        ids << i.data(RunTableModel::RunIdRole).toString();
    return ids;
}

DiffWindow *MainWindow::diffRuns(const QStringList &ids) {
    QStringList order = ids;
    // The pinned baseline leads when it is among the runs.
    const QString baseline = m_model->baselineRun();
    if (order.contains(baseline)) order.move(order.indexOf(baseline), 0);
    auto *window = new DiffWindow(m_model, order, this);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    return window;
}

void MainWindow::setBaseline(const QString &id) {
    m_model->setBaselineRun(id);
    if (!m_folders.isEmpty())
        QSettings().setValue(columnChoiceKey(m_folders) + u"/baseline"_s, id);
    updateStatus();
}

QLineEdit *MainWindow::filterEdit() const {
    return m_filter;
}

void MainWindow::wirePlots() {
    // The table's selection is marked in the plots; picking in a plot selects in the table.
    const auto selectionToPlots = [this] {
        std::vector<int> rows;
        if (m_stack->currentWidget() == m_groupView) {
            rows = runsUnder(*m_groupModel, m_groupView->selectionModel()->selectedRows());
        } else {
            for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
                rows.push_back(m_model->tableRow(i.row()));
        }
        m_plots->setSelectedRuns(rows);
    };
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, selectionToPlots);
    connect(m_groupView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            selectionToPlots);
    // A reset (a filter, a reload) changes the selection without saying so.
    connect(m_model, &QAbstractItemModel::modelReset, this, selectionToPlots, Qt::QueuedConnection);
    connect(m_plots, &PlotPanel::runsSelected, this, [this](const std::vector<int> &rows, bool add) {
        if (m_stack->currentWidget() == m_groupView) return; // groups: the plots mark, no more
        QItemSelection selection;
        const QSet<int> wanted(rows.begin(), rows.end());
        for (int r = 0; r < m_model->rowCount(); ++r)
            if (wanted.contains(m_model->tableRow(r)))
                selection.select(m_model->index(r, 0), m_model->index(r, m_model->columnCount() - 1));
        m_view->selectionModel()->select(selection, add ? QItemSelectionModel::Select
                                                        : QItemSelectionModel::ClearAndSelect);
        if (!selection.isEmpty()) m_view->scrollTo(selection.first().topLeft());
    });
    // Grouped: the scatter draws groups and the curves their means.
    // Queued: the grouped view is shown (or hidden) after its model resets.
    connect(m_groupModel, &QAbstractItemModel::modelReset, this, [this] {
        m_plots->setGroupColumns(m_stack->currentWidget() == m_groupView ? m_groupModel->groupKeys()
                                                                         : std::vector<int>());
    }, Qt::QueuedConnection);
    // Brushing writes the equivalent query into the filter bar, after the filter there was.
    connect(m_plots, &PlotPanel::brushFilterChanged, this, [this](const QString &expression) {
        if (!m_brushing) {
            m_brushBaseFilter = m_filter->text().trimmed();
            m_brushing = true;
        }
        QString text = m_brushBaseFilter;
        if (!expression.isEmpty())
            text = text.isEmpty() ? expression : u"("_s + text + u") and "_s + expression;
        if (expression.isEmpty()) m_brushing = false;
        m_filter->setText(text);
        applyFilter();
    });
    // A filter the user types ends the brushing.
    connect(m_filter, &QLineEdit::textEdited, this, [this] {
        m_brushing = false;
        m_plots->clearBrushes();
    });
}

void MainWindow::applyFilter() {
    m_filterTimer->stop();
    const QString text = m_filter->text().trimmed();
    const RunTable &table = m_model->table();
    QueryError error;
    bool ok = true;
    keepSelection([&] {
        if (text.isEmpty() || !looksLikeQuery(text, table)) {
            m_model->setFilterQuery({});
            m_model->setFilterText(text);
        } else if ((ok = m_model->setFilterQuery(text, &error))) {
            m_model->setFilterText({});
        }
    });
    if (ok) {
        m_filter->clearError();
        m_filterMessage->clear();
    } else {
        // The table keeps the last filter that worked; the bar says what is wrong and where.
        m_filter->setError(error);
        m_filterMessage->setText(
            fontMetrics().elidedText(error.toString(), Qt::ElideRight, 410));
        m_filterMessage->setToolTip(error.toString());
    }
    updateStatus();
}

void MainWindow::filterToValue(int column, std::optional<RunField> field, const Value &value,
                               bool exclude) {
    const QString key = field ? queryKey(m_model->table(), *field) : queryKey(m_model->table(), column);
    const QString clause = value.isMissing()
                               ? (exclude ? u"exists "_s : u"missing "_s) + key
                               : key + (exclude ? u" != "_s : u" == "_s) + queryLiteral(value);
    // Added to the query in the bar when there is a valid one; plain words are replaced.
    const QString current = m_filter->text().trimmed();
    const RunTable &table = m_model->table();
    const bool combine = !current.isEmpty() && looksLikeQuery(current, table) &&
                         Query::parse(current, table).has_value();
    m_filter->setText(combine ? u"("_s + current + u") and "_s + clause : clause);
    applyFilter();
    m_filter->remember();
}

bool MainWindow::saveViewAs(const QString &name, QString *error) {
    if (m_folders.isEmpty()) {
        if (error) *error = tr("Open a folder first: views are saved beside the runs.");
        return false;
    }
    SavedView view;
    view.name = name;
    view.filter = m_filter->text().trimmed();
    // The columns shown, in order, and the chosen ones the varying toggle hides just now.
    QSet<QString> listed;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        view.columns << m_model->columnIdentity(c);
        listed.insert(view.columns.last());
    }
    const RunTable &table = m_model->table();
    const QSet<int> hidden = m_keys->model()->hiddenColumns();
    for (int c = 0; c < table.columnCount(); ++c) {
        const QString id = familyName(table.column(c).family) + u':' + table.column(c).display;
        const bool chosen = m_keys->model()->table() ? !hidden.contains(c)
                                                     : table.column(c).family != Family::Meta;
        if (chosen && !listed.contains(id)) view.columns << id;
    }
    view.pinned = m_model->pinnedColumns();
    view.varyingOnly = m_varying->isChecked();
    for (const auto &[column, descending] : m_model->sortState())
        view.sort.push_back(SavedView::Sort{column, descending});
    view.groupBy = m_groupBar->keys();
    view.nested = m_groupBar->nested();
    for (Aggregate a : m_groupBar->aggregates())
        view.aggregates << aggregateName(a);
    view.joined = m_groupBar->joined();
    view.baseline = m_model->baselineRun();
    if (!saveView(m_folders.first(), view, error)) return false;
    updateViewsMenu();
    statusBar()->showMessage(tr("View “%1” saved in %2").arg(name, viewsFolder(m_folders.first())),
                             5000);
    return true;
}

bool MainWindow::applyView(const QString &name, QString *error) {
    if (m_folders.isEmpty()) return false;
    const std::optional<SavedView> view = loadView(m_folders.first(), name, error);
    if (!view) return false;
    const RunTable &table = m_model->table();
    keepSelection([&] {
        m_varying->setChecked(view->varyingOnly);
        if (!view->columns.isEmpty()) {
            const QSet<QString> shown(view->columns.begin(), view->columns.end());
            QSet<int> hidden;
            for (int c = 0; c < table.columnCount(); ++c)
                if (!shown.contains(familyName(table.column(c).family) + u':' +
                                    table.column(c).display))
                    hidden.insert(c);
            m_keys->model()->setHiddenColumns(hidden);
            m_model->setColumnOrder(view->columns);
        }
        m_model->setPinnedColumns(view->pinned);
        std::vector<std::pair<QString, bool>> sort;
        for (const SavedView::Sort &k : view->sort)
            sort.emplace_back(k.column, k.descending);
        m_model->setSortState(sort);
    });
    std::vector<Aggregate> aggregates;
    for (const QString &a : view->aggregates)
        if (const auto agg = aggregateFromName(a)) aggregates.push_back(*agg);
    if (aggregates.empty()) aggregates = {Aggregate::Mean, Aggregate::Std, Aggregate::Count};
    m_groupBar->setAggregates(aggregates, view->joined);
    m_groupBar->setNested(view->nested);
    m_groupBar->setKeys(view->groupBy);
    setBaseline(view->baseline);
    m_filter->setText(view->filter);
    applyFilter();
    refreshGroups();
    saveColumnChoice();
    saveColumnOrder();
    saveGrouping();
    statusBar()->showMessage(tr("View “%1” applied").arg(name), 4000);
    return true;
}

void MainWindow::updateViewsMenu() {
    m_viewsMenu->clear();
    const QStringList names =
        m_folders.isEmpty() ? QStringList() : savedViewNames(m_folders.first());
    for (const QString &name : names)
        m_viewsMenu->addAction(name, this, [this, name] {
            QString error;
            if (!applyView(name, &error)) QMessageBox::warning(this, tr("Saved Views"), error);
        });
    m_viewsMenu->setEnabled(!names.isEmpty());
}

void MainWindow::refreshGroups() {
    m_groupTimer->stop();
    const RunTable &table = m_model->table();
    std::vector<int> keys;
    if (!m_groupBar->keys().isEmpty()) {
        QHash<QString, int> byIdentity;
        for (int c = 0; c < table.columnCount(); ++c)
            byIdentity.insert(familyName(table.column(c).family) + u':' + table.column(c).display,
                              c);
        for (const QString &id : m_groupBar->keys())
            if (const int c = byIdentity.value(id, -1); c >= 0) keys.push_back(c);
    }
    // Open groups stay open when the same keys group again (a reload, a filter).
    const bool sameKeys =
        m_groupModel->groupKeys() == keys && m_groupModel->nested() == m_groupBar->nested();
    const QStringList expanded = sameKeys ? m_groupView->expandedGroups() : QStringList();
    const bool fit = !sameKeys || m_groupModel->columnCount() == 0;
    // Options first, on an empty model: the old groups may point into a table just replaced.
    m_groupModel->setSource(nullptr, {}, {}, {});
    m_groupModel->setAggregates(m_groupBar->aggregates(), m_groupBar->joined());
    m_groupModel->setNested(m_groupBar->nested());
    m_groupModel->setSource(keys.empty() ? nullptr : &table, m_model->shownRows(),
                            m_model->viewColumns(), keys);
    if (keys.empty()) {
        m_stack->setCurrentWidget(m_view);
    } else {
        m_groupView->expandGroups(expanded);
        if (fit) m_groupView->fitColumns();
        m_stack->setCurrentWidget(m_groupView);
    }
    showSelectedRun();
    updateStatus();
}

void MainWindow::updateGroupKeys() {
    const RunTable &table = m_model->table();
    QStringList identities, names;
    for (Family family : {Family::Config, Family::Meta}) {
        for (int c = 0; c < table.columnCount(); ++c) {
            const ColumnInfo &info = table.column(c);
            if (info.family != family) continue;
            identities << familyName(family) + u':' + info.display;
            names << (family == Family::Config ? info.display : u"meta:"_s + info.display);
        }
    }
    m_groupBar->setAvailableKeys(identities, names);
}

void MainWindow::saveGrouping() {
    QSettings settings;
    QStringList aggregates;
    for (Aggregate a : m_groupBar->aggregates())
        aggregates << aggregateName(a);
    settings.setValue(u"grouping/aggregates"_s, aggregates);
    settings.setValue(u"grouping/joined"_s, m_groupBar->joined());
    if (!m_restoringColumns && !m_folders.isEmpty()) {
        settings.setValue(columnChoiceKey(m_folders) + u"/groupBy"_s, m_groupBar->keys());
        settings.setValue(columnChoiceKey(m_folders) + u"/groupNested"_s, m_groupBar->nested());
    }
}

void MainWindow::showGroupHeaderMenu(int column, const QPoint &globalPos) {
    QMenu menu(this);
    const int tableColumn = m_groupModel->tableColumn(column);
    if (tableColumn >= 0 && m_model->table().column(tableColumn).family == Family::Metric) {
        const Direction direction = m_groupModel->direction(tableColumn);
        QAction *higher = menu.addAction(tr("Higher Is Better"), this, [this, tableColumn] {
            m_groupModel->setDirection(tableColumn, Direction::Higher);
        });
        higher->setCheckable(true);
        higher->setChecked(direction == Direction::Higher);
        QAction *lower = menu.addAction(tr("Lower Is Better"), this, [this, tableColumn] {
            m_groupModel->setDirection(tableColumn, Direction::Lower);
        });
        lower->setCheckable(true);
        lower->setChecked(direction == Direction::Lower);
        connect(&menu, &QMenu::triggered, this, [this] {
            QVariantMap map;
            const QHash<QString, int> overrides = m_groupModel->directionOverrides();
            for (auto it = overrides.cbegin(); it != overrides.cend(); ++it)
                map.insert(it.key(), it.value());
            QSettings().setValue(u"grouping/directions"_s, map);
        });
        menu.addSeparator();
    }
    menu.addAction(tr("Sort Groups Ascending"), this,
                   [this, column] { m_groupView->sortByColumn(column, Qt::AscendingOrder); });
    menu.addAction(tr("Sort Groups Descending"), this,
                   [this, column] { m_groupView->sortByColumn(column, Qt::DescendingOrder); });
    menu.addSeparator();
    menu.addAction(tr("Ungroup"), this, [this] { m_groupBar->setKeys({}); });
    menu.exec(globalPos);
}

void MainWindow::showPivot() {
    auto *dialog = new PivotDialog(m_model, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QStringList keys = m_groupBar->keys();
    dialog->preselect(keys.value(0), keys.value(1));
    dialog->show();
}

void MainWindow::collapseSeeds() {
    const RunTable &table = m_model->table();
    const std::vector<int> &rows = m_model->shownRows();
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Collapse over Seeds"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *text = new QLabel(tr("Runs are grouped by every config key that varies, except the "
                               "repetition keys checked here (seeds and the like), so each "
                               "group averages over its repetitions."),
                            &dialog);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto *list = new QListWidget(&dialog);
    for (int c = 0; c < table.columnCount(); ++c) {
        const ColumnInfo &info = table.column(c);
        if (info.family != Family::Config || columnIsConstant(table, c, rows)) continue;
        auto *item = new QListWidgetItem(info.display, list);
        item->setData(Qt::UserRole, c);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(looksLikeRepetitionKey(info.key) ? Qt::Checked : Qt::Unchecked);
    }
    layout->addWidget(list);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (list->count() == 0) {
        QMessageBox::information(this, tr("Collapse over Seeds"),
                                 tr("No config key varies among the shown runs."));
        return;
    }
    if (dialog.exec() != QDialog::Accepted) return;
    std::vector<int> repetition;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            repetition.push_back(list->item(i)->data(Qt::UserRole).toInt());
    // Keys that take many values and that most runs have first: they tell the groups apart
    // best, and lead the groups' labels.
    std::vector<int> columns = collapseKeyColumns(table, rows, repetition);
    std::vector<std::pair<int, int>> rank(std::size_t(table.columnCount()));
    for (int c : columns) {
        const ColumnSummary s = summarizeColumn(table, c, rows);
        rank[std::size_t(c)] = {s.distinct, s.runs - s.missing};
    }
    std::stable_sort(columns.begin(), columns.end(), [&](int a, int b) {
        return rank[std::size_t(a)] > rank[std::size_t(b)];
    });
    QStringList keys;
    for (int c : columns)
        keys << familyName(Family::Config) + u':' + table.column(c).display;
    if (keys.isEmpty()) {
        QMessageBox::information(this, tr("Collapse over Seeds"),
                                 tr("Only repetition keys vary: every shown run is a "
                                    "repetition of the same setting."));
        return;
    }
    // Many keys nest too deep to read: one group per combination of their values.
    m_groupBar->setNested(keys.size() <= 2);
    m_groupBar->setKeys(keys);
}

template <typename F> void MainWindow::keepSelection(F change) {
    QStringList selected;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        selected << i.data(RunTableModel::RunIdRole).toString();
    const QModelIndex current = m_view->currentIndex();
    const QString currentId =
        current.isValid() ? current.data(RunTableModel::RunIdRole).toString() : QString();
    const int scroll = m_view->verticalScrollBar()->value();
    change();
    QItemSelection selection;
    for (const QString &id : selected) {
        const int row = m_model->viewRowOfRun(id);
        if (row >= 0)
            selection.select(m_model->index(row, 0),
                             m_model->index(row, m_model->columnCount() - 1));
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (const int row = m_model->viewRowOfRun(currentId); row >= 0)
        m_view->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                                  QItemSelectionModel::NoUpdate);
    m_view->verticalScrollBar()->setValue(scroll);
    showSelectedRun();
}

void MainWindow::closeEvent(QCloseEvent *event) {
    m_loader->cancel();
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/splitter"_s, m_splitter->saveState());
    settings.setValue(u"view/varyingOnly"_s, m_varying->isChecked());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (std::any_of(urls.begin(), urls.end(), [](const QUrl &u) {
            return u.isLocalFile() && QFileInfo(u.toLocalFile()).isDir();
        }))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event) {
    QStringList folders;
    for (const QUrl &u : event->mimeData()->urls())
        if (u.isLocalFile() && QFileInfo(u.toLocalFile()).isDir()) folders << u.toLocalFile();
    if (!folders.isEmpty()) {
        openFolders(folders);
        event->acceptProposedAction();
    }
}

} // namespace runlens
