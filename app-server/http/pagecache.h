// SPDX-License-Identifier: MIT
#pragma once

#include "store/chatstore.h"

#include <QByteArray>
#include <QHash>
#include <QSet>

#include <optional>

// Rendered history pages (the JSON body of GET .../events). A page is named by its room, its
// first and last seq, its length and whether there is more: until an edit, delete or reaction
// changes a message of the room (messagesChanged), the same name renders to the same bytes. Opening a room asks for the newest page, which is
// the same for every member until the next message: rendering it once instead of per request is
// most of the cost of a history GET (measured: docs/performance.md).
//
// The newest page of a room is also kept by (room, limit) for the members who read it, until
// the room's next commit (roomChanged): those requests are answered without a store round trip.
// Commits and store answers reach the main thread in store order, so a page remembered from an
// answer is never older than the last roomChanged. Membership is remembered only as a yes, until
// someone leaves the room or is removed from it (membersLeft). Main thread only.
class PageCache
{
public:
    // Bounded by page count and by bytes (pages of 200 long messages are ~1 MiB each); past
    // either bound everything is dropped and rebuilt as requests come.
    explicit PageCache(qsizetype maxPages = 256, qint64 maxBytes = 16 << 20)
        : m_maxPages(maxPages), m_maxBytes(maxBytes)
    {
    }

    QByteArray body(const QString &room, const HistoryResult &result, const QString &epoch);
    // body() for an answer that may predate a change already seen (read on another
    // connection): a page held under its name is at least as new, else it is rendered and
    // not kept.
    QByteArray cachedOrRendered(const QString &room, const HistoryResult &result,
                                const QString &epoch) const;
    // Whether a page reads the same for every member: not when a message on it has reactions,
    // whose "me" is the reader's own. Such pages are rendered per request, never kept.
    static bool shareable(const HistoryResult &result);
    qsizetype size() const { return m_pages.size(); }

    void rememberNewest(const QString &room, int limit, qint64 userId, const QByteArray &body);
    std::optional<QByteArray> newest(const QString &room, int limit, qint64 userId) const;
    void roomChanged(const QString &room);     // a new event: its newest pages are out of date
    void messagesChanged(const QString &room); // an edit, delete or reaction: every page is
    void membersLeft(const QString &room);     // someone left or was removed: ask the store again
    qint64 bytes() const { return m_bytes; }

private:
    struct Key
    {
        QString room;
        qint64 first = 0;
        qint64 last = 0;
        qsizetype count = 0;
        bool hasMore = false;
        friend bool operator==(const Key &a, const Key &b)
        {
            return a.first == b.first && a.last == b.last && a.count == b.count
                    && a.hasMore == b.hasMore && a.room == b.room;
        }
        friend size_t qHash(const Key &k, size_t seed = 0)
        {
            return qHashMulti(seed, k.room, k.first, k.last, k.count, k.hasMore);
        }
    };

    static std::optional<Key> keyOf(const QString &room, const HistoryResult &result);

    QHash<Key, QByteArray> m_pages;
    QHash<QString, QHash<int, QByteArray>> m_newest; // room -> limit -> body
    QSet<std::pair<QString, qint64>> m_readers;      // (room, user) who got a page: members
    qsizetype m_maxPages;
    qint64 m_maxBytes;
    qint64 m_bytes = 0; // bodies held in m_pages and m_newest

    void makeRoom(qint64 bytes); // drops everything if adding bytes would pass a bound
};
