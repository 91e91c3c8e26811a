// SPDX-License-Identifier: MIT
#pragma once

#include "chatstore.h"
#include "eventwriter.h"
#include "migrations.h"
#include "recentmessages.h"
#include "sqlsession.h"

#include <QHash>
#include <QSet>
#include <QSqlQuery>
#include <QVariantList>

#include <memory>

// ChatStore on any QtSql database: every query is written once, in the SQL that SQLite and
// PostgreSQL both accept (ON CONFLICT, RETURNING, lower(name) indexes), and the schema comes from
// the engine's own resource files. Subclasses open the connection (SqliteStore, PostgresStore) and
// say how the engine differs in the little that does: whether it is the only writer, and an
// EventWriter of its own. appendBatch checks rooms and membership here and leaves numbering and
// writing to the EventWriter.
class SqlStore : public ChatStore
{
public:
    ~SqlStore() override;

    void close() override;
    QString epoch() const override { return m_epoch; }

    StoreStatus createUser(const QString &name, const QByteArray &passwordHash,
                           UserRecord *created) override;
    Lookup<UserRecord> findUser(const QString &name) override;

    bool storeToken(const QByteArray &tokenHash, qint64 userId, const QDateTime &expires,
                    const QString &device = {}) override;
    Lookup<AuthUser> userForToken(const QByteArray &tokenHash, const QDateTime &now) override;
    bool deleteToken(const QByteArray &tokenHash) override;
    Lookup<QList<SessionRecord>> sessions(qint64 userId, const QDateTime &now) override;
    StoreStatus revokeSession(qint64 userId, const QByteArray &hashPrefix, QByteArray *revoked) override;
    StoreStatus setPassword(qint64 userId, const QByteArray &passwordHash,
                            const QByteArray &keepTokenHash, QList<QByteArray> *revoked) override;
    StoreStatus revokeAllTokens(qint64 userId, QList<QByteArray> *revoked) override;
    StoreStatus disableUser(qint64 userId, QList<QByteArray> *revoked) override;

    Lookup<RoomList> listRooms(const RoomListQuery &query) override;
    Lookup<RoomInfo> roomInfo(const QString &room, qint64 userId) override;
    StoreStatus createRoom(const QString &name, bool isPrivate, qint64 creatorId,
                           const QString &topic = {}) override;
    StoreStatus joinRoom(const QString &room, qint64 userId) override;
    StoreStatus invite(const QString &room, qint64 inviterId, const QString &userName) override;
    Lookup<DirectRoom> directRoom(qint64 userId, const QString &peer) override;
    Lookup<QList<MemberInfo>> members(const QString &room, qint64 userId) override;
    Lookup<qint64> markRead(const QString &room, qint64 userId, qint64 seq) override;
    StoreStatus setNotify(const QString &room, qint64 userId, const QString &level) override;
    Lookup<QList<qint64>> presenceAudience(qint64 userId, int maxRoomSize) override;
    Lookup<QStringList> findUsers(const QString &prefix, int limit) override;

    HistoryResult history(const HistoryQuery &query) override;
    Lookup<SearchResult> search(const SearchRequest &request) override; // sqlstoresearch.cpp
    HistoryResult eventsAfter(const QString &room, qint64 after, int limit) override;
    QList<AppendResult> appendBatch(const QList<AppendRequest> &batch) override;
    bool ping() override;

    // sqlstorefiles.cpp
    StoreStatus storeFile(const FileUpload &upload) override;
    Lookup<StoredFile> findFile(const QString &id, qint64 userId) override;
    Lookup<QByteArray> readFile(const QString &sha256, qint64 offset, qint64 length) override;
    Lookup<QByteArray> thumbnail(const QString &id) override;
    static constexpr qint64 kFileChunkBytes = 256 * 1024;

    // chat-admin's: a room archived (true) or back from the archive; NoChange when it is so
    // already. Announced to the servers of the database.
    StoreStatus setRoomArchived(const QString &room, bool archived);
    // chat-admin's: the room's owner is now user (UserNotFound: no such user).
    StoreStatus setRoomOwner(const QString &room, const QString &user);

    // The open connection, for chat-admin's reports and copies (what no server call needs). Only
    // reads, or writes that no cache of this store holds (it is this store's own thread's).
    QSqlDatabase &database() { return m_sql.db(); }

protected:
    // soleWriter: only this process writes the database (SQLite under its lock file), so the
    // newest seq of a room is known from its own commits and need not be read back per query.
    SqlStore(bool soleWriter, const QString &connectionPrefix);

