// SPDX-License-Identifier: MIT
#pragma once

#include "textframe.h"

#include <QByteArray>
#include <QString>
#include <QWebSocketProtocol>

struct AuthUser;

// What the Hub needs of a connection (a WsSession): it delivers room messages and pushes, flushes
// writes, keeps the link alive and closes it. The Hub never owns a subscriber; a subscriber
// registers itself (Hub::addSession) and leaves before it is destroyed (Hub::removeSession).
class Subscriber
{
public:
    virtual ~Subscriber() = default;

    // A committed event for a subscribed room; frame is the framed text shared by all
    // recipients. A subscriber that queues output asks the Hub for a flush()
    // (Hub::flushAfterThisPass), once until it is flushed.
    virtual void deliver(const QString &room, qint64 seq, const TextFrame &frame) = 0;
    virtual void flush() = 0;
    virtual void push(const TextFrame &frame) = 0;   // not a room's message; dropped before auth
    // Its user is no longer a member of room: nothing more of it, not even a catch-up in flight
    // (the Hub has taken it off the room's subscribers).
    virtual void leftRoom(const QString &room) = 0;
    virtual const AuthUser *user() const = 0;       // null until authenticated
    virtual void keepAlive(qint64 nowMs, qint64 intervalMs) = 0;
    virtual void close(QWebSocketProtocol::CloseCode code, const QString &reason) = 0;
    // The token it authenticated with reached its expiry (Hub's ExpiryWatch).
    virtual void expire() = 0;
    // A token was revoked (signed out, password changed; AuthService::digestOf names it): a
    // subscriber signed in with that token ends, the others ignore it.
    virtual void tokenRevoked(const QByteArray &digest) = 0;
    // Bytes written to it that its peer has not taken yet (in user space).
    virtual qint64 queuedBytes() const = 0;
    // Cuts it off at once, for not reading (a graceful close would wait behind the queue).
    virtual void dropForNotReading(const char *cap) = 0;
};
