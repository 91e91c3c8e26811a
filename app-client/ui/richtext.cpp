// SPDX-License-Identifier: MIT
#include "richtext.h"

#include <QAbstractTextDocumentLayout>
#include <QFontMetrics>
#include <QGuiApplication>
#include <QPalette>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextList>

using namespace Qt::StringLiterals;

namespace {

// Never loads anything: not over the network, not from a file, not from the resources.
class SafeDocument : public QTextDocument
{
protected:
    QVariant loadResource(int, const QUrl &) override { return {}; }
};

QColor shade()
{
    QColor c = QGuiApplication::palette().color(QPalette::Text);
    c.setAlpha(28);
    return c;
}

struct Span
{
    int position;
    int length;
    QTextCharFormat format;
};

QList<Span> spans(QTextDocument *doc)
{
    QList<Span> out;
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (f.isValid())
                out.append({f.position(), f.length(), f.charFormat()});
        }
    }
    return out;
}

void setSpanFormat(QTextDocument *doc, const Span &span, const QTextCharFormat &format)
{
    QTextCursor cursor(doc);
    cursor.setPosition(span.position);
    cursor.setPosition(span.position + span.length, QTextCursor::KeepAnchor);
    cursor.setCharFormat(format);
}

// Images become text, links of other schemes plain text, code spans shaded. From the end, so the
// positions of the spans not yet changed stay true when an image's one character becomes a label.
void makeSpansSafe(QTextDocument *doc)
{
    const QList<Span> all = spans(doc);
    const QBrush link = QGuiApplication::palette().link();
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        QTextCharFormat format = it->format;
        if (format.isImageFormat()) {
            const QTextImageFormat image = format.toImageFormat();
            const QUrl target(image.name());
            const QString alt = image.stringProperty(QTextFormat::ImageAltText).trimmed();
            QTextCharFormat text;
            if (RichText::isOpenable(target)) {
                text.setAnchor(true);
                text.setAnchorHref(target.toString());
                text.setForeground(link);
                text.setFontUnderline(true);
            }
            QTextCursor cursor(doc);
            cursor.setPosition(it->position);
            cursor.setPosition(it->position + it->length, QTextCursor::KeepAnchor);
            cursor.insertText(alt.isEmpty() ? image.name() : alt, text);
            continue;
        }
        bool changed = false;
        if (format.isAnchor()) {
            const QUrl target(format.anchorHref());
            if (RichText::isOpenable(target)) { // autolinks too: md4c adds http:// and mailto:
                format.setFontUnderline(true);
            } else {
                format.setAnchor(false);
                format.clearProperty(QTextFormat::AnchorHref);
                format.clearForeground();
            }
            changed = true;
        }
        if (format.fontFixedPitch()) {
            format.setBackground(shade());
            changed = true;
        }
        if (changed)
            setSpanFormat(doc, *it, format);
    }
}

// Quotes and lists at most kMaxDepth deep; code blocks shaded; no margin above the first block
// or below the last (the bubble has its own padding).
void shapeBlocks(QTextDocument *doc)
{
    QTextCursor cursor(doc);
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        QTextBlockFormat format = block.blockFormat();
        if (format.hasProperty(QTextFormat::BlockQuoteLevel)) {
            const int level = std::min(format.intProperty(QTextFormat::BlockQuoteLevel), RichText::kMaxDepth);
            format.setProperty(QTextFormat::BlockQuoteLevel, level);
            format.setLeftMargin(RichText::kQuoteIndent * level);
            format.setRightMargin(0);
        }
        format.setIndent(std::min(format.indent(), RichText::kMaxDepth));
        if (format.hasProperty(QTextFormat::BlockCodeLanguage) || format.hasProperty(QTextFormat::BlockCodeFence)) {
            format.setBackground(shade());
            format.setNonBreakableLines(false); // a long line wraps: a bubble cannot scroll sideways
        }
        if (block == doc->begin())
            format.setTopMargin(0);
        if (block == doc->lastBlock())
            format.setBottomMargin(0);
        if (QTextList *list = block.textList()) {
            QTextListFormat listFormat = list->format();
            if (listFormat.indent() > RichText::kMaxDepth) {
                listFormat.setIndent(RichText::kMaxDepth);
                list->setFormat(listFormat);
            }
        }
        cursor.setPosition(block.position());
        cursor.setBlockFormat(format);
    }
}
} // namespace

namespace RichText {

bool isOpenable(const QUrl &url)
{
    if (!url.isValid())
        return false;
    const QString scheme = url.scheme().toLower();
    if (scheme == "mailto"_L1)
        return !url.path().isEmpty();
    return (scheme == "http"_L1 || scheme == "https"_L1) && !url.host().isEmpty();
}

QList<std::pair<QRectF, int>> quoteBlocks(QTextDocument *doc)
{
    QList<std::pair<QRectF, int>> out;
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        if (const int level = block.blockFormat().intProperty(QTextFormat::BlockQuoteLevel); level > 0)
            out.append({doc->documentLayout()->blockBoundingRect(block), level});
    }
    return out;
}

std::unique_ptr<QTextDocument> fromMarkdown(const QString &markdown, const QFont &font, const QString &note)
{
    auto doc = std::make_unique<SafeDocument>();
    doc->setDefaultFont(font);
    doc->setDocumentMargin(0);
    doc->setUndoRedoEnabled(false);
    doc->setIndentWidth(QFontMetrics(font).height() * 1.2); // list levels; Qt's 40 px is too wide in a bubble
    QTextOption option = doc->defaultTextOption();
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere); // a long URL wraps too
    doc->setDefaultTextOption(option);
    // GitHub's dialect without Qt's underline extension: "_word_" is emphasis, as in every chat.
    constexpr int kUnderline = 0x4000; // MD_FLAG_UNDERLINE
    doc->setMarkdown(markdown, QTextDocument::MarkdownFeatures(
                                       (QTextDocument::MarkdownDialectGitHub & ~kUnderline)
                                       | QTextDocument::MarkdownNoHTML));
    makeSpansSafe(doc.get());
    shapeBlocks(doc.get());
    if (!note.isEmpty()) {
        QTextCursor end(doc.get());
        end.movePosition(QTextCursor::End);
        QTextCharFormat format;
        format.setForeground(QGuiApplication::palette().color(QPalette::PlaceholderText));
        end.insertText(u' ' + note, format);
    }
    return doc;
}

QTextDocument *Cache::get(const QString &key, const QString &markdown, const QString &note,
                          const QFont &font, int width)
{
    const QString k = key + u'/' + QString::number(width);
    if (QTextDocument *doc = m_documents.object(k))
        return doc;
    std::unique_ptr<QTextDocument> doc = fromMarkdown(markdown, font, note);
    doc->setTextWidth(width);
    QTextDocument *raw = doc.get();
    m_documents.insert(k, doc.release());
    return raw;
}

} // namespace RichText
