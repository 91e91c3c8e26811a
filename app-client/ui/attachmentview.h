// SPDX-License-Identifier: MIT
#pragma once

#include "fileinfo.h"

#include <QFont>
#include <QPalette>
#include <QPixmap>
#include <QSize>

class QPainter;
class QRect;

// How a message's file looks in the timeline: an image as its thumbnail, scaled to fit (a grey
// placeholder of the same size until the thumbnail is there, so rows keep their height); any
// other file as a card with an icon, its name and its size, and "Save as…".
namespace AttachmentView {
inline constexpr int kMaxImageWidth = 320;
inline constexpr int kMaxImageHeight = 240;

QSize size(const FileInfo &file, int maxWidth, const QFont &font);
void paint(QPainter *painter, const QRect &rect, const FileInfo &file, const QPixmap &thumbnail,
           const QPalette &palette, const QFont &font);
// What the card's second line says: "2.4 MB · PDF document · Save as…"
QString cardDetail(const FileInfo &file);
} // namespace AttachmentView
