// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "roominfo.h"

#include <QSqlDatabase>
#include <QString>

// What the client has seen, kept on disk so that it starts with it (offline too): the room list
// and the events of each room in their current state (edited, deleted, reactions), in a local
// SQLite file per server and user (an owner-only folder, the file 0600). It belongs to one
// database of the server (its epoch): another epoch and it is emptied. The events of a room are
// kept from `coveredFrom` (the oldest seq the client read from there on without a gap) up to the
// newest it has, so older pages can be read back from it offline. A deleted message is kept as a
// tombstone without its text (SQLite secure_delete: the old text is overwritten).
class TimelineCache
{
public:
    TimelineCache();
    ~TimelineCache();
    TimelineCache(const TimelineCache &) = delete;
    TimelineCache &operator=(const TimelineCache &) = delete;

    bool open(const QString &path, QString *error);
    void close();
    void erase(); // closed, and its files deleted (logging out)
    bool isOpen() const { return m_db.isOpen(); }

    QString epoch() const;
    // Another database of the server: everything cached is dropped, the new epoch kept (the first
    // epoch of a new cache is only kept).
    void setEpoch(const QString &epoch);

    QList<RoomInfo> rooms() const;
    void saveRooms(const QList<RoomInfo> &rooms);

    // The newest limit events of room, ascending (what the window shows at start).
    QList<ChatMessage> newest(const QString &room, int limit) const;
    // The limit events before seq, ascending, as far as the cache covers the room.
    QList<ChatMessage> before(const QString &room, qint64 seq, int limit) const;
    qint64 coveredFrom(const QString &room) const; // 0: nothing cached
    // The events as they are now (new or changed), the room covered from coveredFrom on, in
    // one transaction.
    bool save(const QString &room, const QList<ChatMessage> &events, qint64 coveredFrom);
    void forget(const QString &room); // its events (the user left it, or was removed)
    qint64 size() const; // events held, all rooms

private:
    QList<ChatMessage> read(const QString &sql, const QVariantList &binds) const;
    QString m_connection;
    QString m_path;
    QSqlDatabase m_db;
};
