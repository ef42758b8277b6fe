#pragma once

#include <QHeaderView>
#include <QStyledItemDelegate>
#include <QTableView>

namespace runlens {

class RunTableModel;

/// Column header that paints a thin band per key family (config, metric) so the two read
/// apart, and sorts on click (shift-click adds a secondary key).
class FamilyHeader : public QHeaderView {
    Q_OBJECT

public:
    explicit FamilyHeader(QWidget *parent = nullptr);
    static QColor familyColor(int family);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

signals:
    void sortRequested(int logicalIndex, bool addKey);
    /// A section was dragged up out of the header (onto the group-by bar above the table).
    void sectionDraggedOut(int logicalIndex);

private:
    QPoint m_pressPos;
    int m_pressSection = -1;
    bool m_draggedOut = false;
};

/// Draws what the model's roles say: missing values as a faint dash, NaN and infinities in a
/// warning colour, numbers right-aligned.
class CellDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

/// The runs table: fixed row heights and no resize-to-contents over all rows, so it stays fast
/// at 100k rows; Ctrl+C copies the selected cells as TSV.
class RunTableView : public QTableView {
    Q_OBJECT

public:
    explicit RunTableView(QWidget *parent = nullptr);
    void setRunModel(RunTableModel *model);
    /// Selected cells as tab-separated text, rows in view order (pastes into a spreadsheet).
    QString selectionAsTsv() const;
    /// Sizes columns from the header and the first rows only.
    void fitColumns();

    /// Scrolls a cell into view, never under the pinned columns.
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    /// The overlay that shows the pinned columns while the rest scrolls (hidden when none).
    QTableView *pinnedView() const { return m_pinnedView; }

signals:
    /// The user dragged a column to another place.
    void columnMoved();
    /// Right-click on a column header (either part of the table), in view coordinates.
    void headerMenuRequested(int column, const QPoint &globalPos);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    QModelIndex moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers) override;
    void updateGeometries() override;

private:
    void setUpHeader(FamilyHeader *header);
    /// Shows the pinned columns in the overlay, at the widths of the main view.
    void updatePinned();
    void updatePinnedGeometry();
    int pinnedWidth() const;

    RunTableModel *m_model = nullptr;
    QTableView *m_pinnedView = nullptr;
    int m_pinnedCount = 0;
    static constexpr int kPinnedRule = 2; ///< width of the rule between pinned and scrolled
};

} // namespace runlens
