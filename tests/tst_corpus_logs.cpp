// Reads the real Lightning, Sacred and Keras run folders in ../shared/corpus and cross-checks
// every run against an independent reading: the run folders counted from the directory tree,
// yaml-cpp's node API for hparams.yaml, QJsonDocument for Sacred's JSON, and a plain split of
// each CSV log. Then spot values read from the files by hand. Skips cleanly when the corpus is
// absent (it is data from other projects, never copied into this repository).
#include "readers/history.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <yaml-cpp/yaml.h>

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "corpusutil.h"
#include "testutil.h"

#include <cmath>

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::corpusDir;
using testutil::curveMismatches;
using testutil::sameNumber;
using testutil::issuesText;
using testutil::typed;

namespace {

/// Folders under `root` (itself included) holding a file for which `isRun` says yes.
QSet<QString> runFolders(const QString &root, const std::function<bool(const QDir &)> &isRun) {
    QSet<QString> out;
    QDirIterator it(root, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        if (const QString d = it.next(); isRun(QDir(d))) out.insert(QDir::cleanPath(d));
    return out;
}

QSet<QString> pathsOf(const RunTable &t, const QString &format) {
    QSet<QString> out;
    for (int r = 0; r < t.rowCount(); ++r)
        if (t.run(r).format == format) out.insert(QDir::cleanPath(t.run(r).path));
    return out;
}

int countFamily(const RunTable &t, int row, Family f) {
    int n = 0;
    for (int c = 0; c < t.columnCount(); ++c)
        n += t.column(c).family == f && t.hasValue(row, c) ? 1 : 0;
    return n;
}

/// Leaves as RunLens defines them: a mapping recurses, anything else (lists, scalars, an empty
/// mapping) is one leaf.
int yamlLeaves(const YAML::Node &n) {
    if (!n.IsMap() || n.size() == 0) return 1;
    int count = 0;
    for (const auto &kv : n)
        count += yamlLeaves(kv.second);
    return count;
}

/// Leaves of jsonpickle JSON: an object with `py/` keys is one value (a list, a number or text),
/// except an object whose attributes are plain members, which is a mapping of them.
int pickledLeaves(const QJsonValue &v) {
    if (!v.isObject() || v.toObject().isEmpty()) return 1;
    const QJsonObject o = v.toObject();
    bool internals = false;
    for (auto it = o.begin(); it != o.end(); ++it)
        internals = internals || (it.key() != u"py/object" && it.key().startsWith(u"py/"_s));
    if (internals || (o.contains(u"py/object"_s) &&
                      (o.size() == 1 || o.contains(u"values"_s) || o.contains(u"value"_s))))
        return 1;
    int count = 0;
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key() != u"py/object") count += pickledLeaves(it.value());
    return count;
}

QJsonObject readJson(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    // QJsonDocument rejects Python's bare NaN and Infinity: stand them in with null here.
    static const QRegularExpression bare(u"(?<=[:\\[,\\s])-?(NaN|Infinity)(?=\\s*[,}\\]])"_s);
    const QString text = QString::fromUtf8(f.readAll()).replace(bare, u"null"_s);
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

/// One CSV column read the plain way: its cells by step, the last by step (a later equal step
/// replaces), and how many.
struct PlainColumn {
    QString last;
    double lastStep = 0;
    int count = 0;
};

/// Splits a CSV log without quotes on `,`; `stepColumn` orders the rows.
QHash<QString, PlainColumn> plainCsv(const QString &path, const QString &stepColumn) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty()) return {};
    const QStringList header = lines.first().trimmed().split(u',');
    const qsizetype stepIndex = header.indexOf(stepColumn);
    QHash<QString, PlainColumn> out;
    for (qsizetype l = 1; l < lines.size(); ++l) {
        const QStringList cells = lines[l].trimmed().split(u',');
        const double step = cells.value(stepIndex).toDouble();
        for (qsizetype c = 0; c < header.size() && c < cells.size(); ++c) {
            if (cells[c].isEmpty()) continue;
            PlainColumn &col = out[header[c]];
            if (col.count++ == 0 || !(step < col.lastStep)) {
                col.lastStep = step;
                col.last = cells[c];
            }
        }
    }
    return out;
}

