// SPDX-License-Identifier: MIT
#include "hub.h"

#include "protocol.h"
#include "store/chatstore.h"
#include "subscriber.h"

#include <QAbstractEventDispatcher>
#include <QDeadlineTimer>

using namespace Qt::StringLiterals;

Hub::Hub(int pingIntervalSecs, int corkMs, QObject *parent)
    : QObject(parent), m_corkMs(corkMs), m_pingIntervalMs(qint64(pingIntervalSecs) * 1000)
{
    m_cork.setSingleShot(true);
    m_cork.setTimerType(Qt::PreciseTimer);
    connect(&m_cork, &QTimer::timeout, this, &Hub::flushPending);
    m_sinceFlush.start();
    if (auto *dispatcher = QAbstractEventDispatcher::instance())
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, &Hub::flushUnflushed);
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

void Hub::removeSession(Subscriber *session)
{
    if (!m_unflushed.isEmpty())
        m_unflushed.removeAll(session); // destroyed between a broadcast and the flush
    if (!m_sessions.remove(session))
        return;
    for (auto it = m_rooms.begin(); it != m_rooms.end();) {
        it->remove(session);
        it = it->isEmpty() ? m_rooms.erase(it) : std::next(it);
    }
    emit sessionCountChanged(m_sessions.size());
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
        if (it == m_rooms.cend())
            continue;
        const QString frame = QString::fromUtf8(ServerFrame::eventFrame(m).toJson());
        m_handedOut += quint64(it->size());
        // deliver() never closes synchronously, so the set cannot change under this loop.
        for (Subscriber *s : *it) {
            if (s->deliver(m.room, m.seq, frame))
                m_unflushed.append(s);
        }
    }
}

void Hub::roomCreated(const QString &room, bool isPrivate, qint64 creatorId, const QString &creator)
{
    const QString frame = QString::fromUtf8(
            ServerFrame::roomChanged(room, u"created"_s, isPrivate, creator).toJson());
    push(frame, [isPrivate, creatorId](const AuthUser &user) {
        return !isPrivate || user.id == creatorId;
    });
}

void Hub::userInvited(const QString &room, const QString &user, const QString &by)
{
    const QString frame =
            QString::fromUtf8(ServerFrame::roomChanged(room, u"invited"_s, true, by).toJson());
    push(frame, [user](const AuthUser &u) { return u.name.compare(user, Qt::CaseInsensitive) == 0; });
}

void Hub::roomArchived(const QString &room, bool isPrivate, bool archived)
{
    const QString frame = QString::fromUtf8(
            ServerFrame::roomChanged(room, archived ? u"archived"_s : u"unarchived"_s, isPrivate, {})
                    .toJson());
    if (!isPrivate) {
        push(frame, [](const AuthUser &) { return true; });
        return;
    }
    for (Subscriber *s : m_rooms.value(room))
        s->push(frame);
}

void Hub::push(const QString &frame, const std::function<bool(const AuthUser &)> &to)
{
    for (Subscriber *s : std::as_const(m_sessions)) {
        if (const AuthUser *user = s->user(); user && to(*user))
            s->push(frame);
    }
}

void Hub::flushUnflushed()
{
    // The event loop is about to wait: write what the broadcasts of this pass queued, one write
    // per socket, instead of polling every such socket for writability first.
    for (Subscriber *s : std::exchange(m_unflushed, {}))
        s->flush();
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
