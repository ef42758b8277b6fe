// The Ray Tune, DVC/DVCLive and Guild AI readers through the whole load (scan, read, RunTable),
// on the fixtures that tests/data/README.md describes, and on malformed input written to
// temporary folders.
#include "readers/dvcreader.h"
#include "readers/guildreader.h"
#include "readers/history.h"
#include "readers/loader.h"
#include "readers/raytunereader.h"
#include "readers/readerregistry.h"

#include <QDateTime>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::typedCell;
using testutil::cell;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typed;
using testutil::writeFile;

namespace {

/// Loads with the runs their tool marks deleted kept (Guild's trash is looked at here).
LoadResult load(const QStringList &roots, const QString &cacheDir = {}) {
    LoadOptions options;
    options.cacheDir = cacheDir;
    options.includeDeleted = true;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

/// Keys of one family that a row has a value for.
QStringList keysOf(const RunTable &t, int row, Family f) {
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c)
        if (t.column(c).family == f && t.hasValue(row, c)) out << t.column(c).display;
    return out;
}

qint64 ms(double seconds) {
    return qint64(seconds * 1000.0);
}

const QString kExperiment = u"train_fn_2024-01-05_10-15-00"_s;

QString trialId(int i) {
    return kExperiment + u"/abc12_0000"_s + QString::number(i);
}

/// A trial's result line as Ray writes it (the config repeated, Ray's own keys).
QByteArray resultLine(const QString &trial, int iteration, double loss, bool done = false) {
    return u"{\"loss\": %1, \"done\": %2, \"training_iteration\": %3, \"trial_id\": \"%4\", "
           u"\"time_total_s\": %5, \"config\": {\"lr\": 0.1}}\n"_s.arg(loss)
               .arg(done ? u"true"_s : u"false"_s)
               .arg(iteration)
               .arg(trial)
               .arg(iteration * 2.0)
               .toUtf8();
}

/// Points as text, `step:value` with `@time` (seconds) where known, so a failure shows both
/// series.
QString pointsText(const std::vector<HistoryPoint> &points) {
    QStringList out;
    for (const HistoryPoint &p : points) {
        QString t = QString::number(p.step) + u':' + QString::number(p.value);
        if (!std::isnan(p.time))
            t += u'@' + QString::number(p.time, 'f', p.time == std::floor(p.time) ? 0 : 3);
        out << t;
    }
    return out.join(u' ');
}

std::vector<HistoryPoint> historyOf(const QString &format, const QString &path, const Key &metric) {
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    const Reader *reader = registry.byFormat(format);
    return reader ? reader->readHistory(path, metric, ReadLimits{}) : std::vector<HistoryPoint>{};
}

/// The points of a metric of a row as its format's reader reads them again.
QString rowHistory(const RunTable &t, int row, const QString &key) {
    if (row < 0) return u"(no such row)"_s;
    return pointsText(historyOf(t.run(row).format, t.run(row).path, testutil::key(key)));
}

/// Where the row's points disagree with its table cells: their count with
/// `history.steps.<key>`, the last point by step with the metric's value. Empty: they agree.
QString disagreement(const RunTable &t, int row, const QString &display) {
    const Key metric = testutil::key(display);
    return testutil::historyDisagreement(
        t, row, metric, historyOf(t.run(row).format, t.run(row).path, metric));
}

} // namespace

class TestMoreFormats : public QObject {
    Q_OBJECT

private slots:
    void rayTrials();
    void rayResultJson();
    void rayBrokenParams();
    void rayTruncatedResult();
    void rayStateLastResult();
    void rayProgressFallback();
    void rayStateInTrialFolder();
    void rayMalformedState();
    void rayTrialDataPairs();
    void rayDetection();
    void rayCacheFollowsState();
    void rayHistory();
    void rayHistoryOfBrokenResults();

    void dvcProject();
    void dvcLiveInProject();
    void dvcKFold();
    void dvcLockOnly();
    void dvcStandaloneLive();
    void dvcMalformed();
    void dvcCacheFollowsProject();
    void dvcHistory();
    void dvcHistoryOfBrokenFiles();

    void guildRuns();
    void guildHomeFolder();
};

// ---- Ray Tune ------------------------------------------------------------------------------

void TestMoreFormats::rayTrials() {
    const LoadResult r = load({QFINDTESTDATA("data/raytune_experiment")});
    const RunTable &t = r.table;
    // Five trial folders, each one row; the experiment folder is not a run.
    QCOMPARE(t.rowCount(), 5);
    for (int i = 0; i < 5; ++i) {
        const int row = rowOf(t, trialId(i));
        QVERIFY2(row >= 0, qPrintable(trialId(i)));
        QCOMPARE(t.run(row).format, u"raytune"_s);
        QVERIFY(t.run(row).name.startsWith(u"train_fn_abc12_0000"_s + QString::number(i)));
        QCOMPARE(typedCell(t, row, Family::Meta, u"experiment"_s), u"string:"_s + kExperiment);
    }
}

