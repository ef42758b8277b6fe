#pragma once

#include <QWidget>

class QTreeWidget;

namespace runlens {

class RunTable;

/// Every run that did not load cleanly, with file, line and reason per issue. Clicking an
/// issue asks the window to select its run.
class IssuesPanel : public QWidget {
    Q_OBJECT

public:
    explicit IssuesPanel(QWidget *parent = nullptr);
    /// Lists the issues of all runs of `table` (notes included, marked as such).
    void setTable(const RunTable *table);
    int issueCount() const;
    QSize sizeHint() const override { return {600, 110}; }
    QTreeWidget *tree() const { return m_tree; }

signals:
    void runActivated(const QString &runId);

private:
    QTreeWidget *m_tree;
};

} // namespace runlens
