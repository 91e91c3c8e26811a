// SPDX-License-Identifier: MIT
// HttpApi's room routes: creating one, a room as the caller sees it, membership changes (each a
// member event of the room), topic, direct conversations, members, read markers and
// notification levels.
#include "httpapi.h"

#include "apitypes.h"
#include "domain/roomservice.h"
#include "requestparsing.h"
#include "store/chatstore.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using Status = QHttpServerResponder::StatusCode;

namespace {
// Answers 204, or the refusal.
std::function<void(const RoomService::Refusal &)> noContentOr(const HttpReplyPtr &reply)
{
    return [reply](const RoomService::Refusal &refusal) {
        if (refusal)
            reply->error(*refusal);
        else
            reply->noContent();
    };
}
} // namespace

void HttpApi::createRoom(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, reply, parsed = RequestParsing::parseBody<CreateRoomRequest>(request.body())](
                                     const AuthUser &user) {
        const CreateRoomRequest *body = parsedOrReply(parsed, *reply);
        if (!body)
            return;
        const CreateRoomRequest create = *body;
        qint64 retryAfterMs = 0;
        if (!m_services.roomCreations->allow(user.id, &retryAfterMs)) {
            reply->rateLimited(u"you created many rooms lately; try again later"_s, retryAfterMs);
            return;
        }
        m_services.rooms->createRoom(
                user, create.name, create.isPrivate, create.topic, this,
                [reply, create, owner = user.name](const RoomService::Refusal &refusal) {
                    if (refusal) {
                        reply->error(*refusal);
                        return;
                    }
                    RoomInfo created{create.name, 0, create.isPrivate, true, false, owner};
                    created.topic = create.topic;
                    created.memberCount = 1;
                    created.role = RoomRoles::kOwner;
                    created.notify = NotifyLevels::kAll;
                    reply->json(Status::Created, created.toJson());
                });
    });
}

void HttpApi::roomInfo(const QString &room, const QHttpServerRequest &request,
                       const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply](const AuthUser &user) {
        m_services.rooms->roomInfo(user, room, this,
                                   [reply](const RoomService::Refusal &refusal, const RoomInfo &info) {
                                       if (refusal)
                                           reply->error(*refusal);
                                       else
                                           reply->json(Status::Ok, info.toJson());
                                   });
    });
}

void HttpApi::changeMember(const QString &room, const QString &change, const QString &target,
                           const QString &role, const AuthUser &user, const HttpReplyPtr &reply)
{
    m_services.rooms->changeMember(user, room, change, target, role, this,
                                   [this, reply, room, change](const RoomService::Refusal &refusal) {
                                       // Whoever left reads nothing more from a page kept for them.
                                       if (!refusal && (change == "leave"_L1 || change == "kick"_L1))
                                           m_pages.membersLeft(room);
                                       noContentOr(reply)(refusal);
                                   });
}

void HttpApi::joinRoom(const QString &room, const QHttpServerRequest &request,
                       const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply](const AuthUser &user) {
        changeMember(room, u"join"_s, {}, {}, user, reply);
    });
}

void HttpApi::leaveRoom(const QString &room, const QHttpServerRequest &request,
                        const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply](const AuthUser &user) {
        changeMember(room, u"leave"_s, {}, {}, user, reply);
    });
}

void HttpApi::invite(const QString &room, const QHttpServerRequest &request,
                     const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply, parsed = RequestParsing::parseBody<InviteRequest>(request.body())](
                                     const AuthUser &user) {
        if (const InviteRequest *invite = parsedOrReply(parsed, *reply))
            changeMember(room, u"invite"_s, invite->user, {}, user, reply);
    });
}

void HttpApi::kick(const QString &room, const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply, parsed = RequestParsing::parseBody<InviteRequest>(request.body())](
                                     const AuthUser &user) {
        if (const InviteRequest *kick = parsedOrReply(parsed, *reply))
            changeMember(room, u"kick"_s, kick->user, {}, user, reply);
    });
}

void HttpApi::setRole(const QString &room, const QHttpServerRequest &request,
                      const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply, parsed = RequestParsing::parseBody<RoleRequest>(request.body())](
                                     const AuthUser &user) {
        if (const RoleRequest *role = parsedOrReply(parsed, *reply))
            changeMember(room, u"role"_s, role->user, role->role, user, reply);
    });
}

