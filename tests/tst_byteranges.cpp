// SPDX-License-Identifier: MIT
// RequestParsing::parseRange, the Range header of a file download (docs/protocol.md, "Files"):
// one range of bytes is served, a range past the end is unsatisfiable (416), and anything else
// (several ranges, other units, nonsense) is ignored, which means the whole file (RFC 9110).
#include "http/requestparsing.h"

#include <QTest>

class TestByteRanges : public QObject
{
    Q_OBJECT

private slots:
    void ranges_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<qint64>("offset"); // -1: whole file
        QTest::addColumn<qint64>("length");
        QTest::addColumn<bool>("unsatisfiable");
        QTest::newRow("first ten") << QByteArray("bytes=0-9") << qint64(100) << qint64(0) << qint64(10) << false;
        QTest::newRow("spaces") << QByteArray(" bytes= 5 - 6 ") << qint64(100) << qint64(5) << qint64(2) << false;
        QTest::newRow("to the end") << QByteArray("bytes=90-") << qint64(100) << qint64(90) << qint64(10) << false;
        QTest::newRow("last byte") << QByteArray("bytes=99-99") << qint64(100) << qint64(99) << qint64(1) << false;
        QTest::newRow("cut at the end") << QByteArray("bytes=50-5000") << qint64(100) << qint64(50) << qint64(50) << false;
        QTest::newRow("suffix") << QByteArray("bytes=-30") << qint64(100) << qint64(70) << qint64(30) << false;
        QTest::newRow("suffix longer than file") << QByteArray("bytes=-500") << qint64(100) << qint64(0) << qint64(100) << false;
        QTest::newRow("huge file") << QByteArray("bytes=1099511627775-") << (qint64(1) << 40) << ((qint64(1) << 40) - 1) << qint64(1) << false;
        QTest::newRow("start at size") << QByteArray("bytes=100-") << qint64(100) << qint64(-1) << qint64(0) << true;
        QTest::newRow("start past size") << QByteArray("bytes=200-300") << qint64(100) << qint64(-1) << qint64(0) << true;
        QTest::newRow("zero suffix") << QByteArray("bytes=-0") << qint64(100) << qint64(-1) << qint64(0) << true;
        QTest::newRow("empty file") << QByteArray("bytes=0-") << qint64(0) << qint64(-1) << qint64(0) << true;
        QTest::newRow("backwards") << QByteArray("bytes=9-0") << qint64(100) << qint64(-1) << qint64(0) << false;
        QTest::newRow("two ranges") << QByteArray("bytes=0-1,4-5") << qint64(100) << qint64(-1) << qint64(0) << false;
        QTest::newRow("other unit") << QByteArray("items=0-1") << qint64(100) << qint64(-1) << qint64(0) << false;
        QTest::newRow("no dash") << QByteArray("bytes=5") << qint64(100) << qint64(-1) << qint64(0) << false;
        QTest::newRow("letters") << QByteArray("bytes=a-b") << qint64(100) << qint64(-1) << qint64(0) << false;
        QTest::newRow("negative") << QByteArray("bytes=--5") << qint64(100) << qint64(-1) << qint64(0) << false;
        QTest::newRow("overflow") << QByteArray("bytes=99999999999999999999-") << qint64(100) << qint64(-1) << qint64(0) << false;
        QTest::newRow("both empty") << QByteArray("bytes=-") << qint64(100) << qint64(-1) << qint64(0) << false;
    }

    void ranges()
    {
        QFETCH(QByteArray, header);
        QFETCH(qint64, size);
        QFETCH(qint64, offset);
        QFETCH(qint64, length);
        QFETCH(bool, unsatisfiable);
        bool refused = false;
        const auto range = RequestParsing::parseRange(header, size, &refused);
        QCOMPARE(refused, unsatisfiable);
        QCOMPARE(range.has_value(), offset >= 0);
        if (range) {
            QCOMPARE(range->offset, offset);
            QCOMPARE(range->length, length);
        }
    }
};

QTEST_GUILESS_MAIN(TestByteRanges)
#include "tst_byteranges.moc"
