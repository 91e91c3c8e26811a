// SPDX-License-Identifier: MIT
#include "pagecache.h"

#include "apitypes.h"

#include <QJsonDocument>

namespace {
QByteArray render(const HistoryResult &result, const QString &epoch)
{
    return QJsonDocument(HistoryPage{result.messages, epoch, result.hasMore}.toJson())
            .toJson(QJsonDocument::Compact);
}
} // namespace

std::optional<PageCache::Key> PageCache::keyOf(const QString &room, const HistoryResult &result)
{
    if (result.messages.isEmpty() || !shareable(result))
        return std::nullopt;
    return Key{room, result.messages.first().seq, result.messages.last().seq,
               result.messages.size(), result.hasMore};
}

QByteArray PageCache::cachedOrRendered(const QString &room, const HistoryResult &result,
                                       const QString &epoch) const
{
    if (const auto key = keyOf(room, result)) {
        if (const auto it = m_pages.constFind(*key); it != m_pages.cend())
            return *it;
    }
    return render(result, epoch);
}

QByteArray PageCache::body(const QString &room, const HistoryResult &result, const QString &epoch)
{
    const auto key = keyOf(room, result);
    if (!key)
        return render(result, epoch);
    if (const auto it = m_pages.constFind(*key); it != m_pages.cend())
        return *it;
    const QByteArray rendered = render(result, epoch);
    makeRoom(rendered.size());
    m_bytes += rendered.size();
    m_pages.insert(*key, rendered);
    return rendered;
}

bool PageCache::shareable(const HistoryResult &result)
{
    return std::none_of(result.messages.cbegin(), result.messages.cend(),
                        [](const ChatMessage &m) { return !m.reactions.isEmpty(); });
}

void PageCache::makeRoom(qint64 bytes)
{
    if (m_pages.size() < m_maxPages && m_newest.size() < m_maxPages
        && m_readers.size() < 64 * m_maxPages && m_bytes + bytes <= m_maxBytes)
        return;
    // Simple bound: the hot pages come back on their next request.
    m_pages.clear();
    m_newest.clear();
    m_readers.clear();
    m_bytes = 0;
}

void PageCache::roomChanged(const QString &room)
{
    const auto it = m_newest.find(room);
    if (it == m_newest.end())
        return;
    for (const QByteArray &body : std::as_const(*it))
        m_bytes -= body.size();
    m_newest.erase(it);
}

void PageCache::messagesChanged(const QString &room)
{
    roomChanged(room);
    for (auto it = m_pages.begin(); it != m_pages.end();) {
        if (it.key().room == room) {
            m_bytes -= it->size();
            it = m_pages.erase(it);
        } else {
            ++it;
        }
    }
}

void PageCache::membersLeft(const QString &room)
{
    m_readers.removeIf([&room](const std::pair<QString, qint64> &reader) { return reader.first == room; });
}

void PageCache::rememberNewest(const QString &room, int limit, qint64 userId,
                               const QByteArray &body)
{
    makeRoom(body.size());
    QHash<int, QByteArray> &pages = m_newest[room];
    if (const auto old = pages.constFind(limit); old != pages.cend())
        m_bytes -= old->size();
    pages.insert(limit, body);
    m_bytes += body.size(); // shared with the m_pages entry, counted twice: a bound, not a meter
    m_readers.insert({room, userId});
}

std::optional<QByteArray> PageCache::newest(const QString &room, int limit, qint64 userId) const
{
    const auto it = m_newest.constFind(room);
    if (it == m_newest.cend() || !m_readers.contains({room, userId}))
        return std::nullopt;
    const auto page = it->constFind(limit);
    if (page == it->cend())
        return std::nullopt;
    return *page;
}
