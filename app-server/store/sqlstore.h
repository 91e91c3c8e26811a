// SPDX-License-Identifier: MIT
#pragma once

#include "chatstore.h"
#include "migrations.h"
#include "recentmessages.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>

// ChatStore on any QtSql database: every query is written once, in the SQL that SQLite and
// PostgreSQL both accept (ON CONFLICT, RETURNING, lower(name) indexes), and the schema comes from
// the engine's own resource files. Subclasses open the connection (SqliteStore, PostgresStore) and
// say how the engine differs in the little that does (Dialect).
//
// Seqs come from a counter row per room (rooms.last_seq), read with a row lock and advanced in
// the transaction that stores the events, so writers in several processes can never hand out the
// same seq, and a rolled back batch never leaves a gap.
class SqlStore : public ChatStore
{
public:
    ~SqlStore() override;

    void close() override;
    QString epoch() const override { return m_epoch; }

    StoreStatus createUser(const QString &name, const QByteArray &passwordHash,
                           UserRecord *created) override;
    std::optional<UserRecord> findUser(const QString &name) override;

    bool storeToken(const QByteArray &tokenHash, qint64 userId, const QDateTime &expires) override;
    std::optional<AuthUser> userForToken(const QByteArray &tokenHash,
                                         const QDateTime &now) override;
    bool deleteToken(const QByteArray &tokenHash) override;

    QList<RoomInfo> listRooms(qint64 userId) override;
    StoreStatus createRoom(const QString &name, bool isPrivate, qint64 creatorId) override;
    StoreStatus joinRoom(const QString &room, qint64 userId) override;
    StoreStatus invite(const QString &room, qint64 inviterId, const QString &userName) override;

    HistoryResult history(const HistoryQuery &query) override;
    HistoryResult eventsAfter(const QString &room, qint64 after, int limit) override;
    QList<AppendResult> appendBatch(const QList<AppendRequest> &batch) override;

protected:
    struct Dialect
    {
        QString driver;    // QtSql driver: "QSQLITE", "QPSQL"
        QString forUpdate; // appended to a SELECT that must lock the rows it reads
        // Only this process writes the database (SQLite under its lock file): the newest seq of
        // a room is known from its own commits and need not be read back for each history query.
        bool soleWriter = false;
    };

    SqlStore(Dialect dialect, const QString &connectionPrefix);

    // A checked request of appendBatch: its sender may post in the room; seq not yet assigned.
    struct NewEvent
    {
        qsizetype index = 0; // in the batch and its results
        qint64 roomId = 0;
        qint64 senderId = 0;
        ChatMessage message;
    };
    // Inside appendBatch's transaction: assigns seqs from the rooms' counter rows, stores the
    // events (a (sender, clientId) stored before is answered with the original, duplicate =
    // true), advances the counters and reports the newest seq of each room it advanced. false =
    // a statement failed and the batch is rolled back. One statement per event here; an engine
    // with a round trip per statement does the batch in a few.
    virtual bool storeEvents(QList<NewEvent> &events, QList<AppendResult> &results,
                             QHash<qint64, qint64> *lastSeqs);

    // Columns: seq, id, sender name, client id, body, ts.
    static ChatMessage messageFromRow(const QSqlQuery &q, const QString &room);
    QSqlQuery &prepared(std::optional<QSqlQuery> &slot, const QString &sql);
    bool exec(QSqlQuery &query);
    bool run(const QString &statement); // one without bound values: SAVEPOINT, …

    // For open(): the named connection (not yet open), then, once it is, schema and epoch.
    QSqlDatabase &database() { return m_db; }
    bool addConnection();
    bool prepareSchema(const Migrations::Engine &engine, QString *error);
    // Before each operation: a connection that broke (the server went away) is opened again.
    // Returns false when it is still down; the operation then reports an error. A subclass
    // with prepared statements of its own drops them in reconnect() and close() first.
    bool ensureConnected();
    virtual bool reconnect(QString *error);

private:
    struct Room
    {
        qint64 id = 0;
        bool isPrivate = false;
    };

    bool begin();
    void rollback();
    void dropPreparedQueries();
    std::optional<Room> findRoom(const QString &name);
    HistoryResult readPage(const Room &room, const HistoryQuery &query); // access checked before
    bool isMember(qint64 roomId, qint64 userId);
    QString userName(qint64 userId);
    bool addMember(qint64 roomId, qint64 userId);
    std::optional<qint64> lastSeq(qint64 roomId);
    std::optional<qint64> lockSeqCounter(qint64 roomId);
    std::optional<ChatMessage> findByClientId(qint64 senderId, const QString &clientId);

    Dialect m_dialect;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_broken = false;                     // a statement failed and the connection is gone
    QString m_epoch;
    QHash<QString, Room> m_rooms;              // rooms are never renamed or deleted
    QHash<qint64, qint64> m_lastSeq;           // room id -> newest seq committed by this process
    QSet<std::pair<qint64, qint64>> m_members; // (room, user) known to be members; nobody leaves
    QHash<qint64, QString> m_userNames;        // users are never renamed or deleted
    RecentMessages m_recent;                   // newest messages of rooms read lately
    std::optional<QSqlQuery> m_isMember;       // prepared once per connection, see prepared()
    std::optional<QSqlQuery> m_byClientId;
    std::optional<QSqlQuery> m_userName;
    std::optional<QSqlQuery> m_insertEvent;
    std::optional<QSqlQuery> m_lockSeq;
    std::optional<QSqlQuery> m_storeSeq;
    std::optional<QSqlQuery> m_readSeq;
    std::optional<QSqlQuery> m_historyAfter;
    std::optional<QSqlQuery> m_historyBefore;
};
