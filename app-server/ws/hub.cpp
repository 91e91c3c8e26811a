// SPDX-License-Identifier: MIT
#include "hub.h"

#include "protocol.h"
#include "store/chatstore.h"
#include "subscriber.h"

#include <QDeadlineTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

Hub::Hub(int pingIntervalSecs, int corkMs, int presenceGraceMs, QObject *parent)
    : QObject(parent),
      m_corkMs(corkMs),
      m_pingIntervalMs(qint64(pingIntervalSecs) * 1000),
      m_typing([this](const QString &room, const QString &user, bool typing) {
          tellTyping(room, user, typing);
          emit typingTold(room, user, typing);
      }),
      m_presence(presenceGraceMs),
      m_expiries([](Subscriber *session) { session->expire(); })
{
    m_cork.setSingleShot(true);
    m_cork.setTimerType(Qt::PreciseTimer);
    connect(&m_cork, &QTimer::timeout, this, &Hub::flushPending);
    m_sinceFlush.start();
    // Sweep twice per interval so a silent peer is pinged within 1.5 intervals and dropped
    // within 2.5.
    m_keepAlive.setInterval(std::max<qint64>(m_pingIntervalMs / 2, 100));
    connect(&m_keepAlive, &QTimer::timeout, this, &Hub::sweep);
    m_keepAlive.start();
}

Hub::~Hub()
{
    // Sessions call back into the hub while they are destroyed: delete them while it is whole,
    // including those already disconnected and waiting for their deleteLater.
    const QObjectList sessions = children(); // the sessions ChatServer gave the hub as parent
    qDeleteAll(sessions);
}

void Hub::addSession(Subscriber *session)
{
    m_sessions.insert(session);
    emit sessionCountChanged(m_sessions.size());
}

void Hub::sessionAuthenticated(Subscriber *session)
{
    const AuthUser *user = session->user();
    if (!user || !m_sessions.contains(session))
        return;
    m_byUser[user->id].append(session);
    m_userIds.insert(user->name.toLower(), user->id);
    m_presence.sessionUp(user->id, user->name);
    m_expiries.watch(session, user->expires);
}

void Hub::pushToUsers(const QList<qint64> &userIds, const TextFrame &frame)
{
    for (qint64 id : userIds) {
        const auto it = m_byUser.constFind(id);
        if (it == m_byUser.cend())
            continue;
        for (Subscriber *s : *it)
            s->push(frame);
    }
}

void Hub::removeSession(Subscriber *session)
{
    // Destroyed between a broadcast and the flush: its place is kept, flushUnflushed counts by it.
    if (!m_unflushed.isEmpty())
        std::replace(m_unflushed.begin(), m_unflushed.end(), session, static_cast<Subscriber *>(nullptr));
    if (!m_sessions.remove(session))
        return;
    m_expiries.forget(session);
    if (const AuthUser *user = session->user()) {
        const auto it = m_byUser.find(user->id);
        if (it != m_byUser.end() && it->removeAll(session)) {
            m_presence.sessionDown(user->id, user->name);
            if (it->isEmpty()) {
                m_byUser.erase(it);
                m_userIds.remove(user->name.toLower());
            }
        }
    }
    for (auto it = m_rooms.begin(); it != m_rooms.end();) {
        it->remove(session);
        it = it->isEmpty() ? m_rooms.erase(it) : std::next(it);
    }
    emit sessionCountChanged(m_sessions.size());
}

void Hub::tokenRevoked(const QByteArray &digest)
{
    const QSet<Subscriber *> sessions = m_sessions; // a session that ends may leave the set
    for (Subscriber *s : sessions)
        s->tokenRevoked(digest);
}

void Hub::dropSlowest(qint64 userId, const char *cap)
{
    Subscriber *slowest = nullptr;
    for (Subscriber *s : std::as_const(m_sessions)) {
        if (userId != 0 && (!s->user() || s->user()->id != userId))
            continue;
        if (!slowest || s->queuedBytes() > slowest->queuedBytes())
            slowest = s;
    }
    if (slowest)
        slowest->dropForNotReading(cap);
}

