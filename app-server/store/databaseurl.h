// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

// Where the server keeps its data, as given by --db:
//   PATH or sqlite:PATH                       an embedded SQLite file
//   postgresql://[USER[:PASSWORD]@][HOST][:PORT]/DBNAME[?host=SOCKETDIR&port=N]
// (postgres:// too). HOST may be a unix socket directory given as ?host=/run/postgresql. With no
// password in the URL (the usual case) libpq takes it from PGPASSWORD or ~/.pgpass, or the
// server reads --db-password-file.
struct DatabaseUrl
{
    enum class Engine { Sqlite, PostgreSql };
    Engine engine = Engine::Sqlite;
    QString path;     // SQLite file
    QString host;     // PostgreSQL host name or socket directory; empty = libpq's default
    int port = -1;    // -1 = libpq's default (5432)
    QString user;     // empty = libpq's default (the OS user)
    QString password; // rarely in the URL; see passwordFile
    QString database;

    static std::optional<DatabaseUrl> parse(const QString &text, QString *error);
    bool isPostgreSql() const { return engine == Engine::PostgreSql; }
    QString displayName() const; // for logs: never shows the password
};
