#include "mlflowdb.h"
#include "mlflowkeys.h"
#include "sqlitefile.h"

#include <QHash>
#include <QSqlError>
#include <QSet>
#include <QVariant>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// A forward-only query over rows sorted by run id, read alongside the runs (a merge join), so
/// a store of many runs is never held in memory table by table.
class RunRows {
public:
    RunRows(SqliteFile &db, const QString &sql)
        : m_query(db.query()) {
        m_ok = db.run(m_query, sql);
        m_valid = m_ok && m_query.next();
    }
    bool ok() const { return m_ok; }
    /// Calls `take(query)` for each row of `runId` (column 0), skipping rows of runs before it.
    template <typename F> void forRun(const QString &runId, F &&take) {
        while (m_valid) {
            const QString id = m_query.value(0).toString();
            if (id > runId) return;
            if (id == runId) take(m_query);
            m_valid = m_query.next();
        }
    }

private:
    QSqlQuery m_query;
    bool m_ok = false;
    bool m_valid = false;
};

/// A metric value as the store keeps it: NaN is stored as 0 with `is_nan` set, and an
/// infinity clamped to the largest double (MLflow's `_get_metric_value_details`), which stands
/// for the infinity that was logged: no real metric reaches 1.8e308.
double metricValue(const QSqlQuery &q, int valueColumn, int isNanColumn) {
    if (q.value(isNanColumn).toInt() != 0) return std::numeric_limits<double>::quiet_NaN();
    const double v = q.value(valueColumn).toDouble();
    if (v == std::numeric_limits<double>::max()) return std::numeric_limits<double>::infinity();
    if (v == std::numeric_limits<double>::lowest()) return -std::numeric_limits<double>::infinity();
    return v;
}

qint64 msOrMinusOne(const QVariant &v) {
    if (v.isNull()) return -1;
    bool ok = false;
    const qint64 ms = v.toLongLong(&ok);
    return ok && ms >= 0 ? ms : -1;
}

struct Experiment {
    QString name;
    bool deleted = false;
};

/// One run that carries why the store could not be read.
std::vector<RunRecord> unreadable(const QString &file, const QString &why) {
    RunRecord r;
    r.format = u"mlflow"_s;
    r.id = r.name = r.path = file;
    r.addIssue(Issue::Severity::Error, file, 0, 0,
               u"cannot read the MLflow database: %1"_s.arg(why));
    return {std::move(r)};
}

} // namespace

bool isMlflowDatabase(const QStringList &tables) {
    QSet<QString> names;
    for (const QString &t : tables)
        names.insert(t.toLower());
    for (const QString &t :
         {u"experiments"_s, u"runs"_s, u"params"_s, u"tags"_s, u"metrics"_s})
        if (!names.contains(t)) return false;
    return true;
}

