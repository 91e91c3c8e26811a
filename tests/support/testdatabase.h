// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class PostgresServer;

// The database the test servers run on. By default the SQLite file a test names; with
// CHAT_TEST_BACKEND=postgresql (the *_postgresql variants CTest registers) a database of this
// test process' own PostgreSQL server (tests/support/pgserver, started on first use, stopped when
// the application object goes), named after that file, so a server restarted on the same file
// finds the same data.
namespace TestDatabase {

bool isPostgreSql();
QString backendName(); // "sqlite" or "postgresql"
// What to pass as chat-server --db for the SQLite file `path`: the path itself, or the URL of
// the PostgreSQL database standing in for it (created on first use). Empty when PostgreSQL did
// not start (with a warning).
QString forPath(const QString &path);
PostgresServer *postgres(); // the running test PostgreSQL, nullptr for SQLite runs

} // namespace TestDatabase
