// SPDX-License-Identifier: MIT
#include "roomlistmodel.h"

using namespace Qt::StringLiterals;

RoomListModel::RoomListModel(QObject *parent) : QAbstractListModel(parent)
{
}

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return row.unread > 0 ? u"%1 (%2)"_s.arg(row.info.name).arg(row.unread) : row.info.name;
    case Qt::ToolTipRole:
        return row.info.member ? QString() : u"Not joined yet: double-click to join"_s;
    case NameRole: return row.info.name;
    case UnreadRole: return row.unread;
    case PrivateRole: return row.info.isPrivate;
    case MemberRole: return row.info.member;
    case LastSeqRole: return row.info.lastSeq;
    default: return {};
    }
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {{NameRole, "name"}, {UnreadRole, "unread"}, {PrivateRole, "private"},
            {MemberRole, "member"}, {LastSeqRole, "lastSeq"}};
}

void RoomListModel::setRooms(const QList<RoomInfo> &rooms)
{
    QHash<QString, int> unread;
    for (const Row &r : std::as_const(m_rows))
        unread.insert(r.info.name, r.unread);
    beginResetModel();
    m_rows.clear();
    for (const RoomInfo &info : rooms) {
        Row row{info, unread.value(info.name)};
        m_rows.append(row);
    }
    std::sort(m_rows.begin(), m_rows.end(),
              [](const Row &a, const Row &b) { return a.info.name < b.info.name; });
    endResetModel();
}

int RoomListModel::rowOf(const QString &room) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).info.name == room)
            return i;
    }
    return -1;
}

void RoomListModel::setCurrentRoom(const QString &room)
{
    m_current = room;
    const int row = rowOf(room);
    if (row >= 0 && m_rows.at(row).unread != 0) {
        m_rows[row].unread = 0;
        emit dataChanged(index(row), index(row));
    }
}

void RoomListModel::noteMessage(const QString &room, qint64 seq, bool countsAsUnread)
{
    const int row = rowOf(room);
    if (row < 0)
        return;
    Row &r = m_rows[row];
    if (seq <= r.info.lastSeq)
        return; // already known (history, a catch-up repeat)
    r.info.lastSeq = seq;
    if (room != m_current && countsAsUnread)
        ++r.unread;
    emit dataChanged(index(row), index(row));
}

void RoomListModel::setMember(const QString &room, bool member)
{
    const int row = rowOf(room);
    if (row < 0)
        return;
    m_rows[row].info.member = member;
    emit dataChanged(index(row), index(row));
}

int RoomListModel::unread(const QString &room) const
{
    const int row = rowOf(room);
    return row < 0 ? 0 : m_rows.at(row).unread;
}

qint64 RoomListModel::lastSeq(const QString &room) const
{
    const int row = rowOf(room);
    return row < 0 ? 0 : m_rows.at(row).info.lastSeq;
}

bool RoomListModel::isMember(const QString &room) const
{
    const int row = rowOf(room);
    return row >= 0 && m_rows.at(row).info.member;
}

QStringList RoomListModel::memberRooms() const
{
    QStringList out;
    for (const Row &r : m_rows) {
        if (r.info.member)
            out.append(r.info.name);
    }
    return out;
}
