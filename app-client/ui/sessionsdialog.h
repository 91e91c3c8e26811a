// SPDX-License-Identifier: MIT
#pragma once

#include "apitypes.h"

#include <QDialog>

class ChatClient;
class QLabel;
class QPushButton;
class QTreeWidget;

// Chat → Signed-in devices…: every session of the user (device, last active, signed in), this
// one marked; "Sign out" ends the selected other one at once (its windows go to the sign-in
// screen). Loaded when opened and again after each sign-out.
class SessionsDialog : public QDialog
{
    Q_OBJECT
public:
    SessionsDialog(ChatClient *client, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    QPushButton *signOutButton() const { return m_signOut; }
    QString error() const;
    void reload();

signals:
    void loaded(); // the list shows the server's answer (or why it could not)

private:
    void fill(const QList<SessionInfo> &sessions);
    void signOutSelected();
    void setError(const QString &message);
    void updateButton();

    ChatClient *m_client;
    QTreeWidget *m_list;
    QLabel *m_error;
    QPushButton *m_signOut;
};