void Hub::subscribe(const QString &room, Subscriber *session)
{
    m_rooms[room].insert(session);
}

void Hub::unsubscribe(const QString &room, Subscriber *session)
{
    const auto it = m_rooms.find(room);
    if (it == m_rooms.end())
        return;
    it->remove(session);
    if (it->isEmpty())
        m_rooms.erase(it);
}

void Hub::broadcast(const QList<ChatMessage> &messages)
{
    // Corking (ws_cork_ms): a pass writes to every subscriber's socket once, and one write costs
    // about the same for one message as for ten. With a cork, passes are at most one per corkMs:
    // a message after a quiet spell goes out at once, the ones that follow within corkMs gather
    // and go out together. Off (0) by default: measured trade-off in docs/performance.md.
    if (m_cork.isActive()) { // a pass is due: these go with it
        m_pending.append(messages);
        return;
    }
    const qint64 since = m_sinceFlush.elapsed();
    if (since >= m_corkMs) {
        m_sinceFlush.restart();
        deliver(messages);
        return;
    }
    m_pending = messages;
    m_cork.start(int(m_corkMs - since));
}

void Hub::flushPending()
{
    m_sinceFlush.restart();
    deliver(std::exchange(m_pending, {}));
}

qsizetype Hub::subscriptionCount() const
{
    qsizetype n = 0;
    for (const auto &subscribers : m_rooms)
        n += subscribers.size();
    return n;
}

void Hub::deliver(const QList<ChatMessage> &messages)
{
    for (const ChatMessage &m : messages) {
        const auto it = m_rooms.constFind(m.room);
        if (it == m_rooms.cend()) {
            if (m.kind == EventKind::Member)
                memberChanged(m);
            continue;
        }
        const TextFrame frame = m_frames.frameFor(m);
        m_handedOut += quint64(it->size());
        // deliver() never closes synchronously, so the set cannot change under this loop.
        for (Subscriber *s : *it)
            s->deliver(m.room, m.seq, frame);
        if (m.kind == EventKind::Member)
            memberChanged(m);
        else if (m.kind == EventKind::Message)
            m_typing.messageFrom(m.room, m.sender);
    }
}

void Hub::typing(const QString &room, const AuthUser &user, bool typing)
{
    m_typing.set(room, user.name, typing);
}

void Hub::typingElsewhere(const QString &room, const QString &user, bool typing)
{
    tellTyping(room, user, typing);
}

void Hub::tellTyping(const QString &room, const QString &user, bool typing)
{
    const auto it = m_rooms.constFind(room);
    if (it == m_rooms.cend())
        return;
    const TextFrame frame(ServerFrame::typingOf(room, user, typing).toJson());
    for (Subscriber *s : *it) {
        if (const AuthUser *u = s->user(); u && u->name.compare(user, Qt::CaseInsensitive) != 0)
            s->push(frame);
    }
}

void Hub::memberChanged(const ChatMessage &event)
{
    const QString change = event.fields.value("change"_L1).toString();
    const QString user = event.fields.value("user"_L1).toString();
    const bool gone = change == "leave"_L1 || change == "kick"_L1;
    if (!gone && change != "join"_L1 && change != "invite"_L1)
        return; // a role: the event says it all
    // "left", "kicked", "joined", "invited": the user's sessions reload their room list.
    const QString pushed = change == "leave"_L1 ? u"left"_s
            : change == "kick"_L1              ? u"kicked"_s
            : change == "join"_L1              ? u"joined"_s
                                               : u"invited"_s;
    const TextFrame frame(ServerFrame::roomChanged(event.room, pushed, false, event.sender).toJson());
    if (gone)
        m_typing.left(event.room, user);
    for (Subscriber *s : sessionsOf(user)) {
        if (gone) {
            unsubscribe(event.room, s);
            s->leftRoom(event.room);
        }
        s->push(frame);
    }
}

QList<Subscriber *> Hub::sessionsOf(qint64 userId) const
{
    return m_byUser.value(userId);
}