void TestMoreFormats::rayResultJson() {
    const RunTable t = load({QFINDTESTDATA("data/raytune_experiment")}).table;
    const int row = rowOf(t, trialId(0));
    QVERIFY(row >= 0);
    // The config is params.json's (the config each result repeats is not a metric).
    QCOMPARE(typedCell(t, row, Family::Config, u"lr"_s), u"float:0.01"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"model.depth"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"betas"_s), u"list:[0.9, 0.999]"_s);
    const QStringList metrics = keysOf(t, row, Family::Metric);
    QCOMPARE(metrics, (QStringList{u"loss"_s, u"acc"_s, u"info.grad_norm"_s, u"val_acc"_s}));
    // The last result is the summary; the lines before it are each metric's history.
    QCOMPARE(typedCell(t, row, Family::Metric, u"loss"_s), u"float:1.5"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.min.loss"_s), u"float:1"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.max.loss"_s), u"float:2"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.loss"_s), u"int:3"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"info.grad_norm"_s), u"float:0.5"_s);
    // Reported once, at iteration 2: its last value.
    QCOMPARE(typedCell(t, row, Family::Metric, u"val_acc"_s), u"float:0.61"_s);
    // Ray's own keys are metadata (iteration, time, done flag, host), or left out.
    QCOMPARE(typedCell(t, row, Family::Meta, u"training_iteration"_s), u"int:3"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"time_total_s"_s), u"float:30.0"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"done"_s), u"bool:true"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"hostname"_s), u"string:gpu-node-1"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"trial_id"_s), u"string:abc12_00000"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"status"_s), u"string:TERMINATED"_s);
    QVERIFY(cell(t, row, Family::Meta, u"time_this_iter_s"_s).isMissing());
    QVERIFY(cell(t, row, Family::Meta, u"timesteps_total"_s).isMissing()); // null
    QCOMPARE(t.run(row).status, RunStatus::Finished);
    QCOMPARE(t.run(row).durationSec, 30.0);
    QCOMPARE(t.run(row).startMs, ms(1704449700.5)); // the state's start_time
    QVERIFY2(t.run(row).problemCount() == 0, qPrintable(issuesText(t.run(row).issues)));
}

void TestMoreFormats::rayBrokenParams() {
    const RunTable t = load({QFINDTESTDATA("data/raytune_experiment")}).table;
    const int row = rowOf(t, trialId(1));
    QVERIFY(row >= 0);
    const Issue *cut = findIssue(t.run(row).issues, u"JSON ends early"_s);
    QVERIFY2(cut, qPrintable(issuesText(t.run(row).issues)));
    QVERIFY(cut->file.endsWith(u"/params.json"_s));
    QVERIFY(findIssue(t.run(row).issues, u"config is taken from the last result"_s));
    // The whole config from the result, not the part of params.json before the cut.
    QCOMPARE(typedCell(t, row, Family::Config, u"lr"_s), u"float:0.1"_s);
    QCOMPARE(typedCell(t, row, Family::Config, u"model.depth"_s), u"int:3"_s);
    QCOMPARE(typedCell(t, row, Family::Metric, u"loss"_s), u"float:3.0"_s);
    QCOMPARE(t.run(row).status, RunStatus::Crashed); // ERROR in the experiment state
    QCOMPARE(typedCell(t, row, Family::Meta, u"status"_s), u"string:ERROR"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"num_failures"_s), u"int:1"_s);
}

void TestMoreFormats::rayTruncatedResult() {
    const QString source = QFINDTESTDATA("data/raytune_experiment");
    const RunTable t = load({source}).table;
    const int row = rowOf(t, trialId(2));
    QVERIFY(row >= 0);
    const Issue *cut = findIssue(t.run(row).issues, u"last result is cut off"_s);
    QVERIFY2(cut, qPrintable(issuesText(t.run(row).issues)));
    QCOMPARE(cut->line, 3);
    QCOMPARE(cut->severity, Issue::Severity::Warning);
    QCOMPARE(typedCell(t, row, Family::Metric, u"loss"_s), u"float:2.25"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.loss"_s), u"int:2"_s);
    QCOMPARE(t.run(row).status, RunStatus::Running); // RUNNING in the state

    // Without an experiment state, the cut-off line alone says the trial is running.
    QTemporaryDir tmp;
    const QString trial = tmp.path() + u"/exp/train_fn_abc12_00002_2"_s;
    QVERIFY(writeFile(trial + u"/params.json"_s, "{\"lr\": 1.0}\n"));
    QVERIFY(writeFile(trial + u"/result.json"_s, resultLine(u"abc12_00002"_s, 1, 2.5) +
                                                     resultLine(u"abc12_00002"_s, 2, 2.25) +
                                                     "{\"loss\": 2.0, \"trai"));
    const RunTable alone = load({tmp.path()}).table;
    QCOMPARE(alone.rowCount(), 1);
    QCOMPARE(alone.run(0).status, RunStatus::Running);
    QCOMPARE(alone.run(0).id, u"exp/abc12_00002"_s);
    QCOMPARE(typedCell(alone, 0, Family::Metric, u"loss"_s), u"float:2.25"_s);
}

void TestMoreFormats::rayStateLastResult() {
    const RunTable t = load({QFINDTESTDATA("data/raytune_experiment")}).table;
    const int row = rowOf(t, trialId(3));
    QVERIFY(row >= 0);
    // No result.json: the experiment state's last result gives the metrics.
    QCOMPARE(typedCell(t, row, Family::Metric, u"loss"_s), u"float:0.25"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"training_iteration"_s), u"int:7"_s);
    QVERIFY(cell(t, row, Family::Meta, u"history.steps.loss"_s).isMissing());
    QVERIFY(keysOf(t, row, Family::Metric).filter(u"config"_s).isEmpty());
    QCOMPARE(t.run(row).durationSec, 70.0);
    QCOMPARE(t.run(row).status, RunStatus::Finished);
    QCOMPARE(typedCell(t, row, Family::Config, u"lr"_s), u"float:0.001"_s);
}

