// Golden-file tests of the command line: each case runs the built `runlens` on fixtures in
// tests/data and compares standard output with tests/golden/<case>.txt and the exit status.
// Set RUNLENS_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "analysis/savedview.h"

#include "testutil.h"

using namespace Qt::StringLiterals;
using runlens::SavedView;

class TestCli : public QObject {
    Q_OBJECT

private:
    struct Result {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    /// Runs the CLI with its cache folder under `cacheHome` (default: one for this test
    /// process), so no output depends on the user's own cache.
    static Result runlens(const QStringList &args, const QString &cacheHome = {}) {
        static const QTemporaryDir processCache;
        QProcess p;
        p.setWorkingDirectory(QFINDTESTDATA("data"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_CACHE_HOME"_s, cacheHome.isEmpty() ? processCache.path() : cacheHome);
        env.insert(u"SOURCE_DATE_EPOCH"_s, u"1714651200"_s); // the time an HTML page states
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(RUNLENS_BINARY), args);
        if (!p.waitForFinished(120000)) return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }

    /// Compares `out` with tests/golden/<data tag>.txt (rewrites it with RUNLENS_UPDATE_GOLDEN).
    static void compareWithGolden(const QByteArray &out) {
        const QString goldenPath =
            QDir(QStringLiteral(QT_TESTCASE_SOURCEDIR))
                .filePath(u"golden/%1.txt"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
        if (qEnvironmentVariableIsSet("RUNLENS_UPDATE_GOLDEN")) {
            QFile f(goldenPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(out);
            return;
        }
        QFile f(goldenPath);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(u"missing golden file "_s + goldenPath));
        const QByteArray expected = f.readAll();
        if (out != expected) {
            // Show the first differing line so a failure reads as a diff.
            const QList<QByteArray> a = out.split('\n'), b = expected.split('\n');
            for (qsizetype i = 0; i < std::max(a.size(), b.size()); ++i) {
                const QByteArray x = a.value(i), y = b.value(i);
                if (x != y)
                    QFAIL(qPrintable(
                        u"line %1 differs\n  actual:   %2\n  expected: %3"_s.arg(i + 1).arg(
                            QString::fromUtf8(x), QString::fromUtf8(y))));
            }
        }
    }

    /// A copy of the example runs with views saved beside them, made once; empty on failure.
    static QString examplesWithViews() {
        static const QTemporaryDir copy;
        static const bool made = [&] {
            const QString from =
                QStringLiteral(QT_TESTCASE_SOURCEDIR) + u"/../resources/examples/runs"_s;
            QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                const QString to = copy.filePath(QDir(from).relativeFilePath(file));
                QFile::remove(to);
                if (!QDir().mkpath(QFileInfo(to).absolutePath()) || !QFile::copy(file, to))
                    return false;
                QFile out(to); // the newest of two folders of one run wins: keep the times
                if (!out.open(QIODevice::ReadWrite) ||
                    !out.setFileTime(QFileInfo(file).lastModified(),
                                     QFileDevice::FileModificationTime))
                    return false;
            }
            SavedView best;
            best.name = u"best"_s;
            best.filter = u"optimizer.name == \"adam\""_s;
            best.columns = {u"run:name"_s, u"config:optimizer.lr"_s, u"metric:val/acc"_s};
            best.pinned = {u"config:seed"_s};
            best.sort = {{u"metric:val/acc"_s, true}};
            best.baseline = u"5sy8ppad"_s; // marked in LaTeX and HTML, as --baseline does
            SavedView byLr;
            byLr.name = u"by lr"_s;
            byLr.filter = u"optimizer.name in [\"adam\", \"adamw\"]"_s;
            byLr.groupBy = {u"config:optimizer.name"_s, u"config:optimizer.lr"_s};
            byLr.columns = {u"config:optimizer.name"_s, u"metric:val/acc"_s, u"metric:val/loss"_s};
            byLr.aggregates = {u"mean"_s, u"count"_s};
            byLr.sort = {{u"metric:val/acc"_s, true}};
            const QString views = runlens::viewsFolder(copy.path()) + u'/';
            return runlens::saveView(copy.path(), best) && runlens::saveView(copy.path(), byLr) &&
                   testutil::writeFile(
                       views + u"words.json"_s,
                       "{\"version\": 1, \"filter\": \"SGD\", \"varyingOnly\": true, "
                       "\"columns\": [\"name\", \"optimizer.name\", \"optimizer.lr\", "
                       "\"model.arch\"], \"future\": 1, \"baseline\": \"gone\"}") &&
                   testutil::writeFile(views + u"broken.json"_s, "{\"version\": 1, \"filter\": ") &&
                   testutil::writeFile(views + u"bad filter.json"_s,
                                       "{\"version\": 1, \"filter\": \"optimiser.lr < 1\"}");
        }();
        return made ? copy.path() : QString();
    }

private slots:
    void golden_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        const auto row = [](const char *name, const QStringList &args, int code) {
            QTest::newRow(name) << args << code;
        };
        row("table_wandb_csv",
            {u"table"_s, u"wandb_old"_s, u"wandb_new"_s, u"--format"_s, u"csv"_s}, 0);
        row("table_wandb_json",
            {u"table"_s, u"wandb_old"_s, u"wandb_new"_s, u"--format"_s, u"json"_s}, 0);
        row("table_generic_md", {u"table"_s, u"generic"_s, u"--format"_s, u"md"_s}, 0);
        row("table_generic_text", {u"table"_s, u"generic"_s, u"--format"_s, u"text"_s}, 0);
        row("table_generic_varying_tsv",
            {u"table"_s, u"generic"_s, u"--varying"_s, u"--format"_s, u"tsv"_s}, 0);
        row("table_columns_sort",
            {u"table"_s, u"generic"_s, u"--columns"_s, u"optimizer.*,metric:test/acc,status"_s,
             u"--sort"_s, u"test/acc:desc"_s, u"--format"_s, u"csv"_s},
            0);
        row("table_sort_missing_last",
            {u"table"_s, u"generic"_s, u"--columns"_s, u"seed,model.arch"_s, u"--sort"_s, u"seed"_s,
             u"--format"_s, u"csv"_s},
            0);
        row("table_meta_columns",
            {u"table"_s, u"wandb_old"_s, u"wandb_new"_s, u"wandb_sweep"_s, u"--columns"_s,
             u"run:name,status,start,duration,meta:host,meta:wandb.sweep"_s, u"--format"_s,
             u"csv"_s},
            0);
        row("table_escaping_csv", {u"table"_s, u"escaping"_s, u"--format"_s, u"csv"_s}, 0);
        row("table_escaping_csv_raw",
            {u"table"_s, u"escaping"_s, u"--format"_s, u"csv"_s, u"--no-formula-guard"_s}, 0);
        row("table_escaping_tsv", {u"table"_s, u"escaping"_s, u"--format"_s, u"tsv"_s}, 0);
        row("table_escaping_md", {u"table"_s, u"escaping"_s, u"--format"_s, u"md"_s}, 0);
        row("table_escaping_json", {u"table"_s, u"escaping"_s, u"--format"_s, u"json"_s}, 0);
        row("table_dupes", {u"table"_s, u"wandb_dupes"_s, u"--format"_s, u"csv"_s}, 0);
        row("table_legacy_offline",
            {u"table"_s, u"wandb_legacy"_s, u"wandb_offline"_s, u"--columns"_s, u"name,status,*"_s,
             u"--format"_s, u"csv"_s},
            0);
        // A key called `name` wins over the run field of that name; `run:name` is always the field.
        row("table_key_named_like_field",
            {u"table"_s, u"wandb_new"_s, u"--columns"_s, u"name,run:name"_s, u"--format"_s,
             u"csv"_s},
            0);
        // Grouped output over the bundled example sweep (relative to tests/data).
        const QString examples = u"../../resources/examples/runs"_s;
        const QStringList byOptimizer = {u"table"_s, examples, u"--group-by"_s,
                                         u"optimizer.name,optimizer.lr"_s};
        const QStringList someMetrics = {u"--metrics"_s,
                                         u"val/acc,test/acc,train/loss,train/grad_norm"_s};
        row("group_examples_text",
            byOptimizer + someMetrics + QStringList{u"--format"_s, u"text"_s}, 0);
        row("group_examples_csv",
            byOptimizer + someMetrics +
                QStringList{u"--agg"_s, u"count,mean,std,sem,median,min,max"_s, u"--format"_s,
                            u"csv"_s},
            0);
        row("group_examples_md_sorted",
            byOptimizer + QStringList{u"--metrics"_s, u"val/acc,val/loss"_s, u"--sort"_s,
                                      u"val/acc mean:desc"_s, u"--format"_s, u"md"_s},
            0);
        row("group_examples_json_default_metrics",
            {u"table"_s, examples, u"--group-by"_s, u"meta:host,model.arch"_s, u"--format"_s,
             u"json"_s},
            0);
        row("group_examples_agg_columns_text",
            byOptimizer + QStringList{u"--metrics"_s, u"val/acc"_s, u"--agg"_s, u"median,min,max"_s,
                                      u"--agg-columns"_s, u"--format"_s, u"text"_s},
            0);
        // Every aggregate joined: a long cell, not cut at the text format's usual width.
        row("group_examples_all_aggregates_text",
            {u"table"_s, examples, u"--group-by"_s, u"optimizer.name"_s, u"--metrics"_s,
             u"val/acc"_s, u"--agg"_s, u"count,mean,std,sem,median,min,max"_s, u"--format"_s,
             u"text"_s},
            0);
        row("group_collapse_seeds_tsv",
            {u"table"_s, examples + u"/wandb"_s, u"--collapse-seeds"_s, u"--metrics"_s,
             u"val/acc,metric:epoch"_s, u"--sort"_s, u"runs:desc,val/acc mean:desc"_s,
             u"--format"_s, u"tsv"_s},
            0);
        const QStringList pivot = {u"table"_s,     examples,
                                   u"--pivot"_s,   u"optimizer.name,optimizer.lr"_s,
                                   u"--metrics"_s, u"val/acc"_s};
        row("pivot_examples_text", pivot + QStringList{u"--format"_s, u"text"_s}, 0);
        row("pivot_examples_md", pivot + QStringList{u"--format"_s, u"md"_s}, 0);
        row("pivot_examples_csv", pivot + QStringList{u"--format"_s, u"csv"_s}, 0);
        row("pivot_examples_json_aggregates",
            {u"table"_s, examples, u"--pivot"_s, u"model.arch,optimizer.name"_s, u"--metrics"_s,
             u"train/loss"_s, u"--agg"_s, u"mean,count"_s, u"--format"_s, u"json"_s},
            0);
        // Three example runs of two formats: adam (the baseline), sgd, and a plain-folder
        // baseline run, named by id, id prefix and name.
        const QStringList diff = {u"diff"_s, examples, u"--runs"_s,
                                  u"5sy8ppad,iex6,random-features"_s};
        row("diff_examples_text", diff + QStringList{u"--format"_s, u"text"_s}, 0);
        row("diff_examples_csv", diff + QStringList{u"--format"_s, u"csv"_s}, 0);
        row("diff_examples_md", diff + QStringList{u"--format"_s, u"md"_s}, 0);
        row("diff_examples_json", diff + QStringList{u"--format"_s, u"json"_s}, 0);
        row("diff_examples_overrides", diff + QStringList{u"--overrides"_s}, 0);
        row("diff_examples_yaml", diff + QStringList{u"--yaml"_s}, 0);
        row("diff_examples_baseline_all_tsv",
            diff + QStringList{u"--baseline"_s, u"iex6kggx"_s, u"--all"_s, u"--no-metrics"_s,
                               u"--format"_s, u"tsv"_s},
            0);
        // Exports for papers and pages (their LaTeX compiles: tst_export).
        const QStringList perRun = {
            u"table"_s,     examples,
            u"--columns"_s, u"optimizer.name,optimizer.lr,val/acc,val/loss"_s,
            u"--sort"_s,    u"val/acc:desc"_s};
        row("table_examples_latex", perRun + QStringList{u"--format"_s, u"latex"_s}, 0);
        row("table_examples_latex_precision",
            perRun + QStringList{u"--precision"_s, u"3"_s, u"--format"_s, u"tex"_s}, 0);
        row("table_examples_html",
            perRun + QStringList{u"--baseline"_s, u"5sy8ppad"_s, u"--format"_s, u"html"_s}, 0);
        row("table_examples_csv_precision",
            perRun + QStringList{u"--precision"_s, u"2"_s, u"--format"_s, u"csv"_s}, 0);
        row("table_examples_json_precision",
            perRun + QStringList{u"--precision"_s, u"2"_s, u"--format"_s, u"json"_s}, 0);
        const QStringList paper = byOptimizer + QStringList{u"--metrics"_s, u"val/acc,val/loss"_s};
        row("group_examples_latex",
            paper + QStringList{u"--caption"_s,
                                u"Validation accuracy and loss, mean \u00b1 std over seeds"_s,
                                u"--label"_s, u"tab:sweep"_s, u"--format"_s, u"latex"_s},
            0);
        row("group_examples_html", paper + QStringList{u"--format"_s, u"html"_s}, 0);
        row("pivot_examples_latex", pivot + QStringList{u"--format"_s, u"latex"_s}, 0);
        row("diff_examples_latex", diff + QStringList{u"--format"_s, u"latex"_s}, 0);
        row("diff_examples_html", diff + QStringList{u"--format"_s, u"html"_s}, 0);
        row("table_escaping_latex", {u"table"_s, u"escaping"_s, u"--format"_s, u"latex"_s}, 0);
        row("table_escaping_html", {u"table"_s, u"escaping"_s, u"--format"_s, u"html"_s}, 0);
        // Hostile strings in group keys, pivot row and column headers and diff cells, in every
        // format for programs and for people (tests/data/hostile_group; its LaTeX compiles with
        // pdflatex: tst_export).
        const QStringList hostileGroup = {u"table"_s,     u"hostile_group"_s, u"--group-by"_s,
                                          u"variant"_s,   u"--metrics"_s,     u"acc_%,loss"_s};
        const QStringList hostileCaption = {
            u"--caption"_s, u"Hostile: 100% & <b>x</b> $5 #1 c_d ~^\\{} \"q\""_s, u"--label"_s,
            u"tab:hostile_group"_s};
        row("group_hostile_csv", hostileGroup + QStringList{u"--format"_s, u"csv"_s}, 0);
        row("group_hostile_csv_raw",
            hostileGroup + QStringList{u"--no-formula-guard"_s, u"--format"_s, u"csv"_s}, 0);
        row("group_hostile_tsv", hostileGroup + QStringList{u"--format"_s, u"tsv"_s}, 0);
        row("group_hostile_md", hostileGroup + QStringList{u"--format"_s, u"md"_s}, 0);
        row("group_hostile_latex",
            hostileGroup + hostileCaption + QStringList{u"--format"_s, u"latex"_s}, 0);
        row("group_hostile_html",
            hostileGroup + hostileCaption + QStringList{u"--format"_s, u"html"_s}, 0);
        row("group_hostile_json", hostileGroup + QStringList{u"--format"_s, u"json"_s}, 0);
        const QStringList hostilePivot = {u"table"_s,   u"hostile_group"_s, u"--pivot"_s,
                                          u"variant,split"_s, u"--metrics"_s, u"acc_%"_s};
        row("pivot_hostile_csv", hostilePivot + QStringList{u"--format"_s, u"csv"_s}, 0);
        row("pivot_hostile_tsv", hostilePivot + QStringList{u"--format"_s, u"tsv"_s}, 0);
        row("pivot_hostile_md", hostilePivot + QStringList{u"--format"_s, u"md"_s}, 0);
        row("pivot_hostile_latex", hostilePivot + QStringList{u"--format"_s, u"latex"_s}, 0);
        row("pivot_hostile_html", hostilePivot + QStringList{u"--format"_s, u"html"_s}, 0);
        row("pivot_hostile_json", hostilePivot + QStringList{u"--format"_s, u"json"_s}, 0);
        const QStringList hostileDiff = {u"diff"_s, u"hostile_group"_s, u"--runs"_s,
                                         u"run_a,run_b,run_c,run_d"_s};
        row("diff_hostile_csv", hostileDiff + QStringList{u"--format"_s, u"csv"_s}, 0);
        row("diff_hostile_tsv", hostileDiff + QStringList{u"--format"_s, u"tsv"_s}, 0);
        row("diff_hostile_md", hostileDiff + QStringList{u"--format"_s, u"md"_s}, 0);
        row("diff_hostile_latex", hostileDiff + QStringList{u"--format"_s, u"latex"_s}, 0);
        row("diff_hostile_html", hostileDiff + QStringList{u"--format"_s, u"html"_s}, 0);
        row("diff_hostile_json", hostileDiff + QStringList{u"--format"_s, u"json"_s}, 0);
        row("keys_generic", {u"keys"_s, u"generic"_s, u"--format"_s, u"csv"_s}, 0);
        row("keys_wandb", {u"keys"_s, u"wandb_old"_s, u"wandb_new"_s, u"--format"_s, u"csv"_s}, 0);
        row("check_malformed", {u"check"_s, u"malformed"_s, u"--format"_s, u"csv"_s}, 1);
        row("check_dupes_notes",
            {u"check"_s, u"wandb_dupes"_s, u"--notes"_s, u"--format"_s, u"csv"_s}, 0);
        row("check_clean", {u"check"_s, u"wandb_old"_s, u"generic"_s, u"--format"_s, u"csv"_s}, 0);
        // The query language: exactly the adam runs with lr below 1e-3 (3 seeds of 1e-4 and of
        // 3e-4, checked against the example sweep's configs), in every command that filters.
        const QString adamLowLr = u"optimizer.name == \"adam\" and optimizer.lr < 1e-3"_s;
        row("filter_examples_adam_lr",
            {u"table"_s, examples, u"--filter"_s, adamLowLr, u"--columns"_s,
             u"name,optimizer.name,optimizer.lr,seed,val/acc"_s, u"--format"_s, u"csv"_s},
            0);
        row("filter_examples_grouped",
            {u"table"_s, examples, u"--filter"_s, adamLowLr, u"--group-by"_s, u"optimizer.lr"_s,
             u"--metrics"_s, u"val/acc"_s, u"--format"_s, u"text"_s},
            0);
        row("filter_examples_fields_varying",
            {u"table"_s, examples, u"--filter"_s,
             u"format == \"generic\" or (status != \"finished\" and start >= \"2024-05-02\")"_s,
             u"--columns"_s, u"name,format,status,start,model.*"_s, u"--varying"_s, u"--format"_s,
             u"csv"_s},
            0);
        row("filter_check_malformed",
            {u"check"_s, u"malformed"_s, u"--filter"_s, u"id ~ /^alias/"_s, u"--format"_s,
             u"csv"_s},
            1);
        row("filter_check_none",
            {u"check"_s, u"malformed"_s, u"--filter"_s, u"issues == 0"_s, u"--format"_s, u"csv"_s},
            0);
        row("filter_diff_examples",
            {u"diff"_s, examples, u"--filter"_s,
             u"optimizer.name == \"sgd\" and optimizer.lr == 0.1 and seed in [0, 1]"_s,
             u"--format"_s, u"csv"_s},
            0);
    }

