#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QTableView;
class QTimer;

namespace runlens {

class RunTableModel;
class TableSourceModel;

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

private:
    void fillKeys();
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
