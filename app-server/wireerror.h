// SPDX-License-Identifier: MIT
#pragma once

#include "errorcode.h"
#include "store/chatstore.h"

#include <QString>

// An error as it goes on the wire (HTTP body or WebSocket frame): code and message.
struct WireError
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
};

// The one mapping from a store outcome to the wire, for HTTP and WebSocket alike.
WireError storeError(StoreStatus status, const QString &room);
