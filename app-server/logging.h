// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>
#include <QProcessEnvironment>

Q_DECLARE_LOGGING_CATEGORY(lcServer) // chat.server
Q_DECLARE_LOGGING_CATEGORY(lcStore)  // chat.server.store
Q_DECLARE_LOGGING_CATEGORY(lcHttp)   // chat.server.http
Q_DECLARE_LOGGING_CATEGORY(lcWs)     // chat.server.ws
Q_DECLARE_LOGGING_CATEGORY(lcAuth)   // chat.server.auth
Q_DECLARE_LOGGING_CATEGORY(lcBus)    // chat.server.bus

namespace Logging {
// The line format of the server's log: ISO local time, level and category on a terminal or in a
// file; under systemd (JOURNAL_STREAM set) journald adds the time itself, so the line starts with
// a syslog priority prefix ("<6>") instead. QT_MESSAGE_PATTERN, when set, still wins.
QString messagePattern(const QProcessEnvironment &env);
void install(const QProcessEnvironment &env);
} // namespace Logging
