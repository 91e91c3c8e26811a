// SPDX-License-Identifier: MIT
// Files on both backends (the _postgresql variant keeps them in PostgreSQL): upload and download
// with ranges, who may read a file, the size limit before the body and the per-user quota, images
// decoded by the server (type, size, thumbnail, an image bomb refused, a fake image downloaded as
// bytes), a message that carries a file, and a deletion that erases it.
#include "httpclient.h"
#include "testserver.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace {

quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xffffffffu;
    for (char byte : data) {
        crc ^= quint8(byte);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &data)
{
    QByteArray out(4, '\0');
    qToBigEndian(quint32(data.size()), out.data());
    out += type + data;
    QByteArray crc(4, '\0');
    qToBigEndian(crc32(type + data), crc.data());
    return out + crc;
}

// A valid PNG header for a width × height RGBA image whose data holds only its first rows
// (all a decoder trusting the header needs to allocate width × height × 4 bytes).
QByteArray bombPng(quint32 width, quint32 height)
{
    QByteArray header(13, '\0');
    qToBigEndian(width, header.data());
    qToBigEndian(height, header.data() + 4);
    header[8] = 8; // bit depth
    header[9] = 6; // RGBA
    const QByteArray rows(std::min<qsizetype>(10 * (1 + qsizetype(width) * 4), 1 << 20), '\0');
    const QByteArray zlib = qCompress(rows, 9).mid(4); // qCompress: 4 bytes of length, then zlib
    return "\x89PNG\r\n\x1a\n"_ba + pngChunk("IHDR", header) + pngChunk("IDAT", zlib)
            + pngChunk("IEND", {});
}

QByteArray encoded(const QImage &image, const char *format)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

QImage picture(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.setPixel(x, y, qRgb(x % 256, y % 256, (x + y) % 256));
    return image;
}

} // namespace

