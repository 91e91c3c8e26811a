// SPDX-License-Identifier: MIT
#include "roomservice.h"

#include "catchupqueue.h"
#include "logging.h"
#include "ratelimiter.h"
#include "store/storeservice.h"
#include "protocol.h"
#include "ws/hub.h"

#include <QPointer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace {
RoomService::Refusal refusal(StoreStatus status, const QString &room)
{
    if (status == StoreStatus::Ok)
        return std::nullopt;
    return storeError(status, room);
}
} // namespace

RoomService::RoomService(StoreService *store, CatchUpQueue *catchUp, StoreService *reader,
                         RateLimiter *limiter, Hub *hub, QObject *parent)
    : QObject(parent), m_store(store), m_catchUp(catchUp), m_reader(reader), m_limiter(limiter), m_hub(hub)
{
}

QString RoomService::epoch() const
{
    return m_store->epoch();
}

void RoomService::listRooms(const AuthUser &user, RoomListQuery query, QObject *context,
                            std::function<void(Refusal, const RoomList &)> done)
{
    query.userId = user.id;
    QPointer<RoomService> self(this);
    m_store->run<Lookup<RoomList>>(
            context, [query](ChatStore &store) { return store.listRooms(query); },
            [self, done = std::move(done)](Lookup<RoomList> rooms) {
                if (self) {
                    for (RoomInfo &r : rooms.value.rooms)
                        self->withPresence(r);
                }
                done(refusal(rooms.status, {}), rooms.value);
            });
}

void RoomService::createRoom(const AuthUser &user, const QString &name, bool isPrivate,
                             const QString &topic, QObject *context, std::function<void(Refusal)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<StoreStatus>(
            context,
            [name, isPrivate, topic, id = user.id](ChatStore &store) {
                return store.createRoom(name, isPrivate, id, topic);
            },
            [self, user, name, isPrivate, done = std::move(done)](StoreStatus status) {
                if (status == StoreStatus::Ok && self) {
                    qCInfo(lcServer).noquote() << (isPrivate ? "private" : "public") << "room"
                                               << name << "created by" << user.name;
                    self->m_hub->roomCreated(name, isPrivate, user.id, user.name);
                }
                done(refusal(status, name));
            });
}

void RoomService::roomInfo(const AuthUser &user, const QString &room, QObject *context,
                           std::function<void(Refusal, const RoomInfo &)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<Lookup<RoomInfo>>(
            context, [room, id = user.id](ChatStore &store) { return store.roomInfo(room, id); },
            [self, room, done = std::move(done)](Lookup<RoomInfo> info) {
                if (self)
                    self->withPresence(info.value);
                done(refusal(info.status, room), info.value);
            });
}

namespace {
// A refused membership change in words that say why, for the change asked.
WireError memberRefusal(StoreStatus status, const QString &room, const QString &change,
                        const QString &target)
{
    switch (status) {
    case StoreStatus::Forbidden:
        if (change == "join"_L1)
            return {ErrorCode::Forbidden, u"room '%1' is private; ask a member to invite you"_s.arg(room)};
        break;
    case StoreStatus::NotPermitted:
        if (change == "leave"_L1)
            return {ErrorCode::Forbidden, u"a direct conversation cannot be left; mute it instead"_s};
        if (change == "invite"_L1)
            return {ErrorCode::Forbidden, u"nobody can be added to a direct conversation"_s};
        if (change == "kick"_L1)
            return {ErrorCode::Forbidden,
                    u"only the room's owner or an admin can remove members, and nobody its owner"_s};
        if (change == "role"_L1)
            return {ErrorCode::Forbidden, u"only the room's owner can name admins"_s};
        break;
    case StoreStatus::NotMember:
        return {ErrorCode::UserNotFound, u"%1 is not a member of room '%2'"_s.arg(target, room)};
    case StoreStatus::UserNotFound:
        return {ErrorCode::UserNotFound, u"there is no user named '%1'"_s.arg(target)};
    default:
        break;
    }
    return storeError(status, room);
}
} // namespace