void TestMoreFormats::rayProgressFallback() {
    const RunTable t = load({QFINDTESTDATA("data/raytune_experiment")}).table;
    const int row = rowOf(t, trialId(4));
    QVERIFY(row >= 0);
    // progress.csv when there is no result.json; not in the state: the done flag decides.
    QCOMPARE(typedCell(t, row, Family::Metric, u"loss"_s), u"float:0.8"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.min.loss"_s), u"float:0.7"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"history.steps.loss"_s), u"int:3"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"done"_s), u"bool:true"_s);
    QCOMPARE(typedCell(t, row, Family::Meta, u"experiment_tag"_s),
             u"string:4_lr=0.0001,x=[1, 2]"_s);
    QVERIFY(cell(t, row, Family::Meta, u"status"_s).isMissing());
    QVERIFY(cell(t, row, Family::Metric, u"config/lr"_s).isMissing());
    QVERIFY(findIssue(t.run(row).issues, u"config/ columns are not read"_s));
    QCOMPARE(t.run(row).status, RunStatus::Finished);
    QCOMPARE(t.run(row).durationSec, 37.5);
    // result.json wins over progress.csv where both exist (trial 0's progress.csv says 99).
    QCOMPARE(typedCell(t, rowOf(t, trialId(0)), Family::Metric, u"loss"_s), u"float:1.5"_s);
}

void TestMoreFormats::rayStateInTrialFolder() {
    // Ray 1.0's plain-object state inside the trial folder, beside progress.csv.
    const RunTable t = load({QFINDTESTDATA("data/raytune_infolder")}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).id, u"training_function_2021-01-13_22-35-45/ffff0_00000"_s);
    QCOMPARE(t.run(0).name, u"trial-1"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"batch"_s), u"int:32"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"opt"_s), u"list:[\"adam\", 0.001]"_s);
    QVERIFY(findIssue(t.run(0).issues, u"config is taken from the experiment state"_s));
    QCOMPARE(typedCell(t, 0, Family::Metric, u"val_loss"_s), u"float:1.25"_s);
    QCOMPARE(t.run(0).status, RunStatus::Finished);
    QCOMPARE(t.run(0).startMs, ms(1610606145.5));
    const Issue *others = findIssue(t.run(0).issues, u"also lists 1 trial"_s);
    QVERIFY2(others, qPrintable(issuesText(t.run(0).issues)));
    QVERIFY(others->message.contains(u"ffff0_00001"_s));
    QCOMPARE(others->severity, Issue::Severity::Note);
}

void TestMoreFormats::rayMalformedState() {
    QTemporaryDir tmp;
    const QString exp = tmp.path() + u"/exp"_s;
    // A good trial string, one cut short after its id, and an entry that is neither.
    const QByteArray state =
        "{\"checkpoints\": [\"{\\\"trial_id\\\": \\\"aaaaa_00000\\\", \\\"status\\\": "
        "\\\"TERMINATED\\\", \\\"last_update_time\\\": -Infinity}\", "
        "\"{\\\"trial_id\\\": \\\"aaaaa_00001\\\", \\\"status\\\": \", 42], \"stats\": {}}\n";
    QVERIFY(writeFile(exp + u"/experiment_state-2024-02-01_00-00-00.json"_s, state));
    for (int i = 0; i < 2; ++i) {
        const QString id = u"aaaaa_0000"_s + QString::number(i);
        const QString trial = exp + u"/fn_"_s + id + u"_0"_s;
        QVERIFY(writeFile(trial + u"/params.json"_s, "{\"lr\": 0.1}\n"));
        QVERIFY(writeFile(trial + u"/result.json"_s, resultLine(id, 1, 1.0, true)));
    }
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 2);
    const int good = rowOf(t, u"exp/aaaaa_00000"_s), bad = rowOf(t, u"exp/aaaaa_00001"_s);
    QVERIFY(good >= 0 && bad >= 0);
    QCOMPARE(t.run(good).status, RunStatus::Finished);
    QCOMPARE(typedCell(t, good, Family::Meta, u"status"_s), u"string:TERMINATED"_s);
    // The cut-off string is that trial's issue; its status comes from its own done flag.
    const Issue *cut = findIssue(t.run(bad).issues, u"trial 2 of the experiment state"_s);
    QVERIFY2(cut, qPrintable(issuesText(t.run(bad).issues)));
    QVERIFY(cut->file.endsWith(u"experiment_state-2024-02-01_00-00-00.json"_s));
    QVERIFY(!findIssue(t.run(good).issues, u"trial 2 of"_s));
    QCOMPARE(t.run(bad).status, RunStatus::Finished);
    QCOMPARE(typedCell(t, bad, Family::Metric, u"loss"_s), u"int:1"_s);
    // An entry without a trial id concerns every trial.
    for (int row : {good, bad})
        QVERIFY(findIssue(t.run(row).issues, u"trial 3 of the experiment state"_s));
}

void TestMoreFormats::rayTrialDataPairs() {
    // Later Ray versions keep each trial as a pair of JSON strings: state and run metadata.
    QTemporaryDir tmp;
    const QString exp = tmp.path() + u"/tune_exp"_s;
    const QByteArray state =
        "{\"trial_data\": [[\"{\\\"trial_id\\\": \\\"bbbbb_00000\\\", \\\"status\\\": "
        "\\\"PENDING\\\", \\\"config\\\": {\\\"lr\\\": 0.3}, \\\"relative_logdir\\\": "
        "\\\"fn_bbbbb_00000_0_lr=0.3\\\"}\", \"{\\\"start_time\\\": 1700000000.25, "
        "\\\"last_result\\\": {\\\"score\\\": 9, \\\"training_iteration\\\": 4}}\"]]}\n";
    QVERIFY(writeFile(exp + u"/experiment_state-2024-02-01_00-00-00.json"_s, state));
    QVERIFY(writeFile(exp + u"/fn_bbbbb_00000_0_lr=0.3/params.json"_s, "{\"lr\": 0.3}\n"));
    QVERIFY(writeFile(exp + u"/fn_bbbbb_00000_0_lr=0.3/params.pkl"_s, ""));
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).id, u"tune_exp/bbbbb_00000"_s);
    QCOMPARE(t.run(0).status, RunStatus::Running);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"score"_s), u"int:9"_s);
    QCOMPARE(t.run(0).startMs, ms(1700000000.25));
}

