// SPDX-License-Identifier: MIT
#include "roominfo.h"

#include "jsonfields.h"

using namespace Qt::StringLiterals;

namespace {
bool readInt(const QJsonObject &json, QLatin1StringView key, int *out, QString *error)
{
    std::optional<qint64> value;
    if (!JsonFields::readInt64(json, key, &value, error, false))
        return false;
    if (value)
        *out = int(std::clamp<qint64>(*value, 0, std::numeric_limits<int>::max()));
    return true;
}
} // namespace

bool RoomRoles::isAssignable(const QString &role)
{
    return role == kAdmin || role == kMember;
}

bool NotifyLevels::isValid(const QString &level)
{
    return level == kAll || level == kMentions || level == kNone;
}

QJsonObject RoomInfo::toJson() const
{
    QJsonObject json{
        {"name"_L1, name},
        {"lastSeq"_L1, lastSeq},
        {"private"_L1, isPrivate},
        {"member"_L1, member},
        {"archived"_L1, archived},
    };
    if (!owner.isEmpty())
        json.insert("owner"_L1, owner);
    if (!topic.isEmpty())
        json.insert("topic"_L1, topic);
    if (dm) {
        json.insert("dm"_L1, true);
        json.insert("peer"_L1, peer);
        json.insert("peerOnline"_L1, peerOnline);
    }
    if (memberCount > 0)
        json.insert("memberCount"_L1, memberCount);
    if (member && !role.isEmpty()) {
        json.insert("role"_L1, role);
        json.insert("lastRead"_L1, lastRead);
        json.insert("unread"_L1, unread);
        json.insert("mentions"_L1, mentions);
        json.insert("notify"_L1, notify);
    }
    return json;
}

std::optional<RoomInfo> RoomInfo::fromJson(const QJsonObject &json, QString *error)
{
    RoomInfo r;
    std::optional<qint64> lastSeq;
    std::optional<bool> isPrivate;
    std::optional<bool> member;
    std::optional<bool> archived;
    std::optional<bool> dm;
    std::optional<bool> peerOnline;
    std::optional<qint64> lastRead;
    // Everything after member is absent from servers older than it.
    if (!JsonFields::readString(json, "name"_L1, &r.name, error)
        || !JsonFields::readInt64(json, "lastSeq"_L1, &lastSeq, error)
        || !JsonFields::readBool(json, "private"_L1, &isPrivate, error)
        || !JsonFields::readBool(json, "member"_L1, &member, error)
        || !JsonFields::readBool(json, "archived"_L1, &archived, error, false)
        || !JsonFields::readString(json, "owner"_L1, &r.owner, error, false)
        || !JsonFields::readString(json, "topic"_L1, &r.topic, error, false)
        || !JsonFields::readBool(json, "dm"_L1, &dm, error, false)
        || !JsonFields::readString(json, "peer"_L1, &r.peer, error, false)
        || !JsonFields::readBool(json, "peerOnline"_L1, &peerOnline, error, false)
        || !readInt(json, "memberCount"_L1, &r.memberCount, error)
        || !JsonFields::readString(json, "role"_L1, &r.role, error, false)
        || !JsonFields::readInt64(json, "lastRead"_L1, &lastRead, error, false)
        || !readInt(json, "unread"_L1, &r.unread, error)
        || !readInt(json, "mentions"_L1, &r.mentions, error)
        || !JsonFields::readString(json, "notify"_L1, &r.notify, error, false))
        return std::nullopt;
    r.lastSeq = *lastSeq;
    r.isPrivate = *isPrivate;
    r.member = *member;
    r.archived = archived.value_or(false);
    r.dm = dm.value_or(false);
    r.peerOnline = peerOnline.value_or(false);
    r.lastRead = lastRead.value_or(0);
    return r;
}

QJsonObject MemberInfo::toJson() const
{
    return {{"name"_L1, name}, {"role"_L1, role}, {"online"_L1, online}};
}

std::optional<MemberInfo> MemberInfo::fromJson(const QJsonObject &json, QString *error)
{
    MemberInfo m;
    std::optional<bool> online;
    if (!JsonFields::readString(json, "name"_L1, &m.name, error)
        || !JsonFields::readString(json, "role"_L1, &m.role, error)
        || !JsonFields::readBool(json, "online"_L1, &online, error, false))
        return std::nullopt;
    m.online = online.value_or(false);
    return m;
}
