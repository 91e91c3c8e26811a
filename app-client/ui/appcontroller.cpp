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
    const QUrl server = options.server.isEmpty() ? m_settings.server() : options.server;
    const QString user = options.user.isEmpty() ? m_settings.user() : options.user;
    if (!options.password.isEmpty() && !user.isEmpty()) {
        login(server, user, options.password, options.createAccount);
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
    m_window.reset();
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
                    m_window->statusBar()->showMessage(problem.description, 15000);
                    return;
                }
                showLogin();
                m_dialog->offerCertificate(problem.description);
            });
}

void AppController::login(const QUrl &server, const QString &user, const QString &password,
                          bool create)
{
    const bool trust = m_dialog && m_dialog->trustsCertificate() && m_certificateProblem;
    newClient(server);
    if (trust)
        m_client->certificateTrust()->trust(m_certificateProblem->server, m_certificateProblem->certificate);
    m_certificateProblem.reset();
    m_settings.setServer(server);
    m_settings.setUser(user);
    m_client->login(user, password, create);
}

void AppController::showLogin(const QString &error)
{
    m_window.reset();
    if (!m_dialog) {
        m_dialog = std::make_unique<LoginDialog>();
        connect(m_dialog.get(), &LoginDialog::loginRequested, this, &AppController::login);
        connect(m_dialog.get(), &QDialog::rejected, qApp, &QApplication::quit);
    }
    m_dialog->setServer(m_settings.server());
    m_dialog->setUser(m_settings.user());
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
