// Reads the real Hydra output folders in ../shared/corpus/hydra: every folder holding
// `.hydra/config.yaml` is exactly one row, its config leaves counted independently with
// yaml-cpp's node API, and spot values pinned after reading the files by hand. The corpus has no
// tracker run inside a Hydra folder (its W&B and MLflow runs lie elsewhere), so the combination
// is checked on folders composed of links to a corpus Hydra run and the W&B or MLflow run it
// wrote.
// Skips cleanly when the corpus is absent (it is data from other projects, never copied here).
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <yaml-cpp/yaml.h>

#include <QDateTime>
#include <QDirIterator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "corpusutil.h"
#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::typedCell;
using testutil::corpusDir;
using testutil::cell;
using testutil::issuesText;
using testutil::typed;

namespace {

LoadResult load(const QStringList &roots) {
    return loadRuns(roots, ReaderRegistry::withBuiltins());
}

/// Leaves as RunLens defines them: a mapping recurses, anything else is one leaf.
int yamlLeaves(const YAML::Node &n) {
    if (!n.IsMap() || n.size() == 0) return 1;
    int count = 0;
    for (const auto &kv : n)
        count += yamlLeaves(kv.second);
    return count;
}

qint64 localMs(const QString &text) {
    return QDateTime::fromString(text, u"yyyy-MM-dd HH:mm:ss.zzz"_s).toMSecsSinceEpoch();
}

int rowAt(const RunTable &t, const QString &path) {
    for (int r = 0; r < t.rowCount(); ++r)
        if (t.run(r).path == path) return r;
    return -1;
}

} // namespace

class TestCorpusHydra : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void everyHydraFolderIsOneRow();
    void scalingSweepJob();
    void scalingSingleRun();
    void torcaInterpolations();
    void corpusJobWithItsWandbRun();
    void corpusRunWithItsMlflowRun();

private:
    QString m_root;
};

void TestCorpusHydra::initTestCase() {
    m_root = corpusDir(u"hydra"_s);
    if (!QFileInfo(m_root).isDir()) QSKIP("../shared/corpus/hydra is absent");
    m_root = QFileInfo(m_root).canonicalFilePath();
}

void TestCorpusHydra::everyHydraFolderIsOneRow() {
    QSet<QString> expected;
    QDirIterator it(m_root, {u".hydra"_s}, QDir::Dirs | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString dir = it.next();
        if (QFileInfo::exists(dir + u"/config.yaml"_s)) expected << QFileInfo(dir).path();
    }
    QCOMPARE(expected.size(), 80); // 64 Tarun-AK__scaling (57 sweep jobs, 7 single), 16 torca

    const LoadResult res = load({m_root});
    const RunTable &t = res.table;
    QCOMPARE(t.rowCount(), int(expected.size()));
    QSet<QString> found;
    int jobs = 0;
    for (int r = 0; r < t.rowCount(); ++r) {
        const RunInfo &run = t.run(r);
        found << run.path;
        QCOMPARE(run.format, u"hydra"_s);
        QVERIFY2(run.issues.empty(), qPrintable(run.path + u'\n' + issuesText(run.issues)));
        QCOMPARE(run.status, RunStatus::Unknown); // no results file, no tracker inside
        QVERIFY2(run.startMs > 0, qPrintable(run.path));
        QVERIFY(!cell(t, r, Family::Meta, u"hydra.overrides"_s).isMissing());

        // Config leaves: the same count as yaml-cpp's tree of config.yaml.
        const YAML::Node config =
            YAML::LoadFile((run.path + u"/.hydra/config.yaml"_s).toStdString());
        int leaves = 0;
        for (const auto &kv : config)
            leaves += yamlLeaves(kv.second);
        int cells = 0;
        for (int c = 0; c < t.columnCount(); ++c)
            cells += t.column(c).family == Family::Config && t.hasValue(r, c) ? 1 : 0;
        QCOMPARE(cells, leaves);

        // Sweep jobs: what varied, and the job number from hydra.yaml equals the folder's.
        if (QFileInfo::exists(QFileInfo(run.path).path() + u"/multirun.yaml"_s)) {
            ++jobs;
            QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.sweep_keys"_s), u"string:hidden_dim"_s);
            QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.job.num"_s),
                     u"int:"_s + QFileInfo(run.path).fileName());
        } else {
            QVERIFY(cell(t, r, Family::Meta, u"hydra.sweep_keys"_s).isMissing());
        }
    }
    QCOMPARE(found, expected);
    QCOMPARE(jobs, 57);
}

