// SPDX-License-Identifier: MIT
#include "accountcommands.h"

#include "admindatabase.h"
#include "report.h"

#include "auth/passwordhasher.h"
#include "validation.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>

#include <sodium.h>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

constexpr int kSessionIdBytes = 16; // of the token digest: the id GET /api/v2/sessions shows

void say(const QString &text)
{
    std::fprintf(stderr, "chat-admin: %s\n", qPrintable(text));
}

int fail(const QString &text)
{
    say(text);
    return 1;
}

int usage(const QString &text)
{
    say(text + u" (chat-admin --help)"_s);
    return 2;
}

void print(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
}

QJsonValue timeValue(const QVariant &msecs)
{
    if (msecs.isNull() || msecs.toLongLong() <= 0) // general's created_at is 0: "always there"
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(msecs.toLongLong(), Qt::UTC).toString(Qt::ISODate);
}

QJsonValue timeValue(const QDateTime &at)
{
    return at.isValid() ? QJsonValue(at.toUTC().toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

// The new password: stdin's first line, or one made here and printed once.
std::optional<QString> newPassword(const AccountCommands::Options &options, bool *generated)
{
    *generated = !options.passwordStdin;
    if (!options.passwordStdin) {
        unsigned char bytes[15];
        randombytes_buf(bytes, sizeof bytes);
        return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(bytes), sizeof bytes)
                                           .toBase64(QByteArray::Base64UrlEncoding));
    }
    QTextStream in(stdin);
    const QString password = in.readLine();
    if (const QString why = Validation::passwordError(password); !why.isEmpty()) {
        say(why);
        return std::nullopt;
    }
    return password;
}

struct Account
{
    std::unique_ptr<SqlStore> store;
    UserRecord user;
};

// The store (as a writer when changing anything) and the named user; nullopt said why.
std::optional<Account> openAccount(const AdminDatabase &db, const QString &name, StoreRole role)
{
    QString error;
    auto store = db.open(role, &error);
    if (!store) {
        say(error);
        return std::nullopt;
    }
    const Lookup<UserRecord> user = store->findUser(name);
    if (!user) {
        say(user.failed() ? u"the database did not answer"_s : u"no user %1"_s.arg(name));
        return std::nullopt;
    }
    return Account{std::move(store), *user};
}

int listUsers(const AdminDatabase &db, const AccountCommands::Options &options)
{
    QString error;
    auto store = db.open(StoreRole::Reader, &error);
    if (!store)
        return fail(error);
    QSqlQuery q(store->database());
    q.prepare(u"SELECT u.id, u.name, u.created_at, u.disabled_at, "
              "(SELECT COUNT(*) FROM tokens t WHERE t.user_id = u.id AND t.expires_at > ?), "
              "(SELECT MAX(t.last_used_at) FROM tokens t WHERE t.user_id = u.id) "
              "FROM users u ORDER BY lower(u.name)"_s);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec())
        return fail(u"cannot list the users: %1"_s.arg(q.lastError().text()));
    Report report({u"name"_s, u"id"_s, u"createdAt"_s, u"disabled"_s, u"sessions"_s, u"lastUsedAt"_s});
    while (q.next()) {
        report.add({{"id"_L1, q.value(0).toLongLong()},
                    {"name"_L1, q.value(1).toString()},
                    {"createdAt"_L1, timeValue(q.value(2))},
                    {"disabled"_L1, !q.value(3).isNull()},
                    {"sessions"_L1, q.value(4).toLongLong()},
                    {"lastUsedAt"_L1, timeValue(q.value(5))}});
    }
    print(report.text(options.json));
    return 0;
}

int createUser(const AdminDatabase &db, const QString &name, const AccountCommands::Options &options)
{
    if (!Validation::isValidUserName(name))
        return usage(u"a user name is 1 to 32 of A-Z a-z 0-9 _ . -"_s);
    bool generated = false;
    const auto password = newPassword(options, &generated);
    if (!password)
        return 1;
    QString error;
    auto store = db.open(StoreRole::Writer, &error);
    if (!store)
        return fail(error);
    const QByteArray hash = PasswordHasher::hash(*password);
    if (hash.isEmpty())
        return fail(u"cannot hash the password (out of memory)"_s);
    UserRecord created;
    switch (store->createUser(name, hash, &created)) {
    case StoreStatus::Ok:
        break;
    case StoreStatus::Conflict:
        return fail(u"the name %1 is taken, or too like a name that is"_s.arg(name));
    default:
        return fail(u"the database did not store the user"_s);
    }
    print(generated ? u"created %1; password: %2\n"_s.arg(created.name, *password).toUtf8()
                    : u"created %1\n"_s.arg(created.name).toUtf8());
    return 0;
}

