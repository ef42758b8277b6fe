// The MLflow file store reader through the whole load (scan, read, RunTable) on the
// mlflow_store fixture that tests/data/README.md describes, its detection rule on listings, the
// Python literal parser that types params back, and the run cache and metric histories.
#include "readers/loader.h"
#include "readers/mlflowreader.h"
#include "readers/pyliteral.h"
#include "readers/readerregistry.h"

#include <QDateTime>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

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

const QString runA = u"a1000000000000000000000000000001"_s; // finished, typed params
const QString runB = u"b2000000000000000000000000000002"_s; // FAILED, no metrics
const QString runC = u"c3000000000000000000000000000003"_s; // deleted in place, KILLED
const QString runD = u"d4000000000000000000000000000004"_s; // running, malformed metrics
const QString runF = u"f6000000000000000000000000000006"_s; // broken meta.yaml
const QString runG = u"e7000000000000000000000000000007"_s; // no meta.yaml
const QString runT = u"7a000000000000000000000000000008"_s; // in .trash
const QString runI = u"99000000000000000000000000000009"_s; // experiment without meta.yaml

/// Loads with the deleted runs kept (most tests look at them); deletedRunsHiddenByDefault
/// checks what a load without that option leaves out.
LoadResult load(const QStringList &roots, const QString &cacheDir = {}, bool deleted = true) {
    LoadOptions options;
    options.jobs = 2;
    options.cacheDir = cacheDir;
    options.includeDeleted = deleted;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

QString store() {
    return QFINDTESTDATA("data/mlflow_store/mlruns");
}

int cellCount(const RunTable &t, int row, Family f) {
    int n = 0;
    for (int c = 0; c < t.columnCount(); ++c)
        n += t.column(c).family == f && t.hasValue(row, c) ? 1 : 0;
    return n;
}

/// A Python literal as the reader keys it under `p`: `key=type:text` joined by `, `, or `fail`.
QString literal(const QString &text) {
    Doc doc;
    if (!parsePythonLiteral(text, doc)) return u"fail"_s;
    RunRecord run;
    Flattener flattener;
    flattener.flatten(doc, doc.root, Key({u"p"_s}), Family::Config, {}, run, {});
    QStringList out;
    for (const Entry &e : run.entries)
        out << e.key.display() + u'=' + typed(e.value);
    return out.join(u", "_s);
}

DirListing listing(const QString &path, const QStringList &files, const QStringList &dirs) {
    return DirListing{path, path.section(u'/', -1), files, dirs};
}

} // namespace

class TestMlflow : public QObject {
    Q_OBJECT

private slots:
    void runsAndNonRuns();
    void deletedRunsHiddenByDefault();
    void detection_data();
    void detection();
    void typedParams_data();
    void typedParams();
    void metricHistories();
    void statusTimesAndTags();
    void deletedRuns();
    void malformedMetricLines();
    void brokenOrMissingMeta();
    void pythonLiterals_data();
    void pythonLiterals();
    void readHistory();
    void hostileFiles();
    void cacheSeesNewLines();
};

void TestMlflow::deletedRunsHiddenByDefault() {
    // The run deleted in place and the one in .trash are left out unless asked for, and
    // counted in the scan's summary.
    const LoadResult result = load({store()}, {}, false);
    QStringList ids;
    for (int r = 0; r < result.table.rowCount(); ++r)
        ids << result.table.run(r).id;
    QVERIFY(!ids.contains(runC));
    QVERIFY(!ids.contains(runT));
    QVERIFY(ids.contains(runA));
    QCOMPARE(result.stats.deletedHidden, 2);
    QVERIFY2(result.stats.summary().contains(u"2 deleted run(s) hidden"_s),
             qPrintable(result.stats.summary()));
}

