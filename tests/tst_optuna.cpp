// Optuna studies: the journal replayed as Optuna replays it, the SQLite store, each trial a run
// (params through their distributions, objectives with their direction, intermediate values as
// a curve, states), broken journals, and the real studies of ../shared/corpus/optuna.
#include "analysis/grouping.h"
#include "readers/loader.h"
#include "readers/optunajournal.h"
#include "readers/optunareader.h"
#include "readers/readerregistry.h"

#include <QBuffer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "corpusutil.h"
#include "optunafixture.h"
#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::cell;
using testutil::findIssue;
using testutil::rowOf;
using testutil::typedCell;
using namespace optunafixture;

namespace {

LoadResult load(const QStringList &roots, bool deleted = false) {
    LoadOptions options;
    options.jobs = 2;
    options.includeDeleted = deleted;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

} // namespace

class TestOptuna : public QObject {
    Q_OBJECT

private slots:
    void journalReplaysAsOptunaDoes() {
        QBuffer buf;
        buf.setData(sampleJournal());
        QVERIFY(buf.open(QIODevice::ReadOnly));
        const OptunaStore store = readOptunaJournal(buf, u"j.log"_s, ReadLimits{});
        QCOMPARE(store.studies.size(), std::size_t(2));
        QCOMPARE(store.studies[1].metricNames, (QStringList{u"loss"_s, u"acc"_s}));
        QCOMPARE(store.studies[1].maximize, (std::vector<bool>{false, true}));
        QCOMPARE(store.trials.size(), std::size_t(6));
        QCOMPARE(store.trials[5].study, 1);
        QCOMPARE(store.trials[5].number, 1);
        QCOMPARE(store.trials[4].number, 3);
        QCOMPARE(store.trials[0].params.size(), std::size_t(5));
        QCOMPARE(store.trials[0].params[0].internal, 0.25); // the change after finishing ignored
        QCOMPARE(store.trials[0].intermediate.size(), std::size_t(2));
        QCOMPARE(store.trials[0].intermediate[1].second, 0.4);
        QVERIFY(store.issues.empty());
    }

    void trialsBecomeRuns() {
        QTemporaryDir tmp;
        const QString file = tmp.filePath(u"study.log"_s);
        QVERIFY(testutil::writeFile(file, sampleJournal()));
        const LoadResult r = load({tmp.path()});
        const RunTable &t = r.table;
        QCOMPARE(t.rowCount(), 6);
        const int t0 = rowOf(t, u"study.log:tune#0"_s);
        QVERIFY(t0 >= 0);
        QCOMPARE(t.run(t0).name, u"tune #0"_s);
        QCOMPARE(t.run(t0).format, u"optuna"_s);
        QCOMPARE(t.run(t0).path, runInFilePath(file, u"0"_s));
        QCOMPARE(t.run(t0).status, RunStatus::Finished);
        QCOMPARE(t.run(t0).durationSec, 30.0);
        QCOMPARE(typedCell(t, t0, Family::Config, u"lr"_s), u"float:0.25"_s);
        QCOMPARE(typedCell(t, t0, Family::Config, u"layers"_s), u"int:4"_s);
        // A dotted name nests as Hydra's Optuna sweeper means it (model.depth, not ["model.depth"]).
        QCOMPARE(t.findColumn(Family::Config, Key({u"model"_s, u"depth"_s})) >= 0, true);
        QCOMPARE(typedCell(t, t0, Family::Config, u"model.depth"_s), u"int:2"_s);
        QCOMPARE(typedCell(t, t0, Family::Config, u"opt"_s), u"string:sgd"_s);
        QCOMPARE(typedCell(t, t0, Family::Config, u"wd"_s), u"float:0.001"_s);
        QCOMPARE(typedCell(t, t0, Family::Metric, u"value"_s), u"float:0.125"_s);
        QCOMPARE(typedCell(t, t0, Family::Metric, u"intermediate_value"_s), u"float:0.4"_s);
        QCOMPARE(typedCell(t, t0, Family::Meta, u"history.steps.intermediate_value"_s), u"int:2"_s);
        QCOMPARE(typedCell(t, t0, Family::Meta, u"optuna.state"_s), u"string:COMPLETE"_s);
        QCOMPARE(typedCell(t, t0, Family::Meta, u"optuna.direction"_s), u"string:minimize"_s);
        QCOMPARE(typedCell(t, t0, Family::Meta, u"user_attrs.note"_s), u"string:first"_s);
        QCOMPARE(typedCell(t, t0, Family::Meta, u"user_attrs.cfg.a"_s), u"int:1"_s);
        // The study's direction reaches the table's best marks: lower is better here.
        const int value = t.findColumn(Family::Metric, Key({u"value"_s}));
        QCOMPARE(guessDirection(t.column(value)), Direction::Lower);

        const int p0 = rowOf(t, u"study.log:pareto#0"_s);
        QCOMPARE(typedCell(t, p0, Family::Config, u"opt"_s), u"bool:true"_s);
        QCOMPARE(typedCell(t, p0, Family::Metric, u"loss"_s), u"float:0.5"_s);
        QCOMPARE(typedCell(t, p0, Family::Metric, u"acc"_s), u"float:0.875"_s);
        QCOMPARE(guessDirection(t.column(t.findColumn(Family::Metric, Key({u"acc"_s})))),
                 Direction::Higher);
        const int p1 = rowOf(t, u"study.log:pareto#1"_s);
        QCOMPARE(typedCell(t, p1, Family::Config, u"opt"_s), u"string:adam"_s);
        QVERIFY(std::isinf(cell(t, p1, Family::Metric, u"acc"_s).toDouble()));

        const int pruned = rowOf(t, u"study.log:tune#1"_s);
        QCOMPARE(t.run(pruned).status, RunStatus::Finished);
        QCOMPARE(typedCell(t, pruned, Family::Meta, u"optuna.state"_s), u"string:PRUNED"_s);
        QCOMPARE(typedCell(t, pruned, Family::Config, u"opt"_s), u"null:null"_s);
        QVERIFY(cell(t, pruned, Family::Metric, u"value"_s).isMissing());
        QCOMPARE(t.run(rowOf(t, u"study.log:tune#2"_s)).status, RunStatus::Crashed);
        const int running = rowOf(t, u"study.log:tune#3"_s);
        QCOMPARE(t.run(running).status, RunStatus::Running);
        // A choice index out of range keeps the stored number, with a warning.
        QCOMPARE(typedCell(t, running, Family::Config, u"opt"_s), u"float:7"_s);
        QVERIFY(findIssue(t.run(running).issues, u"choice index 7"_s));

        // Curves: the intermediate values, read again from the file.
        const OptunaReader reader;
        const auto points = reader.readHistory(t.run(t0).path, Key({u"intermediate_value"_s}),
                                               ReadLimits{});
        QCOMPARE(points.size(), std::size_t(2));
        QCOMPARE(points[1].step, 1.0);
        QCOMPARE(points[1].value, 0.4);
        QCOMPARE(testutil::historyDisagreement(t, t0, Key({u"intermediate_value"_s}), points),
                 QString());
    }