void TestMoreFormats::rayDetection() {
    const RayTuneReader reader;
    const auto dir = [](QStringList files) {
        return DirListing{u"/x/t"_s, u"t"_s, std::move(files), {}};
    };
    QVERIFY(reader.detect(dir({u"params.json"_s, u"result.json"_s})));
    QVERIFY(reader.detect(dir({u"params.json"_s, u"progress.csv"_s})));
    QVERIFY(reader.detect(dir({u"params.json"_s, u"params.pkl"_s})));
    QVERIFY(
        reader.detect(dir({u"experiment_state-2021-01-13_22-35-45.json"_s, u"progress.csv"_s})));
    // Other tools write progress.csv (Stable-Baselines3) and params.json alone.
    QVERIFY(!reader.detect(dir({u"progress.csv"_s})));
    QVERIFY(!reader.detect(dir({u"params.json"_s})));
    QVERIFY(!reader.detect(dir({u"result.json"_s})));
    // The experiment folder is not a trial.
    QVERIFY(!reader.detect(dir({u"experiment_state-2024-01-05_10-15-00.json"_s,
                                u"basic-variant-state-2024-01-05_10-15-00.json"_s})));
}

void TestMoreFormats::rayCacheFollowsState() {
    QTemporaryDir tmp, cache;
    const QString exp = tmp.path() + u"/exp"_s;
    const QString stateFile = exp + u"/experiment_state-2024-02-01_00-00-00.json"_s;
    const auto writeState = [&](const char *status) {
        return writeFile(stateFile,
                         QByteArray("{\"checkpoints\": [\"{\\\"trial_id\\\": \\\"ccccc_00000\\\", "
                                    "\\\"status\\\": \\\"") +
                             status + "\\\"}\"]}\n");
    };
    QVERIFY(writeState("RUNNING"));
    QVERIFY(writeFile(exp + u"/fn_ccccc_00000_0/params.json"_s, "{\"lr\": 0.1}\n"));
    QVERIFY(
        writeFile(exp + u"/fn_ccccc_00000_0/result.json"_s, resultLine(u"ccccc_00000"_s, 1, 1.0)));
    QVERIFY(testutil::ageTree(tmp.path()));
    QCOMPARE(load({tmp.path()}, cache.path()).table.run(0).status, RunStatus::Running);
    // Only the state above the trial changes: the cached trial must not be reused.
    QVERIFY(writeState("ERROR"));
    QVERIFY(testutil::ageTree(tmp.path()));
    const LoadResult again = load({tmp.path()}, cache.path());
    QCOMPARE(again.table.run(0).status, RunStatus::Crashed);
    QCOMPARE(again.cacheHits, 0);
    QCOMPARE(load({tmp.path()}, cache.path()).cacheHits, 1);
}

// ---- DVC and DVCLive -----------------------------------------------------------------------

void TestMoreFormats::dvcProject() {
    const RunTable t = load({QFINDTESTDATA("data/dvc_project")}).table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QCOMPARE(run.format, u"dvc"_s);
    QCOMPARE(run.id, u"dvc_project"_s);
    QCOMPARE(run.name, u"dvc_project"_s);
    // params.yaml, then the params file dvc.yaml names; params.yaml's value wins a clash.
    QCOMPARE(keysOf(t, 0, Family::Config),
             (QStringList{u"train.lr"_s, u"train.epochs"_s, u"train.betas"_s, u"model.name"_s,
                          u"model.dropout"_s, u"augment"_s}));
    QCOMPARE(typedCell(t, 0, Family::Config, u"model.name"_s), u"string:resnet18"_s);
    QVERIFY(findIssue(run.issues, u"model.name is vgg here too"_s));
    // Metrics files of dvc.yaml: YAML and JSON read, TOML skipped, a missing one warned about.
    QCOMPARE(typedCell(t, 0, Family::Metric, u"f1"_s), u"float:0.88"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"accuracy"_s), u"float:0.91"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"per_class.dog"_s), u"float:NaN"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.3"_s); // summary.yaml first
    QVERIFY(findIssue(run.issues, u"only JSON and YAML metrics files are read (not toml)"_s));
    const Issue *missing = findIssue(run.issues, u"named as metrics in dvc.yaml but missing"_s);
    QVERIFY(missing && missing->file.endsWith(u"metrics/missing.json"_s));
    QVERIFY(findIssue(run.issues, u"templated"_s));
    // dvc.lock recorded other values than params.yaml holds now.
    const Issue *changed = findIssue(run.issues, u"params changed since the last dvc repro"_s);
    QVERIFY2(changed, qPrintable(issuesText(run.issues)));
    QCOMPARE(changed->severity, Issue::Severity::Warning);
    QVERIFY(changed->file.endsWith(u"dvc.lock"_s));
    QVERIFY(changed->message.contains(u"train.lr is 0.001 in params.yaml but 1e-2 in dvc.lock"_s));
    QVERIFY(changed->message.contains(u"model.dropout is 0.1"_s));
    QVERIFY(changed->message.contains(u"model.width is no longer in params.yaml"_s));
    QVERIFY(!changed->message.contains(u"train.epochs"_s));
    QVERIFY(!changed->message.contains(u"augment"_s));
    // dvc.lock records eval.json as the train stage's output: the run finished.
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"dvc.stage"_s), u"string:train"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"dvc.cmd"_s), u"string:python train.py --epochs 3"_s);
}