void TestMlflow::runsAndNonRuns() {
    const LoadResult res = load({store()});
    const RunTable &t = res.table;
    // Eight run folders; not the experiments, .trash, the model registry (models/), MLflow 3's
    // logged models (<exp>/models/m-*), datasets/, nor the metrics.json among run A's artifacts.
    QStringList ids;
    for (int r = 0; r < t.rowCount(); ++r) {
        ids << t.run(r).id;
        QCOMPARE(t.run(r).format, u"mlflow"_s);
    }
    ids.sort();
    QStringList expected = {runA, runB, runC, runD, runF, runG, runT, runI};
    expected.sort();
    QCOMPARE(ids, expected);
    QCOMPARE(t.run(rowOf(t, runA)).path, store() + u"/1/"_s + runA);
    QCOMPARE(t.run(rowOf(t, runT)).path, store() + u"/.trash/3/"_s + runT);
}

void TestMlflow::detection_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("dirs");
    QTest::addColumn<bool>("run");
    const QString id = runA;
    const QStringList meta = {u"meta.yaml"_s};
    QTest::newRow("run") << u"/s/mlruns/1/"_s + id << meta
                         << QStringList{u"params"_s, u"metrics"_s, u"tags"_s} << true;
    QTest::newRow("run with meta.yaml only")
        << u"/s/mlruns/1/"_s + id << meta << QStringList{} << true;
    QTest::newRow("copied run, tags only")
        << u"/backup/"_s + id << meta << QStringList{u"tags"_s} << true;
    QTest::newRow("copied run, meta.yaml only")
        << u"/backup/"_s + id << meta << QStringList{} << false;
    QTest::newRow("run without meta.yaml")
        << u"/s/mlruns/1/"_s + id << QStringList{} << QStringList{u"params"_s} << true;
    QTest::newRow("copy without meta.yaml")
        << u"/backup/"_s + id << QStringList{} << QStringList{u"params"_s} << false;
    QTest::newRow("experiment") << u"/s/mlruns/1"_s << meta << QStringList{u"tags"_s, id} << false;
    QTest::newRow("trash") << u"/s/mlruns/.trash"_s << QStringList{} << QStringList{u"3"_s}
                           << false;
    QTest::newRow("logged model") << u"/s/mlruns/1/models/m-0123456789abcdef0123456789abcdef"_s
                                  << meta << QStringList{u"params"_s, u"metrics"_s} << false;
    QTest::newRow("registry version")
        << u"/s/mlruns/models/m/version-1"_s << meta << QStringList{} << false;
    QTest::newRow("dataset") << u"/s/mlruns/1/datasets/0123456789abcdef0123456789abcdef"_s << meta
                             << QStringList{} << false;
    QTest::newRow("input") << u"/s/mlruns/1/"_s + id + u"/inputs/0123456789abcdef0123456789abcdef"_s
                           << meta << QStringList{} << false;
    QTest::newRow("upper-case id") << u"/s/mlruns/1/A1000000000000000000000000000001"_s << meta
                                   << QStringList{u"params"_s} << false;
    QTest::newRow("wandb run") << u"/s/wandb/run-20240101_000000-abc123"_s
                               << QStringList{u"meta.yaml"_s} << QStringList{u"files"_s} << false;
}

void TestMlflow::detection() {
    QFETCH(QString, path);
    QFETCH(QStringList, files);
    QFETCH(QStringList, dirs);
    QFETCH(bool, run);
    QCOMPARE(MlflowReader().detect(listing(path, files, dirs)), run);
}