    void brokenJournalsKeepWhatIsSound() {
        QByteArray j = sampleJournal();
        // A malformed line in the middle, an unknown operation, an unfinished last line.
        const qsizetype cut = j.indexOf("{\"op_code\":4,", 0);
        j.insert(cut, "{\"op_code\":4,\"study_id\":0,garbage\n{\"op_code\":99}\n");
        j += unfinishedLine();
        QTemporaryDir tmp;
        QVERIFY(testutil::writeFile(tmp.filePath(u"study.log"_s), j));
        const LoadResult r = load({tmp.path()});
        QCOMPARE(r.table.rowCount(), 6);
        const auto &issues = r.table.run(0).issues;
        const Issue *bad = findIssue(issues, u"not a JSON object"_s);
        QVERIFY(bad);
        QCOMPARE(bad->line, 5);
        QVERIFY(findIssue(issues, u"op_code 99"_s));
        const Issue *unfinished = findIssue(issues, u"unfinished"_s);
        QVERIFY(unfinished);
        QCOMPARE(unfinished->line, 31);
        QCOMPARE(r.table.run(rowOf(r.table, u"study.log:tune#3"_s)).status, RunStatus::Running);
    }

    void aLineTooLongIsSkippedAndTheRestRead() {
        // A 17 MB line (past the 16 MB a line may have) between two operations.
        QByteArray j = sampleJournal();
        const qsizetype cut = j.indexOf("{\"op_code\":4,", 0);
        j.insert(cut, QByteArray(17 * 1024 * 1024, 'x') + '\n');
        QTemporaryDir tmp;
        QVERIFY(testutil::writeFile(tmp.filePath(u"study.log"_s), j));
        const LoadResult r = load({tmp.path()});
        QCOMPARE(r.table.rowCount(), 6);
        const Issue *longLine = findIssue(r.table.run(0).issues, u"longer than"_s);
        QVERIFY(longLine);
        QCOMPARE(longLine->line, 5);
        QCOMPARE(typedCell(r.table, rowOf(r.table, u"study.log:tune#0"_s), Family::Metric,
                           u"value"_s),
                 u"float:0.125"_s);
    }

    void deletedStudiesAreHiddenLikeDeletedRuns() {
        QByteArray j = sampleJournal();
        j += deleteStudy(1);
        QTemporaryDir tmp;
        QVERIFY(testutil::writeFile(tmp.filePath(u"study.log"_s), j));
        const LoadResult shown = load({tmp.path()});
        QCOMPARE(shown.table.rowCount(), 4);
        QCOMPARE(shown.stats.deletedHidden, 2);
        QCOMPARE(load({tmp.path()}, true).table.rowCount(), 6);
    }