int changeUser(const AdminDatabase &db, const QString &action, const QString &name,
               const AccountCommands::Options &options)
{
    std::optional<QString> password;
    bool generated = false;
    if (action == "reset-password"_L1 && !(password = newPassword(options, &generated)))
        return 1;
    auto account = openAccount(db, name, StoreRole::Writer);
    if (!account)
        return 1;
    SqlStore &store = *account->store;
    const UserRecord &user = account->user;
    QList<QByteArray> revoked;
    StoreStatus status = StoreStatus::Error;
    if (action == "disable"_L1) {
        if (user.disabled)
            return fail(u"%1 is disabled already"_s.arg(user.name));
        status = store.disableUser(user.id, &revoked);
    } else if (action == "enable"_L1) {
        if (!user.disabled)
            return fail(u"%1 is not disabled"_s.arg(user.name));
        QSqlQuery q(store.database());
        q.prepare(u"UPDATE users SET disabled_at = NULL WHERE id = ?"_s);
        q.addBindValue(user.id);
        status = q.exec() ? StoreStatus::Ok : StoreStatus::Error;
    } else if (action == "reset-password"_L1) {
        if (user.disabled)
            return fail(u"%1 is disabled: enable the account first"_s.arg(user.name));
        const QByteArray hash = PasswordHasher::hash(*password);
        status = hash.isEmpty() ? StoreStatus::Error : store.setPassword(user.id, hash, {}, &revoked);
    } else {
        status = store.revokeAllTokens(user.id, &revoked);
    }
    if (status != StoreStatus::Ok)
        return fail(u"the database did not take the change"_s);
    QString done = action == "disable"_L1        ? u"disabled %1"_s
                 : action == "enable"_L1         ? u"enabled %1"_s
                 : action == "reset-password"_L1 ? u"new password for %1"_s
                                                 : u"signed %1 out"_s;
    done = done.arg(user.name);
    if (action != "enable"_L1)
        done += u"; %1 session%2 ended"_s.arg(revoked.size()).arg(revoked.size() == 1 ? QString() : u"s"_s);
    if (generated)
        done += u"; password: "_s + *password;
    print((done + u'\n').toUtf8());
    return 0;
}

} // namespace