void TestMlflow::typedParams_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    // The file's text is str() of the logged value; see tests/data/README.md for each file.
    QTest::newRow("float") << u"lr"_s << u"float:0.001"_s;
    QTest::newRow("int") << u"epochs"_s << u"int:10"_s;
    QTest::newRow("True") << u"use_amp"_s << u"bool:true"_s;
    QTest::newRow("False") << u"resume"_s << u"bool:false"_s;
    QTest::newRow("None") << u"scheduler"_s << u"null:null"_s;
    QTest::newRow("list") << u"betas"_s << u"list:[0.9, 0.95]"_s;
    QTest::newRow("tuple") << u"layers"_s << u"list:[64, 32]"_s;
    QTest::newRow("dict flattened") << u"opt.name"_s << u"string:adam"_s;
    QTest::newRow("dict float") << u"opt.eps"_s << u"float:1e-08"_s;
    QTest::newRow("empty dict") << u"empty_dict"_s << u"object:{}"_s;
    QTest::newRow("quoted strings") << u"names"_s << uR"(list:["a", "it's", "tab\there"])"_s;
    QTest::newRow("object repr") << u"weird"_s << u"string:<object object at 0x7f3a>"_s;
    QTest::newRow("text") << u"label"_s << u"string:hello world"_s;
    QTest::newRow("nan") << u"nan_param"_s << u"float:nan"_s;
    QTest::newRow("-inf") << u"neg_inf"_s << u"float:-inf"_s;
    QTest::newRow("big int") << u"big"_s << u"int:123456789012345678901234567890"_s;
    QTest::newRow("nested folders") << u"model.optimizer.lr"_s << u"float:0.0003"_s;
    QTest::newRow("nested folders 2") << u"model.optimizer.name"_s << u"string:adamw"_s;
    QTest::newRow("dotted key") << u"data.batch_size"_s << u"int:32"_s;
    QTest::newRow("empty file") << u"blank"_s << u"string:"_s;
    QTest::newRow("trailing newline") << u"trailing"_s << u"int:5"_s;
    QTest::newRow("space in key") << u"shape raw_data"_s << u"list:[74790, 25]"_s;
}

void TestMlflow::typedParams() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    const RunTable t = load({store()}).table;
    const int r = rowOf(t, runA);
    QVERIFY(r >= 0);
    QCOMPARE(typedCell(t, r, Family::Config, key), value);
    QCOMPARE(cellCount(t, r, Family::Config), 22); // 21 files, the dict gives two keys
    QVERIFY(cell(t, r, Family::Config, u"opt"_s).isMissing());
}

void TestMlflow::metricHistories() {
    const RunTable t = load({store()}).table;
    const int r = rowOf(t, runA);
    QVERIFY(r >= 0);
    const auto metric = [&](const QString &k) { return typedCell(t, r, Family::Metric, k); };
    const auto meta = [&](const QString &k) { return typedCell(t, r, Family::Meta, k); };
    // loss is logged at steps 0, 2, 1: the latest by step is the value of step 2.
    QCOMPARE(metric(u"loss"_s), u"float:0.5"_s);
    QCOMPARE(meta(u"history.min.loss"_s), u"float:0.5"_s);
    QCOMPARE(meta(u"history.max.loss"_s), u"float:1"_s);
    QCOMPARE(cell(t, r, Family::Meta, u"history.mean.loss"_s).toDouble(), (1.0 + 0.5 + 0.7) / 3);
    QCOMPARE(meta(u"history.steps.loss"_s), u"int:3"_s);
    // A key with `/` (a subfolder) stays one segment, as W&B and Lightning write it.
    QCOMPARE(cell(t, r, Family::Metric, Key({u"train/acc"_s})).displayText(), u"0.75"_s);
    QCOMPARE(metric(u"Score_métier"_s), u"float:2480.0"_s); // a non-ASCII file name
    // Two-field lines are step 0: the later line wins.
    QCOMPARE(metric(u"legacy"_s), u"float:0.3"_s);
    QCOMPARE(meta(u"history.steps.legacy"_s), u"int:2"_s);
    // Two lines at step 5: the later wins; a later line at step 4 does not.
    QCOMPARE(metric(u"tie"_s), u"float:2.0"_s);
    QCOMPARE(meta(u"history.max.tie"_s), u"float:9"_s);
    // A dot in a metric name is not nesting; nan and inf are values.
    const Key dotted({u"val.acc"_s});
    QCOMPARE(typed(cell(t, r, Family::Metric, dotted)), u"float:1e-05"_s);
    QCOMPARE(typed(cell(t, r, Family::Meta, Key({u"history"_s, u"max"_s, u"val.acc"_s}))),
             u"float:inf"_s);
    QCOMPARE(typed(cell(t, r, Family::Meta, Key({u"history"_s, u"min"_s, u"val.acc"_s}))),
             u"float:1e-05"_s);
    QCOMPARE(cellCount(t, r, Family::Metric), 6);
    QVERIFY2(t.run(r).issues.empty(), qPrintable(issuesText(t.run(r).issues)));
}

