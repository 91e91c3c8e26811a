// SPDX-License-Identifier: MIT
#include "requestparsing.h"

#include "validation.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace RequestParsing {

namespace {
constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 200;

std::optional<qint64> cursorParam(const QUrlQuery &query, const QString &key, bool *bad)
{
    if (!query.hasQueryItem(key))
        return std::nullopt;
    bool ok = false;
    const qint64 v = query.queryItemValue(key).toLongLong(&ok);
    if (!ok || v < 0)
        *bad = true;
    return v;
}
} // namespace

std::variant<EventSubmission, ApiError> parseEventPost(const QByteArray &body, int maxBodyBytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return ApiError{ErrorCode::BadJson, u"body is not valid JSON: %1"_s.arg(error.errorString())};
    if (!doc.isObject())
        return ApiError{ErrorCode::BadJson, u"body must be a JSON object"_s};
    EventSubmission event;
    QString why;
    if (const auto code = EventSubmission::read(doc.object(), maxBodyBytes, &event, &why))
        return ApiError{*code, why};
    return event;
}

std::variant<HistoryQuery, ApiError> parseHistoryQuery(const QString &room, const QUrlQuery &params)
{
    bool bad = false;
    HistoryQuery query;
    query.room = room;
    query.after = cursorParam(params, u"after"_s, &bad);
    query.before = cursorParam(params, u"before"_s, &bad);
    query.limit = kDefaultPage;
    if (params.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        query.limit = params.queryItemValue(u"limit"_s).toInt(&ok);
        if (!ok || query.limit < 1)
            bad = true;
        query.limit = std::min(query.limit, kMaxPage);
    }
    if (bad || (query.after && query.before))
        return ApiError{ErrorCode::InvalidRequest,
                        u"use at most one of after=S or before=S (integers >= 0) and limit=1..200"_s};
    return query;
}

std::variant<SearchRequest, ApiError> parseSearchQuery(const QUrlQuery &params)
{
    SearchRequest request;
    // '+' is a space, as HTML forms send it (in the search syntax it is no word character).
    const QString q = params.queryItemValue(u"q"_s, QUrl::FullyDecoded).replace(u'+', u' ');
    if (q.trimmed().isEmpty())
        return ApiError{ErrorCode::InvalidRequest,
                        u"q= is what to look for: words, \"a phrase\", a prefix*"_s};
    QString why;
    const auto query = SearchQuery::parse(q, &why);
    if (!query)
        return ApiError{ErrorCode::InvalidRequest, u"q: %1"_s.arg(why)};
    request.query = *query;
    if (params.hasQueryItem(u"room"_s)) {
        request.room = params.queryItemValue(u"room"_s, QUrl::FullyDecoded);
        if (!Validation::isValidRoomName(request.room))
            return ApiError{ErrorCode::InvalidRequest, u"room= is not a room name"_s};
    }
    if (params.hasQueryItem(u"before"_s)) {
        request.before = params.queryItemValue(u"before"_s, QUrl::FullyDecoded);
        if (request.before.size() != 36 || QUuid::fromString(request.before).isNull())
            return ApiError{ErrorCode::InvalidRequest, u"before= is an event id (the last result's)"_s};
        request.before = request.before.toLower();
    }
    if (params.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        request.limit = params.queryItemValue(u"limit"_s).toInt(&ok);
        if (!ok || request.limit < 1)
            return ApiError{ErrorCode::InvalidRequest, u"limit= is 1..%1"_s.arg(kMaxSearchPage)};
        request.limit = std::min(request.limit, kMaxSearchPage);
    }
    return request;
}

std::variant<RoomListQuery, ApiError> parseRoomListQuery(const QUrlQuery &params)
{
    RoomListQuery query;
    query.limit = kMaxRoomListPage;
    bool bad = false;
    if (params.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        query.limit = params.queryItemValue(u"limit"_s).toInt(&ok);
        bad = !ok || query.limit < 1;
        query.limit = std::min(query.limit, kMaxRoomListPage);
    }
    if (params.hasQueryItem(u"after"_s)) {
        query.after = params.queryItemValue(u"after"_s, QUrl::FullyDecoded);
        bad = bad || !Validation::isValidRoomName(query.after);
    }
    if (params.hasQueryItem(u"directory"_s)) {
        const QString directory = params.queryItemValue(u"directory"_s);
        query.directory = directory == "1"_L1 || directory == "true"_L1;
        bad = bad || !(query.directory || directory == "0"_L1 || directory == "false"_L1);
    }
    if (params.hasQueryItem(u"q"_s)) {
        // Room names are [a-z0-9_-]: anything else in the filter simply matches nothing.
        query.filter = params.queryItemValue(u"q"_s, QUrl::FullyDecoded);
        bad = bad || !query.directory || query.filter.size() > 64;
    }
    if (bad)
        return ApiError{ErrorCode::InvalidRequest,
                        u"after=ROOM (a room name), limit=1..%1, directory=1 and with it q=TEXT "
                        "(at most 64 characters) only"_s.arg(kMaxRoomListPage)};
    return query;
}

