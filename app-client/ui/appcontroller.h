// SPDX-License-Identifier: MIT
#pragma once

#include "certificatetrust.h"
#include "chatclient.h"
#include "clientsettings.h"
#include "tokenstore.h"

#include <QObject>
#include <QUrl>

#include <memory>

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
        bool createAccount = false; // with password: create it unless it exists
    };

    explicit AppController(QObject *parent = nullptr);
    ~AppController() override;

    void start(const StartOptions &options);
    MainWindow *mainWindow() const { return m_window.get(); }
    ChatClient *client() const { return m_client.get(); }
    LoginDialog *loginDialog() const { return m_dialog.get(); }

private:
    void newClient(const QUrl &server);
    void login(const QUrl &server, const QString &user, const QString &password,
               ChatClient::Account account);
    void dropWindow();
    void showLogin(const QString &error = {});
    void onSessionStarted(const QString &user, const QString &token);
    void onSessionEnded();

    ClientSettings m_settings;
    TokenStore m_tokens;
    std::unique_ptr<ChatClient> m_client;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<LoginDialog> m_dialog;
    std::optional<CertificateProblem> m_certificateProblem; // offered in the dialog
    // From the command line: what the login dialog shows until the user logs in once.
    QUrl m_startServer;
    QString m_startUser;
};
