// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

class ChatClient;
class QLabel;
class QListWidget;

// Who is in the open room, with their role and whether they are online, beside the
// conversation (toggled from the header). Refreshed when the room changes, when someone joins,
// leaves or changes role, and when presence changes.
class MembersPanel : public QWidget
{
    Q_OBJECT
public:
    explicit MembersPanel(ChatClient *client, QWidget *parent = nullptr);
    void setRoom(const QString &room);
    void refresh();       // asks the server again (debounced)
    QListWidget *list() const { return m_list; }

private:
    void load();
    QPointer<ChatClient> m_client;
    QString m_room;
    QLabel *m_title;
    QListWidget *m_list;
    QTimer m_debounce;
};
