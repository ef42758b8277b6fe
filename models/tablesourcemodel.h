#pragma once

#include "analysis/tablesource.h"

#include <QAbstractTableModel>

#include <memory>

namespace runlens {

/// Shows any TableSource (a pivot, a key listing) in a Qt view: headers as given, cells by
/// their display text, numbers right-aligned, missing cells empty. Owns the source. QtCore only.
class TableSourceModel : public QAbstractTableModel {
    Q_OBJECT

public:
    explicit TableSourceModel(QObject *parent = nullptr);
    ~TableSourceModel() override;

    void setSource(std::unique_ptr<TableSource> source);
    const TableSource *source() const { return m_source.get(); }
    /// Columns from this one on hold statistics as text (`0.91 ± 0.01`): right-aligned like
    /// numbers. Default: none.
    void setStatisticsFrom(int column) { m_statisticsFrom = column; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::unique_ptr<TableSource> m_source;
    int m_statisticsFrom = -1;
};

} // namespace runlens
