// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "errorcode.h"
#include "eventsubmission.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

// The WebSocket wire contract (docs/protocol.md). One place that turns frames into JSON text
// and back; neither side builds frames by hand.

namespace Protocol {
inline constexpr int kVersion = 2;
// The WebSocket subprotocol a client asks for in its upgrade request; without it the server
// answers upgrade_required.
inline constexpr char kSubprotocol[] = "chat.v2";
// What hello lists in "features": the event kinds a client may send.
QStringList features();
} // namespace Protocol

// A frame a client sends.
struct ClientFrame
{
    enum class Type { Subscribe, Unsubscribe, Send, Ping, Read, Typing };
    Type type = Type::Ping;
    QString room;                // subscribe, unsubscribe, send, read, typing
    std::optional<qint64> after; // subscribe: resume after this seq; absent = live only
    EventSubmission event;       // send
    qint64 seq = 0;              // read: the newest seq the user has seen
    bool typing = false;         // typing

    QByteArray toJson() const;

    static ClientFrame subscribe(const QString &room, std::optional<qint64> after = std::nullopt);
    static ClientFrame unsubscribe(const QString &room);
    static ClientFrame send(const QString &room, const EventSubmission &event);
    static ClientFrame send(const QString &room, const QString &clientId, const QString &body)
    {
        return send(room, EventSubmission::message(clientId, body));
    }
    static ClientFrame ping() { return {}; }
    static ClientFrame read(const QString &room, qint64 seq);
    static ClientFrame typingIn(const QString &room, bool typing);
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
    enum class Type { Hello, Subscribed, Ack, Event, Error, Pong, Room, Read, Typing, Presence };
    Type type = Type::Pong;
    QString user;      // hello; room: who created the room or invited the user; typing, presence
    QString epoch;     // hello
    int maxBodyBytes = 0; // hello: the longest message body the server takes (0 = not said)
    int protocol = 0;     // hello: the contract version the server speaks
    QStringList features; // hello
    QString change;    // room: "created" (a room the user can now see) or "invited"
    bool isPrivate = false; // room
    QString room;      // subscribed, ack, room
    qint64 lastSeq = 0; // subscribed
    QString clientId;  // ack, error (when known)
    qint64 seq = 0;    // ack; read: the user's read marker in room
    bool typing = false; // typing
    bool online = false; // presence
    QDateTime lastSeen;  // presence: when an offline user was last online (invalid: not said)
    QString id;        // ack
    ChatMessage event;   // event
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
    static ServerFrame eventFrame(const ChatMessage &m);
    static ServerFrame error(ErrorCode code, const QString &text,
                             const QString &clientId = {});
    static ServerFrame readMarker(const QString &room, qint64 seq);
    static ServerFrame typingOf(const QString &room, const QString &user, bool typing);
    static ServerFrame presence(const QString &user, bool online, const QDateTime &lastSeen = {});
};
