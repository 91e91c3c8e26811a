// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "errorcode.h"

#include <QByteArray>
#include <QString>

#include <optional>

// The WebSocket wire contract v1 (docs/protocol.md). One place that turns frames into JSON text
// and back; neither side builds frames by hand.

// A frame a client sends.
struct ClientFrame
{
    enum class Type { Subscribe, Unsubscribe, Send, Ping };
    Type type = Type::Ping;
    QString room;                // subscribe, unsubscribe, send
    std::optional<qint64> after; // subscribe: resume after this seq; absent = live only
    QString clientId;            // send
    QString body;                // send

    QByteArray toJson() const;

    static ClientFrame subscribe(const QString &room, std::optional<qint64> after = std::nullopt);
    static ClientFrame unsubscribe(const QString &room);
    static ClientFrame send(const QString &room, const QString &clientId, const QString &body);
    static ClientFrame ping() { return {}; }
};

// Why a client frame was refused; clientId is filled when the frame carried one.
struct FrameError
{
    ErrorCode code = ErrorCode::Unknown;
    QString message;
    QString clientId;
};

// Parses one text frame; on failure returns nullopt and fills *error.
std::optional<ClientFrame> parseClientFrame(const QByteArray &utf8, int maxBodyBytes,
                                            FrameError *error);

// A frame the server sends.
struct ServerFrame
{
    enum class Type { Hello, Subscribed, Ack, Message, Error, Pong, Room };
    Type type = Type::Pong;
    QString user;      // hello; room: who created the room or invited the user
    QString epoch;     // hello
    int maxBodyBytes = 0; // hello: the longest message body the server takes (0 = not said)
    QString change;    // room: "created" (a room the user can now see) or "invited"
    bool isPrivate = false; // room
    QString room;      // subscribed, ack, room
    qint64 lastSeq = 0; // subscribed
    QString clientId;  // ack, error (when known)
    qint64 seq = 0;    // ack
    QString id;        // ack
    ChatMessage message; // message
    ErrorCode code = ErrorCode::Unknown; // error
    QString text;      // error: human-readable message

    QByteArray toJson() const;
    static std::optional<ServerFrame> parse(const QByteArray &utf8, QString *error = nullptr);

    static ServerFrame hello(const QString &user, const QString &epoch, int maxBodyBytes);
    // The user's room list changed: a room appeared that they can see or were invited to.
    static ServerFrame roomChanged(const QString &room, const QString &change, bool isPrivate,
                                   const QString &by);
    static ServerFrame subscribed(const QString &room, qint64 lastSeq);
    static ServerFrame ack(const ChatMessage &m);
    static ServerFrame messageFrame(const ChatMessage &m);
    static ServerFrame error(ErrorCode code, const QString &text,
                             const QString &clientId = {});
};
