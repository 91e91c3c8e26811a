// SPDX-License-Identifier: MIT
#include "messagedelegate.h"

#include "messagelistmodel.h"

#include <QApplication>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

namespace {
constexpr int kMargin = 6;
constexpr int kPadding = 6;
constexpr int kBodyFlags = Qt::TextWordWrap | Qt::TextExpandTabs | Qt::AlignLeft | Qt::AlignTop;

using Delivery = MessageListModel::Delivery;

QFont boldFont(const QFont &base)
{
    QFont f = base;
    f.setBold(true);
    return f;
}

QFont smallFont(const QFont &base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 0.85);
    return f;
}

QString cacheKey(const QModelIndex &index, int width)
{
    const QString id = index.data(MessageListModel::IdRole).toString();
    return (id.isEmpty() ? index.data(MessageListModel::ClientIdRole).toString() : id)
            + QLatin1Char('/') + QString::number(width) + QLatin1Char('/')
            + QString::number(int(index.data(MessageListModel::DeliveryRole).value<Delivery>()))
            + (MessageDelegate::startsNewDay(index) ? QLatin1String("/d") : QLatin1String(""))
            + QLatin1Char('/') + QString::number(qHash(MessageDelegate::bodyText(index)))
            + QLatin1Char('/') + index.data(MessageListModel::ReactionsRole).toStringList().join(QLatin1Char('/'));
}
} // namespace

MessageDelegate::MessageDelegate(QAbstractItemView *view) : QStyledItemDelegate(view), m_view(view)
{
}

bool MessageDelegate::startsNewDay(const QModelIndex &index)
{
    const QDate day = index.data(MessageListModel::TimestampRole).toDateTime().toLocalTime().date();
    if (index.row() == 0)
        return true;
    const QModelIndex previous = index.sibling(index.row() - 1, 0);
    return previous.data(MessageListModel::TimestampRole).toDateTime().toLocalTime().date() != day;
}

QString MessageDelegate::bodyText(const QModelIndex &index)
{
    if (index.data(MessageListModel::DeletedRole).toBool())
        return tr("This message was deleted.");
    const QString body = index.data(MessageListModel::BodyRole).toString();
    return index.data(MessageListModel::EditedRole).toBool() ? tr("%1 (edited)").arg(body) : body;
}

QString MessageDelegate::statusText(const QModelIndex &index)
{
    switch (index.data(MessageListModel::DeliveryRole).value<Delivery>()) {
    case Delivery::Pending:
        return tr("sending…");
    case Delivery::Failed:
        return tr("not sent: %1 \u2014 click to edit, copy or discard")
                .arg(index.data(MessageListModel::ErrorRole).toString());
    case Delivery::Sent:
        break;
    }
    return {};
}