void TestMlflow::statusTimesAndTags() {
    const RunTable t = load({store()}).table;
    const int a = rowOf(t, runA);
    QCOMPARE(t.run(a).name, u"typed-params"_s);
    QCOMPARE(t.run(a).status, RunStatus::Finished);
    QCOMPARE(t.run(a).startMs, qint64(1700000000000));
    QCOMPARE(t.run(a).durationSec, 90.5);
    const auto meta = [&](int r, const QString &k) { return typedCell(t, r, Family::Meta, k); };
    QCOMPARE(meta(a, u"experiment"_s), u"string:sweep"_s);
    QCOMPARE(meta(a, u"experiment_id"_s), u"string:1"_s);
    QCOMPARE(meta(a, u"status"_s), u"string:FINISHED"_s);
    QCOMPARE(meta(a, u"lifecycle_stage"_s), u"string:active"_s);
    QCOMPARE(meta(a, u"user"_s), u"string:alice"_s);
    QCOMPARE(meta(a, u"mlflow.runName"_s), u"string:typed-params"_s);
    QCOMPARE(meta(a, u"mlflow.user"_s), u"string:alice"_s);
    QCOMPARE(meta(a, u"mlflow.source.name"_s), u"string:train.py"_s);
    QCOMPARE(meta(a, u"mlflow.source.git.commit"_s),
             u"string:0123456789abcdef0123456789abcdef01234567"_s);
    QCOMPARE(meta(a, u"mlflow.note.content"_s), u"string:First line\nsecond line"_s);
    QCOMPARE(meta(a, u"team"_s), u"string:vision"_s);
    QCOMPARE(meta(a, u"priority"_s), u"int:2"_s); // user tags are typed as params are

    // FAILED, with params and no metrics at all; a child run names its parent.
    const int b = rowOf(t, runB);
    QCOMPARE(t.run(b).status, RunStatus::Crashed);
    QCOMPARE(meta(b, u"status"_s), u"string:FAILED"_s);
    QCOMPARE(cellCount(t, b, Family::Metric), 0);
    QCOMPARE(typedCell(t, b, Family::Config, u"model.optimizer.lr"_s), u"float:0.003"_s);
    QCOMPARE(meta(b, u"mlflow.parentRunId"_s), u"string:"_s + runA);
    QVERIFY2(t.run(b).issues.empty(), qPrintable(issuesText(t.run(b).issues)));

    // KILLED is crashed too; RUNNING has no end, so no duration.
    QCOMPARE(t.run(rowOf(t, runC)).status, RunStatus::Crashed);
    QCOMPARE(meta(rowOf(t, runC), u"status"_s), u"string:KILLED"_s);
    const int d = rowOf(t, runD);
    QCOMPARE(t.run(d).status, RunStatus::Running);
    QCOMPARE(t.run(d).startMs, qint64(1700000400000));
    QCOMPARE(t.run(d).durationSec, -1.0);
    // An old meta.yaml has `name: ''` and no run_name: the name is the mlflow.runName tag.
    QCOMPARE(t.run(d).name, u"from-tag"_s);
}

void TestMlflow::deletedRuns() {
    const RunTable t = load({store()}).table;
    const auto stage = [&](const QString &id) {
        return typedCell(t, rowOf(t, id), Family::Meta, u"lifecycle_stage"_s);
    };
    QCOMPARE(stage(runA), u"string:active"_s);
    QCOMPARE(stage(runC), u"string:deleted"_s); // deleted runs stay in place
    QCOMPARE(stage(runT), u"string:deleted"_s); // deleted experiments move to .trash
    const int tr = rowOf(t, runT);
    QCOMPARE(typedCell(t, tr, Family::Meta, u"experiment"_s), u"string:old-experiment"_s);
    QCOMPARE(typedCell(t, tr, Family::Config, u"lr"_s), u"float:0.5"_s);
    QVERIFY2(t.run(tr).issues.empty(), qPrintable(issuesText(t.run(tr).issues)));
    QVERIFY2(t.run(rowOf(t, runC)).issues.empty(),
             qPrintable(issuesText(t.run(rowOf(t, runC)).issues)));
}

