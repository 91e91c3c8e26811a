// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QPointer>
#include <QTimer>

class ChatClient;
class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QStringListModel;

// "New room…": a name, public or private, a topic. Creates it and says why when it cannot.
class NewRoomDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewRoomDialog(ChatClient *client, QWidget *parent = nullptr);
    QLineEdit *nameEdit() const { return m_name; }
    QCheckBox *privateBox() const { return m_private; }
    QLineEdit *topicEdit() const { return m_topic; }
    QLabel *errorLabel() const { return m_error; }
    void accept() override; // creates; closes once the server said yes

signals:
    void created(const QString &room);

private:
    QPointer<ChatClient> m_client;
    QLineEdit *m_name;
    QCheckBox *m_private;
    QLineEdit *m_topic;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

// "Join room…": the public rooms, filtered by name as the user types, with their members and
// topic; joining one opens it.
class JoinRoomDialog : public QDialog
{
    Q_OBJECT
public:
    explicit JoinRoomDialog(ChatClient *client, QWidget *parent = nullptr);
    QLineEdit *filterEdit() const { return m_filter; }
    QListWidget *roomList() const { return m_list; }
    QLabel *errorLabel() const { return m_error; }
    void accept() override;

signals:
    void chosen(const QString &room);

private:
    void search();
    QPointer<ChatClient> m_client;
    QLineEdit *m_filter;
    QListWidget *m_list;
    QLabel *m_error;
    QTimer m_debounce;
};

// "Message someone…": a user name, completed from the server's users as it is typed; opens the
// direct conversation with them (made when there is none).
class DirectMessageDialog : public QDialog
{
    Q_OBJECT
public:
    explicit DirectMessageDialog(ChatClient *client, QWidget *parent = nullptr);
    QLineEdit *userEdit() const { return m_user; }
    QStringListModel *completions() const { return m_names; }
    QLabel *errorLabel() const { return m_error; }
    void accept() override;

signals:
    void opened(const QString &room);

private:
    QPointer<ChatClient> m_client;
    QLineEdit *m_user;
    QStringListModel *m_names;
    QLabel *m_error;
    QTimer m_debounce;
};