    // For open() and the subclasses: the connection, and who writes the batches.
    SqlSession &session() { return m_sql; }
    void setWriter(std::unique_ptr<EventWriter> writer);

    // Once the connection is open: the schema brought up to date, and the epoch.
    bool prepareSchema(const Migrations::Engine &engine, QString *error);
    // A reader's open: the epoch of a database a writer prepared.
    bool loadEpoch(QString *error);

    // Inside the transaction that stores them, before its commit, so that other servers of the
    // same database hear of exactly what committed: the new events (in commit order) and the
    // tokens deleted. false fails the transaction. Nothing to tell with one server (SQLite).
    // How the engine's full-text index is asked (the schema's search migration): the FROM
    // clause giving events as e, and the condition with one placeholder for the query.
    struct SearchSql
    {
        QString from;
        QString match;
        QString argument; // bound to the placeholder
    };
    virtual SearchSql searchSql(const SearchQuery &query) const = 0;

    virtual bool announceEvents(const QList<ChatMessage> &committed);
    virtual bool announceRevoked(const QList<QByteArray> &digests);
    virtual bool announceRoomChange(const RoomChange &change);

private:
    struct Room
    {
        qint64 id = 0;
        bool isPrivate = false;
    };

    HistoryResult historyOnce(const HistoryQuery &query);
    Lookup<SearchResult> searchOnce(const SearchRequest &request);
    HistoryResult eventsAfterOnce(const QString &room, qint64 after, int limit);
    std::optional<Room> findRoom(const QString &name);
    HistoryResult readPage(const Room &room, const HistoryQuery &asked); // access checked before
    bool isMember(qint64 roomId, qint64 userId);
    QString userName(qint64 userId);
    bool addMember(qint64 roomId, qint64 userId);
    void memberChanged(qint64 roomId, qint64 userId, const QString &change); // committed
    // Rooms as the user sees them, those matching `where` (SQL over r = rooms, m = the user's
    // members row, both bound to userId first; then `binds`), by name, at most limit + 1.
    Lookup<QList<RoomInfo>> roomsWhere(qint64 userId, const QString &where,
                                       const QVariantList &binds, int limit);
    // A member's unread messages and mentions after their read marker, into info.
    bool countUnread(qint64 roomId, qint64 userId, const QString &userName, RoomInfo &info);
    // A membership change by byId, as a member event of the room written now.
    AppendResult changeMember(const QString &room, qint64 byId, const QString &user,
                              const QString &change, const QString &role = {});
    std::optional<qint64> lastSeq(qint64 roomId);
    bool addReactions(qint64 roomId, qint64 userId, QList<ChatMessage> &events);
    // In one transaction: column (a fixed name, never input) of a user not deactivated set to
    // value, and every token of theirs but keepTokenHash deleted (UserNotFound: no such user).
    StoreStatus updateActiveUser(qint64 userId, const QString &column, const QVariant &value,
                                 const QByteArray &keepTokenHash, QList<QByteArray> *revoked);
    // Deletes the user's tokens but keep (empty: all) and tells which; inside a transaction.
    bool revokeTokens(qint64 userId, const QByteArray &keep, QList<QByteArray> *revoked);

    bool m_soleWriter;
    SqlSession m_sql;                          // before m_writer, which uses it
    std::unique_ptr<EventWriter> m_writer;
    QString m_epoch;
    QHash<QString, Room> m_rooms;              // rooms are never renamed or deleted
    QHash<qint64, qint64> m_lastSeq;           // room id -> newest seq committed by this process
    QSet<std::pair<qint64, qint64>> m_members; // (room, user) known to be members (sole writer)
    QHash<qint64, QString> m_userNames;        // users are never renamed or deleted
    RecentMessages m_recent;                   // newest events of rooms read lately
    QSet<qint64> m_reactionRooms;              // rooms with reactions (sole writer only)
    bool m_reactionRoomsLoaded = false;
    std::optional<QSqlQuery> m_isMember;       // prepared once per connection (SqlSession)
    std::optional<QSqlQuery> m_userName;
    std::optional<QSqlQuery> m_readSeq;
    std::optional<QSqlQuery> m_reactions;
    std::optional<QSqlQuery> m_historyAfter;
    std::optional<QSqlQuery> m_historyBefore;
};
