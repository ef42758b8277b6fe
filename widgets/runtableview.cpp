#include "runtableview.h"

#include "runtablemodel.h"

#include <QApplication>
#include <QClipboard>
#include <QKeyEvent>
#include <QPaintEvent>
#include <QPainter>

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
    QHeaderView::mousePressEvent(event);
}

void FamilyHeader::mouseReleaseEvent(QMouseEvent *event) {
    // A click (not a drag that moved or resized a section) sorts; shift adds a key.
    const QPoint pos = event->position().toPoint();
    const int index = logicalIndexAt(pos);
    const bool click = event->button() == Qt::LeftButton && cursor().shape() != Qt::SplitHCursor &&
                       (pos - m_pressPos).manhattanLength() < QApplication::startDragDistance();
    const bool addKey = event->modifiers() & Qt::ShiftModifier;
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
}

RunTableView::RunTableView(QWidget *parent)
    : QTableView(parent) {
    auto *header = new FamilyHeader(this);
    setHorizontalHeader(header);
    setItemDelegate(new CellDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    horizontalHeader()->setStretchLastSection(false);
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
        horizontalHeader()->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    });
}

void RunTableView::setRunModel(RunTableModel *model) {
    m_model = model;
    setModel(model);
    // A header drag moves the column in the model, which keeps the order by key name; the
    // header itself goes back to showing sections in model order.
    connect(horizontalHeader(), &QHeaderView::sectionMoved, this, [this](int, int from, int to) {
        QHeaderView *header = horizontalHeader();
        const QSignalBlocker block(header);
        header->moveSection(to, from);
        m_model->moveColumn(from, to);
        emit columnMoved();
    });
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
