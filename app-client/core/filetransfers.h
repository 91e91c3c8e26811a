// SPDX-License-Identifier: MIT
#pragma once

#include "apiclient.h"
#include "fileinfo.h"

#include <QCache>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

class QNetworkReply;

// Files going to and coming from the server (docs/protocol.md, "Files"): uploads of local files
// to a room, downloads of attachments to a local file, and the thumbnails of images, fetched once
// and kept (raw bytes: this library has no GUI). Every transfer has an id, reports progress and
// can be cancelled; a failure comes in words a user can act on.
class FileTransfers : public QObject
{
    Q_OBJECT
public:
    explicit FileTransfers(ApiClient *api, QObject *parent = nullptr);
    ~FileTransfers() override;

    // Starts sending the file at path to room; "" (and failed() is not emitted) when it cannot be
    // read, with the reason in *error.
    QString upload(const QString &room, const QString &path, QString *error);
    // Starts saving the attachment to path (written to a temporary file, renamed when complete).
    QString download(const FileInfo &file, const QString &path);
    void cancel(const QString &transferId);
    bool isActive(const QString &transferId) const { return m_transfers.contains(transferId); }

    // The thumbnail's bytes (JPEG or PNG) when fetched; else empty, and it is fetched now
    // (thumbnailReady then). A file without a thumbnail is never asked for.
    QByteArray thumbnail(const FileInfo &file);
    // The whole file's bytes, for showing an image in full (at most maxBytes; done(error, bytes)).
    void fetch(const FileInfo &file, qint64 maxBytes, QObject *context,
               std::function<void(const QString &error, const QByteArray &bytes)> done);

signals:
    void progress(const QString &transferId, qint64 done, qint64 total);
    void uploaded(const QString &transferId, const QString &room, const FileInfo &file);
    void downloaded(const QString &transferId, const QString &path);
    // Not cancelled: failed for a reason, in words.
    void failed(const QString &transferId, const QString &message);
    void thumbnailReady(const QString &fileId);

private:
    struct Transfer
    {
        QPointer<QNetworkReply> reply;
        QString room;
        QString name;
    };
    QString track(QNetworkReply *reply, const QString &room, const QString &name);
    static QString describe(const ApiFailure &failure, const QString &name);

    ApiClient *m_api;
    QHash<QString, Transfer> m_transfers;
    QCache<QString, QByteArray> m_thumbnails; // file id -> bytes, costed in KiB
    QSet<QString> m_fetching;                 // thumbnails asked for
    QSet<QString> m_cancelled;
    int m_next = 0;
};
