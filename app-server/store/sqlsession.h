// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <optional>

// The store thread's one QtSql connection and what every statement on it goes through. Hot
// statements are prepared once per connection (prepared()); a failed statement marks the session
// broken, and the next operation probes the connection with SELECT 1 and reopens it when the
// database is back (ensureConnected()), so an outage fails operations instead of the server.
class SqlSession
{
public:
    explicit SqlSession(const QString &connectionPrefix);
    ~SqlSession();
    SqlSession(const SqlSession &) = delete;
    SqlSession &operator=(const SqlSession &) = delete;

    bool addConnection(const QString &driver); // false when QtSql has no such driver
    QSqlDatabase &db() { return m_db; }
    void close(); // drops the prepared statements, closes and removes the connection

    // Prepares sql in slot on first use. Every slot handed out here is reset when the connection
    // is reopened or closed, so its owner must outlive this session's close().
    QSqlQuery &prepared(std::optional<QSqlQuery> &slot, const QString &sql);
    bool exec(QSqlQuery &query);        // logs a failure and marks the session broken
    bool run(const QString &statement); // one without bound values: SAVEPOINT, …
    bool begin();
    bool commit();
    void rollback();

    bool broken() const { return m_broken; }
    void markBroken() { m_broken = true; }
    // Before each operation; false when the database is still unreachable.
    bool ensureConnected();

private:
    void dropPrepared();

    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_broken = false;
    QList<std::optional<QSqlQuery> *> m_slots;
};
