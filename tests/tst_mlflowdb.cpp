// MLflow's SQLite store (mlflow.db): the test mirrors runs of the mlflow_store fixture into a
// database laid out as MLflow's SqlAlchemyStore lays it out, and the runs must read the same
// from either store. Also: NaN and clamped infinities, latest_metrics without history, deleted
// runs and experiments, curves, the file left untouched, and files that are no MLflow store.
#include "readers/loader.h"
#include "readers/mlflowreader.h"
#include "readers/readerregistry.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cfloat>
#include <cmath>

#include "testutil.h"

using namespace runlens;
using namespace Qt::StringLiterals;
using testutil::cell;
using testutil::findIssue;
using testutil::rowOf;
using testutil::typed;
using testutil::typedCell;

namespace {

const QString runA = u"a1000000000000000000000000000001"_s;
const QString runB = u"b2000000000000000000000000000002"_s;
const QString runC = u"c3000000000000000000000000000003"_s;

LoadResult load(const QStringList &roots, bool deleted = true) {
    LoadOptions options;
    options.jobs = 2;
    options.includeDeleted = deleted;
    return loadRuns(roots, ReaderRegistry::withBuiltins(), options);
}

QString store() {
    return QFINDTESTDATA("data/mlflow_store/mlruns");
}

/// Writes an SQLite database through Qt SQL; `statements` run in one transaction.
class Db {
public:
    explicit Db(const QString &path)
        : m_name(u"fixture-"_s + path) {
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        m_db.setDatabaseName(path);
        QVERIFY2(m_db.open(), qPrintable(m_db.lastError().text()));
        m_db.transaction();
    }
    ~Db() {
        m_db.commit();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    void exec(const QString &sql, const QVariantList &values = {}) {
        QSqlQuery q(m_db);
        QVERIFY2(q.prepare(sql), qPrintable(q.lastError().text() + u": "_s + sql));
        for (const QVariant &v : values)
            q.addBindValue(v);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text() + u": "_s + sql));
    }

private:
    QString m_name;
    QSqlDatabase m_db;
};

/// MLflow's tables, the columns its SqlAlchemyStore reads (mlflow/store/tracking/dbmodels).
void createMlflowSchema(Db &db) {
    db.exec(u"CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name VARCHAR(256) "
            "UNIQUE NOT NULL, artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), "
            "creation_time BIGINT, last_update_time BIGINT)"_s);
    db.exec(u"CREATE TABLE runs (run_uuid VARCHAR(32) PRIMARY KEY, name VARCHAR(250), "
            "source_type VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50), "
            "user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT, "
            "deleted_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20), "
            "artifact_uri VARCHAR(200), experiment_id INTEGER)"_s);
    db.exec(u"CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, "
            "run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid))"_s);
    db.exec(u"CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), "
            "run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid))"_s);
    db.exec(u"CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, "
            "timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL, step BIGINT NOT NULL "
            "DEFAULT 0, is_nan BOOLEAN NOT NULL DEFAULT 0)"_s);
    db.exec(u"CREATE TABLE latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, "
            "timestamp BIGINT, step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL, "
            "run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid))"_s);
    db.exec(u"CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"_s);
}

/// A metric value as MLflow's SQL store keeps it: NaN as 0 with is_nan, infinities clamped to
/// the largest float (`_get_metric_value_details`).
std::pair<double, int> stored(double v) {
    if (std::isnan(v)) return {0.0, 1};
    if (std::isinf(v)) return {v > 0 ? DBL_MAX : -DBL_MAX, 0};
    return {v, 0};
}

QString fileText(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QString text = QString::fromUtf8(f.readAll());
    return text.isNull() ? QString::fromUtf8("", 0) : text; // an empty value, not SQL's NULL
}

/// `key: value` of a flat meta.yaml (the fixture's are), quotes taken off.
QString metaField(const QString &meta, const QString &key) {
    for (const QString &line : meta.split(u'\n'))
        if (line.startsWith(key + u": "_s)) {
            QString v = line.mid(key.size() + 2).trimmed();
            if (v.startsWith(u'\'')) v = v.mid(1, v.size() - 2);
            return v == u"null" ? QString() : v;
        }
    return {};
}

