// The Hydra reader through the whole load (scan, read, RunTable) on the hydra_* fixtures that
// tests/data/README.md describes, and the OmegaConf interpolation resolver on its own.
#include "readers/docparser.h"
#include "readers/history.h"
#include "readers/interpolation.h"
#include "readers/loader.h"
#include "readers/readerregistry.h"

#include <QDateTime>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::typedCell;
using testutil::cell;
using testutil::findIssue;
using testutil::issuesText;
using testutil::rowOf;
using testutil::typed;

namespace {

LoadResult load(const QStringList &roots, const QString &cacheDir = {}) {
    LoadOptions options;
    options.jobs = 2;
    options.cacheDir = cacheDir;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

qint64 localMs(const QString &text) {
    return QDateTime::fromString(text, u"yyyy-MM-dd HH:mm:ss.zzz"_s).toMSecsSinceEpoch();
}

qint64 utcMs(const QString &text) {
    QDateTime t = QDateTime::fromString(text, u"yyyy-MM-dd HH:mm:ss.zzz"_s);
    t.setTimeZone(QTimeZone::utc());
    return t.toMSecsSinceEpoch();
}

QStringList columnsOf(const RunTable &t, Family f) {
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c)
        if (t.column(c).family == f) out << t.column(c).display;
    return out;
}

/// The run's present cells of one family as `key=type:text`, in column order.
QStringList cellsOf(const RunTable &t, int row, Family f) {
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c)
        if (t.column(c).family == f && t.hasValue(row, c))
            out << t.column(c).display + u'=' + typed(t.value(row, c));
    return out;
}

/// Parses YAML, resolves its interpolations and flattens it: the entries and the issues.
RunRecord resolved(const QByteArray &yaml) {
    RunRecord run;
    Doc doc;
    if (!parseYaml(yaml, doc, run, u"config.yaml"_s)) return run;
    resolveInterpolations(doc, run, u"config.yaml"_s);
    Flattener flattener;
    for (const auto &[key, child] : doc.rootNode()->members)
        flattener.flatten(doc, child, Key({key}), Family::Config, {}, run, u"config.yaml"_s);
    return run;
}

/// A metric's points as the Hydra reader reads them for curves: `step:value ...`.
QString historyText(const QString &runPath, const Key &metric) {
    static const ReaderRegistry registry = ReaderRegistry::withBuiltins();
    QStringList out;
    for (const HistoryPoint &p :
         registry.byFormat(u"hydra"_s)->readHistory(runPath, metric, ReadLimits{}))
        out << QString::number(p.step) + u':' + QString::number(p.value);
    return out.join(u' ');
}

} // namespace

class TestHydra : public QObject {
    Q_OBJECT

private slots:
    void singleRuns();
    void multirunSweep();
    void interpolations();
    void interpolationChains();
    void interpolationBomb();
    void sweepKeysFromOverrides();
    void brokenFiles();
    void wandbInside();
    void severalTrackerRuns();
    void lightningLoggerInside();
    void cacheSeesTheTracker();
    void dotFolderAloneIsNotHydra();
    void historyFromTheTracker();
    void historyOfTheMostRecentTracker();
    void noHistoryWithoutTracker();
};

