// SPDX-License-Identifier: MIT
#pragma once

#include <QLatin1StringView>
#include <QString>

// Every error code of the wire contract (docs/protocol.md, "Errors"), listed once: its enum name,
// its code on the wire, its HTTP status and its default message. The codec, the server and the
// client use ErrorCode; the code strings exist only in this table.
#define CHAT_ERROR_CODES(X) \
    X(BadJson, "bad_json", 400, "not valid JSON") \
    X(InvalidRequest, "invalid_request", 400, "the request is not valid") \
    X(InvalidFrame, "invalid_frame", 400, "the frame is not valid") \
    X(UnknownType, "unknown_type", 400, "unknown frame type") \
    X(EmptyBody, "empty_body", 400, "the message is empty") \
    X(InvalidBody, "invalid_body", 400, "the message is not valid text") \
    X(BodyTooLong, "body_too_long", 400, "the message is too long") \
    X(NotSubscribed, "not_subscribed", 400, "not subscribed to that room") \
    X(Unauthorized, "unauthorized", 401, "a valid bearer token is required") \
    X(Forbidden, "forbidden", 403, "not allowed") \
    X(RegistrationClosed, "registration_closed", 403, "registration is closed on this server") \
    X(WrongPassword, "wrong_password", 403, "the password is not right") \
    X(AccountDisabled, "account_disabled", 403, "this account has been deactivated") \
    X(RoomNotFound, "room_not_found", 404, "no such room") \
    X(RoomArchived, "room_archived", 403, "the room is archived: it can be read, not written to") \
    X(UserNotFound, "user_not_found", 404, "no such user") \
    X(EventNotFound, "event_not_found", 404, "no such message in this room") \
    X(FileNotFound, "file_not_found", 404, "no such file") \
    X(NotFound, "not_found", 404, "no such route") \
    X(RequestTimeout, "request_timeout", 408, "the request took too long to arrive") \
    X(NameTaken, "name_taken", 409, "the name is taken, or looks like one that is") \
    X(NoChange, "no_change", 409, "nothing to change: that reaction is already there, or not there") \
    X(PayloadTooLarge, "payload_too_large", 413, "the request body is too large") \
    X(QuotaExceeded, "quota_exceeded", 413, "your files take all the space this server gives you") \
    X(RangeNotSatisfiable, "range_not_satisfiable", 416, "the range is not within the file") \
    X(InvalidImage, "invalid_image", 422, "the image cannot be read, or has too many pixels") \
    X(UpgradeRequired, "upgrade_required", 426, "connect with a WebSocket client") \
    X(RateLimited, "rate_limited", 429, "sending too fast; retry later") \
    X(HeadersTooLarge, "headers_too_large", 431, "the request headers are too large") \
    X(HttpVersionNotSupported, "http_version_not_supported", 505, "only HTTP/1.0 and HTTP/1.1 are served") \
    X(Internal, "internal", 500, "the server could not complete the request") \
    X(Busy, "busy", 503, "the server is busy; retry in a moment")

enum class ErrorCode {
    Unknown, // a code this build does not know (from a newer peer)
#define CHAT_ERROR_ENUM(name, code, status, message) name,
    CHAT_ERROR_CODES(CHAT_ERROR_ENUM)
#undef CHAT_ERROR_ENUM
};

namespace Errors {

QLatin1StringView code(ErrorCode error);  // "unknown" for Unknown
ErrorCode fromCode(QStringView code);     // Unknown when not in the table
int httpStatus(ErrorCode error);          // 500 for Unknown
QString defaultMessage(ErrorCode error);
// Sending the same request again later can succeed (rate_limited, busy, internal).
bool isTransient(ErrorCode error);

} // namespace Errors
