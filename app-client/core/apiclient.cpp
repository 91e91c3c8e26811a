// SPDX-License-Identifier: MIT
#include "apiclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QPointer>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

ApiFailure failureFor(QNetworkReply *reply, const QJsonObject &json)
{
    ApiFailure f;
    f.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const auto error = ApiError::fromJson(json);
    if (error) {
        f.code = error->code;
        f.message = error->message;
    }
    const QString certificateProblem = reply->property("certificateProblem").toString();
    if (f.status == 0 && !certificateProblem.isEmpty()) {
        f.kind = ApiFailure::Kind::Certificate;
        f.message = certificateProblem;
        return f;
    }
    if (f.status == 0) {
        f.kind = reply->error() == QNetworkReply::OperationCanceledError
                        || reply->error() == QNetworkReply::TimeoutError
                ? ApiFailure::Kind::Timeout
                : ApiFailure::Kind::Network;
        f.message = f.kind == ApiFailure::Kind::Timeout
                ? u"The server did not answer in time."_s
                : u"Cannot reach the server: %1"_s.arg(reply->errorString());
        return f;
    }
    if (f.status < 400)
        return {};
    switch (f.status) {
    case 401: f.kind = ApiFailure::Kind::Unauthorized; break;
    case 403: f.kind = ApiFailure::Kind::Forbidden; break;
    case 404: f.kind = ApiFailure::Kind::NotFound; break;
    case 409: f.kind = ApiFailure::Kind::Conflict; break;
    case 429: f.kind = ApiFailure::Kind::RateLimited; break;
    default: f.kind = f.status >= 500 ? ApiFailure::Kind::Server : ApiFailure::Kind::Invalid; break;
    }
    // No such route, or a route of another contract version: the server is older or newer.
    if (f.code == ErrorCode::NotFound || f.code == ErrorCode::UpgradeRequired)
        f.message = u"This server runs another version of the chat. Update the app or the server "
                    "to connect."_s;
    if (f.message.isEmpty())
        f.message = f.status >= 500 ? u"The server had a problem (HTTP %1). Try again later."_s.arg(f.status)
                                    : u"The server refused the request (HTTP %1)."_s.arg(f.status);
    return f;
}

} // namespace

ApiClient::ApiClient(QObject *parent) : QObject(parent)
{
}

QUrl ApiClient::webSocketUrl() const
{
    QUrl url = m_server;
    url.setScheme(m_server.scheme() == "https"_L1 ? u"wss"_s : u"ws"_s);
    url.setPath(u"/ws"_s);
    return url;
}

QNetworkReply *ApiClient::start(const QByteArray &verb, const QString &path, QIODevice *upload,
                                const QByteArray &payload, const QByteArray &contentType,
                                bool authenticated)
{
    QUrl url = m_server;
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs); // without progress for this long
    if (!contentType.isEmpty())
        request.setRawHeader("Content-Type", contentType);
    if (authenticated)
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    QNetworkReply *reply = verb == "GET" ? m_nam.get(request)
            : upload                     ? m_nam.sendCustomRequest(request, verb, upload)
                                         : m_nam.sendCustomRequest(request, verb, payload);
    connect(reply, &QNetworkReply::sslErrors, this, [this, reply](const QList<QSslError> &errors) {
        const QSslCertificate certificate = reply->sslConfiguration().peerCertificate();
        const QString server = u"%1:%2"_s.arg(m_server.host()).arg(m_server.port(443));
        if (m_trust && m_trust->isTrusted(server, certificate)) {
            reply->ignoreSslErrors(errors);
            return;
        }
        const QString description = CertificateTrust::describe(errors, certificate);
        reply->setProperty("certificateProblem", description);
        emit certificateRejected({server, certificate, description});
    });
    return reply;
}

QNetworkReply *ApiClient::transfer(const QByteArray &verb, const QString &path, QIODevice *upload,
                                   const QByteArray &contentType)
{
    return start(verb, path, upload, {}, contentType, true);
}

ApiFailure ApiClient::finish(QNetworkReply *reply, const QJsonObject &json)
{
    const ApiFailure failure = failureFor(reply, json);
    if (failure.kind == ApiFailure::Kind::Unauthorized)
        emit sessionExpired();
    return failure;
}

