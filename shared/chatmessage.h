// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

// One stored chat message as it travels on the wire (docs/protocol.md, "Message object").
struct ChatMessage
{
    QString id;       // server-assigned UUID
    QString room;
    qint64 seq = 0;   // per room, from 1, no gaps
    QString sender;
    QString body;
    QString clientId; // chosen by the sender; (sender, clientId) is stored once
    QDateTime ts;     // UTC, millisecond precision

    QJsonObject toJson() const;
    static std::optional<ChatMessage> fromJson(const QJsonObject &json, QString *error = nullptr);

    friend bool operator==(const ChatMessage &a, const ChatMessage &b)
    {
        return a.id == b.id && a.room == b.room && a.seq == b.seq && a.sender == b.sender
                && a.body == b.body && a.clientId == b.clientId && a.ts == b.ts;
    }
};

// Wire form of timestamps: "2026-11-30T10:00:00.123Z".
QString formatTimestamp(const QDateTime &ts);
QDateTime parseTimestamp(const QString &text);
