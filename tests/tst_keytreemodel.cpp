// The key chooser: KeyTreeModel (the tree of keys by dotted prefix, check states, counts),
// KeyFilterProxy (the search) and the KeyChooser widget around them. The models run under
// QAbstractItemModelTester while they change; whole trees are compared as printed text.
#include "analysis/keylist.h"
#include "keychooser.h"
#include "keyfilterproxy.h"
#include "keytreemodel.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include <limits>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::key;

namespace {

using Tester = QAbstractItemModelTester;

/// One line per item, indented by depth: check box, segment, then type, runs, distinct.
void printTree(const QAbstractItemModel *m, const QModelIndex &parent, int depth, QString &out) {
    for (int r = 0; r < m->rowCount(parent); ++r) {
        const QModelIndex i = m->index(r, 0, parent);
        const int state = i.data(Qt::CheckStateRole).toInt();
        out += QString(depth * 2, u' ') +
               (state == Qt::Checked     ? u"[x] "_s
                : state == Qt::Unchecked ? u"[ ] "_s
                                         : u"[~] "_s) +
               i.data().toString();
        QStringList stats;
        for (int c = KeyTreeModel::TypeColumn; c < KeyTreeModel::ColumnCount; ++c)
            stats << m->index(r, c, parent).data().toString();
        if (!stats.join(QString()).isEmpty()) out += u"  "_s + stats.join(u' ');
        out += u'\n';
        printTree(m, i, depth + 1, out);
    }
}

QString treeText(const QAbstractItemModel *m) {
    QString out;
    printTree(m, {}, 0, out);
    return out;
}

/// The item whose path of segments is `path` ("Config", "optimizer", "lr").
QModelIndex find(const QAbstractItemModel *m, const QStringList &path) {
    QModelIndex at;
    for (const QString &segment : path) {
        const QModelIndex parent = at;
        at = {};
        for (int r = 0; r < m->rowCount(parent); ++r)
            if (m->index(r, 0, parent).data().toString() == segment) at = m->index(r, 0, parent);
        if (!at.isValid()) return {};
    }
    return at;
}

Qt::CheckState stateOf(const QAbstractItemModel *m, const QStringList &path) {
    return Qt::CheckState(find(m, path).data(Qt::CheckStateRole).toInt());
}

/// A table of synthetic runs: `runs` rows, `keys` keys in 20 groups, numbers and strings.
RunTable syntheticTable(int runs, int keys) {
    RunTable table;
    const QStringList words = {u"adam"_s, u"adamw"_s, u"sgd"_s, u"lion"_s};
    for (int r = 0; r < runs; ++r) {
        RunRecord rec;
        rec.id = QString::number(r);
        for (int k = 0; k < keys; ++k) {
            const Key key({u"group%1"_s.arg(k % 20), u"key%1"_s.arg(k)});
            const Family f = k % 4 == 0 ? Family::Metric : Family::Config;
            rec.add(f, key,
                    k % 5 == 0   ? Value::string(words[(r + k) % 4])
                    : k % 5 == 1 ? Value::integer((r * 7 + k) % 1000)
                                 : Value::real(double((r * 31 + k) % 9973) / 9973.0));
        }
        table.appendRun(std::move(rec));
    }
    table.squeeze();
    return table;
}

/// generic + wandb_new: keys in table order under their families and prefixes; metadata
/// unchecked by default. Each key: check box, segment, types, runs with a value, distinct values.
const char *const kGolden = R"(
[x] Config
  [x] model
    [x] arch  string 6 6
    [x] dropout  float 2 2
    [x] patch_size  int 1 1
  [x] optimizer
    [x] name  string 6 2
    [x] lr  float 6 6
    [x] weight_decay  float 2 1
    [x] momentum  float 1 1
    [x] betas  list 1 1
  [x] seed  int 6 5
  [x] batch_size  int 3 3
  [x] train
    [x] epochs  int 1 1
    [x] batch_size  int 1 1
  [x] epoch  int 1 1
  [x] data
    [x] name  string 1 1
    [x] augment  list 1 1
  [x] a
    [x] b  int 1 1
  [x] ["a.b"]  int 1 1
  [x] big_id  int 1 1
  [x] extra  object 1 1
  [x] lr  float 1 1
  [x] name  string 1 1
  [x] threshold  float 1 1
  [x] train/batch_size  int 1 1
  [x] version  string 1 1
[x] Metrics
  [x] val/acc  float 6 6
  [x] test/acc  float 5 5
  [x] eval_loss  float 1 1
  [x] train/loss  float 3 3
  [x] epoch  int 2 2
  [x] val/loss  float 1 1
  [x] train/batch_size  int 1 1
[ ] Metadata
  [ ] wandb
    [ ] cli_version  string 1 1
    [ ] python_version  string 1 1
  [ ] os  string 1 1
  [ ] python  string 1 1
  [ ] args  list 1 1
  [ ] program  string 1 1
  [ ] codePath  string 1 1
  [ ] git
    [ ] remote  string 1 1
    [ ] commit  string 1 1
  [ ] host  string 1 1
  [ ] executable  string 1 1
  [ ] cpu_count  int 1 1
  [ ] cpu_count_logical  int 1 1
  [ ] gpu  string 1 1
  [ ] gpu_count  int 1 1
  [ ] memory
    [ ] total  int 1 1
  [ ] _step  int 1 1
  [ ] _runtime  float 1 1
  [ ] _timestamp  float 1 1
)";

} // namespace

