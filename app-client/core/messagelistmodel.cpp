// SPDX-License-Identifier: MIT
#include "messagelistmodel.h"

#include "mentions.h"

#include <QScopeGuard>

using namespace Qt::StringLiterals;

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
    case EditedRole: return row.message.edited;
    case DeletedRole: return row.message.deleted;
    case KindRole: return int(row.message.kind);
    case SystemTextRole: return isSystemKind(row.message.kind) ? systemText(row.message) : QString();
    case MentionRole:
        return row.message.kind == EventKind::Message && !isOwn(row)
                && Mentions::mentions(row.message.body, m_ownUser);
    case ReactionsRole: {
        QStringList parts;
        for (const Reaction &r : row.message.reactions)
            parts.append(r.key + QLatin1Char(' ') + QString::number(r.count));
        return parts;
    }
    case MyReactionsRole: {
        QStringList keys;
        for (const Reaction &r : row.message.reactions) {
            if (r.me)
                keys.append(r.key);
        }
        return keys;
    }
    case ReplyToRole: return row.message.fields.value(u"replyTo").toString();
    case ReplyQuoteRole: {
        const QString to = row.message.fields.value(u"replyTo").toString();
        const int at = to.isEmpty() ? -1 : rowOfId(to);
        if (at < 0)
            return QVariantMap();
        const ChatMessage &quoted = m_rows.at(at).message;
        QString text = quoted.deleted ? QString() : quoted.body.section(QLatin1Char('\n'), 0, 0);
        if (text.isEmpty() && !quoted.deleted) // a file sent without text: its name
            text = u"\U0001F4CE "_s + quoted.fields.value(u"attachment").toObject().value(u"name").toString();
        return QVariantMap{{u"sender"_s, quoted.sender}, {u"text"_s, text}};
    }
    case AttachmentRole: {
        const QJsonValue attachment = row.message.fields.value(u"attachment");
        if (row.message.deleted)
            return QJsonObject();
        if (attachment.isString()) // a restored outbox entry: only its id is known
            return QJsonObject{{u"id"_s, attachment}, {u"name"_s, tr("file")}, {u"size"_s, 0}};
        return attachment.toObject();
    }
    case FormatRole: {
        const QString format = row.message.fields.value(u"format").toString();
        return format.isEmpty() ? u"plain"_s : format;
    }
    default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {{IdRole, "id"},           {SeqRole, "seq"},           {SenderRole, "sender"},
            {BodyRole, "body"},       {TimestampRole, "ts"},      {ClientIdRole, "clientId"},
            {DeliveryRole, "delivery"}, {OwnRole, "own"},         {ErrorRole, "error"},
            {EditedRole, "edited"},   {DeletedRole, "deleted"},   {ReactionsRole, "reactions"},
            {KindRole, "kind"},       {SystemTextRole, "systemText"}, {MentionRole, "mention"},
            {MyReactionsRole, "myReactions"}, {ReplyToRole, "replyTo"}, {ReplyQuoteRole, "replyQuote"},
            {FormatRole, "format"}};
}

QString MessageListModel::systemText(const ChatMessage &e)
{
    const QString user = e.fields.value(u"user").toString();
    if (e.kind == EventKind::Topic) {
        const QString topic = e.fields.value(u"topic").toString();
        return topic.isEmpty() ? tr("%1 cleared the topic").arg(e.sender)
                               : tr("%1 changed the topic to \u201c%2\u201d").arg(e.sender, topic);
    }
    const QString change = e.fields.value(u"change").toString();
    if (change == u"join")
        return tr("%1 joined").arg(user);
    if (change == u"leave")
        return tr("%1 left").arg(user);
    if (change == u"invite")
        return tr("%1 added %2").arg(e.sender, user);
    if (change == u"kick")
        return tr("%1 removed %2").arg(e.sender, user);
    if (change == u"role")
        return e.fields.value(u"role").toString() == u"admin" ? tr("%1 made %2 an admin").arg(e.sender, user)
                                                               : tr("%1 made %2 a member").arg(e.sender, user);
    return {};
}

