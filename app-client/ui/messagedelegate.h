// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractItemView>
#include <QColor>
#include <QHash>
#include <QStyledItemDelegate>

#include "fileinfo.h"
#include "richtext.h"

#include <QPixmap>

class FileTransfers;

// Paints one message of a MessageListModel as chats do: a day separator when the day changes;
// consecutive messages of one sender within five minutes grouped under one name line and one
// avatar (initials on a colour of the name); bubbles as wide as their text; member and topic
// events as small centred lines; a mention of the user tinted; a reply with the first line of the
// message it answers; reactions as pills (the user's own marked); colours from the palette. A
// plain-text body as the characters it is made of (a body "<img src=…>" shows those characters
// and loads nothing); a markdown one rendered by RichText (no HTML, nothing loaded, links
// clickable). Own messages set apart, and pending / failed marks. Row heights are cached per
// message and width, rendered markdown per message, text and width.
class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    // Rows are as wide as the view's viewport.
    explicit MessageDelegate(QAbstractItemView *view);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QString statusText(const QModelIndex &index); // "sending…", "not sent: … — click to edit, copy or discard"
    // What the bubble says: the text (marked when edited), or that the message was deleted.
    static QString bodyText(const QModelIndex &index);
    static bool startsNewDay(const QModelIndex &index);
    // Shown under the previous message's name and avatar (same sender, within five minutes).
    static bool continuesGroup(const QModelIndex &index);
    static bool isSystem(const QModelIndex &index); // a member or topic line
    static QString initials(const QString &name);   // "alice" -> "Al", "bob.smith" -> "BS"
    static QColor colorFor(const QString &name);    // the avatar's, the same for a name everywhere
    // Where thumbnails come from (none: images show as placeholders).
    void setFiles(FileTransfers *files);
    void clearCache()
    {
        m_sizes.clear();
        m_documents.clear();
    }
    // What the message at index has under pos (the view's viewport coordinates): a reaction
    // pill (key: its key), the quote of the message it answers, a link (key: its address), or
    // nothing.
    struct Hit
    {
        enum class Part { None, Reaction, Quote, Link, Attachment } part = Part::None; // Attachment: key = file id
        QString key;
    };
    Hit hitTest(const QModelIndex &index, const QPoint &pos) const;
    // The quote line of a reply: "alice: first line", or words for a quoted message that is not
    // loaded or was deleted.
    static QString quoteText(const QModelIndex &index);
    // Flashes the row of index for a moment (a reply's original, a search result).
    void highlight(const QModelIndex &index);
    // The read marker when the room was opened: a "New messages" line goes above the first
    // message after it (0: none).
    void setNewSince(qint64 seq) { m_newSince = seq; m_sizes.clear(); }
    bool startsNew(const QModelIndex &index) const;

private:
    struct Layout
    {
        QRect separator; // empty when no day separator
        QRect avatar;    // empty within a group, and for own messages
        QRect newLine;   // "New messages", above the first one after the marker
        QRect bubble;
        QRect header;
        QRect quote;     // the message it answers; empty when none
        QRect body;       // empty for a file sent without text
        QRect attachment; // the file: thumbnail or card; empty when none
        QRect reactions; // empty when none
        QList<QRect> pills; // one per reaction, in ReactionsRole order
        QRect status;
        int textArea = 0; // the widest the body may be: what a markdown body is laid out at
    };
    Layout layoutFor(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    // The rendered body of a markdown message laid out width wide; nullptr for plain text and
    // deleted messages.
    QTextDocument *document(const QModelIndex &index, const QFont &font, int width) const;

    QPixmap thumbnail(const FileInfo &file) const; // null until fetched
    QAbstractItemView *m_view;
    FileTransfers *m_files = nullptr;
    mutable QHash<QString, QPixmap> m_thumbnails; // file id -> decoded thumbnail
    mutable QHash<QString, QSize> m_sizes;
    mutable RichText::Cache m_documents;
    QPersistentModelIndex m_highlighted;
    qint64 m_newSince = 0;
};
