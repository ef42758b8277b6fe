// Reads the real W&B and generic run folders in ../shared/corpus and cross-checks every run
// against an independent count: yaml-cpp's node API for config.yaml and QJsonDocument for the
// summary. Skips cleanly when the corpus is absent (it is data from other projects, never
// copied into this repository).
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include "corpusutil.h"

#include <yaml-cpp/yaml.h>

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::corpusDir;

namespace {

/// Leaves as RunLens defines them: a mapping recurses, anything else (lists, scalars, an empty
/// mapping) is one leaf.
int yamlLeaves(const YAML::Node &n) {
    if (!n.IsMap() || n.size() == 0) return 1;
    int count = 0;
    for (const auto &kv : n)
        count += yamlLeaves(kv.second);
    return count;
}

int jsonLeaves(const QJsonValue &v) {
    if (!v.isObject() || v.toObject().isEmpty() || v.toObject().contains(u"_type"_s)) return 1;
    int count = 0;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        count += jsonLeaves(it.value());
    return count;
}

int expectedConfigLeaves(const QString &path) {
    const YAML::Node root = YAML::LoadFile(path.toStdString());
    int count = 0;
    for (const auto &kv : root) {
        const std::string key = kv.first.as<std::string>();
        if (key == "wandb_version" || key == "_wandb") continue;
        count += yamlLeaves(kv.second["value"]);
    }
    return count;
}

int expectedMetricLeaves(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    QByteArray bytes = f.readAll();
    while (bytes.endsWith('\0'))
        bytes.chop(1);
    // QJsonDocument rejects Python's bare NaN and Infinity: stand them in with null for counting.
    static const QRegularExpression bare(u"(?<=[:\\[,]) ?-?(NaN|Infinity)(?=[,}\\]])"_s);
    const QString text = QString::fromUtf8(bytes).replace(bare, u"null"_s);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) return -1;
    int count = 0;
    const QJsonObject o = doc.object();
    static const QSet<QString> reserved = {u"_step"_s, u"_runtime"_s, u"_timestamp"_s, u"_wandb"_s};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!reserved.contains(it.key())) count += jsonLeaves(it.value());
    return count;
}

} // namespace

