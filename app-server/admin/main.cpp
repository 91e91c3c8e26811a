// SPDX-License-Identifier: MIT
#include "accountcommands.h"
#include "admindatabase.h"
#include "migration.h"
#include "sqlitebackup.h"

#include "auth/passwordhasher.h"
#include "logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

int fail(const QString &text, int code = 1)
{
    std::fprintf(stderr, "chat-admin: %s\n", qPrintable(text));
    return code;
}

int migrate(const QCommandLineParser &parser)
{
    QString error;
    const auto from = DatabaseUrl::parse(parser.value(u"from"_s), &error);
    const auto to = from ? DatabaseUrl::parse(parser.value(u"to"_s), &error) : std::nullopt;
    if (!from || !to)
        return fail(u"migrate --from sqlite:PATH --to postgresql://…: "_s + error, 2);
    QStringList report;
    if (!Migration::run(*from, *to, parser.value(u"db-password-file"_s), &report, &error))
        return fail(error);
    std::printf("%s\n", qPrintable(report.join(u'\n')));
    return 0;
}

// The URL as pg_dump's options (it takes a URL too, but not our ?host= socket form).
QString pgConnectionOptions(const DatabaseUrl &url)
{
    QString options;
    if (!url.host.isEmpty())
        options += u" --host="_s + url.host;
    if (url.port > 0)
        options += u" --port="_s + QString::number(url.port);
    if (!url.user.isEmpty())
        options += u" --username="_s + url.user;
    return options;
}

int backup(const AdminDatabase &db, const QStringList &args)
{
    if (args.size() != 1)
        return fail(u"backup FILE (chat-admin --help)"_s, 2);
    if (db.url.isPostgreSql())
        return fail(u"on PostgreSQL, back up with pg_dump (consistent while the servers run): "
                    "pg_dump --format=custom --file=%1%2 %3; restore into a new, empty database "
                    "with pg_restore --dbname=NAME %1"_s
                            .arg(args[0], pgConnectionOptions(db.url), db.url.database), 2);
    QString summary;
    QString error;
    if (!SqliteBackup::run(db.url.path, args[0], &summary, &error))
        return fail(error);
    std::printf("backed up %s to %s: %s\n", qPrintable(db.url.path), qPrintable(args[0]),
                qPrintable(summary));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Logging::install(QProcessEnvironment::systemEnvironment());
    QCoreApplication::setApplicationName(u"chat-admin"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
    QLoggingCategory::setFilterRules(u"chat.server.store.info=false"_s); // no "opened …" lines

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Administers a chat-server database directly.\n\n"
            "  users list\n"
            "  users create NAME            (a password is made and printed, or --password-stdin)\n"
            "  users disable|enable NAME    (disabling signs the user out everywhere)\n"
            "  users reset-password NAME    (signs the user out everywhere)\n"
            "  users revoke-tokens NAME\n"
            "  tokens list NAME             (the user's signed-in devices)\n"
            "  tokens revoke NAME ID\n"
            "  rooms list\n"
            "  rooms archive|unarchive ROOM (archived: readable, no new messages)\n"
            "  rooms set-owner ROOM USER\n"
            "  backup FILE                  (SQLite, while the server runs)\n"
            "  migrate --from sqlite:PATH --to postgresql://…   (server stopped, empty target)\n\n"
            "The database is named as for chat-server: --db, CHAT_DB, or db in --config. On SQLite, "
            "commands that change something wait for the server to be stopped; on PostgreSQL the "
            "running servers end revoked sessions at once."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
            {u"db"_s, u"SQLite file or postgresql:// URL (default: chat-server's)"_s, u"DB"_s},
            {u"db-password-file"_s, u"File with the PostgreSQL password"_s, u"FILE"_s},
            {u"config"_s, u"chat-server's INI file, for its db settings"_s, u"FILE"_s},
            {u"json"_s, u"Listings as JSON"_s},
            {u"password-stdin"_s, u"Read the new password from standard input"_s},
            {u"from"_s, u"migrate: the SQLite database"_s, u"sqlite:PATH"_s},
            {u"to"_s, u"migrate: the new PostgreSQL database"_s, u"URL"_s},
    });
    parser.addPositionalArgument(u"command"_s, u"users, tokens, rooms, backup or migrate"_s);
    parser.process(app);
    if (!PasswordHasher::initialize())
        return fail(u"libsodium failed to initialise"_s);

    QStringList args = parser.positionalArguments();
    const QString command = args.isEmpty() ? QString() : args.takeFirst();
    if (command == "migrate"_L1)
        return migrate(parser);
    QString error;
    const auto db = AdminDatabase::resolve(parser.value(u"db"_s), parser.value(u"db-password-file"_s),
                                           parser.value(u"config"_s),
                                           QProcessEnvironment::systemEnvironment(), &error);
    if (!db)
        return fail(error, 2);
    const AccountCommands::Options options{parser.isSet(u"json"_s), parser.isSet(u"password-stdin"_s)};
    if (command == "users"_L1)
        return AccountCommands::users(*db, args, options);
    if (command == "tokens"_L1)
        return AccountCommands::tokens(*db, args, options);
    if (command == "rooms"_L1)
        return AccountCommands::rooms(*db, args, options);
    if (command == "backup"_L1)
        return backup(*db, args);
    return fail(command.isEmpty() ? u"name a command (chat-admin --help)"_s
                                  : u"unknown command %1 (chat-admin --help)"_s.arg(command), 2);
}