int MessageListModel::unconfirmedRow(const QString &clientId) const
{
    if (clientId.isEmpty())
        return -1;
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (i < m_ordered && m_failed == 0)
            break;
        const Row &r = m_rows.at(i);
        if (r.delivery != Delivery::Sent && r.message.clientId == clientId)
            return i;
    }
    return -1;
}

int MessageListModel::insertPosition(qint64 order) const
{
    const auto begin = m_rows.cbegin();
    const auto it = std::upper_bound(begin, begin + m_ordered, order,
                                     [](qint64 o, const Row &r) { return o < r.order; });
    return int(it - begin);
}

qint64 MessageListModel::lastSeq() const
{
    for (int i = m_ordered - 1; i >= 0; --i) {
        if (m_rows.at(i).delivery == Delivery::Sent)
            return m_rows.at(i).message.seq;
    }
    return 0;
}

qint64 MessageListModel::firstSeq() const
{
    for (int i = 0; i < m_ordered; ++i) {
        if (m_rows.at(i).delivery == Delivery::Sent)
            return m_rows.at(i).message.seq;
    }
    return 0;
}

QList<ChatMessage> MessageListModel::confirmedMessages() const
{
    QList<ChatMessage> out;
    for (int i = 0; i < m_ordered; ++i) {
        if (m_rows.at(i).delivery == Delivery::Sent && !isSystemKind(m_rows.at(i).message.kind))
            out.append(m_rows.at(i).message);
    }
    return out;
}

void MessageListModel::moveRow(int from, int to)
{
    if (from == to)
        return;
    // beginMoveRows wants the destination in terms of the list before the move.
    beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
    m_rows.move(from, to);
    endMoveRows();
}

void MessageListModel::confirm(int row, const ChatMessage &message)
{
    // An unconfirmed row (pending, or failed) becomes confirmed: move it into seq order.
    if (m_rows.at(row).delivery == Delivery::Failed) {
        --m_failed;
        --m_ordered; // taken out of the ordered part for the insertPosition below
    }
    Row &r = m_rows[row];
    r.message = message;
    r.delivery = Delivery::Sent;
    r.error.clear();
    r.order = message.seq;
    const int before = row < m_ordered ? row : -1; // failed rows sit inside the ordered part
    if (before >= 0) {
        // Make the ordered part contiguous without this row while finding its place.
        moveRow(row, m_ordered);
        row = m_ordered;
    }
    const int target = insertPosition(message.seq);
    moveRow(row, target);
    ++m_ordered;
    m_ids.insert(message.id, message.seq);
    const QModelIndex changed = index(target);
    emit dataChanged(changed, changed);
    placeFailedRows();
}

void MessageListModel::insertOrdered(int at, const QList<Row> &rows)
{
    beginInsertRows({}, at, at + int(rows.size()) - 1);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        m_rows.insert(at + i, rows.at(i));
        m_ids.insert(rows.at(i).message.id, rows.at(i).message.seq);
        m_system += isSystemKind(rows.at(i).message.kind) ? 1 : 0;
    }
    m_ordered += int(rows.size());
    endInsertRows();
}

