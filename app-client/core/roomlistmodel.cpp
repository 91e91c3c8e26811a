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
    const RoomInfo &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return r.archived ? tr("%1 (archived)").arg(label(r)) : label(r);
    case Qt::ToolTipRole:
        if (r.archived)
            return tr("Archived: you can read it, but nobody can write to it");
        if (r.dm)
            return isOnline(r.peer) ? tr("%1 is online").arg(r.peer) : tr("%1 is offline").arg(r.peer);
        if (!r.member)
            return tr("Not joined yet: click to join");
        return r.topic;
    case Qt::AccessibleTextRole: {
        QString text = r.dm ? tr("Direct conversation with %1").arg(r.peer) : tr("Room %1").arg(r.name);
        if (r.unread > 0)
            text += u", "_s + tr("%n unread", nullptr, r.unread);
        if (r.mentions > 0)
            text += u", "_s + tr("%n mentioning you", nullptr, r.mentions);
        return text;
    }
    case CurrentRole: return r.name == m_current;
    case NameRole: return r.name;
    case UnreadRole: return r.unread;
    case MentionsRole: return r.mentions;
    case PrivateRole: return r.isPrivate;
    case MemberRole: return r.member;
    case LastSeqRole: return r.lastSeq;
    case LastReadRole: return r.lastRead;
    case ArchivedRole: return r.archived;
    case OwnerRole: return r.owner;
    case DirectRole: return r.dm;
    case PeerRole: return r.peer;
    case TopicRole: return r.topic;
    case MemberCountRole: return r.memberCount;
    case RoleRole: return r.role;
    case NotifyRole: return r.notify.isEmpty() ? u"all"_s : r.notify;
    case OnlineRole: return r.dm && isOnline(r.peer);
    case SectionRole: return int(r.dm ? Section::Direct : Section::Rooms);
    default: return {};
    }
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {{NameRole, "name"}, {UnreadRole, "unread"}, {PrivateRole, "private"},
            {MemberRole, "member"}, {LastSeqRole, "lastSeq"}, {CurrentRole, "current"},
            {ArchivedRole, "archived"}, {OwnerRole, "owner"}, {MentionsRole, "mentions"},
            {DirectRole, "dm"}, {PeerRole, "peer"}, {TopicRole, "topic"},
            {MemberCountRole, "memberCount"}, {RoleRole, "role"}, {NotifyRole, "notify"},
            {OnlineRole, "online"}, {SectionRole, "section"}, {LastReadRole, "lastRead"}};
}

void RoomListModel::setRooms(const QList<RoomInfo> &rooms)
{
    beginResetModel();
    m_rows = rooms;
    for (const RoomInfo &r : rooms) { // the server's word as of now; presence frames follow
        if (r.dm && r.peerOnline)
            m_online.insert(r.peer.toLower());
        else if (r.dm)
            m_online.remove(r.peer.toLower());
    }
    std::sort(m_rows.begin(), m_rows.end(), [](const RoomInfo &a, const RoomInfo &b) {
        if (a.dm != b.dm)
            return !a.dm;
        return label(a).compare(label(b), Qt::CaseInsensitive) < 0;
    });
    endResetModel();
}

int RoomListModel::rowOf(const QString &room) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).name == room)
            return i;
    }
    return -1;
}

void RoomListModel::changed(int row)
{
    emit dataChanged(index(row), index(row));
}

void RoomListModel::setCurrentRoom(const QString &room)
{
    const int previous = rowOf(m_current);
    m_current = room;
    if (const int row = rowOf(room); row >= 0)
        changed(row);
    if (previous >= 0 && previous != rowOf(room))
        changed(previous);
}

void RoomListModel::noteMessage(const QString &room, qint64 seq, bool fromOthers, bool mentionsMe)
{
    const int row = rowOf(room);
    if (row < 0)
        return;
    RoomInfo &r = m_rows[row];
    if (seq <= r.lastSeq)
        return; // already known (history, a catch-up repeat)
    r.lastSeq = seq;
    if (fromOthers && r.member && seq > r.lastRead) {
        ++r.unread;
        if (mentionsMe || r.dm)
            ++r.mentions;
    }
    changed(row);
}

bool RoomListModel::markRead(const QString &room, qint64 seq)
{
    const int row = rowOf(room);
    if (row < 0)
        return false;
    RoomInfo &r = m_rows[row];
    if (seq <= r.lastRead || !r.member)
        return false;
    r.lastRead = seq;
    // What the marker covers is read; the list's next reload has the exact numbers when it
    // stops short of the newest.
    if (seq >= r.lastSeq) {
        r.unread = 0;
        r.mentions = 0;
    }
    changed(row);
    return true;
}

void RoomListModel::setMember(const QString &room, bool member)
{
    const int row = rowOf(room);
    if (row < 0)
        return;
    m_rows[row].member = member;
    changed(row);
}

void RoomListModel::setPresence(const QString &user, bool online)
{
    if (online)
        m_online.insert(user.toLower());
    else
        m_online.remove(user.toLower());
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).dm && m_rows.at(i).peer.compare(user, Qt::CaseInsensitive) == 0)
            changed(i);
    }
}

int RoomListModel::unread(const QString &room) const
{
    const int row = rowOf(room);
    return row < 0 ? 0 : m_rows.at(row).unread;
}

int RoomListModel::mentions(const QString &room) const
{
    const int row = rowOf(room);
    return row < 0 ? 0 : m_rows.at(row).mentions;
}

qint64 RoomListModel::lastSeq(const QString &room) const
{
    const int row = rowOf(room);
    return row < 0 ? 0 : m_rows.at(row).lastSeq;
}

qint64 RoomListModel::lastRead(const QString &room) const
{
    const int row = rowOf(room);
    return row < 0 ? 0 : m_rows.at(row).lastRead;
}

bool RoomListModel::isMember(const QString &room) const
{
    const int row = rowOf(room);
    return row >= 0 && m_rows.at(row).member;
}

QStringList RoomListModel::memberRooms() const
{
    QStringList out;
    for (const RoomInfo &r : m_rows) {
        if (r.member)
            out.append(r.name);
    }
    return out;
}

std::optional<RoomInfo> RoomListModel::info(const QString &room) const
{
    const int row = rowOf(room);
    if (row < 0)
        return std::nullopt;
    return m_rows.at(row);
}

QString RoomListModel::displayName(const QString &room) const
{
    const int row = rowOf(room);
    return row < 0 ? room : label(m_rows.at(row));
}

QString RoomListModel::directRoomWith(const QString &peer) const
{
    for (const RoomInfo &r : m_rows) {
        if (r.dm && r.peer.compare(peer, Qt::CaseInsensitive) == 0)
            return r.name;
    }
    return {};
}
