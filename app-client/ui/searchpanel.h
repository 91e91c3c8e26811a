// SPDX-License-Identifier: MIT
#pragma once

#include "apiclient.h"

#include <QPointer>
#include <QWidget>

class ChatClient;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

// Finding a message again (Ctrl+F): a search box over the open room or all the user's rooms, the
// messages found newest first (room, sender, day and time, the text), more on demand. Enter on a
// result, or a click, asks the window to open it in its conversation (openRequested); Escape in
// the box closes the panel. What the server refuses (a quote left open) is said in words.
class SearchPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SearchPanel(ChatClient *client, QWidget *parent = nullptr);

    void setRoom(const QString &room); // what "This room" means
    void start();                      // shown, the box focused and its text selected
    void search();                     // what is typed, from the newest

    QLineEdit *field() const { return m_field; }
    QComboBox *scope() const { return m_scope; }
    QListWidget *results() const { return m_results; }
    QLabel *status() const { return m_status; }
    QPushButton *moreButton() const { return m_more; }

    enum Roles { RoomRole = Qt::UserRole + 1, IdRole, SeqRole };

signals:
    void openRequested(const QString &room, const QString &id, qint64 seq);
    void closed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override; // Escape, Down from the box

private:
    void request(const QString &before);
    void open(QListWidgetItem *item);

    QPointer<ChatClient> m_client;
    QLineEdit *m_field;
    QComboBox *m_scope;
    QListWidget *m_results;
    QLabel *m_status;
    QPushButton *m_more;
    QString m_room;
    QString m_query;       // of the results shown
    QString m_searchRoom;  // of the results shown ("" = all rooms)
    int m_generation = 0;  // answers to an older search are dropped
};
