// Reads the real Ray Tune and DVC folders in ../shared/corpus: every Ray Tune trial folder and
// every DVCLive run is exactly one row (counted independently, from the files' contents and
// names), with spot values pinned after reading the files by hand. The corpus has no complete
// Ray experiment (state file and trial folders together), so its two state files are also read
// through folders composed of a link to each and a trial folder written here. Guild has no
// corpus folder. Skips cleanly when the corpus is absent (it is data from other projects, never
// copied here).
#include "readers/history.h"
#include "readers/loader.h"
#include "readers/raytunereader.h"
#include "readers/readerregistry.h"

#include <QDirIterator>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "corpusutil.h"
#include "testutil.h"

#include <cmath>

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::typedCell;
using testutil::corpusDir;
using testutil::curveMismatches;
using testutil::cell;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typed;
using testutil::writeFile;

namespace {

LoadResult load(const QStringList &roots) {
    return loadRuns(roots, ReaderRegistry::withBuiltins());
}

int rowAt(const RunTable &t, const QString &path) {
    for (int r = 0; r < t.rowCount(); ++r)
        if (t.run(r).path == path) return r;
    return -1;
}

/// Paths of the rows a reader made.
QSet<QString> pathsOf(const RunTable &t, const QString &format) {
    QSet<QString> out;
    for (int r = 0; r < t.rowCount(); ++r)
        if (t.run(r).format == format) out.insert(t.run(r).path);
    return out;
}

/// Folders below `root` (itself included) for which `is` holds.
QSet<QString> foldersWhere(const QString &root, const std::function<bool(const QDir &)> &is) {
    QSet<QString> out;
    if (is(QDir(root))) out.insert(root);
    QDirIterator it(root, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        if (const QString d = it.next(); is(QDir(d))) out.insert(d);
    return out;
}

QByteArray firstLine(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readLine() : QByteArray();
}

/// Checks one run's curve of `metric` against the file read by hand (the count, the first and
/// the last point) and the table (the count is history.steps, the last point's value the
/// metric's value). Empty when all agree.
QString curveDisagreement(const RunTable &t, int row, const Key &metric, int count,
                          const HistoryPoint &first, const HistoryPoint &last) {
    if (row < 0) return u"no such row"_s;
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const RunInfo &run = t.run(row);
    const std::vector<HistoryPoint> points =
        registry.byFormat(run.format)->readHistory(run.path, metric, ReadLimits{});
    if (int(points.size()) != count) return u"%1 points"_s.arg(points.size());
    const qint64 steps = cell(t, row, Family::Meta, historyStepsKey(metric)).toInt();
    if (steps != count) return u"history.steps %1"_s.arg(steps);
    const auto same = [](const HistoryPoint &a, const HistoryPoint &b) {
        return a.step == b.step && a.value == b.value &&
               (std::isnan(b.time) ? std::isnan(a.time) : std::abs(a.time - b.time) < 0.001);
    };
    const auto text = [](const HistoryPoint &p) {
        return u"%1:%2@%3"_s.arg(p.step).arg(p.value, 0, 'g', 17).arg(p.time, 0, 'f', 3);
    };
    if (!same(points.front(), first)) return u"first "_s + text(points.front());
    if (!same(points.back(), last)) return u"last "_s + text(points.back());
    if (cell(t, row, Family::Metric, metric).toDouble() != points.back().value)
        return u"table "_s + cell(t, row, Family::Metric, metric).displayText();
    return {};
}

} // namespace

class TestCorpusMore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void everyRayTrialIsOneRow();
    void rayCellSpikeTrial();
    void rayParamsJson();
    void rayDoubleEncodedState();
    void rayErrorTrialFromState();
    void everyDvcLiveFolderIsOneRow();
    void dvcSpotValues();
    void noOtherToolsFolderTaken();
    void curvesMatchTheTable_data();
    void curvesMatchTheTable();
    void curvesOfOneRunPerFormat();
    void hydraRunsHaveNoCurves();

private:
    QString m_ray;
    QString m_dvc;
};

