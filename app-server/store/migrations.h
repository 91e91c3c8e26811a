// SPDX-License-Identifier: MIT
#pragma once

#include <QSqlDatabase>
#include <QString>

#include <functional>

// The schema of a database engine as resource files `:/sql/<engine>/NNN_<what>.sql`, applied in
// order by one runner, each file in its own transaction together with the new version number.
// Statements in a file end with ';' at the end of a line; lines starting with "--" are comments.
// Each engine says where it keeps its version (SQLite: PRAGMA user_version; PostgreSQL: a
// schema_version table).
namespace Migrations {

struct Engine
{
    QString name; // the resource folder: "sqlite", "postgresql"
    std::function<bool(QSqlDatabase &db, int *version, QString *error)> readVersion;
    std::function<bool(QSqlDatabase &db, int version, QString *error)> writeVersion;
};

Engine sqlite();
Engine postgresql();

int latest(const QString &engine); // the newest version shipped, 0 when none
// Brings db from the version it records to latest(); refuses a database newer than this build.
bool apply(QSqlDatabase &db, const Engine &engine, QString *error);

} // namespace Migrations
