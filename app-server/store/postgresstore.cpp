// SPDX-License-Identifier: MIT
#include "postgresstore.h"

#include "postgreswriter.h"

#include "logging.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {
// Any constant of our own: pg_advisory_lock keys are database-wide.
constexpr qint64 kMigrationLock = 0x63686174; // "chat"
} // namespace

PostgresStore::PostgresStore(const DatabaseUrl &url, const QString &passwordFile, StoreRole role)
    : SqlStore(false, role == StoreRole::Writer ? u"chat-postgresql-"_s : u"chat-postgresql-reader-"_s),
      m_url(url),
      m_passwordFile(passwordFile),
      m_role(role)
{
    setWriter(std::make_unique<PostgresEventWriter>(session()));
}

PostgresStore::~PostgresStore()
{
    close();
}

int PostgresStore::schemaVersion()
{
    return Migrations::latest(u"postgresql"_s);
}

bool PostgresStore::open(QString *error)
{
    if (!session().addConnection(u"QPSQL"_s)) {
        *error = u"Qt's PostgreSQL driver (QPSQL) is not installed: apt install libqt6sql6-psql"_s;
        return false;
    }
    QString password = m_url.password;
    if (!m_passwordFile.isEmpty()) {
        QFile file(m_passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the database password file %1: %2"_s.arg(m_passwordFile,
                                                                           file.errorString());
            return false;
        }
        password = QString::fromUtf8(file.readLine()).trimmed();
    }
    QSqlDatabase &db = session().db();
    db.setHostName(m_url.host);
    db.setPort(m_url.port);
    db.setUserName(m_url.user);
    db.setPassword(password);
    db.setDatabaseName(m_url.database);
    // A database that is down must fail an operation quickly, not hang the store thread.
    db.setConnectOptions(u"connect_timeout=5;application_name=chat-server"_s);
    if (!db.open()) {
        *error = u"cannot connect to %1: %2"_s.arg(m_url.displayName(),
                                                   db.lastError().text().trimmed());
        return false;
    }
    if (m_role == StoreRole::Reader)
        return loadEpoch(error);
    QSqlQuery lock(db);
    lock.prepare(u"SELECT pg_advisory_lock(?)"_s);
    lock.addBindValue(kMigrationLock);
    if (!lock.exec()) {
        *error = u"cannot lock the schema for migration: %1"_s.arg(lock.lastError().text());
        return false;
    }
    const bool ready = prepareSchema(Migrations::postgresql(), error);
    lock.prepare(u"SELECT pg_advisory_unlock(?)"_s);
    lock.addBindValue(kMigrationLock);
    lock.exec();
    if (!ready)
        return false;
    qCInfo(lcStore).noquote() << "opened" << m_url.displayName() << "schema" << schemaVersion()
                              << "epoch" << epoch();
    return true;
}