void TestCorpusMore::initTestCase() {
    m_ray = corpusDir(u"raytune"_s);
    m_dvc = corpusDir(u"dvc"_s);
    if (!QFileInfo(m_ray).isDir() || !QFileInfo(m_dvc).isDir())
        QSKIP("../shared/corpus/raytune or dvc is absent");
    m_ray = QFileInfo(m_ray).canonicalFilePath();
    m_dvc = QFileInfo(m_dvc).canonicalFilePath();
}

void TestCorpusMore::everyRayTrialIsOneRow() {
    // A trial folder holds Ray's results: result.json, or a progress.csv whose header has Ray's
    // own columns (other tools write progress.csv too).
    const QSet<QString> trials = foldersWhere(m_ray, [](const QDir &d) {
        const QByteArray header = firstLine(d.filePath(u"progress.csv"_s));
        return d.exists(u"result.json"_s) ||
               (header.contains("training_iteration") && header.contains("trial_id"));
    });
    QCOMPARE(trials.size(), 1);
    const LoadResult r = load({m_ray});
    QCOMPARE(pathsOf(r.table, u"raytune"_s), trials);
    QCOMPARE(r.table.rowCount(), trials.size());
}

void TestCorpusMore::rayCellSpikeTrial() {
    const RunTable t = load({m_ray}).table;
    const int row = rowAt(t, m_ray + u"/zekailin00__Raytune-CellSpike/examples/GPU/trial-1"_s);
    QVERIFY(row >= 0);
    const RunInfo &run = t.run(row);
    // The state beside progress.csv names the experiment folder and this trial (bb715_00000,
    // found through progress.csv's trial_id column).
    QCOMPARE(run.id, u"training_function_2021-01-13_22-35-45/bb715_00000"_s);
    QCOMPARE(run.name, u"trial-1"_s);
    // No params.json here: the config is the state's (the trial's `config`).
    QCOMPARE(typedCell(t, row, Family::Config, u"batch_size"_s), u"int:64"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"conv_filter"_s), u"list:[16, 64, 64, 64]"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"optimizer"_s),
             u"list:[\"adam\", 0.001, 1.1e-07]"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"numFeature"_s), u"null:null"_s);
    // progress.csv: 13 results, the last one's val_loss; min and max over the 13.
    QCOMPARE(typedCell(t, row, Family::Metric, u"val_loss"_s), u"float:1.0184079312408965"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.val_loss"_s), u"int:13"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.min.val_loss"_s),
             u"float:1.01832239360859"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.max.val_loss"_s),
             u"float:1.018774646955232"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"training_iteration"_s), u"int:13"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"hostname"_s), u"string:cgpu17"_s);
    QVERIFY(cell(t, row, Family::Metric, u"time_this_iter_s"_s).isMissing());
    QVERIFY(cell(t, row, Family::Metric, u"experiment_tag"_s).isMissing());
    // The state says TERMINATED, and when the trial started.
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(typedCell(t, row, Family::Meta, u"status"_s), u"string:TERMINATED"_s);
    QCOMPARE(run.startMs, 1610606145910LL);
    QCOMPARE(run.durationSec, 880.7449059486389);
    const Issue *others = findIssue(run.issues, u"also lists 2 trial"_s);
    QVERIFY2(others, qPrintable(issuesText(run.issues)));
    QVERIFY(others->message.contains(u"bb715_00001, bb715_00002"_s));
    QVERIFY2(run.problemCount() == 0, qPrintable(issuesText(run.issues)));
}

