// SPDX-License-Identifier: MIT
// The widgets, offscreen, against the real server: typing in one window shows in the other, the
// status bar follows the link, and message bodies stay plain text.
#include "chatclient.h"
#include "clientsettings.h"
#include "composer.h"
#include "connectionindicator.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "messagedelegate.h"
#include "testserver.h"

#include <QApplication>
#include <QLabel>
#include <QListView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestClientWidgets : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    quint16 m_port = 0;
    std::unique_ptr<ClientSettings> m_settings;
    std::unique_ptr<ChatClient> m_alice;
    std::unique_ptr<ChatClient> m_bob;
    std::unique_ptr<MainWindow> m_aliceWindow;
    std::unique_ptr<MainWindow> m_bobWindow;

    bool startServer()
    {
        m_server = std::make_unique<ServerProcess>(m_dir.filePath(u"chat.db"_s));
        m_server->setPort(m_port);
        return m_server->start();
    }
    std::unique_ptr<ChatClient> loggedIn(const QString &who)
    {
        ChatClient::Options o;
        o.server = QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
        o.dataDir = m_dir.filePath(who);
        o.tuning.backoff = {100, 1000};
        auto client = std::make_unique<ChatClient>(o);
        QSignalSpy started(client.get(), &ChatClient::sessionStarted);
        client->login(who, u"correct horse"_s, true);
        started.wait(15000);
        return client;
    }
    static int rowWithBody(QListView *view, const QString &body)
    {
        QAbstractItemModel *model = view->model();
        for (int i = 0; model && i < model->rowCount(); ++i) {
            if (model->index(i, 0).data(MessageListModel::BodyRole).toString() == body)
                return i;
        }
        return -1;
    }
    static void type(Composer *composer, const QString &text)
    {
        QTest::keyClicks(composer, text);
        QTest::keyClick(composer, Qt::Key_Return);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toLocal8Bit()); // QSettings' home
        m_settings = std::make_unique<ClientSettings>();
        m_port = ServerProcess::freePort();
        QVERIFY(startServer());
        m_alice = loggedIn(u"alice"_s);
        m_bob = loggedIn(u"bob"_s);
        QVERIFY(m_alice->isActive());
        QVERIFY(m_bob->isActive());
        m_aliceWindow = std::make_unique<MainWindow>(m_alice.get(), m_settings.get());
        m_bobWindow = std::make_unique<MainWindow>(m_bob.get(), m_settings.get());
        m_aliceWindow->show();
        m_bobWindow->show();
        m_aliceWindow->showRoom(u"general"_s);
        m_bobWindow->showRoom(u"general"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->indicator()->text(), u"Connected"_s, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_bobWindow->indicator()->text(), u"Connected"_s, 15000);
    }

    void cleanupTestCase()
    {
        m_aliceWindow.reset();
        m_bobWindow.reset();
        m_alice.reset();
        m_bob.reset();
    }

    void typingInOneWindowShowsInTheOther()
    {
        type(m_aliceWindow->composer(), u"hello from alice"_s);
        QVERIFY(m_aliceWindow->composer()->toPlainText().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_bobWindow->conversationView(), u"hello from alice"_s) >= 0, 15000);
        const int row = rowWithBody(m_bobWindow->conversationView(), u"hello from alice"_s);
        const QModelIndex index = m_bobWindow->conversationView()->model()->index(row, 0);
        QCOMPARE(index.data(MessageListModel::SenderRole).toString(), u"alice"_s);
        QVERIFY(!index.data(MessageListModel::OwnRole).toBool());
        // In alice's own window: one row, confirmed.
        QListView *own = m_aliceWindow->conversationView();
        QTRY_COMPARE(own->model()->index(rowWithBody(own, u"hello from alice"_s), 0)
                             .data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                     MessageListModel::Delivery::Sent);
        QCOMPARE(own->model()->rowCount(), m_bobWindow->conversationView()->model()->rowCount());
    }

    void shiftEnterStartsANewLine()
    {
        Composer *composer = m_bobWindow->composer();
        QTest::keyClicks(composer, u"line one"_s);
        QTest::keyClick(composer, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(composer, u"line two"_s);
        QCOMPARE(composer->toPlainText(), u"line one\nline two"_s);
        QTest::keyClick(composer, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_aliceWindow->conversationView(), u"line one\nline two"_s) >= 0, 15000);
    }

    void htmlLookingBodyIsLiteralAndLoadsNothing()
    {
        QTcpServer trap; // what an <img> would fetch from
        QVERIFY(trap.listen(QHostAddress::LocalHost));
        const QString body = u"<img src=\"http://127.0.0.1:%1/x.png\"><b>bold?</b> &lt;"_s.arg(trap.serverPort());
        type(m_aliceWindow->composer(), body);
        QListView *view = m_bobWindow->conversationView();
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(view, body) >= 0, 15000);
        const QModelIndex index = view->model()->index(rowWithBody(view, body), 0);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), body);
        QVERIFY(index.data(Qt::ToolTipRole).isNull()); // no rich-text tooltip either
        // Paint it (the delegate draws the characters) and give any fetch a chance to happen.
        view->scrollTo(index);
        const QImage shot = m_bobWindow->grab().toImage();
        QVERIFY(!shot.isNull());
        QSignalSpy fetched(&trap, &QTcpServer::newConnection);
        QVERIFY(!fetched.wait(500));
        QVERIFY(!trap.hasPendingConnections());
    }

    void statusBarFollowsTheLinkAndQueuedMessagesGoOut()
    {
        m_server->kill();
        QTRY_VERIFY_WITH_TIMEOUT(m_aliceWindow->indicator()->text().startsWith(u"Reconnecting in"_s), 10000);
        QVERIFY(m_aliceWindow->indicator()->findChild<QPushButton *>()->isVisible());
        type(m_aliceWindow->composer(), u"typed while offline"_s);
        QListView *own = m_aliceWindow->conversationView();
        const int row = rowWithBody(own, u"typed while offline"_s);
        QVERIFY(row >= 0);
        const QModelIndex index = own->model()->index(row, 0);
        QCOMPARE(index.data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                 MessageListModel::Delivery::Pending);
        QCOMPARE(MessageDelegate::statusText(index), u"sending…"_s);

        QVERIFY(startServer());
        m_aliceWindow->indicator()->findChild<QPushButton *>()->click(); // "Reconnect now"
        QTRY_COMPARE_WITH_TIMEOUT(m_aliceWindow->indicator()->text(), u"Connected"_s, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithBody(m_bobWindow->conversationView(), u"typed while offline"_s) >= 0, 15000);
        QTRY_COMPARE(own->model()->index(rowWithBody(own, u"typed while offline"_s), 0)
                             .data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                     MessageListModel::Delivery::Sent);
        QCOMPARE(own->model()->rowCount(), m_bobWindow->conversationView()->model()->rowCount());
    }

    void refusedMessageIsMarkedFailed()
    {
        const QString tooLong(5000, u'x');
        type(m_aliceWindow->composer(), tooLong);
        QListView *own = m_aliceWindow->conversationView();
        QTRY_COMPARE_WITH_TIMEOUT(own->model()->index(rowWithBody(own, tooLong), 0)
                                          .data(MessageListModel::DeliveryRole).value<MessageListModel::Delivery>(),
                                  MessageListModel::Delivery::Failed, 15000);
        const QModelIndex index = own->model()->index(rowWithBody(own, tooLong), 0);
        QVERIFY(MessageDelegate::statusText(index).startsWith(u"not sent:"_s));
        QCOMPARE(rowWithBody(m_bobWindow->conversationView(), tooLong), -1);
    }

    void loginDialogShowsErrorsAsPlainText()
    {
        LoginDialog dialog;
        dialog.setError(u"<b>nope</b>"_s);
        const auto labels = dialog.findChildren<QLabel *>();
        bool found = false;
        for (QLabel *label : labels) {
            if (label->text() == u"<b>nope</b>"_s) {
                QCOMPARE(label->textFormat(), Qt::PlainText);
                found = true;
            }
        }
        QVERIFY(found);
    }
};

QTEST_MAIN(TestClientWidgets)
#include "tst_clientwidgets.moc"
