// Reads the real MLflow file stores in ../shared/corpus/mlflow: every run folder is exactly one
// row (the folders counted independently from the files: `<experiment>/<run>/meta.yaml` outside
// `models/`, and the same inside `.trash/`), every param file one config key and every metric
// file one metric, and spot values pinned after reading the files by hand. Skips cleanly when the
// corpus is absent (it is data from other projects, never copied here).
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QDirIterator>
#include <QSet>
#include <QTest>

#include "corpusutil.h"
#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::typedCell;
using testutil::corpusDir;
using testutil::cell;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typed;

namespace {

/// Run folders of a store as MLflow's FileStore lists them: each experiment folder's
/// subfolders that hold a meta.yaml, for the experiments at the top and those in .trash/.
QSet<QString> runFolders(const QString &store) {
    QSet<QString> runs;
    const auto experimentsIn = [](const QString &dir) {
        return QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    };
    QStringList experiments;
    for (const QString &e : experimentsIn(store))
        if (e != u"models" && e != u".trash") experiments << store + u'/' + e;
    for (const QString &e : experimentsIn(store + u"/.trash"_s))
        experiments << store + u"/.trash/"_s + e;
    for (const QString &e : experiments)
        for (const QString &r : experimentsIn(e))
            if (QFileInfo::exists(e + u'/' + r + u"/meta.yaml"_s)) runs << e + u'/' + r;
    return runs;
}

/// Files below `dir`, in every subfolder.
int filesBelow(const QString &dir) {
    int n = 0;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}

int cellCount(const RunTable &t, int row, Family f) {
    int n = 0;
    for (int c = 0; c < t.columnCount(); ++c)
        n += t.column(c).family == f && t.hasValue(row, c) ? 1 : 0;
    return n;
}

} // namespace

class TestCorpusMlflow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void everyRunFolderIsOneRow();
    void lightningStore();
    void failedHydraRuns();
    void projet7();
    void kedro();
    void mlflow3Store();

private:
    /// Loads the store at `sub` (below corpus/mlflow) and finds a run in it.
    int rowIn(const QString &sub, const QString &runId);
    QString m_root;
    RunTable m_table;
};

void TestCorpusMlflow::initTestCase() {
    m_root = corpusDir(u"mlflow"_s);
    if (!QFileInfo(m_root).isDir()) QSKIP("../shared/corpus/mlflow is absent");
    m_root = QFileInfo(m_root).canonicalFilePath();
}

int TestCorpusMlflow::rowIn(const QString &sub, const QString &runId) {
    m_table = loadRuns({m_root + u'/' + sub}, ReaderRegistry::withBuiltins()).table;
    return rowOf(m_table, runId);
}

void TestCorpusMlflow::everyRunFolderIsOneRow() {
    QStringList stores;
    QDirIterator it(m_root, {u"mlruns"_s}, QDir::Dirs, QDirIterator::Subdirectories);
    while (it.hasNext())
        stores << it.next();
    stores.sort();
    QCOMPARE(stores.size(), 5);
    // Runs per store, counted here from the files (the store's path relative to corpus/mlflow).
    const QHash<QString, int> expectedCounts = {
        {u"05sjha__timeseries_mlops/mlruns"_s, 1},
        {u"1952ma__projet7/mlruns"_s, 52},
        {u"1juanfpg__kedro-proyect/mlruns"_s, 8},
        {u"PremaKathiresanVasagam__MlOps_s3_dvc_demo/logs/mlflow/mlruns"_s, 1},
        {u"sixMenthes__torca/logs/mlflow/mlruns"_s, 6},
    };
    int total = 0;
    for (const QString &store : stores) {
        const QString name = QDir(m_root).relativeFilePath(store);
        const QSet<QString> expected = runFolders(store);
        QCOMPARE(int(expected.size()), expectedCounts.value(name, -1));
        const RunTable t = loadRuns({store}, ReaderRegistry::withBuiltins()).table;
        QCOMPARE(t.rowCount(), int(expected.size()));
        QSet<QString> found;
        for (int r = 0; r < t.rowCount(); ++r) {
            const RunInfo &run = t.run(r);
            found << run.path;
            QCOMPARE(run.format, u"mlflow"_s);
            QCOMPARE(run.id, QFileInfo(run.path).fileName()); // meta.yaml's run_id
            QVERIFY2(run.issues.empty(), qPrintable(run.path + u'\n' + issuesText(run.issues)));
            QVERIFY(run.startMs > 0);
            QVERIFY(run.status != RunStatus::Unknown);
            QCOMPARE(typedCell(t, r, Family::Meta, u"lifecycle_stage"_s), u"string:active"_s);
            QVERIFY(!cell(t, r, Family::Meta, u"experiment"_s).isMissing());
            // One config key per param file (no dict params here), one metric per metric file.
            QCOMPARE(cellCount(t, r, Family::Config), filesBelow(run.path + u"/params"_s));
            QCOMPARE(cellCount(t, r, Family::Metric), filesBelow(run.path + u"/metrics"_s));
        }
        QCOMPARE(found, expected);
        total += t.rowCount();
    }
    QCOMPARE(total, 68);
}

