// SPDX-License-Identifier: MIT
#include "messagelistmodel.h"

#include <algorithm>

MessageListModel::MessageListModel(const QString &room, QObject *parent)
    : QAbstractListModel(parent), m_room(room)
{
}

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case BodyRole: return row.message.body;
    case IdRole: return row.message.id;
    case SeqRole: return row.message.seq;
    case SenderRole: return row.message.sender;
    case TimestampRole: return row.message.ts;
    case ClientIdRole: return row.message.clientId;
    case DeliveryRole: return QVariant::fromValue(row.delivery);
    case OwnRole: return isOwn(row);
    case ErrorRole: return row.error;
    default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {{IdRole, "id"},           {SeqRole, "seq"},           {SenderRole, "sender"},
            {BodyRole, "body"},       {TimestampRole, "ts"},      {ClientIdRole, "clientId"},
            {DeliveryRole, "delivery"}, {OwnRole, "own"},         {ErrorRole, "error"}};
}

int MessageListModel::pendingRow(const QString &clientId) const
{
    if (clientId.isEmpty())
        return -1;
    for (int i = m_confirmed; i < m_rows.size(); ++i) {
        if (m_rows.at(i).message.clientId == clientId)
            return i;
    }
    return -1;
}

int MessageListModel::insertPosition(qint64 seq) const
{
    const auto begin = m_rows.cbegin();
    const auto it = std::upper_bound(begin, begin + m_confirmed, seq,
                                     [](qint64 s, const Row &r) { return s < r.message.seq; });
    return int(it - begin);
}

qint64 MessageListModel::lastSeq() const
{
    return m_confirmed > 0 ? m_rows.at(m_confirmed - 1).message.seq : 0;
}

qint64 MessageListModel::firstSeq() const
{
    return m_confirmed > 0 ? m_rows.at(0).message.seq : 0;
}

QList<ChatMessage> MessageListModel::confirmedMessages() const
{
    QList<ChatMessage> out;
    for (int i = 0; i < m_confirmed; ++i)
        out.append(m_rows.at(i).message);
    return out;
}

void MessageListModel::confirm(int row, const ChatMessage &message)
{
    // A pending row (at row >= m_confirmed) becomes confirmed: move it into seq order.
    Row updated = m_rows.at(row);
    updated.message = message;
    updated.delivery = Delivery::Sent;
    updated.error.clear();
    const int target = insertPosition(message.seq);
    if (target != row) {
        beginMoveRows({}, row, row, {}, target);
        m_rows.removeAt(row);
        m_rows.insert(target, updated);
        ++m_confirmed;
        endMoveRows();
    } else {
        m_rows[row] = updated;
        ++m_confirmed;
    }
    m_ids.insert(message.id, message.seq);
    const QModelIndex changed = index(target);
    emit dataChanged(changed, changed);
}

void MessageListModel::addMessage(const ChatMessage &message)
{
    if (message.room != m_room)
        return;
    if (m_ids.contains(message.id)) {
        // Known already (e.g. an ack came first and the row has the local typing time): take the
        // server's copy, which has the stored timestamp.
        for (int i = m_confirmed - 1; i >= 0; --i) {
            if (m_rows.at(i).message.id == message.id) {
                if (!(m_rows.at(i).message == message)) {
                    m_rows[i].message = message;
                    emit dataChanged(index(i), index(i));
                }
                break;
            }
        }
        return;
    }
    if (message.sender == m_ownUser) {
        if (const int row = pendingRow(message.clientId); row >= 0) {
            confirm(row, message);
            return;
        }
    }
    const int at = insertPosition(message.seq);
    beginInsertRows({}, at, at);
    m_rows.insert(at, Row{message, Delivery::Sent, {}});
    ++m_confirmed;
    m_ids.insert(message.id, message.seq);
    endInsertRows();
}

void MessageListModel::addPage(const QList<ChatMessage> &page)
{
    QList<ChatMessage> fresh;
    for (const ChatMessage &m : page) {
        if (m.room != m_room || m_ids.contains(m.id))
            continue;
        if (m.sender == m_ownUser && pendingRow(m.clientId) >= 0) {
            confirm(pendingRow(m.clientId), m);
            continue;
        }
        fresh.append(m);
    }
    if (fresh.isEmpty())
        return;
    std::sort(fresh.begin(), fresh.end(),
              [](const ChatMessage &a, const ChatMessage &b) { return a.seq < b.seq; });
    const bool before = m_confirmed == 0 || fresh.last().seq < firstSeq();
    const bool after = m_confirmed > 0 && fresh.first().seq > lastSeq();
    if (before || after) {
        const int at = before ? 0 : m_confirmed;
        beginInsertRows({}, at, at + int(fresh.size()) - 1);
        for (qsizetype i = 0; i < fresh.size(); ++i) {
            m_rows.insert(at + i, Row{fresh.at(i), Delivery::Sent, {}});
            m_ids.insert(fresh.at(i).id, fresh.at(i).seq);
        }
        m_confirmed += int(fresh.size());
        endInsertRows();
        return;
    }
    for (const ChatMessage &m : std::as_const(fresh)) // interleaved: rare, one by one
        addMessage(m);
}

void MessageListModel::addPending(const QString &clientId, const QString &body,
                                  const QDateTime &typedAt)
{
    if (pendingRow(clientId) >= 0)
        return;
    Row row;
    row.message.room = m_room;
    row.message.sender = m_ownUser;
    row.message.body = body;
    row.message.clientId = clientId;
    row.message.ts = typedAt;
    row.delivery = Delivery::Pending;
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.append(row);
    endInsertRows();
}

void MessageListModel::markAcked(const QString &clientId, qint64 seq, const QString &id)
{
    const int row = pendingRow(clientId);
    if (row < 0 || m_ids.contains(id))
        return; // unknown here, or its message already confirmed it
    ChatMessage m = m_rows.at(row).message;
    m.seq = seq;
    m.id = id;
    confirm(row, m);
}

void MessageListModel::markFailed(const QString &clientId, const QString &reason)
{
    const int row = pendingRow(clientId);
    if (row < 0)
        return;
    m_rows[row].delivery = Delivery::Failed;
    m_rows[row].error = reason;
    emit dataChanged(index(row), index(row));
}

void MessageListModel::markPending(const QString &clientId)
{
    const int row = pendingRow(clientId);
    if (row < 0)
        return;
    m_rows[row].delivery = Delivery::Pending;
    m_rows[row].error.clear();
    emit dataChanged(index(row), index(row));
}

void MessageListModel::clear()
{
    // Keep what the user typed and the server never confirmed: it is sent again.
    beginResetModel();
    m_rows.remove(0, m_confirmed);
    m_confirmed = 0;
    m_ids.clear();
    endResetModel();
}
