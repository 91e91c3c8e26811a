// SPDX-License-Identifier: MIT
// The desktop application's flow between its windows, offscreen, against the real server: the
// command line in the login dialog, creating an account from the dialog, and logging out from the
// menu (the window must outlive its own menu action).
#include "appcontroller.h"
#include "chatclient.h"
#include "httpclient.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "testserver.h"

#include <QApplication>
#include <QCheckBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestAppController : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;

    // As from `chat-client --server URL --user NAME` (CHAT_PASSWORD = password).
    AppController::StartOptions startOptions(const QString &user, const QString &password = {}) const
    {
        AppController::StartOptions options;
        options.server = m_server->http();
        options.user = user;
        options.password = password;
        return options;
    }

    static QAction *menuAction(MainWindow *window, const QString &menu, const QString &item)
    {
        for (QAction *top : window->menuBar()->actions()) {
            if (top->text().remove(u'&') != menu || !top->menu())
                continue;
            for (QAction *action : top->menu()->actions()) {
                if (action->text().remove(u'&') == item)
                    return action;
            }
        }
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        // Settings, tokens and outbox in this test's own directories; tokens in the file (no
        // desktop keychain here).
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toLocal8Bit());
        qputenv("XDG_DATA_HOME", m_dir.filePath(u"data"_s).toLocal8Bit());
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        QStandardPaths::setTestModeEnabled(true);
        m_server = std::make_unique<ServerProcess>(m_dir.filePath(u"chat.db"_s));
        QVERIFY(m_server->start());
        QVERIFY(!HttpClient(m_server->http()).registerUser(u"alice"_s).isEmpty());
    }

    void commandLineFillsTheLoginDialog()
    {
        // Nothing saved, no password: the dialog shows what the command line said, ready for
        // the password.
        AppController controller;
        controller.start(startOptions(u"frank"_s));
        QTRY_VERIFY(controller.loginDialog() && controller.loginDialog()->isVisible());
        LoginDialog *dialog = controller.loginDialog();
        const auto fields = dialog->findChildren<QLineEdit *>();
        QStringList texts;
        for (QLineEdit *field : fields)
            texts.append(field->text());
        QVERIFY2(texts.contains(m_server->http().toString()), qPrintable(texts.join(u", "_s)));
        QVERIFY(texts.contains(u"frank"_s));
        QCOMPARE(dialog->focusWidget(), dialog->passwordField());
    }

    void creatingAnAccountChecksBothPasswordsAndTakenNames()
    {
        AppController controller;
        controller.start(startOptions(u"Alice"_s));
        QTRY_VERIFY(controller.loginDialog() && controller.loginDialog()->isVisible());
        LoginDialog *dialog = controller.loginDialog();
        QVERIFY(!dialog->repeatField()->isVisibleTo(dialog));
        dialog->createBox()->setChecked(true);
        QVERIFY(dialog->repeatField()->isVisibleTo(dialog));
        dialog->passwordField()->setText(u"another password"_s);
        dialog->repeatField()->setText(u"another passwort"_s);
        QTest::keyClick(dialog->repeatField(), Qt::Key_Return);
        QCOMPARE(dialog->errorText(), u"The two passwords are not the same."_s);

        dialog->repeatField()->setText(u"another password"_s);
        QTest::keyClick(dialog->repeatField(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->errorText().contains(u"already taken"_s), 15000);
        QVERIFY(!controller.mainWindow());
    }

    void logOutFromTheMenu()
    {
        AppController controller;
        controller.start(startOptions(u"alice"_s, HttpClient::password()));
        QTRY_VERIFY_WITH_TIMEOUT(controller.mainWindow() && controller.mainWindow()->isVisible(), 15000);
        QPointer<MainWindow> window = controller.mainWindow();

        // Through the menu as a person does it: open "Chat", click "Log out".
        QAction *logout = menuAction(window, u"Chat"_s, u"Log out"_s);
        QVERIFY(logout);
        QMenu *menu = nullptr;
        for (QAction *top : window->menuBar()->actions()) {
            if (top->menu() && top->menu()->actions().contains(logout))
                menu = top->menu();
        }
        QVERIFY(menu);
        // The crash (malloc(): unaligned tcache chunk, 3 of 3 on X11) came from Qt's menu code
        // using the window after the logout handler had destroyed it inside the action. Qt is not
        // built with ASan, so the invariant is checked directly: when the action's last slot
        // runs, the window must still exist; it goes afterwards.
        bool windowOutlivedTheAction = false;
        connect(logout, &QAction::triggered, this, [&] { windowOutlivedTheAction = !window.isNull(); });
        menu->popup(window->mapToGlobal(QPoint(10, 10)));
        QVERIFY(QTest::qWaitForWindowExposed(menu));
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(logout).center());

        QTRY_VERIFY(controller.loginDialog() && controller.loginDialog()->isVisible());
        QVERIFY(windowOutlivedTheAction);
        QTRY_VERIFY(!window); // gone, once nothing of it runs any more
        QCOMPARE(controller.mainWindow(), nullptr);
        // The session is over on the server too, and nothing is kept to resume it.
        QTRY_VERIFY(!controller.client()->isActive());

        // Log in again from the dialog: a new window.
        LoginDialog *dialog = controller.loginDialog();
        dialog->passwordField()->setText(HttpClient::password());
        QTest::keyClick(dialog->passwordField(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(controller.mainWindow() && controller.mainWindow()->isVisible(), 15000);
    }
};

QTEST_MAIN(TestAppController)
#include "tst_appcontroller.moc"
