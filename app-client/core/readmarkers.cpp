// SPDX-License-Identifier: MIT
#include "readmarkers.h"

#include "privatefiles.h"

#include <QFileInfo>
#include <QSettings>

using namespace Qt::StringLiterals;

ReadMarkers::ReadMarkers() = default;

ReadMarkers::~ReadMarkers()
{
    close();
}

void ReadMarkers::open(const QString &path)
{
    close();
    PrivateFiles::makeDir(QFileInfo(path).absolutePath());
    m_file = std::make_unique<QSettings>(path, QSettings::IniFormat);
}

void ReadMarkers::close()
{
    if (!m_file)
        return;
    m_file->sync();
    PrivateFiles::restrict(m_file->fileName());
    m_file.reset();
}

QHash<QString, qint64> ReadMarkers::all() const
{
    QHash<QString, qint64> out;
    if (!m_file)
        return out;
    m_file->beginGroup(u"read"_s);
    for (const QString &room : m_file->childKeys())
        out.insert(room, m_file->value(room).toLongLong());
    m_file->endGroup();
    return out;
}

void ReadMarkers::set(const QString &room, qint64 seq)
{
    if (m_file)
        m_file->setValue(u"read/"_s + room, seq); // written out lazily by QSettings
}

void ReadMarkers::clear()
{
    if (m_file)
        m_file->remove(u"read"_s);
}
