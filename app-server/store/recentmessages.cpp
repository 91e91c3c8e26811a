// SPDX-License-Identifier: MIT
#include "recentmessages.h"

#include <algorithm>

std::optional<RecentMessages::Page> RecentMessages::page(qint64 roomId,
                                                          std::optional<qint64> after,
                                                          std::optional<qint64> before,
                                                          int limit) const
{
    const auto it = m_rooms.constFind(roomId);
    if (it == m_rooms.cend() || limit <= 0)
        return std::nullopt;
    const QList<ChatMessage> &held = it->messages;
    // An empty held room is known to have no messages at all (fill() with complete=true).
    const qint64 first = held.isEmpty() ? 1 : held.first().seq;
    const qint64 last = held.isEmpty() ? 0 : held.last().seq;
    Page page;
    if (after) {
        // Everything above *after is held when the held run starts at or below *after + 1.
        if (*after + 1 < first && !it->fromStart)
            return std::nullopt;
        const qint64 from = std::max(*after + 1, first);
        const qint64 to = std::min(last, from + limit - 1);
        for (qint64 seq = from; seq <= to; ++seq)
            page.messages.append(held.at(seq - first));
        page.hasMore = to < last;
        return page;
    }
    const qint64 below = std::min(before.value_or(last + 1), last + 1); // exclusive
    const qint64 start = std::max<qint64>(below - limit, 1); // seqs start at 1
    if (start < first && !it->fromStart)
        return std::nullopt; // part of the page lies below what is held
    for (qint64 seq = start; seq < below; ++seq)
        page.messages.append(held.at(seq - first));
    page.hasMore = start > 1;
    return page;
}

qint64 RecentMessages::cost(const ChatMessage &m)
{
    // UTF-16 text of every field plus the object itself; an estimate, which is all a bound needs.
    return 2 * (m.id.size() + m.room.size() + m.sender.size() + m.body.size() + m.clientId.size())
            + qint64(sizeof(ChatMessage));
}

qint64 RecentMessages::roomBytes(const Room &room) const
{
    qint64 total = 0;
    for (const ChatMessage &m : room.messages)
        total += cost(m);
    return total;
}

void RecentMessages::fill(qint64 roomId, const QList<ChatMessage> &newest, bool complete)
{
    if (!m_rooms.contains(roomId) && m_rooms.size() >= m_maxRooms)
        clear(); // simple bound; busy rooms come back on their next read
    Room &room = m_rooms[roomId];
    m_bytes -= roomBytes(room);
    room.messages = newest.mid(std::max<qsizetype>(0, newest.size() - m_perRoom));
    room.fromStart = complete && room.messages.size() == newest.size();
    m_bytes += roomBytes(room);
    if (m_bytes > m_maxBytes)
        clear();
}

void RecentMessages::append(qint64 roomId, const ChatMessage &message)
{
    const auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    const qint64 expected = it->messages.isEmpty() ? 1 : it->messages.last().seq + 1;
    if (message.seq != expected) {
        m_bytes -= roomBytes(*it);
        m_rooms.erase(it); // another server wrote in between: forget, read again
        return;
    }
    it->messages.append(message);
    m_bytes += cost(message);
    if (it->messages.size() > m_perRoom) {
        m_bytes -= cost(it->messages.constFirst());
        it->messages.removeFirst();
        it->fromStart = false;
    }
    if (m_bytes > m_maxBytes)
        clear();
}

void RecentMessages::forgetUnless(qint64 roomId, qint64 lastSeq)
{
    const auto it = m_rooms.find(roomId);
    if (it == m_rooms.end())
        return;
    if ((it->messages.isEmpty() ? 0 : it->messages.constLast().seq) == lastSeq)
        return;
    m_bytes -= roomBytes(*it);
    m_rooms.erase(it);
}
