// SPDX-License-Identifier: MIT
#pragma once

#include "buspayload.h"
#include "store/databaseurl.h"

#include <QObject>
#include <QSqlDriver>
#include <QTimer>

#include <functional>

// PostgresBus' connection, on the bus thread: LISTENs to the bus channels, parses what other
// servers NOTIFY, and keeps the connection up. QtSql reports no lost connection on a listening
// one (6.4's driver keeps its socket notifier to itself, and Qt just disables it once libpq has
// closed the socket), so a timer probes it with SELECT 1; a lost one is opened again with
// backoff.
class BusListener : public QObject
{
    Q_OBJECT
public:
    struct Handlers
    {
        std::function<void(BusPayload::Notice)> notice; // called on the bus thread
        std::function<void(bool listening)> listening;
    };
    BusListener(const DatabaseUrl &url, const QString &passwordFile, const QString &node,
                Handlers handlers);
    ~BusListener() override;

    void start(); // on the bus thread
    // On the bus thread: NOTIFY on this connection, outside any transaction; dropped while it is
    // not listening (for what may be lost: the send counts).
    void notify(const char *channel, const QList<QByteArray> &payloads);

private:
    static constexpr int kProbeMs = 500; // a lost connection is noticed within this
    static constexpr int kFirstRetryMs = 100;
    static constexpr int kMaxRetryMs = 2000;

    void connectNow();
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);
    void probe();
    void lost(const QString &why);

    DatabaseUrl m_url;
    QString m_passwordFile;
    QString m_node;
    Handlers m_handlers;
    QString m_connection;
    QTimer m_retry{this}; // children: they move to the bus thread with it
    QTimer m_probe{this};
    int m_retryMs = kFirstRetryMs;
    bool m_listening = false;
};