void TestMlflow::malformedMetricLines() {
    const RunTable t = load({store()}).table;
    const int d = rowOf(t, runD);
    const RunInfo &run = t.run(d);
    const QString bad = run.path + u"/metrics/bad"_s;
    // Lines 2, 3 and 6 are malformed (line 5 is blank); the good lines 1, 4, 7 are kept.
    QStringList where;
    for (const Issue &i : run.issues)
        if (i.file == bad) where << QString::number(i.line) + u' ' + i.message;
    QCOMPARE(where.size(), 3);
    QVERIFY2(where[0].startsWith(u"2 malformed line \"this is not a metric line\""_s),
             qPrintable(where[0]));
    QVERIFY2(where[1].startsWith(u"3 "_s) && where[1].contains(u"value is not a number"_s),
             qPrintable(where[1]));
    QVERIFY2(where[2].startsWith(u"6 "_s) && where[2].contains(u"step is not a number"_s),
             qPrintable(where[2]));
    QCOMPARE(typedCell(t, d, Family::Metric, u"bad"_s), u"float:0.125"_s);
    QCOMPARE(typedCell(t, d, Family::Meta, u"history.steps.bad"_s), u"int:3"_s);
    // An empty metric file: no metric, a warning.
    QVERIFY(cell(t, d, Family::Metric, u"empty"_s).isMissing());
    const Issue *empty = findIssue(run.issues, u"holds no values"_s);
    QVERIFY(empty);
    QCOMPARE(empty->file, run.path + u"/metrics/empty"_s);
    // A last line without its line break and with a field missing is being written: left out.
    const Issue *cut = findIssue(run.issues, u"cut short"_s);
    QVERIFY(cut);
    QCOMPARE(cut->file, run.path + u"/metrics/cut"_s);
    QCOMPARE(cut->line, 3);
    QCOMPARE(typedCell(t, d, Family::Metric, u"cut"_s), u"float:0.4"_s);
    // params/a/b and params/a.b both read `a.b`: the later keeps its MLflow spelling.
    QCOMPARE(typedCell(t, d, Family::Config, u"a.b"_s), u"int:2"_s);
    QCOMPARE(typed(cell(t, d, Family::Config, Key({u"a.b"_s}))), u"int:1"_s);
    QVERIFY(findIssue(run.issues, u"already gives the key a.b"_s));
    QCOMPARE(int(run.issues.size()), 6);
}

void TestMlflow::brokenOrMissingMeta() {
    const RunTable t = load({store()}).table;
    // A meta.yaml that does not parse: an error with its line, the run kept under its folder id.
    const int f = rowOf(t, runF);
    QVERIFY(f >= 0);
    const RunInfo &broken = t.run(f);
    QCOMPARE(broken.name, runF);
    QCOMPARE(broken.status, RunStatus::Unknown);
    QCOMPARE(typedCell(t, f, Family::Config, u"x"_s), u"int:1"_s);
    QVERIFY(!broken.issues.empty());
    QCOMPARE(broken.issues[0].file, broken.path + u"/meta.yaml"_s);
    QCOMPARE(broken.issues[0].severity, Issue::Severity::Error);
    QVERIFY2(broken.issues[0].line >= 2, qPrintable(issuesText(broken.issues)));
    QCOMPARE(typedCell(t, f, Family::Meta, u"experiment"_s), u"string:broken-runs"_s);

    // No meta.yaml at all: found by its params and metrics, read with an error.
    const int g = rowOf(t, runG);
    QVERIFY(g >= 0);
    QCOMPARE(t.run(g).status, RunStatus::Unknown);
    QCOMPARE(t.run(g).startMs, qint64(-1));
    QCOMPARE(typedCell(t, g, Family::Config, u"x"_s), u"int:2"_s);
    QCOMPARE(typedCell(t, g, Family::Metric, u"m"_s), u"float:0.5"_s);
    QCOMPARE(typedCell(t, g, Family::Meta, u"experiment_id"_s), u"string:2"_s);
    QCOMPARE(int(t.run(g).issues.size()), 1);
    QVERIFY(t.run(g).issues[0].message.contains(u"meta.yaml is missing"_s));

    // The experiment lost its meta.yaml: the run is read, the name is unknown.
    const int i = rowOf(t, runI);
    QCOMPARE(t.run(i).status, RunStatus::Finished);
    QVERIFY(cell(t, i, Family::Meta, u"experiment"_s).isMissing());
    QCOMPARE(typedCell(t, i, Family::Meta, u"experiment_id"_s), u"string:5"_s);
    QCOMPARE(int(t.run(i).issues.size()), 1);
    QCOMPARE(t.run(i).issues[0].severity, Issue::Severity::Warning);
    QCOMPARE(t.run(i).issues[0].file, store() + u"/5/meta.yaml"_s);
}

