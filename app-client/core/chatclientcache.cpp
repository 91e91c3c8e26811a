// SPDX-License-Identifier: MIT
// ChatClient's timeline cache: what it has seen, on disk, so that a start paints the rooms and
// the open room's messages at once (and works offline), then reconciles with the server by seq.
#include "chatclient.h"

#include <QDir>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcClient)

using namespace Qt::StringLiterals;

namespace {
constexpr int kCachedPage = 100;    // events shown from the cache when a room opens
constexpr int kFlushDelayMs = 500;  // changes are written together, at most this late
} // namespace

void ChatClient::openCache(const QString &dir, const QByteArray &key)
{
    QString error;
    if (!m_cache.open(QDir(dir).filePath(u"cache/%1.db"_s.arg(QString::fromLatin1(key))), &error)) {
        qCWarning(lcClient) << "no timeline cache:" << error;
        return; // everything works without it, from the server
    }
    m_cacheFlush.setSingleShot(true);
    m_cacheFlush.setInterval(kFlushDelayMs);
    connect(&m_cacheFlush, &QTimer::timeout, this, &ChatClient::flushCache, Qt::UniqueConnection);
    // The database the cache was made from: a hello naming another one empties it.
    m_connection.setKnownEpoch(m_cache.epoch());
    if (const QList<RoomInfo> rooms = m_cache.rooms(); !rooms.isEmpty())
        setRoomList(rooms); // shown now; the server's list replaces it when it answers
}

bool ChatClient::fillFromCache(const QString &room)
{
    if (!m_cache.isOpen())
        return false;
    const QList<ChatMessage> events = m_cache.newest(room, kCachedPage);
    if (events.isEmpty())
        return false;
    MessageListModel *model = messages(room);
    model->addPage(events);
    m_historyLoaded.insert(room);
    m_hasOlder.insert(room, model->firstSeq() > 1);
    readAfterCache(room);
    return true;
}

void ChatClient::readAfterCache(const QString &room)
{
    // The link catches up from the model's newest seq when it subscribes; a room opened after it
    // did was subscribed from the room list's seq, so what came between is read here. Seen twice
    // (this and a catch-up overlapping), an event is applied once.
    const qint64 after = messages(room)->lastEventSeq();
    m_api.history(room, after, std::nullopt, 200, this,
                  [this, room, after](const ApiFailure &failure, const HistoryPage &page) {
                      if (!failure.ok())
                          return; // offline: the link's catch-up brings it once it is back
                      MessageListModel *model = messages(room);
                      model->addPage(page.events);
                      for (const ChatMessage &event : page.events)
                          noteInRoomList(event);
                      if (page.hasMore && model->lastEventSeq() > after)
                          readAfterCache(room);
                  });
}

void ChatClient::watchForCache(MessageListModel *model)
{
    // Whatever row appears or changes (a page, a live event, an edit folded in, an ack) is
    // written; pending rows have no id yet and are the outbox's.
    const QString room = model->room();
    auto mark = [this, model, room](int first, int last) {
        if (!m_cache.isOpen())
            return;
        for (int row = first; row <= last; ++row) {
            const QString id = model->index(row).data(MessageListModel::IdRole).toString();
            if (!id.isEmpty())
                m_cacheDirty[room].insert(id);
        }
        if (!m_cacheFlush.isActive())
            m_cacheFlush.start();
    };
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [mark](const QModelIndex &, int first, int last) { mark(first, last); });
    connect(model, &QAbstractItemModel::dataChanged, this,
            [mark](const QModelIndex &from, const QModelIndex &to) { mark(from.row(), to.row()); });
}

void ChatClient::flushCache()
{
    m_cacheFlush.stop();
    if (!m_cache.isOpen()) {
        m_cacheDirty.clear();
        return;
    }
    for (auto it = m_cacheDirty.cbegin(); it != m_cacheDirty.cend(); ++it) {
        MessageListModel *model = messages(it.key());
        QList<ChatMessage> events;
        for (const QString &id : it.value()) {
            if (auto event = model->message(id))
                events.append(*event);
        }
        // The model holds the room without a gap from its oldest row on.
        if (!events.isEmpty())
            m_cache.save(it.key(), events, model->firstSeq());
    }
    m_cacheDirty.clear();
}
