// SPDX-License-Identifier: MIT
#include "filetransfers.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMimeDatabase>
#include <QNetworkReply>
#include <QSaveFile>
#include <QUrl>

using namespace Qt::StringLiterals;

FileTransfers::FileTransfers(ApiClient *api, QObject *parent)
    : QObject(parent), m_api(api), m_thumbnails(32 * 1024) // 32 MiB of thumbnails
{
}

FileTransfers::~FileTransfers()
{
    // Aborted as cancelled: their finished() tells nobody (the owner is going too).
    const QHash<QString, Transfer> transfers = std::exchange(m_transfers, {});
    for (auto it = transfers.cbegin(); it != transfers.cend(); ++it) {
        m_cancelled.insert(it.key());
        if (it->reply)
            it->reply->abort();
    }
}

QString FileTransfers::describe(const ApiFailure &failure, const QString &name)
{
    switch (failure.code) {
    case ErrorCode::PayloadTooLarge:
    case ErrorCode::QuotaExceeded:
    case ErrorCode::InvalidImage:
    case ErrorCode::FileNotFound:
        return tr("%1: %2").arg(name, failure.message); // the server's words say it best
    default:
        break;
    }
    if (failure.kind == ApiFailure::Kind::Forbidden)
        return tr("%1: you are not a member of this room.").arg(name);
    return tr("%1 could not be transferred. %2").arg(name, failure.message);
}

QString FileTransfers::track(QNetworkReply *reply, const QString &room, const QString &name)
{
    const QString id = u"t%1"_s.arg(++m_next);
    m_transfers.insert(id, {reply, room, name});
    const bool isUpload = reply->operation() != QNetworkAccessManager::GetOperation;
    if (isUpload) {
        connect(reply, &QNetworkReply::uploadProgress, this,
                [this, id](qint64 sent, qint64 total) {
                    if (total > 0) // Qt ends an upload with (0, 0)
                        emit progress(id, sent, total);
                });
    } else {
        connect(reply, &QNetworkReply::downloadProgress, this,
                [this, id](qint64 got, qint64 total) { emit progress(id, got, total); });
    }
    return id;
}

QString FileTransfers::upload(const QString &room, const QString &path, QString *error)
{
    auto file = std::make_unique<QFile>(path);
    const QString name = QFileInfo(path).fileName();
    if (!file->open(QIODevice::ReadOnly)) {
        *error = tr("%1 cannot be read: %2").arg(name, file->errorString());
        return {};
    }
    if (file->size() == 0) {
        *error = tr("%1 is empty.").arg(name);
        return {};
    }
    const QString type = QMimeDatabase().mimeTypeForFile(path).name();
    const QString route = u"/api/v2/rooms/%1/files?name=%2"_s.arg(
            QString::fromLatin1(QUrl::toPercentEncoding(room)), QString::fromLatin1(QUrl::toPercentEncoding(name)));
    QNetworkReply *reply = m_api->transfer("POST", route, file.get(), type.toLatin1());
    file.release()->setParent(reply); // read while it goes, closed with the reply
    const QString id = track(reply, room, name);
    connect(reply, &QNetworkReply::finished, this, [this, reply, id, room, name] {
        reply->deleteLater();
        m_transfers.remove(id);
        if (m_cancelled.remove(id))
            return;
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        const ApiFailure failure = m_api->finish(reply, json);
        const FileInfo info = FileInfo::fromJson(json.value("file"_L1).toObject());
        if (!failure.ok() || info.id.isEmpty()) {
            emit failed(id, describe(failure, name));
            return;
        }
        emit uploaded(id, room, info);
    });
    return id;
}

QString FileTransfers::download(const FileInfo &file, const QString &path)
{
    auto target = std::make_shared<QSaveFile>(path);
    QNetworkReply *reply = m_api->transfer("GET", u"/api/v2/files/"_s + file.id, nullptr, {});
    const QString id = track(reply, {}, file.name);
    if (!target->open(QIODevice::WriteOnly)) {
        const QString message = tr("%1 cannot be saved there: %2").arg(file.name, target->errorString());
        m_transfers.remove(id);
        reply->abort();
        reply->deleteLater();
        emit failed(id, message);
        return id;
    }
    connect(reply, &QNetworkReply::readyRead, this, [reply, target] {
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
            target->write(reply->readAll());
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, id, target, file, path] {
        reply->deleteLater();
        m_transfers.remove(id);
        if (m_cancelled.remove(id)) {
            target->cancelWriting();
            return;
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200)
            target->write(reply->readAll());
        const QJsonObject json = status == 200 ? QJsonObject() : QJsonDocument::fromJson(reply->readAll()).object();
        const ApiFailure failure = m_api->finish(reply, json);
        if (!failure.ok() || status != 200) {
            target->cancelWriting();
            emit failed(id, failure.kind == ApiFailure::Kind::NotFound
                                    ? tr("%1 is no longer on the server (its message was deleted).").arg(file.name)
                                    : describe(failure, file.name));
            return;
        }
        if (!target->commit()) {
            emit failed(id, tr("%1 could not be saved: %2").arg(file.name, target->errorString()));
            return;
        }
        emit downloaded(id, path);
    });
    return id;
}

void FileTransfers::cancel(const QString &transferId)
{
    const auto it = m_transfers.constFind(transferId);
    if (it == m_transfers.cend() || !it->reply)
        return;
    m_cancelled.insert(transferId);
    it->reply->abort(); // finished() follows, and is told as nothing
}

QByteArray FileTransfers::thumbnail(const FileInfo &file)
{
    if (!file.thumbnail || file.id.isEmpty())
        return {};
    if (const QByteArray *bytes = m_thumbnails.object(file.id))
        return *bytes;
    if (m_fetching.contains(file.id))
        return {};
    m_fetching.insert(file.id);
    QNetworkReply *reply = m_api->transfer("GET", u"/api/v2/files/%1/thumbnail"_s.arg(file.id), nullptr, {});
    connect(reply, &QNetworkReply::finished, this, [this, reply, id = file.id] {
        reply->deleteLater();
        m_fetching.remove(id);
        const QByteArray bytes = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200) {
            m_api->finish(reply, QJsonDocument::fromJson(bytes).object());
            return; // shown as a file card; asked again when painted again after a reconnect
        }
        m_thumbnails.insert(id, new QByteArray(bytes), std::max<qsizetype>(1, bytes.size() / 1024));
        emit thumbnailReady(id);
    });
    return {};
}

void FileTransfers::fetch(const FileInfo &file, qint64 maxBytes, QObject *context,
                          std::function<void(const QString &, const QByteArray &)> done)
{
    QNetworkReply *reply = m_api->transfer("GET", u"/api/v2/files/"_s + file.id, nullptr, {});
    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, maxBytes](qint64 got, qint64) {
        if (got > maxBytes) {
            reply->setProperty("tooBig", true);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, guard, file, done = std::move(done)] {
        reply->deleteLater();
        const QByteArray bytes = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (!guard)
            return;
        if (status == 200) {
            done({}, bytes);
            return;
        }
        if (reply->property("tooBig").toBool()) {
            done(tr("%1 is too big to show here: save it instead.").arg(file.name), {});
            return;
        }
        const ApiFailure failure = m_api->finish(reply, QJsonDocument::fromJson(bytes).object());
        done(describe(failure, file.name), {});
    });
}
