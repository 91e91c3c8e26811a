// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class ChatClient;
class QLabel;
class QLineEdit;
class QPushButton;

// Chat → Change password…: the current password, the new one twice. Checked here first (long
// enough, repeated the same, not the current one), then by the server; the dialog stays open
// with the reason when either refuses, and closes when the server has changed it.
class PasswordDialog : public QDialog
{
    Q_OBJECT
public:
    PasswordDialog(ChatClient *client, QWidget *parent = nullptr);

    QLineEdit *currentField() const { return m_current; }
    QLineEdit *newField() const { return m_next; }
    QLineEdit *repeatField() const { return m_repeat; }
    QPushButton *changeButton() const { return m_change; }
    QString error() const;

signals:
    // Closed after the change; signedOut: the user's other devices the server signed out.
    void changed(int signedOut);

private:
    void submit();
    void setError(const QString &message);
    void setBusy(bool busy);

    ChatClient *m_client;
    QLineEdit *m_current;
    QLineEdit *m_next;
    QLineEdit *m_repeat;
    QLabel *m_error;
    QPushButton *m_change;
};
