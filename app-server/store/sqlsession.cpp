// SPDX-License-Identifier: MIT
#include "sqlsession.h"

#include "logging.h"

#include <QSqlError>
#include <QUuid>

using namespace Qt::StringLiterals;

SqlSession::SqlSession(const QString &connectionPrefix)
    : m_connectionName(connectionPrefix + QUuid::createUuid().toString(QUuid::Id128))
{
}

SqlSession::~SqlSession()
{
    m_slots.clear(); // their owners may be gone by now; close() ran while they were not
    close();
}

bool SqlSession::addConnection(const QString &driver)
{
    if (!QSqlDatabase::isDriverAvailable(driver))
        return false;
    m_db = QSqlDatabase::addDatabase(driver, m_connectionName);
    return m_db.isValid();
}

void SqlSession::close()
{
    dropPrepared();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_broken = false;
}

void SqlSession::dropPrepared()
{
    for (std::optional<QSqlQuery> *slot : std::as_const(m_slots))
        slot->reset();
    m_slots.clear();
}

QSqlQuery &SqlSession::prepared(std::optional<QSqlQuery> &slot, const QString &sql)
{
    // Preparing costs a parse (a round trip on PostgreSQL) and several allocations: the
    // per-event statements are prepared once per connection (measured: docs/performance.md).
    if (!slot) {
        slot.emplace(m_db);
        slot->setForwardOnly(true); // rows are read once, in order: no cached copy of the result
        slot->prepare(sql);
        m_slots.append(&slot);
    }
    return *slot;
}

bool SqlSession::exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    qCWarning(lcStore) << "query failed:" << query.lastError().text() << query.lastQuery();
    m_broken = true; // checked before the next operation
    return false;
}

bool SqlSession::run(const QString &statement)
{
    QSqlQuery q(m_db);
    if (q.exec(statement))
        return true;
    qCWarning(lcStore) << "statement failed:" << q.lastError().text() << statement;
    m_broken = true;
    return false;
}

bool SqlSession::begin()
{
    if (m_db.transaction())
        return true;
    // Nothing has run yet: a connection the database closed since the last operation (it
    // restarted) is opened again and the transaction begun there, so the first request after
    // a restart is not failed for nothing.
    const bool wasTrusted = !m_broken;
    qCWarning(lcStore) << "cannot begin transaction:" << m_db.lastError().text();
    m_broken = true;
    if (wasTrusted && ensureConnected() && m_db.transaction())
        return true;
    m_broken = true;
    return false;
}

bool SqlSession::commit()
{
    if (m_db.commit())
        return true;
    qCWarning(lcStore) << "commit failed:" << m_db.lastError().text();
    m_broken = true;
    return false;
}

void SqlSession::rollback()
{
    if (!m_db.rollback())
        m_broken = true;
}

bool SqlSession::ensureConnected()
{
    if (!m_broken)
        return true;
    // A statement failed since the last operation. Outside a transaction a trivial query tells
    // a dead connection (the server restarted, the network dropped) from a failed statement.
    {
        QSqlQuery probe(m_db);
        if (m_db.isOpen() && probe.exec(u"SELECT 1"_s)) {
            m_broken = false;
            return true;
        }
    }
    dropPrepared();
    m_db.close();
    if (!m_db.open()) {
        qCWarning(lcStore).noquote() << "database still unreachable:" << m_db.lastError().text();
        return false;
    }
    qCInfo(lcStore) << "database connection re-established";
    m_broken = false;
    return true;
}
