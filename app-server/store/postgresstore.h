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

private:
    DatabaseUrl m_url;
    QString m_passwordFile;
    StoreRole m_role;
};
