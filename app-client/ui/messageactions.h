// SPDX-License-Identifier: MIT
#pragma once

#include "fileinfo.h"

#include <QObject>
#include <QPointer>
#include <QString>

class ChatClient;
class Composer;
class MessageDelegate;
class QLabel;
class QListView;
class QMenu;
class QMouseEvent;
class QModelIndex;
class QPoint;
class QWidget;

// What a person does with a message in the conversation: reply to it, react to it, edit or
// delete it, copy it; a click on a reaction toggles the user's own, a click on a reply's quote
// jumps to the original (older history is loaded until it is there), a click on a link opens it
// with QDesktopServices (hovering it shows the full address first). Replying and editing show a
// bar above the composer ("Replying to alice: …", "Editing your message") that Escape or × ends;
// Up in an empty composer edits the user's last message.
class MessageActions : public QObject
{
    Q_OBJECT
public:
    MessageActions(ChatClient *client, QListView *view, MessageDelegate *delegate, Composer *composer,
                   QObject *parent = nullptr);

    QWidget *bar() const { return m_bar; } // placed above the composer by the window
    QLabel *barText() const { return m_barText; }
    void setRoom(const QString &room); // ends a reply or an edit of another room

    // The context menu of the message at index (nullptr for none: a system line, a pending one).
    QMenu *menuFor(const QModelIndex &index, QWidget *parent);
    // What clicking a message the server refused offers: edit in the composer (taken back from
    // the outbox), copy, discard. nullptr for any other message.
    QMenu *refusedMenuFor(const QModelIndex &index, QWidget *parent);
    // A click at pos (viewport coordinates) on index: true when it was a reaction or a quote.
    bool click(const QModelIndex &index, const QPoint &pos);
    // The composer's text: sent as an edit, a reply or a message.
    void submit(const QString &text);

    void reply(const QModelIndex &index);
    void edit(const QModelIndex &index);
    void remove(const QModelIndex &index); // asks first
    // Scrolls to the message and flashes it, loading older history until it is there (seq, when
    // known, loads it in bigger pages).
    void jumpTo(const QString &id, qint64 seq = 0);
    void cancel();                          // no reply, no edit
    QString replyingTo() const { return m_replyTo; }
    QString editing() const { return m_editing; }

    static QStringList commonReactions();

signals:
    void problem(const QString &message);
    void attachmentClicked(const FileInfo &file); // its image or card

protected:
    bool eventFilter(QObject *watched, QEvent *event) override; // clicks on the view

private:
    void showBar(const QString &text);
    void hover(const QMouseEvent *mouse);
    void editLast();
    void react(const QModelIndex &index); // "Other…": any short text
    void continueJump();

    QPointer<ChatClient> m_client;
    QListView *m_view;
    QObject *m_viewport = nullptr; // m_view's, compared only
    MessageDelegate *m_delegate;
    Composer *m_composer;
    QWidget *m_bar;
    QLabel *m_barText;
    QString m_room;
    QString m_replyTo;
    QString m_editing;
    QString m_hoveredLink; // its address is shown
    QString m_jumpTarget; // waiting for older pages to bring it
    qint64 m_jumpSeq = 0;
    int m_jumpPages = 0;
};
