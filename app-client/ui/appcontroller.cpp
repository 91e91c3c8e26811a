// SPDX-License-Identifier: MIT
#include "appcontroller.h"

#include "chatclient.h"
#include "logindialog.h"
#include "mainwindow.h"

#include <QApplication>
#include <QStatusBar>

AppController::AppController(QObject *parent) : QObject(parent)
{
}

AppController::~AppController()
{
    m_window.reset(); // before the client it shows
}

void AppController::start(const StartOptions &options)
{
    // The command line wins over what was remembered, also in the login dialog.
    m_startServer = options.server;
    m_startUser = options.user;
    const QUrl server = options.server.isEmpty() ? m_settings.server() : options.server;
    const QString user = options.user.isEmpty() ? m_settings.user() : options.user;
    if (!options.password.isEmpty() && !user.isEmpty()) {
        login(server, user, options.password,
              options.createAccount ? ChatClient::Account::NewOrExisting : ChatClient::Account::Existing);
        return;
    }
    if (user.isEmpty()) {
        showLogin();
        return;
    }
    newClient(server);
    m_tokens.load(server, user, this, [this, server, user](const QString &token) {
        if (token.isEmpty())
            showLogin();
        else
            m_client->resume(user, token);
    });
}

void AppController::newClient(const QUrl &server)
{
    dropWindow();
    ChatClient::Options options;
    options.server = server;
    m_client = std::make_unique<ChatClient>(options);
    connect(m_client.get(), &ChatClient::sessionStarted, this, &AppController::onSessionStarted);
    connect(m_client.get(), &ChatClient::loginFailed, this, [this](const QString &message) {
        if (m_certificateProblem && m_dialog && m_dialog->isVisible())
            return; // the certificate offer already says what is wrong
        showLogin(message);
    });
    connect(m_client.get(), &ChatClient::sessionExpired, this, &AppController::onSessionEnded);
    connect(m_client.get(), &ChatClient::certificateRejected, this,
            [this](const CertificateProblem &problem) {
                m_certificateProblem = problem;
                if (m_window) { // the link was fine before: say so where the user looks
                    m_window->showNotice(problem.description, true);
                    return;
                }
                showLogin();
                m_dialog->offerCertificate(problem.description);
            });
}

void AppController::login(const QUrl &server, const QString &user, const QString &password,
                          ChatClient::Account account)
{
    m_startServer.clear(); // from now on the dialog shows what was last used
    m_startUser.clear();
    const bool trust = m_dialog && m_dialog->trustsCertificate() && m_certificateProblem;
    newClient(server);
    if (trust)
        m_client->certificateTrust()->trust(m_certificateProblem->server, m_certificateProblem->certificate);
    m_certificateProblem.reset();
    m_settings.setServer(server);
    m_settings.setUser(user);
    m_client->login(user, password, account);
}

void AppController::dropWindow()
{
    // Never destroyed at once: this may run inside one of the window's own menu actions (Log
    // out), which still uses the window when the handler returns.
    if (MainWindow *window = m_window.release()) {
        window->hide();
        window->deleteLater();
    }
}

void AppController::showLogin(const QString &error)
{
    dropWindow();
    if (!m_dialog) {
        m_dialog = std::make_unique<LoginDialog>();
        connect(m_dialog.get(), &LoginDialog::loginRequested, this,
                [this](const QUrl &server, const QString &user, const QString &password, bool create) {
                    login(server, user, password,
                          create ? ChatClient::Account::New : ChatClient::Account::Existing);
                });
        connect(m_dialog.get(), &QDialog::rejected, qApp, &QApplication::quit);
    }
    m_dialog->setServer(m_startServer.isEmpty() ? m_settings.server() : m_startServer);
    m_dialog->setUser(m_startUser.isEmpty() ? m_settings.user() : m_startUser);
    m_dialog->setBusy(false);
    m_dialog->setError(error);
    m_dialog->show();
    m_dialog->raise();
}

void AppController::onSessionStarted(const QString &user, const QString &token)
{
    m_settings.setUser(user);
    m_settings.setServer(m_client->api()->server());
    m_tokens.save(m_client->api()->server(), user, token);
    if (m_dialog)
        m_dialog->hide();
    m_window = std::make_unique<MainWindow>(m_client.get(), &m_settings);
    connect(m_window.get(), &MainWindow::logoutRequested, this, [this] {
        m_tokens.remove(m_client->api()->server(), m_client->user());
        m_client->logout();
        showLogin();
    });
    m_window->show();
    const QString room = m_settings.lastRoom();
    m_window->showRoom(m_client->rooms()->isMember(room) ? room : QStringLiteral("general"));
}

void AppController::onSessionEnded()
{
    if (m_client)
        m_tokens.remove(m_client->api()->server(), m_client->user());
    showLogin(tr("Your session has ended. Please log in again."));
}
