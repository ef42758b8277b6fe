#include "runtableview.h"

#include "groupbar.h"
#include "grouptreemodel.h"
#include "runtablemodel.h"

#include <QApplication>
#include <QClipboard>
#include <QDrag>
#include <QKeyEvent>
#include <QMimeData>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>

#include <map>

namespace runlens {

using namespace Qt::StringLiterals;

FamilyHeader::FamilyHeader(QWidget *parent)
    : QHeaderView(Qt::Horizontal, parent) {
    setSectionsClickable(true);
    setSectionsMovable(true);
    setHighlightSections(true);
    setSortIndicatorShown(true);
    setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

QColor FamilyHeader::familyColor(int family) {
    switch (family) {
    case 0: // config
        return QColor(0x3b, 0x7d, 0xd8);
    case 1: // metric
        return QColor(0xe0, 0x8a, 0x1e);
    case 2: // meta
        return QColor(0x88, 0x88, 0x88);
    default:
        return QColor(0x55, 0x55, 0x55);
    }
}

void FamilyHeader::paintEvent(QPaintEvent *event) {
    QHeaderView::paintEvent(event);
    if (!model()) return;
    // The bands go on top of what the style drew, along the top edge of each section.
    QPainter painter(viewport());
    const int first = visualIndexAt(event->rect().left());
    const int last = visualIndexAt(event->rect().right());
    for (int v = std::max(first, 0); v <= (last < 0 ? count() - 1 : last); ++v) {
        const int logical = logicalIndex(v);
        const int family =
            model()->headerData(logical, Qt::Horizontal, RunTableModel::FamilyRole).toInt();
        if (family < 0 || isSectionHidden(logical)) continue; // run fields: no band
        painter.fillRect(QRect(sectionViewportPosition(logical), 0, sectionSize(logical), 3),
                         familyColor(family));
    }
}

void FamilyHeader::mousePressEvent(QMouseEvent *event) {
    m_pressPos = event->position().toPoint();
    m_pressSection = event->button() == Qt::LeftButton ? logicalIndexAt(m_pressPos) : -1;
    m_draggedOut = false;
    QHeaderView::mousePressEvent(event);
}

void FamilyHeader::mouseMoveEvent(QMouseEvent *event) {
    // Dragged upwards out of the header: the section leaves as a key (to group by), and the
    // header's own section move ends where it began.
    if (m_pressSection >= 0 && !m_draggedOut && (event->buttons() & Qt::LeftButton) &&
        event->position().y() < -QApplication::startDragDistance()) {
        m_draggedOut = true;
        const int section = m_pressSection;
        QMouseEvent release(QEvent::MouseButtonRelease, QPointF(m_pressPos),
                            mapToGlobal(QPointF(m_pressPos)), Qt::LeftButton, Qt::NoButton,
                            event->modifiers());
        QHeaderView::mouseReleaseEvent(&release);
        emit sectionDraggedOut(section);
        return;
    }
    QHeaderView::mouseMoveEvent(event);
}

void FamilyHeader::mouseReleaseEvent(QMouseEvent *event) {
    // A click (not a drag that moved or resized a section) sorts; shift adds a key.
    const QPoint pos = event->position().toPoint();
    const int index = logicalIndexAt(pos);
    const bool click = event->button() == Qt::LeftButton && cursor().shape() != Qt::SplitHCursor &&
                       (pos - m_pressPos).manhattanLength() < QApplication::startDragDistance();
    const bool addKey = event->modifiers() & Qt::ShiftModifier;
    if (m_draggedOut) { // the drag-out ended the header's part already
        m_draggedOut = false;
        m_pressSection = -1;
        return;
    }
    QHeaderView::mouseReleaseEvent(event);
    if (click && index >= 0 && sectionsClickable()) emit sortRequested(index, addKey);
}

void CellDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const {
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(RunTableModel::MissingRole).toBool()) {
        option->text = u"\u2014"_s; // an em dash: no value in this run
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
        option->displayAlignment = Qt::AlignCenter;
    } else if (index.data(RunTableModel::NaNRole).toBool() || option->text.endsWith(u"inf"_s) ||
               option->text.endsWith(u"Infinity"_s)) {
        option->palette.setColor(QPalette::Text, QColor(0xc0, 0x39, 0x2b));
        option->font.setItalic(true);
    }
    // Against a baseline run: its row in bold on a blue tint, cells that differ from it amber.
    if (index.data(RunTableModel::BaselineRowRole).toBool()) {
        option->font.setBold(true);
        option->backgroundBrush = QColor(0x3b, 0x7d, 0xd8, 0x30);
    } else if (index.data(RunTableModel::DiffersFromBaselineRole).toBool()) {
        option->backgroundBrush = QColor(0xf2, 0xb1, 0x34, 0x40);
    }
    // Grouped view: the best group per metric in bold on a green tint; group rows in bold.
    if (index.data(GroupTreeModel::BestRole).toBool()) {
        option->font.setBold(true);
        option->backgroundBrush = QColor(0x2e, 0xa0, 0x43, 0x38);
    } else if (index.column() == 0 && index.data(GroupTreeModel::GroupRowRole).toBool()) {
        option->font.setBold(true);
    }
}

namespace {

/// The settings both parts of the table share, so the pinned overlay looks like the table.
void configureTable(QTableView *view) {
    view->setItemDelegate(new CellDelegate(view));
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setStretchLastSection(false);
}

} // namespace

RunTableView::RunTableView(QWidget *parent)
    : QTableView(parent)
    , m_pinnedView(new QTableView(this)) {
    auto *header = new FamilyHeader(this);
    setHorizontalHeader(header);
    configureTable(this);
    setUpHeader(header);

    // The pinned columns: a second view over the same model and selection, laid over the left
    // edge, scrolled vertically with the table and never horizontally.
    auto *pinnedHeader = new FamilyHeader(m_pinnedView);
    m_pinnedView->setHorizontalHeader(pinnedHeader);
    configureTable(m_pinnedView);
    setUpHeader(pinnedHeader);
    m_pinnedView->setFocusPolicy(Qt::NoFocus);
    // A rule over the right edge of the last pinned column shows where the scrolling part passes under the pinned one.
    m_pinnedView->setStyleSheet(
        u"QTableView { border: none; border-right: %1px solid palette(mid); }"_s.arg(kPinnedRule));
    m_pinnedView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_pinnedView->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_pinnedView->hide();
    m_pinnedView->raise(); // above the table's header and cells
    viewport()->stackUnder(m_pinnedView);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, m_pinnedView->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_pinnedView->verticalScrollBar(), &QScrollBar::valueChanged, verticalScrollBar(),
            &QScrollBar::setValue);
    connect(horizontalHeader(), &QHeaderView::sectionResized, this,
            [this](int column, int, int size) {
                if (column < m_pinnedCount) {
                    m_pinnedView->setColumnWidth(column, size);
                    updatePinnedGeometry();
                }
            });
    connect(pinnedHeader, &QHeaderView::sectionResized, this, [this](int column, int, int size) {
        if (column < m_pinnedCount && columnWidth(column) != size) setColumnWidth(column, size);
    });
}