void TestHydra::singleRuns() {
    const RunTable t = load({QFINDTESTDATA("data/hydra_single")}).table;
    QCOMPARE(t.rowCount(), 2); // no row for .hydra itself
    const int r = rowOf(t, u"outputs/2024-03-01/12-00-00"_s);
    QVERIFY(r >= 0);
    const RunInfo &run = t.run(r);
    QCOMPARE(run.format, u"hydra"_s);
    QCOMPARE(run.name, run.id);
    QCOMPARE(run.status, RunStatus::Finished); // metrics.json was read
    QCOMPARE(run.startMs, localMs(u"2024-03-01 12:00:00.000"_s));
    QCOMPARE(run.durationSec, -1.0);
    QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
    QCOMPARE(cellsOf(t, r, Family::Config),
             (QStringList{u"seed=int:7"_s, u"model.name=string:resnet18"_s, u"model.depth=int:18"_s,
                          u"optimizer.name=string:adam"_s, u"optimizer.lr=float:0.001"_s,
                          u"optimizer.betas=list:[0.9, 0.999]"_s, u"trainer.max_epochs=int:10"_s}));
    QCOMPARE(cellsOf(t, r, Family::Metric),
             (QStringList{u"val_acc=float:0.91"_s, u"val_loss=float:0.25"_s}));
    QCOMPARE(
        cellsOf(t, r, Family::Meta),
        (QStringList{
            u"hydra.overrides=string:optimizer.lr=0.001 +trainer.max_epochs=10 ~model.dropout"_s,
            u"hydra.job.name=string:train"_s, u"hydra.runtime.cwd=string:/home/alice/proj"_s,
            u"hydra.runtime.output_dir=string:/home/alice/proj/outputs/2024-03-01/12-00-00"_s,
            u"hydra.runtime.version=string:1.3.2"_s, u"hydra.choices.optimizer=string:adam"_s,
            u"hydra.choices.model=string:resnet18"_s}));

    // A path of the user's own (`runs/<task>/<date>_<time>`), no hydra.yaml, no metrics.
    const int o = rowOf(t, u"runs/exp/2024-03-02_080910"_s);
    QVERIFY(o >= 0);
    QCOMPARE(t.run(o).status, RunStatus::Unknown);
    QCOMPARE(t.run(o).startMs, localMs(u"2024-03-02 08:09:10.000"_s));
    QVERIFY2(t.run(o).issues.empty(), qPrintable(issuesText(t.run(o).issues)));
    QCOMPARE(cellsOf(t, o, Family::Config),
             (QStringList{u"seed=int:8"_s, u"model.name=string:vit"_s}));
    QCOMPARE(cellsOf(t, o, Family::Meta), QStringList{u"hydra.overrides=string:"_s});
}

void TestHydra::multirunSweep() {
    const RunTable t = load({QFINDTESTDATA("data/hydra_multirun")}).table;
    QCOMPARE(t.rowCount(), 4); // three jobs and a sweep without multirun.yaml; no sweep rows
    const QString sweep = u"multirun/2024-03-02/09-30-00"_s;
    const QStringList times = {u"09:30:02.500"_s, u"09:41:15.500"_s, u"09:52:30.500"_s};
    for (int job = 0; job < 3; ++job) {
        const int r = rowOf(t, sweep + u'/' + QString::number(job));
        QVERIFY(r >= 0);
        QVERIFY2(t.run(r).issues.empty(), qPrintable(issuesText(t.run(r).issues)));
        // The sweep varies optimizer.lr (command line) and seed (sweeper params); model=resnet18
        // and the sweeper's single trainer.max_epochs do not vary.
        QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.sweep_keys"_s),
                 u"string:optimizer.lr, seed"_s);
        QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.sweep.dir"_s), u"string:"_s + sweep);
        QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.job.num"_s), u"int:%1"_s.arg(job));
        QCOMPARE(typedCell(t, r, Family::Meta, u"hydra.choices.model"_s), u"string:resnet18"_s);
        // Jobs run one after the other: the start is each job's first log line, not the sweep's.
        QCOMPARE(t.run(r).startMs, localMs(u"2024-03-02 "_s + times[job]));
    }
    const int r0 = rowOf(t, sweep + u"/0"_s), r1 = rowOf(t, sweep + u"/1"_s),
              r2 = rowOf(t, sweep + u"/2"_s);
    QCOMPARE(typedCell(t, r0, Family::Meta, u"hydra.overrides"_s),
             u"string:optimizer.lr=0.1 model=resnet18 seed=1"_s);
    QCOMPARE(typedCell(t, r1, Family::Config, u"optimizer.lr"_s), u"float:0.01"_s);
    QCOMPARE(typedCell(t, r2, Family::Config, u"seed"_s), u"int:2"_s);
    // Results files beside .hydra: results.json and metrics.json; none for job 2.
    QCOMPARE(typedCell(t, r0, Family::Metric, u"acc"_s), u"float:0.8"_s);
    QCOMPARE(typedCell(t, r1, Family::Metric, u"acc"_s), u"float:0.85"_s);
    QCOMPARE(t.run(r0).status, RunStatus::Finished);
    QCOMPARE(t.run(r2).status, RunStatus::Unknown);
    QVERIFY(cell(t, r2, Family::Metric, u"acc"_s).isMissing());
    // The basic launcher's job id is the number (not repeated); another launcher's is kept.
    QVERIFY(cell(t, r0, Family::Meta, u"hydra.job.id"_s).isMissing());
    QCOMPARE(typedCell(t, r2, Family::Meta, u"hydra.job.id"_s), u"string:4242_2"_s);

    // No multirun.yaml: the job's own hydra.yaml names the sweeper params; `choice(...)` sweeps,
    // a list value does not. No time in the folder names nor in the log's first line.
    const int s = rowOf(t, u"sweeps/lr_sweep/0"_s);
    QVERIFY(s >= 0);
    QCOMPARE(typedCell(t, s, Family::Meta, u"hydra.sweep_keys"_s), u"string:lr"_s);
    QCOMPARE(typedCell(t, s, Family::Meta, u"hydra.sweep.dir"_s), u"string:sweeps/lr_sweep"_s);
    QCOMPARE(t.run(s).startMs, qint64(-1));
}