std::vector<RunRecord> readMlflowDatabase(const QString &file, const ReadLimits &limits) {
    if (!SqliteFile::hasSqliteHeader(file)) return {};
    SqliteFile db(file);
    if (!db.isOpen()) return {}; // not a database after all; the Optuna reader may say more
    if (!isMlflowDatabase(db.tables())) return {};

    QHash<QString, Experiment> experiments;
    {
        QSqlQuery q = db.query();
        if (!db.run(q, u"SELECT experiment_id, name, lifecycle_stage FROM experiments"_s))
            return unreadable(file, db.error());
        while (q.next())
            experiments.insert(q.value(0).toString(),
                               Experiment{q.value(1).toString(), q.value(2).toString() == u"deleted"});
    }
    const bool hasLatest = db.tables().contains(u"latest_metrics"_s, Qt::CaseInsensitive);

    QSqlQuery runs = db.query();
    if (!db.run(runs, u"SELECT run_uuid, name, status, start_time, end_time, lifecycle_stage, "
                      "experiment_id, user_id FROM runs ORDER BY run_uuid"_s))
        return unreadable(file, db.error());
    RunRows params(db, u"SELECT run_uuid, key, value FROM params ORDER BY run_uuid, key"_s);
    RunRows tags(db, u"SELECT run_uuid, key, value FROM tags ORDER BY run_uuid, key"_s);
    // Every metric's history in one pass in table order, which is the order logged (a file
    // store keeps the order lines were written): sorting millions of points by run would cost
    // more than reading them. Only the summaries are kept, by run, then key in name order.
    QHash<QString, std::map<QString, MetricHistory>> histories;
    {
        QSqlQuery q = db.query();
        if (!db.run(q, u"SELECT run_uuid, key, value, is_nan, step FROM metrics"_s))
            return unreadable(file, db.error());
        QString lastRun, lastKey;
        MetricHistory *h = nullptr;
        while (q.next()) {
            // Consecutive points mostly share run and key: look the history up only on change.
            const QString runId = q.value(0).toString(), key = q.value(1).toString();
            if (!h || runId != lastRun || key != lastKey) {
                h = &histories[runId][key];
                lastRun = runId;
                lastKey = key;
            }
            h->add(q.value(4).toDouble(), metricValue(q, 2, 3));
        }
    }
    std::optional<RunRows> latest;
    if (hasLatest)
        latest.emplace(db, u"SELECT run_uuid, key, value, is_nan FROM latest_metrics "
                           "ORDER BY run_uuid, key"_s);
    if (!params.ok() || !tags.ok()) return unreadable(file, db.error());

    struct Sorted {
        QString experimentId;
        qint64 start;
        RunRecord run;
    };
    std::vector<Sorted> out;
    while (runs.next()) {
        RunRecord run;
        run.format = u"mlflow"_s;
        run.id = runs.value(0).toString();
        run.path = runInFilePath(file, run.id);
        const QString experimentId = runs.value(6).toString();
        const Experiment experiment = experiments.value(experimentId);
        const auto [status, statusWord] =
            mlflowStatus(runs.value(2).toString(), !runs.value(2).isNull());
        run.status = status;
        run.startMs = msOrMinusOne(runs.value(3));
        const qint64 endMs = msOrMinusOne(runs.value(4));
        if (run.startMs >= 0 && endMs >= run.startMs)
            run.durationSec = double(endMs - run.startMs) / 1000.0;
        Flattener flattener(limits.flatten);

        QSet<Key> seen;
        int keys = 0;
        bool tooMany = false;
        const auto admit = [&] {
            if (++keys <= limits.flatten.maxKeys) return true;
            tooMany = true;
            return false;
        };
        params.forRun(run.id, [&](const QSqlQuery &q) {
            if (!admit()) return;
            const QString k = q.value(1).toString();
            const Key key = splitFlatKey(k);
            const std::size_t first = run.entries.size();
            addMlflowValue(q.value(2).toString(), key, Family::Config, flattener, run, file,
                           limits);
            settleMlflowKeys(run, first, seen, key, k, file);
        });

        QSet<QString> metricKeys;
        if (const auto it = histories.constFind(run.id); it != histories.cend()) {
            for (const auto &[k, history] : *it) {
                if (!admit()) break;
                metricKeys.insert(k);
                history.addTo(run, Key({k}));
            }
        }
        if (latest)
            latest->forRun(run.id, [&](const QSqlQuery &q) {
                const QString k = q.value(1).toString();
                if (metricKeys.contains(k) || !admit()) return;
                run.add(Family::Metric, Key({k}), Value::real(metricValue(q, 2, 3)));
            });

        const auto addMeta = [&run](const QString &k, const QString &v) {
            if (!v.isEmpty()) run.add(Family::Meta, Key({k}), Value::string(v));
        };
        addMeta(u"experiment"_s, experiment.name);
        addMeta(u"experiment_id"_s, experimentId);
        addMeta(u"status"_s, statusWord);
        const QString lifecycle = runs.value(5).toString();
        addMeta(u"lifecycle_stage"_s, experiment.deleted      ? u"deleted"_s
                                      : lifecycle.isEmpty() ? u"active"_s
                                                            : lifecycle);
        addMeta(u"user"_s, runs.value(7).toString());

        seen.clear();
        for (const Entry &e : run.entries)
            if (e.family == Family::Meta) seen.insert(e.key);
        QString runNameTag;
        tags.forRun(run.id, [&](const QSqlQuery &q) {
            if (!admit()) return;
            const QString k = q.value(1).toString();
            const QString text = q.value(2).toString();
            const Key key = splitFlatKey(k);
            const std::size_t first = run.entries.size();
            if (k.startsWith(u"mlflow."_s)) {
                run.add(Family::Meta, key, Value::string(text));
                if (k == u"mlflow.runName") runNameTag = text;
            } else {
                addMlflowValue(text, key, Family::Meta, flattener, run, file, limits);
            }
            settleMlflowKeys(run, first, seen, key, k, file);
        });
        if (tooMany)
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"more than %1 params, metrics and tags in this run; the rest are left out"_s
                             .arg(limits.flatten.maxKeys));
        const QString name = runs.value(1).toString();
        run.name = !name.isEmpty() ? name : !runNameTag.isEmpty() ? runNameTag : run.id;
        out.push_back(Sorted{experimentId, run.startMs, std::move(run)});
    }
    if (runs.lastError().isValid())
        return unreadable(file, db.error());

    // Shown by experiment (numerically, as MLflow numbers them), then by start time.
    std::stable_sort(out.begin(), out.end(), [](const Sorted &a, const Sorted &b) {
        if (a.experimentId.size() != b.experimentId.size())
            return a.experimentId.size() < b.experimentId.size();
        if (a.experimentId != b.experimentId) return a.experimentId < b.experimentId;
        return a.start < b.start;
    });
    std::vector<RunRecord> records;
    records.reserve(out.size());
    for (Sorted &s : out)
        records.push_back(std::move(s.run));
    return records;
}

std::vector<HistoryPoint> readMlflowDatabaseHistory(const QString &file, const QString &runId,
                                                    const QString &metricKey) {
    if (!SqliteFile::hasSqliteHeader(file)) return {};
    SqliteFile db(file);
    if (!db.isOpen()) return {};
    QSqlQuery q = db.query();
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT value, is_nan, step, timestamp FROM metrics WHERE run_uuid = ? AND "
                   "key = ? ORDER BY timestamp, step"_s))
        return {};
    q.addBindValue(runId);
    q.addBindValue(metricKey);
    if (!q.exec()) return {};
    std::vector<HistoryPoint> points;
    while (q.next())
        points.push_back(
            HistoryPoint{q.value(2).toDouble(), metricValue(q, 0, 1), q.value(3).toDouble() / 1000.0});
    return points;
}

} // namespace runlens