void TestCorpusMlflow::lightningStore() {
    // Lightning's MLFlowLogger with a Hydra config: params and metrics nested in folders.
    const int r = rowIn(u"PremaKathiresanVasagam__MlOps_s3_dvc_demo"_s,
                        u"cfee8ef8ac8048b0a15fbf949a2a530e"_s);
    QVERIFY(r >= 0);
    const RunTable &t = m_table;
    QCOMPARE(t.run(r).status, RunStatus::Finished);
    QCOMPARE(t.run(r).name, t.run(r).id); // no run_name, no mlflow.runName tag
    QCOMPARE(t.run(r).startMs, qint64(1663544012541));
    QCOMPARE(t.run(r).durationSec, 281.72);
    QCOMPARE(typedCell(t, r, Family::Meta, u"experiment"_s), u"string:lightning_logs"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"model.optimizer.lr"_s), u"float:0.002"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"datamodule.train_val_test_split"_s),
             u"list:[55000, 5000, 10000]"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"tags"_s),
             uR"(list:["mnist", "simple_dense_net"])"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"ckpt_path"_s), u"null:null"_s);
    // val/acc: ten epochs; the latest by step is step 8599, the best 0.9818.
    const auto metric = [&](const QString &k) {
        return typed(cell(t, r, Family::Metric, Key({k})));
    };
    const auto history = [&](const QString &stat, const QString &k) {
        return typed(cell(t, r, Family::Meta, Key({u"history"_s, stat, k})));
    };
    QCOMPARE(metric(u"val/acc"_s), u"float:0.9768000245094299"_s);
    QCOMPARE(history(u"max"_s, u"val/acc"_s), u"float:0.9818000197410583"_s);
    QCOMPARE(history(u"min"_s, u"val/acc"_s), u"float:0.9700000286102295"_s);
    QCOMPARE(history(u"steps"_s, u"val/acc"_s), u"int:10"_s);
    // epoch: the test pass after training logs 8.0 at step 8600, after 9.0 at step 8599.
    QCOMPARE(metric(u"epoch"_s), u"float:8.0"_s);
    QCOMPARE(history(u"max"_s, u"epoch"_s), u"float:9"_s);
    QCOMPARE(history(u"steps"_s, u"epoch"_s), u"int:21"_s);
    QCOMPARE(metric(u"test/acc"_s), u"float:0.9796000123023987"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"mlflow.source.git.commit"_s),
             u"string:448f00bcab9fee23fcb13ba569bb75726dce0e1c"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"user"_s), u"string:gitpod"_s);
}

void TestCorpusMlflow::failedHydraRuns() {
    // All six runs FAILED (status 4); 104 params each, nested five levels deep.
    const int r = rowIn(u"sixMenthes__torca"_s, u"14603bb1836a4a9ca25035f0f07907c5"_s);
    QVERIFY(r >= 0);
    const RunTable &t = m_table;
    for (int i = 0; i < t.rowCount(); ++i) {
        QCOMPARE(t.run(i).status, RunStatus::Crashed);
        QCOMPARE(typedCell(t, i, Family::Meta, u"status"_s), u"string:FAILED"_s);
        QCOMPARE(cellCount(t, i, Family::Config), 104);
    }
    QCOMPARE(t.run(r).name, u"finetune_torca_DCLDE_no_balance_2026-06-18_083645"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"experiment"_s),
             u"string:Finetune with no pre-training"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"module.optimizer.target.betas"_s),
             u"list:[0.9, 0.95]"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"module.metric.thresholds"_s), u"null:null"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"module.network.eps"_s), u"float:1e-06"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"module.network.freeze_backbone"_s), u"bool:true"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"trainer.max_epochs"_s), u"int:60"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"callbacks.model_checkpoint.filename"_s),
             u"string:VIT_ppnet_DCLDE_no_balance_{epoch:02d}"_s);
    QCOMPARE(typedCell(t, r, Family::Metric, u"train_loss_epoch"_s), u"float:0.1847151666879654"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"history.min.train_loss_epoch"_s),
             u"float:0.1847151666879654"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"history.max.train_loss_epoch"_s),
             u"float:1.623786211013794"_s);
    // Five of the six failed before logging any metric.
    const int early = rowOf(t, u"11de3b47a2f346a1906e43fa33d9adc5"_s);
    QVERIFY(early >= 0);
    QCOMPARE(cellCount(t, early, Family::Metric), 0);
}