void ApiClient::request(const QByteArray &verb, const QString &path, const QJsonObject *body,
                        bool authenticated, QObject *context, JsonCallback done)
{
    const QByteArray payload = body ? QJsonDocument(*body).toJson(QJsonDocument::Compact)
                                    : QByteArray();
    QNetworkReply *reply = start(verb, path, nullptr, payload, "application/json", authenticated);
    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, guard, authenticated, done = std::move(done)] {
                reply->deleteLater();
                const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
                const ApiFailure failure = failureFor(reply, json);
                if (authenticated && failure.kind == ApiFailure::Kind::Unauthorized)
                    emit sessionExpired();
                if (guard)
                    done(failure, json);
            });
}

void ApiClient::registerUser(const Credentials &credentials, QObject *context, AuthCallback done)
{
    const QJsonObject body = credentials.toJson();
    request("POST", u"/api/v2/register"_s, &body, false, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                done(f, f.ok() ? AuthResult::fromJson(json).value_or(AuthResult{}) : AuthResult{});
            });
}

void ApiClient::login(const Credentials &credentials, QObject *context, AuthCallback done)
{
    const QJsonObject body = credentials.toJson();
    request("POST", u"/api/v2/login"_s, &body, false, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                done(f, f.ok() ? AuthResult::fromJson(json).value_or(AuthResult{}) : AuthResult{});
            });
}

void ApiClient::logout(QObject *context, DoneCallback done)
{
    request("POST", u"/api/v2/logout"_s, nullptr, true, context,
            [done](const ApiFailure &f, const QJsonObject &) { done(f); });
}

void ApiClient::changePassword(const PasswordChange &change, QObject *context,
                               PasswordCallback done)
{
    const QJsonObject body = change.toJson();
    request("POST", u"/api/v2/account/password"_s, &body, true, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                done(f, json.value("revokedSessions"_L1).toInt());
            });
}

void ApiClient::sessions(QObject *context, SessionsCallback done)
{
    request("GET", u"/api/v2/sessions"_s, nullptr, true, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                QList<SessionInfo> sessions;
                for (const QJsonValue &v : json.value("sessions"_L1).toArray()) {
                    if (auto s = SessionInfo::fromJson(v.toObject()))
                        sessions.append(std::move(*s));
                }
                done(f, sessions);
            });
}

void ApiClient::endSession(const QString &id, QObject *context, DoneCallback done)
{
    request("DELETE", u"/api/v2/sessions/%1"_s.arg(QString::fromLatin1(QUrl::toPercentEncoding(id))),
            nullptr, true, context, [done](const ApiFailure &f, const QJsonObject &) { done(f); });
}

void ApiClient::rooms(QObject *context, RoomsCallback done)
{
    roomsAfter({}, {}, context, std::move(done));
}

void ApiClient::roomsAfter(const QString &after, QList<RoomInfo> sofar, QObject *context,
                           RoomsCallback done)
{
    // The server lists rooms in pages by name: follow them to the end.
    const QString path = after.isEmpty() ? u"/api/v2/rooms"_s
                                         : u"/api/v2/rooms?after=%1"_s.arg(after);
    request("GET", path, nullptr, true, context,
            [this, context, done, sofar](const ApiFailure &f, const QJsonObject &json) mutable {
                if (!f.ok()) {
                    done(f, {});
                    return;
                }
                for (const QJsonValue &v : json.value("rooms"_L1).toArray()) {
                    if (auto room = RoomInfo::fromJson(v.toObject()))
                        sofar.append(*room);
                }
                if (json.value("hasMore"_L1).toBool() && !sofar.isEmpty()
                    && sofar.size() < kMaxRooms) {
                    const QString last = sofar.constLast().name; // before sofar moves on
                    roomsAfter(last, std::move(sofar), context, done);
                    return;
                }
                done(f, sofar);
            });
}

void ApiClient::createRoom(const CreateRoomRequest &create, QObject *context, DoneCallback done)
{
    const QJsonObject body = create.toJson();
    request("POST", u"/api/v2/rooms"_s, &body, true, context,
            [done](const ApiFailure &f, const QJsonObject &) { done(f); });
}

void ApiClient::joinRoom(const QString &room, QObject *context, DoneCallback done)
{
    request("POST", u"/api/v2/rooms/%1/join"_s.arg(room), nullptr, true, context,
            [done](const ApiFailure &f, const QJsonObject &) { done(f); });
}