/// The curve of one metric of one run as the table's reader reads it.
std::vector<HistoryPoint> curveOf(const RunTable &t, const QString &id, const Key &metric) {
    const int row = testutil::rowOf(t, id);
    if (row < 0) return {};
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const Reader *reader = registry.byFormat(t.run(row).format);
    return reader ? reader->readHistory(t.run(row).path, metric, ReadLimits{})
                  : std::vector<HistoryPoint>{};
}

} // namespace

class TestCorpusLogs : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        if (!QFileInfo(corpusDir(u"lightning"_s)).isDir())
            QSKIP("../shared/corpus is absent; the corpus test needs it");
    }

    void lightningRunsMatchTheirFiles() {
        const QString root = corpusDir(u"lightning"_s);
        const LoadResult result = loadRuns({root}, ReaderRegistry::withBuiltins());
        const RunTable &t = result.table;
        // Every version_N folder with hparams.yaml or metrics.csv, exactly once.
        static const QRegularExpression version(u"^version_\\d+$"_s);
        const QSet<QString> folders = runFolders(root, [](const QDir &d) {
            return version.match(d.dirName()).hasMatch() &&
                   (d.exists(u"hparams.yaml"_s) || d.exists(u"metrics.csv"_s));
        });
        QCOMPARE(folders.size(), 203);
        QCOMPARE(pathsOf(t, u"lightning"_s), folders);
        QCOMPARE(t.rowCount(), 203);

        int yamlChecked = 0, yamlCppFails = 0, csvChecked = 0, metricsChecked = 0;
        // In three CAMELS-CH versions metrics.csv and the event files are different trainings
        // (tst_corpus_tfevents): a warning each, metrics.csv read as ever.
        static const QStringList apart = {u"version_53"_s, u"version_56"_s, u"version_57"_s};
        for (int r = 0; r < t.rowCount(); ++r) {
            const RunInfo &run = t.run(r);
            for (const Issue &i : run.issues)
                QVERIFY2(i.severity == Issue::Severity::Note ||
                             (apart.contains(QFileInfo(run.path).fileName()) &&
                              run.id.startsWith(u"CooperBigFoot__CAMELS-CH/"_s) &&
                              i.message.contains(u"hold different trainings"_s)),
                         qPrintable(run.id + u": "_s + i.toString()));
            const QString hparams = run.path + u"/hparams.yaml"_s;
            if (QFileInfo::exists(hparams)) {
                YAML::Node node;
                try {
                    node = YAML::LoadFile(hparams.toStdString());
                } catch (const YAML::Exception &) {
                    ++yamlCppFails; // yaml-cpp#1163: `- !!binary |` in a list; checked by hand
                                    // below
                    continue;
                }
                int leaves = 0;
                for (const auto &kv : node)
                    leaves += yamlLeaves(kv.second);
                QCOMPARE(countFamily(t, r, Family::Config), leaves);
                ++yamlChecked;
            }
            const QString csv = run.path + u"/metrics.csv"_s;
            if (!QFileInfo::exists(csv)) continue;
            ++csvChecked;
            const QHash<QString, PlainColumn> columns = plainCsv(csv, u"step"_s);
            int metrics = 0;
            for (auto it = columns.begin(); it != columns.end(); ++it) {
                const bool meta = it.key() == u"epoch" || it.key() == u"step";
                const Value v =
                    testutil::cell(t, r, meta ? Family::Meta : Family::Metric, Key({it.key()}));
                QVERIFY2(sameNumber(v.toDouble(), it->last.toDouble()),
                         qPrintable(run.id + u' ' + it.key() + u": "_s + v.displayText() +
                                    u" != "_s + it->last));
                if (meta) continue;
                ++metrics;
                ++metricsChecked;
                QCOMPARE(
                    testutil::cell(t, r, Family::Meta, historyStepsKey(Key({it.key()}))).toInt(),
                    qint64(it->count));
            }
            QCOMPARE(countFamily(t, r, Family::Metric), metrics);
        }
        QCOMPARE(yamlCppFails, 4); // the four Temporal-Fusion-Transformer versions
        QCOMPARE(yamlChecked, 197);
        QCOMPARE(csvChecked, 94);
        QVERIFY(metricsChecked > 400);
    }

    void lightningSpotValues() {
        const LoadResult result =
            loadRuns({corpusDir(u"lightning"_s)}, ReaderRegistry::withBuiltins());
        const RunTable &t = result.table;
        const auto value = [&](const QString &id, Family f, const QString &key) {
            const int row = testutil::rowOf(t, id);
            return row < 0 ? u"<no run>"_s : typed(testutil::cell(t, row, f, key));
        };
        const QString camels = u"CooperBigFoot__CAMELS-CH/lightning_logs/version_10"_s;
        // `config: !!python/object:src.models.TSMixer.TSMixerConfig` is a plain mapping.
        QCOMPARE(value(camels, Family::Config, u"config.hidden_size"_s), u"int:32"_s);
        QCOMPARE(value(camels, Family::Config, u"learning_rate"_s), u"float:0.0001"_s);
        // Sparse metrics.csv: val_loss is in 5 of 63 rows; its last is at step 2639.
        QCOMPARE(value(camels, Family::Metric, u"val_loss"_s), u"float:0.14950110018253326"_s);
        QCOMPARE(value(camels, Family::Meta, u"history.min.val_loss"_s),
                 u"float:0.1492472141981125"_s);
        QCOMPARE(value(camels, Family::Meta, u"history.steps.val_loss"_s), u"int:5"_s);
        QCOMPARE(value(camels, Family::Metric, u"train_loss"_s), u"float:0.18821905553340912"_s);
        QCOMPARE(value(camels, Family::Meta, u"epoch"_s), u"int:4"_s);
        QCOMPARE(value(camels, Family::Meta, u"step"_s), u"int:2639"_s);
        // Insertion-ordered header (`step,epoch,...`) full of nan, ending in nan.
        const QString genrisk = u"AIRI-Institute__genrisk/lightning_logs/version_0"_s;
        QCOMPARE(value(genrisk, Family::Metric, u"train_disc_loss"_s), u"float:nan"_s);
        QCOMPARE(value(genrisk, Family::Meta, u"history.max.train_disc_loss"_s),
                 u"float:1.6226933508321501e+24"_s);
        QCOMPARE(value(genrisk, Family::Meta, u"history.steps.train_disc_loss"_s), u"int:320"_s);
        // hparams.yaml of `{}`.
        QCOMPARE(countFamily(t, testutil::rowOf(t, genrisk), Family::Config), 0);
        // Keys with `/` stay one segment; a run without hparams.yaml.
        const QString opal = u"Eve-ning__opal-v2/lightning_logs/version_1"_s;
        QCOMPARE(value(opal, Family::Metric, u"val/rmse_loss"_s), u"float:0.01753209561807983"_s);
        QCOMPARE(value(opal, Family::Metric, u"lr-Adam"_s), u"float:1.5537667844522885e-05"_s);
        // 22 kB of PyYAML tags, anchors and `- !!binary |` items that yaml-cpp 0.7 rejects as
        // written: a numpy int64 scalar, a numpy.ndarray name, a plain value after them.
        const QString tft = u"FbStatsQuant__Temporal-Fusion-Transformer/lightning_logs/version_0"_s;
        QCOMPARE(value(tft, Family::Config, u"dataset_parameters.scalers.MA_21.n_samples_seen_"_s),
                 u"int:9455"_s);
        QCOMPARE(value(tft, Family::Config,
                       u"dataset_parameters.categorical_encoders.month.classes_.12"_s),
                 u"int:3"_s);
        QCOMPARE(value(tft, Family::Config, u"reduce_on_plateau_min_lr"_s), u"float:1.0e-05"_s);
        QCOMPARE(value(tft, Family::Config, u"x_categoricals"_s),
                 u"list:[\"sector\", \"day_of_week\", \"month\"]"_s);
        QCOMPARE(value(tft, Family::Config, u"categorical_groups"_s), u"object:{}"_s);
        QCOMPARE(value(tft, Family::Meta, u"host"_s), u"string:Felipe_Bedoya"_s);
        // The first event's time (its file's name says 1773742213).
        QCOMPARE(t.run(testutil::rowOf(t, tft)).startMs, qint64(1773742213921));
    }

    void sacredRunsMatchTheirFiles() {
        const QString root = corpusDir(u"sacred"_s);
        const LoadResult result = loadRuns({root}, ReaderRegistry::withBuiltins());
        const RunTable &t = result.table;
        // Folders with run.json, and those committed with only config.json and Sacred's cout.txt.
        const QSet<QString> withRunJson =
            runFolders(root, [](const QDir &d) { return d.exists(u"run.json"_s); });
        const QSet<QString> withoutRunJson = runFolders(root, [](const QDir &d) {
            return !d.exists(u"run.json"_s) && d.exists(u"config.json"_s) &&
                   d.exists(u"cout.txt"_s);
        });
        QCOMPARE(withRunJson.size(), 67);
        QCOMPARE(withoutRunJson.size(), 13);
        QCOMPARE(pathsOf(t, u"sacred"_s), withRunJson | withoutRunJson);
        QCOMPARE(t.rowCount(), 80);

        int failed = 0, metricsChecked = 0;
        for (int r = 0; r < t.rowCount(); ++r) {
            const RunInfo &run = t.run(r);
            const bool hasRunJson = withRunJson.contains(QDir::cleanPath(run.path));
            for (const Issue &i : run.issues)
                QVERIFY2(!hasRunJson, qPrintable(run.id + u": "_s + i.toString()));
            if (!hasRunJson) {
                QCOMPARE(run.issues.size(), std::size_t(1));
                QVERIFY(run.issues[0].message.contains(u"no run.json"_s));
                QCOMPARE(run.status, RunStatus::Unknown);
            } else {
                const QJsonObject info = readJson(run.path + u"/run.json"_s);
                const QString word = info.value(u"status"_s).toString();
                const RunStatus expected = word == u"COMPLETED" ? RunStatus::Finished
                                           : word == u"RUNNING" ? RunStatus::Running
                                                                : RunStatus::Crashed;
                QCOMPARE(run.status, expected);
                QCOMPARE(testutil::cell(t, r, Family::Meta, u"status"_s).rawText(), word);
                failed += word == u"FAILED" ? 1 : 0;
                const QString name =
                    info.value(u"experiment"_s).toObject().value(u"name"_s).toString();
                QCOMPARE(run.name, name + u" #"_s + QFileInfo(run.path).fileName());
                QVERIFY(run.startMs > 0);
            }
            int configLeaves = 0;
            const QJsonObject config = readJson(run.path + u"/config.json"_s);
            for (auto it = config.begin(); it != config.end(); ++it)
                configLeaves += pickledLeaves(it.value());
            QCOMPARE(countFamily(t, r, Family::Config), configLeaves);

            const QJsonObject metrics = readJson(run.path + u"/metrics.json"_s);
            for (auto it = metrics.begin(); it != metrics.end(); ++it) {
                const QJsonArray values = it.value().toObject().value(u"values"_s).toArray();
                const QJsonArray steps = it.value().toObject().value(u"steps"_s).toArray();
                QCOMPARE(steps.size(), values.size());
                double lastStep = 0, last = 0;
                for (qsizetype i = 0; i < values.size(); ++i) {
                    if (i == 0 || !(steps[i].toDouble() < lastStep)) {
                        lastStep = steps[i].toDouble();
                        last = values[i].isNull() ? std::nan("") : values[i].toDouble();
                    }
                }
                const Key key({it.key()});
                QVERIFY2(sameNumber(testutil::cell(t, r, Family::Metric, key).toDouble(), last),
                         qPrintable(run.id + u' ' + it.key()));
                QCOMPARE(testutil::cell(t, r, Family::Meta, historyStepsKey(key)).toInt(),
                         qint64(values.size()));
                ++metricsChecked;
            }
        }
        QCOMPARE(failed, 16);
        QVERIFY(metricsChecked >= 35);
    }

    void sacredSpotValues() {
        const LoadResult result =
            loadRuns({corpusDir(u"sacred"_s)}, ReaderRegistry::withBuiltins());
        const RunTable &t = result.table;
        const auto value = [&](const QString &id, Family f, const Key &key) {
            const int row = testutil::rowOf(t, id);
            return row < 0 ? u"<no run>"_s : typed(testutil::cell(t, row, f, key));
        };
        const auto v = [&](const QString &id, Family f, const QString &key) {
            return value(id, f, Key::fromDisplay(key));
        };
        // A FAILED run with a series of 400 values of a dotted metric name (one key segment).
        const QString failed = u"manuel-rhdt__ml-pws/runs/3"_s;
        const Key loss({u"training.loss"_s});
        QCOMPARE(t.run(testutil::rowOf(t, failed)).status, RunStatus::Crashed);
        QCOMPARE(v(failed, Family::Meta, u"status"_s), u"string:FAILED"_s);
        QCOMPARE(
            v(failed, Family::Meta, u"error"_s),
            u"string:AttributeError: expected 'f' to be string, path, or a file-like object with a 'write' attribute"_s);
        QCOMPARE(value(failed, Family::Metric, loss), u"float:-0.6749154008865357"_s);
        QCOMPARE(value(failed, Family::Meta, historyKey(loss, MetricSummary::Min)),
                 u"float:-0.6749154008865357"_s);
        QCOMPARE(value(failed, Family::Meta, historyKey(loss, MetricSummary::Max)),
                 u"float:0.5156626180648803"_s);
        QCOMPARE(value(failed, Family::Meta, historyStepsKey(loss)), u"int:400"_s);
        QCOMPARE(t.run(testutil::rowOf(t, failed)).durationSec, 57.812);
        QCOMPARE(v(failed, Family::Meta, u"git.commit"_s),
                 u"string:34c5ea6bebc779115962365252593cd77b67fbec"_s);
        // config_updates of a sweep run, as text.
        QCOMPARE(
            v(u"manuel-rhdt__ml-pws/runs/75"_s, Family::Meta, u"sacred.config_updates"_s),
            u"string:{\"epochs\": 500, \"hidden_size\": 0, \"layers\": 3, \"model\": \"LSTM\"}"_s);
        // jsonpickle: an object's attributes as a mapping, a py/id reference as text.
        const QString dense = u"abefetterman__ml-optim-testing/logs/1"_s;
        QCOMPARE(v(dense, Family::Config, u"args.lr"_s), u"float:0.1"_s);
        QCOMPARE(v(dense, Family::Config, u"args.name"_s), u"string:DenseNet_BC_100_12"_s);
        QCOMPARE(v(dense, Family::Config, u"strict.args"_s), u"string:<py/id 0>"_s);
        QCOMPARE(t.run(testutil::rowOf(t, dense)).name, u"DenseNet #1"_s);
        // numpy arrays in the result are their values; a pickled model is named only.
        QCOMPARE(v(u"joefarrington__cdt_sacred_example/my_runs/1"_s, Family::Metric,
                   u"result.rank_test_score"_s),
                 u"list:[1, 4, 3, 1]"_s);
        QCOMPARE(v(u"manuel-rhdt__ml-pws/runs/83"_s, Family::Metric, u"result"_s),
                 u"string:<src.models.rnn_sequence_model.SequenceModel>"_s);
        // The only INTERRUPTED run.
        int interrupted = 0;
        for (int r = 0; r < t.rowCount(); ++r)
            if (testutil::cell(t, r, Family::Meta, u"status"_s).rawText() == u"INTERRUPTED") {
                ++interrupted;
                QCOMPARE(t.run(r).status, RunStatus::Crashed);
            }
        QCOMPARE(interrupted, 1);
    }

    void curvesMatchTheTable_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("curves");     // metrics with a history in the corpus
        QTest::addColumn<int>("outOfOrder"); // of them, logged with steps going back
        // 432 metrics.csv columns and 314 scalar tags only event files hold (counted apart
        // from RunLens: every tag but `epoch` and the hp_metric placeholder).
        QTest::newRow("lightning") << u"lightning"_s << 746 << 0;
        QTest::newRow("sacred") << u"sacred"_s << 55 << 0;
        // AkshatSharma5's training_log.csv holds four trainings appended (CSVLogger(append=
        // True)): epochs 0-4, 0-3, 0-9, 0-4. The table's value is the last by epoch (epoch 9 of
        // the third), the curve goes back three times.
        QTest::newRow("keras") << u"keras"_s << 18 << 5;
    }

    void curvesMatchTheTable() {
        // Every history the table summarises, read again for the Curves plot, agrees with it.
        QFETCH(QString, format);
        QFETCH(int, curves);
        QFETCH(int, outOfOrder);
        const ReaderRegistry registry = ReaderRegistry::withBuiltins();
        const RunTable t = loadRuns({corpusDir(format)}, registry).table;
        int checked = 0, goingBack = 0;
        const QStringList wrong = curveMismatches(t, format, checked, goingBack);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.mid(0, 10).join(u'\n')));
        QCOMPARE(checked, curves);
        QCOMPARE(goingBack, outOfOrder);
    }

    void curvesOfOneRunPerFormat() {
        // One run per format, its points checked against the file read by hand: the count,
        // the first and the last point; the last point's value is the table's value.
        const ReaderRegistry registry = ReaderRegistry::withBuiltins();
        const auto check = [&](const QString &format, const QString &id, const Key &metric,
                               int count, HistoryPoint first, HistoryPoint last) {
            const RunTable t = loadRuns({corpusDir(format)}, registry).table;
            const int row = testutil::rowOf(t, id);
            QVERIFY2(row >= 0, qPrintable(id));
            const std::vector<HistoryPoint> points = curveOf(t, id, metric);
            QCOMPARE(int(points.size()), count);
            QCOMPARE(testutil::cell(t, row, Family::Meta, historyStepsKey(metric)).toInt(),
                     qint64(count));
            for (const auto &[got, want] :
                 {std::pair{points.front(), first}, std::pair{points.back(), last}}) {
                QCOMPARE(got.step, want.step);
                QCOMPARE(got.value, want.value);
                if (std::isnan(want.time))
                    QVERIFY(std::isnan(got.time));
                else
                    QVERIFY2(std::abs(got.time - want.time) < 0.001,
                             qPrintable(QString::number(got.time, 'f', 6)));
            }
            QCOMPARE(testutil::cell(t, row, Family::Metric, metric).toDouble(),
                     points.back().value);
        };
        const double none = std::nan("");
        // Sparse validation rows: 5 of 63.
        check(u"lightning"_s, u"CooperBigFoot__CAMELS-CH/lightning_logs/version_10"_s,
              Key({u"val_loss"_s}), 5, {527, 0.14927896857261658, none},
              {2639, 0.14950110018253326, none});
        // Steps from 1, Sacred's ISO timestamps (UTC, microseconds; RunLens keeps ms).
        check(u"sacred"_s, u"manuel-rhdt__ml-pws/runs/3"_s, Key({u"training.loss"_s}), 400,
              {1, 0.5156626180648803, 1707433957.659}, {400, -0.6749154008865357, 1707434012.323});
        check(u"keras"_s, u"Deepender25__Handwritten-Digit-Recognition---CNN-with-99.65-Accuracy"_s,
              Key({u"val_loss"_s}), 30, {0, 3.6416454315185547, none},
              {29, 0.009158278815448284, none});
    }

    void kerasRunsMatchTheirFiles() {
        const QString root = corpusDir(u"keras"_s);
        const LoadResult result = loadRuns({root}, ReaderRegistry::withBuiltins());
        const RunTable &t = result.table;
        const QSet<QString> folders =
            runFolders(root, [](const QDir &d) { return d.exists(u"training_log.csv"_s); });
        QCOMPARE(folders.size(), 4);
        QCOMPARE(pathsOf(t, u"keras"_s), folders);
        QCOMPARE(t.rowCount(), 4);
        for (int r = 0; r < t.rowCount(); ++r) {
            const RunInfo &run = t.run(r);
            QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
            const QHash<QString, PlainColumn> columns =
                plainCsv(run.path + u"/training_log.csv"_s, u"epoch"_s);
            QCOMPARE(countFamily(t, r, Family::Metric), int(columns.size()) - 1);
            for (auto it = columns.begin(); it != columns.end(); ++it) {
                const Family f = it.key() == u"epoch" ? Family::Meta : Family::Metric;
                QCOMPARE(testutil::cell(t, r, f, Key({it.key()})).displayText(), it->last);
            }
        }
        const auto value = [&](const QString &id, Family f, const QString &key) {
            return typed(testutil::cell(t, testutil::rowOf(t, id), f, key));
        };
        const QString digits =
            u"Deepender25__Handwritten-Digit-Recognition---CNN-with-99.65-Accuracy"_s;
        QCOMPARE(value(digits, Family::Metric, u"val_accuracy"_s), u"float:0.9965000152587891"_s);
        QCOMPARE(value(digits, Family::Metric, u"learning_rate"_s),
                 u"float:0.0002500000118743628"_s);
        QCOMPARE(value(digits, Family::Meta, u"epoch"_s), u"int:29"_s);
        QCOMPARE(value(digits, Family::Meta, u"history.steps.loss"_s), u"int:30"_s);
        // Line ends `\r\r\n` (Python's csv writing `\r\n` through a Windows text-mode file).
        const QString emotion = u"AshishBatham__Facial-Emotion-Recognition"_s;
        QCOMPARE(value(emotion, Family::Metric, u"val_loss"_s), u"float:1.8913871049880981"_s);
        QCOMPARE(value(emotion, Family::Meta, u"history.steps.val_loss"_s), u"int:2"_s);
        QCOMPARE(value(emotion, Family::Meta, u"epoch"_s), u"int:1"_s);
    }
};

QTEST_GUILESS_MAIN(TestCorpusLogs)
#include "tst_corpus_logs.moc"
