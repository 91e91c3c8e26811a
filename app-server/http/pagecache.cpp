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