class TestFiles : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<InProcessServer> m_server;
    std::unique_ptr<HttpClient> m_http;
    int m_next = 0;
    static constexpr qint64 kMaxFile = 256 * 1024;
    static constexpr qint64 kQuota = 1024 * 1024;

    QString token(const QString &user) { return user.isEmpty() ? QString() : m_http->tokenFor(user); }
    HttpResponse upload(const QString &user, const QString &room, const QString &name,
                        const QByteArray &type, const QByteArray &content)
    {
        return m_http->upload(room, name, type, content, token(user));
    }
    QString uploaded(const QString &user, const QString &room, const QString &name,
                     const QByteArray &type, const QByteArray &content)
    {
        const HttpResponse r = upload(user, room, name, type, content);
        if (r.status != 201)
            qWarning() << "upload" << name << r.status << r.body;
        return r.json.value("file"_L1).toObject().value("id"_L1).toString();
    }
    HttpResponse download(const QString &user, const QString &id, const QByteArray &range = {})
    {
        QHash<QByteArray, QByteArray> headers;
        if (!range.isEmpty())
            headers.insert("Range", range);
        return m_http->request("GET", u"/api/v2/files/"_s + id, {}, user.isEmpty() ? QString() : token(user),
                               headers);
    }
    HttpResponse post(const QString &user, const QString &room, QJsonObject event)
    {
        event.insert("clientId"_L1, u"f%1"_s.arg(++m_next));
        return m_http->post(u"/api/v2/rooms/%1/messages"_s.arg(room), event, token(user));
    }
    // The last event of the room as history gives it.
    QJsonObject lastEvent(const QString &user, const QString &room)
    {
        const HttpResponse r = m_http->get(u"/api/v2/rooms/%1/events?limit=1"_s.arg(room), token(user));
        return r.json.value("events"_L1).toArray().last().toObject();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ServerConfig config;
        config.sendRate = 100000;
        config.sendBurst = 100000;
        config.maxFileBytes = kMaxFile;
        config.fileQuotaBytes = kQuota;
        m_server = std::make_unique<InProcessServer>(config);
        QVERIFY(m_server->start());
        m_http = std::make_unique<HttpClient>(m_server->http());
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"lounge"_s}}, token(u"alice"_s)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/lounge/join"_s, {}, token(u"bob"_s)).status, 204);
        QCOMPARE(m_http->post(u"/api/v2/rooms"_s, {{"name"_L1, u"attic"_s}}, token(u"alice"_s)).status, 201);
        QVERIFY(!token(u"carol"_s).isEmpty()); // in neither room
    }

    void uploadAndDownload()
    {
        const QByteArray content = "Minutes of the meeting\nrésumé: ship it\n"_ba.repeated(50);
        const HttpResponse r = upload(u"alice"_s, u"lounge"_s, u"minutes ü.txt"_s, "text/plain; charset=utf-8", content);
        QCOMPARE(r.status, 201);
        const QJsonObject file = r.json.value("file"_L1).toObject();
        const QString id = file.value("id"_L1).toString();
        QCOMPARE(id.size(), 32);
        QCOMPARE(file.value("name"_L1).toString(), u"minutes ü.txt"_s);
        QCOMPARE(file.value("size"_L1).toInteger(), content.size());
        QCOMPARE(file.value("type"_L1).toString(), u"text/plain; charset=utf-8"_s);
        QCOMPARE(file.value("sha256"_L1).toString(),
                 QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()));
        QVERIFY(!file.contains("width"_L1));

        const HttpResponse got = download(u"bob"_s, id);
        QCOMPARE(got.status, 200);
        QCOMPARE(got.body, content);
        QCOMPARE(got.header("Content-Type"), "text/plain; charset=utf-8"_ba);
        QCOMPARE(got.header("X-Content-Type-Options"), "nosniff"_ba);
        QVERIFY2(got.header("Content-Disposition").startsWith("attachment; filename=\"minutes _.txt\""),
                 got.header("Content-Disposition").constData());
        QVERIFY(got.header("Content-Disposition").contains("filename*=UTF-8''minutes%20%C3%BC.txt"));
        QCOMPARE(got.header("Accept-Ranges"), "bytes"_ba);
        QVERIFY(got.header("Content-Security-Policy").contains("sandbox"));

        // The same bytes again are another file (another id) sharing the stored content.
        const QString again = uploaded(u"bob"_s, u"lounge"_s, u"copy.txt"_s, "text/plain", content);
        QVERIFY(!again.isEmpty());
        QVERIFY(again != id);
        QCOMPARE(download(u"alice"_s, again).body, content);
    }

    void ranges()
    {
        QByteArray content;
        for (int i = 0; i < 100000; ++i)
            content += char('a' + i % 26);
        const QString id = uploaded(u"alice"_s, u"lounge"_s, u"letters.bin"_s, "application/octet-stream", content);
        QVERIFY(!id.isEmpty());

        HttpResponse r = download(u"bob"_s, id, "bytes=10-19");
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, content.mid(10, 10));
        QCOMPARE(r.header("Content-Range"), "bytes 10-19/100000"_ba);

        r = download(u"bob"_s, id, "bytes=99990-"); // to the end
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, content.mid(99990));

        r = download(u"bob"_s, id, "bytes=-5"); // the last five
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, content.right(5));
        QCOMPARE(r.header("Content-Range"), "bytes 99995-99999/100000"_ba);

        r = download(u"bob"_s, id, "bytes=50000-999999"); // past the end: cut to it
        QCOMPARE(r.status, 206);
        QCOMPARE(r.body, content.mid(50000));

        r = download(u"bob"_s, id, "bytes=100000-");
        QCOMPARE(r.status, 416);
        QCOMPARE(r.header("Content-Range"), "bytes */100000"_ba);
        QCOMPARE(r.errorCode(), u"range_not_satisfiable"_s);

        // What this server does not serve as a range is answered whole.
        for (const QByteArray &ignored : {"bytes=0-1,5-6"_ba, "lines=1-2"_ba, "bytes=x-y"_ba}) {
            r = download(u"bob"_s, id, ignored);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body.size(), content.size());
        }
    }

    void onlyMembersOfTheRoomRead()
    {
        const QString id = uploaded(u"alice"_s, u"attic"_s, u"secret.txt"_s, "text/plain", "attic only");
        QVERIFY(!id.isEmpty());
        QCOMPARE(download(u"alice"_s, id).status, 200);
        HttpResponse r = download(u"bob"_s, id);
        QCOMPARE(r.status, 403);
        QVERIFY(!r.body.contains("attic only"));
        QCOMPARE(m_http->get(u"/api/v2/files/%1/thumbnail"_s.arg(id), token(u"carol"_s)).status, 403);
        QCOMPARE(download(u"carol"_s, id).status, 403);
        QCOMPARE(download({}, id).status, 401);
        QCOMPARE(download(u"alice"_s, QString(32, u'0')).errorCode(), u"file_not_found"_s);
        QCOMPARE(download(u"alice"_s, u"..%2Fchat.db"_s).status, 404);

        // Uploading needs membership too, and a room that exists.
        QCOMPARE(upload(u"bob"_s, u"attic"_s, u"x.txt"_s, "text/plain", "x").status, 403);
        QCOMPARE(upload(u"bob"_s, u"nowhere"_s, u"x.txt"_s, "text/plain", "x").status, 404);

        // Bob joins the attic: the file is his to read from then on.
        QCOMPARE(m_http->post(u"/api/v2/rooms/attic/join"_s, {}, token(u"bob"_s)).status, 204);
        QCOMPARE(download(u"bob"_s, id).body, "attic only"_ba);
        QCOMPARE(m_http->post(u"/api/v2/rooms/attic/leave"_s, {}, token(u"bob"_s)).status, 204);
        QCOMPARE(download(u"bob"_s, id).status, 403);
    }

    void badUploads()
    {
        QCOMPARE(upload(u"alice"_s, u"lounge"_s, {}, "text/plain", "x").errorCode(), u"invalid_request"_s);
        QCOMPARE(m_http->request("POST", u"/api/v2/rooms/lounge/files"_s, "x", token(u"alice"_s),
                                 {{"Content-Type", "text/plain"}}).status, 400); // no name at all
        QCOMPARE(upload(u"alice"_s, u"lounge"_s, u"empty.txt"_s, "text/plain", {}).status, 400);
        QCOMPARE(upload(u"alice"_s, u"lounge"_s, u"x.txt"_s, "not a type", "x").status, 400);
        QCOMPARE(upload({}, u"lounge"_s, u"x.txt"_s, "text/plain", "x").status, 401);
        // A name is cleaned, never a path.
        const HttpResponse r = upload(u"alice"_s, u"lounge"_s, u"../../etc/passwd"_s, "text/plain", "x");
        QCOMPARE(r.status, 201);
        const QString name = r.json.value("file"_L1).toObject().value("name"_L1).toString();
        QVERIFY2(!name.contains(u'/'), qPrintable(name));
    }

    void tooLargeIsRefusedBeforeTheBody()
    {
        // Announce one byte more than the limit and send nothing: the answer comes at once.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->http().port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /api/v2/rooms/lounge/files?name=big.bin HTTP/1.1\r\nHost: x\r\n"
                     "Authorization: Bearer " + token(u"alice"_s).toUtf8()
                     + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                     + QByteArray::number(kMaxFile + 1) + "\r\n\r\n");
        QByteArray answer;
        connect(&socket, &QTcpSocket::readyRead, &socket, [&] { answer += socket.readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(answer.contains("payload_too_large"), 10000);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());

        // Without a token not even the head is taken: 401 and closed, before any body.
        QTcpSocket anonymous;
        anonymous.connectToHost(QHostAddress::LocalHost, quint16(m_server->http().port()));
        QVERIFY(anonymous.waitForConnected(5000));
        anonymous.write("POST /api/v2/rooms/lounge/files?name=x.bin HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n");
        QByteArray refused;
        connect(&anonymous, &QTcpSocket::readyRead, &anonymous, [&] { refused += anonymous.readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(refused.contains("unauthorized"), 10000);
        QVERIFY2(refused.startsWith("HTTP/1.1 401"), refused.left(200).constData());

        // At the limit it is taken; a message-sized request limit does not apply to files.
        QVERIFY(!uploaded(u"alice"_s, u"lounge"_s, u"just.bin"_s, "application/octet-stream",
                          QByteArray(kMaxFile, 'j')).isEmpty());
        // Other requests keep their own, smaller limit.
        QCOMPARE(m_http->postRaw(u"/api/v2/rooms"_s, QByteArray(kMaxFile, ' '), token(u"alice"_s)).status, 413);
    }

    void quotaPerUser()
    {
        // dave has the whole quota to himself: three files of a quarter fit, the fifth does not.
        QCOMPARE(m_http->post(u"/api/v2/rooms/lounge/join"_s, {}, token(u"dave"_s)).status, 204);
        const QByteArray quarter(kQuota / 4, 'q');
        for (int i = 0; i < 4; ++i)
            QVERIFY(!uploaded(u"dave"_s, u"lounge"_s, u"q%1.bin"_s.arg(i), "application/octet-stream",
                              quarter).isEmpty());
        const HttpResponse r = upload(u"dave"_s, u"lounge"_s, u"over.bin"_s, "application/octet-stream", "1");
        QCOMPARE(r.status, 413);
        QCOMPARE(r.errorCode(), u"quota_exceeded"_s);
        // Someone else's quota is theirs.
        QVERIFY(!uploaded(u"bob"_s, u"lounge"_s, u"bob.bin"_s, "application/octet-stream", "1").isEmpty());
    }

    void imagesAreDecodedByTheServer()
    {
        const QByteArray png = encoded(picture(800, 600), "PNG");
        // Claimed as something else: the server says what it is.
        HttpResponse r = upload(u"alice"_s, u"lounge"_s, u"holiday.png"_s, "application/octet-stream", png);
        QCOMPARE(r.status, 201);
        const QJsonObject file = r.json.value("file"_L1).toObject();
        QCOMPARE(file.value("type"_L1).toString(), u"image/png"_s);
        QCOMPARE(file.value("width"_L1).toInt(), 800);
        QCOMPARE(file.value("height"_L1).toInt(), 600);
        QCOMPARE(file.value("thumbnail"_L1).toBool(), true);
        const QString id = file.value("id"_L1).toString();

        const HttpResponse full = download(u"bob"_s, id);
        QCOMPARE(full.body, png);
        QCOMPARE(full.header("Content-Type"), "image/png"_ba);
        QVERIFY(full.header("Content-Disposition").startsWith("inline"));

        const HttpResponse thumb = m_http->get(u"/api/v2/files/%1/thumbnail"_s.arg(id), token(u"bob"_s));
        QCOMPARE(thumb.status, 200);
        QCOMPARE(thumb.header("Content-Type"), "image/jpeg"_ba);
        QVERIFY(thumb.header("ETag") != full.header("ETag"));
        const QImage small = QImage::fromData(thumb.body);
        QCOMPARE(small.size(), QSize(320, 240));
        QVERIFY(thumb.body.size() < 64 * 1024); // bounded, whatever the original

        // A small image is its own thumbnail's size; with transparency it stays a PNG.
        QImage icon(48, 32, QImage::Format_ARGB32);
        icon.fill(qRgba(10, 200, 30, 100));
        const QString iconId = uploaded(u"alice"_s, u"lounge"_s, u"icon.png"_s, "image/png", encoded(icon, "PNG"));
        const HttpResponse iconThumb = m_http->get(u"/api/v2/files/%1/thumbnail"_s.arg(iconId), token(u"bob"_s));
        QCOMPARE(iconThumb.header("Content-Type"), "image/png"_ba);
        QCOMPARE(QImage::fromData(iconThumb.body).size(), QSize(48, 32));
        QVERIFY(QImage::fromData(iconThumb.body).hasAlphaChannel());

        // A BMP claimed as PNG is a BMP.
        r = upload(u"alice"_s, u"lounge"_s, u"anim.png"_s, "image/png", encoded(picture(20, 10), "BMP"));
        QCOMPARE(r.json.value("file"_L1).toObject().value("type"_L1).toString(), u"image/bmp"_s);
    }

    void fakeImageIsServedAsBytes()
    {
        const QByteArray html = "<html><script>alert(document.cookie)</script></html>";
        const HttpResponse r = upload(u"alice"_s, u"lounge"_s, u"cat.png"_s, "image/png", html);
        QCOMPARE(r.status, 201);
        const QJsonObject file = r.json.value("file"_L1).toObject();
        QCOMPARE(file.value("type"_L1).toString(), u"application/octet-stream"_s);
        QVERIFY(!file.contains("width"_L1));
        const QString id = file.value("id"_L1).toString();
        const HttpResponse got = download(u"bob"_s, id);
        QCOMPARE(got.header("Content-Type"), "application/octet-stream"_ba);
        QVERIFY(got.header("Content-Disposition").startsWith("attachment"));
        QCOMPARE(got.header("X-Content-Type-Options"), "nosniff"_ba);
        QCOMPARE(m_http->get(u"/api/v2/files/%1/thumbnail"_s.arg(id), token(u"bob"_s)).status, 404);
        // Claimed as HTML: downloaded, never shown.
        const QString page = uploaded(u"alice"_s, u"lounge"_s, u"page.html"_s, "text/html", html);
        QVERIFY(download(u"bob"_s, page).header("Content-Disposition").startsWith("attachment"));
    }

    void imageBombIsRefused()
    {
        const QByteArray bomb = bombPng(50000, 50000);
        QVERIFY2(bomb.size() < 8 * 1024, QByteArray::number(bomb.size()).constData());
        QCOMPARE(QImage::fromData(bomb.first(33)).isNull(), true); // sanity: not a whole image
        const HttpResponse r = upload(u"alice"_s, u"lounge"_s, u"bomb.png"_s, "image/png", bomb);
        QCOMPARE(r.status, 422);
        QCOMPARE(r.errorCode(), u"invalid_image"_s);
        // Wide and flat is as many pixels.
        QCOMPARE(upload(u"alice"_s, u"lounge"_s, u"strip.png"_s, "image/png", bombPng(1u << 30, 1)).status, 422);
        // A truncated, undecodable real PNG is refused the same way, and the server still serves.
        const QByteArray png = encoded(picture(64, 64), "PNG");
        QCOMPARE(upload(u"alice"_s, u"lounge"_s, u"cut.png"_s, "image/png", png.first(png.size() / 2)).status, 422);
        QCOMPARE(m_http->get(u"/healthz"_s).status, 200);
    }

    void messageCarriesTheFile()
    {
        const QString id = uploaded(u"alice"_s, u"lounge"_s, u"plan.pdf"_s, "application/pdf", "%PDF-1.4 plan");
        HttpResponse r = post(u"alice"_s, u"lounge"_s, {{"body"_L1, u"the plan"_s}, {"attachment"_L1, id}});
        QCOMPARE(r.status, 201);
        QJsonObject attachment = r.json.value("attachment"_L1).toObject();
        QCOMPARE(attachment.value("id"_L1).toString(), id);
        QCOMPARE(attachment.value("name"_L1).toString(), u"plan.pdf"_s);
        QCOMPARE(attachment.value("size"_L1).toInt(), 13);
        QCOMPARE(lastEvent(u"bob"_s, u"lounge"_s).value("attachment"_L1).toObject(), attachment);

        // A file alone, no text.
        const QString photo = uploaded(u"alice"_s, u"lounge"_s, u"p.png"_s, "image/png", encoded(picture(40, 30), "PNG"));
        r = post(u"alice"_s, u"lounge"_s, {{"body"_L1, QString()}, {"attachment"_L1, photo}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value("attachment"_L1).toObject().value("width"_L1).toInt(), 40);

        // Not one's own upload, not this room's, already posted, or no such file: refused.
        const QString bobs = uploaded(u"bob"_s, u"lounge"_s, u"b.txt"_s, "text/plain", "b");
        const QString attics = uploaded(u"alice"_s, u"attic"_s, u"a.txt"_s, "text/plain", "a");
        for (const QString &wrong : {bobs, attics, id, QString(32, u'f')}) {
            r = post(u"alice"_s, u"lounge"_s, {{"body"_L1, u"x"_s}, {"attachment"_L1, wrong}});
            QCOMPARE(r.status, 404);
            QCOMPARE(r.errorCode(), u"file_not_found"_s);
        }
        for (const QJsonValue &malformed : {QJsonValue(u"../x"_s), QJsonValue(7), QJsonValue(QJsonObject())}) {
            r = post(u"alice"_s, u"lounge"_s, {{"body"_L1, u"x"_s}, {"attachment"_L1, malformed}});
            QCOMPARE(r.status, 400);
        }
        // An empty message without a file is still refused.
        QCOMPARE(post(u"alice"_s, u"lounge"_s, {{"body"_L1, QString()}}).status, 400);
        // A retry with the same clientId is the same event, not a second use of the file.
        QJsonObject once{{"body"_L1, u"again"_s}, {"attachment"_L1, bobs}, {"clientId"_L1, u"retry-1"_s}};
        QCOMPARE(m_http->post(u"/api/v2/rooms/lounge/messages"_s, once, token(u"bob"_s)).status, 201);
        QCOMPARE(m_http->post(u"/api/v2/rooms/lounge/messages"_s, once, token(u"bob"_s)).status, 200);
    }

    void deletionErasesTheFile()
    {
        const QByteArray content = "delete me";
        const QString id = uploaded(u"alice"_s, u"lounge"_s, u"gone.txt"_s, "text/plain", content);
        // The same bytes in another file stay when this one goes.
        const QString twin = uploaded(u"bob"_s, u"lounge"_s, u"twin.txt"_s, "text/plain", content);
        const HttpResponse sent = post(u"alice"_s, u"lounge"_s, {{"body"_L1, u"oops"_s}, {"attachment"_L1, id}});
        QCOMPARE(sent.status, 201);
        QCOMPARE(download(u"bob"_s, id).status, 200);
        const HttpResponse del = post(u"alice"_s, u"lounge"_s,
                                      {{"kind"_L1, u"delete"_s}, {"relatesTo"_L1, sent.json.value("id"_L1)}});
        QCOMPARE(del.status, 201);
        QCOMPARE(download(u"bob"_s, id).status, 404);
        QCOMPARE(download(u"alice"_s, id).status, 404);
        QVERIFY(lastEvent(u"bob"_s, u"lounge"_s).value("kind"_L1).toString() == u"delete"_s);
        QCOMPARE(download(u"bob"_s, twin).body, content);
        // In history the message is a tombstone without its file.
        const HttpResponse history = m_http->get(u"/api/v2/rooms/lounge/events?limit=5"_s, token(u"bob"_s));
        bool seen = false;
        for (const QJsonValue &value : history.json.value("events"_L1).toArray()) {
            const QJsonObject event = value.toObject();
            if (event.value("id"_L1) != sent.json.value("id"_L1))
                continue;
            seen = true;
            QVERIFY2(!event.contains("attachment"_L1), QJsonDocument(event).toJson().constData());
            QVERIFY(event.value("deleted"_L1).toBool());
        }
        QVERIFY(seen);
    }
};

QTEST_GUILESS_MAIN(TestFiles)
#include "tst_files.moc"
