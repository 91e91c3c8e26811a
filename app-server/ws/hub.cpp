// SPDX-License-Identifier: MIT
#include "hub.h"

#include "protocol.h"
#include "wssession.h"

#include <QDeadlineTimer>

Hub::Hub(int pingIntervalSecs, QObject *parent)
    : QObject(parent), m_pingIntervalMs(qint64(pingIntervalSecs) * 1000)
{
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
    qDeleteAll(findChildren<WsSession *>(Qt::FindDirectChildrenOnly));
}

void Hub::addSession(WsSession *session)
{
    m_sessions.insert(session);
    emit sessionCountChanged(m_sessions.size());
}

void Hub::removeSession(WsSession *session)
{
    if (!m_sessions.remove(session))
        return;
    for (auto it = m_rooms.begin(); it != m_rooms.end();) {
        it->remove(session);
        it = it->isEmpty() ? m_rooms.erase(it) : std::next(it);
    }
    emit sessionCountChanged(m_sessions.size());
}

void Hub::subscribe(const QString &room, WsSession *session)
{
    m_rooms[room].insert(session);
}

void Hub::unsubscribe(const QString &room, WsSession *session)
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
    for (const ChatMessage &m : messages) {
        const auto it = m_rooms.constFind(m.room);
        if (it == m_rooms.cend())
            continue;
        const QString frame = QString::fromUtf8(ServerFrame::messageFrame(m).toJson());
        // deliver() never closes synchronously, so the set cannot change under this loop.
        for (WsSession *s : *it)
            s->deliver(m.room, m.seq, frame);
    }
}

void Hub::closeAll(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    const QSet<WsSession *> sessions = m_sessions;
    for (WsSession *s : sessions)
        s->close(code, reason);
}

void Hub::sweep()
{
    const qint64 now = QDeadlineTimer::current().deadline();
    const QSet<WsSession *> sessions = m_sessions;
    for (WsSession *s : sessions)
        s->keepAlive(now, m_pingIntervalMs);
}
