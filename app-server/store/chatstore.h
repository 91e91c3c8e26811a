// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "eventkind.h"
#include "fileinfo.h"
#include "roominfo.h"
#include "searchquery.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

// Outcome of a store operation, mapped to HTTP statuses and error frames by the callers.
enum class StoreStatus {
    Ok,
    RoomNotFound,
    RoomArchived, // takes no new events (its history stays readable, and joinable to read it)
    UserNotFound,
    EventNotFound,
    Forbidden, // not a member of the room
    NotMember,    // the user a membership change names is not a member
    NotPermitted, // a member, but their role (or the room's kind: a dm) does not allow it
    NotAuthor, // an edit or delete of another sender's message
    NoChange,  // a reaction already there added, or one not there removed
    FileNotFound,  // no such file (or, attaching it: not the sender's upload to this room, or attached already)
    QuotaExceeded, // the uploader's files would take more than their quota
    Conflict,
    Error
};

// What a lookup found: Ok with the value, a "no" of the lookup itself (UserNotFound, …), or Error
// when the database failed to answer — which callers must never turn into a "no" (a failed token
// lookup is not a signed-out user, a failed room list is not an empty one).
template<typename T>
struct Lookup
{
    StoreStatus status = StoreStatus::Error;
    T value{};

    static Lookup found(T v) { return {StoreStatus::Ok, std::move(v)}; }
    explicit operator bool() const { return status == StoreStatus::Ok; }
    bool failed() const { return status == StoreStatus::Error; }
    const T *operator->() const { return &value; }
    const T &operator*() const & { return value; }
    T operator*() && { return std::move(value); } // `for (x : (*store.listRooms(q)).rooms)` stays safe
};

// A page of the rooms a user can see (the public ones and those they are a member of), by name.
struct RoomListQuery
{
    qint64 userId = 0;
    QString after;   // names above this one; empty = from the start
    int limit = 500; // at least 1
    bool directory = false; // the public rooms (not direct conversations), member or not
    QString filter;         // directory: only names containing this
};

// POST /api/v2/dms: the pair's direct conversation, and whether this call created it.
struct DirectRoom
{
    RoomInfo room;
    bool created = false;
};

struct RoomList
{
    QList<RoomInfo> rooms;
    bool hasMore = false; // rooms after the last of this page
};

struct UserRecord
{
    qint64 id = 0;
    QString name;         // canonical spelling (names are unique case-insensitively)
    QByteArray passwordHash; // libsodium crypto_pwhash_str output
    bool disabled = false;   // deactivated: cannot sign in, has no tokens
};

struct AuthUser
{
    qint64 id = 0;
    QString name;
    QDateTime expires; // of the token it was found by
};

// A token as its user sees it: a signed-in device (GET /api/v2/sessions).
struct SessionRecord
{
    QByteArray tokenHash;
    QString device;       // as the client named it at sign-in ("" unknown)
    QDateTime createdAt;  // null for tokens older than schema 7 / 6
    QDateTime lastUsedAt; // to about a minute (the token cache); null as above
    QDateTime expiresAt;
};

// Who may now see a room, for that user's sessions to reload their room list (a {"type":"room"}
// frame): a room created (public: everyone; private: its creator) or a user invited.
struct RoomChange
{
    enum class Kind { Created, Invited, Archived, Unarchived };
    Kind kind = Kind::Created;
    QString room;
    bool isPrivate = false;
    qint64 userId = 0; // the creator, or the user invited
    QString user;
    QString by;        // the creator, or who invited
    friend bool operator==(const RoomChange &a, const RoomChange &b)
    {
        return a.kind == b.kind && a.room == b.room && a.isPrivate == b.isPrivate
                && a.userId == b.userId && a.user == b.user && a.by == b.by;
    }
};

// An event to append. Its kind's fields are checked by the caller (EventKinds::fieldsError,
// Validation::bodyError); the store checks what needs the database: relatesTo names a message of
// the same room that is not deleted, edits and deletes are the message's sender's own, a member
// event names a user. A refused request consumes no seq.
struct AppendRequest
{
    qint64 senderId = 0;
    QString room;
    QString clientId;
    QString body;
    EventKind kind = EventKind::Message;
    QJsonObject fields;
};

