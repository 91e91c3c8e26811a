// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>
#include <QString>
#include <QTemporaryDir>

#include <optional>

// A PostgreSQL server of the test's own: initdb into a temporary directory, pg_ctl start with a
// unix socket in that directory and no TCP listener, stopped and deleted at the end. Never a
// shared instance. As root (initdb refuses to run as root) the server runs as the "postgres"
// user of Debian's package, or "nobody"; the directory is handed to that user.
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    static QString binDir(); // empty when PostgreSQL is not installed
    bool start();            // initdb on first use; false (with a warning) on failure
    bool stop();             // fast shutdown; the data stays for the next start()
    bool kill();             // SIGKILL of the postmaster: a crash, the data stays
    bool isRunning() const;

    QString socketDir() const { return m_dir.filePath(QStringLiteral("socket")); }
    int port() const { return 5432; } // names the socket file only: there is no TCP listener
    QString user() const { return QStringLiteral("chat"); }
    // postgresql://chat@/DB?host=<socket dir> style for chat-server --db
    QString url(const QString &database) const;
    bool createDatabase(const QString &name); // through QPSQL, as the harness' superuser
    // One statement as the superuser on the postgres database; the first column of each row.
    std::optional<QStringList> query(const QString &sql);
    QString log() const;

private:
    bool run(const QStringList &command, QString *output = nullptr, bool asServer = true) const;
    QStringList asServerUser(const QStringList &command) const;

    QTemporaryDir m_dir;
    bool m_initialised = false;
    QString m_runAs; // empty: run as ourselves
};
