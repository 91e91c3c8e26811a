// SPDX-License-Identifier: MIT
#include "postgresbus.h"

#include "buslistener.h"
#include "threadhandoff.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

PostgresBus::PostgresBus(const DatabaseUrl &url, const QString &passwordFile, const QString &node,
                         QObject *parent)
    : MessageBus(parent), m_node(node)
{
    m_thread.setObjectName(u"chat-bus"_s);
    // Called on the bus thread, which stops before this object goes; what they post to it is
    // dropped by Qt if it is gone by then.
    BusListener::Handlers handlers;
    handlers.notice = [this](BusPayload::Notice notice) {
        ThreadHandOff::post(this, [this, notice = std::move(notice)] { onNotice(notice); });
    };
    handlers.listening = [this](bool listening) {
        ThreadHandOff::post(this, [this, listening] { onListening(listening); });
    };
    m_listener = new BusListener(url, passwordFile, node, std::move(handlers));
    m_listener->moveToThread(&m_thread);
}

PostgresBus::~PostgresBus()
{
    if (m_thread.isRunning()) {
        // Its connection is closed on the thread that opened it.
        ThreadHandOff::run(m_listener, [this] { delete m_listener; });
        m_thread.quit();
        m_thread.wait();
    } else {
        delete m_listener;
    }
}

void PostgresBus::start()
{
    m_thread.start();
    ThreadHandOff::post(m_listener, [listener = m_listener] { listener->start(); });
}

void PostgresBus::publishSends(const QHash<qint64, int> &sends)
{
    if (sends.isEmpty())
        return;
    ThreadHandOff::post(m_listener, [listener = m_listener, payloads = BusPayload::forSends(m_node, sends)] {
        listener->notify(BusPayload::kSendsChannel, payloads);
    });
}

void PostgresBus::publishEphemeral(const BusPayload::Ephemeral &item)
{
    ThreadHandOff::post(m_listener, [listener = m_listener, payloads = BusPayload::forEphemeral(m_node, {item})] {
        listener->notify(BusPayload::kSignalsChannel, payloads);
    });
}

void PostgresBus::publishOnline(const QHash<qint64, QString> &online)
{
    if (online.isEmpty())
        return;
    ThreadHandOff::post(m_listener, [listener = m_listener, payloads = BusPayload::forOnline(m_node, online)] {
        listener->notify(BusPayload::kSignalsChannel, payloads);
    });
}

void PostgresBus::onNotice(const BusPayload::Notice &notice)
{
    if (m_notifications)
        ++*m_notifications;
    if (m_lag && !notice.events.isEmpty()) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const ChatMessage &m : notice.events)
            m_lag->observe(double(std::max<qint64>(0, now - m.ts.toMSecsSinceEpoch())) / 1000.0);
    }
    if (!notice.events.isEmpty())
        emit received(notice.events);
    for (const BusPayload::RoomRange &r : notice.ranges)
        emit announced(r.room, r.first, r.last);
    if (!notice.tokens.isEmpty())
        emit tokensRevoked(notice.tokens);
    if (notice.roomChange)
        emit roomChanged(*notice.roomChange);
    for (const auto &[user, count] : notice.sends)
        emit sentElsewhere(user, count);
    for (const BusPayload::Ephemeral &e : notice.ephemeral)
        emit ephemeralElsewhere(notice.node, e);
    if (!notice.online.isEmpty())
        emit onlineElsewhere(notice.node, notice.online);
}

void PostgresBus::onListening(bool listening)
{
    if (m_listening == listening)
        return;
    m_listening = listening;
    emit listeningChanged(listening);
}