void TestCorpusMore::rayParamsJson() {
    // trial-2 holds only params.json (no results, too common a name alone to claim the folder):
    // the reader reads it when asked.
    const QString path = m_ray + u"/zekailin00__Raytune-CellSpike/examples/GPU/trial-2"_s;
    const RayTuneReader reader;
    RunCandidate c{path, m_ray, &reader, QDir(path).entryList(QDir::Files), {}, {}, std::nullopt};
    const RunRecord run = reader.read(c, {}, ReadLimits{});
    QHash<QString, QString> config;
    for (const Entry &e : run.entries)
        if (e.family == Family::Config) config.insert(e.key.display(), typed(e.value));
    QCOMPARE(config.size(), 17);
    QCOMPARE(config.value(u"batch_size"_s), u"int:64"_s);
    QCOMPARE(config.value(u"conv_filter"_s), u"list:[64, 64, 256, 256, 256, 256, 256]"_s);
    QCOMPARE(config.value(u"reduceLR_factor"_s), u"float:0.10339426785106141"_s);
    QCOMPARE(config.value(u"numFeature"_s), u"null:null"_s);
    QCOMPARE(config.value(u"myID"_s), u"string:id134466260478"_s);
    QVERIFY(findIssue(run.issues, u"no result.json or progress.csv"_s));
}

void TestCorpusMore::rayDoubleEncodedState() {
    // Ray's own test fixture (2022): one trial, JSON-encoded as a string inside the JSON.
    const QString state = m_ray + u"/ray-project__ray/python/ray/tune/tests/experiment_checkpoint/"
                                  u"experiment_state-2022-03-17_18-22-31.json"_s;
    QTemporaryDir tmp;
    const QString exp = tmp.path() + u"/train_func_2022-03-17_18-22-30"_s;
    QVERIFY(QDir().mkpath(exp));
    QVERIFY(QFile::link(state, exp + u"/experiment_state-2022-03-17_18-22-31.json"_s));
    // A trial folder named as the state's logdir says, without a trial id in its results.
    const QString trial = exp + u"/train_func_e122b_00000_0_2022-03-17_18-22-31"_s;
    QVERIFY(writeFile(trial + u"/params.json"_s, "{}\n"));
    QVERIFY(writeFile(trial + u"/result.json"_s, "{\"score\": 3, \"training_iteration\": 1}\n"));
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).id, u"train_func_2022-03-17_18-22-30/e122b_00000"_s);
    QCOMPARE(t.run(0).status, RunStatus::Finished);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"status"_s), u"string:TERMINATED"_s);
    QCOMPARE(t.run(0).startMs, 1647566551290LL);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"score"_s), u"int:3"_s);
    QVERIFY2(t.run(0).problemCount() == 0, qPrintable(issuesText(t.run(0).issues)));
}

void TestCorpusMore::rayErrorTrialFromState() {
    // The CellSpike state lists trial bb715_00001 as ERROR; its folder (named as the state's
    // logdir says) holds what Ray writes before a first result.
    const QString state = m_ray + u"/zekailin00__Raytune-CellSpike/examples/GPU/trial-1/"
                                  u"experiment_state-2021-01-13_22-35-45.json"_s;
    QTemporaryDir tmp;
    const QString exp = tmp.path() + u"/training_function_2021-01-13_22-35-45"_s;
    QVERIFY(QDir().mkpath(exp));
    QVERIFY(QFile::link(state, exp + u"/experiment_state-2021-01-13_22-35-45.json"_s));
    const QString trial =
        exp + u"/training_function_bb715_00001_1_batch_size=32,conv_filter=[32, 128, 256, 256, "
              u"256, 256],conv_kernel=7,conv_repeat=7,dropFrac=0.01,_2021-01-13_22-35-45"_s;
    QVERIFY(writeFile(trial + u"/params.json"_s, "{\"batch_size\": 32}\n"));
    QVERIFY(writeFile(trial + u"/error.txt"_s, "Failure # 1\n"));
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).id, u"training_function_2021-01-13_22-35-45/bb715_00001"_s);
    QCOMPARE(t.run(0).status, RunStatus::Crashed);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"status"_s), u"string:ERROR"_s);
    QCOMPARE(t.run(0).startMs, 1610606145929LL);
}

