// SPDX-License-Identifier: MIT
#pragma once

#include "eventsubmission.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

// Messages typed but not yet acknowledged, kept in a local SQLite file (one per server and user)
// so that they survive a crash or a restart of the client. Each has its clientId from the moment
// it is typed, and is resent with that same id until the server acknowledges it: the server stores
// a (sender, clientId) once, so a resend never duplicates. Edits, deletions and reactions made
// offline wait here the same way.
class Outbox
{
public:
    struct Item
    {
        QString clientId;
        QString room;
        QString body;
        QDateTime typedAt;
        bool failed = false;
        QString error;
        EventKind kind = EventKind::Message;
        QJsonObject fields; // the kind's fields besides body: replyTo, format, relatesTo, key, op

        EventSubmission submission() const { return {clientId, kind, body, fields}; }
    };

    Outbox();
    ~Outbox();
    Outbox(const Outbox &) = delete;
    Outbox &operator=(const Outbox &) = delete;

    bool open(const QString &path, QString *error);
    void close();
    bool isOpen() const { return m_db.isOpen(); }

    // Assigns the clientId.
    Item enqueue(const QString &room, const QString &body, EventKind kind = EventKind::Message,
                 const QJsonObject &fields = {});
    QList<Item> items() const; // in typing order, failed ones included
    void remove(const QString &clientId); // acknowledged
    void markFailed(const QString &clientId, const QString &error); // refused for good: kept, not sent
    int size() const;

private:
    QString m_connection;
    QSqlDatabase m_db;
};
