// SPDX-License-Identifier: MIT
#include "httpapi.h"

#include "apitypes.h"
#include "auth/authservice.h"
#include "domain/roomservice.h"
#include "requestparsing.h"
#include "serverconfig.h"
#include "validation.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QJsonArray>
#include <QPointer>
#include <QUrlQuery>

#include <variant>

using namespace Qt::StringLiterals;
using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;

namespace {

// Room names in paths never match the pattern of a real room when they carry anything odd
// ("..", "%2F", quotes): answer as for an unknown room.
bool checkRoomName(const QString &room, HttpReply &reply)
{
    if (Validation::isValidRoomName(room))
        return true;
    reply.error(ErrorCode::RoomNotFound, u"no such room"_s);
    return false;
}

} // namespace

HttpApi::HttpApi(const ServerServices &services, QObject *parent)
    : QObject(parent), m_services(services)
{
    m_historyRequests = &services.metrics->counter(u"history_requests_total"_s,
                                                   u"GET .../events requests answered"_s);
    m_historySeconds = &services.metrics->histogram(
            u"history_seconds"_s, u"time to answer a history request"_s, Metrics::latencyBounds());
}

void HttpApi::roomsChanged(const QList<ChatMessage> &events)
{
    for (const ChatMessage &m : events) {
        if (EventKinds::relatesToMessage(m.kind))
            m_pages.messagesChanged(m.room);
        else
            m_pages.roomChanged(m.room);
        if (m.kind == EventKind::Member
            && (m.fields.value("change"_L1) == "leave"_L1 || m.fields.value("change"_L1) == "kick"_L1))
            m_pages.membersLeft(m.room);
    }
}

