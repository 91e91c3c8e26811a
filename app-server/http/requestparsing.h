// SPDX-License-Identifier: MIT
#pragma once

#include "apitypes.h"
#include "eventsubmission.h"
#include "protocol.h"
#include "store/chatstore.h"

#include <QJsonDocument>
#include <QUrlQuery>

#include <variant>

// Turning untrusted HTTP input into typed requests: pure functions, no I/O, so that they are
// unit-tested and fuzzed on their own (tests/fuzz).
namespace RequestParsing {

// A JSON body into T (shape and name rules); on failure, the 400 error to answer with.
template<typename T>
std::variant<T, ApiError> parseBody(const QByteArray &body)
{
    using namespace Qt::StringLiterals;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return ApiError{ErrorCode::BadJson,
                        u"body is not valid JSON: %1"_s.arg(error.errorString())};
    if (!doc.isObject())
        return ApiError{ErrorCode::BadJson, u"body must be a JSON object"_s};
    QString why;
    auto value = T::fromJson(doc.object(), &why);
    if (!value)
        return ApiError{ErrorCode::InvalidRequest, why};
    return *value;
}

// The body of POST …/messages: an event of any kind a client may send, with the server's body
// size limit.
std::variant<EventSubmission, ApiError> parseEventPost(const QByteArray &body, int maxBodyBytes);

// ?after=S | ?before=S & limit=N (default 50, capped at 200) for GET …/events.
std::variant<HistoryQuery, ApiError> parseHistoryQuery(const QString &room, const QUrlQuery &params);

// Content-Length of a request head (the bytes before the blank line); -1 when the end of the body
// is not known from the head (chunked, or a malformed length).
qint64 declaredBodyLength(const QByteArray &head);

// Whether a request head (the bytes before the blank line) is a WebSocket upgrade: GET of path
// (a query allowed) with "Upgrade: websocket".
bool isWebSocketUpgrade(const QByteArray &head, QByteArrayView path);

// What is wrong with a request head that no server should guess about: a malformed request line
// or header line, an HTTP version other than 1.0 / 1.1 (505), Content-Length given twice with
// different values or beside Transfer-Encoding (the two parsers on the way could disagree on
// where the body ends), an upgrade anywhere but webSocketPath, or a WebSocket handshake without
// version 13 and a 16-byte key. nullopt when it is fine.
struct HeadProblem
{
    ErrorCode code = ErrorCode::InvalidRequest;
    const char *reason = "Bad Request"; // the status line's phrase
    QString message;
};
std::optional<HeadProblem> headProblem(const QByteArray &head, QByteArrayView webSocketPath);

} // namespace RequestParsing
