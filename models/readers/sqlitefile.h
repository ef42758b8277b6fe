#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

namespace runlens {

/// One SQLite file (an MLflow or Optuna store) opened read-only through Qt SQL's SQLite driver,
/// for the calling thread only, closed and unregistered when it goes out of scope. Read-only
/// means RunLens never changes nor creates a database, and never holds a write lock on one a
/// training job is writing to (readers only take SQLite's shared lock while a query runs).
class SqliteFile {
public:
    explicit SqliteFile(const QString &path);
    ~SqliteFile();
    SqliteFile(const SqliteFile &) = delete;
    SqliteFile &operator=(const SqliteFile &) = delete;

    /// Whether the file starts with SQLite's header: checked before the driver is asked, so a
    /// `.db` file of another kind costs one small read.
    static bool hasSqliteHeader(const QString &path);

    bool isOpen() const { return m_open; }
    /// Why the file could not be opened or the last query failed.
    QString error() const { return m_error; }
    /// The names of the file's tables (empty when it is not a readable database).
    QStringList tables() const;
    /// A forward-only query over the open database; false with error() set when it fails.
    bool run(QSqlQuery &query, const QString &sql);
    QSqlQuery query() const { return QSqlQuery(m_db); }
    /// The columns of a table, lower-cased (schemas gain columns over releases).
    QStringList columns(const QString &table) const;

private:
    QString m_connection;
    QSqlDatabase m_db;
    QString m_error;
    bool m_open = false;
};

} // namespace runlens
