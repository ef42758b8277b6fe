// The grouped runs tree (GroupTreeModel) under QAbstractItemModelTester: nesting, the missing
// group, joined and separate statistics, the best group per metric and its direction, sorting
// groups by an aggregate with persistent indexes following, and run rows showing run cells.
#include "grouptreemodel.h"
#include "runtablemodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

#include <cmath>
#include <limits>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::key;

namespace {

struct RunSpec {
    const char *id;
    const char *optimizer; ///< nullptr: the run has no optimizer key
    double lr;
    int seed;
    double acc; ///< NaN allowed
    double loss;
};

RunTable makeTable() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const RunSpec runs[] = {
        {"a1", "adam", 1e-3, 0, 0.90, 0.30}, {"a2", "adam", 1e-3, 1, 0.92, 0.28},
        {"a3", "adam", 1e-4, 0, 0.80, 0.50}, {"s1", "sgd", 1e-3, 0, 0.70, 0.60},
        {"s2", "sgd", 1e-3, 1, nan, 0.90},   {"s3", "sgd", 1e-3, 2, 0.74, 0.55},
        {"x1", nullptr, 1e-3, 0, 0.50, 1.00},
    };
    RunTable table;
    for (const RunSpec &r : runs) {
        RunRecord rec;
        rec.id = rec.name = QString::fromLatin1(r.id);
        rec.format = u"generic"_s;
        if (r.optimizer)
            rec.add(Family::Config, key(u"optimizer.name"_s),
                    Value::string(QString::fromLatin1(r.optimizer)));
        rec.add(Family::Config, key(u"optimizer.lr"_s), Value::real(r.lr));
        rec.add(Family::Config, key(u"seed"_s), Value::integer(r.seed));
        rec.add(Family::Metric, key(u"val/acc"_s), Value::real(r.acc));
        rec.add(Family::Metric, key(u"val/loss"_s), Value::real(r.loss));
        table.appendRun(std::move(rec));
    }
    return table;
}

std::vector<ViewColumn> viewColumns(const RunTable &t) {
    std::vector<ViewColumn> cols{ViewColumn{RunField::Name, -1, u"name"_s},
                                 ViewColumn{RunField::Status, -1, u"status"_s}};
    for (int c = 0; c < t.columnCount(); ++c)
        cols.push_back(ViewColumn{std::nullopt, c, t.column(c).display});
    return cols;
}

std::vector<int> allRows(const RunTable &t) {
    std::vector<int> rows(std::size_t(t.rowCount()));
    for (int r = 0; r < t.rowCount(); ++r)
        rows[std::size_t(r)] = r;
    return rows;
}

int columnNamed(const QAbstractItemModel &m, const QString &header) {
    for (int c = 0; c < m.columnCount(); ++c)
        if (m.headerData(c, Qt::Horizontal).toString() == header) return c;
    return -1;
}

/// The tree as text: one line per row, indented, label | runs | the given column.
QString treeText(const QAbstractItemModel &m, int column, const QModelIndex &parent = {},
                 int depth = 0) {
    QString out;
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, 0, parent);
        out += QString(depth * 2, u' ') + i.data().toString() + u" | "_s +
               m.index(r, 1, parent).data().toString() + u" | "_s +
               m.index(r, column, parent).data().toString() +
               (m.index(r, column, parent).data(GroupTreeModel::BestRole).toBool() ? u" *"_s
                                                                                   : QString()) +
               u'\n';
        out += treeText(m, column, i, depth + 1);
    }
    return out;
}

} // namespace

