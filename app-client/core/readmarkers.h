// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QString>

#include <memory>

class QSettings;

// Per room, the last seq the user had in view, kept on disk (one owner-only file per server and
// user) so that unread counts include what arrived while the client was closed.
class ReadMarkers
{
public:
    ReadMarkers();
    ~ReadMarkers();

    void open(const QString &path);
    void close();
    QHash<QString, qint64> all() const;
    void set(const QString &room, qint64 seq);
    void clear(); // the server's database changed: the seqs mean nothing any more

private:
    std::unique_ptr<QSettings> m_file;
};