class TestKeyTreeModel : public QObject {
    Q_OBJECT

private:
    LoadResult loaded;
    std::unique_ptr<KeyTreeModel> model;
    std::unique_ptr<Tester> tester;

    int column(Family f, const QString &display) const {
        return loaded.table.findColumn(f, key(display));
    }

private slots:
    void initTestCase() {
        loaded = loadRuns({QFINDTESTDATA("data/generic"), QFINDTESTDATA("data/wandb_new")},
                          ReaderRegistry::withBuiltins());
        QCOMPARE(loaded.table.rowCount(), 6);
    }

    void init() {
        model = std::make_unique<KeyTreeModel>();
        tester = std::make_unique<Tester>(model.get(), Tester::FailureReportingMode::QtTest);
        QSignalSpy changed(model.get(), &KeyTreeModel::hiddenColumnsChanged);
        model->setTable(&loaded.table);
        QCOMPARE(changed.count(), 1);
    }

    void cleanup() {
        tester.reset();
        model.reset();
    }

    void wholeTree() {
        // As lines, so that a failure names the first line that differs.
        QCOMPARE(treeText(model.get()).split(u'\n'), QString::fromUtf8(kGolden + 1).split(u'\n'));
        QCOMPARE(model->headerData(KeyTreeModel::DistinctColumn, Qt::Horizontal).toString(),
                 u"Distinct"_s);
    }

    void metadataStartsHidden() {
        QSet<int> meta;
        for (int c = 0; c < loaded.table.columnCount(); ++c)
            if (loaded.table.column(c).family == Family::Meta) meta.insert(c);
        QVERIFY(!meta.isEmpty());
        QCOMPARE(model->hiddenColumns(), meta);
        QCOMPARE(stateOf(model.get(), {u"Metadata"_s}), Qt::Unchecked);
        QCOMPARE(stateOf(model.get(), {u"Config"_s}), Qt::Checked);
        QCOMPARE(stateOf(model.get(), {u"Metrics"_s}), Qt::Checked);
    }

