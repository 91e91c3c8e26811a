// SPDX-License-Identifier: MIT
#include "appcontroller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"qtchat"_s);
    QApplication::setApplicationName(u"chat-client"_s);
    QApplication::setApplicationVersion(u"0.1.0"_s);
    QApplication::setDesktopFileName(u"chat-client"_s);
    QApplication::setQuitOnLastWindowClosed(true);
    app.setWindowIcon(QIcon(u":/icons/chat.png"_s));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Desktop chat client. With CHAT_PASSWORD set in the environment it logs in (or, with "
            "--register, creates the account) without showing the login dialog."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {u"server"_s, u"Server URL, e.g. http://chat.example.org:8080"_s, u"URL"_s},
        {u"user"_s, u"User name"_s, u"NAME"_s},
        {u"register"_s, u"Create the account first (an existing one is just logged in to)."_s},
    });
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
