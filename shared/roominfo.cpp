// SPDX-License-Identifier: MIT
#include "roominfo.h"

#include "jsonfields.h"

using namespace Qt::StringLiterals;

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
    return json;
}

std::optional<RoomInfo> RoomInfo::fromJson(const QJsonObject &json, QString *error)
{
    RoomInfo r;
    std::optional<qint64> lastSeq;
    std::optional<bool> isPrivate;
    std::optional<bool> member;
    if (!JsonFields::readString(json, "name"_L1, &r.name, error)
        || !JsonFields::readInt64(json, "lastSeq"_L1, &lastSeq, error)
        || !JsonFields::readBool(json, "private"_L1, &isPrivate, error)
        || !JsonFields::readBool(json, "member"_L1, &member, error))
        return std::nullopt;
    // Both absent from servers older than them.
    if (json.contains("archived"_L1)) {
        std::optional<bool> archived;
        if (!JsonFields::readBool(json, "archived"_L1, &archived, error))
            return std::nullopt;
        r.archived = *archived;
    }
    if (json.contains("owner"_L1) && !JsonFields::readString(json, "owner"_L1, &r.owner, error))
        return std::nullopt;
    r.lastSeq = *lastSeq;
    r.isPrivate = *isPrivate;
    r.member = *member;
    return r;
}