namespace AccountCommands {

int users(const AdminDatabase &db, const QStringList &args, const Options &options)
{
    const QString action = args.value(0);
    if (action == "list"_L1 && args.size() == 1)
        return listUsers(db, options);
    if (args.size() != 2)
        return usage(u"users list | users create|disable|enable|reset-password|revoke-tokens NAME"_s);
    if (action == "create"_L1)
        return createUser(db, args[1], options);
    static const QStringList changes{u"disable"_s, u"enable"_s, u"reset-password"_s, u"revoke-tokens"_s};
    if (changes.contains(action))
        return changeUser(db, action, args[1], options);
    return usage(u"unknown users command %1"_s.arg(action));
}

int tokens(const AdminDatabase &db, const QStringList &args, const Options &options)
{
    const QString action = args.value(0);
    if (action == "list"_L1 && args.size() == 2) {
        auto account = openAccount(db, args[1], StoreRole::Reader);
        if (!account)
            return 1;
        const auto sessions = account->store->sessions(account->user.id, QDateTime::currentDateTimeUtc());
        if (!sessions)
            return fail(u"the database did not answer"_s);
        Report report({u"id"_s, u"device"_s, u"createdAt"_s, u"lastUsedAt"_s, u"expiresAt"_s});
        for (const SessionRecord &s : *sessions) {
            report.add({{"id"_L1, QString::fromLatin1(s.tokenHash.left(kSessionIdBytes).toHex())},
                        {"device"_L1, s.device},
                        {"createdAt"_L1, timeValue(s.createdAt)},
                        {"lastUsedAt"_L1, timeValue(s.lastUsedAt)},
                        {"expiresAt"_L1, timeValue(s.expiresAt)}});
        }
        print(report.text(options.json));
        return 0;
    }
    if (action == "revoke"_L1 && args.size() == 3) {
        static const QRegularExpression hex(u"^[0-9a-f]{%1}$"_s.arg(kSessionIdBytes * 2));
        if (!hex.match(args[2]).hasMatch())
            return usage(u"a session id is the 32 hex digits `tokens list` shows"_s);
        auto account = openAccount(db, args[1], StoreRole::Writer);
        if (!account)
            return 1;
        QByteArray revoked;
        switch (account->store->revokeSession(account->user.id, QByteArray::fromHex(args[2].toLatin1()),
                                              &revoked)) {
        case StoreStatus::Ok:
            print(u"ended the session %1 of %2\n"_s.arg(args[2], account->user.name).toUtf8());
            return 0;
        case StoreStatus::UserNotFound:
            return fail(u"%1 has no session %2"_s.arg(account->user.name, args[2]));
        default:
            return fail(u"the database did not take the change"_s);
        }
    }
    return usage(u"tokens list NAME | tokens revoke NAME ID"_s);
}

int rooms(const AdminDatabase &db, const QStringList &args, const Options &options)
{
    const QString action = args.value(0);
    if ((action == "archive"_L1 || action == "unarchive"_L1) && args.size() == 2) {
        QString error;
        auto store = db.open(StoreRole::Writer, &error);
        if (!store)
            return fail(error);
        switch (store->setRoomArchived(args[1], action == "archive"_L1)) {
        case StoreStatus::Ok:
            print((action == "archive"_L1 ? u"archived %1: readable, no new messages\n"_s
                                          : u"%1 is open again\n"_s).arg(args[1]).toUtf8());
            return 0;
        case StoreStatus::NoChange:
            return fail(action == "archive"_L1 ? u"%1 is archived already"_s.arg(args[1])
                                               : u"%1 is not archived"_s.arg(args[1]));
        case StoreStatus::RoomNotFound:
            return fail(u"no room %1"_s.arg(args[1]));
        default:
            return fail(u"the database did not take the change"_s);
        }
    }
    if (action == "set-owner"_L1 && args.size() == 3) {
        QString error;
        auto store = db.open(StoreRole::Writer, &error);
        if (!store)
            return fail(error);
        switch (store->setRoomOwner(args[1], args[2])) {
        case StoreStatus::Ok:
            print(u"%1 owns %2 now\n"_s.arg(args[2], args[1]).toUtf8());
            return 0;
        case StoreStatus::RoomNotFound:
            return fail(u"no room %1"_s.arg(args[1]));
        case StoreStatus::UserNotFound:
            return fail(u"no user %1"_s.arg(args[2]));
        default:
            return fail(u"the database did not take the change"_s);
        }
    }
    if (args != QStringList{u"list"_s})
        return usage(u"rooms list | rooms archive|unarchive ROOM | rooms set-owner ROOM USER"_s);
    QString error;
    auto store = db.open(StoreRole::Reader, &error);
    if (!store)
        return fail(error);
    QSqlQuery q(store->database());
    if (!q.exec(u"SELECT r.name, r.private, r.last_seq, r.topic, r.created_at, "
                "(SELECT COUNT(*) FROM members m WHERE m.room_id = r.id), o.name, r.archived_at "
                "FROM rooms r LEFT JOIN users o ON o.id = r.owner_id ORDER BY r.name"_s))
        return fail(u"cannot list the rooms: %1"_s.arg(q.lastError().text()));
    Report report({u"name"_s, u"private"_s, u"members"_s, u"lastSeq"_s, u"owner"_s, u"archivedAt"_s,
                   u"createdAt"_s, u"topic"_s});
    while (q.next()) {
        report.add({{"name"_L1, q.value(0).toString()},
                    {"private"_L1, q.value(1).toInt() != 0},
                    {"lastSeq"_L1, q.value(2).toLongLong()},
                    {"topic"_L1, q.value(3).toString()},
                    {"createdAt"_L1, timeValue(q.value(4))},
                    {"members"_L1, q.value(5).toLongLong()},
                    {"owner"_L1, q.value(6).isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(q.value(6).toString())},
                    {"archivedAt"_L1, timeValue(q.value(7))}});
    }
    print(report.text(options.json));
    return 0;
}

} // namespace AccountCommands