    void otherFilesGiveNoRuns() {
        QTemporaryDir tmp;
        QVERIFY(testutil::writeFile(tmp.filePath(u"train.log"_s), "[INFO] epoch 1 loss 0.5\n"));
        QVERIFY(testutil::writeFile(tmp.filePath(u"events.jsonl"_s), "{\"step\": 1}\n"));
        QVERIFY(testutil::writeFile(tmp.filePath(u"empty.log"_s), ""));
        const LoadResult r = load({tmp.path()});
        QCOMPARE(r.table.rowCount(), 0);
    }

    void sqliteStoreReadsLikeTheJournal() {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(u"optuna.db"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"fixture"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            // Optuna's RDB schema (optuna/storages/_rdb/models.py), the tables read.
            const QStringList ddl = {
                u"CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name VARCHAR(512))"_s,
                u"CREATE TABLE study_directions (study_direction_id INTEGER PRIMARY KEY, direction VARCHAR(8), study_id INTEGER, objective INTEGER)"_s,
                u"CREATE TABLE study_system_attributes (study_system_attribute_id INTEGER PRIMARY KEY, study_id INTEGER, key VARCHAR(512), value_json TEXT)"_s,
                u"CREATE TABLE trials (trial_id INTEGER PRIMARY KEY, number INTEGER, study_id INTEGER, state VARCHAR(8), datetime_start DATETIME, datetime_complete DATETIME)"_s,
                u"CREATE TABLE trial_params (param_id INTEGER PRIMARY KEY, trial_id INTEGER, param_name VARCHAR(512), param_value FLOAT, distribution_json TEXT)"_s,
                u"CREATE TABLE trial_values (trial_value_id INTEGER PRIMARY KEY, trial_id INTEGER, objective INTEGER, value FLOAT, value_type VARCHAR(7))"_s,
                u"CREATE TABLE trial_intermediate_values (trial_intermediate_value_id INTEGER PRIMARY KEY, trial_id INTEGER, step INTEGER, intermediate_value FLOAT, intermediate_value_type VARCHAR(7))"_s,
                u"CREATE TABLE trial_user_attributes (trial_user_attribute_id INTEGER PRIMARY KEY, trial_id INTEGER, key VARCHAR(512), value_json TEXT)"_s,
                u"CREATE TABLE version_info (version_info_id INTEGER PRIMARY KEY, schema_version INTEGER, library_version VARCHAR(256))"_s,
                u"INSERT INTO studies VALUES (1, 'tune'), (2, 'pareto')"_s,
                u"INSERT INTO study_directions VALUES (1, 'MINIMIZE', 1, 0), (2, 'MINIMIZE', 2, 0), (3, 'MAXIMIZE', 2, 1)"_s,
                u"INSERT INTO study_system_attributes VALUES (1, 2, 'study:metric_names', '[\"loss\", \"acc\"]')"_s,
                u"INSERT INTO trials VALUES (1, 0, 1, 'COMPLETE', '2025-01-02 10:00:00.000000', '2025-01-02 10:00:30.000000'), (2, 0, 2, 'COMPLETE', '2025-01-02 11:00:00', '2025-01-02 11:01:00'), (3, 1, 1, 'PRUNED', '2025-01-02 12:00:00', NULL)"_s,
                u"INSERT INTO trial_params VALUES (1, 1, 'lr', 0.25, '%1'), (2, 1, 'opt', 1.0, '%2')"_s
                    .arg(distributionJson(kFloat), distributionJson(kChoice)),
                u"INSERT INTO trial_values VALUES (1, 1, 0, 0.125, 'FINITE'), (2, 2, 0, 0.5, 'FINITE'), (3, 2, 1, NULL, 'INF_NEG')"_s,
                u"INSERT INTO trial_intermediate_values VALUES (1, 1, 0, 0.9, 'FINITE'), (2, 1, 1, 0.4, 'FINITE'), (3, 3, 0, NULL, 'NAN')"_s,
                u"INSERT INTO trial_user_attributes VALUES (1, 1, 'cfg', '{\"a\": 1}')"_s,
            };
            for (const QString &sql : ddl)
                QVERIFY2(q.exec(sql), qPrintable(q.lastError().text() + u": "_s + sql));
        }
        QSqlDatabase::removeDatabase(u"fixture"_s);
        const LoadResult r = load({tmp.path()});
        const RunTable &t = r.table;
        QCOMPARE(t.rowCount(), 3);
        const int t0 = rowOf(t, u"optuna.db:tune#0"_s);
        QVERIFY(t0 >= 0);
        QCOMPARE(t.run(t0).durationSec, 30.0);
        QCOMPARE(typedCell(t, t0, Family::Config, u"lr"_s), u"float:0.25"_s);
        QCOMPARE(typedCell(t, t0, Family::Config, u"opt"_s), u"string:sgd"_s);
        QCOMPARE(typedCell(t, t0, Family::Metric, u"value"_s), u"float:0.125"_s);
        QCOMPARE(typedCell(t, t0, Family::Metric, u"intermediate_value"_s), u"float:0.4"_s);
        QCOMPARE(typedCell(t, t0, Family::Meta, u"user_attrs.cfg.a"_s), u"int:1"_s);
        const int p0 = rowOf(t, u"optuna.db:pareto#0"_s);
        QCOMPARE(typedCell(t, p0, Family::Metric, u"loss"_s), u"float:0.5"_s);
        QVERIFY(std::isinf(cell(t, p0, Family::Metric, u"acc"_s).toDouble()));
        QCOMPARE(guessDirection(t.column(t.findColumn(Family::Metric, Key({u"acc"_s})))),
                 Direction::Higher);
        const int pruned = rowOf(t, u"optuna.db:tune#1"_s);
        QCOMPARE(typedCell(t, pruned, Family::Meta, u"optuna.state"_s), u"string:PRUNED"_s);
        QVERIFY(std::isnan(cell(t, pruned, Family::Metric, u"intermediate_value"_s).toDouble()));
        const OptunaReader reader;
        QCOMPARE(reader.readHistory(t.run(t0).path, Key({u"intermediate_value"_s}), ReadLimits{})
                     .size(),
                 std::size_t(2));
    }

