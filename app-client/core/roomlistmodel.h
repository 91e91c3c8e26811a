// SPDX-License-Identifier: MIT
#pragma once

#include "roominfo.h"

#include <QAbstractListModel>

// The rooms the user can see, with unread counts for rooms not in view.
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles { NameRole = Qt::UserRole + 1, UnreadRole, PrivateRole, MemberRole, LastSeqRole };

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

    int unread(const QString &room) const;
    qint64 lastSeq(const QString &room) const;
    bool isMember(const QString &room) const;
    QStringList memberRooms() const;
    int rowOf(const QString &room) const;

private:
    struct Row
    {
        RoomInfo info;
        int unread = 0;
    };
    QList<Row> m_rows; // by name
    QString m_current;
};
