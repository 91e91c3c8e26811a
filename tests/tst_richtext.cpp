// SPDX-License-Identifier: MIT
// RichText: markdown made safe to show. Nothing loaded (a local trap server sees no connection
// for an image that names it), no HTML, links only for http, https and mailto, code monospace
// with its spaces, nesting capped, rendering cached by text.
#include "richtext.h"

#include <QAbstractTextDocumentLayout>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextList>

using namespace Qt::StringLiterals;

namespace {
struct Fragment
{
    QString text;
    QTextCharFormat format;
};

QList<Fragment> fragments(const QTextDocument &doc)
{
    QList<Fragment> out;
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it)
            out.append({it.fragment().text(), it.fragment().charFormat()});
    }
    return out;
}

QStringList anchors(const QTextDocument &doc)
{
    QStringList out;
    for (const Fragment &f : fragments(doc)) {
        if (f.format.isAnchor())
            out << f.format.anchorHref();
    }
    return out;
}

bool hasImage(const QTextDocument &doc)
{
    for (const Fragment &f : fragments(doc)) {
        if (f.format.isImageFormat())
            return true;
    }
    return false;
}

void paint(QTextDocument &doc)
{
    doc.setTextWidth(400);
    QImage image(400, std::max(20, int(doc.size().height())), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    doc.documentLayout()->draw(&painter, {});
}
} // namespace

class TestRichText : public QObject
{
    Q_OBJECT
private slots:
    void emphasisAndCodeAreFormatted()
    {
        const auto doc = RichText::fromMarkdown(u"**bold** _it_ `a  b` ~~gone~~"_s, QFont());
        QCOMPARE(doc->toPlainText(), u"bold it a  b gone"_s);
        bool bold = false, italic = false, code = false, strike = false;
        for (const Fragment &f : fragments(*doc)) {
            bold |= f.text == "bold"_L1 && f.format.fontWeight() == QFont::Bold;
            italic |= f.text == "it"_L1 && f.format.fontItalic();
            code |= f.text == "a  b"_L1 && f.format.fontFixedPitch()
                    && f.format.hasProperty(QTextFormat::BackgroundBrush);
            strike |= f.text == "gone"_L1 && f.format.fontStrikeOut();
        }
        QVERIFY(bold);
        QVERIFY(italic);
        QVERIFY(code);
        QVERIFY(strike);
    }

    void fencedCodeKeepsItsSpacesAndLines()
    {
        const auto doc = RichText::fromMarkdown(u"look:\n\n```cpp\nint  x;\n    return x;\n```"_s, QFont());
        QTextBlock block = doc->begin().next();
        QCOMPARE(block.text(), u"int  x;"_s);
        QVERIFY(!block.blockFormat().nonBreakableLines()); // wraps rather than being cut off
        QVERIFY(block.blockFormat().hasProperty(QTextFormat::BackgroundBrush));
        const QFontMetricsF code(block.begin().fragment().charFormat().font()); // monospace: i as wide as m
        QCOMPARE(code.horizontalAdvance(u"iiii"_s), code.horizontalAdvance(u"mmmm"_s));
        QCOMPARE(block.next().text(), u"    return x;"_s);
    }

    void rawHtmlIsShownAsText()
    {
        const auto doc = RichText::fromMarkdown(u"<b>not bold</b> <img src=\"x.png\"> &amp;"_s, QFont());
        QCOMPARE(doc->toPlainText(), u"<b>not bold</b> <img src=\"x.png\"> &"_s);
        for (const Fragment &f : fragments(*doc))
            QVERIFY(f.format.fontWeight() != QFont::Bold);
        QVERIFY(!hasImage(*doc));
    }

    void imagesAreNeverLoadedButShowTheirText()
    {
        QTcpServer trap; // what an image reference would be fetched from
        QVERIFY(trap.listen(QHostAddress::LocalHost));
        QTemporaryDir dir;
        QImage pixel(4, 4, QImage::Format_RGB32);
        pixel.fill(Qt::red);
        const QString local = dir.filePath(u"secret.png"_s);
        QVERIFY(pixel.save(local));
        const QString remote = u"http://127.0.0.1:%1/cat.png"_s.arg(trap.serverPort());
        const auto doc = RichText::fromMarkdown(
                u"![a cat](%1) and ![](%2) and ![local](file://%3) and ![rel](secret.png)"_s.arg(remote, remote, local),
                QFont());
        doc->setBaseUrl(QUrl::fromLocalFile(dir.path() + u'/'));
        QVERIFY(!hasImage(*doc));
        // An image without alt text leaves nothing (md4c hands it over with no text to show).
        QCOMPARE(doc->toPlainText(), u"a cat and  and local and rel"_s);
        QCOMPARE(anchors(*doc), QStringList{remote}); // opened in a browser on a click
        QVERIFY(doc->resource(QTextDocument::ImageResource, QUrl::fromLocalFile(local)).isNull());
        paint(*doc);
        QSignalSpy fetched(&trap, &QTcpServer::newConnection);
        QVERIFY(!fetched.wait(500));
        QVERIFY(!trap.hasPendingConnections());
    }

