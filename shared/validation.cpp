// SPDX-License-Identifier: MIT
#include "validation.h"

using namespace Qt::StringLiterals;

namespace Validation {

namespace {
bool isAsciiAlnum(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}
} // namespace

bool isValidUserName(QStringView name)
{
    if (name.isEmpty() || name.size() > kMaxUserNameLength)
        return false;
    for (QChar c : name) {
        if (!isAsciiAlnum(c) && c != u'_' && c != u'.' && c != u'-')
            return false;
    }
    return true;
}

bool isValidRoomName(QStringView name)
{
    if (name.isEmpty() || name.size() > kMaxRoomNameLength)
        return false;
    for (QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_'
                || c == u'-';
        if (!ok)
            return false;
    }
    return true;
}

bool isValidClientId(QStringView id)
{
    if (id.isEmpty() || id.size() > kMaxClientIdLength || !id.isValidUtf16())
        return false;
    for (QChar c : id) {
        if (c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

bool isValidDeviceName(QStringView name)
{
    if (name.size() > kMaxDeviceNameLength || !name.isValidUtf16())
        return false;
    for (QChar c : name) {
        if (c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

std::optional<ErrorCode> bodyError(QStringView body, int maxBytes)
{
    if (body.isEmpty())
        return ErrorCode::EmptyBody;
    if (!body.isValidUtf16() || body.contains(QChar(0)))
        return ErrorCode::InvalidBody;
    // UTF-8 needs at least as many bytes as UTF-16 code units; only encode when it could matter.
    if (body.size() > maxBytes || body.size() * 3 > maxBytes) {
        if (body.toUtf8().size() > maxBytes)
            return ErrorCode::BodyTooLong;
    }
    return std::nullopt;
}

QString bodyErrorMessage(ErrorCode error, int maxBytes)
{
    return error == ErrorCode::BodyTooLong
            ? u"body is longer than %1 bytes of UTF-8"_s.arg(maxBytes)
            : u"body must be non-empty text without NUL characters"_s;
}

QString passwordError(QStringView password)
{
    if (password.size() < kMinPasswordLength)
        return u"password must have at least %1 characters"_s.arg(kMinPasswordLength);
    if (!password.isValidUtf16() || password.toUtf8().size() > kMaxPasswordBytes)
        return u"password must be valid text of at most %1 bytes"_s.arg(kMaxPasswordBytes);
    return {};
}

} // namespace Validation
