// SPDX-License-Identifier: MIT
#include "postgresstore.h"

#include "postgreswriter.h"

#include "bus/buspayload.h"

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

bool PostgresStore::configure(QSqlDatabase &db, const DatabaseUrl &url, const QString &passwordFile,
                              const QString &applicationName, QString *error)
{
    QString password = url.password;
    if (!passwordFile.isEmpty()) {
        QFile file(passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the database password file %1: %2"_s.arg(passwordFile,
                                                                           file.errorString());
            return false;
        }
        password = QString::fromUtf8(file.readLine()).trimmed();
    }
    db.setHostName(url.host);
    db.setPort(url.port);
    db.setUserName(url.user);
    db.setPassword(password);
    db.setDatabaseName(url.database);
    // A database that is down must fail an operation quickly, not hang the thread asking.
    db.setConnectOptions(u"connect_timeout=5;application_name="_s + applicationName);
    return true;
}

bool PostgresStore::open(QString *error)
{
    if (!session().addConnection(u"QPSQL"_s)) {
        *error = u"Qt's PostgreSQL driver (QPSQL) is not installed: apt install libqt6sql6-psql"_s;
        return false;
    }
    QSqlDatabase &db = session().db();
    if (!configure(db, m_url, m_passwordFile, u"chat-server"_s, error))
        return false;
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

bool PostgresStore::announceEvents(const QList<ChatMessage> &committed)
{
    return notify(BusPayload::kEventsChannel, BusPayload::forEvents(m_node, committed));
}

bool PostgresStore::announceRevoked(const QList<QByteArray> &digests)
{
    return notify(BusPayload::kTokensChannel, BusPayload::forTokens(m_node, digests));
}

bool PostgresStore::announceRoomChange(const RoomChange &change)
{
    return notify(BusPayload::kRoomsChannel, {BusPayload::forRoomChange(m_node, change)});
}

bool PostgresStore::notify(const char *channel, const QList<QByteArray> &payloads)
{
    if (m_node.isEmpty())
        return true; // a store without a bus (a tool, a test): nobody listens
    // pg_notify inside the transaction: delivered at its commit, never for a rollback.
    QSqlQuery &q = session().prepared(m_notify, u"SELECT pg_notify(?, ?)"_s);
    for (const QByteArray &payload : payloads) {
        q.bindValue(0, QString::fromLatin1(channel));
        q.bindValue(1, QString::fromUtf8(payload));
        if (!session().exec(q))
            return false;
        q.finish();
    }
    return true;
}

SqlStore::SearchSql PostgresStore::searchSql(const SearchQuery &query) const
{
    // The generated column of sql/postgresql/010_search.sql, under its GIN index.
    return {u"events e"_s, u"e.search @@ to_tsquery('simple', chat_unaccent(?))"_s, query.toTsQuery()};
}
