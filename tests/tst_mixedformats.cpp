// One folder holding runs of every format side by side (the project's own fixtures under
// tests/data): one walk reads them all, each run by its own tool's reader, with the values it
// has when its folder is read alone.
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QDir>
#include <QTest>

#include <map>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

LoadResult load(const QString &root) {
    LoadOptions options;
    options.includeDeleted = true;
    return loadRuns({root}, ReaderRegistry::withBuiltins(), options);
}

/// Every value of a run by `family:key`.
std::map<QString, QString> valuesOf(const RunTable &t, int row) {
    std::map<QString, QString> out;
    for (int c = 0; c < t.columnCount(); ++c) {
        const Value v = t.value(row, c);
        if (!v.isMissing())
            out[familyName(t.column(c).family) + u':' + t.column(c).display] =
                v.typeName() + u':' + v.displayText();
    }
    return out;
}

} // namespace

class TestMixedFormats : public QObject {
    Q_OBJECT

private slots:
    void everyFormatSideBySide() {
        const QString data = QFINDTESTDATA("data");
        const LoadResult mixed = load(data);
        const RunTable &t = mixed.table;
        QHash<QString, int> byPath;
        for (int r = 0; r < t.rowCount(); ++r)
            byPath.insert(QDir::cleanPath(t.run(r).path), r);

        // The fixture folders of each tool, and the format their runs must show.
        const std::vector<std::pair<QString, QString>> folders = {
            {u"wandb_new"_s, u"wandb"_s},          {u"wandb_sweep"_s, u"wandb"_s},
            {u"mlflow_store"_s, u"mlflow"_s},      {u"hydra_single"_s, u"hydra"_s},
            {u"hydra_multirun"_s, u"hydra"_s},     {u"hydra_wandb"_s, u"hydra"_s},
            {u"lightning_csv"_s, u"lightning"_s},  {u"sacred_runs"_s, u"sacred"_s},
            {u"raytune_experiment"_s, u"raytune"_s}, {u"dvc_live"_s, u"dvc"_s},
            {u"dvc_kfold"_s, u"dvc"_s},            {u"guild_home"_s, u"guild"_s},
            {u"keras_logs"_s, u"keras"_s},         {u"generic"_s, u"generic"_s}};
        QSet<QString> formats;
        for (const auto &[folder, format] : folders) {
            const LoadResult alone = load(data + u'/' + folder);
            QVERIFY2(alone.table.rowCount() > 0, qPrintable(folder));
            for (int r = 0; r < alone.table.rowCount(); ++r) {
                const RunInfo &run = alone.table.run(r);
                const QString where = folder + u": "_s + run.path;
                QCOMPARE(run.format, format);
                const auto it = byPath.constFind(QDir::cleanPath(run.path));
                QVERIFY2(it != byPath.cend(), qPrintable(u"not in the mixed load: "_s + where));
                const int m = *it;
                QCOMPARE(t.run(m).format, run.format);
                // Names made of the folder path are relative to the folder opened.
                QVERIFY2(t.run(m).name.endsWith(run.name), qPrintable(where));
                QCOMPARE(t.run(m).status, run.status);
                const auto a = valuesOf(t, m), b = valuesOf(alone.table, r);
                for (const auto &[key, value] : b) {
                    const auto found = a.find(key);
                    QVERIFY2(found != a.end(), qPrintable(where + u" lacks "_s + key));
                    // Paths relative to the folder opened (hydra.sweep.dir) start higher up.
                    QVERIFY2(found->second == value || found->second.endsWith(value.section(u':', 1)),
                             qPrintable(where + u' ' + key + u": "_s + found->second + u" vs "_s + value));
                }
                QCOMPARE(a.size(), b.size());
                formats.insert(run.format);
            }
        }
        QCOMPARE(formats.size(), 10);
        // Keys two tools share are one column: W&B, MLflow and the plain folders all write a
        // config `optimizer.name` or similar; no key is duplicated under the same family.
        QSet<QString> seen;
        for (int c = 0; c < t.columnCount(); ++c) {
            const QString id = familyName(t.column(c).family) + u':' + t.column(c).display;
            QVERIFY2(!seen.contains(id), qPrintable(id));
            seen.insert(id);
        }
    }
};

QTEST_GUILESS_MAIN(TestMixedFormats)
#include "tst_mixedformats.moc"
