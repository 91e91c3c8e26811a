// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>
#include <QPointer>

class QTimer;

class ChatClient;
class ClientSettings;
class Composer;
class ConnectionIndicator;
class MembersPanel;
class SearchPanel;
class FileActions;
class MessageActions;
class MessageDelegate;
class QLabel;
class QToolButton;
class QListView;
class QMenu;
class QProgressBar;
class QSplitter;
class QSystemTrayIcon;
struct ChatMessage;

// Rooms on the left, the conversation in the middle, the composer at the bottom, the link's state
// in the status bar. Works on a ChatClient it does not own.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ChatClient *client, ClientSettings *settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    void showRoom(const QString &room);
    QString currentRoom() const { return m_room; }
    QListView *conversationView() const { return m_view; }
    FileActions *fileActions() const { return m_files; }
    QListView *roomView() const { return m_rooms; }
    Composer *composer() const { return m_composer; }
    QLabel *roomHeader() const { return m_header; }
    QLabel *roomDetails() const { return m_details; }   // topic · members
    QLabel *typingLine() const { return m_typing; }     // "bob is typing…"
    // A problem or a notice in plain words above the composer, where the user looks; it stays
    // until dismissed (×) or, for a notice, a while.
    QLabel *noticeLine() const { return m_notice; }
    void showNotice(const QString &text, bool problem);
    QToolButton *jumpButton() const { return m_jump; } // "↓ 3 new" while scrolled up
    MembersPanel *membersPanel() const { return m_members; }
    QToolButton *membersButton() const { return m_membersButton; }
    // The room list's context menu for room: leave, invite, topic, notifications.
    QMenu *roomMenu(const QString &room);
    // "bob is typing…", "bob and carol are typing…", "3 people are typing…" ("" for nobody).
    static QString typingText(const QStringList &users);
    QLabel *limitLabel() const { return m_limit; }
    ConnectionIndicator *indicator() const { return m_indicator; }
    MessageActions *messageActions() const { return m_actions; } // reply, react, edit, delete
    SearchPanel *searchPanel() const { return m_search; }
    void showSearch(); // Ctrl+F: the search panel, its box focused

signals:
    void logoutRequested();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildMenus();
    void onRoomActivated(const QModelIndex &index);
    void onMessageArrived(const ChatMessage &message, bool own);
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onScrolled(int value);
    void newRoom();
    void joinRoom();
    void messageSomeone();
    void quickSwitch();
    void setUpSearch(); // mainwindowrooms.cpp
    void stepRoom(int delta); // Alt+Up/Down
    void maybeMarkRead();     // the newest events are in view in a focused window: read
    void loadMentionCandidates(); // the room's members, for '@' in the composer
    void onComposerEdited();
    void showTyping();
    void placeJumpButton();
    void changePassword();
    void showSessions();
    void showCurrentRoomSelected();
    void showRoomState(); // the header and the composer as the room list says the room is
    void notify(const ChatMessage &message);

    QPointer<ChatClient> m_client;
    ClientSettings *m_settings;
    QSplitter *m_splitter;
    QListView *m_rooms;
    QListView *m_view;
    QLabel *m_header;
    QLabel *m_details;
    QLabel *m_typing;
    QWidget *m_noticeBar;
    QLabel *m_notice;
    QTimer *m_noticeTimer;
    QToolButton *m_jump;
    int m_missed = 0; // messages that came in while scrolled up
    QToolButton *m_membersButton;
    MembersPanel *m_members;
    SearchPanel *m_search = nullptr;
    QTimer *m_typingIdle;          // typing stops being told after a pause
    qint64 m_typingToldAt = 0;     // ms; renewals at most every few seconds
    QLabel *m_limit;
    MessageDelegate *m_delegate;
    MessageActions *m_actions = nullptr;
    FileActions *m_files = nullptr;
    QProgressBar *m_loading;
    Composer *m_composer;
    ConnectionIndicator *m_indicator;
    QSystemTrayIcon *m_tray = nullptr;
    QString m_room;
    int m_distanceFromBottom = 0;
    bool m_atBottom = true; // the user follows the newest messages // kept while older pages are inserted above
};
