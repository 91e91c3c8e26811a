// SPDX-License-Identifier: MIT
#include "requestparsing.h"

#include "validation.h"

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

std::variant<PostMessageRequest, ApiError> parseMessagePost(const QByteArray &body, int maxBodyBytes)
{
    auto parsed = parseBody<PostMessageRequest>(body);
    if (const auto *post = std::get_if<PostMessageRequest>(&parsed)) {
        if (const auto bodyError = Validation::bodyError(post->body, maxBodyBytes))
            return ApiError{*bodyError, Validation::bodyErrorMessage(*bodyError, maxBodyBytes)};
    }
    return parsed;
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

qint64 declaredBodyLength(const QByteArray &head)
{
    qint64 length = 0;
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        if (name == "transfer-encoding")
            return -1; // chunked: the end is only known to the parser
        if (name == "content-length") {
            bool ok = false;
            length = line.mid(colon + 1).trimmed().toLongLong(&ok);
            if (!ok || length < 0)
                return -1;
        }
    }
    return length;
}

} // namespace RequestParsing
