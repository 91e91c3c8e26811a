// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServer) // chat.server
Q_DECLARE_LOGGING_CATEGORY(lcStore)  // chat.server.store
Q_DECLARE_LOGGING_CATEGORY(lcHttp)   // chat.server.http
Q_DECLARE_LOGGING_CATEGORY(lcWs)     // chat.server.ws
Q_DECLARE_LOGGING_CATEGORY(lcAuth)   // chat.server.auth
