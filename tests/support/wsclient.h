// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

#include <functional>

// A real QWebSocket speaking the wire contract, recording every frame it receives.
class WsClient : public QObject
{
    Q_OBJECT
public:
    WsClient(const QUrl &url, const QString &token, QObject *parent = nullptr);

    bool connectAndHello(int timeoutMs = 15000); // open, then wait for {"type":"hello"}
    // A client of url on token past its hello (a warning when it did not come).
    static std::unique_ptr<WsClient> connected(const QUrl &url, const QString &token);
    // Opens a socket as the client does: asking for the chat.v2 subprotocol.
    static void openCurrent(QWebSocket &socket, const QNetworkRequest &request);
    void send(const ClientFrame &frame);
    void sendRaw(const QString &text) { m_socket.sendTextMessage(text); }
    void subscribe(const QString &room, std::optional<qint64> after = std::nullopt);
    void sendMessage(const QString &room, const QString &clientId, const QString &body);

    // Waits until pred holds for a received frame at index >= from; returns it (nullopt on
    // timeout).
    std::optional<ServerFrame> waitFor(const std::function<bool(const ServerFrame &)> &pred,
                                       int timeoutMs = 15000, qsizetype from = 0);
    std::optional<ServerFrame> waitForAck(const QString &clientId, int timeoutMs = 15000);
    std::optional<ServerFrame> waitForError(const QString &code, int timeoutMs = 15000);
    bool waitForSubscribed(const QString &room, int timeoutMs = 15000);
    bool waitForMessages(const QString &room, int count, int timeoutMs = 30000);
    bool waitForDisconnect(int timeoutMs = 15000);

    QList<ChatMessage> messages(const QString &room) const;
    const QList<ServerFrame> &frames() const { return m_frames; }
    QStringList rawFrames() const { return m_raw; }
    QWebSocket &socket() { return m_socket; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QWebSocketProtocol::CloseCode closeCode() const { return m_socket.closeCode(); }
    QString user() const { return m_user; }
    QString epoch() const { return m_epoch; }

private:
    QUrl m_url;
    QString m_token;
    QWebSocket m_socket;
    QList<ServerFrame> m_frames;
    QStringList m_raw;
    QString m_user;
    QString m_epoch;
};
