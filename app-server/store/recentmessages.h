// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QHash>
#include <QList>

#include <optional>

// The newest messages of rooms read lately, kept in step with the events table by the store
// writer. Opening a room asks for its newest page and a reconnecting client for what followed its
// cursor; both are answered from here when the held messages cover the page exactly, so the common
// reads cost no SQL (measured: docs/performance.md). Seqs of a room are gap-free from 1, which
// makes "covers exactly" decidable. Store thread only.
class RecentMessages
{
public:
    // maxBytes bounds the memory held (message text, roughly): past it everything is dropped and
    // rooms come back as they are read, so big messages cannot make the cache grow without end.
    explicit RecentMessages(int perRoom = 128, int maxRooms = 1024, qint64 maxBytes = 32 << 20)
        : m_perRoom(perRoom), m_maxRooms(maxRooms), m_maxBytes(maxBytes)
    {
    }

    struct Page
    {
        QList<ChatMessage> messages; // ascending seq
        bool hasMore = false;        // in the direction of the query
    };
    // after: the first `limit` messages above it; else the newest `limit` below `before` (none =
    // the newest of the room). nullopt when what is held cannot answer exactly.
    std::optional<Page> page(qint64 roomId, std::optional<qint64> after,
                             std::optional<qint64> before, int limit) const;

    // The newest messages of a room as just read from the table (ascending); complete = they are
    // all of the room's messages.
    void fill(qint64 roomId, const QList<ChatMessage> &newest, bool complete);
    // A message just committed (the next seq of its room). Rooms not held are left alone.
    void append(qint64 roomId, const ChatMessage &message);
    // Drops a held room unless its newest held message is lastSeq (another writer moved on).
    void forgetUnless(qint64 roomId, qint64 lastSeq);
    void forget(qint64 roomId) { forgetUnless(roomId, -1); }
    void clear()
    {
        m_rooms.clear();
        m_bytes = 0;
    }
    qint64 bytes() const { return m_bytes; }

private:
    struct Room
    {
        QList<ChatMessage> messages; // ascending, consecutive seqs, the room's newest
        bool fromStart = false;      // messages.first() is the room's first message
    };

    static qint64 cost(const ChatMessage &m);
    qint64 roomBytes(const Room &room) const;

    QHash<qint64, Room> m_rooms;
    int m_perRoom;
    int m_maxRooms;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
};