void RunTableView::setUpHeader(FamilyHeader *header) {
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this, [this, header](const QPoint &pos) {
        const int column = header->logicalIndexAt(pos);
        if (column >= 0) emit headerMenuRequested(column, header->mapToGlobal(pos));
    });
    connect(header, &FamilyHeader::sortRequested, this, [this](int column, bool addKey) {
        if (!m_model) return;
        if (addKey) {
            m_model->addSortColumn(column);
        } else {
            const bool same = m_model->sortColumn() == column;
            m_model->sort(column, same && m_model->sortOrder() == Qt::AscendingOrder
                                      ? Qt::DescendingOrder
                                      : Qt::AscendingOrder);
        }
        for (QHeaderView *h : {horizontalHeader(), m_pinnedView->horizontalHeader()})
            h->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    });
    connect(header, &FamilyHeader::sectionDraggedOut, this, [this](int column) {
        if (!m_model || m_model->tableColumn(column) < 0) return; // run fields: not keys
        auto *drag = new QDrag(this);
        auto *mime = new QMimeData;
        mime->setData(QString::fromLatin1(kKeyMimeType), m_model->columnIdentity(column).toUtf8());
        mime->setText(m_model->headerData(column, Qt::Horizontal).toString());
        drag->setMimeData(mime);
        drag->exec(Qt::CopyAction);
    });
    // A header drag moves the column in the model, which keeps the order by key name; the
    // header itself goes back to showing sections in model order.
    connect(header, &QHeaderView::sectionMoved, this, [this, header](int, int from, int to) {
        {
            const QSignalBlocker block(header);
            header->moveSection(to, from);
        }
        if (!m_model) return;
        m_model->moveColumn(from, to);
        emit columnMoved();
    });
}