MessageDelegate::Layout MessageDelegate::layoutFor(const QStyleOptionViewItem &option,
                                                   const QModelIndex &index) const
{
    Layout l;
    const QFontMetrics normal(option.font);
    const QFontMetrics bold(boldFont(option.font));
    const QFontMetrics small(smallFont(option.font));
    const int width = std::max(120, option.rect.width());
    int y = option.rect.top() + kMargin / 2;
    if (startsNewDay(index)) {
        l.separator = QRect(option.rect.left(), y, width, small.height() + kMargin);
        y += l.separator.height();
    }
    const bool own = index.data(MessageListModel::OwnRole).toBool();
    // Own messages sit to the right, others to the left.
    const int indent = std::min(80, width / 6);
    const int left = option.rect.left() + kMargin + (own ? indent : 0);
    const int bubbleWidth = width - 2 * kMargin - indent;
    const int textWidth = bubbleWidth - 2 * kPadding;

    l.header = QRect(left + kPadding, y + kPadding, textWidth, bold.height());
    const QString body = bodyText(index);
    const QRect bodyBounds = normal.boundingRect(QRect(0, 0, textWidth, 1 << 20), kBodyFlags, body);
    l.body = QRect(left + kPadding, l.header.bottom() + 3, textWidth, bodyBounds.height());
    int bottom = l.body.bottom();
    if (!index.data(MessageListModel::ReactionsRole).toStringList().isEmpty()) {
        l.reactions = QRect(left + kPadding, bottom + 4, textWidth, small.height() + 4);
        bottom = l.reactions.bottom();
    }
    const QString status = statusText(index);
    if (!status.isEmpty()) {
        const QRect statusBounds =
                small.boundingRect(QRect(0, 0, textWidth, 1 << 20), kBodyFlags, status);
        l.status = QRect(left + kPadding, bottom + 3, textWidth, statusBounds.height());
        bottom = l.status.bottom();
    }
    l.bubble = QRect(left, y, bubbleWidth, bottom + kPadding - y);
    return l;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int width = m_view->viewport()->width();
    const QString key = cacheKey(index, width);
    if (const auto it = m_sizes.constFind(key); it != m_sizes.cend())
        return *it;
    QStyleOptionViewItem opt = option;
    opt.rect = QRect(0, 0, width, 0);
    const Layout l = layoutFor(opt, index);
    const QSize size(width, l.bubble.bottom() + kMargin / 2 + 1);
    if (m_sizes.size() > 20000)
        m_sizes.clear();
    m_sizes.insert(key, size);
    return size;
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    const Layout l = layoutFor(option, index);
    const QPalette &pal = option.palette;
    const bool own = index.data(MessageListModel::OwnRole).toBool();
    const Delivery delivery = index.data(MessageListModel::DeliveryRole).value<Delivery>();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    if (!l.separator.isNull()) {
        painter->setFont(smallFont(option.font));
        painter->setPen(pal.color(QPalette::PlaceholderText));
        const QDate day = index.data(MessageListModel::TimestampRole).toDateTime().toLocalTime().date();
        const QString label = QLocale().toString(day, QLocale::LongFormat);
        const int mid = l.separator.center().y();
        const int textWidth = painter->fontMetrics().horizontalAdvance(label) + 16;
        const int cx = l.separator.center().x();
        painter->drawLine(l.separator.left() + kMargin, mid, cx - textWidth / 2, mid);
        painter->drawLine(cx + textWidth / 2, mid, l.separator.right() - kMargin, mid);
        painter->drawText(l.separator, Qt::AlignCenter, label);
    }

    QColor fill = own ? QColor(0xdc, 0xea, 0xfb) : pal.color(QPalette::AlternateBase);
    if (option.state & QStyle::State_Selected)
        fill = fill.darker(108);
    QPainterPath bubble;
    bubble.addRoundedRect(l.bubble, 8, 8);
    painter->fillPath(bubble, fill);
    if (delivery == Delivery::Failed) {
        painter->setPen(QPen(QColor(0xb0, 0x00, 0x20), 1.5));
        painter->drawPath(bubble);
    }

    const QString sender = index.data(MessageListModel::SenderRole).toString();
    const QString time = QLocale().toString(
            index.data(MessageListModel::TimestampRole).toDateTime().toLocalTime().time(),
            QLocale::ShortFormat);
    painter->setFont(boldFont(option.font));
    painter->setPen(QColor(0x1a, 0x1a, 0x1a));
    painter->drawText(l.header, Qt::AlignLeft | Qt::AlignVCenter, sender);
    const int senderWidth = painter->fontMetrics().horizontalAdvance(sender);
    painter->setFont(smallFont(option.font));
    painter->setPen(pal.color(QPalette::PlaceholderText));
    painter->drawText(l.header.adjusted(senderWidth + 8, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                      time);

    // drawText with a QString: the body is shown as the characters it is made of.
    const bool deleted = index.data(MessageListModel::DeletedRole).toBool();
    QFont bodyFont = option.font;
    bodyFont.setItalic(deleted);
    painter->setFont(bodyFont);
    painter->setPen(delivery == Delivery::Pending || deleted ? pal.color(QPalette::PlaceholderText)
                                                             : QColor(0x1a, 0x1a, 0x1a));
    painter->drawText(l.body, kBodyFlags, bodyText(index));

    if (!l.reactions.isNull()) {
        // Each key with its count, on a pill of its own (shown, not yet clickable).
        painter->setFont(smallFont(option.font));
        const QFontMetrics fm = painter->fontMetrics();
        int x = l.reactions.left();
        const QStringList pills = index.data(MessageListModel::ReactionsRole).toStringList();
        for (const QString &pill : pills) {
            const QRect r(x, l.reactions.top(), fm.horizontalAdvance(pill) + 12, l.reactions.height());
            QPainterPath path;
            path.addRoundedRect(r, r.height() / 2.0, r.height() / 2.0);
            painter->fillPath(path, own ? QColor(0xc4, 0xd9, 0xf5) : QColor(0xe4, 0xe4, 0xe4));
            painter->setPen(QColor(0x1a, 0x1a, 0x1a));
            painter->drawText(r, Qt::AlignCenter, pill);
            x = r.right() + 6;
        }
    }

    if (!l.status.isNull()) {
        painter->setFont(smallFont(option.font));
        painter->setPen(delivery == Delivery::Failed ? QColor(0xb0, 0x00, 0x20)
                                                     : pal.color(QPalette::PlaceholderText));
        painter->drawText(l.status, kBodyFlags, statusText(index));
    }
    painter->restore();
}
