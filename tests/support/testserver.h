// SPDX-License-Identifier: MIT
#pragma once

#include "chatserver.h"
#include "serverconfig.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

// A ChatServer in this process on 127.0.0.1:0 with a SQLite file in its own temporary directory
// (or the PostgreSQL database standing in for it: support/testdatabase.h).
class InProcessServer
{
public:
    explicit InProcessServer(ServerConfig config = {});
    bool start(); // false (with a warning) when the server did not come up
    void stop();  // destroys the server; the database file stays until this object goes

    QUrl http(const QString &path = {}) const;
    QUrl ws() const;
    QString dbPath() const { return m_dir.filePath(QStringLiteral("chat.db")); }
    ServerConfig &config() { return m_config; }

private:
    QTemporaryDir m_dir;
    ServerConfig m_config;
    std::unique_ptr<ChatServer> m_server;
    quint16 m_port = 0;
};

// The real chat-server binary in a child process (CHAT_SERVER_BINARY), port 0, given database
// (a file, or the PostgreSQL database standing in for it: support/testdatabase.h).
class ServerProcess
{
public:
    explicit ServerProcess(const QString &dbPath, const QStringList &extraArgs = {});
    ~ServerProcess();
    void setEnv(const QString &name, const QString &value); // CHAT_* settings for the child
    void setProgram(const QString &binary) { m_process.setProgram(binary); m_program.clear(); } // another chat-server
    // RLIMIT_NOFILE of the child; hard -1 = the same as soft (the server cannot raise it).
    void setFileLimit(int soft, int hard = -1);
    // Listen on this port instead of any free one (a restart then keeps the clients' URL).
    void setPort(quint16 port) { m_fixedPort = port; }
    // Hand the server this listening socket the way systemd socket activation does (descriptor
    // 3, LISTEN_FDS, LISTEN_PID), instead of letting it listen itself. The caller keeps it open.
    void setListener(int fd) { m_listener = fd; }
    static quint16 freePort();
    bool start(); // waits for the "listening on" line
    void kill();  // SIGKILL, waits for the exit
    bool terminate(int *exitCode); // SIGTERM, waits for a clean exit
    QUrl http(const QString &path = {}) const;
    QUrl ws() const;
    qint64 pid() const { return m_process.processId(); }
    qint64 rssKiB() const; // the server's resident memory (VmRSS), -1 when unknown
    QByteArray output() const { return m_output; }
    QByteArray log(); // its standard error (the log) so far

private:
    QString m_dbPath;
    QString m_program; // the server binary while m_process runs it through /bin/sh
    QStringList m_extraArgs;
    QProcess m_process;
    QByteArray m_output;
    QByteArray m_log;
    quint16 m_port = 0;
    quint16 m_fixedPort = 0;
    int m_softFiles = -1;
    int m_hardFiles = -1;
    int m_listener = -1;
};