void TestHydra::interpolations() {
    const RunTable t = load({QFINDTESTDATA("data/hydra_interp")}).table;
    QCOMPARE(t.rowCount(), 1);
    const auto c = [&](const QString &k) { return typedCell(t, 0, Family::Config, k); };
    // Resolved within the file, the target's type kept for a whole-value reference.
    QCOMPARE(c(u"data.train"_s), u"string:/data/train"_s);
    QCOMPARE(c(u"data.copy_size"_s), u"int:512"_s);
    QCOMPARE(c(u"data.rel"_s), u"int:512"_s);    // ${.size}
    QCOMPARE(c(u"data.up"_s), u"string:base"_s); // ${..name}
    QCOMPARE(c(u"model.run"_s), u"string:run_vit_512"_s);
    QCOMPARE(c(u"model.chain"_s), u"string:run_vit_512"_s); // a reference to a reference
    QCOMPARE(c(u"model.img"_s), u"int:512"_s);
    QCOMPARE(c(u"model.flag"_s), u"bool:true"_s);
    QCOMPARE(c(u"model.flag_text"_s), u"string:amp=True"_s); // as Python prints it
    QCOMPARE(c(u"model.none_text"_s), u"string:x_None"_s);
    QCOMPARE(c(u"model.first_beta"_s), u"float:0.9"_s);
    QCOMPARE(c(u"model.dyn"_s), u"int:512"_s); // ${data.${key_name}}
    QCOMPARE(c(u"listed"_s), uR"(list:[512, "${nope}"])"_s);
    // A mapping is copied under the key.
    QCOMPARE(c(u"opt.lr"_s), u"float:0.01"_s);
    QCOMPARE(c(u"opt.betas"_s), u"list:[0.9, 0.999]"_s);
    QVERIFY(cell(t, 0, Family::Config, u"opt"_s).isMissing());
    // Kept as written: resolvers, missing targets, ???, references to what stays unresolved.
    QCOMPARE(c(u"paths.root"_s), u"string:${oc.env:PROJECT_ROOT}"_s);
    QCOMPARE(c(u"paths.out"_s), u"string:${paths.root}/out"_s);
    QCOMPARE(c(u"paths.when"_s), u"string:${now:%Y-%m-%d}"_s);
    QCOMPARE(c(u"paths.cwd"_s), u"string:${hydra:runtime.cwd}"_s);
    QCOMPARE(c(u"paths.missing"_s), u"string:${does.not.exist}"_s);
    QCOMPARE(c(u"paths.mixed"_s), u"string:512_${oc.env:USER,nobody}"_s);
    QCOMPARE(c(u"paths.mandatory"_s), u"string:???"_s);
    QCOMPARE(c(u"paths.to_mandatory"_s), u"string:${paths.mandatory}"_s);
    QCOMPARE(c(u"paths.escaped"_s), u"string:${data.size}"_s);
    QCOMPARE(c(u"paths.open"_s), u"string:${data.size"_s);
    // Cycles: kept as written, one warning each, no hang.
    QCOMPARE(c(u"loop.a"_s), u"string:${loop.b}"_s);
    QCOMPARE(c(u"loop.b"_s), u"string:${loop.a}"_s);
    QCOMPARE(c(u"loop.self"_s), u"string:${loop.self}"_s);
    QCOMPARE(c(u"box.inner"_s), u"string:${box}"_s);
    const RunInfo &run = t.run(0);
    QCOMPARE(int(run.issues.size()), 3);
    for (const Issue &i : run.issues) {
        QCOMPARE(i.severity, Issue::Severity::Warning);
        QVERIFY(i.file.endsWith(u"/.hydra/config.yaml"_s));
        QVERIFY(i.line > 0);
    }
    QCOMPARE(run.issues[0].line, 44); // loop.a
    QVERIFY(run.issues[0].message.contains(u"refers back to itself"_s));
    QCOMPARE(run.issues[1].line, 46); // loop.self
    QCOMPARE(run.issues[2].line, 48); // box.inner
    QVERIFY(run.issues[2].message.contains(u"into itself"_s));
}

