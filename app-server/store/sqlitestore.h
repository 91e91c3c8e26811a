// SPDX-License-Identifier: MIT
#pragma once

#include "chatstore.h"
#include "recentmessages.h"

#include <QHash>
#include <QSet>
#include <QLockFile>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>

// ChatStore on an embedded SQLite file through QtSql (QSQLITE): WAL, synchronous=NORMAL,
// schema from resource .sql files keyed by PRAGMA user_version. Single writer: this object is the
// only one that assigns seqs, so it caches each room's last seq between transactions.
class SqliteStore final : public ChatStore
{
public:
    explicit SqliteStore(const QString &path);
    ~SqliteStore() override;

    bool open(QString *error) override;
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
    QList<AppendResult> appendBatch(const QList<AppendRequest> &batch) override;

    static int schemaVersion(); // newest migration shipped in resources

private:
    struct Room
    {
        qint64 id = 0;
        bool isPrivate = false;
    };

    bool exec(QSqlQuery &query);
    std::optional<Room> findRoom(const QString &name);
    QSqlQuery &prepared(std::optional<QSqlQuery> &slot, const QString &sql);
    bool isMember(qint64 roomId, qint64 userId);
    QString userName(qint64 userId);
    bool addMember(qint64 roomId, qint64 userId);
    qint64 lastSeq(qint64 roomId);
    std::optional<ChatMessage> findByClientId(qint64 senderId, const QString &clientId);

    QString m_path;
    std::unique_ptr<QLockFile> m_lock; // one server per database: seqs are cached here
    QString m_connectionName;
    QSqlDatabase m_db;
    QString m_epoch;
    QHash<QString, Room> m_rooms;        // rooms are never renamed or deleted
    QHash<qint64, qint64> m_lastSeq;     // room id -> newest committed seq
    QSet<std::pair<qint64, qint64>> m_members; // (room, user) known to be members; nobody leaves
    QHash<qint64, QString> m_userNames;  // users are never renamed or deleted
    RecentMessages m_recent;             // newest messages of rooms read lately
    std::optional<QSqlQuery> m_isMember;   // prepared once, see prepared()
    std::optional<QSqlQuery> m_byClientId;
    std::optional<QSqlQuery> m_userName;
    std::optional<QSqlQuery> m_insertMessage;
    std::optional<QSqlQuery> m_historyAfter;
    std::optional<QSqlQuery> m_historyBefore;
};
