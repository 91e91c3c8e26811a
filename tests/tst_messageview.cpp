// SPDX-License-Identifier: MIT
// The conversation's message actions, offscreen, against the real server: a click on a reaction
// toggles the user's own, a click on a reply's quote jumps to the original through older
// history, the context menu offers what the user may do, and the composer replies and edits.
// A plain body that looks like HTML is shown as typed and loads nothing; the composer completes
// mentions. Markdown is rendered (a link shows its address on hover and opens in the browser on a click;
// an image reference is never fetched), and the composer's toggle sends plain text instead.
// Ctrl+F finds a message far back and opens it where it is, history loaded back to it.
#include "clientharness.h"
#include "httpclient.h"
#include "clientsettings.h"
#include "composer.h"
#include "connectionindicator.h"
#include "mainwindow.h"
#include "messageactions.h"
#include "messagedelegate.h"
#include "searchpanel.h"

#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QComboBox>
#include <QCompleter>
#include <QAbstractItemView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QToolButton>
#include <QToolTip>

using namespace Qt::StringLiterals;

// Stands in for the browser: QDesktopServices hands it the links the user opens.
class Browser : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public slots:
    void open(const QUrl &url) { opened.append(url); }
};

class TestMessageView : public QObject, protected ClientHarness
{
    Q_OBJECT

private:
    std::unique_ptr<ClientSettings> m_settings;
    std::unique_ptr<ChatClient> m_alice;
    std::unique_ptr<ChatClient> m_bob;
    std::unique_ptr<MainWindow> m_aliceWindow;
    std::unique_ptr<MainWindow> m_bobWindow;

    static QModelIndex indexOf(MainWindow &w, const QString &id)
    {
        auto *model = qobject_cast<MessageListModel *>(w.conversationView()->model());
        return model ? model->index(model->rowOfId(id)) : QModelIndex();
    }
    // The centre of a part of the message's row, found by scanning for the delegate's hit.
    static std::optional<QPoint> pointOf(MainWindow &w, const QModelIndex &index, MessageDelegate::Hit::Part part)
    {
        auto *delegate = qobject_cast<MessageDelegate *>(w.conversationView()->itemDelegate());
        const QRect rect = w.conversationView()->visualRect(index);
        for (int y = rect.top(); y <= rect.bottom(); y += 2) {
            for (int x = rect.left(); x <= rect.right(); x += 3) {
                if (delegate->hitTest(index, {x, y}).part == part)
                    return QPoint(x + 1, y + 1);
            }
        }
        return std::nullopt;
    }
    static QStringList actionTexts(QMenu *menu)
    {
        QStringList out;
        for (QAction *a : menu->actions()) {
            if (!a->isSeparator())
                out.append(a->text());
        }
        return out;
    }
    QString said(ChatClient &from, const QString &body,
                 ChatClient::TextFormat format = ChatClient::TextFormat::Plain)
    {
        MessageListModel *mine = from.messages(u"general"_s);
        const int before = mine->confirmedCount();
        from.sendMessage(u"general"_s, body, {}, format);
        if (!QTest::qWaitFor([&] { return mine->confirmedCount() == before + 1; }, 10000))
            return {};
        return mine->confirmedMessages().constLast().id;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(startFresh());
        qputenv("XDG_CONFIG_HOME", m_dir->filePath(u"config"_s).toLocal8Bit());
        m_settings = std::make_unique<ClientSettings>();
        m_alice = loggedIn(u"alice"_s);
        m_bob = loggedIn(u"bob"_s);
        m_aliceWindow = std::make_unique<MainWindow>(m_alice.get(), m_settings.get());
        m_bobWindow = std::make_unique<MainWindow>(m_bob.get(), m_settings.get());
        for (MainWindow *w : {m_aliceWindow.get(), m_bobWindow.get()}) {
            w->resize(800, 600);
            w->show();
            w->showRoom(u"general"_s);
            QTRY_COMPARE_WITH_TIMEOUT(w->indicator()->text(), u"Connected"_s, 15000);
        }
    }

