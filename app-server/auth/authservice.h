// SPDX-License-Identifier: MIT
#pragma once

#include "apitypes.h"
#include "store/chatstore.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>
#include <optional>

class StoreService;

// Accounts and bearer tokens. Password hashing runs on the global thread pool; results and every
// callback come back on the main thread. Valid tokens are cached for a minute so that each request
// does not cost a database round trip; logout removes the entry at once, and a token past its
// expiry is refused from the cache too.
class AuthService : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        // WrongPassword: the password given to confirm a change (not a sign-in) is not right.
        // Disabled: the account was deactivated (told only to whoever knows its password).
        enum class Status { Ok, NameTaken, BadCredentials, WrongPassword, Disabled, NotFound, Invalid, Busy, Error };
        Status status = Status::Error;
        QString message; // for Invalid
        AuthResult result;
        int revoked = 0; // tokens a password change or deactivation revoked
    };
    using OutcomeCallback = std::function<void(const Outcome &)>;
    // Ok with the user; UserNotFound for a token that is unknown, expired or revoked; Error when
    // the database could not tell (never to be answered as "signed out").
    using UserCallback = std::function<void(const Lookup<AuthUser> &)>;

    AuthService(StoreService *store, int tokenTtlDays, QObject *parent = nullptr);
    ~AuthService() override; // waits for hashing jobs still running

    void registerUser(const Credentials &credentials, QObject *context, OutcomeCallback done);
    void login(const Credentials &credentials, QObject *context, OutcomeCallback done);
    void logout(const QString &token, QObject *context, std::function<void()> done);
    void authenticate(const QString &token, QObject *context, UserCallback done);
    // The user (signed in with token) sets a new password, confirming the current one: every
    // other token of theirs is revoked, so other devices and their sockets are signed out.
    void changePassword(const AuthUser &user, const QString &token, const QString &current,
                        const QString &newPassword, QObject *context, OutcomeCallback done);
    // The user deactivates their account, confirming the password: every token is revoked.
    void deactivate(const AuthUser &user, const QString &password, QObject *context,
                    OutcomeCallback done);

    // The user's sessions (tokens not expired), the most recently used first.
    using SessionsCallback = std::function<void(Lookup<QList<SessionRecord>>)>;
    void sessions(const AuthUser &user, QObject *context, SessionsCallback done);
    // Ends the user's session whose token hash starts with hashPrefix: revoked and announced
    // (its sockets close, on every server). NotFound when the user has no such session.
    void revokeSession(const AuthUser &user, const QByteArray &hashPrefix, QObject *context,
                       OutcomeCallback done);

    // "Bearer <token>" -> token; empty when the header has another shape.
    static QString bearerToken(const QByteArray &authorizationHeader);
    static QByteArray digestOf(const QString &token); // how tokenRevoked names a token
    // Tokens another server of the same database revoked: out of the cache, and announced.
    void revokedElsewhere(const QList<QByteArray> &digests);

signals:
    // The token is dead from now on (logout, password change, deactivation): whatever still runs
    // on it must end.
    void tokenRevoked(const QByteArray &digest);

private:
    struct CachedToken
    {
        AuthUser user;
        qint64 checkedAtMs = 0;
    };
    void purgeStaleTokens();
    void issueToken(const AuthUser &user, const QString &device, QObject *context,
                    OutcomeCallback done);
    // The user's password checked against password on the pool, then work() there too (empty
    // result = failure); done is told WrongPassword, Disabled or Error, or then(work's result).
    void confirmPassword(const AuthUser &user, const QString &password,
                         std::function<QByteArray()> work, QObject *context, OutcomeCallback done,
                         std::function<void(const QByteArray &)> then);
    // A store change that deletes tokens: each revoked one leaves the cache and is announced.
    using TokenChange = std::function<StoreStatus(ChatStore &, QList<QByteArray> *revoked)>;
    // notFound: what a UserNotFound of the change means to the caller.
    void revokeWith(TokenChange change, QObject *context, OutcomeCallback done,
                    Outcome::Status notFound = Outcome::Status::Disabled);
    // Runs work on the thread pool; done(result) runs here if context is still alive. Returns
    // false (and runs nothing) when too many jobs are already waiting.
    bool offThread(std::function<QByteArray()> work, QObject *context,
                   std::function<void(const QByteArray &)> done);

    StoreService *m_store;
    int m_tokenTtlDays;
    QHash<QByteArray, CachedToken> m_tokens; // token digest -> user
    struct PendingWork
    {
        QPointer<QObject> context;
        std::function<void(const QByteArray &)> done;
    };
    QHash<quint64, PendingWork> m_pending;
    QThreadPool m_pool; // Argon2id jobs; at most one per core (each takes 64 MiB)
    quint64 m_nextWorkId = 0;
};