void TestCorpusMlflow::projet7() {
    const int r = rowIn(u"1952ma__projet7"_s, u"0d4db4dd6a5c46b58530b52e3677a031"_s);
    QVERIFY(r >= 0);
    const RunTable &t = m_table;
    QCOMPARE(t.run(r).name, u"gifted-chimp-285"_s);
    // The experiment's name ends in a space, kept as written.
    QCOMPARE(typedCell(t, r, Family::Meta, u"experiment"_s), u"string:Random_Forest Classifier "_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"max_depth"_s), u"int:5"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"max_features"_s), u"string:log2"_s);
    QCOMPARE(typedCell(t, r, Family::Metric, u"Accuracy"_s), u"float:0.8752426069802528"_s);
    QCOMPARE(typed(cell(t, r, Family::Metric, Key({u"Business Score"_s}))), u"float:4458.6"_s);
    // A non-ASCII metric name survives the file system and the table.
    const int d = rowOf(t, u"3ba2dba2b2b9457880b813d3970979d6"_s);
    QVERIFY(d >= 0);
    QCOMPARE(typed(cell(t, d, Family::Metric, Key({u"Final Score_métier_t DummyClassifier"_s}))),
             u"float:2480.0"_s);
    QCOMPARE(typedCell(t, d, Family::Meta, u"experiment"_s), u"string:Dummy Classifier"_s);
    // Neither the deleted experiments in .trash (no runs left in them) nor the model registry.
    for (int i = 0; i < t.rowCount(); ++i) {
        QVERIFY(!t.run(i).path.contains(u"/.trash/"_s));
        QVERIFY(!t.run(i).path.contains(u"/models/"_s));
    }
}

void TestCorpusMlflow::kedro() {
    const int r = rowIn(u"1juanfpg__kedro-proyect"_s, u"e7ee54ee63d2418eb216070e6e5d2414"_s);
    QVERIFY(r >= 0);
    const RunTable &t = m_table;
    // status 1: RUNNING; an old meta.yaml (`name: ''`), so the name is the mlflow.runName tag.
    QCOMPARE(t.run(r).status, RunStatus::Running);
    QCOMPARE(typedCell(t, r, Family::Meta, u"status"_s), u"string:RUNNING"_s);
    QCOMPARE(t.run(r).name, u"adventurous-swan-333"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"experiment"_s), u"string:price_range"_s);
    // A tuple and a list of strings, and a key with a space.
    QCOMPARE(typed(cell(t, r, Family::Config, Key({u"shape raw_data"_s}))), u"list:[74790, 25]"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"etl_transforms"_s),
             uR"(list:["drop_constant_values", "drop_duplicates"])"_s);
    QCOMPARE(
        typedCell(t, r, Family::Meta, u"mlflow.source.name"_s),
        u"string:/home/juan/Documentos/maestría/ciencia_Datos/trabajo_Kedro/kedro/bin/kedro"_s);
}

void TestCorpusMlflow::mlflow3Store() {
    // MLflow 3: the logged model (<exp>/models/m-*) has params and metrics too, but is no run.
    const int r = rowIn(u"05sjha__timeseries_mlops"_s, u"2ef810fa47af43ec98b2b231a625a2b0"_s);
    QVERIFY(r >= 0);
    const RunTable &t = m_table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(r).name, u"local_run_01"_s);
    QCOMPARE(t.run(r).status, RunStatus::Finished);
    QCOMPARE(typedCell(t, r, Family::Meta, u"experiment"_s), u"string:demand-forecast-local"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"learning_rate"_s), u"float:0.05"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"python_version"_s), u"string:Python 3.14.5"_s);
    QCOMPARE(typedCell(t, r, Family::Metric, u"test_mae"_s), u"float:247.9043"_s);
    QCOMPARE(typedCell(t, r, Family::Metric, u"val_r2"_s), u"float:0.9475"_s);
}

QTEST_GUILESS_MAIN(TestCorpusMlflow)
#include "tst_corpus_mlflow.moc"