void TestCorpusMore::everyDvcLiveFolderIsOneRow() {
    // DVCLive folders: named dvclive*, holding DVCLive's files. Each is a run; DVC projects that
    // hold one are shown through it.
    const QSet<QString> lives = foldersWhere(m_dvc, [](const QDir &d) {
        return d.dirName().startsWith(u"dvclive"_s) &&
               (d.exists(u"metrics.json"_s) || d.exists(u"params.yaml"_s) || d.exists(u"plots"_s));
    });
    const QSet<QString> bareProjects = foldersWhere(m_dvc, [](const QDir &d) {
        return (d.exists(u"dvc.yaml"_s) || d.exists(u"dvc.lock"_s)) &&
               d.entryList({u"dvclive*"_s}, QDir::Dirs).isEmpty();
    });
    QCOMPARE(lives.size(), 3);
    QCOMPARE(bareProjects.size(), 0);
    const LoadResult r = load({m_dvc});
    QCOMPARE(pathsOf(r.table, u"dvc"_s), lives);
    QCOMPARE(r.table.rowCount(), lives.size());
    for (int row = 0; row < r.table.rowCount(); ++row)
        QVERIFY2(r.table.run(row).problemCount() == 0,
                 qPrintable(issuesText(r.table.run(row).issues)));
}

void TestCorpusMore::dvcSpotValues() {
    const RunTable t = load({m_dvc}).table;

    // CaroCardozo: no dvclive/params.yaml, so the project's params.yaml; dvc.lock records
    // dvclive/metrics.json as the train stage's output.
    int row = rowOf(t, u"CaroCardozo__example-dvc-experiments/dvclive"_s);
    QVERIFY(row >= 0);
    QCOMPARE(t.run(row).name, u"CaroCardozo__example-dvc-experiments/dvclive"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"train.epochs"_s), u"int:10"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"model.conv_units"_s), u"int:24"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"eval.acc"_s), u"float:0.9884999990463257"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"train.loss"_s), u"float:0.03015276975929737"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.eval.acc"_s), u"int:10"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.min.eval.acc"_s),
             u"float:0.9714000225067139"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"step"_s), u"int:9"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"dvc.cmd"_s), u"string:python3 src/train.py"_s);
    QCOMPARE(t.run(row).status, RunStatus::Finished);

    // ArturMakowski: dvclive/params.yaml (what the run logged on Colab) is the config, not the
    // workspace params.yaml (local paths, a renamed key).
    row = rowOf(t, u"ArturMakowski__Sound_event_detection_system/dvclive"_s);
    QVERIFY(row >= 0);
    QCOMPARE(typedCell(t, row, Family::Config, u"training.batch_size"_s), u"list:[24, 24]"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"training.obj_metric_synth_type"_s),
             u"string:intersection"_s);
    QVERIFY(cell(t, row, Family::Config, u"training.obj_metric_strong_type"_s).isMissing());
    QVERIFY(typedCell(t, row, Family::Config, u"data.synth_folder"_s)
                .startsWith(u"string:/content/drive/MyDrive/"_s));
    QCOMPARE(typedCell(t, row, Family::Metric, u"test.loss"_s), u"float:0.12357500940561295"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"val.weak.macro_F1"_s),
             u"float:0.841625452041626"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.val.weak.macro_F1"_s), u"int:100"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.min.val.weak.macro_F1"_s), u"float:0"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"epoch"_s), u"int:100"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"step"_s), u"int:5900"_s);
    QCOMPARE(t.run(row).status, RunStatus::Unknown); // dvc.lock records no outputs

    // CoffeeMugTwo: dvclive/params.yaml holds params_show's `params.yaml:training` keys; dvc.lock
    // recorded training.lr as 0.0001 where params.yaml says 1e-4: the same number, no warning.
    row = rowOf(t, u"CoffeeMugTwo__dvc_dqn_test/dvclive"_s);
    QVERIFY(row >= 0);
    QCOMPARE(typedCell(t, row, Family::Config, u"training.lr"_s), u"float:0.0001"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"env.test_param"_s), u"int:500"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"min_distance"_s), u"float:0.7983995974063873"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.min_distance"_s), u"int:100"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.min.min_distance"_s),
             u"float:0.021096795797348022"_s);
    QVERIFY(!findIssue(t.run(row).issues, u"params changed"_s));
}