void RunTableView::setRunModel(RunTableModel *model) {
    m_model = model;
    setModel(model);
    m_pinnedView->setModel(model);
    m_pinnedView->setSelectionModel(selectionModel());
    connect(model, &QAbstractItemModel::modelReset, this, &RunTableView::updatePinned);
    connect(model, &QAbstractItemModel::layoutChanged, this, &RunTableView::updatePinned);
    connect(model, &QAbstractItemModel::columnsInserted, this, &RunTableView::updatePinned);
    connect(model, &QAbstractItemModel::columnsRemoved, this, &RunTableView::updatePinned);
    connect(model, &QAbstractItemModel::columnsMoved, this, &RunTableView::updatePinned);
    updatePinned();
}

int RunTableView::pinnedWidth() const {
    int width = 0;
    for (int c = 0; c < m_pinnedCount; ++c)
        width += columnWidth(c);
    return width;
}

void RunTableView::updatePinned() {
    m_pinnedCount = m_model ? m_model->pinnedCount() : 0;
    // Pinning everything would leave nothing to scroll: the overlay then stays off.
    if (m_pinnedCount >= model()->columnCount()) m_pinnedCount = 0;
    for (int c = 0; c < model()->columnCount(); ++c) {
        m_pinnedView->setColumnHidden(c, c >= m_pinnedCount);
        if (c < m_pinnedCount) m_pinnedView->setColumnWidth(c, columnWidth(c));
    }
    m_pinnedView->horizontalHeader()->setSortIndicator(horizontalHeader()->sortIndicatorSection(),
                                                       horizontalHeader()->sortIndicatorOrder());
    m_pinnedView->setVisible(m_pinnedCount > 0);
    updatePinnedGeometry();
}

void RunTableView::updatePinnedGeometry() {
    if (m_pinnedCount == 0) return;
    const int width = std::min(pinnedWidth(), viewport()->width());
    m_pinnedView->setGeometry(frameWidth(), frameWidth(), width,
                              viewport()->height() + horizontalHeader()->height());
    m_pinnedView->verticalScrollBar()->setValue(verticalScrollBar()->value());
}

void RunTableView::resizeEvent(QResizeEvent *event) {
    QTableView::resizeEvent(event);
    updatePinnedGeometry();
}

void RunTableView::updateGeometries() {
    QTableView::updateGeometries();
    updatePinnedGeometry();
}

void RunTableView::scrollTo(const QModelIndex &index, ScrollHint hint) {
    // Pinned cells are always in view: only the row needs scrolling to.
    const int horizontal = horizontalScrollBar()->value();
    QTableView::scrollTo(index, hint);
    if (!index.isValid() || m_pinnedCount == 0) return;
    if (index.column() < m_pinnedCount) {
        horizontalScrollBar()->setValue(horizontal);
        return;
    }
    // A scrolled cell must not end up under the overlay.
    const int hidden = m_pinnedView->width() - visualRect(index).left();
    if (hidden > 0) horizontalScrollBar()->setValue(horizontalScrollBar()->value() - hidden);
}

QModelIndex RunTableView::moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers) {
    const QModelIndex next = QTableView::moveCursor(action, modifiers);
    if (next.isValid() && next.column() >= m_pinnedCount && m_pinnedCount > 0) {
        const int hidden = m_pinnedView->width() - visualRect(next).left();
        if (hidden > 0) horizontalScrollBar()->setValue(horizontalScrollBar()->value() - hidden);
    }
    return next;
}

void RunTableView::fitColumns() {
    if (!model()) return;
    const QFontMetrics fm = fontMetrics();
    const int rows = std::min(model()->rowCount(), 50);
    for (int c = 0; c < model()->columnCount(); ++c) {
        int width = fm.horizontalAdvance(model()->headerData(c, Qt::Horizontal).toString()) + 24;
        for (int r = 0; r < rows; ++r)
            width =
                std::max(width, fm.horizontalAdvance(model()->index(r, c).data().toString()) + 16);
        setColumnWidth(c, std::min(width, 280));
    }
}

QString RunTableView::selectionAsTsv() const {
    std::map<int, std::map<int, QString>> cells; // visual row -> visual column -> text
    for (const QModelIndex &i : selectionModel()->selectedIndexes()) {
        QString text = i.data(RunTableModel::FullTextRole).toString();
        text.replace(u'\t', u' ').replace(u'\n', u' ');
        cells[i.row()][horizontalHeader()->visualIndex(i.column())] = text;
    }
    QStringList lines;
    for (const auto &[row, cols] : cells) {
        QStringList fields;
        for (const auto &[col, text] : cols)
            fields << text;
        lines << fields.join(u'\t');
    }
    return lines.join(u'\n');
}

void RunTableView::keyPressEvent(QKeyEvent *event) {
    if (event->matches(QKeySequence::Copy)) {
        QApplication::clipboard()->setText(selectionAsTsv());
        return;
    }
    QTableView::keyPressEvent(event);
}

} // namespace runlens