void MessageListModel::addMessage(const ChatMessage &message)
{
    if (message.room != m_room)
        return;
    if (m_ids.contains(message.id)) {
        // Known already (e.g. an ack came first and the row has the local typing time): take the
        // server's copy, which has the stored timestamp.
        for (int i = m_ordered - 1; i >= 0; --i) {
            if (m_rows.at(i).delivery == Delivery::Sent && m_rows.at(i).message.id == message.id) {
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
        if (const int row = unconfirmedRow(message.clientId); row >= 0) {
            confirm(row, message);
            return;
        }
    }
    insertOrdered(insertPosition(message.seq), {Row{message, Delivery::Sent, {}, message.seq}});
    placeFailedRows();
}

void MessageListModel::addEvent(const ChatMessage &event)
{
    if (event.room != m_room)
        return;
    m_lastEventSeq = std::max(m_lastEventSeq, event.seq);
    if (event.kind == EventKind::Message || isSystemKind(event.kind))
        addMessage(event);
    else if (EventKinds::relatesToMessage(event.kind))
        applyChange(event);
}

int MessageListModel::rowOfId(const QString &id) const
{
    const auto known = m_ids.constFind(id);
    if (known == m_ids.cend())
        return -1;
    int row = insertPosition(*known) - 1; // the last row of that order (failed rows share it)
    while (row >= 0 && m_rows.at(row).order == *known && m_rows.at(row).message.id != id)
        --row;
    return row >= 0 && m_rows.at(row).message.id == id ? row : -1;
}

std::optional<ChatMessage> MessageListModel::message(const QString &id) const
{
    const int row = rowOfId(id);
    return row < 0 ? std::nullopt : std::optional(m_rows.at(row).message);
}

void MessageListModel::applyChange(const ChatMessage &change)
{
    const int row = rowOfId(change.fields.value(u"relatesTo").toString());
    if (row < 0)
        return; // not loaded: its state will come with it
    ChatMessage &m = m_rows[row].message;
    if (change.seq <= m.updatedSeq)
        return; // already part of the state the server sent
    m.updatedSeq = change.seq;
    switch (change.kind) {
    case EventKind::Edit:
        if (!m.deleted) {
            m.body = change.body;
            m.edited = true;
        }
        break;
    case EventKind::Delete:
        m.deleted = true;
        m.body.clear();
        m.reactions.clear();
        break;
    case EventKind::Reaction: {
        // Every stored reaction changes the count (the server refuses those that would not).
        const QString key = change.fields.value(u"key").toString();
        const bool add = change.fields.value(u"op").toString() == u"add";
        const bool mine = change.sender == m_ownUser;
        auto it = std::find_if(m.reactions.begin(), m.reactions.end(),
                               [&](const Reaction &r) { return r.key == key; });
        if (add) {
            if (it == m.reactions.end())
                it = m.reactions.insert(m.reactions.end(), Reaction{key, 0, false});
            ++it->count;
            it->me = it->me || mine;
        } else if (it != m.reactions.end()) {
            if (mine)
                it->me = false;
            if (--it->count <= 0)
                m.reactions.erase(it);
        }
        break;
    }
    default:
        return;
    }
    emit dataChanged(index(row), index(row));
    if (change.kind == EventKind::Reaction)
        return;
    // The replies quoting it show its new first line.
    const QString id = m.id;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).message.fields.value(u"replyTo").toString() == id)
            emit dataChanged(index(i), index(i));
    }
}

void MessageListModel::addPage(const QList<ChatMessage> &page)
{
    QList<ChatMessage> fresh;
    QList<ChatMessage> changes;
    for (const ChatMessage &m : page) {
        if (m.room != m_room)
            continue;
        m_lastEventSeq = std::max(m_lastEventSeq, m.seq);
        if (EventKinds::relatesToMessage(m.kind))
            changes.append(m);
        if ((m.kind != EventKind::Message && !isSystemKind(m.kind)) || m_ids.contains(m.id))
            continue;
        if (m.sender == m_ownUser && unconfirmedRow(m.clientId) >= 0) {
            confirm(unconfirmedRow(m.clientId), m);
            continue;
        }
        fresh.append(m);
    }
    // The page's messages came with their current state; a change on it applies only to
    // messages loaded before, in an older state (applyChange compares updatedSeq).
    const auto applyChanges = qScopeGuard([this, &changes] {
        for (const ChatMessage &c : std::as_const(changes))
            applyChange(c);
    });
    if (fresh.isEmpty())
        return;
    std::sort(fresh.begin(), fresh.end(),
              [](const ChatMessage &a, const ChatMessage &b) { return a.seq < b.seq; });
    const qint64 first = firstSeq();
    const qint64 last = lastSeq();
    const bool confirmed = m_ordered > m_failed;
    const bool before = !confirmed || fresh.last().seq < first;
    const bool after = confirmed && fresh.first().seq > last;
    if (before || after) {
        // One insert for the page, where its seqs belong; failed rows written after some of
        // its messages are moved behind them next.
        const int at = insertPosition(fresh.first().seq);
        QList<Row> rows;
        rows.reserve(fresh.size());
        for (const ChatMessage &m : std::as_const(fresh))
            rows.append(Row{m, Delivery::Sent, {}, m.seq});
        insertOrdered(at, rows);
        placeFailedRows();
        return;
    }
    for (const ChatMessage &m : std::as_const(fresh)) // interleaved: rare, one by one
        addMessage(m);
}

