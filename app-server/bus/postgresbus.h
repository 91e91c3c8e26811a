// SPDX-License-Identifier: MIT
#pragma once

#include "messagebus.h"

#include "buspayload.h"
#include "metrics.h"
#include "store/databaseurl.h"

#include <QThread>

class BusListener;

// The bus of servers sharing one PostgreSQL. This server's commits are received at once (as on
// the LocalBus); the others' arrive as NOTIFY payloads (bus/buspayload.h) on a connection of the
// bus' own, LISTENing on a thread of its own through QtSql (QSqlDriver::subscribeToNotification).
// Notifications are not durable: while that connection is down nothing is heard, so listening()
// turns false, and true again once it listens anew, when whoever relays the bus must read again
// what it may have missed (Sequencer::resync).
class PostgresBus final : public MessageBus
{
    Q_OBJECT
public:
    PostgresBus(const DatabaseUrl &url, const QString &passwordFile, const QString &node,
                QObject *parent = nullptr);
    ~PostgresBus() override;

    void start();
    bool isListening() const { return m_listening; }
    const QString &node() const { return m_node; }

    void publish(const QList<ChatMessage> &committed) override { emit received(committed); }
    // What this server let each user send lately, for the others' send limits (best effort).
    void publishSends(const QHash<qint64, int> &sends);
    // Typing, read markers and presence of this server's sessions, and its online users.
    void publishEphemeral(const BusPayload::Ephemeral &item);
    void publishOnline(const QHash<qint64, QString> &online);
    // Metrics of what is heard: notifications, and how long after their commit began the
    // events carried in them arrived here.
    void count(quint64 *notifications, Metrics::Histogram *lagSeconds)
    {
        m_notifications = notifications;
        m_lag = lagSeconds;
    }

signals:
    // Another server committed seqs first..last of room; the events did not fit a payload.
    void announced(const QString &room, qint64 first, qint64 last);
    void tokensRevoked(const QList<QByteArray> &digests); // by another server
    void roomChanged(const RoomChange &change);          // on another server
    void sentElsewhere(qint64 userId, int count);        // let through by another server
    void ephemeralElsewhere(const QString &node, const BusPayload::Ephemeral &item);
    void onlineElsewhere(const QString &node, const QList<std::pair<qint64, QString>> &online);
    void listeningChanged(bool listening);

private:
    void onNotice(const BusPayload::Notice &notice);
    void onListening(bool listening);

    QString m_node;
    QThread m_thread;
    BusListener *m_listener = nullptr; // lives on m_thread
    bool m_listening = false;
    quint64 *m_notifications = nullptr;
    Metrics::Histogram *m_lag = nullptr;
};
