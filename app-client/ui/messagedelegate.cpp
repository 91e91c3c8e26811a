// SPDX-License-Identifier: MIT
#include "messagedelegate.h"

#include "attachmentview.h"
#include "filetransfers.h"
#include "messagelistmodel.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QTextDocument>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {
constexpr int kMargin = 6;
constexpr int kPadding = 6;
constexpr int kAvatar = 30;
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

FileInfo attachmentOf(const QModelIndex &index)
{
    return FileInfo::fromJson(index.data(MessageListModel::AttachmentRole).toJsonObject());
}

QString cacheKey(const QModelIndex &index, int width, bool startsNew)
{
    const QString id = index.data(MessageListModel::IdRole).toString();
    return (id.isEmpty() ? index.data(MessageListModel::ClientIdRole).toString() : id)
            + QLatin1Char('/') + QString::number(width) + QLatin1Char('/')
            + QString::number(int(index.data(MessageListModel::DeliveryRole).value<Delivery>()))
            + (MessageDelegate::startsNewDay(index) ? QLatin1String("/d") : QLatin1String(""))
            + (MessageDelegate::continuesGroup(index) ? QLatin1String("/g") : QLatin1String(""))
            + (startsNew ? QLatin1String("/new") : QLatin1String(""))
            + QLatin1Char('/') + QString::number(qHash(MessageDelegate::bodyText(index)))
            + QLatin1Char('/') + index.data(MessageListModel::ReactionsRole).toStringList().join(QLatin1Char('/'))
            + QLatin1Char('/') + QString::number(qHash(MessageDelegate::quoteText(index)))
            + QLatin1Char('/') + attachmentOf(index).id;
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

QString MessageDelegate::quoteText(const QModelIndex &index)
{
    if (index.data(MessageListModel::ReplyToRole).toString().isEmpty())
        return {};
    const QVariantMap quote = index.data(MessageListModel::ReplyQuoteRole).toMap();
    if (quote.isEmpty())
        return tr("↪ Reply to an earlier message");
    const QString text = quote.value(u"text"_s).toString();
    return tr("↪ %1: %2").arg(quote.value(u"sender"_s).toString(),
                                   text.isEmpty() ? tr("deleted message") : text);
}

QTextDocument *MessageDelegate::document(const QModelIndex &index, const QFont &font, int width) const
{
    if (index.data(MessageListModel::FormatRole).toString() != "markdown"_L1
        || index.data(MessageListModel::DeletedRole).toBool() || isSystem(index))
        return nullptr;
    const QString body = index.data(MessageListModel::BodyRole).toString();
    const bool edited = index.data(MessageListModel::EditedRole).toBool();
    QString id = index.data(MessageListModel::IdRole).toString();
    if (id.isEmpty())
        id = index.data(MessageListModel::ClientIdRole).toString();
    return m_documents.get(id + u'/' + QString::number(qHash(body)) + (edited ? "/e"_L1 : ""_L1), body,
                           edited ? tr("(edited)") : QString(), font, width);
}

MessageDelegate::Hit MessageDelegate::hitTest(const QModelIndex &index, const QPoint &pos) const
{
    QStyleOptionViewItem option;
    option.initFrom(m_view);
    option.font = m_view->font();
    option.rect = m_view->visualRect(index);
    const Layout l = layoutFor(option, index);
    if (l.quote.contains(pos))
        return {Hit::Part::Quote, {}};
    if (l.body.contains(pos)) {
        if (QTextDocument *doc = document(index, option.font, l.textArea)) {
            const QString href = doc->documentLayout()->anchorAt(QPointF(pos - l.body.topLeft()));
            if (!href.isEmpty())
                return {Hit::Part::Link, href};
        }
        return {};
    }
    if (l.attachment.contains(pos))
        return {Hit::Part::Attachment, attachmentOf(index).id};
    const QStringList pills = index.data(MessageListModel::ReactionsRole).toStringList();
    for (qsizetype i = 0; i < l.pills.size() && i < pills.size(); ++i) {
        if (l.pills.at(i).contains(pos))
            return {Hit::Part::Reaction, pills.at(i).section(QLatin1Char(' '), 0, -2)};
    }
    return {};
}

void MessageDelegate::highlight(const QModelIndex &index)
{
    m_highlighted = index;
    m_view->viewport()->update();
    QTimer::singleShot(1500, this, [this, row = QPersistentModelIndex(index)] {
        if (m_highlighted == row) {
            m_highlighted = QPersistentModelIndex();
            m_view->viewport()->update();
        }
    });
}

bool MessageDelegate::startsNew(const QModelIndex &index) const
{
    const qint64 seq = index.data(MessageListModel::SeqRole).toLongLong();
    if (m_newSince <= 0 || seq <= m_newSince || index.data(MessageListModel::OwnRole).toBool())
        return false;
    const QModelIndex previous = index.sibling(index.row() - 1, 0);
    return !previous.isValid() || previous.data(MessageListModel::SeqRole).toLongLong() <= m_newSince;
}

bool MessageDelegate::continuesGroup(const QModelIndex &index)
{
    // Under the previous message's name: the same sender, the same day, within five minutes,
    // and neither is a system line.
    if (index.row() == 0 || startsNewDay(index) || isSystem(index))
        return false;
    const QModelIndex previous = index.sibling(index.row() - 1, 0);
    if (isSystem(previous)
        || previous.data(MessageListModel::SenderRole).toString() != index.data(MessageListModel::SenderRole).toString())
        return false;
    const QDateTime at = index.data(MessageListModel::TimestampRole).toDateTime();
    const QDateTime before = previous.data(MessageListModel::TimestampRole).toDateTime();
    return before.isValid() && at.isValid() && before.secsTo(at) < 5 * 60;
}

bool MessageDelegate::isSystem(const QModelIndex &index)
{
    return MessageListModel::isSystemKind(EventKind(index.data(MessageListModel::KindRole).toInt()));
}

QString MessageDelegate::initials(const QString &name)
{
    // Up to two letters: the first, and the first after a '.', '_' or '-' (or the second).
    QString out;
    for (qsizetype i = 0; i < name.size() && out.size() < 2; ++i) {
        const QChar c = name.at(i);
        if (!c.isLetterOrNumber())
            continue;
        if (out.isEmpty() || (i > 0 && !name.at(i - 1).isLetterOrNumber()))
            out += c.toUpper();
    }
    if (out.size() == 1 && name.size() > 1 && name.at(1).isLetterOrNumber())
        out += name.at(1).toLower();
    return out;
}

QColor MessageDelegate::colorFor(const QString &name)
{
    // The same colour for a name everywhere, from a set readable with white initials.
    static const QColor palette[] = {QColor(0x1e, 0x88, 0xe5), QColor(0x43, 0xa0, 0x47),
                                     QColor(0xe5, 0x39, 0x35), QColor(0x8e, 0x24, 0xaa),
                                     QColor(0xf4, 0x51, 0x1e), QColor(0x00, 0x89, 0x7b),
                                     QColor(0x5e, 0x35, 0xb1), QColor(0x6d, 0x4c, 0x41)};
    return palette[qHash(name.toLower()) % (sizeof(palette) / sizeof(palette[0]))];
}

void MessageDelegate::setFiles(FileTransfers *files)
{
    m_files = files;
    connect(files, &FileTransfers::thumbnailReady, this, [this] { m_view->viewport()->update(); });
}

QPixmap MessageDelegate::thumbnail(const FileInfo &file) const
{
    if (!m_files || !file.thumbnail)
        return {};
    if (const auto it = m_thumbnails.constFind(file.id); it != m_thumbnails.cend())
        return *it;
    const QByteArray bytes = m_files->thumbnail(file); // empty: asked for, thumbnailReady follows
    QPixmap pixmap;
    if (bytes.isEmpty() || !pixmap.loadFromData(bytes))
        return {};
    if (m_thumbnails.size() > 300)
        m_thumbnails.clear();
    m_thumbnails.insert(file.id, pixmap);
    return pixmap;
}

MessageDelegate::Layout MessageDelegate::layoutFor(const QStyleOptionViewItem &option,
                                                   const QModelIndex &index) const
{
    Layout l;
    const QFontMetrics normal(option.font);
    const QFontMetrics bold(boldFont(option.font));
    const QFontMetrics small(smallFont(option.font));
    const int width = std::max(160, option.rect.width());
    const bool grouped = continuesGroup(index) && !startsNew(index);
    int y = option.rect.top() + (grouped ? 1 : kMargin);
    if (startsNewDay(index)) {
        l.separator = QRect(option.rect.left(), y, width, small.height() + kMargin);
        y += l.separator.height();
    }
    if (startsNew(index)) {
        l.newLine = QRect(option.rect.left(), y, width, small.height() + kMargin);
        y += l.newLine.height();
    }
    if (isSystem(index)) {
        const QString text = index.data(MessageListModel::SystemTextRole).toString();
        const QRect bounds = small.boundingRect(QRect(0, 0, width - 4 * kMargin, 1 << 20), kBodyFlags, text);
        l.body = QRect(option.rect.left() + 2 * kMargin, y + 2, width - 4 * kMargin, bounds.height());
        l.bubble = QRect(option.rect.left(), y, width, bounds.height() + 6);
        return l;
    }
    const bool own = index.data(MessageListModel::OwnRole).toBool();
    // Others' messages: an avatar on the left of their group; own ones sit to the right.
    const int avatarSpace = own ? 0 : kAvatar + kMargin;
    const int indent = std::min(80, width / 6);
    const int maxBubble = width - 2 * kMargin - indent - avatarSpace;
    const int maxText = maxBubble - 2 * kPadding;
    const QString body = bodyText(index);
    l.textArea = maxText;
    const QTextDocument *doc = document(index, option.font, maxText);
    int contentWidth = doc ? int(std::ceil(doc->idealWidth()))
                           : normal.boundingRect(QRect(0, 0, maxText, 1 << 20), kBodyFlags, body).width();
    const FileInfo file = attachmentOf(index);
    const QSize attachment = file.id.isEmpty() ? QSize() : AttachmentView::size(file, maxText, option.font);
    if (body.isEmpty() && !file.id.isEmpty())
        contentWidth = 0; // a file alone: the bubble is as wide as the file (or the name line)
    if (!grouped) {
        const QString sender = index.data(MessageListModel::SenderRole).toString();
        contentWidth = std::max(contentWidth, bold.horizontalAdvance(sender) + 8 + small.horizontalAdvance(u"00:00 PM"_s));
    }
    const QStringList pills = index.data(MessageListModel::ReactionsRole).toStringList();
    int pillsWidth = 0;
    for (const QString &pill : pills)
        pillsWidth += small.horizontalAdvance(pill) + 18;
    contentWidth = std::max(contentWidth, pillsWidth);
    contentWidth = std::max(contentWidth, attachment.width());
    const QString quote = quoteText(index);
    if (!quote.isEmpty())
        contentWidth = std::max(contentWidth, std::min(maxText, small.horizontalAdvance(quote) + 16));
    const QString status = statusText(index);
    if (!status.isEmpty())
        contentWidth = std::max(contentWidth, std::min(maxText, small.horizontalAdvance(status)));
    const int textWidth = std::min(maxText, std::max(contentWidth, 40));
    const int bubbleWidth = textWidth + 2 * kPadding;
    const int left = own ? option.rect.left() + width - kMargin - bubbleWidth
                         : option.rect.left() + kMargin + avatarSpace;

    if (!grouped) {
        l.header = QRect(left + kPadding, y + kPadding, textWidth, bold.height());
        if (!own)
            l.avatar = QRect(option.rect.left() + kMargin, y, kAvatar, kAvatar);
    }
    int bodyTop = grouped ? y + kPadding - 2 : l.header.bottom() + 3;
    if (!quote.isEmpty()) {
        l.quote = QRect(left + kPadding, bodyTop, textWidth, small.height() + 6);
        bodyTop = l.quote.bottom() + 4;
    }
    // A document keeps the width it was laid out at (maxText): what it uses is at most textWidth.
    const int bodyHeight = doc ? int(std::ceil(doc->size().height()))
                               : normal.boundingRect(QRect(0, 0, textWidth, 1 << 20), kBodyFlags, body).height();
    l.body = QRect(left + kPadding, bodyTop, textWidth, body.isEmpty() && !file.id.isEmpty() ? 0 : bodyHeight);
    int bottom = l.body.isEmpty() ? bodyTop - 3 : l.body.bottom();
    if (!attachment.isEmpty()) {
        l.attachment = QRect(QPoint(left + kPadding, bottom + 4), attachment);
        bottom = l.attachment.bottom();
    }
    if (!pills.isEmpty()) {
        l.reactions = QRect(left + kPadding, bottom + 4, textWidth, small.height() + 4);
        int x = l.reactions.left();
        for (const QString &pill : pills) {
            l.pills.append(QRect(x, l.reactions.top(), small.horizontalAdvance(pill) + 12, l.reactions.height()));
            x = l.pills.constLast().right() + 6;
        }
        bottom = l.reactions.bottom();
    }
    if (!status.isEmpty()) {
        const QRect statusBounds =
                small.boundingRect(QRect(0, 0, textWidth, 1 << 20), kBodyFlags, status);
        l.status = QRect(left + kPadding, bottom + 3, textWidth, statusBounds.height());
        bottom = l.status.bottom();
    }
    l.bubble = QRect(left, y, bubbleWidth, bottom + kPadding - (grouped ? 2 : 0) - y);
    return l;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int width = m_view->viewport()->width();
    const QString key = cacheKey(index, width, startsNew(index));
    if (const auto it = m_sizes.constFind(key); it != m_sizes.cend())
        return *it;
    QStyleOptionViewItem opt = option;
    opt.rect = QRect(0, 0, width, 0);
    const Layout l = layoutFor(opt, index);
    const int bottom = std::max(l.bubble.bottom(), l.avatar.isNull() ? 0 : l.avatar.bottom());
    const QSize size(width, bottom + 2);
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

    if (!l.newLine.isNull()) {
        const QColor accent(0xd0, 0x3a, 0x2f);
        painter->setPen(accent);
        QFont font = boldFont(smallFont(option.font));
        painter->setFont(font);
        const QString label = tr("New messages");
        const int mid = l.newLine.center().y();
        const int textWidth = QFontMetrics(font).horizontalAdvance(label) + 16;
        painter->drawLine(l.newLine.left() + kMargin, mid, l.newLine.right() - kMargin - textWidth, mid);
        painter->drawText(l.newLine.adjusted(0, 0, -kMargin, 0), Qt::AlignRight | Qt::AlignVCenter, label);
    }

    if (isSystem(index)) {
        QFont font = smallFont(option.font);
        font.setItalic(true);
        painter->setFont(font);
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(l.body, kBodyFlags | Qt::AlignHCenter,
                          index.data(MessageListModel::SystemTextRole).toString());
        painter->restore();
        return;
    }

    const QString sender = index.data(MessageListModel::SenderRole).toString();
    if (!l.avatar.isNull()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(colorFor(sender));
        painter->drawEllipse(l.avatar);
        QFont font = boldFont(option.font);
        font.setPointSizeF(option.font.pointSizeF() * 0.9);
        painter->setFont(font);
        painter->setPen(Qt::white);
        painter->drawText(l.avatar, Qt::AlignCenter, initials(sender));
    }

    // Colours from the palette (a dark desktop gets dark bubbles): own messages tinted with the
    // highlight colour, others' on the alternate base; a mention of the user in a warm tint.
    const QColor text = pal.color(QPalette::Text);
    QColor fill = pal.color(QPalette::AlternateBase);
    if (own) {
        QColor tint = pal.color(QPalette::Highlight);
        tint.setAlpha(45);
        fill = tint;
    } else if (index.data(MessageListModel::MentionRole).toBool()) {
        fill = QColor(0xff, 0xb3, 0x00, 60);
    }
    if (m_highlighted.isValid() && m_highlighted == index) {
        QColor flash = pal.color(QPalette::Highlight);
        flash.setAlpha(110);
        fill = flash;
    }
    QPainterPath bubble;
    bubble.addRoundedRect(l.bubble, 8, 8);
    painter->fillPath(bubble, fill);
    painter->setBrush(Qt::NoBrush); // the outlines below are lines only
    if (delivery == Delivery::Failed) {
        painter->setPen(QPen(QColor(0xc6, 0x28, 0x28), 1.5));
        painter->drawPath(bubble);
    } else if (index.data(MessageListModel::MentionRole).toBool()) {
        painter->setPen(QPen(QColor(0xff, 0x8f, 0x00), 1.2));
        painter->drawPath(bubble);
    }

    if (!l.header.isNull()) {
        const QString time = QLocale().toString(
                index.data(MessageListModel::TimestampRole).toDateTime().toLocalTime().time(),
                QLocale::ShortFormat);
        painter->setFont(boldFont(option.font));
        painter->setPen(own ? text : colorFor(sender).darker(pal.color(QPalette::Base).lightness() > 128 ? 110 : 60));
        if (pal.color(QPalette::Base).lightness() <= 128)
            painter->setPen(colorFor(sender).lighter(150));
        painter->drawText(l.header, Qt::AlignLeft | Qt::AlignVCenter, sender);
        const int senderWidth = painter->fontMetrics().horizontalAdvance(sender);
        painter->setFont(smallFont(option.font));
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(l.header.adjusted(senderWidth + 8, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                          time);
    }

    if (!l.quote.isNull()) {
        // The answered message: a bar in the accent colour, its sender and first line, elided.
        QColor shade = text;
        shade.setAlpha(22);
        painter->fillRect(l.quote, shade);
        painter->fillRect(QRect(l.quote.left(), l.quote.top(), 3, l.quote.height()), pal.color(QPalette::Highlight));
        painter->setFont(smallFont(option.font));
        painter->setPen(pal.color(QPalette::PlaceholderText));
        const QRect inner = l.quote.adjusted(8, 0, -4, 0);
        painter->drawText(inner, Qt::AlignLeft | Qt::AlignVCenter,
                          painter->fontMetrics().elidedText(quoteText(index), Qt::ElideRight, inner.width()));
    }

    // Plain text with drawText and a QString: the body is shown as the characters it is made of.
    // Markdown as its safe document, laid out maxText wide and clipped to the bubble.
    const bool deleted = index.data(MessageListModel::DeletedRole).toBool();
    const QColor bodyColor = delivery == Delivery::Pending || deleted ? pal.color(QPalette::PlaceholderText) : text;
    if (QTextDocument *doc = document(index, option.font, l.textArea)) {
        painter->save();
        painter->translate(l.body.topLeft());
        const QRectF clip(0, 0, l.body.width(), l.body.height());
        painter->setClipRect(clip);
        QAbstractTextDocumentLayout::PaintContext context;
        context.palette = pal;
        context.palette.setColor(QPalette::Text, bodyColor);
        context.clip = clip;
        doc->documentLayout()->draw(painter, context);
        QColor bar = pal.color(QPalette::PlaceholderText);
        bar.setAlpha(150);
        for (const auto &[rect, level] : RichText::quoteBlocks(doc)) {
            for (int i = 0; i < level; ++i)
                painter->fillRect(QRectF(i * RichText::kQuoteIndent + 2, rect.top(), 3, rect.height()), bar);
        }
        painter->restore();
    } else {
        QFont bodyFont = option.font;
        bodyFont.setItalic(deleted);
        painter->setFont(bodyFont);
        painter->setPen(bodyColor);
        painter->drawText(l.body, kBodyFlags, bodyText(index));
    }

    if (!l.attachment.isNull()) {
        const FileInfo file = attachmentOf(index);
        AttachmentView::paint(painter, l.attachment, file, thumbnail(file), pal, option.font);
    }

    if (!l.reactions.isNull()) {
        // Each key with its count on a pill of its own (a click toggles the user's); the user's
        // own in the highlight colour, outlined.
        painter->setFont(smallFont(option.font));
        const QStringList pills = index.data(MessageListModel::ReactionsRole).toStringList();
        const QStringList mine = index.data(MessageListModel::MyReactionsRole).toStringList();
        QColor pillFill = text;
        pillFill.setAlpha(30);
        QColor myFill = pal.color(QPalette::Highlight);
        myFill.setAlpha(70);
        for (qsizetype i = 0; i < pills.size() && i < l.pills.size(); ++i) {
            const QRect r = l.pills.at(i);
            const bool me = mine.contains(pills.at(i).section(QLatin1Char(' '), 0, -2));
            QPainterPath path;
            path.addRoundedRect(r, r.height() / 2.0, r.height() / 2.0);
            painter->fillPath(path, me ? myFill : pillFill);
            painter->setBrush(Qt::NoBrush);
            if (me) {
                painter->setPen(QPen(pal.color(QPalette::Highlight), 1));
                painter->drawPath(path);
            }
            painter->setPen(text);
            painter->drawText(r, Qt::AlignCenter, pills.at(i));
        }
    }

    if (!l.status.isNull()) {
        painter->setFont(smallFont(option.font));
        painter->setPen(delivery == Delivery::Failed ? QColor(0xc6, 0x28, 0x28)
                                                     : pal.color(QPalette::PlaceholderText));
        painter->drawText(l.status, kBodyFlags, statusText(index));
    }
    painter->restore();
}