    void golden() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        const Result r = runlens(args + QStringList{u"-q"_s, u"--jobs"_s, u"2"_s});
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        compareWithGolden(r.out);
    }

    void jobsDoNotChangeOutput() {
        const QStringList args = {u"table"_s, u"."_s, u"--format"_s, u"json"_s, u"-q"_s};
        const Result one = runlens(args + QStringList{u"--jobs"_s, u"1"_s});
        const Result two = runlens(args + QStringList{u"--jobs"_s, u"2"_s});
        QCOMPARE(one.exitCode, 0);
        QVERIFY(one.out.size() > 1000);
        QCOMPARE(one.out, two.out);
    }

    void cacheDoesNotChangeOutput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("table json") << QStringList{u"table"_s, u"."_s, u"--format"_s, u"json"_s};
        QTest::newRow("keys") << QStringList{u"keys"_s, u"."_s, u"--format"_s, u"csv"_s};
        QTest::newRow("check notes")
            << QStringList{u"check"_s, u"."_s, u"--notes"_s, u"--format"_s, u"csv"_s};
    }

    void cacheDoesNotChangeOutput() {
        // Cold (the cache is written), warm (every run from it), and without it: same bytes.
        QFETCH(QStringList, args);
        const QTemporaryDir cacheHome;
        const Result cold = runlens(args, cacheHome.path());
        const Result warm = runlens(args, cacheHome.path());
        const Result uncached = runlens(args + QStringList{u"--no-cache"_s}, cacheHome.path());
        QVERIFY(cold.exitCode == 0 || cold.exitCode == 1);
        QVERIFY(cold.out.size() > 1000);
        QCOMPARE(warm.out, cold.out);
        QCOMPARE(uncached.out, cold.out);
        QCOMPARE(warm.exitCode, cold.exitCode);
        QCOMPARE(uncached.exitCode, cold.exitCode);
        QVERIFY2(!cold.err.contains("from the cache"), cold.err.constData());
        QVERIFY2(!uncached.err.contains("from the cache"), uncached.err.constData());
        // Every run of tests/data has old files, so the warm load took the last load's table
        // (or, if the checkout's folders are seconds old, every run from the cache).
        const QRegularExpression fromCache(u"; (\\d+) of (\\d+) run\\(s\\) from the cache"_s);
        const auto m = fromCache.match(QString::fromUtf8(warm.err));
        QVERIFY2(warm.err.contains("nothing changed since the last load: its table was reused") ||
                     (m.hasMatch() && m.captured(1) == m.captured(2)),
                 warm.err.constData());
        QCOMPARE(QDir(cacheHome.path()).entryList(QDir::Files), QStringList{}); // in a subfolder
    }

    void timingsSayWhereTheLoadWent() {
        QTemporaryDir runs, cacheHome;
        QVERIFY(testutil::copyTree(QFINDTESTDATA("data/generic"), runs.path()));
        QVERIFY(testutil::ageTree(runs.path())); // the snapshot trusts nothing seconds old
        const QStringList args = {u"table"_s, runs.path(), u"--timings"_s, u"-o"_s, u"/dev/null"_s};
        const Result cold = runlens(args, cacheHome.path());
        QCOMPARE(cold.exitCode, 0);
        const QRegularExpression phases(
            u"timings: snapshot check [0-9.]+ ms, walk [0-9.]+ ms, cache file [0-9.]+ ms, "
            u"runs [0-9.]+ ms, cache save [0-9.]+ ms; load [0-9.]+ ms"_s);
        QVERIFY2(phases.match(QString::fromUtf8(cold.err)).hasMatch(), cold.err.constData());
        const Result warm = runlens(args, cacheHome.path());
        QVERIFY2(warm.err.contains("timings: table snapshot checked and read in "),
                 warm.err.constData());
        // Without --timings, none.
        QVERIFY(!runlens({u"table"_s, runs.path()}, cacheHome.path()).err.contains("timings"));
    }

    void writesOutputFileAtomically() {
        QTemporaryDir dir;
        const QString target = dir.filePath(u"out.md"_s);
        const Result r = runlens({u"table"_s, u"generic"_s, u"-o"_s, target, u"-q"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        QFile f(target);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().startsWith("| id |")); // the extension picked Markdown
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
                 QStringList{u"out.md"_s}); // no temp files left
    }

    void withPathAddsTheRunFolder() {
        const Result r = runlens({u"table"_s, u"generic"_s, u"--with-path"_s, u"--columns"_s,
                                  u"seed"_s, u"--format"_s, u"csv"_s, u"-q"_s});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.value(0), u"id,path,seed"_s);
        QVERIFY(lines.size() > 2);
        for (const QString &line : lines.mid(1)) {
            const QStringList fields = line.split(u',');
            QVERIFY2(QFileInfo(fields.value(1)).isDir(), qPrintable(line));
            QVERIFY2(QFileInfo(fields.value(1)).isAbsolute(), qPrintable(line));
        }
    }

    void writesLatexAndHtmlFilesByExtension() {
        QTemporaryDir dir;
        for (const QString &name : {u"t.tex"_s, u"t.html"_s}) {
            const QString target = dir.filePath(name);
            const Result r = runlens({u"table"_s, u"generic"_s, u"-o"_s, target, u"-q"_s});
            QCOMPARE(r.exitCode, 0);
            QFile f(target);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll();
            QVERIFY2(
                text.contains(name.endsWith(u".tex"_s) ? "\\begin{tabular}" : "<!DOCTYPE html>"),
                text.constData());
        }
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), (QStringList{u"t.html"_s, u"t.tex"_s}));
    }

    void unwritableOutputLeavesNothing_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("message");
        QTest::newRow("folder missing") << u"no/such/folder/out.tex"_s << u"does not exist"_s;
        QTest::newRow("a folder") << u"."_s << u"it is a folder"_s;
        QTest::newRow("through a file") << u"README.md/out.html"_s << u"is not a folder"_s;
    }

    void unwritableOutputLeavesNothing() {
        // Runs as root in CI, where a read-only folder is still writable; these targets are
        // unwritable for anyone. The exit status is the CLI's 2, with one line naming why.
        QFETCH(QString, target);
        QFETCH(QString, message);
        const Result r =
            runlens({u"table"_s, u"generic"_s, u"--format"_s, u"latex"_s, u"-o"_s, target});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        const QString err = QString::fromUtf8(r.err).trimmed().split(u'\n').last();
        QVERIFY2(err.startsWith(u"runlens: cannot write '%1': "_s.arg(target)), qPrintable(err));
        QVERIFY2(err.contains(message), qPrintable(err));
    }

    void badUsage_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        // Without a command runlens opens the window; a word that is neither a command nor a
        // folder is refused before any window appears.
        QTest::newRow("neither command nor folder")
            << QStringList{u"frobnicate"_s} << u"frobnicate"_s;
        QTest::newRow("unknown window option")
            << QStringList{u"--frobnicate"_s} << u"unknown option"_s;
        QTest::newRow("no folder") << QStringList{u"table"_s} << u"at least one folder"_s;
        QTest::newRow("missing folder")
            << QStringList{u"table"_s, u"no/such/dir"_s} << u"no/such/dir"_s;
        QTest::newRow("a file, not a folder")
            << QStringList{u"table"_s, u"README.md"_s} << u"README.md"_s;
        QTest::newRow("bad format")
            << QStringList{u"table"_s, u"generic"_s, u"--format"_s, u"xls"_s} << u"xls"_s;
        QTest::newRow("unknown column")
            << QStringList{u"table"_s, u"generic"_s, u"--columns"_s, u"optimiser.lr"_s}
            << u"optimiser.lr"_s;
        QTest::newRow("unknown sort key")
            << QStringList{u"table"_s, u"generic"_s, u"--sort"_s, u"nope"_s} << u"nope"_s;
        QTest::newRow("unknown option")
            << QStringList{u"table"_s, u"generic"_s, u"--bogus"_s} << u"bogus"_s;
        QTest::newRow("bad jobs") << QStringList{u"table"_s, u"generic"_s, u"--jobs"_s, u"0"_s}
                                  << u"--jobs"_s;
        const QStringList examples = {u"table"_s, u"../../resources/examples/runs"_s};
        QTest::newRow("unknown group key")
            << examples + QStringList{u"--group-by"_s, u"optimizer.name,optimiser.lr"_s}
            << u"no key named 'optimiser.lr'"_s;
        QTest::newRow("unknown metric")
            << examples + QStringList{u"--group-by"_s, u"seed"_s, u"--metrics"_s, u"val/accuracy"_s}
            << u"no metric named 'val/accuracy'"_s;
        QTest::newRow("unknown aggregate")
            << examples + QStringList{u"--group-by"_s, u"seed"_s, u"--agg"_s, u"mean,average"_s}
            << u"unknown aggregate 'average'"_s;
        QTest::newRow("unknown group sort")
            << examples + QStringList{u"--group-by"_s, u"seed"_s, u"--sort"_s, u"val/acc avg"_s}
            << u"'val/acc avg'"_s;
        QTest::newRow("pivot with one key")
            << examples + QStringList{u"--pivot"_s, u"seed"_s, u"--metrics"_s, u"val/acc"_s}
            << u"--pivot takes two keys"_s;
        QTest::newRow("pivot without metric")
            << examples + QStringList{u"--pivot"_s, u"seed,model.arch"_s}
            << u"exactly one metric"_s;
        QTest::newRow("columns with groups")
            << examples + QStringList{u"--group-by"_s, u"seed"_s, u"--columns"_s, u"seed"_s}
            << u"--columns"_s;
        QTest::newRow("aggregates without groups")
            << examples + QStringList{u"--agg"_s, u"mean"_s} << u"grouped output"_s;
        const QStringList diff = {u"diff"_s, u"../../resources/examples/runs"_s};
        QTest::newRow("diff without runs") << diff << u"--runs"_s;
        QTest::newRow("diff of one run")
            << diff + QStringList{u"--runs"_s, u"5sy8ppad"_s} << u"two or more runs"_s;
        QTest::newRow("diff of an unknown run")
            << diff + QStringList{u"--runs"_s, u"5sy8ppad,nope"_s} << u"'nope'"_s;
        QTest::newRow("diff of an ambiguous prefix")
            << diff + QStringList{u"--runs"_s, u"5sy8ppad,j"_s} << u"'j' names 4 runs"_s;
        QTest::newRow("diff of a run twice")
            << diff + QStringList{u"--runs"_s, u"5sy8ppad,5sy8"_s} << u"named twice"_s;
        QTest::newRow("diff with an unknown baseline")
            << diff + QStringList{u"--runs"_s, u"5sy8ppad,iex6kggx"_s, u"--baseline"_s, u"x"_s}
            << u"--baseline: no run"_s;
        QTest::newRow("diff overrides and yaml")
            << diff +
                   QStringList{u"--runs"_s, u"5sy8ppad,iex6kggx"_s, u"--overrides"_s, u"--yaml"_s}
            << u"choose one"_s;
        QTest::newRow("diff yaml with a format")
            << diff + QStringList{u"--runs"_s, u"5sy8ppad,iex6kggx"_s, u"--yaml"_s, u"--format"_s,
                                  u"csv"_s}
            << u"--format does not apply"_s;
        QTest::newRow("bad filter")
            << QStringList{u"table"_s, u"../../resources/examples/runs"_s, u"--filter"_s,
                           u"optimiser.lr < 1e-3"_s}
            << u"runlens: --filter: at 1:1: unknown key optimiser.lr \u2014 did you mean optimizer.lr?\n"_s;
        QTest::newRow("filter syntax")
            << QStringList{u"table"_s, u"generic"_s, u"--filter"_s, u"seed == 1 and"_s}
            << u"--filter: at 1:14: expected a key, found the end of the query"_s;
        QTest::newRow("filter unquoted string")
            << QStringList{u"table"_s, u"generic"_s, u"--filter"_s, u"optimizer.name == sgd"_s}
            << u"at 1:19: expected a value, found 'sgd': strings are quoted, \"sgd\""_s;
        QTest::newRow("filter on check")
            << QStringList{u"check"_s, u"generic"_s, u"--filter"_s, u"seed <"_s}
            << u"--filter: at 1:7: expected a value"_s;
        QTest::newRow("filter on diff")
            << QStringList{u"diff"_s, u"generic"_s, u"--filter"_s, u"sed == 1"_s}
            << u"did you mean seed?"_s;
        QTest::newRow("diff filter and runs")
            << QStringList{u"diff"_s,      u"generic"_s, u"--filter"_s,
                           u"seed == 1"_s, u"--runs"_s,  u"exp-yaml,exp-json"_s}
            << u"one of --runs and --filter"_s;
        QTest::newRow("diff filter of one run")
            << QStringList{u"diff"_s, u"generic"_s, u"--filter"_s, u"seed == 1"_s}
            << u"--filter keeps 1"_s;
        QTest::newRow("view without views")
            << QStringList{u"table"_s, u"generic"_s, u"--view"_s, u"best"_s}
            << u"no view named 'best' in generic (there are no saved views)"_s;
        QTest::newRow("precision zero")
            << QStringList{u"table"_s, u"generic"_s, u"--precision"_s, u"0"_s} << u"--precision"_s;
        QTest::newRow("precision not a number")
            << QStringList{u"table"_s, u"generic"_s, u"--precision"_s, u"x"_s} << u"--precision"_s;
        QTest::newRow("label with a space")
            << QStringList{u"table"_s, u"generic"_s, u"--label"_s, u"tab:a b"_s} << u"--label"_s;
        QTest::newRow("baseline of grouped output")
            << examples + QStringList{u"--group-by"_s, u"seed"_s, u"--baseline"_s, u"5sy8ppad"_s}
            << u"one row per run"_s;
        QTest::newRow("unknown baseline")
            << examples + QStringList{u"--baseline"_s, u"nope"_s} << u"--baseline: no run"_s;
        QTest::newRow("unwritable output")
            << QStringList{u"table"_s, u"generic"_s, u"-o"_s, u"/proc/no/such/file.csv"_s}
            << u"cannot write"_s;
    }

    void badUsage() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runlens(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    }

    void views_data() {
        QTest::addColumn<QStringList>("args"); ///< after `table COPY`, the example runs' copy
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message"); ///< on standard error; empty: output as golden
        const auto row = [](const char *name, const QStringList &args, int code,
                            const QString &message = {}) {
            QTest::newRow(name) << args << code << message;
        };
        row("view_examples_best", {u"--view"_s, u"best"_s, u"--format"_s, u"csv"_s}, 0);
        row("view_examples_overridden",
            {u"--view"_s, u"best"_s, u"--filter"_s, u"seed == 0"_s, u"--sort"_s, u"name"_s,
             u"--columns"_s, u"name,optimizer.name,val/acc"_s, u"--format"_s, u"csv"_s},
            0);
        row("view_examples_grouped_text", {u"--view"_s, u"by lr"_s, u"--format"_s, u"text"_s}, 0);
        row("view_examples_grouped_csv", {u"--view"_s, u"by lr"_s, u"--format"_s, u"csv"_s}, 0);
        row("view_examples_grouped_overridden",
            {u"--view"_s, u"by lr"_s, u"--group-by"_s, u"seed"_s, u"--agg"_s, u"median"_s,
             u"--format"_s, u"csv"_s},
            0);
        row("view_examples_words", {u"--view"_s, u"words"_s, u"--format"_s, u"csv"_s}, 0);
        row("unknown view", {u"--view"_s, u"nope"_s}, 2, u"--view: no view named 'nope' in "_s);
        row("unknown view lists the views", {u"--view"_s, u"nope"_s}, 2,
            u"(saved views: bad filter, best, broken, by lr, words)"_s);
        row("broken view", {u"--view"_s, u"broken"_s}, 2, u"broken.json): not valid JSON"_s);
        row("view with a bad filter", {u"--view"_s, u"bad filter"_s}, 2,
            u"the view's filter: at 1:1: unknown key optimiser.lr \u2014 did you mean optimizer.lr?"_s);
    }

    void viewBaseline() {
        // A view's baseline marks the runs for people as --baseline does; one the folders do
        // not have (a view applied elsewhere) is left out.
        const QString copy = examplesWithViews();
        QVERIFY(!copy.isEmpty());
        const Result marked =
            runlens({u"table"_s, copy, u"--view"_s, u"best"_s, u"--format"_s, u"html"_s, u"-q"_s});
        QCOMPARE(marked.exitCode, 0);
        QVERIFY2(marked.out.contains("<tr><td class=\"baseline\">5sy8ppad</td>"),
                 marked.out.constData());
        QVERIFY(marked.out.contains("differs"));
        const Result other = runlens({u"table"_s, copy, u"--view"_s, u"best"_s, u"--baseline"_s,
                                      u"q644flbw"_s, u"--format"_s, u"html"_s, u"-q"_s});
        QVERIFY(other.out.contains("<tr><td class=\"baseline\">q644flbw</td>"));
        const Result gone =
            runlens({u"table"_s, copy, u"--view"_s, u"words"_s, u"--format"_s, u"html"_s, u"-q"_s});
        QCOMPARE(gone.exitCode, 0);
        QVERIFY(gone.err.isEmpty());
        QVERIFY(!gone.out.contains("class=\"baseline\""));
    }

    void views() {
        // Views saved beside a copy of the example runs (never written into the sources).
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString copy = examplesWithViews();
        QVERIFY(!copy.isEmpty());
        const Result r = runlens(QStringList{u"table"_s, copy} + args +
                                 QStringList{u"-q"_s, u"--jobs"_s, u"2"_s});
        QCOMPARE(r.exitCode, exitCode);
        if (!message.isEmpty()) {
            QVERIFY(r.out.isEmpty());
            QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
            return;
        }
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        compareWithGolden(r.out);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
