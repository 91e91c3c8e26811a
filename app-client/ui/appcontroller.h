// SPDX-License-Identifier: MIT
#pragma once

#include "certificatetrust.h"
#include "clientsettings.h"
#include "tokenstore.h"

#include <QObject>
#include <QUrl>

#include <memory>

class ChatClient;
class LoginDialog;
class MainWindow;

// What the desktop application does between its windows: log in (from the command line, a stored
// token, or the dialog), show the main window, and go back to the dialog when the session ends.
class AppController : public QObject
{
    Q_OBJECT
public:
    struct StartOptions
    {
        QUrl server;       // empty = the remembered one
        QString user;      // empty = the remembered one
        QString password;  // set (from CHAT_PASSWORD): log in without the dialog
        bool createAccount = false;
    };

    explicit AppController(QObject *parent = nullptr);
    ~AppController() override;

    void start(const StartOptions &options);
    MainWindow *mainWindow() const { return m_window.get(); }
    ChatClient *client() const { return m_client.get(); }

private:
    void newClient(const QUrl &server);
    void login(const QUrl &server, const QString &user, const QString &password, bool create);
    void showLogin(const QString &error = {});
    void onSessionStarted(const QString &user, const QString &token);
    void onSessionEnded();

    ClientSettings m_settings;
    TokenStore m_tokens;
    std::unique_ptr<ChatClient> m_client;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<LoginDialog> m_dialog;
    std::optional<CertificateProblem> m_certificateProblem; // offered in the dialog
};