    void statsAgreeWithKeyList() {
        // Every key's type, runs and distinct count as `runlens keys` prints them.
        const KeyList keys(loaded.table);
        int compared = 0;
        for (int row = 0; row < keys.rowCount(); ++row) {
            const Family f = *familyFromName(keys.cell(row, 1).rawText());
            const int c = column(f, keys.cell(row, 0).rawText());
            const QModelIndex i = model->indexOfColumn(c);
            QVERIFY(i.isValid());
            QCOMPARE(i.data(KeyTreeModel::TableColumnRole).toInt(), c);
            QCOMPARE(i.data(KeyTreeModel::KeyDisplayRole).toString(), keys.cell(row, 0).rawText());
            QCOMPARE(i.data(KeyTreeModel::FamilyRole).toInt(), int(f));
            const auto stat = [&](int col) { return i.siblingAtColumn(col).data().toString(); };
            QCOMPARE(stat(KeyTreeModel::TypeColumn), keys.cell(row, 2).rawText());
            QCOMPARE(stat(KeyTreeModel::RunsColumn), keys.cell(row, 3).displayText());
            QCOMPARE(stat(KeyTreeModel::DistinctColumn), keys.cell(row, 4).displayText());
            ++compared;
        }
        QCOMPARE(compared, loaded.table.columnCount());
        // A few by hand: a key six runs share, a NaN, a group without a column of its own.
        const QModelIndex lr = find(model.get(), {u"Config"_s, u"optimizer"_s, u"lr"_s});
        QCOMPARE(lr.siblingAtColumn(KeyTreeModel::TypeColumn).data().toString(), u"float"_s);
        QCOMPARE(lr.siblingAtColumn(KeyTreeModel::RunsColumn).data().toInt(), 6);
        QCOMPARE(lr.siblingAtColumn(KeyTreeModel::DistinctColumn).data().toInt(), 6);
        const QModelIndex group = find(model.get(), {u"Config"_s, u"optimizer"_s});
        QCOMPARE(group.data(KeyTreeModel::TableColumnRole).toInt(), -1);
        QCOMPARE(group.data(KeyTreeModel::KeyDisplayRole).toString(), u"optimizer"_s);
        QVERIFY(!group.siblingAtColumn(KeyTreeModel::RunsColumn).data().isValid());
    }

