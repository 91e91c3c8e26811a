// SPDX-License-Identifier: MIT
#include "logindialog.h"

#include "validation.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

LoginDialog::LoginDialog(QWidget *parent)
    : QDialog(parent),
      m_server(new QLineEdit(this)),
      m_user(new QLineEdit(this)),
      m_password(new QLineEdit(this)),
      m_repeat(new QLineEdit(this)),
      m_repeatLabel(new QLabel(tr("Repeat password"), this)),
      m_create(new QCheckBox(tr("Create a new account"), this)),
      m_trust(new QCheckBox(tr("Trust this certificate for this server from now on"), this)),
      m_error(new QLabel(this))
{
    setWindowTitle(tr("Log in to a chat server"));
    m_server->setPlaceholderText(QStringLiteral("http://chat.example.org:8080"));
    m_password->setEchoMode(QLineEdit::Password);
    m_repeat->setEchoMode(QLineEdit::Password);
    m_repeat->hide();
    m_repeatLabel->hide();
    m_error->setTextFormat(Qt::PlainText); // server messages are never markup
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();
    m_trust->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Server"), m_server);
    form->addRow(tr("User name"), m_user);
    form->addRow(tr("Password"), m_password);
    form->addRow(m_repeatLabel, m_repeat);
    form->addRow(QString(), m_create);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_login = buttons->addButton(tr("Log in"), QDialogButtonBox::AcceptRole);
    m_login->setDefault(true);
    connect(m_create, &QCheckBox::toggled, this, [this](bool on) {
        m_login->setText(on ? tr("Create account") : tr("Log in"));
        m_repeat->setVisible(on);
        m_repeatLabel->setVisible(on);
        if (!on)
            m_repeat->clear();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &LoginDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_trust);
    layout->addWidget(buttons);
    setMinimumWidth(380);
}

void LoginDialog::setServer(const QUrl &server)
{
    m_server->setText(server.toString());
}

void LoginDialog::setUser(const QString &user)
{
    m_user->setText(user);
    if (!user.isEmpty())
        m_password->setFocus();
}

void LoginDialog::setError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString LoginDialog::errorText() const
{
    return m_error->text();
}

void LoginDialog::offerCertificate(const QString &description)
{
    setBusy(false);
    setError(description);
    m_trust->setChecked(false);
    m_trust->show();
}

bool LoginDialog::trustsCertificate() const
{
    return m_trust->isVisible() && m_trust->isChecked();
}

void LoginDialog::setBusy(bool busy)
{
    m_login->setEnabled(!busy);
    if (busy)
        setError({});
}

void LoginDialog::submit()
{
    QUrl server = QUrl::fromUserInput(m_server->text().trimmed());
    if (!server.isValid() || (server.scheme() != QLatin1String("http")
                              && server.scheme() != QLatin1String("https"))) {
        setError(tr("Enter the server's address, e.g. http://chat.example.org:8080"));
        return;
    }
    const QString user = m_user->text().trimmed();
    if (!Validation::isValidUserName(user)) {
        setError(tr("User names are 1 to 32 letters, digits, '.', '_' or '-'."));
        return;
    }
    if (m_create->isChecked()) {
        if (!Validation::passwordError(m_password->text()).isEmpty()) {
            setError(m_password->text().size() < Validation::kMinPasswordLength
                             ? tr("The password must have at least %1 characters.")
                                       .arg(Validation::kMinPasswordLength)
                             : tr("The password is too long (at most %1 bytes).")
                                       .arg(Validation::kMaxPasswordBytes));
            return;
        }
        if (m_repeat->text() != m_password->text()) {
            setError(tr("The two passwords are not the same."));
            m_repeat->setFocus();
            m_repeat->selectAll();
            return;
        }
    }
    setBusy(true);
    emit loginRequested(server, user, m_password->text(), m_create->isChecked());
}
