// SPDX-License-Identifier: MIT
// TokenStore's file fallback: tokens per server and user, in a directory only the user can enter.
#include "tokenstore.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestTokenStore : public QObject
{
    Q_OBJECT

private:
    static QString loaded(TokenStore &store, const QUrl &server, const QString &user)
    {
        QString token = u"<not called>"_s;
        store.load(server, user, &store, [&](const QString &t) { token = t; });
        return token; // the file backend answers synchronously
    }

private slots:
    void fileFallbackKeepsTokensPrivate()
    {
        QTemporaryDir dir;
        TokenStore store(dir.path(), TokenStore::Backend::FileOnly);
        const QUrl a(u"http://chat.example.org:8080"_s);
        const QUrl b(u"http://other.example.org"_s);
        QCOMPARE(loaded(store, a, u"alice"_s), QString());
        store.save(a, u"alice"_s, u"token-a"_s);
        store.save(b, u"alice"_s, u"token-b"_s);
        store.save(a, u"Bob"_s, u"token-c"_s);
        QCOMPARE(loaded(store, a, u"alice"_s), u"token-a"_s);
        QCOMPARE(loaded(store, a, u"ALICE"_s), u"token-a"_s); // names ignore case
        QCOMPARE(loaded(store, b, u"alice"_s), u"token-b"_s);
        QCOMPARE(loaded(store, a, u"bob"_s), u"token-c"_s);
        store.remove(a, u"alice"_s);
        QCOMPARE(loaded(store, a, u"alice"_s), QString());
        QCOMPARE(loaded(store, b, u"alice"_s), u"token-b"_s);

        const QFileInfo file(store.fallbackFile());
        QVERIFY(file.exists());
        QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        const QFileInfo folder(file.absolutePath());
        QCOMPARE(folder.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::ExeGroup | QFile::ExeOther),
                 QFile::Permissions());
    }
};

QTEST_GUILESS_MAIN(TestTokenStore)
#include "tst_tokenstore.moc"