void TestHydra::interpolationChains() {
    // A chain of 200 references, each to the next: bounded, and the end of it resolves.
    QByteArray yaml;
    for (int i = 0; i < 200; ++i)
        yaml += "a" + QByteArray::number(i) + ": ${a" + QByteArray::number(i + 1) + "}\n";
    yaml += "a200: 7\n";
    QElapsedTimer timer;
    timer.start();
    const RunRecord run = resolved(yaml);
    QVERIFY(timer.elapsed() < 5000);
    QCOMPARE(int(run.entries.size()), 201);
    QCOMPARE(typed(run.entries[199].value), u"int:7"_s);
    QVERIFY(findIssue(run.issues, u"deeper than"_s));
    // A reference that goes up from the top, a bad path and an index out of range stay text.
    const RunRecord odd = resolved("a: ${..x}\nb: ${x..y}\nl: [1]\nc: ${l[3]}\nd: ${l[0]}\n");
    QCOMPARE(testutil::entriesText(odd),
             u"config a=string:${..x}\nconfig b=string:${x..y}\nconfig l=list:[1]\n"
             u"config c=string:${l[3]}\nconfig d=int:1"_s);
    QVERIFY(odd.issues.empty());
    // Interpolations nested 100,000 deep inside one value: bounded, kept as written.
    const QByteArray deep = "x: 1\ny: '" + QByteArray(100000, '$').replace("$", "${") + "x" +
                            QByteArray(100000, '}') + "'\n";
    const RunRecord nested = resolved(deep);
    QCOMPARE(int(nested.entries.size()), 2);
    QVERIFY(nested.entries[1].value.rawText().startsWith(u"${${${"_s));
}

void TestHydra::interpolationBomb() {
    // Each level copies the one below twice: 2^40 leaves if flattened naively.
    QByteArray yaml = "l0: {a: 1, b: 2}\n";
    for (int i = 1; i <= 40; ++i)
        yaml += "l" + QByteArray::number(i) + ":\n  a: ${l" + QByteArray::number(i - 1) +
                "}\n  b: ${l" + QByteArray::number(i - 1) + "}\n";
    QElapsedTimer timer;
    timer.start();
    const RunRecord run = resolved(yaml);
    QVERIFY(timer.elapsed() < 10000);
    QVERIFY2(!run.issues.empty(), "the flattener's limits must report the cut");
    QVERIFY(run.entries.size() <= 20000);
    QCOMPARE(typed(run.entries[0].value), u"int:1"_s);
}