    void clickingAReactionTogglesTheUsersOwn()
    {
        const QString id = said(*m_alice, u"ship it?"_s);
        QVERIFY(!id.isEmpty());
        m_alice->toggleReaction(u"general"_s, id, u"\U0001F44D"_s);
        QTRY_COMPARE(indexOf(*m_bobWindow, id).data(MessageListModel::ReactionsRole).toStringList(),
                     QStringList{u"\U0001F44D 1"_s});
        QCOMPARE(indexOf(*m_bobWindow, id).data(MessageListModel::MyReactionsRole).toStringList(), QStringList());
        // Bob clicks the pill: his joins; again: it goes.
        const auto pill = pointOf(*m_bobWindow, indexOf(*m_bobWindow, id), MessageDelegate::Hit::Part::Reaction);
        QVERIFY(pill);
        QTest::mouseClick(m_bobWindow->conversationView()->viewport(), Qt::LeftButton, {}, *pill);
        QTRY_COMPARE(indexOf(*m_aliceWindow, id).data(MessageListModel::ReactionsRole).toStringList(),
                     QStringList{u"\U0001F44D 2"_s});
        QTRY_COMPARE(indexOf(*m_bobWindow, id).data(MessageListModel::MyReactionsRole).toStringList(),
                     QStringList{u"\U0001F44D"_s});
        QTest::mouseClick(m_bobWindow->conversationView()->viewport(), Qt::LeftButton, {}, *pill);
        QTRY_COMPARE(indexOf(*m_aliceWindow, id).data(MessageListModel::ReactionsRole).toStringList(),
                     QStringList{u"\U0001F44D 1"_s});
    }

    void theMenuOffersWhatTheUserMayDo()
    {
        const QString id = said(*m_alice, u"menu test"_s);
        QTRY_VERIFY(indexOf(*m_bobWindow, id).isValid());
        std::unique_ptr<QMenu> own(m_aliceWindow->messageActions()->menuFor(indexOf(*m_aliceWindow, id), nullptr));
        QCOMPARE(actionTexts(own.get()), (QStringList{u"Reply"_s, u"React"_s, u"Edit"_s, u"Copy text"_s, u"Delete\u2026"_s}));
        std::unique_ptr<QMenu> others(m_bobWindow->messageActions()->menuFor(indexOf(*m_bobWindow, id), nullptr));
        QCOMPARE(actionTexts(others.get()), (QStringList{u"Reply"_s, u"React"_s, u"Copy text"_s}));
        // The common reactions and free entry.
        QMenu *react = others->actions().at(1)->menu();
        QVERIFY(react);
        QCOMPARE(actionTexts(react).size(), MessageActions::commonReactions().size() + 1);
    }

    void aReplyQuotesAndJumpsToItsOriginalThroughOlderHistory()
    {
        const QString original = said(*m_alice, u"the original question\nsecond line"_s);
        QVERIFY(!original.isEmpty());
        // More than a page between the original and its answer, and more than a page after it.
        const auto fill = [this](int n) {
            for (int i = 0; i < n; ++i)
                m_bob->sendMessage(u"general"_s, u"filler %1"_s.arg(i));
            QTRY_COMPARE_WITH_TIMEOUT(m_bob->outbox()->size(), 0, 20000);
        };
        fill(60);
        // Bob replies from the menu, through the composer.
        QTRY_VERIFY(indexOf(*m_bobWindow, original).isValid());
        m_bobWindow->messageActions()->reply(indexOf(*m_bobWindow, original));
        QCOMPARE(m_bobWindow->messageActions()->barText()->text(), u"Replying to alice: the original question"_s);
        QVERIFY(m_bobWindow->messageActions()->bar()->isVisible());
        QTest::keyClicks(m_bobWindow->composer(), u"the answer"_s);
        QTest::keyClick(m_bobWindow->composer(), Qt::Key_Return);
        QVERIFY(!m_bobWindow->messageActions()->bar()->isVisible());
        MessageListModel *alices = m_alice->messages(u"general"_s);
        QTRY_COMPARE(alices->confirmedMessages().constLast().body, u"the answer"_s);
        const QString answer = alices->confirmedMessages().constLast().id;
        QCOMPARE(alices->confirmedMessages().constLast().fields.value("replyTo"_L1).toString(), original);
        QCOMPARE(MessageDelegate::quoteText(indexOf(*m_aliceWindow, answer)),
                 u"\u21aa alice: the original question"_s);

        // Alice on another computer holds only the newest page: the quote says the original is
        // earlier, and a click on it loads history until it is there.
        fill(60);
        auto late = loggedIn(u"alice"_s, u"laptop"_s);
        MainWindow window(late.get(), m_settings.get());
        window.resize(800, 600);
        window.show();
        window.showRoom(u"general"_s);
        MessageListModel *model = late->messages(u"general"_s);
        QTRY_VERIFY(model->confirmedCount() > 0);
        QVERIFY(!model->containsId(original));
        QVERIFY(!model->containsId(answer));
        // The answer is older than the newest page too: bring it in first, as scrolling up would.
        while (!model->containsId(answer)) {
            const int before = model->confirmedCount();
            late->loadOlder(u"general"_s);
            QTRY_VERIFY(model->confirmedCount() > before);
        }
        QVERIFY(!model->containsId(original));
        QCOMPARE(MessageDelegate::quoteText(indexOf(window, answer)), u"\u21aa Reply to an earlier message"_s);
        window.conversationView()->scrollTo(indexOf(window, answer));
        const auto quote = pointOf(window, indexOf(window, answer), MessageDelegate::Hit::Part::Quote);
        QVERIFY(quote);
        QTest::mouseClick(window.conversationView()->viewport(), Qt::LeftButton, {}, *quote);
        QTRY_VERIFY(model->containsId(original));
        const QModelIndex target = indexOf(window, original);
        QTRY_VERIFY(window.conversationView()->viewport()->rect().intersects(window.conversationView()->visualRect(target)));
    }

