// SPDX-License-Identifier: MIT
// SqlStore's accounts: users, their passwords and state, and their bearer tokens (stored as
// digests only: PasswordHasher::tokenDigest).
#include "sqlstore.h"

#include <QDateTime>
#include <QSqlError>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

// What a user name looks like: the expression of the users_skeleton index (migrations sqlite/005,
// postgresql/004), applied to `of` (a column or a bound value).
QString skeletonOf(const QString &of)
{
    return u"replace(replace(replace(replace(replace(lower(%1), '1', 'l'), 'i', 'l'), '0', 'o'), "
           "'rn', 'm'), 'vv', 'w')"_s.arg(of);
}

} // namespace

StoreStatus SqlStore::createUser(const QString &name, const QByteArray &passwordHash,
                                 UserRecord *created)
{
    if (!m_sql.ensureConnected() || !m_sql.begin())
        return StoreStatus::Error;
    QSqlQuery q(m_sql.db());
    // A name that looks like a taken one (aIice beside alice) is taken too.
    q.prepare(u"SELECT 1 FROM users WHERE "_s + skeletonOf(u"name"_s) + u" = "_s + skeletonOf(u"?"_s)
              + u" LIMIT 1"_s);
    q.addBindValue(name);
    if (!m_sql.exec(q)) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    if (q.next()) {
        m_sql.rollback();
        return StoreStatus::Conflict;
    }
    q.finish();
    // The unique index on lower(name) decides a race between two registrations.
    q.prepare(u"INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?) "
              "ON CONFLICT DO NOTHING RETURNING id"_s);
    q.addBindValue(name);
    q.addBindValue(QString::fromLatin1(passwordHash));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!m_sql.exec(q)) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    if (!q.next()) {
        m_sql.rollback();
        return StoreStatus::Conflict;
    }
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    const auto general = findRoom(u"general"_s);
    if (!general || !addMember(general->id, id) || !m_sql.commit()) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    *created = {id, name, passwordHash};
    return StoreStatus::Ok;
}

Lookup<UserRecord> SqlStore::findUser(const QString &name)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT id, name, password_hash, disabled_at IS NOT NULL FROM users "
              "WHERE lower(name) = lower(?)"_s);
    q.addBindValue(name);
    if (!m_sql.exec(q))
        return {};
    if (!q.next())
        return {StoreStatus::UserNotFound, {}};
    return Lookup<UserRecord>::found({q.value(0).toLongLong(), q.value(1).toString(),
                                      q.value(2).toByteArray(), q.value(3).toBool()});
}

bool SqlStore::storeToken(const QByteArray &tokenHash, qint64 userId, const QDateTime &expires,
                          const QString &device)
{
    if (!m_sql.ensureConnected())
        return false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery q(m_sql.db());
    q.prepare(u"INSERT INTO tokens (hash, user_id, expires_at, created_at, last_used_at, device) "
              "VALUES (?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(tokenHash);
    q.addBindValue(userId);
    q.addBindValue(expires.toMSecsSinceEpoch());
    q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(device); // "" binds NULL: unknown
    return m_sql.exec(q);
}

Lookup<QList<SessionRecord>> SqlStore::sessions(qint64 userId, const QDateTime &now)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT hash, device, created_at, last_used_at, expires_at FROM tokens "
              "WHERE user_id = ? AND expires_at > ? "
              "ORDER BY COALESCE(last_used_at, 0) DESC, COALESCE(created_at, 0) DESC"_s);
    q.addBindValue(userId);
    q.addBindValue(now.toMSecsSinceEpoch());
    if (!m_sql.exec(q))
        return {};
    auto at = [&q](int column) {
        return q.value(column).isNull() ? QDateTime()
                                        : QDateTime::fromMSecsSinceEpoch(q.value(column).toLongLong(), Qt::UTC);
    };
    QList<SessionRecord> out;
    while (q.next())
        out.append({q.value(0).toByteArray(), q.value(1).toString(), at(2), at(3), at(4)});
    return Lookup<QList<SessionRecord>>::found(out);
}

StoreStatus SqlStore::revokeSession(qint64 userId, const QByteArray &hashPrefix, QByteArray *revoked)
{
    if (hashPrefix.isEmpty())
        return StoreStatus::UserNotFound;
    const Lookup<QList<SessionRecord>> mine = sessions(userId, QDateTime::fromMSecsSinceEpoch(0));
    if (!mine)
        return mine.status;
    QByteArray hash;
    for (const SessionRecord &s : *mine) {
        if (s.tokenHash.startsWith(hashPrefix))
            hash = s.tokenHash;
    }
    if (hash.isEmpty())
        return StoreStatus::UserNotFound;
    if (!deleteToken(hash)) // announced to the other servers
        return StoreStatus::Error;
    *revoked = hash;
    return StoreStatus::Ok;
}

