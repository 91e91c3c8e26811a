// SPDX-License-Identifier: MIT
#pragma once

#include <QPlainTextEdit>

class QCompleter;
class QStringListModel;
class QToolButton;

// The message editor: Enter sends, Shift+Enter starts a new line. What is typed is sent exactly as
// typed (leading spaces of indented code included), as markdown or as plain text: the toggle
// beside it (markdownToggle, placed by the window) switches between them. Text that is only
// whitespace is not sent.
// Knows the server's size limit: says how close the text is to it, and does not send past it.
class Composer : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit Composer(QWidget *parent = nullptr);

    void setMaxBytes(int maxBytes);
    int maxBytes() const { return m_maxBytes; }
    int textBytes() const; // UTF-8 bytes of what is typed
    // "" while well within the limit, else e.g. "3 900 / 4 096 bytes" (or why it cannot be sent)
    QString limitText() const;
    bool isTooLong() const { return textBytes() > m_maxBytes; }
    void appendText(const QString &text); // a message taken back: added, never replacing
    // An archived room takes no messages: the composer is greyed and says so.
    void setArchived(bool archived);
    // Names offered after '@' (the room's members): Tab or Enter takes the highlighted one.
    void setMentionCandidates(const QStringList &names);
    QCompleter *mentionCompleter() const { return m_completer; }
    QString mentionPrefix() const; // the "@xy" being typed before the cursor, without '@'
    bool sendsMarkdown() const;
    void setSendsMarkdown(bool on);
    QToolButton *markdownToggle() const { return m_markdownToggle; }

signals:
    void submitted(const QString &text);
    void cancelled();          // Escape (no completion open): leave a reply or an edit
    void editLastRequested();  // Up in an empty composer: edit the user's last message
    void limitTextChanged(const QString &text, bool tooLong);
    void sendsMarkdownChanged(bool on); // the user switched it

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool focusNextPrevChild(bool next) override; // not while names are offered: Tab takes one

private:
    void updateLimit();
    void updateCompletion();
    void insertMention(const QString &name);
    QCompleter *m_completer;
    QStringListModel *m_candidates;
    QToolButton *m_markdownToggle;

    int m_maxBytes;
    QString m_limitText;
};
