// SPDX-License-Identifier: MIT
// chat-render-bench: how long the client takes to show markdown messages (docs/performance.md).
// For each sample message: the first look (parse, make safe, lay out: what a new message costs)
// and a paint of the cached document; then a conversation of 2000 messages scrolled through end to end in
// a real QListView with the client's delegate, offscreen. Prints a markdown table.
#include "messagedelegate.h"
#include "messagelistmodel.h"
#include "richtext.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QElapsedTimer>
#include <QListView>
#include <QScrollBar>
#include <QTextStream>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
struct Sample
{
    QString name;
    QString text;
};

QList<Sample> samples()
{
    QString list;
    for (int i = 1; i <= 200; ++i)
        list += u"- item %1 **ok**\n"_s.arg(i);
    QString quotes;
    while (quotes.size() < 4090)
        quotes += u"> "_s;
    quotes += u"deep"_s;
    QString lists;
    for (int i = 0; lists.size() < 4000; ++i)
        lists += QString(i * 2, u' ') + u"- level\n"_s;
    QString code = u"```\n"_s;
    while (code.size() < 4000)
        code += u"    for (int i = 0; i < n; ++i) sum += v[i];\n"_s;
    code += u"```"_s;
    return {{u"short (a sentence, a link, code)"_s,
             u"see **this**: [the docs](https://example.org/docs) and `make test`"_s},
            {u"4 KiB list, %1 items"_s.arg(list.count(u'\n')), list},
            {u"4 KiB, 2045 nested quotes"_s, quotes},
            {u"4 KiB, %1 nested list levels"_s.arg(lists.count(u'\n')), lists},
            {u"4 KiB fenced code block"_s, code}};
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}


// A conversation: 2000 messages (one in ten a 4 KiB one) in the client's view, laid out, then
// scrolled top to bottom half a page a frame, twice.
void conversation(QTextStream &out, const QString &format)
{
    MessageListModel model(u"bench"_s);
    const QList<Sample> all = samples();
    const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-1);
    QList<ChatMessage> page;
    for (int i = 1; i <= 2000; ++i) {
        ChatMessage m;
        m.id = u"m%1"_s.arg(i);
        m.room = u"bench"_s;
        m.seq = i;
        m.sender = i % 3 ? u"alice"_s : u"bob"_s;
        m.ts = start.addSecs(i * 20);
        m.body = i % 10 ? all.at(0).text + u" #%1"_s.arg(i) : all.at(1 + (i / 10) % 4).text;
        m.fields.insert(u"format"_s, format);
        page.append(m);
    }
    model.addPage(page);
    QListView view;
    view.setItemDelegate(new MessageDelegate(&view));
    view.setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view.setUniformItemSizes(false);
    view.resize(800, 700);
    view.setModel(&model);
    view.show();
    QElapsedTimer t;
    t.start();
    view.doItemsLayout();
    view.grab();
    const double layoutMs = t.nsecsElapsed() / 1e6;
    auto scrollThrough = [&view] {
        QScrollBar *bar = view.verticalScrollBar();
        int frames = 0;
        QElapsedTimer timer;
        timer.start();
        double worst = 0;
        for (int v = 0; v <= bar->maximum(); v += view.viewport()->height() / 2, ++frames) {
            QElapsedTimer frame;
            frame.start();
            bar->setValue(v);
            view.grab();
            worst = std::max(worst, frame.nsecsElapsed() / 1e6);
        }
        return std::tuple{frames, timer.nsecsElapsed() / 1e6, worst};
    };
    const auto [frames, totalMs, worstMs] = scrollThrough();
    const auto [frames2, totalMs2, worstMs2] = scrollThrough();
    out << "| " << format << " | " << QString::number(layoutMs, 'f', 0) << " ms | "
        << QString::number(totalMs / frames, 'f', 2) << " ms, worst " << QString::number(worstMs, 'f', 1)
        << " ms | " << QString::number(totalMs2 / frames2, 'f', 2) << " ms, worst "
        << QString::number(worstMs2, 'f', 1) << " ms | " << frames << " |\n";
}
} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);
    const QFont font = QApplication::font();
    out << "| markdown message | first render (parse + lay out, 600 px), median of 20 | max | paint from the cache (600×800 visible) |\n"
           "|---|---|---|---|\n";
    for (const Sample &s : samples()) {
        QList<double> first;
        for (int i = 0; i < 20; ++i) {
            RichText::Cache cache;
            QElapsedTimer t;
            t.start();
            QTextDocument *doc = cache.get(u"x"_s, s.text, {}, font, 600);
            doc->size(); // laid out
            first.append(t.nsecsElapsed() / 1e6);
        }
        RichText::Cache cache;
        cache.get(u"x"_s, s.text, {}, font, 600);
        QImage image(600, 800, QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&image);
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 50; ++i) {
            QAbstractTextDocumentLayout::PaintContext context;
            context.clip = QRectF(0, 0, 600, 800); // what a view shows of it at most
            cache.get(u"x"_s, s.text, {}, font, 600)->documentLayout()->draw(&painter, context);
        }
        out << "| " << s.name << " | " << QString::number(median(first), 'f', 2) << " ms | "
            << QString::number(*std::max_element(first.cbegin(), first.cend()), 'f', 2) << " ms | "
            << QString::number(t.nsecsElapsed() / 50 / 1e6, 'f', 2) << " ms |\n";
    }

    out << "\n| 2000 messages (one in ten 4 KiB), 800×700 view, as | first layout (every row's height) and paint "
           "| scroll, a frame | again | frames |\n|---|---|---|---|---|\n";
    conversation(out, u"markdown"_s);
    conversation(out, u"plain"_s);
    return 0;
}
