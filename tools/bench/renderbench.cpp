// SPDX-License-Identifier: MIT
// chat-render-bench: how long the client takes to show markdown messages (docs/performance.md).
// For each sample message: the first look (parse, make safe, lay out: what a new message costs)
// and a paint of the cached document; then a conversation of 2000 messages scrolled through end to end in
// a real QListView with the client's delegate, offscreen; and a start from a timeline cache of
// 100 000 events. Prints markdown tables.
#include "messagedelegate.h"
#include "messagelistmodel.h"
#include "richtext.h"
#include "timelinecache.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QElapsedTimer>
#include <QFile>
#include <QListView>
#include <QScrollBar>
#include <QTemporaryDir>
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

qint64 rssKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// A start from the cache: the file holds 100 000 events of the open room; what the client does
// when the room opens (the newest page read, parsed, put in the model) and the view painted.
void cachedStart(QTextStream &out)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"cache.db"_s);
    QString error;
    {
        TimelineCache fill;
        if (!fill.open(path, &error)) {
            out << "cache: " << error << "\n";
            return;
        }
        const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-30);
        for (int batch = 0; batch < 100; ++batch) {
            QList<ChatMessage> events;
            for (int i = 1; i <= 1000; ++i) {
                ChatMessage m;
                m.seq = batch * 1000 + i;
                m.id = u"m%1"_s.arg(m.seq);
                m.room = u"bench"_s;
                m.sender = m.seq % 3 ? u"alice"_s : u"bob"_s;
                m.ts = start.addSecs(m.seq * 20);
                m.body = u"message %1 with **some** markdown and a [link](https://example.org/%1)"_s.arg(m.seq);
                m.fields.insert(u"format"_s, u"markdown"_s);
                events.append(m);
            }
            fill.save(u"bench"_s, events, 1);
        }
    }
    const qint64 rssBefore = rssKiB();
    QElapsedTimer t;
    t.start();
    TimelineCache cache;
    cache.open(path, &error);
    MessageListModel model(u"bench"_s);
    model.addPage(cache.newest(u"bench"_s, 100));
    const double readMs = t.nsecsElapsed() / 1e6;
    QListView view;
    view.setItemDelegate(new MessageDelegate(&view));
    view.setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view.resize(800, 700);
    view.setModel(&model);
    view.show();
    view.scrollToBottom();
    view.grab();
    const double paintedMs = t.nsecsElapsed() / 1e6;
    // Scrolling up through the cache: a page of 50 read when the top is reached.
    QScrollBar *bar = view.verticalScrollBar();
    double worst = 0;
    double total = 0;
    int frames = 0;
    for (int page = 0; page < 20; ++page) {
        for (int v = bar->value(); v > 0; v -= view.viewport()->height() / 2, ++frames) {
            QElapsedTimer frame;
            frame.start();
            bar->setValue(std::max(0, v));
            view.grab();
            const double ms = frame.nsecsElapsed() / 1e6;
            worst = std::max(worst, ms);
            total += ms;
        }
        QElapsedTimer frame;
        frame.start();
        const qint64 first = model.firstSeq();
        model.addPage(cache.before(u"bench"_s, first, 50));
        view.grab();
        const double ms = frame.nsecsElapsed() / 1e6;
        worst = std::max(worst, ms);
        total += ms;
        ++frames;
    }
    out << "\n| start from a cache of " << cache.size() << " events in the open room | |\n|---|---|\n"
        << "| cache opened, newest 100 read and in the model | " << QString::number(readMs, 'f', 1) << " ms |\n"
        << "| … and the window's timeline painted | " << QString::number(paintedMs, 'f', 1) << " ms |\n"
        << "| scrolling up through 1 000 cached messages (pages of 50 read as the top is reached), "
        << frames << " frames | " << QString::number(total / frames, 'f', 2) << " ms a frame, worst "
        << QString::number(worst, 'f', 1) << " ms |\n"
        << "| resident memory: before the start, after | " << rssBefore / 1024 << " MiB, " << rssKiB() / 1024
        << " MiB |\n";
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
    cachedStart(out);
    return 0;
}
