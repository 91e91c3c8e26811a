// SPDX-License-Identifier: MIT
#pragma once

#include "roominfo.h"

#include <QAbstractListModel>
#include <QHash>

// The rooms the user can see, with unread counts for rooms not in view. Counts are live while
// the client runs; what arrived while it was closed is counted from the read markers (the last
// seq the user had in view per room), which the owner keeps on disk (readMarkerChanged).
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles { NameRole = Qt::UserRole + 1, UnreadRole, PrivateRole, MemberRole, LastSeqRole,
                 CurrentRole, ArchivedRole, OwnerRole };

    explicit RoomListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRooms(const QList<RoomInfo> &rooms); // keeps unread counts of rooms that stay
    void setCurrentRoom(const QString &room);    // its unread count is cleared and stays 0
    QString currentRoom() const { return m_current; }
    // A message arrived in room: counts as unread unless the room is in view or it is the
    // user's own.
    void noteMessage(const QString &room, qint64 seq, bool countsAsUnread = true);
    void setMember(const QString &room, bool member);
    // Markers kept from an earlier run: rooms first listed after this start with
    // lastSeq - marker unread. A room without a marker starts as read.
    void setReadMarkers(const QHash<QString, qint64> &markers);
    qint64 readMarker(const QString &room) const { return m_readUpTo.value(room); }

    int unread(const QString &room) const;
    qint64 lastSeq(const QString &room) const;
    bool isMember(const QString &room) const;
    QStringList memberRooms() const;
    int rowOf(const QString &room) const;

signals:
    void readMarkerChanged(const QString &room, qint64 seq);

private:
    void markRead(const QString &room, qint64 seq);

    struct Row
    {
        RoomInfo info;
        int unread = 0;
    };
    QList<Row> m_rows; // by name
    QString m_current;
    QHash<QString, qint64> m_readUpTo; // room -> last seq the user had in view
};
