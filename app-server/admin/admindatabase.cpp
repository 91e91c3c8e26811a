// SPDX-License-Identifier: MIT
#include "admindatabase.h"

#include "store/postgresstore.h"
#include "store/sqlitestore.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

std::optional<AdminDatabase> AdminDatabase::resolve(const QString &db, const QString &passwordFile,
                                                    const QString &configFile,
                                                    const QProcessEnvironment &env, QString *error)
{
    QString text = db.isEmpty() ? env.value(u"CHAT_DB"_s) : db;
    QString password = passwordFile.isEmpty() ? env.value(u"CHAT_DB_PASSWORD_FILE"_s) : passwordFile;
    const QString config = configFile.isEmpty() ? env.value(u"CHAT_CONFIG"_s) : configFile;
    if (!config.isEmpty() && (text.isEmpty() || password.isEmpty())) {
        if (!QFileInfo(config).isFile()) {
            *error = u"no configuration file %1"_s.arg(config);
            return std::nullopt;
        }
        QSettings ini(config, QSettings::IniFormat);
        if (ini.status() != QSettings::NoError) {
            *error = u"cannot read the configuration file %1"_s.arg(config);
            return std::nullopt;
        }
        if (text.isEmpty())
            text = ini.value(u"server/db"_s).toString();
        if (password.isEmpty())
            password = ini.value(u"server/db_password_file"_s).toString();
    }
    if (text.isEmpty()) // chat-server's <AppDataLocation>/chat.db
        text = QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
                       .filePath(u"chat-server/chat.db"_s);
    const auto url = DatabaseUrl::parse(text, error);
    if (!url)
        return std::nullopt;
    return AdminDatabase{*url, password};
}

std::unique_ptr<SqlStore> AdminDatabase::open(StoreRole role, QString *error) const
{
    std::unique_ptr<SqlStore> store;
    if (url.isPostgreSql()) {
        auto postgres = std::make_unique<PostgresStore>(url, passwordFile, role);
        postgres->setNode(u"chat-admin"_s);
        store = std::move(postgres);
    } else {
        if (role == StoreRole::Reader && !QFileInfo(url.path).isFile()) {
            *error = u"there is no database at %1 (give it with --db)"_s.arg(url.path);
            return nullptr;
        }
        store = std::make_unique<SqliteStore>(url.path, role);
    }
    if (!store->open(error)) {
        if (!url.isPostgreSql() && role == StoreRole::Writer && error->contains(u"another process"_s))
            *error += u"\nchat-admin changes an SQLite database only while no server runs on it: "
                      "stop the server (its clients reconnect by themselves once it is back), "
                      "then run this again"_s;
        return nullptr;
    }
    return store;
}
