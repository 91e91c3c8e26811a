// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

// A room as listed by GET /api/v2/rooms.
struct RoomInfo
{
    QString name;
    qint64 lastSeq = 0;
    bool isPrivate = false;
    bool member = false;
    bool archived = false; // readable, but takes no new events and nobody joins
    QString owner;         // "" = none recorded (rooms older than owners)

    QJsonObject toJson() const;
    static std::optional<RoomInfo> fromJson(const QJsonObject &json, QString *error = nullptr);

    friend bool operator==(const RoomInfo &a, const RoomInfo &b)
    {
        return a.name == b.name && a.lastSeq == b.lastSeq && a.isPrivate == b.isPrivate
                && a.member == b.member && a.archived == b.archived && a.owner == b.owner;
    }
};
