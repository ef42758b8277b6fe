#pragma once

#include "readers/scanner.h"
#include "analysis/tableview.h"
#include "export/tablewriter.h"
#include "run/runtable.h"

#include <QMainWindow>

#include <memory>

#include <memory>
#include <vector>

class QFileSystemWatcher;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSplitter;
class QStackedWidget;
class QTimer;
class QToolButton;

namespace runlens {

class DetailsPane;
class KeyChooser;
class IssuesPanel;
class RunLoader;
class RunTableModel;
class RunTableView;
class GroupBar;
class GroupTreeModel;
class GroupTreeView;
class QueryEdit;
class PlotPanel;
class ExportDialog;
struct ExportChoice;

/// The window a researcher opens every day: run folders in, one live table of runs out, with
/// the selected run's details beside it and the load issues below. Wiring only; the data work
/// is in RunTableModel and RunLoader.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens run folders (a new open supersedes a running load).
    void openFolders(const QStringList &folders);
    /// Reads the open folders again and swaps the result in at once, keeping the selection,
    /// scroll position, sort and view settings (F5, and live mode on changes).
    void reload();
    /// The bundled example sweep, or empty when it cannot be found.
    static QString exampleRunsPath();
    /// What --demo and the first start open: the sweep, and the MLflow and Lightning examples
    /// beside it (resources/examples/more) when they are there.
    static QStringList exampleFolders();

    RunTableModel *runModel() const { return m_model; }
    RunTableView *runView() const { return m_view; }
    DetailsPane *detailsPane() const { return m_details; }
    IssuesPanel *issuesPanel() const { return m_issues; }
    KeyChooser *keyChooser() const { return m_keys; }
    RunLoader *loader() const { return m_loader; }
    QLineEdit *filterEdit() const;
    QueryEdit *queryEdit() const { return m_filter; }
    PlotPanel *plotPanel() const { return m_plots; }
    /// Narrows the filter to runs whose `column` (a table column, or a run field when -1 and
    /// `field` is set) equals (or, with `exclude`, does not equal) `value`: a query clause
    /// added to the query there is, or one replacing plain search words.
    void filterToValue(int column, std::optional<RunField> field, const Value &value,
                       bool exclude);
    /// Saves the whole view (filter, columns, sort, grouping, baseline) as `name` beside the
    /// runs (the first open folder); false with `error` set.
    bool saveViewAs(const QString &name, QString *error = nullptr);
    /// Applies a saved view of the first open folder.
    bool applyView(const QString &name, QString *error = nullptr);
    /// The view as shown, as a table to export: the runs table, or the groups when grouped;
    /// only the selected runs (or the runs of the selected groups) with choice.selectedRows.
    std::unique_ptr<TableSource> viewSource(const ExportChoice &choice) const;
    /// The selected runs or groups (all shown when none is selected), with the shown columns,
    /// in a format: what Edit > Copy Selection As puts on the clipboard.
    QByteArray selectionAs(TableFormat format) const;
    /// File > Export: opens the export dialog on the current view (modal; returned for tests).
    ExportDialog *exportView();
    /// The status bar's summary (runs, matches, keys, groups, baseline, problems).
    QString statusText() const;
    QAction *varyingAction() const { return m_varying; }
    QAction *liveAction() const { return m_live; }
    QStringList folders() const { return m_folders; }
    GroupBar *groupBar() const { return m_groupBar; }
    GroupTreeModel *groupModel() const { return m_groupModel; }
    GroupTreeView *groupView() const { return m_groupView; }
    /// Ids of the selected runs, in view order (the runs table or the grouped view).
    QStringList selectedRunIds() const;
    /// Opens a diff of these runs (the first is the baseline unless one is pinned among them).
    class DiffWindow *diffRuns(const QStringList &ids);
    QAction *showDeltasAction() const { return m_showDeltas; }
    /// Pins the run with this id as the baseline (empty: none), remembered per folder set.
    void setBaseline(const QString &id);
    /// Regroups the shown runs now (normally done shortly after the runs or keys change).
    void refreshGroups();

signals:
    /// A load ended and the table shows its result.
    void loadFinished();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void onRunsRead(const std::shared_ptr<std::vector<RunRecord>> &batch);
    void onProgress(int done, int total, double rate);
    void onFinished(const ScanStats &stats, int merged, bool cancelled);
    void updateStatus();
    void updateRecentMenu();
    void showSelectedRun();
    /// Live mode: watch the folders that hold runs and the newest runs' metric files.
    void updateWatches();
    /// The key chooser's choice, remembered per set of open folders.
    void saveColumnChoice();
    void restoreColumnChoice();
    void saveColumnOrder();
    void showHeaderMenu(int column, const QPoint &globalPos);
    void showGroupHeaderMenu(int column, const QPoint &globalPos);
    /// Group by every varying config key but the repetition keys the user marks in a dialog.
    void collapseSeeds();
    void showPivot();
    /// Config and meta keys offered for grouping; the group keys remembered per folder set.
    void updateGroupKeys();
    void saveGrouping();
    /// Reads the filter bar: a query, plain words, or nothing; shows a query's error.
    void applyFilter();
    /// Links the plots with the table: selection both ways, grouping, brushing to the filter.
    void wirePlots();
    void updateViewsMenu();
    /// Runs `change` (a model reset) and selects the same runs again afterwards.
    template <typename F> void keepSelection(F change);

    RunTableModel *m_model;
    RunTableView *m_view;
    DetailsPane *m_details;
    IssuesPanel *m_issues;
    KeyChooser *m_keys;
    RunLoader *m_loader;
    QSplitter *m_splitter;
    QueryEdit *m_filter;
    PlotPanel *m_plots;
    bool m_brushing = false;     ///< the filter bar holds a brushing query
    QString m_brushBaseFilter;   ///< the filter before the brushing began
    QLabel *m_filterMessage;
    QMenu *m_viewsMenu = nullptr;
    QTimer *m_filterTimer;
    QAction *m_varying = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_export = nullptr;
    bool m_exporting = false; ///< an export is writing the table on a thread
    QAction *m_live = nullptr;
    QAction *m_showDeltas = nullptr;
    QMenu *m_runsMenu = nullptr;
    QFileSystemWatcher *m_watcher;
    QTimer *m_liveTimer;
    bool m_refreshing = false;                ///< a reload swaps the whole table in when it is done
    std::shared_ptr<RunTable>
        m_pendingTable; ///< a reload's or snapshot's table, until the load ends
    QMenu *m_recentMenu = nullptr;
    QLabel *m_status;
    QLabel *m_progressText;
    QProgressBar *m_progress;
    GroupBar *m_groupBar;
    GroupTreeModel *m_groupModel;
    GroupTreeView *m_groupView;
    QStackedWidget *m_stack;
    QTimer *m_groupTimer;
    QStringList m_folders;
    QString m_scanSummary;
    bool m_fittedColumns = false;
    bool m_restoringColumns = false;
};

} // namespace runlens
