// SPDX-License-Identifier: MIT
#include "pgserver.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <csignal>
#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

PostgresServer::PostgresServer()
{
    if (::geteuid() == 0)
        m_runAs = ::getpwnam("postgres") ? u"postgres"_s : u"nobody"_s;
}

PostgresServer::~PostgresServer()
{
    if (isRunning())
        run({binDir() + u"/pg_ctl"_s, u"-D"_s, m_dir.filePath(u"data"_s), u"-m"_s, u"immediate"_s,
             u"-w"_s, u"stop"_s});
}

QString PostgresServer::binDir()
{
    for (const QString &version : {u"17"_s, u"16"_s, u"15"_s}) {
        const QString dir = u"/usr/lib/postgresql/%1/bin"_s.arg(version);
        if (QFile::exists(dir + u"/initdb"_s))
            return dir;
    }
    return {};
}

QStringList PostgresServer::asServerUser(const QStringList &command) const
{
    if (m_runAs.isEmpty())
        return command;
    return QStringList{u"runuser"_s, u"-u"_s, m_runAs, u"--"_s} + command;
}

bool PostgresServer::run(const QStringList &command, QString *output, bool asServer) const
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    const QStringList full = asServer ? asServerUser(command) : command;
    process.start(full.first(), full.mid(1));
    const bool finished = process.waitForFinished(60000);
    const QString text = QString::fromLocal8Bit(process.readAll());
    if (output)
        *output = text;
    if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning().noquote() << "failed:" << full.join(u' ') << "\n" << text;
        return false;
    }
    return true;
}

bool PostgresServer::start()
{
    if (binDir().isEmpty()) {
        qWarning("PostgreSQL is not installed (make test installs postgresql-15)");
        return false;
    }
    const QString data = m_dir.filePath(u"data"_s);
    if (!m_initialised) {
        QDir().mkpath(socketDir());
        // The temporary directory is root's (0700): hand it to the server's user.
        if (!m_runAs.isEmpty() && !run({u"chown"_s, u"-R"_s, m_runAs, m_dir.path()}, nullptr, false))
            return false;
        if (!run({binDir() + u"/initdb"_s, u"-D"_s, data, u"-U"_s, user(), u"-A"_s, u"trust"_s,
                  u"-E"_s, u"UTF8"_s, u"--no-sync"_s, u"--no-instructions"_s}))
            return false;
        m_initialised = true;
    }
    // No TCP at all; the socket lives in the test's directory.
    const QString options = u"-k %1 -p %2 -c listen_addresses='' -c fsync=on"_s.arg(socketDir())
                                    .arg(port());
    return run({binDir() + u"/pg_ctl"_s, u"-D"_s, data, u"-o"_s, options, u"-l"_s,
                m_dir.filePath(u"server.log"_s), u"-w"_s, u"-t"_s, u"60"_s, u"start"_s});
}

bool PostgresServer::stop()
{
    return run({binDir() + u"/pg_ctl"_s, u"-D"_s, m_dir.filePath(u"data"_s), u"-m"_s, u"fast"_s,
                u"-w"_s, u"stop"_s});
}

bool PostgresServer::kill()
{
    QFile pidFile(m_dir.filePath(u"data/postmaster.pid"_s));
    if (!pidFile.open(QIODevice::ReadOnly))
        return false;
    const pid_t pid = pid_t(pidFile.readLine().trimmed().toLongLong());
    if (pid <= 0 || ::kill(pid, SIGKILL) != 0)
        return false;
    // Its children see the postmaster gone and exit; wait until the pid is free.
    for (int i = 0; i < 500 && ::kill(pid, 0) == 0; ++i)
        ::usleep(10000);
    return ::kill(pid, 0) != 0;
}

bool PostgresServer::isRunning() const
{
    // A killed postmaster leaves its pid file behind: running means that pid is alive.
    QFile pidFile(m_dir.filePath(u"data/postmaster.pid"_s));
    if (!m_initialised || !pidFile.open(QIODevice::ReadOnly))
        return false;
    const pid_t pid = pid_t(pidFile.readLine().trimmed().toLongLong());
    return pid > 0 && ::kill(pid, 0) == 0;
}

QString PostgresServer::url(const QString &database) const
{
    return u"postgresql://%1@/%2?host=%3&port=%4"_s.arg(user(), database, socketDir()).arg(port());
}

std::optional<QStringList> PostgresServer::query(const QString &sql)
{
    const QString connection = u"pg-harness-"_s + QUuid::createUuid().toString(QUuid::Id128);
    std::optional<QStringList> rows;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(socketDir());
        db.setPort(port());
        db.setUserName(user());
        db.setDatabaseName(u"postgres"_s);
        QSqlQuery q(db);
        if (db.open() && q.exec(sql)) {
            rows.emplace();
            while (q.next())
                rows->append(q.value(0).toString());
        } else {
            qWarning() << "harness query failed:" << sql << db.lastError().text() << q.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return rows;
}

bool PostgresServer::createDatabase(const QString &name)
{
    const QString connection = u"pg-harness-"_s + QUuid::createUuid().toString(QUuid::Id128);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(socketDir());
        db.setPort(port());
        db.setUserName(user());
        db.setDatabaseName(u"postgres"_s);
        if (db.open()) {
            QSqlQuery q(db);
            // Identifiers cannot be bound; the name is the test's own, checked here.
            static const QRegularExpression plain(u"^[a-z_][a-z0-9_]{0,62}$"_s);
            ok = plain.match(name).hasMatch()
                    && q.exec(u"CREATE DATABASE %1 ENCODING 'UTF8'"_s.arg(name));
            if (!ok)
                qWarning() << "CREATE DATABASE failed:" << q.lastError().text();
        } else {
            qWarning() << "cannot connect to the test PostgreSQL:" << db.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

QString PostgresServer::log() const
{
    QFile file(m_dir.filePath(u"server.log"_s));
    return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll()) : QString();
}