/// Every file below `dir` as (key joined with `/`, content).
QList<std::pair<QString, QString>> keyFiles(const QString &dir) {
    QList<std::pair<QString, QString>> out;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        out.append({QDir(dir).relativeFilePath(path), fileText(path)});
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Mirrors runs of a file store into `db` as MLflow would have stored them.
void mirror(Db &db, const QString &experimentDir, const QStringList &runIds) {
    static const QStringList statusWords = {u"RUNNING"_s, u"SCHEDULED"_s, u"FINISHED"_s,
                                            u"FAILED"_s, u"KILLED"_s};
    const QString expMeta = fileText(experimentDir + u"/meta.yaml"_s);
    db.exec(u"INSERT INTO experiments VALUES (?, ?, '', ?, 0, 0)"_s,
            {metaField(expMeta, u"experiment_id"_s).toInt(), metaField(expMeta, u"name"_s),
             metaField(expMeta, u"lifecycle_stage"_s)});
    for (const QString &id : runIds) {
        const QString dir = experimentDir + u'/' + id;
        const QString meta = fileText(dir + u"/meta.yaml"_s);
        const QString end = metaField(meta, u"end_time"_s);
        db.exec(u"INSERT INTO runs VALUES (?, ?, 'LOCAL', '', '', ?, ?, ?, ?, NULL, '', ?, '', ?)"_s,
                {id, metaField(meta, u"run_name"_s), metaField(meta, u"user_id"_s),
                 statusWords[metaField(meta, u"status"_s).toInt() - 1],
                 metaField(meta, u"start_time"_s).toLongLong(),
                 end.isEmpty() ? QVariant() : QVariant(end.toLongLong()),
                 metaField(meta, u"lifecycle_stage"_s), metaField(meta, u"experiment_id"_s).toInt()});
        // The fixture's files end in a line break here and there (an editor's); MLflow's
        // values have none, and the file store reader drops it.
        const auto value = [](QString v) { return v.endsWith(u'\n') ? v.chopped(1) : v; };
        for (const auto &[key, text] : keyFiles(dir + u"/params"_s))
            db.exec(u"INSERT INTO params VALUES (?, ?, ?)"_s, {key, value(text), id});
        for (const auto &[key, text] : keyFiles(dir + u"/tags"_s))
            db.exec(u"INSERT INTO tags VALUES (?, ?, ?)"_s, {key, value(text), id});
        for (const auto &[key, text] : keyFiles(dir + u"/metrics"_s)) {
            // latest: the line with the largest (step, timestamp, value), as MLflow picks it
            std::tuple<double, qint64, double> latest{-1e300, 0, 0};
            for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
                const QStringList f = line.split(u' ');
                const qint64 ts = f[0].toLongLong();
                const double v = f[1].toDouble();
                const double step = f.size() > 2 ? f[2].toDouble() : 0;
                const auto [value, isNan] = stored(v);
                db.exec(u"INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)"_s,
                        {key, value, ts, id, qint64(step), isNan});
                latest = std::max(latest, std::tuple{step, ts, std::isnan(v) ? -1e300 : v});
            }
            const auto [value, isNan] = stored(std::get<2>(latest));
            db.exec(u"INSERT INTO latest_metrics VALUES (?, ?, ?, ?, ?, ?)"_s,
                    {key, value, std::get<1>(latest), qint64(std::get<0>(latest)), isNan, id});
        }
    }
}

/// A run's cells as `family key=type:text` lines, sorted. Metrics by number: a file keeps
/// the value's spelling (`2480.0`), the database a double.
QString runCells(const RunTable &t, int row) {
    QStringList out;
    for (int c = 0; c < t.columnCount(); ++c) {
        if (!t.hasValue(row, c)) continue;
        const Value v = t.value(row, c);
        const QString text = t.column(c).family == Family::Metric && v.isNumber()
                                 ? v.typeName() + u':' + QString::number(v.toDouble(), 'g', 17)
                                 : typed(v);
        out << familyName(t.column(c).family) + u' ' + t.column(c).display + u'=' + text;
    }
    out.sort();
    return out.join(u'\n');
}