// A membership change (member event) asked by byId: change "join" (user: byId's own name),
// "invite", "leave" (own), "kick", "role" (with role "admin" | "member").
AppendRequest memberRequest(qint64 byId, const QString &room, const QString &user,
                            const QString &change, const QString &role = {});

struct AppendResult
{
    StoreStatus status = StoreStatus::Error;
    ChatMessage message;    // the stored message (the original one for a retry)
    bool duplicate = false; // (sender, clientId) was already stored
};

// Events ascending by seq; a message carries its current state, reactions as userId sees them.
struct HistoryQuery
{
    QString room;
    qint64 userId = 0;            // must be a member
    std::optional<qint64> after;  // ascending from after+1
    std::optional<qint64> before; // the newest `limit` below before
    int limit = 50;               // 0 = only check access and report lastSeq
};

struct HistoryResult
{
    StoreStatus status = StoreStatus::Error;
    QList<ChatMessage> messages; // ascending seq
    bool hasMore = false;        // more in the direction of the query
    qint64 lastSeq = 0;          // newest seq in the room when the query ran
};

// GET /api/v2/search: messages whose current text matches, in the rooms userId is a member of
// (never others), newest first. Deleted messages are never found; an edited one by its new text.
struct SearchRequest
{
    qint64 userId = 0;
    SearchQuery query;
    QString room;   // only this room (RoomNotFound / Forbidden as history); empty: all of them
    QString before; // an event id (the last of the previous page): only older messages
    int limit = 20; // at least 1
};

struct SearchResult
{
    QList<ChatMessage> messages; // newest first; each with its room and its current state
    bool hasMore = false;        // older matches after the last
};

// POST /api/v2/rooms/{room}/files: the content and what FileService found in it.
struct FileUpload
{
    qint64 userId = 0;
    QString room;
    FileInfo info;          // all of it but `thumbnail`, which is whether one is given here
    QByteArray content;     // info.size bytes whose SHA-256 is info.sha256
    QByteArray thumbnail;   // JPEG or PNG; empty: none
    qint64 quotaBytes = 0;  // the uploader's files together may take at most this; 0: no limit
};

// A file as GET /api/v2/files/{id} needs it.
struct StoredFile
{
    FileInfo info;
    QString room;
};

// What a store's connection is for. The writer opens the database (lock, migrations) and does
// everything; a reader is a second connection, opened after the writer, that serves history
// reads on a thread of its own so that catching clients up never delays a commit. It writes
// nothing and trusts no cached newest seq (the writer moves on without telling it).
enum class StoreRole { Writer, Reader };

// Persistence behind one interface so another backend (PostgreSQL) can be added without touching
// callers. An implementation is used from one thread only (StoreService's worker thread).
class ChatStore
{
public:
    virtual ~ChatStore() = default;

    virtual bool open(QString *error) = 0;
    virtual void close() = 0;
    // Random id made when the database was created; changes only with a new database.
    virtual QString epoch() const = 0;
    // Whether the database answers now (reopening a lost connection): readiness.
    virtual bool ping() = 0;

    virtual StoreStatus createUser(const QString &name, const QByteArray &passwordHash,
                                   UserRecord *created) = 0;
    // UserNotFound when there is no such user.
    virtual Lookup<UserRecord> findUser(const QString &name) = 0;

    virtual bool storeToken(const QByteArray &tokenHash, qint64 userId, const QDateTime &expires,
                            const QString &device = {}) = 0;
    // UserNotFound when the token is unknown or expired. Notes the token's use.
    virtual Lookup<AuthUser> userForToken(const QByteArray &tokenHash, const QDateTime &now) = 0;
    virtual bool deleteToken(const QByteArray &tokenHash) = 0;
    // The user's tokens that have not expired, the most recently used first.
    virtual Lookup<QList<SessionRecord>> sessions(qint64 userId, const QDateTime &now) = 0;
    // The user's token whose hash starts with hashPrefix deleted (and announced);
    // UserNotFound when the user has no such token.
    virtual StoreStatus revokeSession(qint64 userId, const QByteArray &hashPrefix,
                                      QByteArray *revoked) = 0;
    // The password replaced and every token of the user but keepTokenHash deleted, in one
    // transaction; *revoked gets the deleted tokens' hashes.
    virtual StoreStatus setPassword(qint64 userId, const QByteArray &passwordHash,
                                    const QByteArray &keepTokenHash, QList<QByteArray> *revoked) = 0;
    // Every token of the user deleted (and announced), in one transaction; *revoked as above.
    virtual StoreStatus revokeAllTokens(qint64 userId, QList<QByteArray> *revoked) = 0;
    // The account deactivated (no sign-in from now on; the name stays taken, the messages stay)
    // and every token of it deleted, in one transaction; *revoked as above.
    virtual StoreStatus disableUser(qint64 userId, QList<QByteArray> *revoked) = 0;

