// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

// A room as listed by GET /api/v2/rooms. Fields past `owner` describe the caller's place in it
// and are sent only where they mean something (topic when set, dm/peer for a direct
// conversation, role/lastRead/unread/mentions/notify for a member); servers older than them
// send none, and a reader takes the defaults.
struct RoomInfo
{
    QString name;
    qint64 lastSeq = 0;
    bool isPrivate = false;
    bool member = false;
    bool archived = false; // readable, but takes no new events
    QString owner;         // "" = none recorded (rooms older than owners, direct conversations)
    QString topic;
    bool dm = false;       // a direct conversation of two users: private, nobody joins or leaves
    QString peer;          // dm: the other user
    bool peerOnline = false; // dm: whether they are online now (later changes: presence frames)
    int memberCount = 0;   // 0 = not told
    QString role;          // the caller's, when a member: "owner", "admin" or "member"
    qint64 lastRead = 0;   // the caller's read marker (a seq)
    int unread = 0;        // messages of others after lastRead
    int mentions = 0;      // of those, the ones naming the caller (@name); in a dm all of them
    QString notify;        // the caller's notification level: "all", "mentions" or "none"

    QJsonObject toJson() const;
    static std::optional<RoomInfo> fromJson(const QJsonObject &json, QString *error = nullptr);

    friend bool operator==(const RoomInfo &a, const RoomInfo &b)
    {
        return a.name == b.name && a.lastSeq == b.lastSeq && a.isPrivate == b.isPrivate
                && a.member == b.member && a.archived == b.archived && a.owner == b.owner
                && a.topic == b.topic && a.dm == b.dm && a.peer == b.peer && a.peerOnline == b.peerOnline
                && a.memberCount == b.memberCount && a.role == b.role && a.lastRead == b.lastRead
                && a.unread == b.unread && a.mentions == b.mentions && a.notify == b.notify;
    }
};

// Roles and notification levels as they travel.
namespace RoomRoles {
inline constexpr QLatin1StringView kOwner{"owner"};
inline constexpr QLatin1StringView kAdmin{"admin"};
inline constexpr QLatin1StringView kMember{"member"};
bool isAssignable(const QString &role); // what an owner may give: admin or member
} // namespace RoomRoles

namespace NotifyLevels {
inline constexpr QLatin1StringView kAll{"all"};
inline constexpr QLatin1StringView kMentions{"mentions"};
inline constexpr QLatin1StringView kNone{"none"};
bool isValid(const QString &level);
} // namespace NotifyLevels

// A member as GET /api/v2/rooms/{room}/members lists them.
struct MemberInfo
{
    QString name;
    QString role; // "owner", "admin" or "member"
    bool online = false;

    QJsonObject toJson() const;
    static std::optional<MemberInfo> fromJson(const QJsonObject &json, QString *error = nullptr);
    friend bool operator==(const MemberInfo &a, const MemberInfo &b)
    {
        return a.name == b.name && a.role == b.role && a.online == b.online;
    }
};