void TestMlflow::pythonLiterals_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("keys");
    QTest::newRow("list") << u"[0.9, 0.95]"_s << u"p=list:[0.9, 0.95]"_s;
    QTest::newRow("one-tuple") << u"(1,)"_s << u"p=list:[1]"_s;
    QTest::newRow("empty tuple") << u"()"_s << u"p=list:[]"_s;
    QTest::newRow("nested dict") << u"{'a': 1, 'b': {'c': None}}"_s
                                 << u"p.a=int:1, p.b.c=null:null"_s;
    QTest::newRow("non-string keys")
        << u"{1: 'x', None: True}"_s << u"p.1=string:x, p.None=bool:true"_s;
    QTest::newRow("escapes")
        << uR"(['it\'s', "say \"hi\"", '\\n', '\x41\u00e9\U0001F600', '\101'])"_s
        << uR"(p=list:["it's", "say \"hi\"", "\\n", "Aé😀", "A"])"_s;
    QTest::newRow("non-finite") << u"[nan, inf, -inf, 1e-05]"_s
                                << u"p=list:[NaN, Infinity, -Infinity, 1e-05]"_s;
    QTest::newRow("constants") << u"[True, False, None]"_s << u"p=list:[true, false, null]"_s;
    QTest::newRow("nested lists") << u"[1, [2, (3, 4)], {'k': [5]}]"_s
                                  << uR"(p=list:[1, [2, [3, 4]], {"k": [5]}])"_s;
    QTest::newRow("trailing comma") << u"{'a': 1,}"_s << u"p.a=int:1"_s;
    QTest::newRow("pretty printed") << u"{'a': [1,\n       2]}"_s << u"p.a=list:[1, 2]"_s;
    QTest::newRow("set") << u"{1, 2}"_s << u"fail"_s;
    QTest::newRow("unclosed") << u"[1, 2"_s << u"fail"_s;
    QTest::newRow("missing comma") << u"[1 2]"_s << u"fail"_s;
    QTest::newRow("object repr") << u"[<object>]"_s << u"fail"_s;
    QTest::newRow("numpy") << u"[array([1, 2])]"_s << u"fail"_s;
    QTest::newRow("bytes") << u"[b'x']"_s << u"fail"_s;
    QTest::newRow("trailing text") << u"[1] and more"_s << u"fail"_s;
    QTest::newRow("unterminated string") << u"['abc]"_s << u"fail"_s;
    QTest::newRow("too deep") << QString(100, u'[') + QString(100, u']') << u"fail"_s;
}

void TestMlflow::pythonLiterals() {
    QFETCH(QString, text);
    QFETCH(QString, keys);
    QCOMPARE(literal(text), keys);
}

void TestMlflow::readHistory() {
    const QString run = store() + u"/1/"_s + runA;
    const MlflowReader reader;
    const std::vector<HistoryPoint> loss = reader.readHistory(run, Key({u"loss"_s}), {});
    QCOMPARE(int(loss.size()), 3); // in the order logged
    QCOMPARE(loss[1].step, 2.0);
    QCOMPARE(loss[1].value, 0.5);
    QCOMPARE(loss[1].time, 1700000003.0);
    QCOMPARE(int(reader.readHistory(run, Key({u"train/acc"_s}), {}).size()), 2);
    QVERIFY(reader.readHistory(run, Key({u"../params/lr"_s}), {}).empty());
    QVERIFY(reader.readHistory(run, Key({u"no_such_metric"_s}), {}).empty());
}

