// SPDX-License-Identifier: MIT
#pragma once

#include "store/databaseurl.h"
#include "store/sqlstore.h"

#include <QProcessEnvironment>

#include <memory>
#include <optional>

// The database chat-admin works on, named the way chat-server is told it: --db (a file or a
// postgresql:// URL), else CHAT_DB, else `db` in the [server] section of --config / CHAT_CONFIG,
// else the server's default file; the password file likewise (db_password_file).
struct AdminDatabase
{
    DatabaseUrl url;
    QString passwordFile;

    static std::optional<AdminDatabase> resolve(const QString &db, const QString &passwordFile,
                                                const QString &configFile,
                                                const QProcessEnvironment &env, QString *error);

    // A store on it. Writer: what changes anything. On SQLite that takes the server's lock, so
    // it is refused while a server runs on the file (a server keeps caches of what it wrote);
    // on PostgreSQL the running servers hear of revoked tokens as they hear each other. Reader:
    // lists, on a database that must exist, beside a running server.
    std::unique_ptr<SqlStore> open(StoreRole role, QString *error) const;
};
