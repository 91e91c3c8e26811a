// SPDX-License-Identifier: MIT
#include "passworddialog.h"

#include "chatclient.h"
#include "validation.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

PasswordDialog::PasswordDialog(ChatClient *client, QWidget *parent)
    : QDialog(parent),
      m_client(client),
      m_current(new QLineEdit(this)),
      m_next(new QLineEdit(this)),
      m_repeat(new QLineEdit(this)),
      m_error(new QLabel(this))
{
    setWindowTitle(tr("Change password"));
    for (QLineEdit *field : {m_current, m_next, m_repeat})
        field->setEchoMode(QLineEdit::Password);
    m_error->setTextFormat(Qt::PlainText); // server messages are never markup
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();

    auto *note = new QLabel(tr("Your other devices will be signed out and need the new password."),
                            this);
    note->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("Current password"), m_current);
    form->addRow(tr("New password"), m_next);
    form->addRow(tr("Repeat new password"), m_repeat);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_change = buttons->addButton(tr("Change password"), QDialogButtonBox::AcceptRole);
    m_change->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &PasswordDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

QString PasswordDialog::error() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void PasswordDialog::submit()
{
    const QString current = m_current->text();
    const QString next = m_next->text();
    if (current.isEmpty()) {
        setError(tr("Enter your current password."));
        m_current->setFocus();
        return;
    }
    if (next.size() < Validation::kMinPasswordLength) {
        setError(tr("The new password needs at least %1 characters.")
                         .arg(Validation::kMinPasswordLength));
        m_next->setFocus();
        return;
    }
    if (next != m_repeat->text()) {
        setError(tr("The two new passwords are not the same."));
        m_repeat->setFocus();
        return;
    }
    if (next == current) {
        setError(tr("The new password is the same as the current one."));
        m_next->setFocus();
        return;
    }
    setError({});
    setBusy(true);
    m_client->changePassword(current, next, this, [this](const QString &error, int signedOut) {
        setBusy(false);
        if (!error.isEmpty()) {
            setError(error);
            m_current->setFocus(); // the usual mistake: try the current password again
            m_current->selectAll();
            return;
        }
        emit changed(signedOut);
        accept();
    });
}

void PasswordDialog::setError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void PasswordDialog::setBusy(bool busy)
{
    m_change->setEnabled(!busy);
    m_change->setText(busy ? tr("Changing…") : tr("Change password"));
    for (QLineEdit *field : {m_current, m_next, m_repeat})
        field->setEnabled(!busy);
}
