// SPDX-License-Identifier: MIT
#include "databaseurl.h"

#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

std::optional<DatabaseUrl> DatabaseUrl::parse(const QString &text, QString *error)
{
    DatabaseUrl url;
    if (!text.startsWith("postgresql://"_L1) && !text.startsWith("postgres://"_L1)) {
        url.path = text.startsWith("sqlite:"_L1) ? text.mid(7) : text;
        if (url.path.isEmpty()) {
            *error = u"an SQLite database needs a file path"_s;
            return std::nullopt;
        }
        return url;
    }
    url.engine = Engine::PostgreSql;
    const QUrl parsed(text, QUrl::StrictMode);
    if (!parsed.isValid()) {
        *error = u"not a valid postgresql:// URL: %1"_s.arg(parsed.errorString());
        return std::nullopt;
    }
    url.host = parsed.host();
    url.port = parsed.port(-1);
    url.user = parsed.userName();
    url.password = parsed.password();
    url.database = parsed.path().mid(1);
    const QUrlQuery query(parsed);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == "host"_L1) {
            url.host = value;
        } else if (key == "port"_L1) {
            bool ok = false;
            url.port = value.toInt(&ok);
            if (!ok || url.port < 1 || url.port > 65535) {
                *error = u"port must be a number from 1 to 65535, not %1"_s.arg(value);
                return std::nullopt;
            }
        } else if (key == "user"_L1) {
            url.user = value;
        } else {
            *error = u"unknown parameter %1 in the database URL (known: host, port, user)"_s.arg(key);
            return std::nullopt;
        }
    }
    if (url.database.isEmpty() || url.database.contains(u'/')) {
        *error = u"the URL must name one database: postgresql://USER@HOST:PORT/DBNAME"_s;
        return std::nullopt;
    }
    return url;
}

QString DatabaseUrl::displayName() const
{
    if (!isPostgreSql())
        return path;
    QString where = host.isEmpty() ? u"localhost"_s : host;
    if (port > 0)
        where += u':' + QString::number(port);
    return u"postgresql://%1%2/%3"_s.arg(user.isEmpty() ? QString() : user + u'@', where, database);
}