    void corpusStudies() {
        const QString dir = testutil::corpusDir(u"optuna/sawa3030__optuna-playground"_s);
        if (!QFileInfo(dir).isDir()) QSKIP("../shared/corpus is absent");
        const LoadResult r = load({dir});
        const RunTable &t = r.table;
        // Trial counts per file, as an independent replay in Python counts them (the journal's
        // 40 CREATE_STUDY lines of parallel workers are one study), and the 100-trial database.
        QHash<QString, int> perFile;
        for (int row = 0; row < t.rowCount(); ++row)
            ++perFile[t.run(row).id.section(u':', 0, 0)];
        QCOMPARE(perFile.value(u"journal.log"_s), 109);
        QCOMPARE(perFile.value(u"journal_storage512.log"_s), 170);
        QCOMPARE(perFile.value(u"journal_storage4.log"_s), 1);
        QCOMPARE(perFile.value(u"optuna_journal_storage.log"_s), 16);
        QCOMPARE(perFile.value(u"cmaes_benchmark.db"_s), 100);
        // journal_storage2.log: a study whose only trial line was cut off: one row saying so.
        const int cut = rowOf(t, QDir::cleanPath(QDir(dir).absolutePath()) + u"/journal_storage2.log"_s);
        QVERIFY(cut >= 0);
        QVERIFY(findIssue(t.run(cut).issues, u"unfinished"_s));

        const int j0 = rowOf(t, u"journal.log:journal_storage_multiprocess#0"_s);
        QVERIFY(j0 >= 0);
        QCOMPARE(cell(t, j0, Family::Config, u"x"_s).toDouble(), 3.7258527393657577);
        QCOMPARE(cell(t, j0, Family::Metric, u"value"_s).toDouble(), 2.9785676779762897);
        int running = 0;
        for (int row = 0; row < t.rowCount(); ++row)
            running += t.run(row).id.startsWith(u"journal.log:"_s) &&
                       t.run(row).status == RunStatus::Running;
        QCOMPARE(running, 3);
        const int fail = rowOf(t, u"optuna_journal_storage.log:optuna_test_6066_study_2#5"_s);
        QCOMPARE(t.run(fail).status, RunStatus::Crashed);
        QCOMPARE(typedCell(t, rowOf(t, u"optuna_journal_storage.log:optuna_test_6066_study_1#0"_s),
                           Family::Config, u"test_param_1"_s),
                 u"bool:true"_s);
        const int db0 = rowOf(t, u"cmaes_benchmark.db:no-name-4c478646-f4a2-4bf3-a74e-5361f3912450#0"_s);
        QVERIFY(db0 >= 0);
        QCOMPARE(cell(t, db0, Family::Config, u"x"_s).toDouble(), 0.48813503927324753);
        QCOMPARE(cell(t, db0, Family::Config, u"y"_s).toDouble(), 2.151893663724195);
        QCOMPARE(cell(t, db0, Family::Metric, u"value"_s).toDouble(), 4.868922156542634);
        QCOMPARE(t.run(db0).status, RunStatus::Finished);
    }
};

QTEST_GUILESS_MAIN(TestOptuna)
#include "tst_optuna.moc"
