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
    case Qt::DisplayRole: {
        const QString name = row.info.archived ? tr("%1 (archived)").arg(row.info.name) : row.info.name;
        return row.unread > 0 ? u"%1 (%2)"_s.arg(name).arg(row.unread) : name;
    }
    case Qt::ToolTipRole:
        if (row.info.archived)
            return tr("Archived: you can read it, but nobody can write to it");
        return row.info.member ? QString() : tr("Not joined yet: click to join");
    case CurrentRole: return row.info.name == m_current;
    case NameRole: return row.info.name;
    case UnreadRole: return row.unread;
    case PrivateRole: return row.info.isPrivate;
    case MemberRole: return row.info.member;
    case LastSeqRole: return row.info.lastSeq;
    case ArchivedRole: return row.info.archived;
    case OwnerRole: return row.info.owner;
    default: return {};
    }
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {{NameRole, "name"}, {UnreadRole, "unread"}, {PrivateRole, "private"},
            {MemberRole, "member"}, {LastSeqRole, "lastSeq"}, {CurrentRole, "current"},
            {ArchivedRole, "archived"}, {OwnerRole, "owner"}};
}

void RoomListModel::setReadMarkers(const QHash<QString, qint64> &markers)
{
    m_readUpTo = markers;
}

void RoomListModel::markRead(const QString &room, qint64 seq)
{
    auto it = m_readUpTo.find(room);
    if (it != m_readUpTo.end() && *it >= seq)
        return;
    m_readUpTo.insert(room, seq);
    emit readMarkerChanged(room, seq);
}

void RoomListModel::setRooms(const QList<RoomInfo> &rooms)
{
    QHash<QString, Row> before;
    for (const Row &r : std::as_const(m_rows))
        before.insert(r.info.name, r);
    QList<std::pair<QString, qint64>> read;
    beginResetModel();
    m_rows.clear();
    for (const RoomInfo &info : rooms) {
        Row row{info, 0};
        const auto old = before.constFind(info.name);
        if (old != before.cend()) {
            // Live counts stay; seqs the list knows and no message has reported yet (they
            // arrived while the link was down and their catch-up is still on its way) count too.
            row.unread = old->unread;
            if (info.member && info.name != m_current && info.lastSeq > old->info.lastSeq)
                row.unread += int(info.lastSeq - old->info.lastSeq);
        } else if (m_readUpTo.contains(info.name)) {
            if (info.member && info.name != m_current)
                row.unread = int(std::max<qint64>(0, info.lastSeq - m_readUpTo.value(info.name)));
        }
        if (!info.member)
            row.unread = 0;
        if (!m_readUpTo.contains(info.name) || info.name == m_current)
            read.append({info.name, info.lastSeq}); // first seen (nothing is new) or in view
        m_rows.append(row);
    }
    std::sort(m_rows.begin(), m_rows.end(),
              [](const Row &a, const Row &b) { return a.info.name < b.info.name; });
    endResetModel();
    for (const auto &[room, seq] : read)
        markRead(room, seq);
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
    const int previous = rowOf(m_current);
    m_current = room;
    const int row = rowOf(room);
    if (row >= 0) {
        m_rows[row].unread = 0;
        markRead(room, m_rows.at(row).info.lastSeq);
        emit dataChanged(index(row), index(row));
    }
    if (previous >= 0 && previous != row)
        emit dataChanged(index(previous), index(previous));
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
    if (room != m_current && countsAsUnread && r.info.member)
        ++r.unread;
    // Seen: in view, or the user's own message with nothing unread before it.
    if (room == m_current || (!countsAsUnread && r.unread == 0))
        markRead(room, seq);
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
