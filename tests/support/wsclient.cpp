// SPDX-License-Identifier: MIT
#include "wsclient.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocketHandshakeOptions>

WsClient::WsClient(const QUrl &url, const QString &token, QObject *parent)
    : QObject(parent), m_url(url), m_token(token)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        m_raw.append(text);
        QString error;
        auto frame = ServerFrame::parse(text.toUtf8(), &error);
        if (!frame) {
            qWarning() << "unparseable server frame:" << error << text;
            return;
        }
        if (frame->type == ServerFrame::Type::Hello) {
            m_user = frame->user;
            m_epoch = frame->epoch;
        }
        m_frames.append(*frame);
    });
}

void WsClient::openCurrent(QWebSocket &socket, const QNetworkRequest &request)
{
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({QString::fromLatin1(Protocol::kSubprotocol)});
    socket.open(request, options);
}

std::unique_ptr<WsClient> WsClient::connected(const QUrl &url, const QString &token)
{
    auto client = std::make_unique<WsClient>(url, token);
    if (!client->connectAndHello())
        qWarning() << "no hello for token" << token.left(6) << "on" << url;
    return client;
}

bool WsClient::connectAndHello(int timeoutMs)
{
    QNetworkRequest request(m_url);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    openCurrent(m_socket, request);
    return waitFor([](const ServerFrame &f) { return f.type == ServerFrame::Type::Hello; },
                   timeoutMs)
            .has_value();
}

void WsClient::send(const ClientFrame &frame)
{
    m_socket.sendTextMessage(QString::fromUtf8(frame.toJson()));
}

void WsClient::subscribe(const QString &room, std::optional<qint64> after)
{
    send(ClientFrame::subscribe(room, after));
}

void WsClient::sendMessage(const QString &room, const QString &clientId, const QString &body)
{
    send(ClientFrame::send(room, clientId, body));
}

std::optional<ServerFrame> WsClient::waitFor(const std::function<bool(const ServerFrame &)> &pred,
                                             int timeoutMs, qsizetype from)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype checked = from;
    for (;;) {
        for (; checked < m_frames.size(); ++checked) {
            if (pred(m_frames.at(checked)))
                return m_frames.at(checked);
        }
        // A closed socket receives nothing more.
        if (deadline.hasExpired() || m_socket.state() == QAbstractSocket::UnconnectedState)
            return std::nullopt;
        QSignalSpy spy(&m_socket, &QWebSocket::textMessageReceived);
        if (checked == m_frames.size())
            spy.wait(int(std::min<qint64>(deadline.remainingTime(), 200)));
    }
}

std::optional<ServerFrame> WsClient::waitForAck(const QString &clientId, int timeoutMs)
{
    return waitFor(
            [&](const ServerFrame &f) {
                return f.type == ServerFrame::Type::Ack && f.clientId == clientId;
            },
            timeoutMs);
}

std::optional<ServerFrame> WsClient::waitForError(const QString &code, int timeoutMs)
{
    return waitFor(
            [&](const ServerFrame &f) {
                return f.type == ServerFrame::Type::Error && Errors::code(f.code) == code;
            },
            timeoutMs);
}

bool WsClient::waitForSubscribed(const QString &room, int timeoutMs)
{
    return waitFor(
                   [&](const ServerFrame &f) {
                       return f.type == ServerFrame::Type::Subscribed && f.room == room;
                   },
                   timeoutMs)
            .has_value();
}

bool WsClient::waitForMessages(const QString &room, int count, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (messages(room).size() < count) {
        if (deadline.hasExpired())
            return false;
        QSignalSpy spy(&m_socket, &QWebSocket::textMessageReceived);
        spy.wait(int(std::min<qint64>(deadline.remainingTime(), 1000)));
    }
    return true;
}

bool WsClient::waitForDisconnect(int timeoutMs)
{
    if (m_socket.state() == QAbstractSocket::UnconnectedState)
        return true;
    QSignalSpy spy(&m_socket, &QWebSocket::disconnected);
    return spy.wait(timeoutMs) || m_socket.state() == QAbstractSocket::UnconnectedState;
}

QList<ChatMessage> WsClient::messages(const QString &room) const
{
    QList<ChatMessage> out;
    for (const ServerFrame &f : m_frames) {
        if (f.type == ServerFrame::Type::Event && f.event.room == room)
            out.append(f.event);
    }
    return out;
}
