// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QWebSocketProtocol>

#include <functional>

struct AuthUser;
class Subscriber;

// Who is connected and who listens to which room, as Subscribers (the hub knows no WsSession).
// Broadcasts each committed event ({"type":"event"}) once serialised to every subscriber, and pings idle
// connections.
class Hub : public QObject
{
    Q_OBJECT
public:
    Hub(int pingIntervalSecs, int corkMs, QObject *parent = nullptr);
    ~Hub() override;

    void addSession(Subscriber *session);
    void removeSession(Subscriber *session);
    void subscribe(const QString &room, Subscriber *session);
    void unsubscribe(const QString &room, Subscriber *session);

    void broadcast(const QList<ChatMessage> &messages);
    // Tells connected users about a room they can now see: a public room to everyone, a private
    // one to its creator's other sessions; an invite to the invited user's sessions.
    void roomCreated(const QString &room, bool isPrivate, qint64 creatorId, const QString &creator);
    void userInvited(const QString &room, const QString &user, const QString &by);
    // A room archived or taken out of the archive: to everyone for a public room, to the
    // sessions subscribed to it for a private one (its other members see it at their next
    // room-list reload).
    void roomArchived(const QString &room, bool isPrivate, bool archived);
    void closeAll(QWebSocketProtocol::CloseCode code, const QString &reason);
    // Drops the connection with the most bytes queued, of userId's (or, with 0, of everyone's):
    // a cap on queued output was passed.
    void dropSlowest(qint64 userId, const char *cap);
    qsizetype sessionCount() const { return m_sessions.size(); }
    QStringList rooms() const { return m_rooms.keys(); } // with a subscriber here
    qsizetype subscriptionCount() const;
    quint64 eventsHandedOut() const { return m_handedOut; } // to subscribers, since start

signals:
    void sessionCountChanged(qsizetype count);

private:
    void sweep();
    void flushPending();
    void deliver(const QList<ChatMessage> &messages);
    void flushUnflushed();
    void push(const QString &frame, const std::function<bool(const AuthUser &)> &to);

    QSet<Subscriber *> m_sessions;
    QHash<QString, QSet<Subscriber *>> m_rooms;
    QList<ChatMessage> m_pending; // committed, waiting for the cork timer
    QList<Subscriber *> m_unflushed; // written to since the event loop last waited
    QTimer m_cork;
    QElapsedTimer m_sinceFlush;
    int m_corkMs;
    quint64 m_handedOut = 0;
    QTimer m_keepAlive;
    qint64 m_pingIntervalMs;
};