void TestMoreFormats::dvcLiveInProject() {
    const RunTable t = load({QFINDTESTDATA("data/dvc_live")}).table;
    // The project holds a DVCLive folder: that folder is the run.
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).id, u"dvclive"_s);
    QCOMPARE(t.run(0).name, u"dvc_live/dvclive"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"dvc.project"_s), u"string:dvc_live"_s);
    // No params.yaml of its own: the project's, equal to dvc.lock's (1e-4 is 0.0001).
    QCOMPARE(typedCell(t, 0, Family::Config, u"train.lr"_s), u"float:1e-4"_s);
    QVERIFY2(t.run(0).problemCount() == 0, qPrintable(issuesText(t.run(0).issues)));
    // metrics.json is the summary, plots/metrics/*.tsv the histories.
    QCOMPARE(typedCell(t, 0, Family::Metric, u"train.loss"_s), u"float:0.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.max.train.loss"_s), u"float:1.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.train.loss"_s), u"int:3"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.min.train.acc"_s), u"float:0.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"step"_s), u"int:2"_s);
    // A history without a summary value (timestamp column and all), and the project's other
    // metrics file.
    QCOMPARE(typedCell(t, 0, Family::Metric, u"lr"_s), u"float:0.0005"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.lr"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"test_acc"_s), u"float:0.79"_s);
    QCOMPARE(t.run(0).status, RunStatus::Finished);
}

void TestMoreFormats::dvcKFold() {
    const RunTable t = load({QFINDTESTDATA("data/dvc_kfold")}).table;
    QCOMPARE(t.rowCount(), 2);
    const int f0 = rowOf(t, u"dvclive/fold_0"_s), f1 = rowOf(t, u"dvclive/fold_1"_s);
    QVERIFY(f0 >= 0 && f1 >= 0);
    QCOMPARE(t.run(f0).name, u"dvc_kfold/dvclive/fold_0"_s);
    // A fold's own params.yaml is its config; a fold without one takes the project's.
    QCOMPARE(keysOf(t, f0, Family::Config), (QStringList{u"fold"_s, u"lr"_s}));
    QCOMPARE(keysOf(t, f1, Family::Config), (QStringList{u"lr"_s, u"folds"_s}));
    QCOMPARE(typedCell(t, f0, Family::Metric, u"val_acc"_s), u"float:0.81"_s);
    QCOMPARE(typedCell(t, f0, Family::Meta, u"history.steps.val_acc"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, f1, Family::Metric, u"val_acc"_s), u"float:0.77"_s);
    QCOMPARE(t.run(f1).status, RunStatus::Unknown); // no dvc.lock
}

void TestMoreFormats::dvcLockOnly() {
    const RunTable t = load({QFINDTESTDATA("data/dvc_lockonly")}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:0.05"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"opt.name"_s), u"string:sgd"_s);
    QVERIFY(findIssue(t.run(0).issues, u"the config is the values dvc.lock recorded"_s));
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.4"_s);
}

void TestMoreFormats::dvcStandaloneLive() {
    const RunTable t = load({QFINDTESTDATA("data/dvc_standalone")}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).name, u"dvc_standalone/dvclive"_s);
    // `params.yaml:train` (dvc.api.params_show's spelling) is `train`; the first file wins.
    QCOMPARE(keysOf(t, 0, Family::Config), (QStringList{u"train.lr"_s, u"train.seed"_s}));
    QCOMPARE(typedCell(t, 0, Family::Config, u"train.lr"_s), u"float:0.1"_s);
    QVERIFY(findIssue(t.run(0).issues, u"<file>:<key>"_s));
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.2"_s);
    QVERIFY(cell(t, 0, Family::Meta, u"dvc.project"_s).isMissing());
}

void TestMoreFormats::dvcMalformed() {
    QTemporaryDir tmp;
    const QString p = tmp.path() + u"/proj"_s;
    QVERIFY(writeFile(p + u"/dvc.yaml"_s, "stages:\n  train:\n    cmd: [python\n"));
    QVERIFY(writeFile(p + u"/params.yaml"_s, "lr: 0.1\n"));
    QVERIFY(writeFile(p + u"/dvc.lock"_s, "schema: '2.0'\nstages: {train: {params: 7}}\n"));
    QVERIFY(writeFile(p + u"/dvclive/metrics.json"_s, "{\"loss\": 0.5, \"acc\": "));
    QVERIFY(writeFile(p + u"/dvclive/plots/metrics/acc.tsv"_s, "step\tacc\n0\t0.25\n1\toops\n"));
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    const RunInfo &run = t.run(0);
    QVERIFY(findIssue(run.issues, u"YAML syntax error"_s));
    QVERIFY(findIssue(run.issues, u"JSON ends early"_s));
    QCOMPARE(typedCell(t, 0, Family::Config, u"lr"_s), u"float:0.1"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"float:0.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.acc"_s), u"int:1"_s);
}

