// SPDX-License-Identifier: MIT
#pragma once

#include "databaseurl.h"
#include "sqlstore.h"

// SqlStore on PostgreSQL through QtSql's QPSQL driver (Debian: libqt6sql6-psql). Schema from
// :/sql/postgresql, its version in a schema_version table, applied under an advisory lock so that
// servers starting together migrate once. Several servers may share one database: seqs come from
// row-locked counters, and nothing read is trusted to be the newest without asking.
// A connection lost under load fails the operations in flight (no ack for anything unstored) and
// is opened again by the next operation once the database answers. A batch of events is stored
// in a handful of statements whatever its size (arrays bound as one value each): PostgreSQL costs
// a round trip per statement.
class PostgresStore final : public SqlStore
{
public:
    // passwordFile: read at open() when set (its first line); else the URL's password, else
    // libpq's PGPASSWORD / ~/.pgpass.
    explicit PostgresStore(const DatabaseUrl &url, const QString &passwordFile = {});
    ~PostgresStore() override;

    bool open(QString *error) override;
    void close() override;

    static int schemaVersion();

protected:
    bool reconnect(QString *error) override;
    bool storeEvents(QList<NewEvent> &events, QList<AppendResult> &results,
                     QHash<qint64, qint64> *lastSeqs) override;

private:
    void dropOwnQueries();
    bool insertEvents(const QList<NewEvent *> &events, QSet<std::pair<qint64, QString>> *inserted);
    bool findStored(const QList<qint64> &senders, const QStringList &clientIds,
                    QHash<std::pair<qint64, QString>, ChatMessage> *stored);
    bool storeCounters(const QHash<qint64, qint64> &newest);

    DatabaseUrl m_url;
    QString m_passwordFile;
    std::optional<QSqlQuery> m_findStored; // prepared once per connection
    std::optional<QSqlQuery> m_lockCounters;
    std::optional<QSqlQuery> m_insertEvents;
    std::optional<QSqlQuery> m_storeCounters;
};
