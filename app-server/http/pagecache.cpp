// SPDX-License-Identifier: MIT
#include "pagecache.h"

#include "apitypes.h"

#include <QJsonDocument>

QByteArray PageCache::body(const QString &room, const HistoryResult &result, const QString &epoch)
{
    const auto render = [&] {
        return QJsonDocument(HistoryPage{result.messages, epoch, result.hasMore}.toJson())
                .toJson(QJsonDocument::Compact);
    };
    if (result.messages.isEmpty())
        return render();
    const Key key{room, result.messages.first().seq, result.messages.last().seq,
                  result.messages.size(), result.hasMore};
    if (const auto it = m_pages.constFind(key); it != m_pages.cend())
        return *it;
    if (m_pages.size() >= m_maxPages)
        m_pages.clear(); // simple bound; the hot pages come back on their next request
    return *m_pages.insert(key, render());
}

void PageCache::rememberNewest(const QString &room, int limit, qint64 userId,
                               const QByteArray &body)
{
    if (m_newest.size() >= m_maxPages || m_readers.size() >= 64 * m_maxPages) {
        m_newest.clear(); // simple bounds, as above
        m_readers.clear();
    }
    m_newest[room].insert(limit, body);
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
