// SPDX-License-Identifier: MIT
#pragma once

#include "ratelimiter.h"

#include "eventsubmission.h"
#include "roominfo.h"
#include "store/chatstore.h"
#include "wireerror.h"

#include <QObject>

#include <functional>
#include <optional>

class CatchUpQueue;
class Hub;
class StoreService;
struct AuthUser;

// What users can do with rooms, between the transports (HttpApi, WsSession) and the store: list,
// create, join, invite, read history and post, as typed asynchronous calls answered on the
// caller's thread (skipped when context is gone), each refusal already turned into its wire error
// (wireerror: the one mapping). It applies the send rate limit and tells the Hub what others must
// hear of (a room created, an invitation). Transports never reach the store but through here.
class RoomService : public QObject
{
    Q_OBJECT
public:
    using Refusal = std::optional<WireError>; // nullopt = done

    // catchUp: where catch-up reads wait for the reader store (fairly, per user).
    RoomService(StoreService *store, CatchUpQueue *catchUp, RateLimiter *limiter, Hub *hub,
                QObject *parent = nullptr);

    QString epoch() const; // of the database: changes only with a new one

    // query.userId is the user's.
    void listRooms(const AuthUser &user, RoomListQuery query, QObject *context,
                   std::function<void(Refusal, const RoomList &)> done);
    void createRoom(const AuthUser &user, const QString &name, bool isPrivate, QObject *context,
                    std::function<void(Refusal)> done);
    void join(const AuthUser &user, const QString &room, QObject *context,
              std::function<void(Refusal)> done);
    void invite(const AuthUser &user, const QString &room, const QString &invitee,
                QObject *context, std::function<void(Refusal)> done);
    // query.userId is the user's; the result's status is Ok when refusal is nullopt.
    void history(const AuthUser &user, HistoryQuery query, QObject *context,
                 std::function<void(Refusal, const HistoryResult &)> done);
    // history() for a connection catching up on a room: served by the reader store through the
    // CatchUpQueue, so it never delays a commit; a repeat under the same (context, key) before
    // it ran replaces it, and it never runs once context is gone.
    void catchUp(const AuthUser &user, HistoryQuery query, QObject *context, const QString &key,
                 std::function<void(Refusal, const HistoryResult &)> done);
    void cancelCatchUps(QObject *context);
    // Answered only after the transaction committed (or failed); a retry of a stored clientId
    // is answered with the original (duplicate = true).
    void post(const AuthUser &user, const QString &room, const EventSubmission &event,
              QObject *context, std::function<void(Refusal, const AppendResult &)> done);

private:
    StoreService *m_store;
    CatchUpQueue *m_catchUp;
    RateLimiter *m_limiter;
    Hub *m_hub;
};
