// SPDX-License-Identifier: MIT
#include "fileinfo.h"

#include "eventkind.h"

#include <QLocale>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

QJsonObject FileInfo::toJson() const
{
    QJsonObject o{{"id"_L1, id},
                  {"name"_L1, name},
                  {"type"_L1, type},
                  {"size"_L1, size},
                  {"sha256"_L1, sha256}};
    if (isImage()) {
        o.insert("width"_L1, width);
        o.insert("height"_L1, height);
    }
    if (thumbnail)
        o.insert("thumbnail"_L1, true);
    return o;
}

FileInfo FileInfo::fromJson(const QJsonObject &json)
{
    FileInfo f;
    if (!EventKinds::isFileId(json.value("id"_L1).toString()) || !json.value("size"_L1).isDouble()
        || json.value("size"_L1).toInteger() < 0)
        return f;
    f.id = json.value("id"_L1).toString();
    f.name = json.value("name"_L1).toString();
    f.type = json.value("type"_L1).toString();
    f.size = json.value("size"_L1).toInteger();
    f.sha256 = json.value("sha256"_L1).toString();
    f.width = json.value("width"_L1).toInt();
    f.height = json.value("height"_L1).toInt();
    f.thumbnail = json.value("thumbnail"_L1).toBool();
    return f;
}

namespace Files {

QString cleanName(const QString &name)
{
    QString last = name.section(u'/', -1).section(u'\\', -1);
    last.removeIf([](QChar c) {
        return c.category() == QChar::Other_Control || c == QChar::LineSeparator
                || c == QChar::ParagraphSeparator || c.isSurrogate();
    });
    last = last.trimmed();
    if (last == "."_L1 || last == ".."_L1)
        return {};
    return last.left(kMaxNameLength);
}

QString cleanType(const QString &value)
{
    static const QRegularExpression mime(u"^[a-z0-9!#$&^_.+-]{1,63}/[a-z0-9!#$&^_.+-]{1,63}$"_s);
    static const QRegularExpression charset(u"^charset=\"?([a-z0-9._-]{1,40})\"?$"_s);
    const QString type = value.section(u';', 0, 0).trimmed().toLower();
    if (!mime.match(type).hasMatch())
        return {};
    // Of the parameters only a text's charset is kept: it says how to read the bytes.
    if (type.startsWith(u"text/"_s)) {
        for (const QString &parameter : value.section(u';', 1).split(u';')) {
            const auto m = charset.match(parameter.trimmed().toLower());
            if (m.hasMatch())
                return type + u"; charset="_s + m.captured(1);
        }
    }
    return type;
}

QString sizeText(qint64 bytes)
{
    if (bytes < 1000)
        return bytes == 1 ? u"1 byte"_s : u"%1 bytes"_s.arg(bytes);
    const QLocale c = QLocale::c();
    if (bytes < 1000 * 1000)
        return u"%1 KB"_s.arg(c.toString(bytes / 1000.0, 'f', bytes < 10'000 ? 1 : 0));
    if (bytes < qint64(1000) * 1000 * 1000)
        return u"%1 MB"_s.arg(c.toString(bytes / 1e6, 'f', bytes < 10'000'000 ? 1 : 0));
    return u"%1 GB"_s.arg(c.toString(bytes / 1e9, 'f', 1));
}

} // namespace Files
