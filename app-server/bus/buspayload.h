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
inline constexpr char kSignalsChannel[] = "chat_signals"; // typing, read markers, presence

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

// What is never stored but must reach the sessions of every server: someone typing, a user's
// read marker moving (for their sessions elsewhere), a user of the sender's online or offline.
struct Ephemeral
{
    enum class Kind { Typing, Read, Presence };
    Kind kind = Kind::Typing;
    QString room;      // typing, read
    qint64 userId = 0; // read, presence
    QString user;      // typing, presence
    bool on = false;   // typing: typing; presence: online
    qint64 seq = 0;    // read
    friend bool operator==(const Ephemeral &a, const Ephemeral &b)
    {
        return a.kind == b.kind && a.room == b.room && a.userId == b.userId && a.user == b.user
                && a.on == b.on && a.seq == b.seq;
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
    QList<Ephemeral> ephemeral;
    QList<std::pair<qint64, QString>> online; // users online at the node (a refresh, maybe a part)
};

// committed: one commit's events, in commit order.
QList<QByteArray> forEvents(const QString &node, const QList<ChatMessage> &committed);
QList<QByteArray> forTokens(const QString &node, const QList<QByteArray> &digests);
QByteArray forRoomChange(const QString &node, const RoomChange &change); // names are short: fits
QList<QByteArray> forSends(const QString &node, const QHash<qint64, int> &sends);
QList<QByteArray> forEphemeral(const QString &node, const QList<Ephemeral> &items);
QList<QByteArray> forOnline(const QString &node, const QHash<qint64, QString> &online);
// nullopt for a payload that is not ours (or not well-formed): it is ignored, with a warning.
std::optional<Notice> parse(const QByteArray &payload, QString *error = nullptr);

} // namespace BusPayload
