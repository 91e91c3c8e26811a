// SPDX-License-Identifier: MIT
// HttpApi's file routes: uploading a file to a room, downloading it (ranges too) and an image's
// thumbnail (docs/protocol.md, "Files").
#include "httpapi.h"

#include "domain/fileservice.h"
#include "requestparsing.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;
using Status = QHttpServerResponder::StatusCode;

namespace {

// Headers every file answer carries: never sniffed, never run (a browser opening one gets a
// sandbox with nothing allowed), an image inline, anything else downloaded under its name.
void addFileHeaders(QHttpServerResponse &response, const FileInfo &file)
{
    QByteArray ascii;
    for (QChar c : file.name)
        ascii += (c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\') ? char(c.unicode()) : '_';
    const QByteArray disposition = (file.isImage() ? "inline" : "attachment") + "; filename=\""_ba
            + ascii + "\"; filename*=UTF-8''" + QUrl::toPercentEncoding(file.name);
    response.setHeader("Content-Disposition", disposition);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    response.setHeader("Cache-Control", "private, max-age=86400");
    response.setHeader("ETag", '"' + file.sha256.toLatin1() + '"');
}

bool checkFileId(const QString &id, HttpReply &reply)
{
    if (EventKinds::isFileId(id))
        return true;
    reply.error(ErrorCode::FileNotFound);
    return false;
}

} // namespace

void HttpApi::uploadFile(const QString &room, const QHttpServerRequest &request,
                         const HttpReplyPtr &reply)
{
    const QString name = Files::cleanName(
            QUrlQuery(request.url()).queryItemValue(u"name"_s, QUrl::FullyDecoded));
    const QByteArray contentType = request.value("Content-Type");
    const QString type = Files::cleanType(QString::fromLatin1(contentType));
    if (name.isEmpty()) {
        reply->error(ErrorCode::InvalidRequest,
                     u"give the file's name in the query: ?name=… (1 to %1 characters)"_s
                             .arg(Files::kMaxNameLength));
        return;
    }
    if (!contentType.isEmpty() && type.isEmpty()) {
        reply->error(ErrorCode::InvalidRequest, u"Content-Type must be a MIME type (type/subtype)"_s);
        return;
    }
    const QByteArray content = request.body();
    if (content.isEmpty()) {
        reply->error(ErrorCode::InvalidRequest, u"the file is empty"_s);
        return;
    }
    if (content.size() > m_services.files->limits().maxFileBytes) { // the guard stops it sooner
        reply->error(ErrorCode::PayloadTooLarge,
                     u"a file may have at most %1"_s.arg(Files::sizeText(m_services.files->limits().maxFileBytes)));
        return;
    }
    withUser(request, reply, [this, room, reply, name, type, content](const AuthUser &user) {
        m_services.files->upload(user, room, name, type, content, this,
                                 [reply](const FileService::Refusal &refusal, const FileInfo &file) {
                                     if (refusal)
                                         reply->error(*refusal);
                                     else
                                         reply->json(Status::Created, QJsonObject{{"file"_L1, file.toJson()}});
                                 });
    });
}

void HttpApi::downloadFile(const QString &id, const QHttpServerRequest &request,
                           const HttpReplyPtr &reply)
{
    if (!checkFileId(id, *reply))
        return;
    const QByteArray range = request.value("Range");
    withUser(request, reply, [this, id, range, reply](const AuthUser &user) {
        m_services.files->find(user, id, this, [this, range, reply](const FileService::Refusal &refusal,
                                                                  const StoredFile &file) {
            if (refusal) {
                reply->error(*refusal);
                return;
            }
            const qint64 size = file.info.size;
            bool unsatisfiable = false;
            const auto part = range.isEmpty() ? std::nullopt
                                              : RequestParsing::parseRange(range, size, &unsatisfiable);
            if (unsatisfiable) {
                QHttpServerResponse response(
                        "application/json",
                        QJsonDocument(ApiError{ErrorCode::RangeNotSatisfiable,
                                               Errors::defaultMessage(ErrorCode::RangeNotSatisfiable)}
                                              .toJson())
                                .toJson(QJsonDocument::Compact),
                        Status::RequestRangeNotSatisfiable);
                response.setHeader("Content-Range", "bytes */" + QByteArray::number(size));
                reply->send(response);
                return;
            }
            const qint64 offset = part ? part->offset : 0;
            const qint64 length = part ? part->length : size;
            m_services.files->read(file, offset, length, this,
                                   [reply, file, part, offset, length](const FileService::Refusal &refusal,
                                                                       const QByteArray &bytes) {
                                       if (refusal) {
                                           reply->error(*refusal);
                                           return;
                                       }
                                       QHttpServerResponse response(file.info.type.toLatin1(), bytes,
                                                                    part ? Status::PartialContent : Status::Ok);
                                       addFileHeaders(response, file.info);
                                       response.setHeader("Accept-Ranges", "bytes");
                                       if (part) {
                                           response.setHeader("Content-Range",
                                                              "bytes " + QByteArray::number(offset) + '-'
                                                                      + QByteArray::number(offset + length - 1) + '/'
                                                                      + QByteArray::number(file.info.size));
                                       }
                                       reply->send(response);
                                   });
        });
    });
}

void HttpApi::fileThumbnail(const QString &id, const QHttpServerRequest &request,
                            const HttpReplyPtr &reply)
{
    if (!checkFileId(id, *reply))
        return;
    withUser(request, reply, [this, id, reply](const AuthUser &user) {
        m_services.files->find(user, id, this, [this, reply](const FileService::Refusal &refusal,
                                                           const StoredFile &file) {
            if (refusal) {
                reply->error(*refusal);
                return;
            }
            if (!file.info.thumbnail) {
                reply->error(ErrorCode::FileNotFound, u"this file has no thumbnail"_s);
                return;
            }
            m_services.files->thumbnail(file, this, [reply, file](const FileService::Refusal &refusal,
                                                                const QByteArray &bytes) {
                if (refusal) {
                    reply->error(*refusal);
                    return;
                }
                const QByteArray type = bytes.startsWith("\x89PNG") ? "image/png" : "image/jpeg";
                QHttpServerResponse response(type, bytes);
                FileInfo shown = file.info;
                shown.width = std::max(shown.width, 1); // a thumbnail is an image, shown inline
                shown.height = std::max(shown.height, 1);
                addFileHeaders(response, shown);
                response.setHeader("ETag", "\"t" + file.info.sha256.toLatin1() + '"');
                reply->send(response);
            });
        });
    });
}