void HttpApi::setTopic(const QString &room, const QHttpServerRequest &request,
                       const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply, parsed = RequestParsing::parseBody<TopicRequest>(request.body())](
                                     const AuthUser &user) {
        const TopicRequest *topic = parsedOrReply(parsed, *reply);
        if (!topic)
            return;
        m_services.rooms->setTopic(user, room, topic->topic, this,
                                   [reply](const RoomService::Refusal &refusal, const AppendResult &result) {
                                       if (refusal)
                                           reply->error(*refusal);
                                       else
                                           reply->json(Status::Created, result.message.toJson());
                                   });
    });
}

void HttpApi::setNotify(const QString &room, const QHttpServerRequest &request,
                        const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply, parsed = RequestParsing::parseBody<NotifyRequest>(request.body())](
                                     const AuthUser &user) {
        if (const NotifyRequest *notify = parsedOrReply(parsed, *reply))
            m_services.rooms->setNotify(user, room, notify->level, this, noContentOr(reply));
    });
}

void HttpApi::markRead(const QString &room, const QHttpServerRequest &request,
                       const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply, parsed = RequestParsing::parseBody<ReadRequest>(request.body())](
                                     const AuthUser &user) {
        const ReadRequest *read = parsedOrReply(parsed, *reply);
        if (!read)
            return;
        m_services.rooms->markRead(user, room, read->seq, nullptr, this,
                                   [reply](const RoomService::Refusal &refusal, qint64 marker) {
                                       if (refusal)
                                           reply->error(*refusal);
                                       else
                                           reply->json(Status::Ok, QJsonObject{{"lastRead"_L1, marker}});
                                   });
    });
}

void HttpApi::members(const QString &room, const QHttpServerRequest &request,
                      const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, room, reply](const AuthUser &user) {
        m_services.rooms->members(user, room, this,
                                  [reply](const RoomService::Refusal &refusal, const QList<MemberInfo> &list) {
                                      if (refusal) {
                                          reply->error(*refusal);
                                          return;
                                      }
                                      QJsonArray members;
                                      for (const MemberInfo &m : list)
                                          members.append(m.toJson());
                                      reply->json(Status::Ok, QJsonObject{{"members"_L1, members}});
                                  });
    });
}

void HttpApi::directRoom(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, reply, parsed = RequestParsing::parseBody<InviteRequest>(request.body())](
                                     const AuthUser &user) {
        const InviteRequest *peer = parsedOrReply(parsed, *reply);
        if (!peer)
            return;
        m_services.rooms->directRoom(user, peer->user, this,
                                     [reply](const RoomService::Refusal &refusal, const DirectRoom &dm) {
                                         if (refusal)
                                             reply->error(*refusal);
                                         else
                                             reply->json(dm.created ? Status::Created : Status::Ok,
                                                         dm.room.toJson());
                                     });
    });
}

void HttpApi::findUsers(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    const QString prefix = request.query().queryItemValue(u"q"_s, QUrl::FullyDecoded);
    withUser(request, reply, [this, reply, prefix](const AuthUser &) {
        if (prefix.size() > 32) {
            reply->error(ErrorCode::InvalidRequest, u"q: at most 32 characters"_s);
            return;
        }
        m_services.rooms->findUsers(prefix, this, [reply](const RoomService::Refusal &refusal,
                                                          const QList<MemberInfo> &users) {
            if (refusal) {
                reply->error(*refusal);
                return;
            }
            QJsonArray list;
            for (const MemberInfo &u : users)
                list.append(QJsonObject{{"name"_L1, u.name}, {"online"_L1, u.online}});
            reply->json(Status::Ok, QJsonObject{{"users"_L1, list}});
        });
    });
}

void HttpApi::search(const QHttpServerRequest &request, const HttpReplyPtr &reply)
{
    withUser(request, reply, [this, reply, parsed = RequestParsing::parseSearchQuery(request.query())](
                                     const AuthUser &user) {
        const SearchRequest *q = parsedOrReply(parsed, *reply);
        if (!q)
            return;
        m_services.rooms->search(user, *q, this, [reply](const RoomService::Refusal &refusal,
                                                         const SearchResult &result) {
            if (refusal) {
                reply->error(*refusal);
                return;
            }
            QJsonArray events;
            for (const ChatMessage &m : result.messages)
                events.append(m.toJson());
            reply->json(Status::Ok, QJsonObject{{"events"_L1, events}, {"hasMore"_L1, result.hasMore}});
        });
    });
}
