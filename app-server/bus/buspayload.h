// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "store/chatstore.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

// What servers sharing one PostgreSQL tell each other with NOTIFY, one notification per commit
// (rarely a few): the committed events themselves when they fit, else per room the seq range
// to read; or the tokens a logout, password change or deactivation revoked. A payload is JSON
// text shorter than PostgreSQL's 8000 bytes and names the node that sent it, so a node skips
// its own.
namespace BusPayload {

inline constexpr qsizetype kMaxBytes = 7900; // PostgreSQL refuses 8000 and more
inline constexpr char kEventsChannel[] = "chat_events";
inline constexpr char kTokensChannel[] = "chat_tokens";
inline constexpr char kRoomsChannel[] = "chat_rooms";
inline constexpr char kSendsChannel[] = "chat_sends";

struct RoomRange
{
    QString room;
    qint64 first = 0; // seqs first..last were committed
    qint64 last = 0;
    friend bool operator==(const RoomRange &a, const RoomRange &b)
    {
        return a.room == b.room && a.first == b.first && a.last == b.last;
    }
};

struct Notice
{
    QString node;
    QList<ChatMessage> events; // in commit order, when they fitted
    QList<RoomRange> ranges;   // else these, to be read from the store
    QList<QByteArray> tokens;  // token digests revoked
    std::optional<RoomChange> roomChange;
    QList<std::pair<qint64, int>> sends; // (user id, messages this node let them send lately)
};

// committed: one commit's events, in commit order.
QList<QByteArray> forEvents(const QString &node, const QList<ChatMessage> &committed);
QList<QByteArray> forTokens(const QString &node, const QList<QByteArray> &digests);
QByteArray forRoomChange(const QString &node, const RoomChange &change); // names are short: fits
QList<QByteArray> forSends(const QString &node, const QHash<qint64, int> &sends);
// nullopt for a payload that is not ours (or not well-formed): it is ignored, with a warning.
std::optional<Notice> parse(const QByteArray &payload, QString *error = nullptr);

} // namespace BusPayload