void TestMoreFormats::dvcCacheFollowsProject() {
    QTemporaryDir tmp, cache;
    const QString p = tmp.path() + u"/proj"_s;
    QVERIFY(writeFile(p + u"/dvc.yaml"_s, "stages:\n  train:\n    cmd: python train.py\n"));
    QVERIFY(writeFile(p + u"/params.yaml"_s, "lr: 0.1\n"));
    QVERIFY(writeFile(p + u"/dvclive/metrics.json"_s, "{\"loss\": 0.5}\n"));
    QVERIFY(testutil::ageTree(tmp.path()));
    QCOMPARE(typedCell(load({tmp.path()}, cache.path()).table, 0, Family::Config, u"lr"_s),
             u"float:0.1"_s);
    // The DVCLive run's config lives in the project folder above it.
    QVERIFY(writeFile(p + u"/params.yaml"_s, "lr: 0.25\n"));
    QVERIFY(testutil::ageTree(tmp.path()));
    const LoadResult again = load({tmp.path()}, cache.path());
    QCOMPARE(typedCell(again.table, 0, Family::Config, u"lr"_s), u"float:0.25"_s);
    QCOMPARE(again.cacheHits, 0);
    // A second DVCLive folder makes the first one no longer the project's only one.
    QVERIFY(writeFile(p + u"/dvclive_b/metrics.json"_s, "{\"loss\": 0.7}\n"));
    QVERIFY(testutil::ageTree(tmp.path()));
    QCOMPARE(load({tmp.path()}, cache.path()).table.rowCount(), 2);
    QCOMPARE(load({tmp.path()}, cache.path()).cacheHits, 2);
}

// ---- Guild AI ------------------------------------------------------------------------------

void TestMoreFormats::rayHistory() {
    const RunTable t = load({QFINDTESTDATA("data/raytune_experiment")}).table;
    const int t0 = rowOf(t, trialId(0));
    // result.json: step = training_iteration, time = timestamp; nested keys followed.
    QCOMPARE(rowHistory(t, t0, u"loss"_s), u"1:2@1704449710 2:1@1704449720 3:1.5@1704449730"_s);
    QCOMPARE(rowHistory(t, t0, u"info.grad_norm"_s),
             u"1:1.5@1704449710 2:0.75@1704449720 3:0.5@1704449730"_s);
    QCOMPARE(rowHistory(t, t0, u"val_acc"_s), u"2:0.61@1704449720"_s); // reported once
    // Ray's own keys are no metrics; the config each result repeats neither.
    for (const QString &k : {u"training_iteration"_s, u"time_this_iter_s"_s, u"timestamp"_s,
                             u"config.lr"_s, u"nope"_s, u"info"_s})
        QCOMPARE(rowHistory(t, t0, k), QString());
    for (const QString &k : {u"loss"_s, u"acc"_s, u"info.grad_norm"_s, u"val_acc"_s})
        QCOMPARE(disagreement(t, t0, k), QString());
    // A last result cut off while being written: the results before it.
    const int t2 = rowOf(t, trialId(2));
    QCOMPARE(rowHistory(t, t2, u"loss"_s), u"1:2.5@1704449710 2:2.25@1704449720"_s);
    QCOMPARE(disagreement(t, t2, u"loss"_s), QString());
    // progress.csv where result.json is missing (no timestamp column there: no time).
    const int t4 = rowOf(t, trialId(4));
    QCOMPARE(rowHistory(t, t4, u"loss"_s), u"1:0.9 2:0.7 3:0.8"_s);
    QCOMPARE(disagreement(t, t4, u"loss"_s), QString());
    QCOMPARE(rowHistory(t, t4, u"done"_s), QString());
    QCOMPARE(rowHistory(t, t4, u"config/lr"_s), QString());
    // A trial that reported nothing.
    QCOMPARE(rowHistory(t, rowOf(t, trialId(3)), u"loss"_s), QString());
    // A trial folder holding the experiment state and progress.csv.
    const RunTable in = load({QFINDTESTDATA("data/raytune_infolder")}).table;
    QCOMPARE(in.rowCount(), 1);
    QCOMPARE(rowHistory(in, 0, u"val_loss"_s), u"1:1.5 2:1.25"_s);
    QCOMPARE(disagreement(in, 0, u"val_loss"_s), QString());
}

void TestMoreFormats::rayHistoryOfBrokenResults() {
    QTemporaryDir tmp;
    const QString trial = tmp.path() + u"/exp/trial_abc12_00000"_s;
    QVERIFY(writeFile(trial + u"/params.json"_s, "{\"lr\": 0.1}"));
    QVERIFY(writeFile(trial + u"/result.json"_s,
                      "{\"loss\": 3, \"training_iteration\": 1, \"timestamp\": 100.5}\n"
                      "{\"loss\": oops}\n"                                // not JSON: left out
                      "[1, 2]\n"                                          // not an object: left out
                      "\n"                                                // blank
                      "{\"loss\": \"high\", \"training_iteration\": 2}\n" // text: no point
                      "{\"loss\": NaN, \"training_iteration\": 3}\n"
                      "{\"loss\": 1}\n" // no iteration: the 4th result
                      "{\"loss\": {\"a\": 1}, \"training_iteration\": 5}\n"
                      "{\"loss\": 0.5, \"training_iteration\": 6, \"timest"));
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(rowHistory(t, 0, u"loss"_s), u"1:3@100.500 3:nan 4:1"_s);
    QCOMPARE(disagreement(t, 0, u"loss"_s), QString());
    QCOMPARE(rowHistory(t, 0, u"loss.a"_s), u"5:1"_s);
    // Binary content ends the reading; the results before it stay.
    QVERIFY(writeFile(trial + u"/result.json"_s,
                      QByteArray("{\"loss\": 2, \"training_iteration\": 1}\n{\"lo") + '\0' +
                          QByteArray("ss\": 1}\n{\"loss\": 0, \"training_iteration\": 3}\n")));
    QCOMPARE(rowHistory(t, 0, u"loss"_s), u"1:2"_s);
    // An empty result.json does not give way to progress.csv (read() does not either).
    QVERIFY(writeFile(trial + u"/result.json"_s, ""));
    QVERIFY(writeFile(trial + u"/progress.csv"_s, "loss,training_iteration\n9,1\n"));
    QCOMPARE(rowHistory(t, 0, u"loss"_s), QString());
    QVERIFY(QFile::remove(trial + u"/result.json"_s));
    QCOMPARE(rowHistory(t, 0, u"loss"_s), u"1:9"_s);
    QCOMPARE(rowHistory(t, 0, u"loss.a"_s), QString());
}

