// SPDX-License-Identifier: MIT
#include "fileservice.h"

#include "store/storeservice.h"
#include "threadhandoff.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QPointer>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace {

FileService::Refusal refusal(StoreStatus status, const QString &room)
{
    if (status == StoreStatus::Ok)
        return std::nullopt;
    return storeError(status, room);
}

WireError invalidImage(const QString &why)
{
    return {ErrorCode::InvalidImage, why};
}

// Image formats shown inline: raster formats the server decodes itself. Anything else (SVG
// among them: it can carry script) is a file to download.
const QList<QByteArray> &imageFormats()
{
    static const QList<QByteArray> formats{"png", "jpeg", "gif", "bmp", "webp"};
    return formats;
}

QString fileId()
{
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

} // namespace

FileService::FileService(StoreService *writer, StoreService *reader, const Limits &limits,
                         QObject *parent)
    : QObject(parent), m_writer(writer), m_reader(reader), m_limits(limits)
{
    m_decoders.setMaxThreadCount(1);
    QImageReader::setAllocationLimit(kDecodeLimitMiB);
}

FileService::~FileService()
{
    m_decoders.waitForDone();
}

FileService::Inspection FileService::inspect(const QByteArray &content, const QString &claimedType)
{
    Inspection result;
    result.sha256 = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
    result.type = claimedType.isEmpty() ? u"application/octet-stream"_s : claimedType;
    QBuffer buffer;
    buffer.setData(content);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    const QByteArray format = reader.format();
    if (!imageFormats().contains(format)) {
        // Not an image (whatever it claims): served as a download, never shown inline.
        if (result.type.startsWith("image/"_L1))
            result.type = u"application/octet-stream"_s;
        return result;
    }
    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty()) {
        result.refusal = invalidImage(u"the image's size cannot be read"_s);
        return result;
    }
    if (qint64(size.width()) * size.height() > kMaxImagePixels) {
        result.refusal = invalidImage(u"the image is %1 × %2 pixels; at most %3 megapixels are accepted"_s
                                              .arg(size.width())
                                              .arg(size.height())
                                              .arg(kMaxImagePixels / 1'000'000));
        return result;
    }
    const QSize scaled = size.scaled(QSize(kThumbnailSide, kThumbnailSide), Qt::KeepAspectRatio)
                                 .boundedTo(size)
                                 .expandedTo(QSize(1, 1));
    reader.setScaledSize(scaled); // JPEG decodes straight at the smaller size
    QImage image = reader.read();
    if (image.isNull()) {
        result.refusal = invalidImage(u"the image cannot be decoded: %1"_s.arg(reader.errorString()));
        return result;
    }
    if (image.size() != scaled)
        image = image.scaled(scaled, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QBuffer out(&result.thumbnail);
    out.open(QIODevice::WriteOnly);
    const bool alpha = image.hasAlphaChannel();
    QImageWriter writer(&out, alpha ? "png" : "jpeg");
    if (!alpha)
        writer.setQuality(82);
    if (!writer.write(alpha ? image : image.convertToFormat(QImage::Format_RGB32)))
        result.thumbnail.clear(); // shown as a file card instead; the image itself is fine
    result.type = u"image/"_s + QString::fromLatin1(format);
    result.width = size.width();
    result.height = size.height();
    return result;
}

void FileService::upload(const AuthUser &user, const QString &room, const QString &name,
                         const QString &claimedType, const QByteArray &content, QObject *context,
                         std::function<void(Refusal, const FileInfo &)> done)
{
    QPointer<QObject> guard(context);
    // Membership first: nobody else makes the server decode anything.
    m_reader->run<Lookup<RoomInfo>>(
            this, [room, userId = user.id](ChatStore &store) { return store.roomInfo(room, userId); },
            [this, user, room, name, claimedType, content, guard, done](const Lookup<RoomInfo> &info) {
                if (!guard)
                    return;
                if (!info) {
                    done(refusal(info.status, room), {});
                    return;
                }
                if (info->role.isEmpty()) {
                    done(refusal(StoreStatus::Forbidden, room), {});
                    return;
                }
                ThreadHandOff::start(m_decoders, [this, user, room, name, claimedType, content, guard, done] {
                    Inspection found = inspect(content, claimedType);
                    ThreadHandOff::post(this, [this, user, room, name, content, guard, done,
                                               found = std::move(found)] {
                        if (!guard)
                            return;
                        if (found.refusal) {
                            done(found.refusal, {});
                            return;
                        }
                        FileUpload upload;
                        upload.userId = user.id;
                        upload.room = room;
                        upload.info.id = fileId();
                        upload.info.name = name;
                        upload.info.type = found.type;
                        upload.info.size = content.size();
                        upload.info.sha256 = found.sha256;
                        upload.info.width = found.width;
                        upload.info.height = found.height;
                        upload.info.thumbnail = !found.thumbnail.isEmpty();
                        upload.content = content;
                        upload.thumbnail = found.thumbnail;
                        upload.quotaBytes = m_limits.quotaBytes;
                        m_writer->run<StoreStatus>(
                                guard, [upload](ChatStore &store) { return store.storeFile(upload); },
                                [room, info = upload.info, done](StoreStatus status) {
                                    done(refusal(status, room), info);
                                });
                    });
                });
            });
}

void FileService::find(const AuthUser &user, const QString &id, QObject *context,
                       std::function<void(Refusal, const StoredFile &)> done)
{
    m_reader->run<Lookup<StoredFile>>(
            context, [id, userId = user.id](ChatStore &store) { return store.findFile(id, userId); },
            [done = std::move(done)](const Lookup<StoredFile> &file) {
                if (file.status == StoreStatus::Forbidden) {
                    done(WireError{ErrorCode::Forbidden,
                                   u"this file was posted to a room you are not a member of"_s},
                         {});
                    return;
                }
                done(refusal(file.status, {}), file.value);
            });
}

void FileService::read(const StoredFile &file, qint64 offset, qint64 length, QObject *context,
                       std::function<void(Refusal, const QByteArray &)> done)
{
    m_reader->run<Lookup<QByteArray>>(
            context,
            [sha256 = file.info.sha256, offset, length](ChatStore &store) {
                return store.readFile(sha256, offset, length);
            },
            [done = std::move(done)](const Lookup<QByteArray> &bytes) {
                done(refusal(bytes.status, {}), bytes.value);
            });
}

void FileService::thumbnail(const StoredFile &file, QObject *context,
                            std::function<void(Refusal, const QByteArray &)> done)
{
    m_reader->run<Lookup<QByteArray>>(
            context, [id = file.info.id](ChatStore &store) { return store.thumbnail(id); },
            [done = std::move(done)](const Lookup<QByteArray> &bytes) {
                done(refusal(bytes.status, {}), bytes.value);
            });
}
