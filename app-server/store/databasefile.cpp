// SPDX-License-Identifier: MIT
#include "databasefile.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace DatabaseFile {

QString problem(const QString &path)
{
    const QFileInfo info(path);
    const QFileInfo folder(info.absolutePath());
    if (!folder.exists())
        return u"cannot open database %1: the folder %2 does not exist"_s.arg(path, folder.filePath());
    if (!folder.isDir())
        return u"cannot open database %1: %2 is not a folder"_s.arg(path, folder.filePath());
    if (info.isDir())
        return u"cannot open database %1: it is a folder, not a file"_s.arg(path);
    if (info.exists() && !info.isWritable())
        return u"cannot open database %1: the file is read-only"_s.arg(path);
    return {};
}

QString canonicalPath(const QString &path)
{
    const QFileInfo info(path);
    if (const QString file = info.canonicalFilePath(); !file.isEmpty())
        return file;
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    return (folder.isEmpty() ? info.absolutePath() : folder) + u'/' + info.fileName();
}

QString lockProblem(const QLockFile &lock, const QString &path)
{
    if (lock.error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString app;
        if (lock.getLockInfo(&pid, &host, &app) && pid > 0) {
            return u"database %1 is in use by another process (%2, pid %3 on host %4)"_s
                    .arg(path, app.isEmpty() ? u"unknown program"_s : app)
                    .arg(pid)
                    .arg(host.isEmpty() ? u"unknown"_s : host);
        }
        return u"database %1 is locked by another process (lock file %1.lock)"_s.arg(path);
    }
    // QLockFile does not say why it could not create the file: try it and ask the system.
    const QByteArray probe = QFile::encodeName(path + u".probe-%1"_s.arg(QCoreApplication::applicationPid()));
    const int fd = ::open(probe.constData(), O_RDWR | O_CREAT | O_EXCL, 0600);
    const int err = errno;
    if (fd >= 0) {
        ::close(fd);
        ::unlink(probe.constData());
        return u"cannot create the lock file %1.lock"_s.arg(path);
    }
    const QString folder = QFileInfo(path).absolutePath();
    switch (err) {
    case EACCES:
    case EPERM:
        return u"cannot open database %1: no permission to create files in %2"_s.arg(path, folder);
    case EROFS:
        return u"cannot open database %1: %2 is on a read-only file system"_s.arg(path, folder);
    case ENOENT: // the folder is there: its file system takes no new files (/proc, /sys)
        return u"cannot open database %1: cannot create files in %2 (its file system does not "
               "allow it)"_s.arg(path, folder);
    case ENOSPC:
    case EDQUOT:
        return u"cannot open database %1: no space left in %2"_s.arg(path, folder);
    default:
        return u"cannot open database %1: cannot create files in %2 (%3)"_s.arg(
                path, folder, QString::fromLocal8Bit(std::strerror(err)));
    }
}

} // namespace DatabaseFile
