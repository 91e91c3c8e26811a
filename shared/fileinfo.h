// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

// A file as the wire carries it (docs/protocol.md, "Files"): the answer to an upload, and a
// message's `attachment` once stored. width/height (and a thumbnail) only for images the server
// decoded itself; type is then the decoder's, never the uploader's word.
struct FileInfo
{
    QString id;     // 32 hex digits
    QString name;   // as uploaded, without any folder
    QString type;   // MIME type
    qint64 size = 0;
    QString sha256; // of the content, 64 hex digits
    int width = 0;  // pixels; 0 = not an image
    int height = 0;
    bool thumbnail = false; // GET /api/v2/files/{id}/thumbnail answers

    bool isImage() const { return width > 0 && height > 0; }
    QJsonObject toJson() const;
    // Empty id when json is not a file.
    static FileInfo fromJson(const QJsonObject &json);
};

namespace Files {
inline constexpr int kMaxNameLength = 255;
// A file name as stored: the last component of what the uploader gave (no folders), without
// control characters, at most kMaxNameLength characters; empty when nothing is left.
QString cleanName(const QString &name);
// A MIME type "type/subtype" of token characters (parameters dropped), lower case; empty when
// value is not one.
QString cleanType(const QString &value);
// "1.4 MB", "532 KB", "12 bytes": sizes as people read them (powers of 1000).
QString sizeText(qint64 bytes);
} // namespace Files
