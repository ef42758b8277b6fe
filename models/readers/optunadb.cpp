#include "optunadb.h"
#include "docparser.h"
#include "sqlitefile.h"

#include <QHash>
#include <QSet>
#include <QSqlError>
#include <QVariant>

#include <cmath>
#include <limits>

namespace runlens {

using namespace Qt::StringLiterals;

bool isOptunaDatabase(const QStringList &tables) {
    QSet<QString> names;
    for (const QString &t : tables)
        names.insert(t.toLower());
    for (const QString &t : {u"studies"_s, u"trials"_s, u"trial_params"_s, u"trial_values"_s})
        if (!names.contains(t)) return false;
    return true;
}

namespace {

/// A value as the store keeps it: infinities as a type beside a null number.
double storedValue(const QVariant &value, const QString &type) {
    if (type == u"INF_POS") return std::numeric_limits<double>::infinity();
    if (type == u"INF_NEG") return -std::numeric_limits<double>::infinity();
    if (type == u"NAN" || value.isNull()) return std::numeric_limits<double>::quiet_NaN();
    return value.toDouble();
}

/// Runs `sql` and hands each row to `take`; false (with the error in the store's issues) when
/// the query fails. Optional tables missing from older schemas are not asked for.
template <typename F>
bool each(SqliteFile &db, OptunaStore &store, const QString &file, const QString &sql, F &&take) {
    QSqlQuery q = db.query();
    if (!db.run(q, sql)) {
        store.issues.push_back(Issue{Issue::Severity::Error, file, 0, 0,
                                     u"cannot read the Optuna database: %1"_s.arg(db.error())});
        return false;
    }
    while (q.next())
        take(q);
    return true;
}

} // namespace

std::optional<OptunaStore> readOptunaDatabase(const QString &file, const ReadLimits &limits) {
    if (!SqliteFile::hasSqliteHeader(file)) return std::nullopt;
    SqliteFile db(file);
    if (!db.isOpen()) return std::nullopt;
    const QStringList tables = db.tables();
    if (!isOptunaDatabase(tables)) return std::nullopt;
    const auto has = [&](const QString &t) { return tables.contains(t, Qt::CaseInsensitive); };

    OptunaStore store;
    QHash<qint64, int> studyIndex;
    if (!each(db, store, file, u"SELECT study_id, study_name FROM studies ORDER BY study_id"_s,
              [&](const QSqlQuery &q) {
                  studyIndex.insert(q.value(0).toLongLong(), int(store.studies.size()));
                  store.studies.push_back(OptunaStudy{q.value(1).toString(), {}, {}, false});
              }))
        return store;
    if (has(u"study_directions"_s))
        each(db, store, file,
             u"SELECT study_id, direction FROM study_directions ORDER BY study_id, objective"_s,
             [&](const QSqlQuery &q) {
                 const auto it = studyIndex.constFind(q.value(0).toLongLong());
                 if (it != studyIndex.cend())
                     store.studies[std::size_t(*it)].maximize.push_back(q.value(1).toString() ==
                                                                        u"MAXIMIZE");
             });
    if (has(u"study_system_attributes"_s))
        each(db, store, file,
             u"SELECT study_id, value_json FROM study_system_attributes "
             "WHERE key = 'study:metric_names'"_s,
             [&](const QSqlQuery &q) {
                 const auto it = studyIndex.constFind(q.value(0).toLongLong());
                 if (it == studyIndex.cend()) return;
                 Doc doc;
                 RunRecord scratch;
                 if (!parseJson(q.value(1).toString().toUtf8(), doc, scratch, file) ||
                     !doc.rootNode() || doc.rootNode()->kind != DocNode::Kind::Seq)
                     return;
                 QStringList names;
                 for (const int item : doc.rootNode()->items)
                     names << doc.node(item).value.displayText();
                 store.studies[std::size_t(*it)].metricNames = names;
             });

    QHash<qint64, std::size_t> trialIndex;
    if (!each(db, store, file,
              u"SELECT trial_id, number, study_id, state, datetime_start, datetime_complete "
              "FROM trials ORDER BY trial_id"_s,
              [&](const QSqlQuery &q) {
                  OptunaTrial t;
                  t.id = int(q.value(0).toLongLong());
                  t.number = q.value(1).toInt();
                  t.study = studyIndex.value(q.value(2).toLongLong(), -1);
                  t.state = optunaStateFromName(q.value(3).toString()).value_or(OptunaState::Fail);
                  t.start = q.value(4).toString();
                  t.complete = q.value(5).toString();
                  trialIndex.insert(q.value(0).toLongLong(), store.trials.size());
                  store.trials.push_back(std::move(t));
              }))
        return store;
    const auto trialOf = [&](const QVariant &id) -> OptunaTrial * {
        const auto it = trialIndex.constFind(id.toLongLong());
        return it == trialIndex.cend() ? nullptr : &store.trials[*it];
    };
    each(db, store, file,
         u"SELECT trial_id, param_name, param_value, distribution_json FROM trial_params "
         "ORDER BY param_id"_s,
         [&](const QSqlQuery &q) {
             OptunaTrial *t = trialOf(q.value(0));
             if (!t || int(t->params.size()) >= limits.flatten.maxKeys) return;
             t->params.push_back(OptunaParam{q.value(1).toString(), q.value(2).toDouble(),
                                             store.distribution(q.value(3).toString())});
         });
    const QStringList valueColumns = db.columns(u"trial_values"_s);
    const bool typed = valueColumns.contains(u"value_type"_s);
    each(db, store, file,
         typed ? u"SELECT trial_id, objective, value, value_type FROM trial_values "
                 "ORDER BY trial_id, objective"_s
               : u"SELECT trial_id, objective, value, '' FROM trial_values "
                 "ORDER BY trial_id, objective"_s,
         [&](const QSqlQuery &q) {
             OptunaTrial *t = trialOf(q.value(0));
             const int objective = q.value(1).toInt();
             if (!t || objective < 0 || objective > 1000) return;
             if (t->values.size() <= std::size_t(objective))
                 t->values.resize(std::size_t(objective) + 1,
                                  std::numeric_limits<double>::quiet_NaN());
             t->values[std::size_t(objective)] = storedValue(q.value(2), q.value(3).toString());
         });
    if (has(u"trial_intermediate_values"_s)) {
        const bool ivTyped =
            db.columns(u"trial_intermediate_values"_s).contains(u"intermediate_value_type"_s);
        each(db, store, file,
             ivTyped ? u"SELECT trial_id, step, intermediate_value, intermediate_value_type "
                       "FROM trial_intermediate_values ORDER BY trial_id, step"_s
                     : u"SELECT trial_id, step, intermediate_value, '' "
                       "FROM trial_intermediate_values ORDER BY trial_id, step"_s,
             [&](const QSqlQuery &q) {
                 if (OptunaTrial *t = trialOf(q.value(0)))
                     t->intermediate.emplace_back(q.value(1).toDouble(),
                                                  storedValue(q.value(2), q.value(3).toString()));
             });
    }
    if (has(u"trial_user_attributes"_s))
        each(db, store, file,
             u"SELECT trial_id, key, value_json FROM trial_user_attributes "
             "ORDER BY trial_user_attribute_id"_s,
             [&](const QSqlQuery &q) {
                 OptunaTrial *t = trialOf(q.value(0));
                 if (t && int(t->userAttrs.size()) < limits.flatten.maxKeys)
                     t->userAttrs.emplace_back(q.value(1).toString(), q.value(2).toString());
             });
    return store;
}

} // namespace runlens
