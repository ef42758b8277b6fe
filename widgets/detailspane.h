#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace runlens {

class RunTable;

/// Everything about one run: its full nested config as a tree (with descriptions), all
/// metrics, metadata (host, program, args, git), the folder with "Open folder", and its issues.
/// Shows the run the main table selects; owns nothing but its widgets.
class DetailsPane : public QWidget {
    Q_OBJECT

public:
    explicit DetailsPane(QWidget *parent = nullptr);
    /// Shows row `tableRow` of `table`, or nothing when it is -1.
    void showRun(const RunTable *table, int tableRow);
    QTreeWidget *tree() const { return m_tree; }
    /// The table row shown, -1 for none.
    int runRow() const { return m_row; }

private:
    void addFamily(const RunTable &table, int row, int family, const QString &title);

    QLabel *m_title;
    QLabel *m_path;
    QPushButton *m_open;
    QTreeWidget *m_tree;
    QString m_folder;
    int m_row = -1;
};

} // namespace runlens
