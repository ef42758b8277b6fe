#include "sqlitefile.h"

#include <QFile>
#include <QSqlError>
#include <QSqlRecord>

#include <atomic>

namespace runlens {

using namespace Qt::StringLiterals;

SqliteFile::SqliteFile(const QString &path) {
    static std::atomic<quint64> counter{0};
    m_connection = u"runlens-sqlite-%1"_s.arg(counter.fetch_add(1));
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    if (!m_db.isValid()) {
        m_error = u"Qt's SQLite driver is not installed (package libqt6sql6-sqlite)"_s;
        return;
    }
    m_db.setDatabaseName(path);
    // A busy timeout: a training job holding a write lock for a moment is waited for briefly.
    m_db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"_s);
    m_open = m_db.open();
    if (!m_open) m_error = m_db.lastError().text();
}

SqliteFile::~SqliteFile() {
    if (m_db.isValid()) m_db.close();
    m_db = QSqlDatabase(); // the last handle must be gone before the connection is removed
    QSqlDatabase::removeDatabase(m_connection);
}

bool SqliteFile::hasSqliteHeader(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    return f.read(16) == QByteArrayView("SQLite format 3\0", 16);
}

QStringList SqliteFile::tables() const {
    return m_open ? m_db.tables() : QStringList();
}

bool SqliteFile::run(QSqlQuery &query, const QString &sql) {
    query.setForwardOnly(true);
    if (query.exec(sql)) return true;
    m_error = query.lastError().text();
    return false;
}

QStringList SqliteFile::columns(const QString &table) const {
    QStringList out;
    const QSqlRecord rec = m_db.record(table);
    for (int i = 0; i < rec.count(); ++i)
        out << rec.fieldName(i).toLower();
    return out;
}

} // namespace runlens