void TestCorpusHydra::scalingSweepJob() {
    const QString sweep = m_root + u"/Tarun-AK__scaling/multirun/2026-03-01/10-54-37"_s;
    const RunTable t = load({m_root}).table;
    const int r = rowAt(t, sweep + u"/2"_s);
    QVERIFY(r >= 0);
    QCOMPARE(t.run(r).id, u"Tarun-AK__scaling/multirun/2026-03-01/10-54-37/2"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"hidden_dim"_s), u"int:512"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"learning_rate"_s), u"float:0.001"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"run_name"_s), u"string:"_s);
    QCOMPARE(typedCell(t, r, Family::Config, u"wandb_entity"_s), u"null:null"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.overrides"_s), u"string:hidden_dim=512"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.sweep.dir"_s),
             u"string:Tarun-AK__scaling/multirun/2026-03-01/10-54-37"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.job.name"_s), u"string:scaling_hidden_dim"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.runtime.output_dir"_s),
             u"string:/home/tarunak/scaling/multirun/2026-03-01/10-54-37/2"_s);
    // The job started when its log began (12:23:20), not when the sweep did (10:54:37).
    QCOMPARE(t.run(r).startMs, localMs(u"2026-03-01 12:23:20.663"_s));
}

void TestCorpusHydra::scalingSingleRun() {
    const RunTable t = load({m_root + u"/Tarun-AK__scaling/outputs"_s}).table;
    QCOMPARE(t.rowCount(), 7);
    int r = -1;
    for (int i = 0; i < t.rowCount(); ++i)
        if (t.run(i).id == u"2026-02-28/16-28-15") r = i;
    QVERIFY(r >= 0);
    QCOMPARE(typedCell(t, r, Family::Config, u"hidden_dim"_s), u"int:256"_s);
    QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.overrides"_s), u"string:hidden_dim=256"_s);
    QVERIFY(cell(t, r, Family::Meta, u"hydra.job.num"_s).isMissing()); // `???` in a single run
    QVERIFY(cell(t, r, Family::Meta, u"hydra.sweep.dir"_s).isMissing());
    QCOMPARE(t.run(r).startMs, localMs(u"2026-02-28 16:28:15.000"_s));
}

void TestCorpusHydra::torcaInterpolations() {
    const QString path =
        m_root +
        u"/sixMenthes__torca/runs/finetune_torca/DCLDE_no_balance/VIT_ppnet/2026-06-18_083645"_s;
    const RunTable t = load({path}).table;
    QCOMPARE(t.rowCount(), 1);
    const auto c = [&](const QString &k) { return typedCell(t, 0, Family::Config, k); };
    // Resolved within the file: a whole reference keeps the target's type, chains resolve.
    QCOMPARE(c(u"data.dataset.target_length"_s), u"int:512"_s);
    QCOMPARE(c(u"module.network.img_size_x"_s), u"int:512"_s);
    QCOMPARE(c(u"module.network.num_classes"_s), u"int:6"_s);
    QCOMPARE(c(u"module.network.mask2d"_s), u"bool:false"_s);
    QCOMPARE(c(u"data.transform.input.mean"_s), u"float:-42.456"_s);
    QCOMPARE(c(u"module.optimizer.extras.train_batch_size"_s), u"int:64"_s);
    // Inside a string, next to Python's own `{epoch:02d}` placeholder.
    QCOMPARE(c(u"callbacks.model_checkpoint.filename"_s),
             u"string:VIT_ppnet_DCLDE_no_balance_{epoch:02d}"_s);
    // Kept as written: ${now:...}, ${oc.env:...}, ${hydra:...} and what refers to them.
    QCOMPARE(c(u"start_time"_s), u"string:${now:%Y-%m-%d_%H%M%S}"_s);
    QCOMPARE(c(u"logger.run_name"_s), u"string:finetune_torca_DCLDE_no_balance_${start_time}"_s);
    QCOMPARE(c(u"paths.root_dir"_s), u"string:${oc.env:PROJECT_ROOT}"_s);
    QCOMPARE(c(u"paths.dataset_dir"_s), u"string:${paths.root_dir}/data/"_s);
    QCOMPARE(c(u"data.dataset.dataset_dir"_s), u"string:${paths.dataset_dir}"_s);
    QCOMPARE(c(u"paths.output_dir"_s), u"string:${hydra:runtime.output_dir}"_s);
    QCOMPARE(c(u"trainer.default_root_dir"_s), u"string:${paths.output_dir}"_s);
    // overrides.yaml is `[]`; config-group choices from hydra.yaml, Hydra's own left out.
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.overrides"_s), u"string:"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.choices.logger"_s), u"string:mlflow"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.choices.module/optimizer"_s), u"string:adamw"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.choices.experiment"_s), u"null:null"_s);
    QVERIFY(cell(t, 0, Family::Meta, u"hydra.choices.hydra/launcher"_s).isMissing());
    QCOMPARE(t.run(0).startMs, localMs(u"2026-06-18 08:36:45.000"_s));
}

