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

bool SqlStore::storeToken(const QByteArray &tokenHash, qint64 userId, const QDateTime &expires)
{
    if (!m_sql.ensureConnected())
        return false;
    QSqlQuery q(m_sql.db());
    q.prepare(u"INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)"_s);
    q.addBindValue(tokenHash);
    q.addBindValue(userId);
    q.addBindValue(expires.toMSecsSinceEpoch());
    return m_sql.exec(q);
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
    return Lookup<AuthUser>::found({q.value(0).toLongLong(), q.value(1).toString(),
                                    QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC)});
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