RequestHead readHead(const QByteArray &head, QByteArrayView webSocketPath)
{
    RequestHead out;
    auto bad = [&out](const QString &message) {
        out.problem = HeadProblem{ErrorCode::InvalidRequest, "Bad Request", message};
        return out;
    };
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || requestLine.at(0).isEmpty() || !requestLine.at(1).startsWith('/'))
        return bad(u"malformed request line"_s);
    const QByteArray &version = requestLine.at(2);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        if (!version.startsWith("HTTP/"))
            return bad(u"malformed request line"_s);
        out.problem = HeadProblem{ErrorCode::HttpVersionNotSupported, "HTTP Version Not Supported",
                                  Errors::defaultMessage(ErrorCode::HttpVersionNotSupported)};
        return out;
    }
    std::optional<QByteArray> length;
    bool chunked = false;
    QByteArray upgrade, key, wsVersion;
    bool bearer = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon > 0 ? line.left(colon).toLower() : QByteArray();
        if (name.isEmpty() || name.contains(' ') || name.contains('\t'))
            return bad(u"malformed header line"_s);
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            if (length && *length != value)
                return bad(u"conflicting Content-Length headers"_s);
            length = value;
        } else if (name == "transfer-encoding") {
            chunked = true;
        } else if (name == "upgrade") {
            if (!upgrade.isEmpty())
                return bad(u"Upgrade given twice"_s); // parsers on the way may take either
            upgrade = value;
        } else if (name == "sec-websocket-key") {
            key = value;
        } else if (name == "sec-websocket-version") {
            wsVersion = value;
        } else if (name == "authorization") {
            bearer = value.startsWith("Bearer ") && value.size() > 7;
        }
    }
    if (length && chunked)
        return bad(u"Content-Length together with Transfer-Encoding"_s);
    if (length) {
        bool ok = false;
        out.bodyLength = length->toLongLong(&ok);
        if (!ok || out.bodyLength < 0)
            return bad(u"malformed Content-Length"_s);
    } else if (chunked) {
        out.bodyLength = -1;
    }
    {
        // POST /api/v2/rooms/{room}/files[?…]: a file upload, with a body limit of its own.
        const QByteArray &target = requestLine.at(1);
        const QByteArray path = target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
        const QList<QByteArray> parts = path.split('/'); // "", api, v2, rooms, ROOM, files
        out.fileUpload = requestLine.at(0) == "POST" && parts.size() == 6 && parts.at(1) == "api"
                && parts.at(2) == "v2" && parts.at(3) == "rooms" && !parts.at(4).isEmpty()
                && parts.at(5) == "files";
        // Nobody without a token makes the server take in a file's body (it is held whole).
        if (out.fileUpload && !bearer) {
            out.problem = HeadProblem{ErrorCode::Unauthorized, "Unauthorized",
                                      u"sending a file needs Authorization: Bearer <token>"_s};
            return out;
        }
    }
    if (!upgrade.isEmpty()) {
        const QByteArray &target = requestLine.at(1);
        const bool onPath = target.startsWith(webSocketPath)
                && (target.size() == webSocketPath.size() || target.at(webSocketPath.size()) == '?');
        if (requestLine.at(0) != "GET" || !onPath || upgrade.compare("websocket", Qt::CaseInsensitive) != 0)
            return bad(u"upgrades are served on GET %1 only, to websocket"_s.arg(QLatin1StringView(webSocketPath)));
        const auto decoded = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
        if (wsVersion != "13" || !decoded || decoded.decoded.size() != 16)
            return bad(u"a WebSocket handshake needs Sec-WebSocket-Version: 13 and a 16-byte Sec-WebSocket-Key"_s);
        out.webSocketUpgrade = true;
    }
    return out;
}

std::optional<ByteRange> parseRange(QByteArrayView header, qint64 size, bool *unsatisfiable)
{
    *unsatisfiable = false;
    const QByteArrayView value = header.trimmed();
    if (!value.startsWith("bytes=") || value.contains(','))
        return std::nullopt;
    const QByteArrayView spec = value.sliced(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return std::nullopt;
    const QByteArrayView from = spec.first(dash).trimmed();
    const QByteArrayView to = spec.sliced(dash + 1).trimmed();
    auto number = [](QByteArrayView digits, qint64 *out) {
        if (digits.isEmpty() || digits.size() > 18)
            return false;
        for (char c : digits) {
            if (c < '0' || c > '9')
                return false;
        }
        *out = digits.toLongLong();
        return true;
    };
    qint64 first = 0;
    qint64 last = 0;
    if (from.isEmpty()) { // the last n bytes
        qint64 n = 0;
        if (!number(to, &n))
            return std::nullopt;
        if (n == 0 || size == 0) {
            *unsatisfiable = true;
            return std::nullopt;
        }
        first = std::max<qint64>(0, size - n);
        last = size - 1;
    } else {
        if (!number(from, &first) || (!to.isEmpty() && !number(to, &last)))
            return std::nullopt;
        if (!to.isEmpty() && last < first)
            return std::nullopt; // not a valid range: ignored, as RFC 9110 says
        if (to.isEmpty())
            last = size - 1;
        if (first >= size) {
            *unsatisfiable = true;
            return std::nullopt;
        }
        last = std::min(last, size - 1);
    }
    return ByteRange{first, last - first + 1};
}

} // namespace RequestParsing