    void upEditsTheLastOwnMessageAndEscapeCancels()
    {
        const QString id = said(*m_alice, u"tpyo here"_s);
        QVERIFY(!id.isEmpty());
        Composer *composer = m_aliceWindow->composer();
        composer->setFocus();
        QTest::keyClick(composer, Qt::Key_Up);
        QCOMPARE(m_aliceWindow->messageActions()->editing(), id);
        QCOMPARE(composer->toPlainText(), u"tpyo here"_s);
        QTest::keyClick(composer, Qt::Key_Escape);
        QVERIFY(m_aliceWindow->messageActions()->editing().isEmpty());
        QVERIFY(composer->toPlainText().isEmpty());
        QTest::keyClick(composer, Qt::Key_Up);
        composer->selectAll();
        QTest::keyClicks(composer, u"typo here"_s);
        QTest::keyClick(composer, Qt::Key_Return);
        QTRY_COMPARE(indexOf(*m_bobWindow, id).data(MessageListModel::BodyRole).toString(), u"typo here"_s);
        QVERIFY(indexOf(*m_bobWindow, id).data(MessageListModel::EditedRole).toBool());
        QCOMPARE(MessageDelegate::bodyText(indexOf(*m_bobWindow, id)), u"typo here (edited)"_s);
        QCOMPARE(m_alice->messages(u"general"_s)->confirmedMessages().constLast().id, id); // no new message
    }

