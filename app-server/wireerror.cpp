// SPDX-License-Identifier: MIT
#include "wireerror.h"

using namespace Qt::StringLiterals;

WireError storeError(StoreStatus status, const QString &room)
{
    switch (status) {
    case StoreStatus::RoomNotFound:
        return {ErrorCode::RoomNotFound, u"room '%1' does not exist"_s.arg(room)};
    case StoreStatus::RoomArchived:
        return {ErrorCode::RoomArchived, u"room '%1' is archived: it can be read, not written to"_s.arg(room)};
    case StoreStatus::EventNotFound:
        return {ErrorCode::EventNotFound, Errors::defaultMessage(ErrorCode::EventNotFound)};
    case StoreStatus::UserNotFound:
        return {ErrorCode::UserNotFound, Errors::defaultMessage(ErrorCode::UserNotFound)};
    case StoreStatus::Forbidden:
        return {ErrorCode::Forbidden, u"you are not a member of room '%1'"_s.arg(room)};
    case StoreStatus::NotMember:
        return {ErrorCode::UserNotFound, u"that user is not a member of room '%1'"_s.arg(room)};
    case StoreStatus::NotPermitted:
        return {ErrorCode::Forbidden, u"you are not allowed to do that in room '%1'"_s.arg(room)};
    case StoreStatus::NotAuthor:
        return {ErrorCode::Forbidden, u"only its sender can edit or delete a message"_s};
    case StoreStatus::NoChange:
        return {ErrorCode::NoChange, Errors::defaultMessage(ErrorCode::NoChange)};
    case StoreStatus::FileNotFound:
        return {ErrorCode::FileNotFound, Errors::defaultMessage(ErrorCode::FileNotFound)};
    case StoreStatus::QuotaExceeded:
        return {ErrorCode::QuotaExceeded, Errors::defaultMessage(ErrorCode::QuotaExceeded)};
    case StoreStatus::Conflict:
        return {ErrorCode::NameTaken, Errors::defaultMessage(ErrorCode::NameTaken)};
    default:
        return {ErrorCode::Internal, Errors::defaultMessage(ErrorCode::Internal)};
    }
}
