// SPDX-License-Identifier: MIT
#pragma once

#include "sqlstore.h"

#include <QLockFile>

#include <memory>

// SqlStore on an embedded SQLite file (QSQLITE): WAL, synchronous=NORMAL, schema from
// :/sql/sqlite keyed by PRAGMA user_version. One server per file, held by a lock file beside it,
// so the newest seq of each room is known from this server's own commits. A Reader opens the file
// read-only beside the writer of the same server (no lock, no migration).
class SqliteStore final : public SqlStore
{
public:
    explicit SqliteStore(const QString &path, StoreRole role = StoreRole::Writer);
    ~SqliteStore() override;

    bool open(QString *error) override;
    void close() override;

    static int schemaVersion(); // newest migration shipped in resources

protected:
    SearchSql searchSql(const SearchQuery &query) const override;

private:
    bool openReader(QString *error);
    bool checkIntegrity(QString *error); // PRAGMA quick_check

    QString m_path;
    StoreRole m_role;
    std::unique_ptr<QLockFile> m_lock;
};
