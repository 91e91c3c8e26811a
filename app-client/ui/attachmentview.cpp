// SPDX-License-Identifier: MIT
#include "attachmentview.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QMimeDatabase>
#include <QPainter>
#include <QPainterPath>

using namespace Qt::StringLiterals;

namespace AttachmentView {

namespace {
constexpr int kCardIcon = 34;
constexpr int kCardPadding = 8;

bool showsAsImage(const FileInfo &file)
{
    return file.isImage() && file.thumbnail;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("AttachmentView", text);
}
} // namespace

QString cardDetail(const FileInfo &file)
{
    QStringList parts;
    if (file.size > 0)
        parts << Files::sizeText(file.size);
    const QMimeType type = QMimeDatabase().mimeTypeForName(file.type);
    if (type.isValid() && !type.isDefault())
        parts << type.comment();
    parts << tr("Save as\u2026");
    return parts.join(u" \u00b7 "_s);
}

QSize size(const FileInfo &file, int maxWidth, const QFont &font)
{
    if (showsAsImage(file)) {
        const QSize bounds(std::min(kMaxImageWidth, maxWidth), kMaxImageHeight);
        return QSize(file.width, file.height).scaled(bounds, Qt::KeepAspectRatio).boundedTo(QSize(file.width, file.height))
                .expandedTo(QSize(24, 24));
    }
    const QFontMetrics metrics(font);
    const int text = std::max(metrics.horizontalAdvance(file.name), metrics.horizontalAdvance(cardDetail(file)));
    const int width = std::min(maxWidth, std::max(180, kCardIcon + 3 * kCardPadding + text));
    return QSize(width, std::max(kCardIcon, 2 * metrics.height() + 4) + 2 * kCardPadding);
}

void paint(QPainter *painter, const QRect &rect, const FileInfo &file, const QPixmap &thumbnail,
           const QPalette &palette, const QFont &font)
{
    painter->save();
    QPainterPath frame;
    frame.addRoundedRect(rect, 6, 6);
    if (showsAsImage(file)) {
        painter->setClipPath(frame);
        if (thumbnail.isNull()) {
            QColor shade = palette.color(QPalette::Text);
            shade.setAlpha(25);
            painter->fillPath(frame, shade);
        } else {
            painter->setRenderHint(QPainter::SmoothPixmapTransform);
            painter->drawPixmap(rect, thumbnail);
        }
        painter->restore();
        return;
    }
    painter->fillPath(frame, palette.color(QPalette::Base));
    QColor line = palette.color(QPalette::Text);
    line.setAlpha(40);
    painter->setPen(line);
    painter->drawPath(frame);
    // The icon: a page with a folded corner and the file's extension on it.
    const QRect icon(rect.left() + kCardPadding, rect.center().y() - kCardIcon / 2, kCardIcon - 6, kCardIcon);
    QPainterPath page;
    page.moveTo(icon.topLeft());
    page.lineTo(icon.right() - 8, icon.top());
    page.lineTo(icon.right(), icon.top() + 8);
    page.lineTo(icon.bottomRight());
    page.lineTo(icon.bottomLeft());
    page.closeSubpath();
    const QColor accent = palette.color(QPalette::Highlight);
    painter->fillPath(page, accent);
    QFont tiny = font;
    tiny.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.6));
    tiny.setBold(true);
    painter->setFont(tiny);
    painter->setPen(palette.color(QPalette::HighlightedText));
    const QString extension = file.name.contains(u'.') ? file.name.section(u'.', -1).left(4).toUpper() : QString();
    painter->drawText(icon.adjusted(0, 8, 0, 0), Qt::AlignCenter, extension);

    const int textLeft = icon.right() + kCardPadding + 2;
    const QRect text(textLeft, rect.top() + kCardPadding, rect.right() - kCardPadding - textLeft,
                     rect.height() - 2 * kCardPadding);
    const QFontMetrics metrics(font);
    QFont bold = font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(palette.color(QPalette::Text));
    painter->drawText(QRect(text.left(), text.top(), text.width(), metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(file.name, Qt::ElideMiddle, text.width()));
    painter->setFont(font);
    painter->setPen(palette.color(QPalette::PlaceholderText));
    painter->drawText(QRect(text.left(), text.top() + metrics.height() + 4, text.width(), metrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      metrics.elidedText(cardDetail(file), Qt::ElideRight, text.width()));
    painter->restore();
}

} // namespace AttachmentView
