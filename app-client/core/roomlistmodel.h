// SPDX-License-Identifier: MIT
#pragma once

#include "roominfo.h"

#include <QAbstractListModel>
#include <QHash>
#include <QSet>

// The rooms the user can see: rooms first, then direct conversations (by the other user's
// name), with the server's unread and mention counts (the same on every device of the user),
// kept live between reloads: a message of someone else past the read marker counts, a marker
// moved here or on another device clears what it covers. Direct conversations carry whether
// the other user is online.
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles { NameRole = Qt::UserRole + 1, UnreadRole, PrivateRole, MemberRole, LastSeqRole,
                 CurrentRole, ArchivedRole, OwnerRole, MentionsRole, DirectRole, PeerRole,
                 TopicRole, MemberCountRole, RoleRole, NotifyRole, OnlineRole, SectionRole,
                 LastReadRole };
    enum class Section { Rooms, Direct };

    explicit RoomListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRooms(const QList<RoomInfo> &rooms);
    void setCurrentRoom(const QString &room);
    QString currentRoom() const { return m_current; }
    // A message arrived in room: it counts as unread when it is someone else's and after the
    // read marker (and as a mention when it names the user, or is in a dm).
    void noteMessage(const QString &room, qint64 seq, bool fromOthers = false, bool mentionsMe = false);
    // The user has read room up to seq (here or on another device): false when that was known.
    bool markRead(const QString &room, qint64 seq);
    void setMember(const QString &room, bool member);
    void setPresence(const QString &user, bool online);
    bool isOnline(const QString &user) const { return m_online.contains(user.toLower()); }
    int unread(const QString &room) const;
    int mentions(const QString &room) const;
    qint64 lastSeq(const QString &room) const;
    qint64 lastRead(const QString &room) const;
    bool isMember(const QString &room) const;
    QStringList memberRooms() const;
    int rowOf(const QString &room) const;
    std::optional<RoomInfo> info(const QString &room) const;
    // What people call the room: its name, or for a dm the other user's.
    QString displayName(const QString &room) const;
    // The dm with peer, if there is one ("" when none).
    QString directRoomWith(const QString &peer) const;

private:
    static QString label(const RoomInfo &info) { return info.dm ? info.peer : info.name; }
    void changed(int row);

    QList<RoomInfo> m_rows; // rooms by name, then dms by peer
    QString m_current;
    QSet<QString> m_online; // lower-case names of users the server says are online
};