void TestHydra::sweepKeysFromOverrides() {
    // A multirun job with no sweep definition anywhere: every key its overrides set varied.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString job = dir.filePath(u"sweep/3/.hydra/"_s);
    QVERIFY(testutil::writeFile(job + u"config.yaml"_s, "a:\n  b: 3\nnew: 1\nx: 2\n"));
    QVERIFY(testutil::writeFile(job + u"overrides.yaml"_s,
                                "- a.b=3\n- +new=1\n- ~old\n- ++x=2\n- '+group@pkg=opt'\n"));
    QVERIFY(testutil::writeFile(job + u"hydra.yaml"_s,
                                "hydra:\n  mode: MULTIRUN\n  job:\n    num: 3\n"));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.overrides"_s),
             u"string:a.b=3 +new=1 ~old ++x=2 +group@pkg=opt"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.sweep_keys"_s),
             u"string:a.b, new, old, x, group@pkg"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.sweep.dir"_s), u"string:sweep"_s);
}

void TestHydra::brokenFiles() {
    const RunTable t = load({QFINDTESTDATA("data/hydra_broken")}).table;
    QCOMPARE(t.rowCount(), 3);
    // Unparsable config.yaml: an error with its position; overrides and metrics are kept.
    const int bad = rowOf(t, u"bad_yaml"_s);
    QVERIFY(bad >= 0);
    const RunInfo &b = t.run(bad);
    QCOMPARE(b.format, u"hydra"_s);
    QVERIFY2(!b.issues.empty(), "a parse error issue");
    QCOMPARE(b.issues[0].severity, Issue::Severity::Error);
    QVERIFY(b.issues[0].file.endsWith(u"bad_yaml/.hydra/config.yaml"_s));
    QVERIFY(b.issues[0].line > 0);
    QCOMPARE(typedCell(t, bad, Family::Metric, u"loss"_s), u"float:1.5"_s);
    QCOMPARE(typedCell(t, bad, Family::Meta, u"hydra.overrides"_s), u"string:seed=1"_s);
    QCOMPARE(b.status, RunStatus::Finished);

    // No config.yaml, only hydra.yaml: a warning, the overrides from hydra.yaml.
    const int none = rowOf(t, u"no_config"_s);
    QVERIFY(none >= 0);
    const Issue *missing = findIssue(t.run(none).issues, u"no .hydra/config.yaml"_s);
    QVERIFY2(missing, qPrintable(issuesText(t.run(none).issues)));
    QCOMPARE(missing->severity, Issue::Severity::Warning);
    QCOMPARE(typedCell(t, none, Family::Meta, u"hydra.overrides"_s), u"string:lr=0.5"_s);
    QCOMPARE(typedCell(t, none, Family::Meta, u"hydra.job.name"_s), u"string:train"_s);
    QVERIFY(columnsOf(t, Family::Config).contains(u"seed"_s)); // from the other run only
    QVERIFY(cell(t, none, Family::Config, u"seed"_s).isMissing());

    // overrides.yaml that is not a list: a warning, the config kept, no overrides key.
    const int bo = rowOf(t, u"bad_overrides"_s);
    QVERIFY(bo >= 0);
    QVERIFY(findIssue(t.run(bo).issues, u"not a list of overrides"_s));
    QCOMPARE(typedCell(t, bo, Family::Config, u"lr"_s), u"float:0.1"_s);
    QVERIFY(cell(t, bo, Family::Meta, u"hydra.overrides"_s).isMissing());
}

