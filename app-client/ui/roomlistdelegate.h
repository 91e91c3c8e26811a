// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

// A row of the room list as chats show it: "#" or a presence dot before the name, bold when
// something is unread, a badge with the unread count on the right (in the accent colour when
// something mentions the user), and a small heading above the first room and the first direct
// conversation. Colours come from the palette, so a dark desktop gets a dark list.
class RoomListDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The heading drawn above index ("" when it starts no section).
    static QString sectionHeading(const QModelIndex &index);
    // The badge text of a row ("" for none): the unread count, "99+" past 99, "@" first when
    // something mentions the user.
    static QString badgeText(const QModelIndex &index);
};
