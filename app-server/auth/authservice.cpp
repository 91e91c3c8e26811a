// SPDX-License-Identifier: MIT
#include "authservice.h"

#include "logging.h"
#include "passwordhasher.h"
#include "store/storeservice.h"
#include "threadhandoff.h"
#include "validation.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kTokenCacheMs = 60 * 1000;
constexpr qsizetype kMaxCachedTokens = 100000;
// Each hash takes ~0.1 s of a core: beyond this many waiting, callers are told to come back
// rather than queue for seconds.
constexpr qsizetype kMaxPendingHashes = 64;
}

AuthService::AuthService(StoreService *store, int tokenTtlDays, QObject *parent)
    : QObject(parent), m_store(store), m_tokenTtlDays(tokenTtlDays)
{
    m_pool.setObjectName(u"chat-auth"_s);
}

AuthService::~AuthService()
{
    // Jobs post their result to this object: let them finish first; ~QObject then drops the
    // posted results.
    m_pool.waitForDone();
}

QString AuthService::bearerToken(const QByteArray &authorizationHeader)
{
    const QByteArray value = authorizationHeader.trimmed();
    if (value.size() < 8 || qstrnicmp(value.constData(), "Bearer ", 7) != 0)
        return {};
    const QByteArray token = value.mid(7).trimmed();
    if (token.isEmpty() || token.size() > 256)
        return {};
    return QString::fromLatin1(token);
}

bool AuthService::offThread(std::function<QByteArray()> work, QObject *context,
                            std::function<void(const QByteArray &)> done)
{
    if (m_pending.size() >= kMaxPendingHashes) {
        qCWarning(lcAuth) << "password hashing queue full; refusing a request";
        return false;
    }
    const quint64 id = ++m_nextWorkId;
    m_pending.insert(id, {context, std::move(done)});
    ThreadHandOff::start(m_pool, [this, id, work = std::move(work)] {
        const QByteArray result = work();
        ThreadHandOff::post(this, [this, id, result] {
            const PendingWork pending = m_pending.take(id);
            if (pending.context && pending.done)
                pending.done(result);
        });
    });
    return true;
}

void AuthService::registerUser(const Credentials &credentials, QObject *context,
                               OutcomeCallback done)
{
    const QString why = Validation::passwordError(credentials.password);
    if (!why.isEmpty()) {
        done({Outcome::Status::Invalid, why, {}});
        return;
    }
    const QString password = credentials.password;
    const bool queued = offThread([password] { return PasswordHasher::hash(password); }, context,
              [this, name = credentials.username, device = credentials.device, context, done](const QByteArray &hash) {
                  if (hash.isEmpty()) {
                      done({Outcome::Status::Error, {}, {}});
                      return;
                  }
                  using Created = std::pair<StoreStatus, UserRecord>;
                  m_store->run<Created>(
                          context,
                          [name, hash](ChatStore &store) {
                              UserRecord user;
                              const StoreStatus status = store.createUser(name, hash, &user);
                              return Created{status, user};
                          },
                          [this, context, done, device](Created created) {
                              if (created.first == StoreStatus::Conflict) {
                                  done({Outcome::Status::NameTaken, {}, {}});
                              } else if (created.first != StoreStatus::Ok) {
                                  done({Outcome::Status::Error, {}, {}});
                              } else {
                                  issueToken({created.second.id, created.second.name}, device,
                                             context, done);
                              }
                          });
              });
    if (!queued)
        done({Outcome::Status::Busy, {}, {}});
}

void AuthService::login(const Credentials &credentials, QObject *context, OutcomeCallback done)
{
    const QString name = credentials.username;
    const QString password = credentials.password;
    m_store->run<Lookup<UserRecord>>(
            context, [name](ChatStore &store) { return store.findUser(name); },
            [this, password, context, done, device = credentials.device](Lookup<UserRecord> user) {
                if (user.failed()) { // not "wrong password": the database did not answer
                    done({Outcome::Status::Error, {}, {}});
                    return;
                }
                // Unknown users cost the same hashing time as known ones (no name probing).
                const QByteArray stored = user ? user->passwordHash : QByteArray();
                const bool queued = offThread(
                        [stored, password]() -> QByteArray {
                            if (stored.isEmpty()) {
                                PasswordHasher::hash(password);
                                return {};
                            }
                            return PasswordHasher::verify(stored, password) ? "ok" : "";
                        },
                        context,
                        [this, user, context, done, device](const QByteArray &ok) {
                            if (!user || ok.isEmpty()) {
                                done({Outcome::Status::BadCredentials, {}, {}});
                                return;
                            }
                            if (user->disabled) {
                                done({Outcome::Status::Disabled, {}, {}});
                                return;
                            }
                            issueToken({user->id, user->name}, device, context, done);
                        });
                if (!queued)
                    done({Outcome::Status::Busy, {}, {}});
            });
}

