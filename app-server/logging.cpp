// SPDX-License-Identifier: MIT
#include "logging.h"

Q_LOGGING_CATEGORY(lcServer, "chat.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "chat.server.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "chat.server.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWs, "chat.server.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "chat.server.auth", QtInfoMsg)