void ApiClient::roomAction(const QString &room, const QString &action, const QJsonObject &body,
                           QObject *context, DoneCallback done)
{
    request("POST", u"/api/v2/rooms/%1/%2"_s.arg(room, action), &body, true, context,
            [done](const ApiFailure &f, const QJsonObject &) { done(f); });
}

void ApiClient::directRoom(const QString &peer, QObject *context, RoomCallback done)
{
    const QJsonObject body = InviteRequest{peer}.toJson();
    request("POST", u"/api/v2/dms"_s, &body, true, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                done(f, f.ok() ? RoomInfo::fromJson(json).value_or(RoomInfo{}) : RoomInfo{});
            });
}

namespace {
QList<MemberInfo> membersOf(const QJsonArray &list)
{
    QList<MemberInfo> out;
    for (const QJsonValue &v : list) {
        if (auto m = MemberInfo::fromJson(v.toObject()))
            out.append(*m);
        else if (v["name"_L1].isString()) // a user found: no role
            out.append({v["name"_L1].toString(), {}, v["online"_L1].toBool()});
    }
    return out;
}
} // namespace

void ApiClient::members(const QString &room, QObject *context, MembersCallback done)
{
    request("GET", u"/api/v2/rooms/%1/members"_s.arg(room), nullptr, true, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                done(f, membersOf(json.value("members"_L1).toArray()));
            });
}

void ApiClient::directory(const QString &filter, QObject *context, RoomsCallback done)
{
    QUrlQuery query;
    query.addQueryItem(u"directory"_s, u"1"_s);
    if (!filter.isEmpty())
        query.addQueryItem(u"q"_s, QString::fromLatin1(QUrl::toPercentEncoding(filter)));
    request("GET", u"/api/v2/rooms?"_s + query.toString(QUrl::FullyEncoded), nullptr, true, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                QList<RoomInfo> rooms;
                for (const QJsonValue &v : json.value("rooms"_L1).toArray()) {
                    if (auto room = RoomInfo::fromJson(v.toObject()))
                        rooms.append(*room);
                }
                done(f, rooms);
            });
}

void ApiClient::findUsers(const QString &prefix, QObject *context, MembersCallback done)
{
    request("GET", u"/api/v2/users?q="_s + QString::fromLatin1(QUrl::toPercentEncoding(prefix)),
            nullptr, true, context, [done](const ApiFailure &f, const QJsonObject &json) {
                done(f, membersOf(json.value("users"_L1).toArray()));
            });
}

void ApiClient::history(const QString &room, std::optional<qint64> after,
                        std::optional<qint64> before, int limit, QObject *context,
                        PageCallback done)
{
    QUrlQuery query;
    if (after)
        query.addQueryItem(u"after"_s, QString::number(*after));
    if (before)
        query.addQueryItem(u"before"_s, QString::number(*before));
    query.addQueryItem(u"limit"_s, QString::number(limit));
    request("GET", u"/api/v2/rooms/%1/events?%2"_s.arg(room, query.toString()), nullptr, true,
            context, [done](const ApiFailure &f, const QJsonObject &json) {
                QString why;
                auto page = f.ok() ? HistoryPage::fromJson(json, &why) : std::nullopt;
                if (f.ok() && !page) {
                    ApiFailure bad{ApiFailure::Kind::Server, 200, {},
                                   u"The server sent a malformed history page: %1"_s.arg(why)};
                    done(bad, {});
                    return;
                }
                done(f, page.value_or(HistoryPage{}));
            });
}

void ApiClient::search(const QString &query, const QString &room, const QString &before,
                       QObject *context, SearchCallback done)
{
    QUrlQuery params;
    params.addQueryItem(u"q"_s, QString::fromLatin1(QUrl::toPercentEncoding(query)));
    if (!room.isEmpty())
        params.addQueryItem(u"room"_s, room);
    if (!before.isEmpty())
        params.addQueryItem(u"before"_s, before);
    request("GET", u"/api/v2/search?"_s + params.toString(QUrl::FullyEncoded), nullptr, true, context,
            [done](const ApiFailure &f, const QJsonObject &json) {
                SearchPage page;
                page.hasMore = json.value("hasMore"_L1).toBool();
                for (const QJsonValue &v : json.value("events"_L1).toArray()) {
                    if (auto m = ChatMessage::fromJson(v.toObject()))
                        page.events.append(*m);
                }
                done(f, page);
            });
}
