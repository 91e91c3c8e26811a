// SPDX-License-Identifier: MIT
#pragma once

#include "apitypes.h"
#include "errorcode.h"
#include "wireerror.h"

#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>

#include <functional>
#include <memory>
#include <variant>

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
    void text(const QByteArray &body, const QByteArray &contentType); // 200
    // The status is the code's (errorcode.h); message defaults to the code's own.
    void error(ErrorCode code, const QString &message = {});
    void error(const WireError &error) { this->error(error.code, error.message); }
    // 429 rate_limited with Retry-After (whole seconds, at least 1).
    void rateLimited(const QString &message, qint64 retryAfterMs);
    void noContent();
    // Anything else: a response with headers of its own (a file).
    void send(const QHttpServerResponse &response);
    // Called once the answer is written (or found to have no connection left): metrics.
    void onSent(std::function<void()> sent) { m_onSent = std::move(sent); }

private:
    bool begin();

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_sent = false;
    std::function<void()> m_onSent;
};

using HttpReplyPtr = std::shared_ptr<HttpReply>;

// A parse result's value, or nullptr after answering 400 with its error.
template<typename T>
const T *parsedOrReply(const std::variant<T, ApiError> &parsed, HttpReply &reply)
{
    if (const auto *error = std::get_if<ApiError>(&parsed)) {
        reply.error(error->code, error->message);
        return nullptr;
    }
    return &std::get<T>(parsed);
}
