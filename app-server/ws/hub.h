// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "eventframecache.h"
#include "expirywatch.h"
#include "presencetracker.h"
#include "textframe.h"
#include "typingtracker.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QWebSocketProtocol>

#include <chrono>
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
    Hub(int pingIntervalSecs, int corkMs, int presenceGraceMs = PresenceTracker::kGraceMs,
        QObject *parent = nullptr);
    ~Hub() override;

    void addSession(Subscriber *session);
    // The session's user is known now (it authenticated): it is found by user from here on.
    void sessionAuthenticated(Subscriber *session);
    void removeSession(Subscriber *session);
    // Logout, or a password change: each session signed in with that token ends at once, not at
    // its next request. (One connection for all sessions: a connection of each session's own
    // was memory on every idle WebSocket and one slot call per session per revocation.)
    void tokenRevoked(const QByteArray &digest);
    void subscribe(const QString &room, Subscriber *session);
    void unsubscribe(const QString &room, Subscriber *session);

    void broadcast(const QList<ChatMessage> &messages);
    // The framed {"type":"event"} of an event, made once for all who get the same event
    // (EventFrameCache): the live broadcast and catch-ups.
    TextFrame eventFrame(const ChatMessage &event) { return m_frames.frameFor(event); }
    // The session queued output: its flush() comes once the event loop has handled this pass,
    // for all that the pass queued. A session asks once until it is flushed.
    void flushAfterThisPass(Subscriber *session);
    // How long one pass writes out before the event loop serves what else is ready; the rest
    // follows in the next pass. 1 ms by default: measured in docs/performance.md (2026-12-04).
    void setFlushBudget(std::chrono::nanoseconds budget) { m_flushBudget = budget; }
    // Tells connected users about a room they can now see: a public room to everyone, a private
    // one to its creator's other sessions; an invite to the invited user's sessions.
    void roomCreated(const QString &room, bool isPrivate, qint64 creatorId, const QString &creator);
    void userInvited(const QString &room, const QString &user, const QString &by);
    // A room archived or taken out of the archive: to everyone for a public room, to the
    // sessions subscribed to it for a private one (its other members see it at their next
    // room-list reload).
    void roomArchived(const QString &room, bool isPrivate, bool archived);
    // The user's read marker in room moved: to all their sessions ({"type":"read"}).
    void readMarkerMoved(qint64 userId, const QString &room, qint64 seq, Subscriber *except = nullptr);
    // Another server's session moved it: told to the user's sessions here.
    void readMarkerElsewhere(qint64 userId, const QString &room, qint64 seq);
    // Sessions of a user (by id, or by name ignoring case) authenticated here.
    QList<Subscriber *> sessionsOf(qint64 userId) const;
    QList<Subscriber *> sessionsOf(const QString &user) const;
    // Online here or on another server of the database (PresenceTracker).
    bool isOnline(const QString &user) const { return m_presence.isOnline(user); }
    PresenceTracker &presence() { return m_presence; }
    // A frame to every session here of these users.
    void pushToUsers(const QList<qint64> &userIds, const TextFrame &frame);
    // Subscribers of a room here.
    QList<Subscriber *> subscribersOf(const QString &room) const { return m_rooms.value(room).values(); }
    // A typing frame of user's session subscribed to room (TypingTracker).
    void typing(const QString &room, const AuthUser &user, bool typing);
    // Another server's typist: told to the room's subscribers here (that server tracks it).
    void typingElsewhere(const QString &room, const QString &user, bool typing);
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
    // What this server's typists do, for the other servers of the database.
    void typingTold(const QString &room, const QString &user, bool typing);
    void readMarkerTold(qint64 userId, const QString &room, qint64 seq);

private:
    void sweep();
    void flushPending();
    void deliver(const QList<ChatMessage> &messages);
    // A member event's effect on the sessions here, after its frame went out: whoever left or
    // was removed is taken off the room at once, and the user it names hears of it.
    void memberChanged(const ChatMessage &event);
    void flushUnflushed();
    void push(const TextFrame &frame, const std::function<bool(const AuthUser &)> &to);

    QSet<Subscriber *> m_sessions;
    QHash<qint64, QList<Subscriber *>> m_byUser; // authenticated sessions by user id
    QHash<QString, qint64> m_userIds;            // lower-case name -> id, of users with sessions
    QHash<QString, QSet<Subscriber *>> m_rooms;
    QList<ChatMessage> m_pending; // committed, waiting for the cork timer
    QList<Subscriber *> m_unflushed; // to flush before the event loop waits
    std::chrono::nanoseconds m_flushBudget = std::chrono::milliseconds(1);
    QTimer m_cork;
    QElapsedTimer m_sinceFlush;
    int m_corkMs;
    quint64 m_handedOut = 0;
    QTimer m_keepAlive;
    ExpiryWatch m_expiries;
    EventFrameCache m_frames;
    TypingTracker m_typing;
    PresenceTracker m_presence;
    void tellTyping(const QString &room, const QString &user, bool typing);
    qint64 m_pingIntervalMs;
};
