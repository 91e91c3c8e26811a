// SPDX-License-Identifier: MIT
// SearchQuery: what a user types, into the FTS5 and tsquery strings the two backends match with.
// Whatever is typed, only letters and digits reach them, quoted, so no input is ever read as
// their syntax (column filters, NEAR, operators, quotes).
#include "store/searchquery.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestSearchQuery : public QObject
{
    Q_OBJECT
private slots:
    void translates_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("fts5");
        QTest::addColumn<QString>("tsquery");
        QTest::newRow("words") << u"deploy  Friday"_s << u"\"deploy\" \"Friday\""_s << u"'deploy' & 'friday'"_s;
        QTest::newRow("phrase") << u"\"release notes\""_s << u"\"release notes\""_s << u"('release' <-> 'notes')"_s;
        QTest::newRow("prefix") << u"depl*"_s << u"\"depl\"*"_s << u"'depl':*"_s;
        QTest::newRow("phrase prefix") << u"\"release no\"*"_s << u"\"release no\"*"_s
                                       << u"('release' <-> 'no':*)"_s;
        QTest::newRow("punctuation splits") << u"e-mail"_s << u"\"e mail\""_s << u"('e' <-> 'mail')"_s;
        QTest::newRow("operators are words") << u"a OR b NOT c"_s << u"\"a\" \"OR\" \"b\" \"NOT\" \"c\""_s
                                             << u"'a' & 'or' & 'b' & 'not' & 'c'"_s;
        QTest::newRow("fts5 syntax is text") << u"body:secret NEAR(x y) ^start"_s
                                             << u"\"body secret\" \"NEAR x\" \"y\" \"start\""_s
                                             << u"('body' <-> 'secret') & ('near' <-> 'x') & 'y' & 'start'"_s;
        QTest::newRow("tsquery syntax is text") << u"a&b|!cd:*"_s << u"\"a b cd\"*"_s << u"('a' <-> 'b' <-> 'cd':*)"_s;
        QTest::newRow("accents stay for the index") << u"Café"_s << u"\"Café\""_s << u"'café'"_s;
        QTest::newRow("decomposed accents composed") << u"Cafe\u0301"_s << u"\"Café\""_s << u"'café'"_s;
        QTest::newRow("lone punctuation ignored") << u"budget !!"_s << u"\"budget\""_s << u"'budget'"_s;
    }

    void translates()
    {
        QFETCH(QString, typed);
        QFETCH(QString, fts5);
        QFETCH(QString, tsquery);
        QString why;
        const auto q = SearchQuery::parse(typed, &why);
        QVERIFY2(q, qPrintable(why));
        QCOMPARE(q->toFts5(), fts5);
        QCOMPARE(q->toTsQuery(), tsquery);
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << u""_s << u"no words"_s;
        QTest::newRow("spaces") << u"   "_s << u"no words"_s;
        QTest::newRow("punctuation") << u"?! ..."_s << u"no words"_s;
        QTest::newRow("open quote") << u"\"release notes"_s << u"quote is not closed"_s;
        QTest::newRow("lone star") << u"*"_s << u"a * goes after"_s;
        QTest::newRow("one letter prefix") << u"a*"_s << u"a * goes after"_s;
        QTest::newRow("empty phrase prefix") << u"\"\"*"_s << u"a * goes after"_s;
        QTest::newRow("too long") << QString(257, u'x') << u"longer than 256"_s;
        QTest::newRow("too many") << u"a b c d e f g h i j k l m n o p q"_s << u"more than 16"_s;
    }

    void refuses()
    {
        QFETCH(QString, typed);
        QFETCH(QString, reason);
        QString why;
        QVERIFY(!SearchQuery::parse(typed, &why));
        QVERIFY2(why.contains(reason), qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(TestSearchQuery)
#include "tst_searchquery.moc"
