// SPDX-License-Identifier: MIT
#include "roomservice.h"

#include "catchupqueue.h"
#include "logging.h"
#include "ratelimiter.h"
#include "store/storeservice.h"
#include "ws/hub.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace {
RoomService::Refusal refusal(StoreStatus status, const QString &room)
{
    if (status == StoreStatus::Ok)
        return std::nullopt;
    return storeError(status, room);
}
} // namespace

RoomService::RoomService(StoreService *store, CatchUpQueue *catchUp, RateLimiter *limiter, Hub *hub,
                         QObject *parent)
    : QObject(parent), m_store(store), m_catchUp(catchUp), m_limiter(limiter), m_hub(hub)
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
    m_store->run<Lookup<RoomList>>(
            context, [query](ChatStore &store) { return store.listRooms(query); },
            [done = std::move(done)](const Lookup<RoomList> &rooms) {
                done(refusal(rooms.status, {}), *rooms);
            });
}

void RoomService::createRoom(const AuthUser &user, const QString &name, bool isPrivate,
                             QObject *context, std::function<void(Refusal)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<StoreStatus>(
            context,
            [name, isPrivate, id = user.id](ChatStore &store) {
                return store.createRoom(name, isPrivate, id);
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

void RoomService::join(const AuthUser &user, const QString &room, QObject *context,
                       std::function<void(Refusal)> done)
{
    m_store->run<StoreStatus>(
            context, [room, id = user.id](ChatStore &store) { return store.joinRoom(room, id); },
            [room, done = std::move(done)](StoreStatus status) {
                if (status == StoreStatus::Forbidden) {
                    done(WireError{ErrorCode::Forbidden,
                                   u"room '%1' is private; ask a member to invite you"_s.arg(room)});
                    return;
                }
                done(refusal(status, room));
            });
}

void RoomService::invite(const AuthUser &user, const QString &room, const QString &invitee,
                         QObject *context, std::function<void(Refusal)> done)
{
    QPointer<RoomService> self(this);
    m_store->run<StoreStatus>(
            context,
            [room, invitee, id = user.id](ChatStore &store) { return store.invite(room, id, invitee); },
            [self, room, invitee, by = user.name, done = std::move(done)](StoreStatus status) {
                if (status == StoreStatus::Ok && self)
                    self->m_hub->userInvited(room, invitee, by);
                done(refusal(status, room));
            });
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
