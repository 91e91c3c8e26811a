// SPDX-License-Identifier: MIT
#pragma once

#include "databaseurl.h"
#include "sqlstore.h"

// SqlStore on PostgreSQL through QtSql's QPSQL driver (Debian: libqt6sql6-psql). Schema from
// :/sql/postgresql, its version in a schema_version table, applied under an advisory lock so that
// servers starting together migrate once. Several servers may share one database: seqs come from
// row-locked counters, and nothing read is trusted to be the newest without asking.
// A connection lost under load fails the operations in flight (no ack for anything unstored) and
// is opened again by the next operation once the database answers. Batches are written by
// PostgresEventWriter, in a handful of statements whatever their size.
class PostgresStore final : public SqlStore
{
public:
    // passwordFile: read at open() when set (its first line); else the URL's password, else
    // libpq's PGPASSWORD / ~/.pgpass.
    // A Reader skips the migration (its writer did it before).
    explicit PostgresStore(const DatabaseUrl &url, const QString &passwordFile = {},
                           StoreRole role = StoreRole::Writer);
    ~PostgresStore() override;

    bool open(QString *error) override;

    static int schemaVersion();
    // Connection settings of the URL (and password file) on db, not opened yet; false with
    // *error when the password file cannot be read.
    static bool configure(QSqlDatabase &db, const DatabaseUrl &url, const QString &passwordFile,
                          const QString &applicationName, QString *error);

    // The name this server gives its notifications to the others (PostgresBus skips its own).
    void setNode(const QString &node) { m_node = node; }

protected:
    SearchSql searchSql(const SearchQuery &query) const override;
    bool announceEvents(const QList<ChatMessage> &committed) override;
    bool announceRevoked(const QList<QByteArray> &digests) override;
    bool announceRoomChange(const RoomChange &change) override;

private:
    bool notify(const char *channel, const QList<QByteArray> &payloads);

    QString m_node;
    std::optional<QSqlQuery> m_notify;
    DatabaseUrl m_url;
    QString m_passwordFile;
    StoreRole m_role;
};