void TestHydra::wandbInside() {
    const RunTable t = load({QFINDTESTDATA("data/hydra_wandb")}).table;
    QCOMPARE(t.rowCount(), 1); // the W&B run inside is not a row of its own
    const RunInfo &run = t.run(0);
    QCOMPARE(run.id, u"outputs/2024-04-01/10-00-00"_s);
    QCOMPARE(run.format, u"hydra"_s);
    QVERIFY(run.path.endsWith(u"/hydra_wandb/outputs/2024-04-01/10-00-00"_s));
    QVERIFY2(run.issues.empty(), qPrintable(issuesText(run.issues)));
    // Status, start and duration from W&B (exact UTC start, not the folder's local time).
    QCOMPARE(run.status, RunStatus::Finished);
    QCOMPARE(run.startMs, utcMs(u"2024-04-01 10:00:05.500"_s));
    QCOMPARE(run.durationSec, 120.0);
    // Config from Hydra only, as written there (the `${hydra:...}` resolver kept).
    QCOMPARE(
        cellsOf(t, 0, Family::Config),
        (QStringList{u"seed=int:3"_s, u"optimizer.name=string:sgd"_s, u"optimizer.lr=float:0.01"_s,
                     u"out=string:${hydra:runtime.output_dir}"_s}));
    // Metrics from W&B.
    QCOMPARE(cellsOf(t, 0, Family::Metric),
             (QStringList{u"train/loss=float:0.42"_s, u"val/acc=float:0.88"_s}));
    // W&B's config where it differs from Hydra's or Hydra lacks it, as meta; the same values
    // (seed, optimizer.*) are not repeated.
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.config.out"_s),
             u"string:/home/alice/proj/outputs/2024-04-01/10-00-00"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.config.params"_s), u"int:11689512"_s);
    QVERIFY(cell(t, 0, Family::Meta, u"wandb.config.seed"_s).isMissing());
    QVERIFY(cell(t, 0, Family::Meta, u"wandb.config.optimizer.lr"_s).isMissing());
    // W&B's own meta keys as a plain W&B run has them, and where the metrics came from.
    QCOMPARE(typedCell(t, 0, Family::Meta, u"host"_s), u"string:gpu-1"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"git.commit"_s), u"string:abc123"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"_step"_s), u"int:99"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"wandb.cli_version"_s), u"string:0.16.0"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker"_s), u"string:wandb"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker_run"_s),
             u"string:wandb/run-20240401_100005-hyd12345"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.overrides"_s), u"string:optimizer.lr=0.01"_s);
}

void TestHydra::severalTrackerRuns() {
    // Two W&B runs (and W&B's latest-run link) in one Hydra folder, beside a metrics.json.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString run = dir.filePath(u"outputs/2024-05-01/08-00-00/"_s);
    QVERIFY(testutil::writeFile(run + u".hydra/config.yaml"_s, "lr: 0.1\n"));
    QVERIFY(testutil::writeFile(run + u"metrics.json"_s, "{\"loss\": 9}"));
    QVERIFY(testutil::writeFile(
        run + u"wandb/run-20240501_080001-first1/files/wandb-summary.json"_s, "{\"loss\": 1}"));
    QVERIFY(
        testutil::writeFile(run + u"wandb/run-20240501_090001-second2/files/wandb-summary.json"_s,
                            "{\"loss\": 2, \"acc\": 0.5}"));
    QVERIFY(QFile::link(u"run-20240501_090001-second2"_s, run + u"wandb/latest-run"_s));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    // The more recent W&B run; its `loss` beside the results file's under `wandb.loss`.
    QCOMPARE(typedCell(t, 0, Family::Metric, u"loss"_s), u"int:9"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"wandb.loss"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"acc"_s), u"float:0.5"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker_run"_s),
             u"string:wandb/run-20240501_090001-second2"_s);
    const Issue *note = findIssue(t.run(0).issues, u"2 tracker runs"_s);
    QVERIFY2(note, qPrintable(issuesText(t.run(0).issues)));
    QCOMPARE(note->severity, Issue::Severity::Note);
    QVERIFY(note->message.contains(u"wandb/run-20240501_080001-first1"_s));
}

