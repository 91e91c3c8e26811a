// SPDX-License-Identifier: MIT
#include "errorcode.h"

#include <array>

using namespace Qt::StringLiterals;

namespace {
struct Entry
{
    ErrorCode error;
    QLatin1StringView code;
    int status;
    const char *message;
};

constexpr std::array kTable{
#define CHAT_ERROR_ENTRY(name, code, status, message) \
    Entry{ErrorCode::name, QLatin1StringView(code), status, message},
    CHAT_ERROR_CODES(CHAT_ERROR_ENTRY)
#undef CHAT_ERROR_ENTRY
};

const Entry *find(ErrorCode error)
{
    const auto index = std::size_t(error) - 1; // the table starts after Unknown
    return error == ErrorCode::Unknown || index >= kTable.size() ? nullptr : &kTable[index];
}
} // namespace

namespace Errors {

QLatin1StringView code(ErrorCode error)
{
    const Entry *e = find(error);
    return e ? e->code : "unknown"_L1;
}

ErrorCode fromCode(QStringView code)
{
    for (const Entry &e : kTable) {
        if (code == e.code)
            return e.error;
    }
    return ErrorCode::Unknown;
}

int httpStatus(ErrorCode error)
{
    const Entry *e = find(error);
    return e ? e->status : 500;
}

QString defaultMessage(ErrorCode error)
{
    const Entry *e = find(error);
    return e ? QString::fromLatin1(e->message) : u"unknown error"_s;
}

bool isTransient(ErrorCode error)
{
    return error == ErrorCode::RateLimited || error == ErrorCode::Busy
            || error == ErrorCode::Internal;
}

} // namespace Errors