QList<Subscriber *> Hub::sessionsOf(const QString &user) const
{
    const auto id = m_userIds.constFind(user.toLower());
    return id == m_userIds.cend() ? QList<Subscriber *>{} : m_byUser.value(*id);
}

void Hub::readMarkerMoved(qint64 userId, const QString &room, qint64 seq, Subscriber *except)
{
    const TextFrame frame(ServerFrame::readMarker(room, seq).toJson());
    for (Subscriber *s : sessionsOf(userId)) {
        if (s != except)
            s->push(frame);
    }
    emit readMarkerTold(userId, room, seq);
}

void Hub::readMarkerElsewhere(qint64 userId, const QString &room, qint64 seq)
{
    pushToUsers({userId}, TextFrame(ServerFrame::readMarker(room, seq).toJson()));
}

void Hub::roomCreated(const QString &room, bool isPrivate, qint64 creatorId, const QString &creator)
{
    const TextFrame frame(ServerFrame::roomChanged(room, u"created"_s, isPrivate, creator).toJson());
    push(frame, [isPrivate, creatorId](const AuthUser &user) {
        return !isPrivate || user.id == creatorId;
    });
}

void Hub::userInvited(const QString &room, const QString &user, const QString &by)
{
    const TextFrame frame(ServerFrame::roomChanged(room, u"invited"_s, true, by).toJson());
    for (Subscriber *s : sessionsOf(user))
        s->push(frame);
}

void Hub::roomArchived(const QString &room, bool isPrivate, bool archived)
{
    const TextFrame frame(
            ServerFrame::roomChanged(room, archived ? u"archived"_s : u"unarchived"_s, isPrivate, {}).toJson());
    if (!isPrivate) {
        push(frame, [](const AuthUser &) { return true; });
        return;
    }
    for (Subscriber *s : m_rooms.value(room))
        s->push(frame);
}

void Hub::push(const TextFrame &frame, const std::function<bool(const AuthUser &)> &to)
{
    for (Subscriber *s : std::as_const(m_sessions)) {
        if (const AuthUser *user = s->user(); user && to(*user))
            s->push(frame);
    }
}

void Hub::flushAfterThisPass(Subscriber *session)
{
    // Posted: it runs when the event loop has handled what was ready in this pass, so that a
    // broadcast, a catch-up page or the answers to a burst of frames go out in one write per
    // socket. (Not at aboutToBlock: a loop that is never idle, or processEvents() without
    // waiting, would not flush at all.)
    if (m_unflushed.isEmpty())
        QMetaObject::invokeMethod(this, &Hub::flushUnflushed, Qt::QueuedConnection);
    m_unflushed.append(session);
}

void Hub::flushUnflushed()
{
    // In slices of at most m_flushBudget: the rest is posted again, so that what else is ready
    // (an HTTP request, a frame from a client) is served between slices instead of after a
    // whole room's write-out. By index: a flush can append to the list (a session that owes one
    // more) or null an entry (removeSession, a socket that closed on the write).
    QElapsedTimer slice;
    slice.start();
    qsizetype n = 0;
    while (n < m_unflushed.size()) {
        if (Subscriber *s = m_unflushed[n++])
            s->flush();
        if (slice.nsecsElapsed() >= m_flushBudget.count())
            break;
    }
    m_unflushed.remove(0, n);
    if (!m_unflushed.isEmpty())
        QMetaObject::invokeMethod(this, &Hub::flushUnflushed, Qt::QueuedConnection);
}

void Hub::closeAll(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    m_cork.stop();
    flushPending(); // what was committed goes out before the close frames
    const QSet<Subscriber *> sessions = m_sessions;
    for (Subscriber *s : sessions)
        s->close(code, reason);
}

void Hub::sweep()
{
    const qint64 now = QDeadlineTimer::current().deadline();
    const QSet<Subscriber *> sessions = m_sessions;
    for (Subscriber *s : sessions)
        s->keepAlive(now, m_pingIntervalMs);
}