class TestGroupTreeModel : public QObject {
    Q_OBJECT

private slots:
    void groupsNestedWithStatistics() {
        const RunTable table = makeTable();
        GroupTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0); // no keys: nothing
        const int opt = table.findColumn(Family::Config, key(u"optimizer.name"_s));
        const int lr = table.findColumn(Family::Config, key(u"optimizer.lr"_s));
        model.setSource(&table, allRows(table), viewColumns(table), {opt, lr});
        QCOMPARE(model.groupCount(), 4); // adam 1e-3, adam 1e-4, sgd 1e-3, (missing) 1e-3
        // The group keys are in the labels, not columns; metrics come first.
        QCOMPARE(columnNamed(model, u"optimizer.name"_s), -1);
        const int acc = columnNamed(model, u"val/acc  [mean ± std (n)]"_s);
        QCOMPARE(acc, 2);
        // Groups in value order, the missing group last; NaN counted apart; the best group of
        // each level marked (higher accuracy is better).
        QCOMPARE(treeText(model, acc), uR"(optimizer.name = adam | 3 | 0.873 ± 0.064 (n=3) *
  optimizer.lr = 1e-04 | 1 | 0.8 (n=1)
    a3 |  | 0.8
  optimizer.lr = 0.001 | 2 | 0.910 ± 0.014 (n=2) *
    a1 |  | 0.9
    a2 |  | 0.92
optimizer.name = sgd | 3 | 0.720 ± 0.028 (n=2, 1 NaN)
  optimizer.lr = 0.001 | 3 | 0.720 ± 0.028 (n=2, 1 NaN)
    s1 |  | 0.7
    s2 |  | NaN
    s3 |  | 0.74
optimizer.name = (missing) | 1 | 0.5 (n=1)
  optimizer.lr = 0.001 | 1 | 0.5 (n=1)
    x1 |  | 0.5
)"_s);
        // Other keys show the shared value or how many there are.
        const int seed = columnNamed(model, u"seed"_s);
        QVERIFY(seed > acc);
        QCOMPARE(model.index(0, seed).data().toString(), u"2 values"_s);
        QCOMPARE(model.index(0, seed, model.index(2, 0)).data().toString(), u"0"_s);
        // Loss is lower-is-better by its name; the direction can be overridden.
        const int lossColumn = columnNamed(model, u"val/loss  [mean ± std (n)]"_s);
        const int loss = table.findColumn(Family::Metric, key(u"val/loss"_s));
        QCOMPARE(model.direction(loss), Direction::Lower);
        QVERIFY(model.index(0, lossColumn).data(GroupTreeModel::BestRole).toBool()); // adam
        model.setDirection(loss, Direction::Higher);
        QVERIFY(!model.index(0, lossColumn).data(GroupTreeModel::BestRole).toBool());
        QVERIFY(model.index(2, lossColumn).data(GroupTreeModel::BestRole).toBool()); // missing
        // Run rows carry the run table's roles.
        const QModelIndex a1 = model.index(0, 0, model.index(1, 0, model.index(0, 0)));
        QCOMPARE(a1.data(RunTableModel::RunIdRole).toString(), u"a1"_s);
        QCOMPARE(model.tableRow(a1), 0);
        QCOMPARE(model.tableRow(model.index(0, 0)), -1);
    }

    void separateColumnsAndSortByAggregate() {
        const RunTable table = makeTable();
        GroupTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int opt = table.findColumn(Family::Config, key(u"optimizer.name"_s));
        model.setAggregates({Aggregate::Mean, Aggregate::Std, Aggregate::Count, Aggregate::Max},
                            false);
        model.setSource(&table, allRows(table), viewColumns(table), {opt});
        const int mean = columnNamed(model, u"val/acc mean"_s);
        const int count = columnNamed(model, u"val/acc count"_s);
        const int max = columnNamed(model, u"val/acc max"_s);
        QVERIFY(mean > 0 && count > mean && max > count);
        QCOMPARE(model.index(1, count).data().toString(), u"2"_s); // sgd: NaN not counted
        QCOMPARE(model.index(1, max).data().toString(), u"0.74"_s);
        QCOMPARE(model.index(0, mean).data(GroupTreeModel::AggregateRole).toDouble(),
                 (0.90 + 0.92 + 0.80) / 3);
        // Std and counts are never "best".
        QVERIFY(!model.index(0, columnNamed(model, u"val/acc std"_s))
                     .data(GroupTreeModel::BestRole)
                     .toBool());

        // Sort groups by mean accuracy, best first; an expanded group's index follows it.
        const QPersistentModelIndex sgd(model.index(1, 0));
        const QPersistentModelIndex s3(model.index(2, 0, model.index(1, 0)));
        model.sort(mean, Qt::DescendingOrder);
        QCOMPARE(treeText(model, mean).split(u'\n').filter(u"= "_s),
                 QStringList({u"optimizer.name = adam | 3 | 0.8733 *"_s,
                              u"optimizer.name = sgd | 3 | 0.72"_s,
                              u"optimizer.name = (missing) | 1 | 0.5"_s}));
        QCOMPARE(sgd.row(), 1);
        model.sort(mean, Qt::AscendingOrder);
        QCOMPARE(model.index(0, 0).data().toString(), u"optimizer.name = (missing)"_s);
        QCOMPARE(sgd.row(), 1);
        QCOMPARE(sgd.data().toString(), u"optimizer.name = sgd"_s);
        // Runs inside a group are sorted by their own values, NaN last.
        QCOMPARE(s3.data().toString(), u"s3"_s);
        QCOMPARE(s3.row(), 1); // s1 0.70, s3 0.74, s2 NaN
        QCOMPARE(model.index(2, 0, sgd).data().toString(), u"s2"_s);
        // Flat: one level, a group per combination, labelled with the keys a group has.
        const int lr = table.findColumn(Family::Config, key(u"optimizer.lr"_s));
        model.sort(-1);
        model.setNested(false);
        model.setSource(&table, allRows(table), viewColumns(table), {opt, lr});
        QCOMPARE(model.groupCount(), 4);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(0, 0).data().toString(),
                 u"optimizer.name = adam, optimizer.lr = 1e-04"_s);
        QCOMPARE(model.index(3, 0).data().toString(), u"optimizer.lr = 0.001"_s); // no optimizer
        QCOMPARE(model.rowCount(model.index(2, 0)), 3); // sgd's runs right below
        QVERIFY(!model.index(0, 0, model.index(2, 0)).data(GroupTreeModel::GroupRowRole).toBool());
        model.setNested(true);
        model.setSource(&table, allRows(table), viewColumns(table), {opt});
        model.sort(mean, Qt::AscendingOrder);
        // Regrouping keeps the sort.
        model.setSource(&table, allRows(table), viewColumns(table), {opt});
        QCOMPARE(model.index(0, 0).data().toString(), u"optimizer.name = (missing)"_s);
    }
};

QTEST_MAIN(TestGroupTreeModel)
#include "tst_grouptreemodel.moc"
