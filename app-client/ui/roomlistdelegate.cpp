// SPDX-License-Identifier: MIT
#include "roomlistdelegate.h"

#include "roomlistmodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

using namespace Qt::StringLiterals;

namespace {
constexpr int kPad = 6;
int headingHeight(const QFontMetrics &fm)
{
    return fm.height() + kPad;
}
} // namespace

QString RoomListDelegate::sectionHeading(const QModelIndex &index)
{
    const int section = index.data(RoomListModel::SectionRole).toInt();
    const QModelIndex above = index.sibling(index.row() - 1, 0);
    if (above.isValid() && above.data(RoomListModel::SectionRole).toInt() == section)
        return {};
    return section == int(RoomListModel::Section::Direct) ? tr("Direct messages") : tr("Rooms");
}

QString RoomListDelegate::badgeText(const QModelIndex &index)
{
    const int unread = index.data(RoomListModel::UnreadRole).toInt();
    if (unread <= 0)
        return {};
    const QString count = unread > 99 ? u"99+"_s : QString::number(unread);
    return index.data(RoomListModel::MentionsRole).toInt() > 0 ? u"@ "_s + count : count;
}

QSize RoomListDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QFontMetrics fm(option.font);
    int height = fm.height() + 2 * kPad;
    if (!sectionHeading(index).isEmpty())
        height += headingHeight(fm);
    return {fm.horizontalAdvance(index.data().toString()) + 80, height};
}

void RoomListDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = option.palette;
    QRect rect = option.rect;
    QFont font = option.font;
    const QString heading = sectionHeading(index);
    if (!heading.isEmpty()) {
        QFont small = font;
        small.setPointSizeF(font.pointSizeF() * 0.85);
        small.setBold(true);
        painter->setFont(small);
        painter->setPen(pal.color(QPalette::PlaceholderText));
        const QRect head(rect.left() + kPad, rect.top(), rect.width() - 2 * kPad, headingHeight(QFontMetrics(font)));
        painter->drawText(head, Qt::AlignLeft | Qt::AlignBottom, heading.toUpper());
        rect.setTop(head.bottom() + 1);
    }
    const bool current = index.data(RoomListModel::CurrentRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    if (current || selected) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(pal.color(QPalette::Highlight));
        painter->drawRoundedRect(rect.adjusted(2, 1, -2, -1), 5, 5);
    } else if (option.state & QStyle::State_MouseOver) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(pal.color(QPalette::Midlight));
        painter->drawRoundedRect(rect.adjusted(2, 1, -2, -1), 5, 5);
    }
    const QColor text = current || selected ? pal.color(QPalette::HighlightedText)
            : index.data(RoomListModel::MemberRole).toBool() ? pal.color(QPalette::Text)
                                                             : pal.color(QPalette::PlaceholderText);
    const QString badge = badgeText(index);
    font.setBold(!badge.isEmpty());
    painter->setFont(font);
    const QFontMetrics fm(font);
    int x = rect.left() + kPad + 4;
    const int mid = rect.center().y();
    if (index.data(RoomListModel::DirectRole).toBool()) {
        // Presence: a filled dot when online, a ring when not.
        const bool online = index.data(RoomListModel::OnlineRole).toBool();
        const QRectF dot(x, mid - 4, 8, 8);
        painter->setPen(QPen(online ? QColor(0x2e, 0xa0, 0x43) : pal.color(QPalette::PlaceholderText), 1.5));
        painter->setBrush(online ? QColor(0x2e, 0xa0, 0x43) : Qt::transparent);
        painter->drawEllipse(dot);
        x += 16;
    } else {
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(QRect(x, rect.top(), 14, rect.height()), Qt::AlignVCenter | Qt::AlignLeft,
                          index.data(RoomListModel::PrivateRole).toBool() ? u"🔒"_s : u"#"_s);
        x += 16;
    }
    int right = rect.right() - kPad;
    if (!badge.isEmpty()) {
        QFont bold = font;
        bold.setPointSizeF(font.pointSizeF() * 0.85);
        const QFontMetrics bfm(bold);
        const int w = std::max(bfm.horizontalAdvance(badge) + 10, bfm.height() + 2);
        const QRectF pill(right - w, mid - bfm.height() / 2.0 - 1, w, bfm.height() + 2);
        const bool mention = index.data(RoomListModel::MentionsRole).toInt() > 0;
        painter->setPen(Qt::NoPen);
        QColor muted = pal.color(QPalette::Text);
        muted.setAlpha(50); // a grey of the text's own colour: right on light and dark lists
        painter->setBrush(mention ? QColor(0xd0, 0x3a, 0x2f) : muted);
        painter->drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
        painter->setFont(bold);
        painter->setPen(mention ? QColor(Qt::white) : pal.color(QPalette::Text));
        painter->drawText(pill, Qt::AlignCenter, badge);
        painter->setFont(font);
        right = int(pill.left()) - 4;
    }
    painter->setPen(text);
    const QRect nameRect(x, rect.top(), right - x, rect.height());
    painter->drawText(nameRect, Qt::AlignVCenter | Qt::AlignLeft,
                      fm.elidedText(index.data().toString(), Qt::ElideRight, nameRect.width()));
    painter->restore();
}