void RoomService::changeMember(const AuthUser &user, const QString &room, const QString &change,
                               const QString &target, const QString &role, QObject *context,
                               std::function<void(Refusal)> done)
{
    const bool own = change == "join"_L1 || change == "leave"_L1;
    const QString who = own ? user.name : target;
    m_store->append(memberRequest(user.id, room, who, change, role), context,
                    [room, change, who, by = user.name, done = std::move(done)](const AppendResult &result) {
                        if (result.status == StoreStatus::Ok || result.status == StoreStatus::NoChange) {
                            if (result.status == StoreStatus::Ok)
                                qCInfo(lcServer).noquote() << "room" << room << ":" << change << who
                                                           << "by" << by;
                            done(std::nullopt);
                            return;
                        }
                        done(memberRefusal(result.status, room, change, who));
                    });
}

void RoomService::setTopic(const AuthUser &user, const QString &room, const QString &topic,
                           QObject *context, std::function<void(Refusal, const AppendResult &)> done)
{
    EventSubmission event;
    event.kind = EventKind::Topic;
    event.clientId = u"topic-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
    event.fields = {{"topic"_L1, topic}};
    post(user, room, event, context, std::move(done));
}

void RoomService::directRoom(const AuthUser &user, const QString &peer, QObject *context,
                             std::function<void(Refusal, const DirectRoom &)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<Lookup<DirectRoom>>(
            context, [peer, id = user.id](ChatStore &store) { return store.directRoom(id, peer); },
            [self, user, peer, done = std::move(done)](Lookup<DirectRoom> dm) {
                if (self)
                    self->withPresence(dm.value.room);
                if (dm.status == StoreStatus::Forbidden) {
                    done(WireError{ErrorCode::Forbidden,
                                   u"%1's account is deactivated"_s.arg(peer)}, {});
                    return;
                }
                if (dm.status == StoreStatus::NotPermitted) {
                    done(WireError{ErrorCode::InvalidRequest,
                                   u"a direct conversation needs another user"_s}, {});
                    return;
                }
                if (dm.status == StoreStatus::UserNotFound) {
                    done(WireError{ErrorCode::UserNotFound, u"there is no user named '%1'"_s.arg(peer)}, {});
                    return;
                }
                if (dm && dm->created && self) {
                    qCInfo(lcServer).noquote() << "direct conversation" << dm->room.name << "of"
                                               << user.name << "and" << dm->room.peer;
                    self->m_hub->roomCreated(dm->room.name, true, user.id, user.name);
                    self->m_hub->userInvited(dm->room.name, dm->room.peer, user.name);
                }
                done(refusal(dm.status, {}), *dm);
            });
}

void RoomService::members(const AuthUser &user, const QString &room, QObject *context,
                          std::function<void(Refusal, const QList<MemberInfo> &)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<Lookup<QList<MemberInfo>>>(
            context, [room, id = user.id](ChatStore &store) { return store.members(room, id); },
            [self, room, done = std::move(done)](Lookup<QList<MemberInfo>> list) {
                if (list && self) {
                    for (MemberInfo &m : list.value)
                        m.online = self->m_hub->isOnline(m.name);
                }
                done(refusal(list.status, room), list.value);
            });
}

void RoomService::markRead(const AuthUser &user, const QString &room, qint64 seq,
                           Subscriber *origin, QObject *context,
                           std::function<void(Refusal, qint64)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<Lookup<qint64>>(
            context,
            [room, seq, id = user.id](ChatStore &store) { return store.markRead(room, id, seq); },
            [self, user, room, origin, done = std::move(done)](const Lookup<qint64> &marker) {
                // (origin is alive: this runs only while context, the session, is.)
                if (marker && self)
                    self->m_hub->readMarkerMoved(user.id, room, *marker, origin);
                done(marker.status == StoreStatus::NoChange ? std::nullopt : refusal(marker.status, room),
                     marker.value);
            });
}