    void columnStatsAgreeWithSortedValues() {
        // columnStats() reads plain columns (numbers of one type, strings) in place; every
        // column must count as sorting its Values does: equal by Value::compare, NaN once,
        // the example of a value its first run's spelling.
        RunTable t;
        const auto real = [](double d, const QString &text = {}) { return Value::real(d, text); };
        const std::vector<std::vector<Value>> columns = {
            {real(0.001, u"1e-3"_s), real(0.001, u"0.001"_s), real(-0.0, u"-0.0"_s),
             real(0.0, u"0.0"_s), real(std::nan("")), real(2.5, u"2.5"_s), Value(),
             real(std::nan("")), real(-1e300, u"-1e300"_s)},
            {Value::integer(3), Value::integer(-7), Value::integer(3), Value(), Value::integer(0)},
            {Value::string(u"b"_s), Value::string(u"a"_s), Value::string(u"b"_s),
             Value::string(QString()), Value::string(u"B"_s)},
            {Value::integer(1), real(1.0, u"1.0"_s), real(0.5), Value::string(u"x"_s)},
            {Value::integer(1), real(1.0, u"1.0"_s), real(0.5, u"0.5"_s), Value::integer(0),
             real(-0.0, u"-0.0"_s), real(std::nan(""))},
            {Value::integer(std::numeric_limits<qint64>::max()), real(0.5, u"0.5"_s),
             Value::integer(std::numeric_limits<qint64>::max() - 1)},
            {Value::integer(std::numeric_limits<qint64>::max()),
             Value::integer(std::numeric_limits<qint64>::max() - 1), Value::integer(2)},
            {Value::boolean(true), Value::boolean(false), Value::boolean(true)},
            {Value::integer(5),
             Value::bigInteger(u"123456789012345678901234567890"_s, 1.2345678901234568e29),
             Value::integer(5)},
            {Value::string(u"s"_s), Value::list(u"[1, 2]"_s), Value::string(u"s"_s)},
        };
        std::size_t rows = 0;
        for (const auto &c : columns)
            rows = std::max(rows, c.size());
        for (std::size_t r = 0; r < rows; ++r) {
            RunRecord run;
            run.id = run.name = run.path = u"r%1"_s.arg(r);
            for (std::size_t c = 0; c < columns.size(); ++c)
                if (r < columns[c].size() && !columns[c][r].isMissing())
                    run.add(Family::Config, key(u"k%1"_s.arg(c)), columns[c][r]);
            t.appendRun(std::move(run));
        }
        t.squeeze();
        for (int c = 0; c < t.columnCount(); ++c) {
            // The reference: every value, stable-sorted.
            std::vector<Value> values;
            QSet<QString> types;
            int runs = 0;
            bool nan = false;
            for (int r = 0; r < t.rowCount(); ++r) {
                const Value v = t.value(r, c);
                if (v.isMissing()) continue;
                ++runs;
                types << v.typeName();
                if (v.isNaN())
                    nan = true;
                else
                    values.push_back(v);
            }
            std::stable_sort(values.begin(), values.end(), [](const Value &a, const Value &b) {
                return Value::compare(a, b) < 0;
            });
            QStringList examples;
            int distinct = nan ? 1 : 0;
            for (std::size_t i = 0; i < values.size(); ++i)
                if (i == 0 || Value::compare(values[i - 1], values[i]) != 0) {
                    ++distinct;
                    examples << values[i].displayText();
                }
            if (nan) examples << u"NaN"_s;
            const ColumnStats s = columnStats(t, c, 100);
            QCOMPARE(s.runs, runs);
            QCOMPARE(s.distinct, distinct);
            QCOMPARE(s.examples, examples);
            const QStringList names = s.types.split(u'|');
            QCOMPARE(QSet<QString>(names.begin(), names.end()), types);
        }
        // By hand: 1e-3 and 0.001 are one value shown as first spelled, -0.0 and 0.0 one, NaN one.
        QCOMPARE(columnStats(t, 0, 100).examples,
                 (QStringList{u"-1e300"_s, u"-0.0"_s, u"1e-3"_s, u"2.5"_s, u"NaN"_s}));
    }

    void toolTipsNameKeyTypeAndDescription() {
        const QString tip = find(model.get(), {u"Config"_s, u"model"_s, u"arch"_s})
                                .data(Qt::ToolTipRole)
                                .toString();
        QVERIFY2(tip.contains(u"model.arch"_s) && tip.contains(u"string"_s) &&
                     tip.contains(u"Backbone architecture"_s),
                 qPrintable(tip));
        QCOMPARE(find(model.get(), {u"Config"_s, u"model"_s, u"arch"_s})
                     .data(KeyTreeModel::DescriptionRole)
                     .toString(),
                 u"Backbone architecture"_s);
    }