void AuthService::issueToken(const AuthUser &user, const QString &device, QObject *context,
                             OutcomeCallback done)
{
    const QString token = PasswordHasher::newToken();
    const QByteArray digest = PasswordHasher::tokenDigest(token);
    const QDateTime expires = QDateTime::currentDateTimeUtc().addDays(m_tokenTtlDays);
    m_store->run<bool>(
            context,
            [digest, user, expires, device](ChatStore &store) {
                return store.storeToken(digest, user.id, expires, device);
            },
            [this, token, digest, user, expires, done](bool stored) {
                if (!stored) {
                    done({Outcome::Status::Error, {}, {}});
                    return;
                }
                AuthUser holder = user;
                holder.expires = expires;
                m_tokens.insert(digest, {holder, QDateTime::currentMSecsSinceEpoch()});
                done({Outcome::Status::Ok, {}, {token, user.name}});
            });
}

void AuthService::logout(const QString &token, QObject *context, std::function<void()> done)
{
    const QByteArray digest = PasswordHasher::tokenDigest(token);
    m_tokens.remove(digest);
    emit tokenRevoked(digest);
    m_store->run<bool>(
            context, [digest](ChatStore &store) { return store.deleteToken(digest); },
            [this, digest, done](bool) {
                m_tokens.remove(digest); // in case a lookup raced the delete
                done();
            });
}

void AuthService::changePassword(const AuthUser &user, const QString &token,
                                 const QString &current, const QString &newPassword,
                                 QObject *context, OutcomeCallback done)
{
    const QString why = Validation::passwordError(newPassword);
    if (!why.isEmpty()) {
        done({Outcome::Status::Invalid, u"new password: "_s + why, {}});
        return;
    }
    const QByteArray keep = PasswordHasher::tokenDigest(token);
    confirmPassword(
            user, current, [newPassword] { return PasswordHasher::hash(newPassword); }, context,
            done, [this, id = user.id, keep, context, done](const QByteArray &hash) {
                revokeWith(
                        [id, hash, keep](ChatStore &store, QList<QByteArray> *revoked) {
                            return store.setPassword(id, hash, keep, revoked);
                        },
                        context, done);
            });
}

void AuthService::deactivate(const AuthUser &user, const QString &password, QObject *context,
                             OutcomeCallback done)
{
    confirmPassword(
            user, password, [] { return QByteArrayLiteral("ok"); }, context, done,
            [this, id = user.id, context, done](const QByteArray &) {
                revokeWith(
                        [id](ChatStore &store, QList<QByteArray> *revoked) {
                            return store.disableUser(id, revoked);
                        },
                        context, done);
            });
}

void AuthService::confirmPassword(const AuthUser &user, const QString &password,
                                  std::function<QByteArray()> work, QObject *context,
                                  OutcomeCallback done, std::function<void(const QByteArray &)> then)
{
    // Not an Argon2id output ("$argon2id$…"), so it cannot be mistaken for work's result.
    static const QByteArray wrong = QByteArrayLiteral("\x01wrong password");
    m_store->run<Lookup<UserRecord>>(
            context, [name = user.name](ChatStore &store) { return store.findUser(name); },
            [this, password, work = std::move(work), context, done,
             then = std::move(then)](Lookup<UserRecord> record) {
                if (record.failed() || (!record && record.status != StoreStatus::UserNotFound)) {
                    done({Outcome::Status::Error, {}, {}});
                    return;
                }
                if (!record || record->disabled) { // deactivated meanwhile (its tokens are gone)
                    done({Outcome::Status::Disabled, {}, {}});
                    return;
                }
                const bool queued = offThread(
                        [stored = record->passwordHash, password, work]() -> QByteArray {
                            if (!PasswordHasher::verify(stored, password))
                                return wrong;
                            return work();
                        },
                        context,
                        [done, then](const QByteArray &result) {
                            if (result == wrong)
                                done({Outcome::Status::WrongPassword, {}, {}});
                            else if (result.isEmpty())
                                done({Outcome::Status::Error, {}, {}});
                            else
                                then(result);
                        });
                if (!queued)
                    done({Outcome::Status::Busy, {}, {}});
            });
}

