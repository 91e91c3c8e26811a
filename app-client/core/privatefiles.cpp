// SPDX-License-Identifier: MIT
#include "privatefiles.h"

#include <QDir>
#include <QFile>

namespace PrivateFiles {

bool makeDir(const QString &dir)
{
    return QDir().mkpath(dir)
            && QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

bool makeFile(const QString &path)
{
    QFile file(path);
    if (!file.exists() && !file.open(QIODevice::WriteOnly))
        return false;
    return file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
}

void restrict(const QString &path)
{
    if (QFile::exists(path))
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace PrivateFiles
