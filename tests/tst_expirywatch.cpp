// SPDX-License-Identifier: MIT
// ExpiryWatch: the token expiries of all sessions on one timer. Each session is told once, at
// its expiry and in the order of expiry; a session forgotten (it went away) is never told.
#include "ws/expirywatch.h"
#include "ws/subscriber.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
// Only its address matters to ExpiryWatch.
class FakeSession : public Subscriber
{
public:
    void deliver(const QString &, qint64, const TextFrame &) override {}
    void flush() override {}
    void push(const TextFrame &) override {}
    void leftRoom(const QString &) override {}
    const AuthUser *user() const override { return nullptr; }
    void keepAlive(qint64, qint64) override {}
    void close(QWebSocketProtocol::CloseCode, const QString &) override {}
    void expire() override {}
    void tokenRevoked(const QByteArray &) override {}
    qint64 queuedBytes() const override { return 0; }
    void dropForNotReading(const char *) override {}
};

QDateTime in(qint64 ms)
{
    return QDateTime::currentDateTimeUtc().addMSecs(ms);
}
} // namespace

class tst_ExpiryWatch : public QObject
{
    Q_OBJECT

private slots:
    void sessionsExpireInTheOrderOfTheirTokens()
    {
        FakeSession early, late, gone, never;
        QList<Subscriber *> expired;
        ExpiryWatch watch([&](Subscriber *s) { expired.append(s); });
        watch.watch(&late, in(400)); // watched first, expires last: the timer moves to early
        watch.watch(&early, in(100));
        watch.watch(&gone, in(200));
        watch.watch(&never, QDateTime());
        watch.forget(&gone);
        QCOMPARE(watch.size(), 2);
        QTRY_COMPARE(expired, (QList<Subscriber *>{&early, &late}));
        QCOMPARE(watch.size(), 0); // nothing more can come: gone was forgotten, never not watched
    }

    void aTokenAlreadyPastItsExpiryEndsAtOnce()
    {
        FakeSession session;
        int told = 0;
        ExpiryWatch watch([&](Subscriber *) { ++told; });
        watch.watch(&session, in(-60'000));
        QTRY_COMPARE(told, 1);
    }

    void watchingAgainReplacesTheExpiry()
    {
        FakeSession session, marker;
        QList<Subscriber *> expired;
        ExpiryWatch watch([&](Subscriber *s) { expired.append(s); });
        watch.watch(&session, in(50));
        watch.watch(&session, in(24LL * 3600 * 1000)); // extended: the first expiry is gone
        watch.watch(&marker, in(150)); // after the first expiry would have come
        QCOMPARE(watch.size(), 2);
        QTRY_COMPARE(expired, QList<Subscriber *>{&marker});
        QCOMPARE(watch.size(), 1);
    }

    void aSessionEndedByTheCallbackCanForgetOthers()
    {
        // The callback ends a session, which may make others go (forget) at the same time.
        FakeSession first, second;
        QList<Subscriber *> expired;
        ExpiryWatch *watchPtr = nullptr;
        ExpiryWatch watch([&](Subscriber *s) {
            expired.append(s);
            watchPtr->forget(s == &first ? &second : &first); // whichever is told first
        });
        watchPtr = &watch;
        watch.watch(&first, in(-1));
        watch.watch(&second, in(-1));
        QTRY_COMPARE(expired.size(), 1);
        QCOMPARE(watch.size(), 0); // the other is forgotten: it is never told
    }
};

QTEST_GUILESS_MAIN(tst_ExpiryWatch)
#include "tst_expirywatch.moc"