void HttpApi::registerRoutes(QHttpServer &server)
{
    // Each handler takes the responder so that it can answer after a store round trip.
    auto bind = [this](void (HttpApi::*method)(const QHttpServerRequest &, const HttpReplyPtr &)) {
        return [this, method](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            (this->*method)(request, std::make_shared<HttpReply>(std::move(responder)));
        };
    };
    auto bindRoom = [this](void (HttpApi::*method)(const QString &, const QHttpServerRequest &,
                                                   const HttpReplyPtr &)) {
        return [this, method](const QString &room, const QHttpServerRequest &request,
                              QHttpServerResponder &&responder) {
            auto reply = std::make_shared<HttpReply>(std::move(responder));
            if (checkRoomName(room, *reply))
                (this->*method)(room, request, reply);
        };
    };

    server.route(u"/healthz"_s, Method::Get, [] {
        return QHttpServerResponse(QJsonObject{{"status"_L1, "ok"_L1}});
    });
    server.route(u"/readyz"_s, Method::Get, bind(&HttpApi::ready));
    server.route(u"/metrics"_s, Method::Get, bind(&HttpApi::metrics));
    server.route(u"/api/v2/register"_s, Method::Post, bind(&HttpApi::registerUser));
    server.route(u"/api/v2/login"_s, Method::Post, bind(&HttpApi::login));
    server.route(u"/api/v2/logout"_s, Method::Post, bind(&HttpApi::logout));
    server.route(u"/api/v2/account/password"_s, Method::Post, bind(&HttpApi::changePassword));
    server.route(u"/api/v2/account/deactivate"_s, Method::Post, bind(&HttpApi::deactivate));
    server.route(u"/api/v2/sessions"_s, Method::Get, bind(&HttpApi::listSessions));
    server.route(u"/api/v2/sessions/<arg>"_s, Method::Delete,
                 [this](const QString &id, const QHttpServerRequest &request, QHttpServerResponder &&r) {
                     endSession(id, request, std::make_shared<HttpReply>(std::move(r)));
                 });
    server.route(u"/api/v2/rooms"_s, Method::Get, bind(&HttpApi::listRooms));
    server.route(u"/api/v2/rooms"_s, Method::Post, bind(&HttpApi::createRoom));
    // Membership, direct conversations, members, read markers: httprooms.cpp.
    server.route(u"/api/v2/rooms/<arg>"_s, Method::Get, bindRoom(&HttpApi::roomInfo));
    server.route(u"/api/v2/rooms/<arg>/join"_s, Method::Post, bindRoom(&HttpApi::joinRoom));
    server.route(u"/api/v2/rooms/<arg>/leave"_s, Method::Post, bindRoom(&HttpApi::leaveRoom));
    server.route(u"/api/v2/rooms/<arg>/invite"_s, Method::Post, bindRoom(&HttpApi::invite));
    server.route(u"/api/v2/rooms/<arg>/kick"_s, Method::Post, bindRoom(&HttpApi::kick));
    server.route(u"/api/v2/rooms/<arg>/role"_s, Method::Post, bindRoom(&HttpApi::setRole));
    server.route(u"/api/v2/rooms/<arg>/topic"_s, Method::Post, bindRoom(&HttpApi::setTopic));
    server.route(u"/api/v2/rooms/<arg>/notifications"_s, Method::Post, bindRoom(&HttpApi::setNotify));
    server.route(u"/api/v2/rooms/<arg>/read"_s, Method::Post, bindRoom(&HttpApi::markRead));
    server.route(u"/api/v2/rooms/<arg>/members"_s, Method::Get, bindRoom(&HttpApi::members));
    server.route(u"/api/v2/dms"_s, Method::Post, bind(&HttpApi::directRoom));
    server.route(u"/api/v2/users"_s, Method::Get, bind(&HttpApi::findUsers));
    server.route(u"/api/v2/search"_s, Method::Get, bind(&HttpApi::search));
    server.route(u"/api/v2/rooms/<arg>/events"_s, Method::Get, bindRoom(&HttpApi::history));
    server.route(u"/api/v2/rooms/<arg>/files"_s, Method::Post, bindRoom(&HttpApi::uploadFile));
    auto bindFile = [this](void (HttpApi::*method)(const QString &, const QHttpServerRequest &,
                                                   const HttpReplyPtr &)) {
        return [this, method](const QString &id, const QHttpServerRequest &request,
                              QHttpServerResponder &&responder) {
            (this->*method)(id, request, std::make_shared<HttpReply>(std::move(responder)));
        };
    };
    server.route(u"/api/v2/files/<arg>"_s, Method::Get, bindFile(&HttpApi::downloadFile));
    server.route(u"/api/v2/files/<arg>/thumbnail"_s, Method::Get, bindFile(&HttpApi::fileThumbnail));
    server.route(u"/api/v2/rooms/<arg>/messages"_s, Method::Post,
                 bindRoom(&HttpApi::postEvent));

    server.setMissingHandler([](const QHttpServerRequest &request, QHttpServerResponder &&r) {
        HttpReply reply(std::move(r));
        // Contract v1 is retired: its clients are told to update rather than "not found".
        const QString path = request.url().path();
        if (path == "/api/v1"_L1 || path.startsWith("/api/v1/"_L1)) {
            reply.error(ErrorCode::UpgradeRequired,
                        u"this server speaks contract v2 (/api/v2); update the client"_s);
            return;
        }
        reply.error(ErrorCode::NotFound,
                    u"no route for %1"_s.arg(request.url().path().left(200)));
    });
}

void HttpApi::withUser(const QHttpServerRequest &request, const HttpReplyPtr &reply,
                       UserHandler handler)
{
    const QString token = AuthService::bearerToken(request.value("Authorization"));
    if (token.isEmpty()) {
        reply->error(ErrorCode::Unauthorized,
                     u"missing Authorization: Bearer token"_s);
        return;
    }
    m_services.auth->authenticate(token, this, [reply, handler](const Lookup<AuthUser> &user) {
        if (user.failed()) { // a client told 401 would drop a token that is still good
            reply->error(ErrorCode::Internal);
            return;
        }
        if (!user) {
            reply->error(ErrorCode::Unauthorized, u"invalid or expired token"_s);
            return;
        }
        handler(*user);
    });
}

void HttpApi::ready(const QHttpServerRequest &, const HttpReplyPtr &reply)
{
    // For a balancer's health check: 503 takes this server out of rotation until it can serve.
    m_services.checkReady(this, [reply](bool ready, const QString &reason) {
        if (ready)
            reply->json(Status::Ok, QJsonObject{{"status"_L1, "ready"_L1}});
        else
            reply->json(Status::ServiceUnavailable,
                        QJsonObject{{"status"_L1, "not_ready"_L1}, {"reason"_L1, reason}});
    });
}

