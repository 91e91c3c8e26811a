// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

// Server URL, user name, password, "create account". It only collects input and shows errors;
// the caller logs in and closes it.
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    explicit LoginDialog(QWidget *parent = nullptr);

    void setServer(const QUrl &server);
    void setUser(const QString &user);
    void setError(const QString &message); // shown as plain text
    void setBusy(bool busy);
    // A certificate problem: shown with a "trust this certificate" choice for the next attempt.
    void offerCertificate(const QString &description);
    bool trustsCertificate() const;
    QString errorText() const;
    QLineEdit *passwordField() const { return m_password; }
    QLineEdit *repeatField() const { return m_repeat; }
    QCheckBox *createBox() const { return m_create; }

signals:
    void loginRequested(const QUrl &server, const QString &user, const QString &password,
                        bool createAccount);

private:
    void submit();

    QLineEdit *m_server;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QLineEdit *m_repeat; // creating an account: the password once more
    QLabel *m_repeatLabel;
    QCheckBox *m_create;
    QCheckBox *m_trust;
    QLabel *m_error;
    QPushButton *m_login;
};
