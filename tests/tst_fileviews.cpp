// SPDX-License-Identifier: MIT
// Files in the desktop client, offscreen, against the real server: a file sent (from the code
// path of the attach button, and by dropping it on the composer) shows a progress row that goes
// when it is sent; the other user sees an image as its thumbnail (fetched once) and a document as
// a card, both clickable; Cancel sends nothing; a download writes the same bytes; a client closed
// while it uploads goes cleanly.
#include "clientharness.h"
#include "clientsettings.h"
#include "composer.h"
#include "connectionindicator.h"
#include "fileactions.h"
#include "filetransfers.h"
#include "mainwindow.h"
#include "messageactions.h"
#include "messagedelegate.h"

#include <QApplication>
#include <QBuffer>
#include <QImage>
#include <QListView>
#include <QMimeData>
#include <QProgressBar>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;

class TestFileViews : public QObject, protected ClientHarness
{
    Q_OBJECT

private:
    std::unique_ptr<ClientSettings> m_settings;
    std::unique_ptr<ChatClient> m_alice;
    std::unique_ptr<ChatClient> m_bob;
    std::unique_ptr<MainWindow> m_aliceWindow;
    std::unique_ptr<MainWindow> m_bobWindow;

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir->filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            return {};
        return path;
    }
    static QByteArray png(int width, int height)
    {
        QImage image(width, height, QImage::Format_RGB32);
        image.fill(QColor(0x30, 0x80, 0xd0));
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
        return bytes;
    }
    // The newest message of general in the window's model that carries a file.
    static QModelIndex lastWithFile(MainWindow &w)
    {
        auto *model = w.conversationView()->model();
        for (int row = model->rowCount() - 1; row >= 0; --row) {
            const QModelIndex index = model->index(row, 0);
            if (!index.data(MessageListModel::AttachmentRole).toJsonObject().isEmpty())
                return index;
        }
        return {};
    }
    static FileInfo fileAt(const QModelIndex &index)
    {
        return FileInfo::fromJson(index.data(MessageListModel::AttachmentRole).toJsonObject());
    }
    static bool hasAttachmentHit(MainWindow &w, const QModelIndex &index)
    {
        auto *delegate = qobject_cast<MessageDelegate *>(w.conversationView()->itemDelegate());
        const QRect rect = w.conversationView()->visualRect(index);
        for (int y = rect.top(); y <= rect.bottom(); y += 3) {
            for (int x = rect.left(); x <= rect.right(); x += 3) {
                if (delegate->hitTest(index, {x, y}).part == MessageDelegate::Hit::Part::Attachment)
                    return true;
            }
        }
        return false;
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

    void anImageIsSentWithProgressAndShownAsAThumbnail()
    {
        const QByteArray bytes = png(900, 600);
        const QString path = writeFile(u"harbour.png"_s, bytes);
        QVERIFY(!path.isEmpty());
        FileActions *actions = m_aliceWindow->fileActions();
        QSignalSpy progress(m_alice->files(), &FileTransfers::progress);
        actions->send({QUrl::fromLocalFile(path)});
        // A row with a progress bar above the composer while it goes, gone once it is sent.
        QCOMPARE(actions->progressBars().size(), 1);
        QVERIFY(actions->bar()->isVisibleTo(m_aliceWindow.get()));
        QTRY_COMPARE_WITH_TIMEOUT(actions->progressBars().size(), 0, 15000);
        QVERIFY(!actions->bar()->isVisibleTo(m_aliceWindow.get()));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.constLast().at(1).toLongLong(), qint64(bytes.size())); // all of it went
        QCOMPARE(progress.constLast().at(2).toLongLong(), qint64(bytes.size()));

        // Bob sees it as an image of the server's measure, with its thumbnail fetched.
        QTRY_VERIFY_WITH_TIMEOUT(lastWithFile(*m_bobWindow).isValid(), 15000);
        const QModelIndex index = lastWithFile(*m_bobWindow);
        const FileInfo file = fileAt(index);
        QCOMPARE(file.name, u"harbour.png"_s);
        QCOMPARE(file.width, 900);
        QCOMPARE(file.height, 600);
        QVERIFY(file.thumbnail);
        QVERIFY(index.data(MessageListModel::BodyRole).toString().isEmpty());
        m_bobWindow->conversationView()->viewport()->repaint(); // paints it: the thumbnail is asked for
        QTRY_VERIFY_WITH_TIMEOUT(!m_bob->files()->thumbnail(file).isEmpty(), 15000);
        const QImage thumbnail = QImage::fromData(m_bob->files()->thumbnail(file));
        QCOMPARE(thumbnail.size(), QSize(320, 213));
        // The row is as tall as the picture shown in it, and the picture can be clicked.
        QVERIFY(m_bobWindow->conversationView()->visualRect(index).height() > 213);
        QVERIFY(hasAttachmentHit(*m_bobWindow, index));
    }

    void aDroppedDocumentIsACardThatDownloads()
    {
        QByteArray bytes = "%PDF-1.4\n";
        for (int i = 0; i < 300000; ++i)
            bytes += char('A' + i % 26);
        const QString path = writeFile(u"Quarterly report.pdf"_s, bytes);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QWidget *target = m_aliceWindow->findChild<Composer *>()->viewport();
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(target, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(target, &drop);
        QVERIFY(drop.isAccepted());
        QVERIFY(m_aliceWindow->findChild<Composer *>()->toPlainText().isEmpty()); // not pasted as text
        QCOMPARE(m_aliceWindow->fileActions()->progressBars().size(), 1);

        QTRY_VERIFY_WITH_TIMEOUT(fileAt(lastWithFile(*m_bobWindow)).name == u"Quarterly report.pdf"_s, 15000);
        const QModelIndex index = lastWithFile(*m_bobWindow);
        const FileInfo file = fileAt(index);
        QCOMPARE(file.size, bytes.size());
        QVERIFY(!file.isImage());
        QVERIFY(hasAttachmentHit(*m_bobWindow, index));
        QSignalSpy clicked(m_bobWindow->findChild<MessageActions *>(), &MessageActions::attachmentClicked);
        QVERIFY(clicked.isValid());

        const QString saved = m_dir->filePath(u"saved.pdf"_s);
        QSignalSpy done(m_bob->files(), &FileTransfers::downloaded);
        QSignalSpy progress(m_bob->files(), &FileTransfers::progress);
        m_bob->files()->download(file, saved);
        QVERIFY(done.wait(15000));
        QFile result(saved);
        QVERIFY(result.open(QIODevice::ReadOnly));
        QCOMPARE(result.readAll(), bytes);
        QVERIFY(!progress.isEmpty());
    }

    void cancelSendsNothing()
    {
        QByteArray bytes(20 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator(7).fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
        const QString path = writeFile(u"big.bin"_s, bytes);
        FileActions *actions = m_aliceWindow->fileActions();
        QSignalSpy uploaded(m_alice->files(), &FileTransfers::uploaded);
        actions->send({QUrl::fromLocalFile(path)});
        QCOMPARE(actions->progressBars().size(), 1);
        auto *cancel = actions->bar()->findChild<QToolButton *>();
        QVERIFY(cancel);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_COMPARE(actions->progressBars().size(), 0);
        // A text sent after it arrives, and no file before it.
        const int rows = m_bobWindow->conversationView()->model()->rowCount();
        m_alice->sendMessage(u"general"_s, u"never mind the file"_s);
        QTRY_VERIFY_WITH_TIMEOUT(m_bobWindow->conversationView()->model()->rowCount() > rows, 15000);
        QCOMPARE(m_bobWindow->conversationView()->model()->rowCount(), rows + 1);
        QVERIFY(fileAt(lastWithFile(*m_bobWindow)).name != u"big.bin"_s);
        QCOMPARE(uploaded.size(), 0);
    }

    void closingDuringAnUploadIsClean()
    {
        // The client goes while its upload does: the upload ends with it, nobody is told.
        std::unique_ptr<ChatClient> carol = loggedIn(u"carol"_s);
        const QString path = writeFile(u"leaving.bin"_s, QByteArray(8 * 1024 * 1024, 'l'));
        QVERIFY(!carol->sendFile(u"general"_s, path).isEmpty());
        QVERIFY(!carol->files()->thumbnail({}).size()); // nothing asked for without a file
        carol.reset();
        QCOMPARE(m_alice->sendMessage(u"general"_s, u"still here"_s).isEmpty(), false);
        QTRY_VERIFY_WITH_TIMEOUT(m_bobWindow->conversationView()->model()->index(
                                         m_bobWindow->conversationView()->model()->rowCount() - 1, 0)
                                         .data(MessageListModel::BodyRole) == u"still here"_s, 15000);
    }
};

QTEST_MAIN(TestFileViews)
#include "tst_fileviews.moc"
