#include "tablesourcemodel.h"

#include "runtablemodel.h"

namespace runlens {

TableSourceModel::TableSourceModel(QObject *parent)
    : QAbstractTableModel(parent) {}

TableSourceModel::~TableSourceModel() = default;

void TableSourceModel::setSource(std::unique_ptr<TableSource> source) {
    beginResetModel();
    m_source = std::move(source);
    endResetModel();
}

int TableSourceModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_source ? 0 : m_source->rowCount();
}

int TableSourceModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_source ? 0 : m_source->columnCount();
}

QVariant TableSourceModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
    case RunTableModel::FullTextRole:
        return m_source->cell(index.row(), index.column()).displayText();
    case Qt::TextAlignmentRole: {
        const Value v = m_source->cell(index.row(), index.column());
        const bool number =
            v.isNumber() || (m_statisticsFrom >= 0 && index.column() >= m_statisticsFrom);
        return QVariant::fromValue(
            Qt::Alignment((number ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
    }
    case RunTableModel::MissingRole:
        return m_source->cell(index.row(), index.column()).isMissing();
    case RunTableModel::NaNRole:
        return m_source->cell(index.row(), index.column()).isNaN();
    case RunTableModel::NumberRole:
        return m_source->cell(index.row(), index.column()).isNumber();
    default:
        return {};
    }
}

QVariant TableSourceModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || !m_source || section < 0 ||
        section >= m_source->columnCount())
        return {};
    return m_source->header(section);
}

} // namespace runlens