    void aPlainBodyThatLooksLikeHtmlIsLiteralAndLoadsNothing()
    {
        QTcpServer trap; // what an <img> would fetch from
        QVERIFY(trap.listen(QHostAddress::LocalHost));
        const QString body = u"<img src=\"http://127.0.0.1:%1/x.png\"><b>bold?</b> &lt;"_s.arg(trap.serverPort());
        const QString id = said(*m_alice, body); // plain text
        QVERIFY(!id.isEmpty());
        QTRY_VERIFY(indexOf(*m_bobWindow, id).isValid());
        const QModelIndex index = indexOf(*m_bobWindow, id);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), body);
        QCOMPARE(MessageDelegate::bodyText(index), body);
        QVERIFY(index.data(Qt::ToolTipRole).isNull()); // no rich-text tooltip either
        // Paint it (the delegate draws the characters) and give any fetch a chance to happen.
        m_bobWindow->conversationView()->scrollTo(index);
        QVERIFY(!m_bobWindow->grab().toImage().isNull());
        QSignalSpy fetched(&trap, &QTcpServer::newConnection);
        QVERIFY(!fetched.wait(500));
        QVERIFY(!trap.hasPendingConnections());
    }

    void composerCompletesMentionsOfMembers()
    {
        Composer composer;
        composer.show();
        composer.setMentionCandidates({u"bob"_s, u"bobby"_s, u"carol"_s});
        QTest::keyClicks(&composer, u"hi @bo"_s);
        QCOMPARE(composer.mentionPrefix(), u"bo"_s);
        QTRY_VERIFY(composer.mentionCompleter()->popup()->isVisible());
        QCOMPARE(composer.mentionCompleter()->completionCount(), 2);
        QTest::keyClick(&composer, Qt::Key_Tab); // the M↓ toggle beside it does not take the Tab
        QCOMPARE(composer.toPlainText(), u"hi @bob "_s);
        QVERIFY(!composer.mentionCompleter()->popup()->isVisible());
        // Not after a letter (an address), and nothing offered for names nobody has.
        composer.clear();
        QTest::keyClicks(&composer, u"mail@bo"_s);
        QVERIFY(composer.mentionPrefix().isNull());
        composer.clear();
        QTest::keyClicks(&composer, u"@zz"_s);
        QVERIFY(!composer.mentionCompleter()->popup()->isVisible());
    }

    void markdownIsRenderedAndItsLinksOpenInTheBrowser()
    {
        QTcpServer trap; // what the image reference would be fetched from
        QVERIFY(trap.listen(QHostAddress::LocalHost));
        Browser browser;
        QDesktopServices::setUrlHandler(u"https"_s, &browser, "open");
        QDesktopServices::setUrlHandler(u"http"_s, &browser, "open");
        Composer *composer = m_aliceWindow->composer();
        QVERIFY(composer->sendsMarkdown()); // on until the user turns it off
        const QString body = u"see **[the docs](https://example.org/docs)** ![logo](http://127.0.0.1:%1/logo.png)"_s
                                     .arg(trap.serverPort());
        composer->setFocus();
        composer->setPlainText(body);
        QTest::keyClick(composer, Qt::Key_Return);
        MessageListModel *bobs = m_bob->messages(u"general"_s);
        QTRY_VERIFY(!bobs->confirmedMessages().isEmpty() && bobs->confirmedMessages().constLast().body == body);
        const QModelIndex index = indexOf(*m_bobWindow, bobs->confirmedMessages().constLast().id);
        QCOMPARE(index.data(MessageListModel::FormatRole).toString(), u"markdown"_s);
        QListView *view = m_bobWindow->conversationView();
        view->scrollTo(index);
        QTRY_VERIFY(view->viewport()->rect().intersects(view->visualRect(index)));
        const auto link = pointOf(*m_bobWindow, index, MessageDelegate::Hit::Part::Link);
        QVERIFY(link);
        auto *delegate = qobject_cast<MessageDelegate *>(view->itemDelegate());
        QCOMPARE(delegate->hitTest(index, *link).key, u"https://example.org/docs"_s);
        // The pointer over the link (sent directly: offscreen, QTest::mouseMove only moves a cursor).
        QMouseEvent move(QEvent::MouseMove, QPointF(*link), view->viewport()->mapToGlobal(QPointF(*link)),
                         Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &move);
        QTRY_COMPARE(view->viewport()->cursor().shape(), Qt::PointingHandCursor);
        QTRY_COMPARE(QToolTip::text(), u"https://example.org/docs"_s); // where it goes, before a click
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, *link);
        QCOMPARE(browser.opened, QList<QUrl>{QUrl(u"https://example.org/docs"_s)});
        QVERIFY(!m_bobWindow->grab().toImage().isNull()); // painted, image reference and all
        QSignalSpy fetched(&trap, &QTcpServer::newConnection);
        QVERIFY(!fetched.wait(500));
        QVERIFY(!trap.hasPendingConnections());
        QDesktopServices::unsetUrlHandler(u"https"_s);
        QDesktopServices::unsetUrlHandler(u"http"_s);
    }

    void theToggleSendsPlainTextAndIsRemembered()
    {
        Composer *composer = m_aliceWindow->composer();
        QToolButton *toggle = composer->markdownToggle();
        QVERIFY(toggle->isVisible());
        toggle->click();
        QVERIFY(!composer->sendsMarkdown());
        QVERIFY(!m_settings->composesMarkdown());
        composer->setPlainText(u"**stars stay**"_s);
        QTest::keyClick(composer, Qt::Key_Return);
        MessageListModel *bobs = m_bob->messages(u"general"_s);
        QTRY_VERIFY(!bobs->confirmedMessages().isEmpty()
                    && bobs->confirmedMessages().constLast().body == u"**stars stay**"_s);
        const QModelIndex index = indexOf(*m_bobWindow, bobs->confirmedMessages().constLast().id);
        QCOMPARE(index.data(MessageListModel::FormatRole).toString(), u"plain"_s);
        QCOMPARE(MessageDelegate::bodyText(index), u"**stars stay**"_s);
        // A window opened later starts the way the user left it.
        MainWindow later(m_alice.get(), m_settings.get());
        QVERIFY(!later.composer()->sendsMarkdown());
        toggle->click();
        QVERIFY(m_settings->composesMarkdown());
    }

    void searchOpensAMessageFarBackInItsPlace()
    {
        const QString needle = said(*m_alice, u"the quarterly **budget** is in the shared drive"_s,
                                    ChatClient::TextFormat::Markdown);
        QVERIFY(!needle.isEmpty());
        HttpClient http(m_server->http());
        const QString token = http.tokenFor(u"carol"_s);
        QCOMPARE(http.post(u"/api/v2/rooms/general/join"_s, {}, token).status, 204);
        for (int i = 0; i < 130; ++i) // more than two pages of the client's 50
            QCOMPARE(http.post(u"/api/v2/rooms/general/messages"_s,
                               {{"clientId"_L1, u"f%1"_s.arg(i)}, {"body"_L1, u"filler %1"_s.arg(i)}}, token).status, 201);
        // Carol's own client, started now: it has the newest page only.
        auto carol = loggedIn(u"carol"_s);
        MainWindow later(carol.get(), m_settings.get());
        later.resize(800, 600);
        later.show();
        later.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&later));
        later.showRoom(u"general"_s);
        MessageListModel *shown = carol->messages(u"general"_s);
        QTRY_COMPARE(shown->confirmedMessages().isEmpty() ? QString() : shown->confirmedMessages().constLast().body,
                     u"filler 129"_s);
        QCOMPARE(shown->rowOfId(needle), -1); // not loaded
        QAction *find = nullptr; // Chat ▸ Search messages…, Ctrl+F
        for (QAction *a : later.findChildren<QAction *>()) {
            if (a->shortcut() == QKeySequence(QKeySequence::Find))
                find = a;
        }
        QVERIFY(find);
        find->trigger();
        SearchPanel *search = later.searchPanel();
        QVERIFY(search->isVisible());
        QTRY_VERIFY(search->field()->hasFocus());
        QTest::keyClicks(search->field(), u"\"the quarterly\" BUDGET"_s);
        QTest::keyClick(search->field(), Qt::Key_Return);
        QTRY_COMPARE(search->results()->count(), 1);
        QCOMPARE(search->status()->text(), u"1 message found:"_s);
        QVERIFY(search->results()->item(0)->text().contains(u"the quarterly budget is in"_s)); // as read
        QTest::keyClick(search->field(), Qt::Key_Down);
        QTest::keyClick(search->results(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(shown->rowOfId(needle) >= 0, 15000); // older pages loaded back to it
        const QModelIndex found = indexOf(later, needle);
        QTRY_VERIFY(later.conversationView()->viewport()->rect().intersects(later.conversationView()->visualRect(found)));
        // What cannot be searched for is said as such.
        search->field()->setText(u"\"open quote"_s);
        QTest::keyClick(search->field(), Qt::Key_Return);
        QTRY_COMPARE(search->status()->text(), u"Cannot search for that: a quote is not closed."_s);
        QCOMPARE(search->results()->count(), 0);
        QTest::keyClick(search->field(), Qt::Key_Escape);
        QVERIFY(!search->isVisible());
    }

    void deletingAsksFirst()
    {
        const QString id = said(*m_alice, u"delete me"_s);
        QVERIFY(!id.isEmpty());
        m_aliceWindow->messageActions()->remove(indexOf(*m_aliceWindow, id));
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = m_aliceWindow->findChild<QMessageBox *>()) != nullptr);
        QAbstractButton *cancel = box->button(QMessageBox::Cancel);
        QVERIFY(cancel);
        cancel->click();
        QTRY_VERIFY(m_aliceWindow->findChild<QMessageBox *>() == nullptr);
        QCOMPARE(m_alice->outbox()->size(), 0);
        m_aliceWindow->messageActions()->remove(indexOf(*m_aliceWindow, id));
        QTRY_VERIFY((box = m_aliceWindow->findChild<QMessageBox *>()) != nullptr);
        QPushButton *yes = nullptr;
        for (QAbstractButton *b : box->buttons()) {
            if (b->text() == u"Delete"_s)
                yes = qobject_cast<QPushButton *>(b);
        }
        QVERIFY(yes);
        yes->click();
        QTRY_VERIFY(indexOf(*m_bobWindow, id).data(MessageListModel::DeletedRole).toBool());
        QCOMPARE(MessageDelegate::bodyText(indexOf(*m_bobWindow, id)), u"This message was deleted."_s);
    }
};

QTEST_MAIN(TestMessageView)
#include "tst_messageview.moc"
