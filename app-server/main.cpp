// SPDX-License-Identifier: MIT
#include "chatserver.h"
#include "epolldispatcher.h"
#include "logging.h"
#include "serverconfig.h"
#include "unixsignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    // The event loop on epoll: Qt's UNIX dispatcher polls every connection on every pass, and
    // GLib's makes broadcasts O(n^2) in room size (QT64-NOTES.md, docs/performance.md).
    // CHAT_EVENT_DISPATCHER=qt keeps Qt's own (UNIX, not GLib), to compare.
    qputenv("QT_NO_GLIB", "1");
    if (qgetenv("CHAT_EVENT_DISPATCHER") != "qt")
        QCoreApplication::setEventDispatcher(new EpollDispatcher);
    QCoreApplication app(argc, argv);
    Logging::install(QProcessEnvironment::systemEnvironment());
    QCoreApplication::setApplicationName(u"chat-server"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Headless chat server: HTTP API and WebSocket push on one port, SQLite storage.\n"
            "Settings come from --config FILE ([server] section), CHAT_* environment variables "
            "and the options below, in rising precedence."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    ServerConfig::addCommandLineOptions(parser);
    parser.process(app);

    QString error;
    const auto config = ServerConfig::resolve(parser, QProcessEnvironment::systemEnvironment(),
                                              &error);
    if (!config) {
        std::fprintf(stderr, "chat-server: %s\n", qPrintable(error));
        return 2;
    }
    if (!config->logRules.isEmpty())
        QLoggingCategory::setFilterRules(QString(config->logRules).replace(u';', u'\n'));

    ChatServer server(*config);
    if (!server.start(&error)) {
        std::fprintf(stderr, "chat-server: %s\n", qPrintable(error));
        return 1;
    }
    // Scripts and tests read this line to learn the port (e.g. with --listen 127.0.0.1:0).
    std::printf("chat-server listening on %s://%s:%u (WebSocket: /ws)\n",
                config->tlsEnabled() ? "https" : "http",
                qPrintable(server.address().toString()), unsigned(server.port()));
    std::fflush(stdout);

    UnixSignals unixSignals;
    QObject::connect(&unixSignals, &UnixSignals::terminationRequested, &server, [&server](int) {
        server.shutdown([] {
            // Committed, the database closed, every client's close frame with the kernel: what is
            // left is freeing what the process gives back anyway, time during which a restarting
            // server's port is dark (docs/performance.md).
            std::fflush(nullptr);
            std::_Exit(0);
        });
    });
    return app.exec();
}