    void uncheckingALeafMakesItsGroupsPartial() {
        QSignalSpy data(model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy hidden(model.get(), &KeyTreeModel::hiddenColumnsChanged);
        const QModelIndex lr = find(model.get(), {u"Config"_s, u"optimizer"_s, u"lr"_s});
        QVERIFY(model->setData(lr, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(hidden.count(), 1);
        QVERIFY(model->hiddenColumns().contains(column(Family::Config, u"optimizer.lr"_s)));
        QCOMPARE(stateOf(model.get(), {u"Config"_s, u"optimizer"_s}), Qt::PartiallyChecked);
        QCOMPARE(stateOf(model.get(), {u"Config"_s}), Qt::PartiallyChecked);
        // One single-item range per changed item: the leaf, its group, the family.
        QSet<QModelIndex> changed;
        for (const QList<QVariant> &args : std::as_const(data)) {
            const auto from = args[0].toModelIndex(), to = args[1].toModelIndex();
            QCOMPARE(from, to);
            QCOMPARE(args[2].value<QList<int>>(), QList<int>{Qt::CheckStateRole});
            changed.insert(from);
        }
        QCOMPARE(changed, (QSet<QModelIndex>{lr, lr.parent(), lr.parent().parent()}));
        QCOMPARE(data.count(), 3);

        // Unchecking another leaf of the same group changes only that leaf.
        data.clear();
        QVERIFY(model->setData(find(model.get(), {u"Config"_s, u"optimizer"_s, u"name"_s}),
                               Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(data.count(), 1);
        // Setting a leaf to what it is changes nothing and says nothing.
        data.clear();
        hidden.clear();
        QVERIFY(model->setData(lr, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(data.count(), 0);
        QCOMPARE(hidden.count(), 0);
        QVERIFY(!model->setData(lr, Qt::PartiallyChecked, Qt::CheckStateRole));
    }

    void checkingAGroupSetsEveryKeyBelow() {
        const QModelIndex group = find(model.get(), {u"Config"_s, u"optimizer"_s});
        QVERIFY(model->setData(group, Qt::Unchecked, Qt::CheckStateRole));
        for (int r = 0; r < model->rowCount(group); ++r)
            QCOMPARE(model->index(r, 0, group).data(Qt::CheckStateRole).toInt(), Qt::Unchecked);
        QCOMPARE(stateOf(model.get(), {u"Config"_s}), Qt::PartiallyChecked);

        // Checking it again: the children change as one contiguous range.
        QSignalSpy data(model.get(), &QAbstractItemModel::dataChanged);
        QVERIFY(model->setData(group, Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(stateOf(model.get(), {u"Config"_s}), Qt::Checked);
        bool sawChildren = false;
        for (const QList<QVariant> &args : std::as_const(data)) {
            const auto from = args[0].toModelIndex(), to = args[1].toModelIndex();
            if (from.parent() != group) continue;
            QCOMPARE(from.row(), 0);
            QCOMPARE(to.row(), model->rowCount(group) - 1);
            sawChildren = true;
        }
        QVERIFY(sawChildren);
        QCOMPARE(data.count(), 3); // children, group, family

        // A family row sets its whole family.
        QVERIFY(
            model->setData(find(model.get(), {u"Metadata"_s}), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(model->hiddenColumns().isEmpty());
        QVERIFY(
            model->setData(find(model.get(), {u"Metrics"_s}), Qt::Unchecked, Qt::CheckStateRole));
        for (int c = 0; c < loaded.table.columnCount(); ++c)
            QCOMPARE(model->isColumnShown(c), loaded.table.column(c).family != Family::Metric);
    }

    void setHiddenColumns() {
        QSignalSpy hidden(model.get(), &KeyTreeModel::hiddenColumnsChanged);
        const QSet<int> chosen = {column(Family::Config, u"seed"_s),
                                  column(Family::Metric, u"val/acc"_s)};
        model->setHiddenColumns(chosen);
        QCOMPARE(model->hiddenColumns(), chosen);
        QCOMPARE(hidden.count(), 1);
        QCOMPARE(stateOf(model.get(), {u"Metadata"_s}), Qt::Checked);
        QCOMPARE(stateOf(model.get(), {u"Config"_s, u"seed"_s}), Qt::Unchecked);
        QCOMPARE(stateOf(model.get(), {u"Metrics"_s}), Qt::PartiallyChecked);
        model->setHiddenColumns(chosen);
        QCOMPARE(hidden.count(), 1); // no change, no signal
        model->setHiddenColumns({-3, 10000});
        QVERIFY(model->hiddenColumns().isEmpty());
    }

    void choicesSurviveANewTable() {
        // A reload builds a new table: the keys the user chose keep their choice.
        const int seed = column(Family::Config, u"seed"_s);
        const int host = column(Family::Meta, u"host"_s);
        model->setColumnsShown({seed}, false);
        model->setColumnsShown({host}, true);
        const QSet<int> hidden = model->hiddenColumns();
        model->setTable(nullptr);
        model->setTable(&loaded.table);
        QCOMPARE(model->hiddenColumns(), hidden);
        QVERIFY(!model->isColumnShown(seed) && model->isColumnShown(host));
        // Back to a default is no longer a choice; forgetting restores every default.
        model->setColumnsShown({host}, false);
        model->forgetChoices();
        QVERIFY(model->isColumnShown(seed) && !model->isColumnShown(host));
        model->setTable(&loaded.table);
        QVERIFY(model->isColumnShown(seed));
    }

    void dottedSegmentIsNotANestedKey() {
        // wandb_new has `a.b` twice: the nested path a -> b and the one segment "a.b".
        const int nested = column(Family::Config, u"a.b"_s);
        const int flat = column(Family::Config, u"[\"a.b\"]"_s);
        QVERIFY(nested >= 0 && flat >= 0 && nested != flat);
        const QModelIndex b = find(model.get(), {u"Config"_s, u"a"_s, u"b"_s});
        QCOMPARE(b.data(KeyTreeModel::TableColumnRole).toInt(), nested);
        QCOMPARE(b.siblingAtColumn(KeyTreeModel::DistinctColumn).data().toInt(), 1);
        const QModelIndex one = find(model.get(), {u"Config"_s, u"[\"a.b\"]"_s});
        QCOMPARE(one.data(KeyTreeModel::TableColumnRole).toInt(), flat);
        QCOMPARE(model->rowCount(one), 0);
        QCOMPARE(one.parent(), find(model.get(), {u"Config"_s}));
        QVERIFY(model->setData(b, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(model->hiddenColumns().contains(flat), false);
        QCOMPARE(stateOf(model.get(), {u"Config"_s, u"a"_s}), Qt::Unchecked);
    }

    void keyThatIsAlsoAGroup() {
        RunTable table;
        RunRecord rec;
        rec.id = u"r1"_s;
        rec.add(Family::Config, key(u"a"_s), Value::integer(1));
        rec.add(Family::Config, key(u"a.b"_s), Value::integer(2));
        rec.add(Family::Config, key(u"a.c"_s), Value::integer(3));
        rec.add(Family::Config, key(u"z"_s), Value::integer(4));
        table.appendRun(std::move(rec));
        model->setTable(&table);
        QCOMPARE(treeText(model.get()), u"[x] Config\n"
                                        "  [x] a  int 1 1\n"
                                        "    [x] b  int 1 1\n"
                                        "    [x] c  int 1 1\n"
                                        "  [x] z  int 1 1\n"_s);
        const QModelIndex a = find(model.get(), {u"Config"_s, u"a"_s});
        QCOMPARE(a.data(KeyTreeModel::TableColumnRole).toInt(), 0);
        QVERIFY(model->flags(a) & Qt::ItemIsAutoTristate);
        QVERIFY(a.data(Qt::ToolTipRole).toString().contains(u"2 key(s) below"_s));

        // Its own column counts as one of its keys.
        model->setHiddenColumns({0});
        QCOMPARE(stateOf(model.get(), {u"Config"_s, u"a"_s}), Qt::PartiallyChecked);
        model->setHiddenColumns({1, 2});
        QCOMPARE(stateOf(model.get(), {u"Config"_s, u"a"_s}), Qt::PartiallyChecked);
        QVERIFY(model->setData(a, Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(model->hiddenColumns(), (QSet<int>{0, 1, 2}));
        QCOMPARE(stateOf(model.get(), {u"Config"_s}), Qt::PartiallyChecked);
        QVERIFY(model->setData(a, Qt::Checked, Qt::CheckStateRole));
        QVERIFY(model->hiddenColumns().isEmpty());

        model->setTable(nullptr);
        QCOMPARE(model->rowCount(), 0);
        QVERIFY(model->hiddenColumns().isEmpty());
    }

    void search_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("lr: the key and its ancestors")
            << u"lr"_s
            << u"[x] Config\n  [x] optimizer\n    [x] lr  float 6 6\n  [x] lr  float 1 1\n"_s;
        QTest::newRow("case-insensitive") << u"LR"_s
                                          << u"[x] Config\n  [x] optimizer\n"
                                             "    [x] lr  float 6 6\n  [x] lr  float 1 1\n"_s;
        QTest::newRow("a dotted search finds both a.b") << u"a.b"_s
                                                        << u"[x] Config\n  [x] a\n"
                                                           "    [x] b  int 1 1\n"
                                                           "  [x] [\"a.b\"]  int 1 1\n"_s;
        QTest::newRow("across families") << u"val/"_s
                                         << u"[x] Metrics\n  [x] val/acc  float 6 6\n"
                                            "  [x] val/loss  float 1 1\n"_s;
        QTest::newRow("nothing") << u"no such key"_s << QString();
    }

    void search() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        KeyFilterProxy proxy;
        Tester proxyTester(&proxy, Tester::FailureReportingMode::QtTest);
        proxy.setSourceModel(model.get());
        proxy.setSearchText(text);
        QCOMPARE(treeText(&proxy), expected);
        // Checking through the proxy reaches the model.
        if (proxy.rowCount() > 0) {
            QVERIFY(proxy.setData(proxy.index(0, 0), Qt::Unchecked, Qt::CheckStateRole));
            QCOMPARE(proxy.index(0, 0).data(Qt::CheckStateRole).toInt(), Qt::Unchecked);
        }
        proxy.setSearchText(QString());
        QCOMPARE(treeText(&proxy).count(u'\n'), treeText(model.get()).count(u'\n'));
    }

    void chooserWidget() {
        KeyChooser chooser;
        Tester proxyTester(chooser.proxy(), Tester::FailureReportingMode::QtTest);
        chooser.model()->setTable(&loaded.table);
        chooser.show();
        QTreeView *view = chooser.view();
        QCOMPARE(chooser.searchEdit()->placeholderText(), u"Search keys…"_s);
        // Families open, groups below them closed.
        const QModelIndex config = view->model()->index(0, 0);
        QVERIFY(view->isExpanded(config));
        QVERIFY(!view->isExpanded(find(view->model(), {u"Config"_s, u"optimizer"_s})));

        // Hide all acts on what the search matches, then on everything.
        chooser.searchEdit()->setText(u"optimizer"_s);
        QVERIFY(view->isExpanded(find(view->model(), {u"Config"_s, u"optimizer"_s})));
        chooser.hideAllButton()->click();
        QCOMPARE(stateOf(chooser.model(), {u"Config"_s, u"optimizer"_s}), Qt::Unchecked);
        QCOMPARE(stateOf(chooser.model(), {u"Config"_s, u"seed"_s}), Qt::Checked);
        chooser.searchEdit()->clear();
        QVERIFY(!view->isExpanded(find(view->model(), {u"Config"_s, u"optimizer"_s})));
        chooser.showAllButton()->click();
        QVERIFY(chooser.model()->hiddenColumns().isEmpty());
        chooser.hideAllButton()->click();
        QCOMPARE(chooser.model()->hiddenColumns().size(), loaded.table.columnCount());
    }

    void largeTableIsQuick() {
        // 10k runs x 200 keys: building the tree and every count stays well under a second
        // (the bound here is loose so that sanitizer builds pass too).
        const RunTable table = syntheticTable(10000, 200);
        QElapsedTimer clock;
        clock.start();
        model->setTable(&table);
        const qint64 setTableMs = clock.elapsed();
        QString text = treeText(model.get()); // asks for every count
        const qint64 allMs = clock.elapsed();
        qInfo("setTable %lld ms, with every count %lld ms", setTableMs, allMs);
        QCOMPARE(text.count(u'\n'), 2 + 20 + 200); // families, groups, keys
        QVERIFY2(allMs < 20000, qPrintable(QString::number(allMs)));
    }
};

QTEST_MAIN(TestKeyTreeModel)
#include "tst_keytreemodel.moc"
