// SPDX-License-Identifier: MIT
#include "logging.h"

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "chat.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "chat.server.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "chat.server.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWs, "chat.server.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "chat.server.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBus, "chat.server.bus", QtInfoMsg)

namespace Logging {

QString messagePattern(const QProcessEnvironment &env)
{
    if (env.contains(u"JOURNAL_STREAM"_s)) {
        return u"%{if-debug}<7>%{endif}%{if-info}<6>%{endif}%{if-warning}<4>%{endif}"
               "%{if-critical}<3>%{endif}%{if-fatal}<2>%{endif}%{category}: %{message}"_s;
    }
    return u"%{time yyyy-MM-dd'T'HH:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}"
           "%{if-warning}warning%{endif}%{if-critical}critical%{endif}%{if-fatal}fatal%{endif} "
           "%{category}: %{message}"_s;
}

void install(const QProcessEnvironment &env)
{
    qSetMessagePattern(messagePattern(env));
}

} // namespace Logging
