// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractItemView>
#include <QHash>
#include <QStyledItemDelegate>

// Paints one message of a MessageListModel: a day separator when the day changes, the sender and
// time, the body as plain text (never markup: a body "<img src=…>" shows those characters and
// loads nothing), own messages set apart, and pending / failed marks. Row heights are cached per
// message and width.
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
    void clearCache() { m_sizes.clear(); }

private:
    struct Layout
    {
        QRect separator; // empty when no day separator
        QRect bubble;
        QRect header;
        QRect body;
        QRect reactions; // empty when none
        QRect status;
    };
    Layout layoutFor(const QStyleOptionViewItem &option, const QModelIndex &index) const;

    QAbstractItemView *m_view;
    mutable QHash<QString, QSize> m_sizes;
};
