// SPDX-License-Identifier: MIT
#include "roominfo.h"

#include "jsonfields.h"

using namespace Qt::StringLiterals;

QJsonObject RoomInfo::toJson() const
{
    return QJsonObject{
        {"name"_L1, name},
        {"lastSeq"_L1, lastSeq},
        {"private"_L1, isPrivate},
        {"member"_L1, member},
    };
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
    r.lastSeq = *lastSeq;
    r.isPrivate = *isPrivate;
    r.member = *member;
    return r;
}
