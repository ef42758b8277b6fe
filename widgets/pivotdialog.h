#pragma once

#include "analysis/pivot.h"

#include <QDialog>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QTableView;
class QTimer;

namespace runlens {

class ExportDialog;
class RunTableModel;
class TableSourceModel;
struct ExportChoice;

/// A metric by the values of two keys: rows are the values of one key, columns the values of
/// another, each cell the metric's statistics over the runs with that pair (e.g. model x
/// dataset, mean ± std over seeds). Shows the runs the table shows and follows its changes.
class PivotDialog : public QDialog {
    Q_OBJECT

public:
    explicit PivotDialog(const RunTableModel *runs, QWidget *parent = nullptr);
    /// Chooses the row and column keys by identity (`config:optimizer.name`), where they exist.
    void preselect(const QString &rowKey, const QString &columnKey);
    TableSourceModel *pivotModel() const { return m_model; }
    QComboBox *rowKeyBox() const { return m_rowKey; }
    QComboBox *columnKeyBox() const { return m_columnKey; }
    QComboBox *metricBox() const { return m_metric; }
    QComboBox *statisticBox() const { return m_statistic; }
    /// The pivot as chosen, for export (joined statistics for people's formats).
    std::unique_ptr<TableSource> exportSource(const ExportChoice &choice) const;
    /// The Export button: the export dialog on the pivot (modal; returned for tests).
    ExportDialog *exportPivot();

private:
    void fillKeys();
    /// The keys, metric and statistics chosen; none while one is missing.
    std::optional<PivotSpec> currentSpec() const;
    void recompute();
    void copy(bool markdown);

    const RunTableModel *m_runs;
    QComboBox *m_rowKey;
    QComboBox *m_columnKey;
    QComboBox *m_metric;
    QComboBox *m_statistic;
    QTableView *m_table;
    QLabel *m_note;
    TableSourceModel *m_model;
    QTimer *m_timer;
};

} // namespace runlens
