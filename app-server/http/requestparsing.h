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

// ?q=… & room=NAME & before=ID & limit=N (default 20, at most 50) for GET /search: q in the
// search syntax (SearchQuery), ID an event id (the previous page's last).
std::variant<SearchRequest, ApiError> parseSearchQuery(const QUrlQuery &params);
inline constexpr int kMaxSearchPage = 50;

// A Range header (RFC 9110: "bytes=a-b", "bytes=a-", "bytes=-n") over a file of size bytes:
// the first byte and the length. nullopt = serve the whole file (no header, another unit, more
// than one range); *unsatisfiable set when the one range asked lies outside the file (416).
struct ByteRange
{
    qint64 offset = 0;
    qint64 length = 0;
};
std::optional<ByteRange> parseRange(QByteArrayView header, qint64 size, bool *unsatisfiable);

// ?after=NAME & limit=N (default and at most 500) for GET /rooms: NAME a valid room name.
std::variant<RoomListQuery, ApiError> parseRoomListQuery(const QUrlQuery &params);
inline constexpr int kMaxRoomListPage = 500;

// What is wrong with a request head that no server should guess about.
struct HeadProblem
{
    ErrorCode code = ErrorCode::InvalidRequest;
    const char *reason = "Bad Request"; // the status line's phrase
    QString message;
};

// A request head (the bytes before the blank line), read once.
struct RequestHead
{
    // A malformed request line or header line, an HTTP version other than 1.0 / 1.1 (505),
    // Content-Length given twice with different values, beside Transfer-Encoding or not a
    // number (the parsers on the way could disagree on where the body ends), Upgrade given
    // twice, an upgrade but a GET of webSocketPath to websocket, a handshake
    // without version 13 and a 16-byte key. The other fields mean nothing when it is set.
    std::optional<HeadProblem> problem;
    bool webSocketUpgrade = false; // a well-formed GET handshake for webSocketPath (a query allowed)
    qint64 bodyLength = 0;         // Content-Length; -1 when chunked (the end is the parser's)
    bool fileUpload = false;       // POST /api/v2/rooms/{room}/files: HttpLimits::maxUploadBytes
};
RequestHead readHead(const QByteArray &head, QByteArrayView webSocketPath);

} // namespace RequestParsing