void TestHydra::lightningLoggerInside() {
    // lightning-hydra-template's layout: the CSV logger writes `csv/version_0/` in the run folder.
    QVERIFY(ReaderRegistry::withBuiltins().byFormat(u"lightning"_s));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString run = dir.filePath(u"logs/train/runs/2024-06-01_10-00-00/"_s);
    QVERIFY(testutil::writeFile(run + u".hydra/config.yaml"_s, "model:\n  lr: 0.001\n"));
    QVERIFY(testutil::writeFile(run + u"csv/version_0/hparams.yaml"_s, "model:\n  lr: 0.001\n"));
    QVERIFY(testutil::writeFile(run + u"csv/version_0/metrics.csv"_s,
                                "epoch,step,val_loss\n0,9,0.5\n1,19,0.25\n"));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).format, u"hydra"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker"_s), u"string:lightning"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker_run"_s), u"string:csv/version_0"_s);
    QCOMPARE(cell(t, 0, Family::Metric, u"val_loss"_s).toDouble(), 0.25);
    QCOMPARE(typedCell(t, 0, Family::Config, u"model.lr"_s), u"float:0.001"_s);
}

void TestHydra::cacheSeesTheTracker() {
    QTemporaryDir data, cache;
    QVERIFY(data.isValid() && cache.isValid());
    QVERIFY(testutil::copyTree(QFINDTESTDATA("data/hydra_wandb"), data.path()));
    QVERIFY(testutil::ageTree(data.path()));
    const QString run = data.filePath(u"outputs/2024-04-01/10-00-00/"_s);
    const QString uncached = testutil::dumpTable(load({data.path()}).table);
    QCOMPARE(load({data.path()}, cache.path()).cacheMisses, 1);
    const LoadResult warm = load({data.path()}, cache.path());
    QCOMPARE(warm.cacheHits, 1);
    QCOMPARE(testutil::dumpTable(warm.table), uncached);

    // The W&B summary changes: the Hydra row is read again.
    const QString summary = run + u"wandb/run-20240401_100005-hyd12345/files/wandb-summary.json"_s;
    QVERIFY(testutil::writeFile(summary, "{\"train/loss\": 0.1}"));
    QVERIFY(testutil::age(summary, 1800));
    LoadResult changed = load({data.path()}, cache.path());
    QCOMPARE(changed.cacheHits, 0);
    QCOMPARE(typedCell(changed.table, 0, Family::Metric, u"train/loss"_s), u"float:0.1"_s);
    QCOMPARE(load({data.path()}, cache.path()).cacheHits, 1);

    // A new tracker run appears (no input file of the old ones changed): read again.
    const QString newer = run + u"wandb/run-20240401_120000-later99/files/wandb-summary.json"_s;
    QVERIFY(testutil::writeFile(newer, "{\"train/loss\": 0.05}"));
    QVERIFY(testutil::age(newer, 1800));
    changed = load({data.path()}, cache.path());
    QCOMPARE(changed.cacheHits, 0);
    QCOMPARE(typedCell(changed.table, 0, Family::Metric, u"train/loss"_s), u"float:0.05"_s);
}

void TestHydra::dotFolderAloneIsNotHydra() {
    // A `.hydra` folder without Hydra's files does not make a Hydra run.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(testutil::writeFile(dir.filePath(u"exp/.hydra/notes.txt"_s), "x"));
    QVERIFY(testutil::writeFile(dir.filePath(u"exp/metrics.json"_s), "{\"acc\": 1}"));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(t.run(0).format, u"generic"_s);
}