void TestMlflow::hostileFiles() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString run = tmp.path() + u"/mlruns/7/"_s + runA;
    const QString meta = store() + u"/1/"_s + runA + u"/meta.yaml"_s;
    QVERIFY(QDir().mkpath(run + u"/params"_s));
    QVERIFY(QFile::copy(meta, run + u"/meta.yaml"_s));
    // NUL padding after the last line (a crash while writing), a line far too long, binary junk.
    QVERIFY(testutil::writeFile(run + u"/metrics/padded"_s,
                                "1 0.5 0\n2 0.25 1\n" + QByteArray(100, '\0')));
    QVERIFY(testutil::writeFile(run + u"/metrics/long"_s, QByteArray(5000, '7') + "\n2 0.25 1\n"));
    QByteArray junk;
    for (int i = 0; i < 4000; ++i)
        junk += char((i * 7919) % 256);
    QVERIFY(testutil::writeFile(run + u"/metrics/junk"_s, junk));
    QVERIFY(testutil::writeFile(run + u"/params/binary"_s, QByteArray("ab\0cd", 5)));
    QVERIFY(testutil::writeFile(run + u"/params/ok"_s, "1"));
    // A link back up (a loop) among the params: not followed.
    QVERIFY(QFile::link(run, run + u"/params/loop"_s));

    const LoadResult res = load({tmp.path()});
    QCOMPARE(res.table.rowCount(), 1);
    const RunTable &t = res.table;
    const RunInfo &info = t.run(0);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"padded"_s), u"float:0.25"_s);
    const Issue *nul = findIssue(info.issues, u"NUL bytes"_s);
    QVERIFY(nul);
    QCOMPARE(nul->file, run + u"/metrics/padded"_s);
    const Issue *longLine = findIssue(info.issues, u"longer than 1024 bytes"_s);
    QVERIFY(longLine);
    QCOMPARE(longLine->line, 1);
    QCOMPARE(typedCell(t, 0, Family::Metric, u"long"_s), u"float:0.25"_s);
    int junkIssues = 0;
    for (const Issue &i : info.issues)
        junkIssues += i.file == run + u"/metrics/junk"_s ? 1 : 0;
    QVERIFY(junkIssues >= 5 && junkIssues <= 8); // five lines, the rest counted, the cut end
    const Issue *binaryLine = findIssue(info.issues, u"malformed line binary content"_s);
    QVERIFY(binaryLine);
    QVERIFY(findIssue(info.issues, u"binary content"_s));
    QVERIFY(cell(t, 0, Family::Config, u"binary"_s).isMissing());
    QCOMPARE(typedCell(t, 0, Family::Config, u"ok"_s), u"int:1"_s);
    QCOMPARE(cellCount(t, 0, Family::Config), 1);
}

void TestMlflow::cacheSeesNewLines() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString root = tmp.path() + u"/mlruns"_s;
    QVERIFY(testutil::copyTree(store(), root) && testutil::ageTree(root));
    const QString cache = tmp.path() + u"/cache"_s;
    const LoadResult cold = load({root}, cache);
    QCOMPARE(cold.table.rowCount(), 8);
    const LoadResult warm = load({root}, cache);
    QCOMPARE(warm.cacheHits, 8);
    const int r = rowOf(warm.table, runA);
    QCOMPARE(typedCell(warm.table, r, Family::Metric, u"loss"_s), u"float:0.5"_s);

    // The run logs on: a line in one metric file, a new metric file.
    const QString metrics = root + u"/1/"_s + runA + u"/metrics/"_s;
    QFile loss(metrics + u"loss"_s);
    QVERIFY(loss.open(QIODevice::Append));
    loss.write("1700000004000 0.25 3\n");
    loss.close();
    QVERIFY(testutil::writeFile(metrics + u"lr"_s, "1700000004000 0.01 3\n"));
    const LoadResult after = load({root}, cache);
    const int a = rowOf(after.table, runA);
    QCOMPARE(typedCell(after.table, a, Family::Metric, u"loss"_s), u"float:0.25"_s);
    QCOMPARE(typedCell(after.table, a, Family::Metric, u"lr"_s), u"float:0.01"_s);
    QCOMPARE(after.cacheHits, 7);
}

QTEST_GUILESS_MAIN(TestMlflow)
#include "tst_mlflow.moc"
