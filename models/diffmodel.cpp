#include "diffmodel.h"

#include "analysis/difftable.h"
#include "analysis/grouptable.h"
#include "runtablemodel.h"

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

DiffModel::DiffModel(QObject *parent)
    : QAbstractTableModel(parent) {}

DiffModel::~DiffModel() = default;

void DiffModel::setRuns(const RunTable *table, const std::vector<int> &runs, int baseline) {
    m_table = table;
    m_runs = runs;
    m_baseline = runs.empty() ? 0 : std::clamp(baseline, 0, int(runs.size()) - 1);
    recompute();
}

void DiffModel::setBaseline(int run) {
    if (run == m_baseline || run < 0 || run >= int(m_runs.size())) return;
    m_baseline = run;
    recompute();
}

void DiffModel::setShowAll(bool all) {
    if (all == m_showAll) return;
    m_showAll = all;
    refilter();
}

void DiffModel::setFilterText(const QString &text) {
    if (text == m_filter) return;
    m_filter = text;
    refilter();
}

void DiffModel::setDirectionOverrides(const QHash<QString, int> &overrides) {
    m_directions = overrides;
    if (rowCount() > 0) emit dataChanged(index(0, 1), index(rowCount() - 1, columnCount() - 1));
}

void DiffModel::recompute() {
    beginResetModel();
    m_diff.reset();
    m_keys.clear();
    m_labels.clear();
    if (m_table && !m_runs.empty()) {
        DiffOptions options;
        options.onlyDifferences = false; // the model filters, so the toggle costs no new diff
        m_diff = std::make_unique<RunDiff>(*m_table, m_runs, m_baseline, options);
        std::vector<int> columns;
        for (const DiffRow &row : m_diff->rows())
            columns.push_back(row.column);
        m_keys = qualifiedHeaders(*m_table, columns);
        m_labels = runLabels(*m_table, m_runs);
    }
    endResetModel();
    refilter();
}

void DiffModel::refilter() {
    beginResetModel();
    m_shown.clear();
    if (m_diff) {
        for (std::size_t r = 0; r < m_diff->rows().size(); ++r) {
            if (!m_showAll && m_diff->rows()[r].status == KeyStatus::Same) continue;
            if (!m_filter.isEmpty() && !m_keys[qsizetype(r)].contains(m_filter, Qt::CaseInsensitive))
                continue;
            m_shown.push_back(int(r));
        }
    }
    endResetModel();
}

int DiffModel::nextDifference(int row, bool forward) const {
    const int n = rowCount();
    if (n == 0) return -1;
    for (int step = 1; step <= n; ++step) {
        const int r = ((row + (forward ? step : -step)) % n + n) % n;
        if (m_diff->rows()[std::size_t(diffRow(r))].status != KeyStatus::Same) return r;
    }
    return -1;
}

int DiffModel::verdict(const DiffRow &row, int run) const {
    const double delta = row.delta[std::size_t(run)];
    const ColumnInfo &info = m_table->column(row.column);
    if (info.family != Family::Metric || std::isnan(delta) || delta == 0) return 0;
    const auto it = m_directions.constFind(familyName(info.family) + u':' + info.display);
    const Direction d = it != m_directions.cend() ? Direction(*it) : guessDirection(info);
    return (delta > 0) == (d == Direction::Higher) ? 1 : -1;
}

int DiffModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_shown.size());
}

int DiffModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_diff ? 0 : 1 + int(m_runs.size());
}

QVariant DiffModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const int r = diffRow(index.row());
    const DiffRow &row = m_diff->rows()[std::size_t(r)];
    const ColumnInfo &info = m_table->column(row.column);
    if (index.column() == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case RunTableModel::FullTextRole:
            return m_keys[r];
        case Qt::ToolTipRole: {
            QString tip = u"%1\n%2 key, %3"_s.arg(info.display, familyName(info.family),
                                                    keyStatusName(row.status));
            if (!info.description.isEmpty()) tip += u"\n\n"_s + info.description;
            return tip;
        }
        case RunTableModel::FamilyRole:
            return int(info.family);
        case KeyStatusRole:
            return int(row.status);
        default:
            return {};
        }
    }
    const int run = index.column() - 1;
    const Value v = m_diff->value(r, run);
    const CellChange change = row.changes[std::size_t(run)];
    switch (role) {
    case Qt::DisplayRole: {
        if (v.isMissing()) return QString();
        // The value as the runs table shows it, and a changed number's change in numbers.
        const QString text = RunTableModel::runCellData(
                                 *m_table, m_runs[std::size_t(run)],
                                 ViewColumn{std::nullopt, row.column, {}}, Qt::DisplayRole)
                                 .toString();
        const QString note = diffChangeNote(*m_diff, r, run);
        return note.isEmpty() ? text : text + u' ' + note;
    }
    case RunTableModel::FullTextRole:
        return v.displayText();
    case Qt::ToolTipRole:
        return u"%1\n%2: %3"_s.arg(m_labels[run], cellChangeName(change),
                                   diffCellText(*m_diff, r, run));
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(
            Qt::Alignment((v.isNumber() ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
    case RunTableModel::MissingRole:
        return v.isMissing();
    case RunTableModel::NaNRole:
        return v.isNaN();
    case RunTableModel::NumberRole:
        return v.isNumber();
    case RunTableModel::RunIdRole:
        return m_table->run(m_runs[std::size_t(run)]).id;
    case ChangeRole:
        return int(change);
    case KeyStatusRole:
        return int(row.status);
    case VerdictRole:
        return verdict(row, run);
    case BaselineRole:
        return run == m_baseline;
    default:
        return {};
    }
}

QVariant DiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
    if (section == 0) {
        if (role == Qt::DisplayRole) return tr("key");
        return {};
    }
    const int run = section - 1;
    const RunInfo &info = m_table->run(m_runs[std::size_t(run)]);
    switch (role) {
    case Qt::DisplayRole:
        return run == m_baseline ? tr("%1 (baseline)").arg(m_labels[run]) : m_labels[run];
    case Qt::ToolTipRole:
        return u"%1\nid: %2\nformat: %3\n%4"_s.arg(info.name, info.id, info.format, info.path);
    case RunTableModel::RunIdRole:
        return info.id;
    case BaselineRole:
        return run == m_baseline;
    default:
        return {};
    }
}

} // namespace runlens
