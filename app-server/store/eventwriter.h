// SPDX-License-Identifier: MIT
#pragma once

#include "chatstore.h"
#include "fileinfo.h"
#include "sqlsession.h"

#include <QHash>
#include <QSet>

// A request of a batch that passed SqlStore's checks (the room exists, the sender is a member),
// not yet numbered.
struct NewEvent
{
    qsizetype index = 0; // in the batch and its results
    qint64 roomId = 0;
    qint64 senderId = 0;
    ChatMessage message; // id, room, sender, body, clientId, ts, kind and fields filled in
    qint64 targetId = 0; // a member event: the user it changes (found by the writer)
};

// The write half of the store: numbers and stores a batch's events inside its transaction.
// Seqs come from a counter row per room (rooms.last_seq), locked while the batch is written and
// advanced at its end, so servers sharing a database never hand out the same seq and a rolled
// back batch leaves no gap; a refused event or a retry consumes none. Messages go in runs (one
// INSERT each here; PostgresEventWriter does a run in one statement); an edit, delete,
// reaction, member or topic event is checked against what it changes and applied in place.
class EventWriter
{
public:
    explicit EventWriter(SqlSession &sql) : m_sql(sql) {}
    virtual ~EventWriter() = default;

    // Results in batch order (a retry of a stored (sender, clientId) is answered with the
    // original, duplicate = true); *lastSeqs: the newest seq of each room written. false = a
    // statement failed and the caller rolls the batch back.
    bool write(QList<NewEvent> &events, QList<AppendResult> &results,
               QHash<qint64, qint64> *lastSeqs);

    // The columns eventFromRow reads, from `events e JOIN users u ON u.id = e.sender_id`.
    static QString columns();
    static constexpr int kColumnCount = 12;
    static ChatMessage eventFromRow(const QSqlQuery &q, const QString &room);
    // content column: the kind's fields but relatesTo (a column of its own); null when none.
    static QVariant contentOf(const ChatMessage &event);
    // A members row added (when not there) or removed (when there), rooms.member_count kept
    // with it; inside the caller's transaction.
    static bool addMemberRow(SqlSession &sql, qint64 roomId, qint64 userId);
    static bool removeMemberRow(SqlSession &sql, qint64 roomId, qint64 userId);

protected:
    // room id -> its counter (last seq) before this batch, rows locked for the transaction;
    // *archived: those of the rooms that are archived (read under the lock: an archive that
    // commits first is seen, one that commits later waits for this batch).
    virtual bool lockCounters(const QList<qint64> &roomIds, QHash<qint64, qint64> *counters,
                              QSet<qint64> *archived);
    // Numbers and inserts a run of message events, advancing counters.
    virtual bool storeMessages(const QList<NewEvent *> &run, QHash<qint64, qint64> &counters,
                               QList<AppendResult> &results);
    virtual bool storeCounters(const QHash<qint64, qint64> &counters,
                               const QHash<qint64, qint64> &before);
    // Under the counter locks: events whose sender is not a member of the room (but member
    // events, which check themselves) answered Forbidden and taken out. Nothing to do here:
    // SQLite's only writer checked them against members it knows exactly (SqlStore); several
    // servers of one database (PostgreSQL) must read them under the lock, where a leave that
    // committed first is seen and one that commits later waits.
    virtual bool refuseNonMembers(QList<NewEvent> &events, QList<AppendResult> &results);

    std::optional<ChatMessage> findByClientId(qint64 senderId, const QString &clientId);
    SqlSession &m_sql;

private:
    bool storeChange(NewEvent &event, QHash<qint64, qint64> &counters, AppendResult &result);
    // Events of archived rooms answered (a retry with its original, the rest RoomArchived) and
    // taken out of events.
    bool refuseArchived(QList<NewEvent> &events, const QSet<qint64> &archived,
                        QList<AppendResult> &results);
    bool applyChange(const NewEvent &event);
    // A member event checked against the room and the roles of those it involves (see
    // docs/protocol.md, "Membership"), its user's canonical name and id filled in; nullopt when
    // a statement failed.
    std::optional<StoreStatus> checkMember(NewEvent &event);
    bool applyMember(const NewEvent &event);
    // The user's role in the room: "owner", "admin", "member", or "" for none; nullopt on failure.
    std::optional<QString> roleOf(qint64 roomId, qint64 ownerId, qint64 userId);
    std::optional<bool> isModerator(qint64 roomId, qint64 userId); // the owner or an admin
    // The message an event names, as far as roomId's events go (nullopt: the database failed).
    struct Target
    {
        bool found = false; // a message of roomId
        qint64 author = 0;
        bool deleted = false;
    };
    std::optional<Target> messageOf(qint64 roomId, const QString &id);
    // The file a message attaches, when it is the sender's upload to the room and attached to
    // nothing yet (else an empty id); nullopt when a statement failed.
    std::optional<FileInfo> attachable(const NewEvent &event);
    // A deleted message's file: the row, and the content unless another file has the same.
    bool eraseAttachment(const QString &messageId);

    std::optional<QSqlQuery> m_insertMessage; // prepared once per connection
    std::optional<QSqlQuery> m_insertEvent;
    std::optional<QSqlQuery> m_byClientId;
    std::optional<QSqlQuery> m_target;
    std::optional<QSqlQuery> m_lockSeq;
    std::optional<QSqlQuery> m_storeSeq;
    std::optional<QSqlQuery> m_role;
};
