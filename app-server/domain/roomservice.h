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
class Subscriber;
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

    // catchUp: where catch-up reads wait for the reader store (fairly, per user); reader: that
    // store, for searches.
    RoomService(StoreService *store, CatchUpQueue *catchUp, StoreService *reader, RateLimiter *limiter,
                Hub *hub, QObject *parent = nullptr);

    QString epoch() const; // of the database: changes only with a new one

    // query.userId is the user's.
    void listRooms(const AuthUser &user, RoomListQuery query, QObject *context,
                   std::function<void(Refusal, const RoomList &)> done);
    void createRoom(const AuthUser &user, const QString &name, bool isPrivate,
                    const QString &topic, QObject *context, std::function<void(Refusal)> done);
    // The room as the user sees it (its existence is not told to a non-member of a private one).
    void roomInfo(const AuthUser &user, const QString &room, QObject *context,
                  std::function<void(Refusal, const RoomInfo &)> done);
    // Membership changes, each a member event of the room's timeline, answered after it
    // committed. change: "join" (of user), "leave" (of user), "invite", "kick" (of target),
    // "role" (target made role). A change that would change nothing (joining a room one is a
    // member of, inviting a member) is done: no event.
    void changeMember(const AuthUser &user, const QString &room, const QString &change,
                      const QString &target, const QString &role, QObject *context,
                      std::function<void(Refusal)> done);
    void setTopic(const AuthUser &user, const QString &room, const QString &topic,
                  QObject *context, std::function<void(Refusal, const AppendResult &)> done);
    // The user's direct conversation with peer, created when there is none (created = true).
    void directRoom(const AuthUser &user, const QString &peer, QObject *context,
                    std::function<void(Refusal, const DirectRoom &)> done);
    // Members of a room the user is a member of, with whether each is online now.
    void members(const AuthUser &user, const QString &room, QObject *context,
                 std::function<void(Refusal, const QList<MemberInfo> &)> done);
    // The user's read marker moved forward to seq (the marker after it); their other sessions
    // are told.
    // origin: the session that sent it (told nothing), or null (HTTP: every session is told).
    void markRead(const AuthUser &user, const QString &room, qint64 seq, Subscriber *origin,
                  QObject *context, std::function<void(Refusal, qint64 marker)> done);
    void setNotify(const AuthUser &user, const QString &room, const QString &level,
                   QObject *context, std::function<void(Refusal)> done);
    // Users to write to: names starting with prefix, with whether each is online.
    void findUsers(const QString &prefix, QObject *context,
                   std::function<void(Refusal, const QList<MemberInfo> &)> done);
    // A user came online or went offline (anywhere): told to the sessions here of those who
    // share a dm or a room of at most maxRoomSize members with them.
    void tellPresence(qint64 userId, const QString &name, bool online, const QDateTime &lastSeen,
                      int maxRoomSize);
    // query.userId is the user's; the result's status is Ok when refusal is nullopt.
    void history(const AuthUser &user, HistoryQuery query, QObject *context,
                 std::function<void(Refusal, const HistoryResult &)> done);
    // history() for a connection catching up on a room: served by the reader store through the
    // CatchUpQueue, so it never delays a commit; a repeat under the same (context, key) before
    // it ran replaces it, and it never runs once context is gone.
    void catchUp(const AuthUser &user, HistoryQuery query, QObject *context, const QString &key,
                 std::function<void(Refusal, const HistoryResult &)> done);
    void cancelCatchUps(QObject *context);
    // Messages matching request.query in the user's rooms, newest first; read by the reader
    // store, beside the writer (a search never delays a commit).
    void search(const AuthUser &user, SearchRequest request, QObject *context,
                std::function<void(Refusal, const SearchResult &)> done);
    // Answered only after the transaction committed (or failed); a retry of a stored clientId
    // is answered with the original (duplicate = true).
    void post(const AuthUser &user, const QString &room, const EventSubmission &event,
              QObject *context, std::function<void(Refusal, const AppendResult &)> done);

private:
    void withPresence(RoomInfo &room) const; // a dm's peerOnline, as this server knows it
    StoreService *m_store;
    CatchUpQueue *m_catchUp;
    StoreService *m_reader;
    RateLimiter *m_limiter;
    Hub *m_hub;
};
