// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QFont>
#include <QString>
#include <QTextDocument>
#include <QUrl>

#include <memory>

// A message written in markdown, as a document to lay out and paint: read by Qt's own reader
// (md4c, GitHub dialect: lists, tables, strikethrough, autolinks) with raw HTML off, and made safe
// to show. Nothing is ever loaded: the document refuses every resource, and an image becomes its
// alt text (a link to its address when that is http or https; a click opens it in the browser, as
// any link). Links stay links only for http, https and mailto; any other scheme (file:, javascript:,
// data:, a relative path) is shown as plain text. Code spans and fenced blocks are monospace on a
// shaded background, blocks keep their line breaks and spaces (a line too long for the bubble
// wraps). Quote and list nesting is shown at
// most kMaxDepth deep, so a message of a thousand '>' lays out as fast as a short one.
namespace RichText {
constexpr int kMaxDepth = 6;
constexpr int kQuoteIndent = 14; // pixels per quote level (Qt's own 40 is too wide in a bubble)

// note: a few words after the text in a lighter colour ("(edited)"), never read as markdown.
std::unique_ptr<QTextDocument> fromMarkdown(const QString &markdown, const QFont &font,
                                           const QString &note = {});
bool isOpenable(const QUrl &url); // http, https or mailto, with something after the scheme
// Where the document's quoted blocks are (its coordinates), each with its level: a bar is drawn
// to the left of each level.
QList<std::pair<QRectF, int>> quoteBlocks(QTextDocument *doc);

// Rendered documents by (message, text, width), so a view repaints without parsing again; an edit
// is a new text, so the next look renders it anew. Holds at most `capacity` documents.
class Cache
{
public:
    explicit Cache(int capacity = 400) : m_documents(capacity) {}
    // The document for key (the message's id and the hash of its text and note) laid out `width`
    // wide.
    QTextDocument *get(const QString &key, const QString &markdown, const QString &note,
                       const QFont &font, int width);
    void clear() { m_documents.clear(); }
    int size() const { return int(m_documents.count()); }

private:
    QCache<QString, QTextDocument> m_documents;
};
} // namespace RichText
