// SPDX-License-Identifier: MIT
#pragma once

#include <QHttpServerResponder>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

// A response that may be written later (after a store round trip). Writes nothing if the client
// went away meanwhile; answers 500 if it is dropped unanswered, so no request hangs.
class HttpReply
{
public:
    using Status = QHttpServerResponder::StatusCode;

    explicit HttpReply(QHttpServerResponder &&responder);
    ~HttpReply();
    HttpReply(const HttpReply &) = delete;
    HttpReply &operator=(const HttpReply &) = delete;

    void json(Status status, const QJsonObject &body);
    void json(Status status, const QByteArray &body); // already serialised
    void error(Status status, const QString &code, const QString &message);
    void noContent();

private:
    bool begin();

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_sent = false;
};

using HttpReplyPtr = std::shared_ptr<HttpReply>;
