// SPDX-License-Identifier: MIT
#include "httpclient.h"

#include "apitypes.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

QString HttpResponse::errorCode() const
{
    return json.value("error"_L1).toObject().value("code"_L1).toString();
}

HttpResponse HttpClient::get(const QString &path, const QString &token)
{
    return send("GET", path, {}, token);
}

HttpResponse HttpClient::del(const QString &path, const QString &token)
{
    return send("DELETE", path, {}, token);
}

HttpResponse HttpClient::post(const QString &path, const QJsonObject &body, const QString &token)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
}

HttpResponse HttpClient::postRaw(const QString &path, const QByteArray &body, const QString &token)
{
    return send("POST", path, body, token);
}

QList<ChatMessage> HttpClient::fullHistory(const QString &room, const QString &token)
{
    QList<ChatMessage> all;
    for (;;) {
        const HttpResponse r = get(u"/api/v2/rooms/%1/events?limit=200&after=%2"_s.arg(room).arg(
                                           all.isEmpty() ? 0 : all.last().seq),
                                   token);
        const auto page = HistoryPage::fromJson(r.json);
        if (!page)
            return {};
        all += page->events;
        if (!page->hasMore)
            return all;
    }
}

QString HttpClient::tokenFor(const QString &name)
{
    if (!m_tokens.contains(name))
        m_tokens.insert(name, registerUser(name));
    return m_tokens.value(name);
}

QString HttpClient::registerUser(const QString &name)
{
    const HttpResponse r = post(u"/api/v2/register"_s,
                                {{"username"_L1, name}, {"password"_L1, password()}});
    if (r.status != 201)
        qWarning() << "register" << name << "failed:" << r.status << r.body;
    return r.json.value("token"_L1).toString();
}

HttpResponse HttpClient::upload(const QString &room, const QString &name, const QByteArray &type,
                                const QByteArray &content, const QString &token)
{
    return request("POST", u"/api/v2/rooms/%1/files?name=%2"_s.arg(room, QString::fromLatin1(QUrl::toPercentEncoding(name))),
                   content, token, {{"Content-Type", type}});
}

HttpResponse HttpClient::request(const QByteArray &verb, const QString &path, const QByteArray &body,
                                 const QString &token, const QHash<QByteArray, QByteArray> &headers)
{
    QUrl url = m_base;
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    req.setTransferTimeout(20000);
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        req.setRawHeader(it.key(), it.value());
    QNetworkReply *reply = verb == "GET" ? m_nam.get(req)
                                         : m_nam.sendCustomRequest(req, verb, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(30000);
    HttpResponse r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    for (const auto &pair : reply->rawHeaderPairs())
        r.headers.insert(pair.first.toLower(), pair.second);
    reply->deleteLater();
    return r;
}

QList<HttpResponse> HttpClient::postTogether(const QList<QUrl> &urls, const QList<QString> &tokens,
                                             const QList<QJsonObject> &bodies)
{
    QNetworkAccessManager nam;
    QList<QNetworkReply *> replies;
    for (qsizetype i = 0; i < urls.size(); ++i) {
        QNetworkRequest request(urls.at(i));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        request.setRawHeader("Authorization", "Bearer " + tokens.at(i).toUtf8());
        replies.append(nam.post(request, QJsonDocument(bodies.at(i)).toJson()));
    }
    QList<HttpResponse> out;
    for (QNetworkReply *reply : replies) {
        QDeadlineTimer deadline(15000);
        while (!reply->isFinished() && !deadline.hasExpired())
            QTest::qWait(5); // (the caller checks the statuses: 0 when it never came)
        HttpResponse r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        out.append(r);
        reply->deleteLater();
    }
    return out;
}
