// SPDX-License-Identifier: MIT
#pragma once

#include "fileinfo.h"
#include "store/chatstore.h"
#include "wireerror.h"

#include <QObject>
#include <QThreadPool>

#include <functional>
#include <optional>

class StoreService;

// Files posted to rooms (docs/protocol.md, "Files"): an upload is checked (membership, then
// content), decoded when it is an image and stored with its thumbnail; a download is read by the
// reader store for members of the file's room. Decoding runs on a pool thread of its own, so a
// big image delays neither the event loop nor a commit. Answers on the caller's thread.
class FileService : public QObject
{
    Q_OBJECT
public:
    using Refusal = std::optional<WireError>; // nullopt = done

    struct Limits
    {
        qint64 maxFileBytes = 25 << 20;
        qint64 quotaBytes = qint64(1) << 30; // per user, of every file they uploaded; 0: none
    };
    FileService(StoreService *writer, StoreService *reader, const Limits &limits,
                QObject *parent = nullptr);
    ~FileService() override;

    const Limits &limits() const { return m_limits; }

    // name: as the client gave it (cleaned here); claimedType: its Content-Type, believed for
    // anything but images, which are what the decoder says they are.
    void upload(const AuthUser &user, const QString &room, const QString &name,
                const QString &claimedType, const QByteArray &content, QObject *context,
                std::function<void(Refusal, const FileInfo &)> done);
    // The file, for a member of its room (403 otherwise, 404 for no such file).
    void find(const AuthUser &user, const QString &id, QObject *context,
              std::function<void(Refusal, const StoredFile &)> done);
    void read(const StoredFile &file, qint64 offset, qint64 length, QObject *context,
              std::function<void(Refusal, const QByteArray &)> done);
    void thumbnail(const StoredFile &file, QObject *context,
                   std::function<void(Refusal, const QByteArray &)> done);

    // What the content is, decided by decoding it (any thread).
    struct Inspection
    {
        Refusal refusal;  // an image that cannot be decoded within the limits
        QString type;     // image/png, … for an image; else the claimed type (or a default)
        int width = 0;
        int height = 0;
        QByteArray thumbnail; // JPEG (or PNG with transparency), at most kThumbnailSide
        QString sha256;
    };
    static Inspection inspect(const QByteArray &content, const QString &claimedType);

    static constexpr int kThumbnailSide = 320;
    static constexpr qint64 kMaxImagePixels = 40'000'000; // 40 megapixels: 160 MB decoded
    static constexpr int kDecodeLimitMiB = 192;             // QImageReader's allocation limit

private:
    StoreService *m_writer;
    StoreService *m_reader;
    Limits m_limits;
    QThreadPool m_decoders; // one thread: decoding is the costly part, one at a time
};