QByteArray digest(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestMlflowDb : public QObject {
    Q_OBJECT

private slots:
    void runsReadTheSameFromTheDatabaseAsFromTheFileStore() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(u"mlflow.db"_s);
        {
            Db db(dbPath);
            createMlflowSchema(db);
            mirror(db, store() + u"/1"_s, {runA, runB, runC});
        }
        const LoadResult fromFiles = load({store()});
        const LoadResult fromDb = load({tmp.path()});
        QCOMPARE(fromDb.table.rowCount(), 3);
        QCOMPARE(fromDb.stats.runFiles, 1);
        for (const QString &id : {runA, runB, runC}) {
            const int f = rowOf(fromFiles.table, id), d = rowOf(fromDb.table, id);
            QVERIFY2(f >= 0 && d >= 0, qPrintable(id));
            const RunInfo &fr = fromFiles.table.run(f), &dr = fromDb.table.run(d);
            QCOMPARE(dr.format, u"mlflow"_s);
            QCOMPARE(dr.path, runInFilePath(dbPath, id));
            QCOMPARE(dr.name, fr.name);
            QCOMPARE(dr.status, fr.status);
            QCOMPARE(dr.startMs, fr.startMs);
            QCOMPARE(dr.durationSec, fr.durationSec);
            QString expected = runCells(fromFiles.table, f);
            // The SQL store keeps no infinity: MLflow clamps it to the largest double, which
            // the reader takes back for the infinity it stands for. Its text is the number's.
            const QString actual = runCells(fromDb.table, d);
            if (actual != expected) {
                const QStringList a = actual.split(u'\n'), e = expected.split(u'\n');
                for (const QString &l : a)
                    if (!e.contains(l)) qWarning("only in the database: %s", qPrintable(l));
                for (const QString &l : e)
                    if (!a.contains(l)) qWarning("only in the file store: %s", qPrintable(l));
            }
            QCOMPARE(actual, expected);
        }
        // Spot values, as the file store test pins them.
        const int a = rowOf(fromDb.table, runA);
        QCOMPARE(typedCell(fromDb.table, a, Family::Config, u"model.optimizer.lr"_s),
                 u"float:0.0003"_s);
        QCOMPARE(typedCell(fromDb.table, a, Family::Config, u"opt.name"_s), u"string:adam"_s);
        QCOMPARE(typedCell(fromDb.table, a, Family::Metric, u"loss"_s), u"float:0.5"_s);
        QCOMPARE(typedCell(fromDb.table, a, Family::Meta, u"experiment"_s), u"string:sweep"_s);
        QVERIFY(std::isnan(cell(fromDb.table, a, Family::Meta, u"history.min.loss"_s).toDouble()) ==
                false);
    }

    void curvesComeFromTheMetricsTable() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(u"runs.sqlite"_s);
        {
            Db db(dbPath);
            createMlflowSchema(db);
            mirror(db, store() + u"/1"_s, {runA});
        }
        const MlflowReader reader;
        const auto points =
            reader.readHistory(runInFilePath(dbPath, runA), Key({u"loss"_s}), ReadLimits{});
        QCOMPARE(points.size(), std::size_t(3));
        // In logged (time) order, with times in seconds.
        QCOMPARE(points[0].value, 1.0);
        QCOMPARE(points[1].value, 0.7);
        QCOMPARE(points[2].value, 0.5);
        QCOMPARE(points[2].step, 2.0);
        QCOMPARE(points[2].time, 1700000003.0);
        const auto nanFirst =
            reader.readHistory(runInFilePath(dbPath, runA), Key({u"val.acc"_s}), ReadLimits{});
        QCOMPARE(nanFirst.size(), std::size_t(3));
        QVERIFY(std::isnan(nanFirst[0].value));
        QVERIFY(std::isinf(nanFirst[1].value) && nanFirst[1].value > 0);
        const LoadResult r = load({tmp.path()});
        QCOMPARE(testutil::historyDisagreement(r.table, 0, Key({u"loss"_s}), points), QString());
    }

    void latestMetricsFillKeysWithoutHistoryAndDeletedRunsHide() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(u"mlflow.db"_s);
        {
            Db db(dbPath);
            createMlflowSchema(db);
            db.exec(u"INSERT INTO experiments VALUES (0, 'Default', '', 'active', 0, 0)"_s);
            db.exec(u"INSERT INTO experiments VALUES (7, 'old', '', 'deleted', 0, 0)"_s);
            db.exec(u"INSERT INTO runs VALUES ('r1', '', 'LOCAL', '', '', 'bob', 'RUNNING', "
                    "1700000000000, NULL, NULL, '', 'active', '', 0)"_s);
            db.exec(u"INSERT INTO runs VALUES ('r2', 'gone', 'LOCAL', '', '', 'bob', 'FINISHED', "
                    "1700000000000, 1700000005000, NULL, '', 'deleted', '', 0)"_s);
            db.exec(u"INSERT INTO runs VALUES ('r3', 'in-deleted-exp', 'LOCAL', '', '', 'bob', "
                    "'FINISHED', 1700000000000, 1700000005000, NULL, '', 'active', '', 7)"_s);
            db.exec(u"INSERT INTO tags VALUES ('mlflow.runName', 'from-tag', 'r1')"_s);
            db.exec(u"INSERT INTO latest_metrics VALUES ('acc', 0, 5, 3, 1, 'r1')"_s);
            db.exec(u"INSERT INTO latest_metrics VALUES ('f1', 0.5, 5, 3, 0, 'r1')"_s);
        }
        const QByteArray before = digest(dbPath);
        const LoadResult shown = load({tmp.path()}, false);
        QCOMPARE(shown.table.rowCount(), 1);
        QCOMPARE(shown.stats.deletedHidden, 2);
        const RunInfo &r1 = shown.table.run(0);
        QCOMPARE(r1.name, u"from-tag"_s);
        QCOMPARE(r1.status, RunStatus::Running);
        QCOMPARE(r1.durationSec, -1.0);
        QVERIFY(std::isnan(cell(shown.table, 0, Family::Metric, u"acc"_s).toDouble()));
        QCOMPARE(typedCell(shown.table, 0, Family::Metric, u"f1"_s), u"float:0.5"_s);
        const LoadResult all = load({tmp.path()}, true);
        QCOMPARE(all.table.rowCount(), 3);
        QCOMPARE(typedCell(all.table, rowOf(all.table, u"r3"_s), Family::Meta,
                           u"lifecycle_stage"_s),
                 u"string:deleted"_s);
        // Read-only: the database is unchanged and SQLite left no journal beside it.
        QCOMPARE(digest(dbPath), before);
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{u"mlflow.db"_s});
    }

    void filesThatAreNoMlflowStoreGiveNoRuns_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("text") << "not a database"_ba;
        QTest::newRow("sqlite header, garbage after")
            << QByteArray("SQLite format 3\0", 16) + QByteArray(4000, '\x17');
    }
    void filesThatAreNoMlflowStoreGiveNoRuns() {
        QFETCH(QByteArray, bytes);
        QTemporaryDir tmp;
        QVERIFY(testutil::writeFile(tmp.filePath(u"mlflow.db"_s), bytes));
        const LoadResult r = load({tmp.path()});
        QCOMPARE(r.table.rowCount(), 0);
    }

    void anotherSqliteDatabaseGivesNoRuns() {
        QTemporaryDir tmp;
        {
            Db db(tmp.filePath(u"cache.db"_s));
            db.exec(u"CREATE TABLE runs (x INTEGER)"_s);
            db.exec(u"INSERT INTO runs VALUES (1)"_s);
        }
        QCOMPARE(load({tmp.path()}).table.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestMlflowDb)
#include "tst_mlflowdb.moc"
