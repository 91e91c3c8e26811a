// SPDX-License-Identifier: MIT
// Replays the fuzz seed corpus and every input that once crashed a fuzz target (tests/fuzz) through
// the same entry points, so that a fixed crash stays fixed.
#include "fuzz/fuzztargets.h"

#include <QDir>
#include <QDirIterator>
#include <QTest>

using Target = int (*)(const uint8_t *, size_t);

class TestFuzzRegressions : public QObject
{
    Q_OBJECT

private slots:
    void replay_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("target");
        const QStringList names{QStringLiteral("client_frame"), QStringLiteral("server_frame"),
                                QStringLiteral("http_input")};
        int inputs = 0;
        for (int t = 0; t < names.size(); ++t) {
            for (const char *kind : {"corpus", "regressions"}) {
                QDirIterator it(QStringLiteral(CHAT_SOURCE_DIR "/tests/fuzz/%1/%2")
                                        .arg(QLatin1String(kind), names[t]),
                                QDir::Files);
                while (it.hasNext()) {
                    const QString file = it.next();
                    QTest::newRow(qPrintable(names[t] + QLatin1Char('/') + it.fileName())) << file << t;
                    ++inputs;
                }
            }
        }
        QVERIFY(inputs >= 20); // the seeds are there
    }

    void replay()
    {
        QFETCH(QString, file);
        QFETCH(int, target);
        static const Target targets[] = {fuzzClientFrame, fuzzServerFrame, fuzzHttpInput};
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        QCOMPARE(targets[target](reinterpret_cast<const uint8_t *>(data.constData()), size_t(data.size())), 0);
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
