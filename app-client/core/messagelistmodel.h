// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QAbstractListModel>
#include <QHash>

// The messages of one room, for a QListView. Confirmed messages are ordered by seq and unique by
// id; the user's own unconfirmed messages follow them, in the order they were typed. A pending row
// is identified by its clientId: when its ack or its message arrives, that same row becomes the
// confirmed one (dataChanged, moved into seq order if needed), never a second row. A message the
// server refused for good (Failed) stands where it was written: after the confirmed messages
// that were there before it (by timestamp), not pinned below everything that came later.
class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum class Delivery { Pending, Sent, Failed };
    Q_ENUM(Delivery)

    enum Roles {
        IdRole = Qt::UserRole + 1,
        SeqRole,
        SenderRole,
        BodyRole,
        TimestampRole,
        ClientIdRole,
        DeliveryRole,
        OwnRole,
        ErrorRole,
        EditedRole,
        DeletedRole,
        ReactionsRole, // QStringList: "👍 2", "🎉 1"; empty when none
        KindRole,      // EventKind: Message, or Member / Topic for a system line
        SystemTextRole, // a member or topic event in words ("alice joined"); "" for messages
        MentionRole,   // a message of someone else that mentions the user (@name)
        MyReactionsRole, // QStringList: the keys the user reacted with
        ReplyToRole,     // the id of the message this one answers; "" when none
        // What the answer quotes: {"sender","text"} (text: its first line, "" when deleted),
        // or an empty map when that message is not loaded (yet).
        ReplyQuoteRole,
        FormatRole,      // "plain" or "markdown"
        // The file the message carries, as a FileInfo's JSON ({"id","name","size",…}); empty
        // when none, and once the message is deleted.
        AttachmentRole,
    };
    // Member and topic events are rows too (shown as small system lines); the counts and the
    // lists of messages below leave them out.
    static bool isSystemKind(EventKind kind) { return kind == EventKind::Member || kind == EventKind::Topic; }
    static QString systemText(const ChatMessage &event);

    explicit MessageListModel(const QString &room, QObject *parent = nullptr);

    QString room() const { return m_room; }
    void setOwnUser(const QString &user) { m_ownUser = user; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A page from the history API (ascending seq): one insert for the whole page when it lies
    // before or after what is there; the edits, deletions and reactions on it are applied.
    void addPage(const QList<ChatMessage> &page);
    // A live or catch-up event: a message is added; an edit, delete or reaction changes the
    // message it names, unless that message's state already holds it (its updatedSeq);
    // other kinds only move the cursor.
    void addEvent(const ChatMessage &event);
    void addMessage(const ChatMessage &message);
    // fields: the message's own (replyTo, format), shown while it is on its way.
    void addPending(const QString &clientId, const QString &body, const QDateTime &typedAt,
                    const QJsonObject &fields = {});
    void markAcked(const QString &clientId, qint64 seq, const QString &id);
    void markFailed(const QString &clientId, const QString &reason);
    void removePending(const QString &clientId); // a pending or failed row, given up
    void clear(); // the epoch changed: nothing here is valid any more

    qint64 lastSeq() const;  // newest confirmed message seq, 0 when none
    qint64 lastEventSeq() const { return std::max(m_lastEventSeq, lastSeq()); } // any kind
    qint64 firstSeq() const; // oldest confirmed seq, 0 when none
    bool containsId(const QString &id) const { return m_ids.contains(id); }
    int rowOfId(const QString &id) const; // a confirmed message's row, -1 when not loaded
    std::optional<ChatMessage> message(const QString &id) const;
    int confirmedCount() const { return m_ordered - m_failed - m_system; }
    QList<ChatMessage> confirmedMessages() const;

private:
    struct Row
    {
        ChatMessage message;
        Delivery delivery = Delivery::Sent;
        QString error;
        qint64 order = 0; // the seq for confirmed rows; for failed ones the seq they follow
    };
    bool isOwn(const Row &row) const { return row.message.sender == m_ownUser; }
    int unconfirmedRow(const QString &clientId) const; // pending or failed
    int insertPosition(qint64 order) const; // in the ordered part
    void confirm(int row, const ChatMessage &message);
    void insertOrdered(int at, const QList<Row> &rows);
    qint64 anchorFor(const QDateTime &typedAt) const; // the seq a failed row follows
    void placeFailedRows(); // after confirmed rows came in: failed ones where they belong
    void moveRow(int from, int to); // to: index in the list without the moved row
    void applyChange(const ChatMessage &change); // edit, delete, reaction

    QString m_room;
    QString m_ownUser;
    // [0, m_ordered): confirmed and failed rows by `order`; then pending rows in typing order.
    QList<Row> m_rows;
    int m_ordered = 0;
    int m_failed = 0; // failed rows within the ordered part
    int m_system = 0; // member and topic rows within the ordered part
    QHash<QString, qint64> m_ids; // confirmed message ids
    qint64 m_lastEventSeq = 0;    // newest seq seen of any kind
};
