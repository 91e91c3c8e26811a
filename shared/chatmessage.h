// SPDX-License-Identifier: MIT
#pragma once

#include "eventkind.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// A reaction on a message as a reader sees it: how many added this key, and whether they did.
struct Reaction
{
    QString key;
    int count = 0;
    bool me = false;

    friend bool operator==(const Reaction &a, const Reaction &b)
    {
        return a.key == b.key && a.count == b.count && a.me == b.me;
    }
};

// One event of a room's timeline (docs/protocol.md, "Events"; the kinds: eventkind.h).
struct ChatMessage
{
    QString id;       // server-assigned UUID
    QString room;
    qint64 seq = 0;   // per room over all kinds, from 1, no gaps
    QString sender;
    QString body;     // message: its current text ("" once deleted); edit: the new text
    QString clientId; // chosen by the sender; (sender, clientId) is stored once
    QDateTime ts;     // UTC, millisecond precision
    EventKind kind = EventKind::Message;
    QJsonObject fields; // the kind's own fields besides body (relatesTo, key, op, topic, …)
    bool edited = false;  // message: an edit was applied
    bool deleted = false; // message: deleted
    QList<Reaction> reactions; // message: as the reader who asked sees them
    // message: the seq of the newest edit, delete or reaction folded into this state (0: none).
    // A client applies a later event about this message only when its seq is larger.
    qint64 updatedSeq = 0;

    // The event object of docs/protocol.md: {"id","room","seq","kind","sender","ts","clientId"?,
    // …the kind's fields}, a message with its state (edited, deleted: no body, reactions,
    // updatedSeq). An event of a kind this build does not know parses with kind Unknown (its
    // fields kept) so that a client can skip it; a known kind with wrong fields is refused.
    QJsonObject toJson() const;
    static std::optional<ChatMessage> fromJson(const QJsonObject &json, QString *error = nullptr);

    friend bool operator==(const ChatMessage &a, const ChatMessage &b)
    {
        return a.id == b.id && a.room == b.room && a.seq == b.seq && a.sender == b.sender
                && a.body == b.body && a.clientId == b.clientId && a.ts == b.ts
                && a.kind == b.kind && a.fields == b.fields && a.edited == b.edited
                && a.deleted == b.deleted && a.reactions == b.reactions
                && a.updatedSeq == b.updatedSeq;
    }
};

// Wire form of timestamps: "2026-11-30T10:00:00.123Z".
QString formatTimestamp(const QDateTime &ts);
QDateTime parseTimestamp(const QString &text);
