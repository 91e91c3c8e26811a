// SPDX-License-Identifier: MIT
#include "buslistener.h"

#include "logging.h"
#include "store/postgresstore.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

BusListener::BusListener(const DatabaseUrl &url, const QString &passwordFile, const QString &node,
                         Handlers handlers)
    : m_url(url),
      m_passwordFile(passwordFile),
      m_node(node),
      m_handlers(std::move(handlers)),
      m_connection(u"chat-bus-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &BusListener::connectNow);
    connect(&m_probe, &QTimer::timeout, this, &BusListener::probe);
}

BusListener::~BusListener()
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

void BusListener::start()
{
    connectNow();
}

void BusListener::connectNow()
{
    if (!QSqlDatabase::contains(m_connection))
        QSqlDatabase::addDatabase(u"QPSQL"_s, m_connection);
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    db.close();
    QString error;
    bool ok = PostgresStore::configure(db, m_url, m_passwordFile, u"chat-server-bus"_s, &error);
    if (ok && !db.open()) {
        ok = false;
        error = db.lastError().text().trimmed();
    }
    QSqlDriver *driver = db.driver();
    for (const char *channel : {BusPayload::kEventsChannel, BusPayload::kTokensChannel,
                                BusPayload::kRoomsChannel, BusPayload::kSendsChannel,
                                BusPayload::kSignalsChannel}) {
        if (ok && !driver->subscribeToNotification(QString::fromLatin1(channel))) {
            ok = false;
            error = driver->lastError().text().trimmed();
        }
    }
    if (!ok) {
        if (m_retryMs == kFirstRetryMs)
            qCWarning(lcBus).noquote() << "cannot listen on" << m_url.displayName() << "-"
                                         << error << "- retrying";
        m_retry.start(m_retryMs);
        m_retryMs = std::min(m_retryMs * 2, kMaxRetryMs);
        return;
    }
    connect(driver, &QSqlDriver::notification, this, &BusListener::onNotification,
            Qt::UniqueConnection);
    m_retryMs = kFirstRetryMs;
    m_probe.start(kProbeMs);
    m_listening = true;
    qCInfo(lcBus).noquote() << "listening on" << m_url.displayName() << "as node" << m_node;
    m_handlers.listening(true);
}

void BusListener::onNotification(const QString &name, QSqlDriver::NotificationSource,
                                 const QVariant &payload)
{
    QString why;
    std::optional<BusPayload::Notice> notice = BusPayload::parse(payload.toString().toUtf8(), &why);
    if (!notice) {
        qCWarning(lcBus).noquote() << "ignoring a notification on" << name << "-" << why;
        return;
    }
    if (notice->node == m_node)
        return; // ours: delivered here at commit already
    m_handlers.notice(std::move(*notice));
}

void BusListener::notify(const char *channel, const QList<QByteArray> &payloads)
{
    if (!m_listening)
        return;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"SELECT pg_notify(?, ?)"_s);
    for (const QByteArray &payload : payloads) {
        q.bindValue(0, QString::fromLatin1(channel));
        q.bindValue(1, QString::fromUtf8(payload));
        if (!q.exec()) {
            lost(q.lastError().text().trimmed());
            return;
        }
    }
}

void BusListener::probe()
{
    if (!m_listening)
        return;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(u"SELECT 1"_s))
        lost(q.lastError().text().trimmed());
}

void BusListener::lost(const QString &why)
{
    m_listening = false;
    m_probe.stop();
    qCWarning(lcBus).noquote() << "lost the connection (" << why
                                  << ") - other servers' events are not heard until it is back";
    QSqlDatabase::database(m_connection, false).close(); // its notifier goes with it
    m_handlers.listening(false);
    m_retry.start(m_retryMs);
}