void TestMoreFormats::dvcHistory() {
    const RunTable t = load({QFINDTESTDATA("data/dvc_live")}).table;
    QCOMPARE(t.rowCount(), 1);
    // plots/metrics/<key joined by />.tsv: the value column with `step`.
    QCOMPARE(rowHistory(t, 0, u"train.loss"_s), u"0:1.5 1:0.75 2:0.5"_s);
    QCOMPARE(rowHistory(t, 0, u"train.acc"_s), u"0:0.5 1:0.7 2:0.8"_s);
    // A timestamp column: DVCLive's milliseconds as seconds.
    QCOMPARE(rowHistory(t, 0, u"lr"_s), u"0:0.001@1704449700 1:0.0005@1704449760"_s);
    for (const QString &k : {u"train.loss"_s, u"train.acc"_s, u"lr"_s})
        QCOMPARE(disagreement(t, 0, k), QString());
    // The project's other metrics file keeps no history; `step` is metadata.
    QCOMPARE(rowHistory(t, 0, u"test_acc"_s), QString());
    QCOMPARE(rowHistory(t, 0, u"step"_s), QString());
    QCOMPARE(rowHistory(t, 0, u"train"_s), QString());
    QCOMPARE(rowHistory(t, 0, u"nope"_s), QString());

    const RunTable k = load({QFINDTESTDATA("data/dvc_kfold")}).table;
    const int f0 = rowOf(k, u"dvclive/fold_0"_s), f1 = rowOf(k, u"dvclive/fold_1"_s);
    QCOMPARE(rowHistory(k, f0, u"val_acc"_s), u"3:0.8 4:0.81"_s);
    QCOMPARE(disagreement(k, f0, u"val_acc"_s), QString());
    QCOMPARE(rowHistory(k, f1, u"val_acc"_s), QString()); // only metrics.json

    const RunTable p = load({QFINDTESTDATA("data/dvc_project")}).table;
    QCOMPARE(p.rowCount(), 1);
    QCOMPARE(rowHistory(p, 0, u"acc"_s), QString()); // plain metrics files only
}

void TestMoreFormats::dvcHistoryOfBrokenFiles() {
    QTemporaryDir tmp;
    const QString live = tmp.path() + u"/proj/dvclive"_s;
    const QString plots = live + u"/plots/metrics/"_s;
    QVERIFY(writeFile(tmp.path() + u"/proj/params.yaml"_s, "lr: 0.1\n"));
    QVERIFY(writeFile(live + u"/metrics.json"_s, "{\"acc\": 0.5, \"loss\": "));
    // A text cell and a row cut off: the sound rows.
    QVERIFY(writeFile(plots + u"acc.tsv"_s, "step\tacc\n0\t0.25\n1\toops\n2\t0.5\n3"));
    // Only a step column: no history (the table shows the summary).
    QVERIFY(writeFile(plots + u"epoch.tsv"_s, "step\n0\n1\n"));
    // Quoted names, a timestamp that is no number, the value column before `step`.
    QVERIFY(writeFile(plots + u"val/f1.tsv"_s,
                      "\"timestamp\"\t\"val/f1\"\t\"step\"\n1000\t0.5\t0\nsoon\t0.75\t1\n"));
    QVERIFY(writeFile(plots + u"empty.tsv"_s, ""));
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(rowHistory(t, 0, u"acc"_s), u"0:0.25 2:0.5"_s);
    QCOMPARE(disagreement(t, 0, u"acc"_s), QString());
    QCOMPARE(rowHistory(t, 0, u"epoch"_s), QString());
    QCOMPARE(rowHistory(t, 0, u"val.f1"_s), u"0:0.5@1 1:0.75"_s);
    QCOMPARE(disagreement(t, 0, u"val.f1"_s), QString());
    QCOMPARE(rowHistory(t, 0, u"empty"_s), QString());
    // Two spellings of one dotted key: each key its own file.
    QVERIFY(writeFile(plots + u"val.f1.tsv"_s, "step\tval.f1\n0\t9\n"));
    QCOMPARE(pointsText(historyOf(u"dvc"_s, live, Key({u"val.f1"_s}))), u"0:9"_s);
    QCOMPARE(pointsText(historyOf(u"dvc"_s, live, Key({u"val"_s, u"f1"_s}))), u"0:0.5@1 1:0.75"_s);
    // The folder is gone: nothing.
    QCOMPARE(pointsText(historyOf(u"dvc"_s, tmp.path() + u"/gone"_s, Key({u"acc"_s}))), QString());

    // A project run whose dvc.yaml names a metrics.json with DVCLive plots beside it.
    const QString proj = tmp.path() + u"/other"_s;
    QVERIFY(writeFile(proj + u"/dvc.yaml"_s,
                      "stages:\n  train:\n    cmd: python t.py\n    metrics:\n"
                      "    - results/metrics.json\n"));
    QVERIFY(writeFile(proj + u"/params.yaml"_s, "lr: 0.1\n"));
    QVERIFY(writeFile(proj + u"/results/metrics.json"_s, "{\"loss\": 0.2}"));
    QVERIFY(writeFile(proj + u"/results/plots/metrics/loss.tsv"_s, "step\tloss\n0\t0.4\n1\t0.2\n"));
    QCOMPARE(pointsText(historyOf(u"dvc"_s, proj, Key({u"loss"_s}))), u"0:0.4 1:0.2"_s);
}