void AuthService::sessions(const AuthUser &user, QObject *context, SessionsCallback done)
{
    m_store->run<Lookup<QList<SessionRecord>>>(
            context,
            [id = user.id](ChatStore &store) {
                return store.sessions(id, QDateTime::currentDateTimeUtc());
            },
            std::move(done));
}

void AuthService::revokeSession(const AuthUser &user, const QByteArray &hashPrefix,
                                QObject *context, OutcomeCallback done)
{
    revokeWith(
            [id = user.id, hashPrefix](ChatStore &store, QList<QByteArray> *revoked) {
                QByteArray hash;
                const StoreStatus status = store.revokeSession(id, hashPrefix, &hash);
                if (status == StoreStatus::Ok)
                    revoked->append(hash);
                return status;
            },
            context, std::move(done), Outcome::Status::NotFound);
}

void AuthService::revokeWith(TokenChange change, QObject *context, OutcomeCallback done,
                             Outcome::Status notFound)
{
    using Revoked = std::pair<StoreStatus, QList<QByteArray>>;
    m_store->run<Revoked>(
            context,
            [change = std::move(change)](ChatStore &store) {
                Revoked result;
                result.first = change(store, &result.second);
                return result;
            },
            [this, done, notFound](Revoked result) {
                if (result.first != StoreStatus::Ok) {
                    done({result.first == StoreStatus::UserNotFound ? notFound
                                                                    : Outcome::Status::Error,
                          {}, {}});
                    return;
                }
                // After the commit: a lookup that read a token before the delete was answered
                // before this (one store thread, in order), so nothing puts it back in the cache.
                for (const QByteArray &digest : std::as_const(result.second)) {
                    m_tokens.remove(digest);
                    emit tokenRevoked(digest);
                }
                Outcome outcome;
                outcome.status = Outcome::Status::Ok;
                outcome.revoked = int(result.second.size());
                done(outcome);
            });
}

void AuthService::authenticate(const QString &token, QObject *context, UserCallback done)
{
    const Lookup<AuthUser> signedOut{StoreStatus::UserNotFound, {}};
    if (token.isEmpty()) {
        done(signedOut);
        return;
    }
    const QByteArray digest = PasswordHasher::tokenDigest(token);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (const auto it = m_tokens.constFind(digest); it != m_tokens.cend()) {
        if (it->user.expires.toMSecsSinceEpoch() <= now) {
            m_tokens.erase(it); // expired: exactly then, not up to a cache period later
            done(signedOut);
            return;
        }
        if (now - it->checkedAtMs < kTokenCacheMs) {
            done(Lookup<AuthUser>::found(it->user));
            return;
        }
        m_tokens.erase(it);
    }
    m_store->run<Lookup<AuthUser>>(
            context,
            [digest](ChatStore &store) {
                return store.userForToken(digest, QDateTime::currentDateTimeUtc());
            },
            [this, digest, done](Lookup<AuthUser> user) {
                if (m_tokens.size() > kMaxCachedTokens)
                    purgeStaleTokens();
                if (user)
                    m_tokens.insert(digest, {*user, QDateTime::currentMSecsSinceEpoch()});
                done(user);
            });
}

void AuthService::revokedElsewhere(const QList<QByteArray> &digests)
{
    for (const QByteArray &digest : digests) {
        m_tokens.remove(digest);
        emit tokenRevoked(digest);
    }
}

QByteArray AuthService::digestOf(const QString &token)
{
    return PasswordHasher::tokenDigest(token);
}

void AuthService::purgeStaleTokens()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_tokens.removeIf([now](const auto &it) { return now - it.value().checkedAtMs >= kTokenCacheMs; });
}