void HttpApi::metrics(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    // Loopback only by default; a request that came through a proxy (on this machine, say) is
    // not local whatever its address.
    const bool proxied = !request.value("X-Forwarded-For").isEmpty()
            || !request.value("Forwarded").isEmpty() || !request.value("X-Real-IP").isEmpty();
    if (!m_services.config->metricsRemote && (proxied || !request.remoteAddress().isLoopback())) {
        reply->error(ErrorCode::Forbidden,
                     u"metrics are served to this machine only (metrics_remote=on opens them)"_s);
        return;
    }
    reply->text(m_services.metrics->render(), "text/plain; version=0.0.4; charset=utf-8");
}

void HttpApi::listRooms(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, reply, parsed = RequestParsing::parseRoomListQuery(request.query())](
                                     const AuthUser &user) {
        const RoomListQuery *query = parsedOrReply(parsed, *reply);
        if (!query)
            return;
        m_services.rooms->listRooms(user, *query, this, [reply](const RoomService::Refusal &refusal,
                                                                const RoomList &page) {
            if (refusal) {
                reply->error(*refusal);
                return;
            }
            QJsonArray list;
            for (const RoomInfo &r : page.rooms)
                list.append(r.toJson());
            reply->json(Status::Ok, {{"rooms"_L1, list}, {"hasMore"_L1, page.hasMore}});
        });
    });
}

void HttpApi::history(const QString &room, const QHttpServerRequest &request,
                      const HttpReplyPtr &reply)
{
    QElapsedTimer took;
    took.start();
    // (A reply still held when the server goes is sent, as an error, after this object.)
    reply->onSent([self = QPointer(this), took] {
        if (!self)
            return;
        ++*self->m_historyRequests;
        self->m_historySeconds->observe(double(took.nsecsElapsed()) / 1e9);
    });
    withUser(request, reply, [this, reply, parsed = RequestParsing::parseHistoryQuery(room, request.query())](
                                     const AuthUser &user) {
        const HistoryQuery *q = parsedOrReply(parsed, *reply);
        if (!q)
            return;
        const HistoryQuery query = *q;
        const bool newest = !query.after && !query.before;
        if (newest) {
            if (const auto body = m_pages.newest(query.room, query.limit, user.id)) {
                reply->json(Status::Ok, *body);
                return;
            }
        }
        if (!newest) {
            // A page at a cursor is read beside the writer, in the user's turn (like a
            // WebSocket's catch-up): paging clients cannot delay commits. Its answer may be
            // older than a change this thread has already seen, so it is never cached.
            m_services.rooms->catchUp(
                    user, query, this, u"http-%1"_s.arg(++m_pagedReads),
                    [this, reply, room = query.room](const RoomService::Refusal &refusal,
                                                     const HistoryResult &result) {
                        if (refusal)
                            reply->error(*refusal);
                        else
                            reply->json(Status::Ok, m_pages.cachedOrRendered(room, result, m_services.rooms->epoch()));
                    });
            return;
        }
        m_services.rooms->history(
                user, query, this,
                [this, reply, query, id = user.id](const RoomService::Refusal &refusal,
                                                   const HistoryResult &result) {
                    if (refusal) {
                        reply->error(*refusal);
                        return;
                    }
                    const QByteArray body = m_pages.body(query.room, result, m_services.rooms->epoch());
                    if (PageCache::shareable(result))
                        m_pages.rememberNewest(query.room, query.limit, id, body);
                    reply->json(Status::Ok, body);
                });
    });
}

void HttpApi::postEvent(const QString &room, const QHttpServerRequest &request,
                        const HttpReplyPtr &reply)
{
    const auto parsed = RequestParsing::parseEventPost(request.body(), m_services.config->maxBodyBytes);
    withUser(request, reply, [this, room, reply, parsed](const AuthUser &user) {
        const EventSubmission *event = parsedOrReply(parsed, *reply);
        if (!event)
            return;
        m_services.rooms->post(user, room, *event, this,
                               [reply](const RoomService::Refusal &refusal, const AppendResult &result) {
                                   if (refusal) {
                                       reply->error(*refusal);
                                       return;
                                   }
                                   reply->json(result.duplicate ? Status::Ok : Status::Created,
                                               result.message.toJson());
                               });
    });
}