void TestMoreFormats::guildRuns() {
    const RunTable t = load({QFINDTESTDATA("data/guild_home")}).table;
    QCOMPARE(t.rowCount(), 6);
    const int done = rowOf(t, u"1d2c5f6e7a8b4c9d8e7f6a5b4c3d2e1f"_s);
    QVERIFY(done >= 0);
    const RunInfo &run = t.run(done);
    QCOMPARE(run.format, u"guild"_s);
    QCOMPARE(run.name, u"lr=0.01 baseline"_s); // the label
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.startMs, 1704449700123LL);
    QCOMPARE(run.durationSec, 60.5);
    QCOMPARE(keysOf(t, done, Family::Config),
             (QStringList{u"lr"_s, u"epochs"_s, u"optimizer.name"_s, u"optimizer.betas"_s}));
    QCOMPARE(typedCell(t, done, Family::Metric, u"val_acc"_s), u"float:0.93"_s);
    QCOMPARE(typedCell(t, done, Family::Meta, u"status"_s), u"string:completed"_s);
    QCOMPARE(typedCell(t, done, Family::Meta, u"guild.op"_s), u"string:mnist:train"_s);
    QCOMPARE(typedCell(t, done, Family::Meta, u"guild.host"_s), u"string:gpu-node-1"_s);
    QCOMPARE(typedCell(t, done, Family::Meta, u"guild.cmd"_s),
             u"list:[\"/usr/bin/python\", \"-um\", \"train\", \"--lr\", \"0.01\"]"_s);
    QCOMPARE(typedCell(t, done, Family::Meta, u"guild.tags"_s), u"list:[\"baseline\", \"v1\"]"_s);
    QVERIFY(cell(t, done, Family::Meta, u"guild.env.PATH"_s).isMissing());
    QVERIFY2(run.problemCount() == 0, qPrintable(issuesText(run.issues)));

    struct Expect {
        const char *id;
        RunStatus status;
        const char *word;
        const char *name;
    };
    const Expect expected[] = {
        {"2e3d4c5b6a7f4e8d9c0b1a2f3e4d5c6b", RunStatus::Crashed, "error", "mnist:train 2e3d4c5b"},
        {"3f4e5d6c7b8a4f9e0d1c2b3a4f5e6d7c", RunStatus::Running, "running", "mnist:train 3f4e5d6c"},
        {"4a5b6c7d8e9f4a0b1c2d3e4f5a6b7c8d", RunStatus::Crashed, "terminated", "train.py 4a5b6c7d"},
        {"5b6c7d8e9f0a4b1c2d3e4f5a6b7c8d9e", RunStatus::Running, "pending", "mnist:train 5b6c7d8e"},
        {"6c7d8e9f0a1b4c2d3e4f5a6b7c8d9e0f", RunStatus::Finished, "completed",
         "mnist:train 6c7d8e9f"},
    };
    for (const Expect &e : expected) {
        const int row = rowOf(t, QString::fromLatin1(e.id));
        QVERIFY2(row >= 0, e.id);
        QCOMPARE(t.run(row).status, e.status);
        QCOMPARE(typedCell(t, row, Family::Meta, u"status"_s),
                 u"string:"_s + QLatin1String(e.word));
        QCOMPARE(t.run(row).name, QString::fromLatin1(e.name));
    }
    const int error = rowOf(t, u"2e3d4c5b6a7f4e8d9c0b1a2f3e4d5c6b"_s);
    QCOMPARE(t.run(error).durationSec, 30.0);
    QVERIFY(findIssue(t.run(error).issues, u"TensorBoard event files"_s));
    // Broken flags: an issue, the run kept with its status.
    const int pending = rowOf(t, u"5b6c7d8e9f0a4b1c2d3e4f5a6b7c8d9e"_s);
    const Issue *flags = findIssue(t.run(pending).issues, u"YAML syntax error"_s);
    QVERIFY2(flags, qPrintable(issuesText(t.run(pending).issues)));
    QVERIFY(flags->file.endsWith(u".guild/attrs/flags"_s));
    QVERIFY(findIssue(t.run(pending).issues, u"not a time in microseconds"_s));
    QCOMPARE(t.run(pending).startMs, -1);
    const int trash = rowOf(t, u"6c7d8e9f0a1b4c2d3e4f5a6b7c8d9e0f"_s);
    QCOMPARE(typedCell(t, trash, Family::Meta, u"guild.deleted"_s), u"bool:true"_s);
}

void TestMoreFormats::guildHomeFolder() {
    // GUILD_HOME is a `.guild` folder too (with runs/, not attrs/): not a run itself.
    QTemporaryDir tmp;
    const QString run = tmp.path() + u"/.guild/runs/0123456789abcdef0123456789abcdef"_s;
    QVERIFY(writeFile(run + u"/.guild/attrs/flags"_s, "x: 1\n"));
    QVERIFY(writeFile(run + u"/.guild/attrs/exit_status"_s, "0\n"));
    QVERIFY(writeFile(tmp.path() + u"/.guild/cache/runs/README"_s, "\n"));
    const RunTable t = load({tmp.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).id, u"0123456789abcdef0123456789abcdef"_s);
    QCOMPARE(t.run(0).name, u"0123456789abcdef0123456789abcdef"_s);
    QCOMPARE(typedCell(t, 0, Family::Config, u"x"_s), u"int:1"_s);
}

QTEST_GUILESS_MAIN(TestMoreFormats)
#include "tst_moreformats.moc"
