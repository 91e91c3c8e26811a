// SPDX-License-Identifier: MIT
#include "appcontroller.h"
#include "appearance.h"
#include "clientsettings.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

using namespace Qt::StringLiterals;

namespace {
void describe()
{
    QCoreApplication::setOrganizationName(u"qtchat"_s);
    QCoreApplication::setApplicationName(u"chat-client"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
            u"Desktop chat client. With CHAT_PASSWORD set in the environment it logs in (or, with "
            "--register, creates the account) without showing the login dialog."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {u"server"_s, u"Server URL, e.g. http://chat.example.org:8080"_s, u"URL"_s},
        {u"user"_s, u"User name"_s, u"NAME"_s},
        {u"register"_s, u"With CHAT_PASSWORD: create the account first (an existing one is just "
                        "logged in to)."_s},
    });
}
} // namespace

int main(int argc, char *argv[])
{
    {
        // --help and --version are answered before any window system is needed: they work
        // over ssh and in scripts, without a display. (Other errors wait for QApplication, which
        // first takes out its own options such as -qwindowgeometry.)
        QStringList args;
        for (int i = 0; i < argc; ++i)
            args.append(QString::fromLocal8Bit(argv[i]));
        QCommandLineParser probe;
        addOptions(probe);
        probe.parse(args); // known options are read even when others are not known here
        if (probe.isSet(u"version"_s) || probe.isSet(u"help"_s) || probe.isSet(u"help-all"_s)) {
            QCoreApplication app(argc, argv); // the help text names the program from it
            describe();
            if (probe.isSet(u"version"_s))
                probe.showVersion(); // exits
            probe.showHelp(0);       // exits
        }
    }

    QApplication app(argc, argv);
    describe();
    QApplication::setDesktopFileName(u"chat-client"_s);
    QApplication::setQuitOnLastWindowClosed(true);
    app.setWindowIcon(QIcon(u":/icons/chat.png"_s));
    Appearance::apply(ClientSettings().appearance());

    QCommandLineParser parser;
    addOptions(parser);
    parser.process(app);

    AppController::StartOptions options;
    if (parser.isSet(u"server"_s))
        options.server = QUrl::fromUserInput(parser.value(u"server"_s));
    options.user = parser.value(u"user"_s);
    options.password = qEnvironmentVariable("CHAT_PASSWORD");
    options.createAccount = parser.isSet(u"register"_s);

    AppController controller;
    controller.start(options);
    return app.exec();
}
