#pragma once

#include <QDialog>
#include <QHash>
#include <QStringList>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace runlens {

class DiffModel;
class ExportDialog;
class RunTableModel;
class TableSource;
struct ExportChoice;

/// "What exactly is different between these runs?": keys as rows, the chosen runs as columns,
/// only the differing keys by default. Changed, added and removed values are tinted apart,
/// metric changes against the baseline coloured by whether they are better; F8 / Shift+F8 step
/// through the differences; the diff copies as YAML or as Hydra overrides. Follows reloads of
/// the runs it shows (by run id).
class DiffWindow : public QDialog {
    Q_OBJECT

public:
    DiffWindow(const RunTableModel *runs, const QStringList &runIds, QWidget *parent = nullptr);

    DiffModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QComboBox *baselineBox() const { return m_baseline; }
    QCheckBox *showAllBox() const { return m_showAll; }
    QLineEdit *filterEdit() const { return m_filter; }
    /// Moves the current row to the next (or previous) differing key.
    void stepDifference(bool forward);
    /// The texts the copy buttons put on the clipboard.
    QString overridesText() const;
    QString yamlText() const;
    /// The diff as shown (keys, runs, changes), for export.
    std::unique_ptr<TableSource> exportSource(const ExportChoice &choice) const;
    /// The Export button: the export dialog on the diff (modal; returned for tests).
    ExportDialog *exportDiff();

private:
    void reload();
    void updateSummary();

    const RunTableModel *m_runs;
    QStringList m_ids;
    DiffModel *m_model;
    QTableView *m_view;
    QComboBox *m_baseline;
    QCheckBox *m_showAll;
    QLineEdit *m_filter;
    QLabel *m_summary;
    QHash<QString, int> m_directions;
};

} // namespace runlens