    void onlyWebAndMailLinksStayLinks()
    {
        const auto doc = RichText::fromMarkdown(
                u"[a](javascript:alert(1)) [b](file:///etc/passwd) [c](https://example.org/x?y=1) "
                "[d](data:text/html,hi) [e](relative/path) <mailto:me@example.org> www.example.net "
                "ann@example.com [f](http://)"_s,
                QFont());
        QCOMPARE(anchors(*doc), (QStringList{u"https://example.org/x?y=1"_s, u"mailto:me@example.org"_s,
                                             u"http://www.example.net"_s, u"mailto:ann@example.com"_s}));
        QVERIFY(doc->toPlainText().startsWith(u"a b c d e "_s));
        QVERIFY(RichText::isOpenable(QUrl(u"HTTPS://example.org"_s)));
        QVERIFY(!RichText::isOpenable(QUrl(u"ftp://example.org"_s)));
        QVERIFY(!RichText::isOpenable(QUrl(u"mailto:"_s)));
    }

    void deepNestingIsCapped()
    {
        QString quotes; // 4 KiB: two thousand quote levels
        for (int i = 0; i < 2000; ++i)
            quotes += u"> "_s;
        quotes += u"deep"_s;
        const auto doc = RichText::fromMarkdown(quotes, QFont());
        QVERIFY(doc->toPlainText().contains(u"deep"_s));
        for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
            QVERIFY(b.blockFormat().intProperty(QTextFormat::BlockQuoteLevel) <= RichText::kMaxDepth);
        paint(*doc);

        QString lists;
        for (int i = 0; i < 60; ++i)
            lists += QString(i * 2, u' ') + u"- level %1\n"_s.arg(i);
        const auto nested = RichText::fromMarkdown(lists, QFont());
        QVERIFY(nested->toPlainText().contains(u"level 59"_s));
        for (QTextBlock b = nested->begin(); b.isValid(); b = b.next()) {
            QVERIFY(b.blockFormat().indent() <= RichText::kMaxDepth);
            if (b.textList())
                QVERIFY(b.textList()->format().indent() <= RichText::kMaxDepth);
        }
        paint(*nested);
    }

    void aLongListIsAllThere()
    {
        QString list;
        for (int i = 1; i <= 200; ++i)
            list += u"- item %1\n"_s.arg(i);
        QVERIFY(list.size() < 4096);
        const auto doc = RichText::fromMarkdown(list, QFont());
        QVERIFY(doc->begin().textList());
        QCOMPARE(doc->begin().textList()->count(), 200);
        QCOMPARE(doc->lastBlock().text(), u"item 200"_s);
    }

    void noteIsAddedAfterTheTextAsText()
    {
        const auto doc = RichText::fromMarkdown(u"hello"_s, QFont(), u"(edited) **x**"_s);
        QCOMPARE(doc->toPlainText(), u"hello (edited) **x**"_s);
    }

    void cacheRendersEachTextOnce()
    {
        RichText::Cache cache(2);
        QTextDocument *first = cache.get(u"id1/1"_s, u"*one*"_s, {}, QFont(), 300);
        QCOMPARE(cache.get(u"id1/1"_s, u"*one*"_s, {}, QFont(), 300), first);
        QCOMPARE(first->textWidth(), 300.0);
        // An edit is a new text, hence a new key: the next look renders the new text.
        QTextDocument *edited = cache.get(u"id1/2"_s, u"*two*"_s, u"(edited)"_s, QFont(), 300);
        QVERIFY(edited != first);
        QCOMPARE(edited->toPlainText(), u"two (edited)"_s);
        QCOMPARE(cache.get(u"id1/1"_s, u"*one*"_s, {}, QFont(), 200)->textWidth(), 200.0);
        QCOMPARE(cache.size(), 2); // the capacity holds
    }
};

QTEST_MAIN(TestRichText)
#include "tst_richtext.moc"
