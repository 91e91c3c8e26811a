// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QHash>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QUrl>

struct HttpResponse
{
    int status = 0; // 0 = no HTTP answer (network error or timeout)
    QByteArray body;
    QJsonObject json;
    QHash<QByteArray, QByteArray> headers; // response headers, names in lower case
    QString errorCode() const; // json.error.code
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

// Blocking-style calls over QNetworkAccessManager for tests (waits with QSignalSpy).
class HttpClient
{
public:
    explicit HttpClient(const QUrl &base) : m_base(base) {}

    HttpResponse get(const QString &path, const QString &token = {});
    HttpResponse del(const QString &path, const QString &token = {});
    HttpResponse post(const QString &path, const QJsonObject &body, const QString &token = {});
    HttpResponse postRaw(const QString &path, const QByteArray &body, const QString &token = {});
    // Any request with headers of its own (Content-Type defaults to application/json).
    HttpResponse request(const QByteArray &verb, const QString &path, const QByteArray &body,
                         const QString &token, const QHash<QByteArray, QByteArray> &headers);
    // POST /api/v2/rooms/{room}/files?name=… with the given type.
    HttpResponse upload(const QString &room, const QString &name, const QByteArray &type,
                        const QByteArray &content, const QString &token);

    // Every message of a room, paging with after= until hasMore is false ({} on failure).
    QList<ChatMessage> fullHistory(const QString &room, const QString &token);
    // POSTs in flight at once (to urls[i] with tokens[i] and bodies[i], e.g. to two servers):
    // their statuses and bodies, status 0 for one that did not come within 15 s.
    static QList<HttpResponse> postTogether(const QList<QUrl> &urls, const QList<QString> &tokens,
                                            const QList<QJsonObject> &bodies);

    // Registers name with a fixed password and returns the token ("" on failure).
    QString registerUser(const QString &name);
    // The token of name, registered on first use (one account per name for this client).
    QString tokenFor(const QString &name);
    static QString password() { return QStringLiteral("correct horse"); }

private:
    HttpResponse send(const QByteArray &verb, const QString &path, const QByteArray &body,
                      const QString &token)
    {
        return request(verb, path, body, token, {});
    }

    QUrl m_base;
    QHash<QString, QString> m_tokens; // tokenFor
    QNetworkAccessManager m_nam;
};