void TestHydra::historyFromTheTracker() {
    // The Lightning run inside gives the curves, with the keys the row shows.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString run = dir.filePath(u"logs/train/runs/2024-06-01_10-00-00/"_s);
    QVERIFY(testutil::writeFile(run + u".hydra/config.yaml"_s, "model:\n  lr: 0.001\n"));
    QVERIFY(testutil::writeFile(run + u"csv/version_0/metrics.csv"_s,
                                "epoch,step,val_loss,acc\n0,9,0.5,0.1\n1,19,0.25,nan\n"));
    QVERIFY(testutil::writeFile(run + u"metrics.json"_s, "{\"acc\": 0.9, \"test\": 1}"));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    const QString path = t.run(0).path;
    QCOMPARE(historyText(path, Key({u"val_loss"_s})), u"9:0.5 19:0.25"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.val_loss"_s), u"int:2"_s);
    QCOMPARE(cell(t, 0, Family::Metric, u"val_loss"_s).toDouble(), 0.25);
    // `acc` is the results file's (no history); the tracker's is kept as `lightning.acc`.
    QCOMPARE(typedCell(t, 0, Family::Metric, u"acc"_s), u"float:0.9"_s);
    QCOMPARE(historyText(path, Key({u"acc"_s})), QString());
    QCOMPARE(typedCell(t, 0, Family::Metric, u"lightning.acc"_s), u"float:nan"_s);
    QCOMPARE(historyText(path, Key({u"lightning"_s, u"acc"_s})), u"9:0.1 19:nan"_s);
    // Its summaries went with it: none describes the results file's `acc`.
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.steps.lightning.acc"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"history.max.lightning.acc"_s), u"float:0.1"_s);
    QVERIFY(cell(t, 0, Family::Meta, u"history.steps.acc"_s).isMissing());
    QVERIFY(cell(t, 0, Family::Meta, u"history.max.acc"_s).isMissing());
    QCOMPARE(historyText(path, Key({u"test"_s})), QString());
    QCOMPARE(historyText(path, Key({u"nope"_s})), QString());
    QCOMPARE(historyText(path, Key({u"lightning"_s, u"val_loss"_s})), QString());
}

void TestHydra::historyOfTheMostRecentTracker() {
    // Two Lightning versions: the row shows the one that started last, and so do the curves.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString run = dir.filePath(u"outputs/2024-06-02/09-00-00/"_s);
    QVERIFY(testutil::writeFile(run + u".hydra/config.yaml"_s, "lr: 0.1\n"));
    QVERIFY(testutil::writeFile(run + u"lightning_logs/version_0/metrics.csv"_s,
                                "step,loss\n0,5\n1,4\n"));
    QVERIFY(testutil::writeFile(
        run + u"lightning_logs/version_0/events.out.tfevents.1700000900.host.1.0"_s, ""));
    QVERIFY(testutil::writeFile(run + u"lightning_logs/version_1/metrics.csv"_s,
                                "step,loss\n0,3\n1,2\n2,1\n"));
    QVERIFY(testutil::writeFile(
        run + u"lightning_logs/version_1/events.out.tfevents.1700000100.host.1.0"_s, ""));
    const RunTable t = load({dir.path()}).table;
    QCOMPARE(t.rowCount(), 1);
    QCOMPARE(typedCell(t, 0, Family::Meta, u"hydra.tracker_run"_s),
             u"string:lightning_logs/version_0"_s);
    QCOMPARE(historyText(t.run(0).path, Key({u"loss"_s})), u"0:5 1:4"_s);
}

void TestHydra::noHistoryWithoutTracker() {
    // A results file only, a W&B run (whose reader keeps no history), a broken config.
    for (const char *fixture :
         {"data/hydra_single/outputs/2024-03-01/12-00-00",
          "data/hydra_wandb/outputs/2024-04-01/10-00-00", "data/hydra_broken/bad_yaml"}) {
        const QString path = QFINDTESTDATA(fixture);
        QVERIFY2(!path.isEmpty(), fixture);
        const RunTable t = load({path}).table;
        QCOMPARE(t.rowCount(), 1);
        for (int c = 0; c < t.columnCount(); ++c)
            if (t.column(c).family == Family::Metric)
                QCOMPARE(historyText(path, t.column(c).key), QString());
    }
    QCOMPARE(historyText(u"/nonexistent/run"_s, Key({u"loss"_s})), QString());
}

QTEST_GUILESS_MAIN(TestHydra)
#include "tst_hydra.moc"