Lookup<AuthUser> SqlStore::userForToken(const QByteArray &tokenHash, const QDateTime &now)
{
    if (!m_sql.ensureConnected())
        return {};
    QSqlQuery q(m_sql.db());
    q.prepare(u"SELECT u.id, u.name, t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id "
              "WHERE t.hash = ? AND t.expires_at > ? AND u.disabled_at IS NULL"_s);
    q.addBindValue(tokenHash);
    q.addBindValue(now.toMSecsSinceEpoch());
    if (!m_sql.exec(q))
        return {};
    if (!q.next())
        return {StoreStatus::UserNotFound, {}};
    const auto found = Lookup<AuthUser>::found({q.value(0).toLongLong(), q.value(1).toString(),
                                    QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC)});
    q.finish();
    // Its last use, as seen through the token cache (a lookup per token and minute at most).
    QSqlQuery used(m_sql.db());
    used.prepare(u"UPDATE tokens SET last_used_at = ? WHERE hash = ?"_s);
    used.addBindValue(now.toMSecsSinceEpoch());
    used.addBindValue(tokenHash);
    if (!m_sql.exec(used))
        return {};
    return found;
}

bool SqlStore::deleteToken(const QByteArray &tokenHash)
{
    if (!m_sql.ensureConnected())
        return false;
    QSqlQuery q(m_sql.db());
    q.prepare(u"DELETE FROM tokens WHERE hash = ?"_s);
    q.addBindValue(tokenHash);
    // Told even when no row went (a second logout): the other servers may still cache it.
    return m_sql.exec(q) && announceRevoked({tokenHash});
}

StoreStatus SqlStore::setPassword(qint64 userId, const QByteArray &passwordHash,
                                  const QByteArray &keepTokenHash, QList<QByteArray> *revoked)
{
    return updateActiveUser(userId, u"password_hash"_s, QString::fromLatin1(passwordHash),
                            keepTokenHash, revoked);
}

StoreStatus SqlStore::disableUser(qint64 userId, QList<QByteArray> *revoked)
{
    return updateActiveUser(userId, u"disabled_at"_s, QDateTime::currentMSecsSinceEpoch(), {},
                            revoked);
}

StoreStatus SqlStore::revokeAllTokens(qint64 userId, QList<QByteArray> *revoked)
{
    if (!m_sql.ensureConnected() || !m_sql.begin())
        return StoreStatus::Error;
    if (!revokeTokens(userId, {}, revoked)
        || (!revoked->isEmpty() && !announceRevoked(*revoked)) || !m_sql.commit()) {
        m_sql.rollback();
        revoked->clear();
        return StoreStatus::Error;
    }
    return StoreStatus::Ok;
}

StoreStatus SqlStore::updateActiveUser(qint64 userId, const QString &column, const QVariant &value,
                                       const QByteArray &keepTokenHash, QList<QByteArray> *revoked)
{
    if (!m_sql.ensureConnected() || !m_sql.begin())
        return StoreStatus::Error;
    QSqlQuery q(m_sql.db());
    q.prepare(u"UPDATE users SET %1 = ? WHERE id = ? AND disabled_at IS NULL"_s.arg(column));
    q.addBindValue(value);
    q.addBindValue(userId);
    if (!m_sql.exec(q)) {
        m_sql.rollback();
        return StoreStatus::Error;
    }
    if (q.numRowsAffected() != 1) { // no such user, or deactivated
        m_sql.rollback();
        return StoreStatus::UserNotFound;
    }
    q.finish();
    if (!revokeTokens(userId, keepTokenHash, revoked)
        || (!revoked->isEmpty() && !announceRevoked(*revoked)) || !m_sql.commit()) {
        m_sql.rollback();
        revoked->clear();
        return StoreStatus::Error;
    }
    return StoreStatus::Ok;
}

bool SqlStore::revokeTokens(qint64 userId, const QByteArray &keep, QList<QByteArray> *revoked)
{
    QSqlQuery q(m_sql.db());
    // (An empty QByteArray would bind NULL, and `hash <> NULL` keeps every token.)
    q.prepare(keep.isEmpty() ? u"DELETE FROM tokens WHERE user_id = ? RETURNING hash"_s
                             : u"DELETE FROM tokens WHERE user_id = ? AND hash <> ? RETURNING hash"_s);
    q.addBindValue(userId);
    if (!keep.isEmpty())
        q.addBindValue(keep);
    if (!m_sql.exec(q))
        return false;
    while (q.next())
        revoked->append(q.value(0).toByteArray());
    return true;
}