void TestCorpusMore::noOtherToolsFolderTaken() {
    // Over the whole corpus, these readers claim the Ray Tune and DVC folders and nothing else.
    const QString root = QFileInfo(m_ray).path();
    const RunTable t = load({root}).table;
    int ours = 0;
    for (int row = 0; row < t.rowCount(); ++row) {
        const RunInfo &run = t.run(row);
        const bool mine =
            run.format == u"raytune" || run.format == u"dvc" || run.format == u"guild";
        const bool there = run.path.startsWith(m_ray + u'/') || run.path.startsWith(m_dvc + u'/');
        QVERIFY2(mine == there, qPrintable(run.format + u' ' + run.path));
        ours += mine ? 1 : 0;
    }
    QCOMPARE(ours, 4);
}

void TestCorpusMore::curvesMatchTheTable_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("curves"); // metrics with a history in the corpus
    // Ray Tune: CellSpike's progress.csv (the other trials' results are in state files only).
    QTest::newRow("raytune") << u"raytune"_s << 1;
    // Every TSV but ArturMakowski's train/step.tsv, which holds only a step column.
    QTest::newRow("dvc") << u"dvc"_s << 24;
}

void TestCorpusMore::curvesMatchTheTable() {
    // Every history the table summarises, read again for the Curves plot, agrees with it.
    QFETCH(QString, format);
    QFETCH(int, curves);
    const RunTable t = load({format == u"dvc" ? m_dvc : m_ray}).table;
    int checked = 0, outOfOrder = 0;
    const QStringList wrong = curveMismatches(t, format, checked, outOfOrder);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.mid(0, 10).join(u'\n')));
    QCOMPARE(checked, curves);
    QCOMPARE(outOfOrder, 0);
}

void TestCorpusMore::curvesOfOneRunPerFormat() {
    const double none = std::nan("");
    // progress.csv: step = training_iteration, time = the timestamp column (seconds).
    const RunTable ray = load({m_ray}).table;
    QCOMPARE(curveDisagreement(
                 ray, rowAt(ray, m_ray + u"/zekailin00__Raytune-CellSpike/examples/GPU/trial-1"_s),
                 Key({u"val_loss"_s}), 13, {1, 1.018595549898843, 1610606224},
                 {13, 1.0184079312408965, 1610607028}),
             QString());
    // plots/metrics/eval/acc.tsv (no timestamp column) for the nested key eval.acc.
    const RunTable dvc = load({m_dvc}).table;
    QCOMPARE(curveDisagreement(dvc, rowOf(dvc, u"CaroCardozo__example-dvc-experiments/dvclive"_s),
                               Key({u"eval"_s, u"acc"_s}), 10, {0, 0.9714000225067139, none},
                               {9, 0.9884999990463257, none}),
             QString());
}

void TestCorpusMore::hydraRunsHaveNoCurves() {
    // No Hydra run of the corpus holds a tracker run, nor a results file: the reader finds no
    // tracker to ask and invents no curve.
    const QString root = corpusDir(u"hydra"_s);
    if (!QFileInfo(root).isDir()) QSKIP("../shared/corpus/hydra is absent");
    const RunTable t = load({root}).table;
    const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const Reader *hydra = registry.byFormat(u"hydra"_s);
    int rows = 0;
    for (int r = 0; r < t.rowCount(); ++r) {
        if (t.run(r).format != u"hydra") continue;
        ++rows;
        QVERIFY(cell(t, r, Family::Meta, u"hydra.tracker"_s).isMissing());
        for (int c = 0; c < t.columnCount(); ++c)
            QVERIFY(t.column(c).family != Family::Metric || !t.hasValue(r, c));
        for (const QString &k : {u"loss"_s, u"val_loss"_s, u"train/loss"_s})
            QVERIFY(hydra->readHistory(t.run(r).path, Key({k}), ReadLimits{}).empty());
    }
    QCOMPARE(rows, 80);
}

QTEST_GUILESS_MAIN(TestCorpusMore)
#include "tst_corpus_more.moc"