void TestCorpusHydra::corpusJobWithItsWandbRun() {
    // Sweep 2026-03-01/14-23-37, job 0 (hidden_dim=128) logged to W&B run dxeyt9j0 (its config
    // says hidden_dim 128; it started 14:24:45 local, 19:24:45.568510Z).
    const QString job = m_root + u"/Tarun-AK__scaling/multirun/2026-03-01/14-23-37/0"_s;
    const QString wandbRun =
        corpusDir(u"wandb/Tarun-AK__scaling/wandb/run-20260301_142445-dxeyt9j0"_s);
    if (!QFileInfo(wandbRun).isDir()) QSKIP("../shared/corpus/wandb/Tarun-AK__scaling is absent");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString run = dir.filePath(u"job"_s);
    QVERIFY(QDir().mkpath(run + u"/wandb"_s));
    QVERIFY(QFile::link(job + u"/.hydra"_s, run + u"/.hydra"_s));
    QVERIFY(QFile::link(wandbRun, run + u"/wandb/run-20260301_142445-dxeyt9j0"_s));

    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &info = t.run(0);
    QCOMPARE(info.format, u"hydra"_s);
    QVERIFY2(info.issues.empty(), qPrintable(issuesText(info.issues)));
    QCOMPARE(info.status, RunStatus::Finished);
    QCOMPARE(
        info.startMs,
        QDateTime(QDate(2026, 3, 1), QTime(19, 24, 45, 568), QTimeZone::utc()).toMSecsSinceEpoch());
    QCOMPARE(typedCell(t, 0, Family::Config, u"hidden_dim"_s), u"int:128"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"checkpoint_dir"_s), u"string:checkpoints/"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"train/loss"_s), u"float:4.139032363891602"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"_step"_s), u"int:186060"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:spark-5023"_s);
    // W&B's config where it differs (resolved paths, a run name) or Hydra lacks it.
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.config.checkpoint_dir"_s),
             u"string:/home/tarunak/scaling/checkpoints/"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.config.run_name"_s), u"string:lstm_hd128"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.config.num_params"_s), u"int:2236928"_s);
    QVERIFY(cell(t, 0, Family::Meta, u"wandb.config.hidden_dim"_s).isMissing());
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker_run"_s),
             u"string:wandb/run-20260301_142445-dxeyt9j0"_s);
    // Not the sweep's: the composed folder has no multirun.yaml beside it; hydra.yaml says
    // MULTIRUN and its sweeper params name hidden_dim.
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.sweep_keys"_s), u"string:hidden_dim"_s);
}

void TestCorpusHydra::corpusRunWithItsMlflowRun() {
    // torca's run 2026-06-18_083645 logged to MLflow run 14603bb1... (run_name
    // finetune_torca_DCLDE_no_balance_2026-06-18_083645, status 4 = FAILED). The folder holds
    // links to the Hydra files and to that run and its experiment's meta.yaml, as `mlruns/`.
    if (!ReaderRegistry::withBuiltins().byFormat(u"mlflow"_s)) QSKIP("no MLflow reader");
    const QString experiment =
        corpusDir(u"mlflow/sixMenthes__torca/logs/mlflow/mlruns/584970600783353734"_s);
    const QString mlflowRun = experiment + u"/14603bb1836a4a9ca25035f0f07907c5"_s;
    if (!QFileInfo(mlflowRun).isDir()) QSKIP("../shared/corpus/mlflow/sixMenthes__torca is absent");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString run = dir.filePath(u"2026-06-18_083645"_s);
    const QString store = run + u"/mlruns/584970600783353734"_s;
    QVERIFY(QDir().mkpath(store));
    QVERIFY(QFile::link(m_root + u"/sixMenthes__torca/runs/finetune_torca/DCLDE_no_balance/"
                                 u"VIT_ppnet/2026-06-18_083645/.hydra"_s,
                        run + u"/.hydra"_s));
    QVERIFY(QFile::link(experiment + u"/meta.yaml"_s, store + u"/meta.yaml"_s));
    QVERIFY(QFile::link(mlflowRun, store + u"/14603bb1836a4a9ca25035f0f07907c5"_s));

    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).format, u"hydra"_s);
    QCOMPARE(t.run(0).status, RunStatus::Crashed);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker"_s), u"string:mlflow"_s);
    // Config from Hydra (interpolations kept); MLflow's resolved values of them as meta, and
    // its params equal to Hydra's config (seed, trainer.max_epochs) not repeated.
    QCOMPARE(typedCell(t, 0, Family::Config, u"paths.root_dir"_s),
             u"string:${oc.env:PROJECT_ROOT}"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"mlflow.config.paths.root_dir"_s),
             u"string:/home/tundra/projects/torca"_s);
    QVERIFY(cell(t, 0, Family::Meta, u"mlflow.config.seed"_s).isMissing());
    QVERIFY(cell(t, 0, Family::Meta, u"mlflow.config.trainer.max_epochs"_s).isMissing());
    QCOMPARE(typedCell(t, 0, Family::Config, u"seed"_s), u"int:59"_s);
    bool metrics = false;
    for (int c = 0; c < t.columnCount(); ++c)
        metrics = metrics || (t.column(c).family == Family::Metric && t.hasValue(0, c));
    QVERIFY(metrics);
}

QTEST_GUILESS_MAIN(TestCorpusHydra)
#include "tst_corpus_hydra.moc"