void MessageListModel::addPending(const QString &clientId, const QString &body,
                                  const QDateTime &typedAt, const QJsonObject &fields)
{
    if (unconfirmedRow(clientId) >= 0)
        return;
    Row row;
    row.message.fields = fields;
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
    const int row = unconfirmedRow(clientId);
    if (row < 0 || m_ids.contains(id))
        return; // unknown here, or its message already confirmed it
    ChatMessage m = m_rows.at(row).message;
    m.seq = seq;
    m.id = id;
    confirm(row, m);
}

qint64 MessageListModel::anchorFor(const QDateTime &typedAt) const
{
    qint64 anchor = 0;
    for (int i = 0; i < m_ordered; ++i) {
        const Row &r = m_rows.at(i);
        if (r.delivery == Delivery::Sent && r.message.ts <= typedAt)
            anchor = r.order;
    }
    return anchor;
}

void MessageListModel::markFailed(const QString &clientId, const QString &reason)
{
    int row = unconfirmedRow(clientId);
    if (row < 0)
        return;
    if (m_rows.at(row).delivery == Delivery::Pending) {
        // Out of the pending tail, into the ordered part where it was written.
        Row &r = m_rows[row];
        r.delivery = Delivery::Failed;
        r.order = anchorFor(r.message.ts);
        const int target = insertPosition(r.order);
        moveRow(row, target);
        row = target;
        ++m_ordered;
        ++m_failed;
    }
    m_rows[row].error = reason;
    emit dataChanged(index(row), index(row));
}

void MessageListModel::placeFailedRows()
{
    if (m_failed == 0)
        return;
    // Few rows fail; each is checked against the confirmed ones around it.
    for (int i = 0; i < m_ordered; ++i) {
        if (m_rows.at(i).delivery != Delivery::Failed)
            continue;
        const qint64 anchor = anchorFor(m_rows.at(i).message.ts);
        if (anchor == m_rows.at(i).order)
            continue;
        m_rows[i].order = anchor;
        // Take it out of the ordered part's order, then put it back after its anchor.
        moveRow(i, m_ordered - 1);
        --m_ordered;
        const int target = insertPosition(anchor);
        moveRow(m_ordered, target);
        ++m_ordered;
        i = -1; // rows moved: start over (there are only a few failed ones)
    }
}

void MessageListModel::removePending(const QString &clientId)
{
    const int row = unconfirmedRow(clientId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    if (m_rows.at(row).delivery == Delivery::Failed) {
        --m_failed;
        --m_ordered;
    }
    m_rows.removeAt(row);
    endRemoveRows();
}

void MessageListModel::clear()
{
    // Keep what the user typed and the server never confirmed: pending rows are sent again,
    // failed ones stay until the user deals with them (at the top: no seq is known any more).
    beginResetModel();
    QList<Row> kept;
    for (Row &r : m_rows) {
        if (r.delivery == Delivery::Sent)
            continue;
        r.order = 0;
        kept.append(r);
    }
    std::stable_partition(kept.begin(), kept.end(),
                          [](const Row &r) { return r.delivery == Delivery::Failed; });
    m_rows = kept;
    m_ordered = m_failed;
    m_system = 0;
    m_ids.clear();
    m_lastEventSeq = 0;
    endResetModel();
}