class TestCorpus : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        if (!QFileInfo(corpusDir(u"wandb"_s)).isDir())
            QSKIP("../shared/corpus is absent; the corpus test needs it");
    }

    void wandbRunsMatchTheirFiles() {
        const LoadResult result = loadRuns({corpusDir(u"wandb"_s)}, ReaderRegistry::withBuiltins());
        const RunTable &t = result.table;

        // Every run id in a folder name is one row, exactly once.
        static const QRegularExpression runDir(
            u"^(?:offline-run|run|dryrun)-\\d{8}_\\d{6}-([a-z0-9]+)$"_s);
        QSet<QString> folderIds;
        QDirIterator it(corpusDir(u"wandb"_s), QDir::Dirs | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            if (const auto m = runDir.match(it.fileName()); m.hasMatch())
                folderIds.insert(m.captured(1));
        }
        QSet<QString> rowIds;
        QStringList others;
        for (int r = 0; r < t.rowCount(); ++r) {
            QVERIFY2(!rowIds.contains(t.run(r).id), qPrintable(t.run(r).id));
            rowIds.insert(t.run(r).id);
            if (!folderIds.contains(t.run(r).id))
                others << QDir(corpusDir(u"wandb"_s)).relativeFilePath(t.run(r).path);
        }
        QCOMPARE(rowIds & folderIds, folderIds);
        // Runs without an id in their folder name: the flat legacy layout, and a latest-run copy
        // whose original folder was not committed.
        others.sort();
        QCOMPARE(others,
                 (QStringList{u"C-Bone-UCL__Geom3D/performance_eval_test/wandb/latest-run"_s,
                              u"mfts__spaceinvaders-wandb-challenge/wandb"_s}));
        QVERIFY(result.mergedFolders >= 11); // every committed latest-run copy

        // Per run: as many config and metric values as the files hold, and only expected issues.
        static const QStringList expectedIssues = {u"no wandb-summary.json"_s, u"NUL byte(s)"_s,
                                                   u"the .wandb log is empty"_s,
                                                   u"the log ends inside the record"_s};
        // The config keys only the .wandb log holds: wandb-core leaves empty mappings out of
        // config.yaml (checked with a Python decoder of the logs).
        static const QHash<QString, int> logOnlyConfig = {
            {u"najpkxke"_s, 1}, {u"wvh6bjxc"_s, 2}, {u"4vb0ep0g"_s, 2}, {u"a8cqi64e"_s, 2}};
        int checkedConfigs = 0, checkedSummaries = 0;
        for (int r = 0; r < t.rowCount(); ++r) {
            const RunInfo &run = t.run(r);
            for (const Issue &i : run.issues) {
                const bool known =
                    i.severity == Issue::Severity::Note ||
                    std::any_of(expectedIssues.begin(), expectedIssues.end(),
                                [&](const QString &s) { return i.message.contains(s); });
                QVERIFY2(known, qPrintable(run.id + u": "_s + i.toString()));
            }
            int config = 0, metrics = 0;
            for (int c = 0; c < t.columnCount(); ++c) {
                if (!t.hasValue(r, c)) continue;
                config += t.column(c).family == Family::Config ? 1 : 0;
                metrics += t.column(c).family == Family::Metric ? 1 : 0;
            }
            const QString files =
                QFileInfo::exists(run.path + u"/files"_s) ? run.path + u"/files"_s : run.path;
            if (QFileInfo::exists(files + u"/config.yaml"_s)) {
                QCOMPARE(config, expectedConfigLeaves(files + u"/config.yaml"_s) +
                                     logOnlyConfig.value(run.id));
                ++checkedConfigs;
            }
            if (QFileInfo::exists(files + u"/wandb-summary.json"_s)) {
                QCOMPARE(metrics, expectedMetricLeaves(files + u"/wandb-summary.json"_s));
                ++checkedSummaries;
            }
        }
        QVERIFY(checkedConfigs > 300);
        QVERIFY(checkedSummaries > 300);
    }

    void wandbSpotValues() {
        const LoadResult result = loadRuns({corpusDir(u"wandb/aorvieto__VerySimpleTransformer"_s)},
                                           ReaderRegistry::withBuiltins());
        const RunTable &t = result.table;
        int row = -1;
        for (int r = 0; r < t.rowCount(); ++r)
            if (t.run(r).id == u"5pppfjv9") row = r;
        QVERIFY(row >= 0);
        const auto value = [&](Family f, const QString &key) {
            const int c = t.findColumn(f, Key::fromDisplay(key));
            return c < 0 ? QString(u"<no column>"_s) : t.value(row, c).displayText();
        };
        QCOMPARE(value(Family::Config, u"optimizer.lr"_s), u"3.0e-06"_s); // as the file writes it
        QCOMPARE(value(Family::Config, u"dataset"_s), u"IMDB"_s);
        QCOMPARE(value(Family::Config, u"seed"_s), u"67"_s);
        QCOMPARE(value(Family::Metric, u"test_acc_epoch"_s), u"0.7808"_s);
        QCOMPARE(value(Family::Meta, u"_step"_s), u"62509"_s);
        QCOMPARE(value(Family::Meta, u"wandb.cli_version"_s), u"0.14.0"_s);
        QCOMPARE(t.run(row).durationSec, 2620.0);
        QCOMPARE(t.findColumn(Family::Config, Key({u"_wandb"_s})), -1);
    }

    void mediaObjectsAreOneCell() {
        const LoadResult result =
            loadRuns({corpusDir(u"wandb/mfts__spaceinvaders-wandb-challenge"_s)},
                     ReaderRegistry::withBuiltins());
        QCOMPARE(result.table.rowCount(), 1);
        const int c = result.table.findColumn(Family::Metric, Key({u"gameplays"_s}));
        QVERIFY(c >= 0);
        QCOMPARE(result.table.value(0, c).type(), Value::Type::Object);
        QVERIFY(result.table.value(0, c).rawText().contains(u"video-file"_s));
    }
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