void RoomService::setNotify(const AuthUser &user, const QString &room, const QString &level,
                            QObject *context, std::function<void(Refusal)> done)
{
    m_store->run<StoreStatus>(
            context,
            [room, level, id = user.id](ChatStore &store) { return store.setNotify(room, id, level); },
            [room, done = std::move(done)](StoreStatus status) { done(refusal(status, room)); });
}

void RoomService::history(const AuthUser &user, HistoryQuery query, QObject *context,
                          std::function<void(Refusal, const HistoryResult &)> done)
{
    query.userId = user.id;
    m_store->run<HistoryResult>(
            context, [query](ChatStore &store) { return store.history(query); },
            [room = query.room, done = std::move(done)](HistoryResult result) {
                done(refusal(result.status, room), result);
            });
}

void RoomService::catchUp(const AuthUser &user, HistoryQuery query, QObject *context,
                          const QString &key,
                          std::function<void(Refusal, const HistoryResult &)> done)
{
    query.userId = user.id;
    m_catchUp->read(context, key, query,
                    [room = query.room, done = std::move(done)](const HistoryResult &result) {
                        done(refusal(result.status, room), result);
                    });
}

void RoomService::cancelCatchUps(QObject *context)
{
    m_catchUp->cancel(context);
}

void RoomService::search(const AuthUser &user, SearchRequest request, QObject *context,
                         std::function<void(Refusal, const SearchResult &)> done)
{
    request.userId = user.id;
    m_reader->run<Lookup<SearchResult>>(
            context, [request](ChatStore &store) { return store.search(request); },
            [room = request.room, done = std::move(done)](const Lookup<SearchResult> &result) {
                done(refusal(result.status, room), result.value);
            });
}

void RoomService::post(const AuthUser &user, const QString &room, const EventSubmission &event,
                       QObject *context, std::function<void(Refusal, const AppendResult &)> done)
{
    if (!m_limiter->allow(user.id)) {
        // A client flushing its outbox after a long offline spell meets this limit in good
        // faith: it is told to retry, not counted as abuse.
        done(WireError{ErrorCode::RateLimited, Errors::defaultMessage(ErrorCode::RateLimited)},
             AppendResult{});
        return;
    }
    m_store->append({user.id, room, event.clientId, event.body, event.kind, event.fields}, context,
                    [room, done = std::move(done)](const AppendResult &result) {
                        done(refusal(result.status, room), result);
                    });
}

void RoomService::findUsers(const QString &prefix, QObject *context,
                            std::function<void(Refusal, const QList<MemberInfo> &)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<Lookup<QStringList>>(
            context, [prefix](ChatStore &store) { return store.findUsers(prefix, 20); },
            [self, done = std::move(done)](const Lookup<QStringList> &names) {
                QList<MemberInfo> users;
                for (const QString &name : names.value)
                    users.append({name, {}, self && self->m_hub->isOnline(name)});
                done(refusal(names.status, {}), users);
            });
}

void RoomService::withPresence(RoomInfo &room) const
{
    if (room.dm)
        room.peerOnline = m_hub->isOnline(room.peer);
}

void RoomService::tellPresence(qint64 userId, const QString &name, bool online,
                               const QDateTime &lastSeen, int maxRoomSize)
{
    QPointer<RoomService> self(this);
    m_store->run<Lookup<QList<qint64>>>(
            this,
            [userId, maxRoomSize](ChatStore &store) { return store.presenceAudience(userId, maxRoomSize); },
            [self, name, online, lastSeen](const Lookup<QList<qint64>> &audience) {
                if (!audience || !self)
                    return; // (best effort: GET members still tells)
                self->m_hub->pushToUsers(
                        *audience,
                        TextFrame(ServerFrame::presence(name, online, lastSeen).toJson()));
            });
}
