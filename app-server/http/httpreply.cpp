// SPDX-License-Identifier: MIT
#include "httpreply.h"

#include "apitypes.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

HttpReply::HttpReply(QHttpServerResponder &&responder)
    : m_responder(std::move(responder)), m_socket(m_responder.socket())
{
}

HttpReply::~HttpReply()
{
    if (!m_sent)
        error(ErrorCode::Internal, u"no response produced"_s);
}

bool HttpReply::begin()
{
    if (m_sent)
        return false;
    m_sent = true;
    if (m_onSent)
        std::exchange(m_onSent, {})();
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void HttpReply::json(Status status, const QJsonObject &body)
{
    json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void HttpReply::json(Status status, const QByteArray &body)
{
    if (!begin())
        return;
    m_responder.write(body, "application/json", status);
}

void HttpReply::text(const QByteArray &body, const QByteArray &contentType)
{
    if (!begin())
        return;
    m_responder.write(body, contentType, Status::Ok);
}

void HttpReply::error(ErrorCode code, const QString &message)
{
    json(Status(Errors::httpStatus(code)),
         ApiError{code, message.isEmpty() ? Errors::defaultMessage(code) : message}.toJson());
}

void HttpReply::rateLimited(const QString &message, qint64 retryAfterMs)
{
    if (!begin())
        return;
    const QByteArray seconds = QByteArray::number(std::max<qint64>(1, (retryAfterMs + 999) / 1000));
    const QByteArray body = QJsonDocument(ApiError{ErrorCode::RateLimited, message}.toJson())
                                    .toJson(QJsonDocument::Compact);
    m_responder.write(body, {{"Content-Type", "application/json"}, {"Retry-After", seconds}},
                      Status(Errors::httpStatus(ErrorCode::RateLimited)));
}

void HttpReply::noContent()
{
    if (!begin())
        return;
    m_responder.write(Status::NoContent);
}

void HttpReply::send(const QHttpServerResponse &response)
{
    if (!begin())
        return;
    response.write(std::move(m_responder));
}