    virtual Lookup<RoomList> listRooms(const RoomListQuery &query) = 0;
    // One room as listRooms shows it to userId (RoomNotFound also for a private room they are
    // not a member of: its existence is not told).
    virtual Lookup<RoomInfo> roomInfo(const QString &room, qint64 userId) = 0;
    virtual StoreStatus createRoom(const QString &name, bool isPrivate, qint64 creatorId,
                                   const QString &topic = {}) = 0;
    // Membership changes are member events (appendBatch with memberRequest); these two are
    // the same for callers that want only the outcome (NoChange is Ok: a member already).
    virtual StoreStatus joinRoom(const QString &room, qint64 userId) = 0;
    virtual StoreStatus invite(const QString &room, qint64 inviterId, const QString &userName) = 0;
    // The direct conversation of userId and peer, created (with both as members) when there is
    // none: one room per pair whoever asks first, also when both ask at once. UserNotFound: no
    // such peer; Forbidden: the peer's account is deactivated and they had none; NotPermitted:
    // peer is userId.
    virtual Lookup<DirectRoom> directRoom(qint64 userId, const QString &peer) = 0;
    // The room's members, by name (RoomNotFound; Forbidden for a non-member). online is false.
    virtual Lookup<QList<MemberInfo>> members(const QString &room, qint64 userId) = 0;
    // The user's read marker moved to seq (never back, never past the room's newest): the
    // marker now (NoChange with it when it did not move). Forbidden for a non-member.
    virtual Lookup<qint64> markRead(const QString &room, qint64 userId, qint64 seq) = 0;
    virtual StoreStatus setNotify(const QString &room, qint64 userId, const QString &level) = 0;
    // Active users whose name starts with prefix (ignoring case), by name, at most limit: for
    // finding someone to write to.
    virtual Lookup<QStringList> findUsers(const QString &prefix, int limit) = 0;
    // Who hears of userId's presence: the users sharing a direct conversation with them, or a
    // room of at most maxRoomSize members (in bigger rooms, GET members tells who is online).
    virtual Lookup<QList<qint64>> presenceAudience(qint64 userId, int maxRoomSize) = 0;

    virtual HistoryResult history(const HistoryQuery &query) = 0;
    virtual Lookup<SearchResult> search(const SearchRequest &request) = 0;
    // For the server itself, never for a user's request (no membership check): the events of a
    // room after a seq, to repair a gap in live delivery.
    virtual HistoryResult eventsAfter(const QString &room, qint64 after, int limit) = 0;

    // Stores a batch in one transaction. Results are in request order; nothing in the batch is
    // visible (or reported Ok) unless the transaction committed.
    virtual QList<AppendResult> appendBatch(const QList<AppendRequest> &batch) = 0;

    // Files (sqlstorefiles.cpp). storeFile: RoomNotFound, Forbidden (not a member), QuotaExceeded.
    virtual StoreStatus storeFile(const FileUpload &upload) = 0;
    // A file whose room userId is a member of: FileNotFound, or Forbidden for anyone else.
    virtual Lookup<StoredFile> findFile(const QString &id, qint64 userId) = 0;
    // length bytes of content from offset (within its size; the caller checks).
    virtual Lookup<QByteArray> readFile(const QString &sha256, qint64 offset, qint64 length) = 0;
    // FileNotFound when the file has none.
    virtual Lookup<QByteArray> thumbnail(const QString &id) = 0;
};
