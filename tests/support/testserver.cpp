// SPDX-License-Identifier: MIT
#include "testserver.h"

#include "testdatabase.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <chrono>
#include <csignal>
#include <thread>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace {
// QThread::wait() returns once a thread's run is over, before the thread itself has exited (its
// thread-local data is still being torn down). LeakSanitizer's check at exit stops every thread and
// reads its stack; one that exits meanwhile crashes the check ("Tracer caught signal 11"), seen
// about once in 17 runs of tst_files_postgresql under ASan. So a test process that ran a server in
// process waits, for at most a second, until its other threads are gone before the exit handlers
// that include that check (this destructor runs first: it was registered after them).
struct ThreadsGoneBeforeExit
{
    static int otherThreads()
    {
        QDir tasks(u"/proc/self/task"_s);
        return int(tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size()) - 1;
    }
    ~ThreadsGoneBeforeExit()
    {
        for (int i = 0; i < 1000 && otherThreads() > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
} threadsGoneBeforeExit;
} // namespace

InProcessServer::InProcessServer(ServerConfig config) : m_config(std::move(config))
{
    m_config.listenAddress = QHostAddress::LocalHost;
    m_config.port = 0;
    // Suites register many accounts and rooms from 127.0.0.1; tst_ratelimits tests the limits.
    m_config.registerPerHour = std::max(m_config.registerPerHour, 1000000);
    m_config.roomsPerHour = std::max(m_config.roomsPerHour, 1000000);
}

bool InProcessServer::start()
{
    m_config.dbPath = TestDatabase::forPath(dbPath());
    if (m_config.dbPath.isEmpty())
        return false;
    m_server = std::make_unique<ChatServer>(m_config);
    QString error;
    if (!m_server->start(&error)) {
        qWarning() << "server did not start:" << error;
        return false;
    }
    m_port = m_server->port();
    return true;
}

void InProcessServer::stop()
{
    m_server.reset();
}

QUrl InProcessServer::http(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path));
}

QUrl InProcessServer::ws() const
{
    return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_port));
}

ServerProcess::ServerProcess(const QString &dbPath, const QStringList &extraArgs)
    : m_dbPath(dbPath), m_extraArgs(extraArgs)
{
    m_process.setProgram(QStringLiteral(CHAT_SERVER_BINARY));
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    // Suites register many accounts and rooms from 127.0.0.1 (setEnv overrides these).
    setEnv(u"CHAT_REGISTER_PER_HOUR"_s, u"1000000"_s);
    setEnv(u"CHAT_ROOMS_PER_HOUR"_s, u"1000000"_s);
}

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        kill();
}

void ServerProcess::setFileLimit(int soft, int hard)
{
    m_softFiles = soft;
    m_hardFiles = hard < 0 ? soft : hard;
}

void ServerProcess::setEnv(const QString &name, const QString &value)
{
    QProcessEnvironment env = m_process.processEnvironment().isEmpty()
            ? QProcessEnvironment::systemEnvironment()
            : m_process.processEnvironment();
    env.insert(name, value);
    m_process.setProcessEnvironment(env);
}

bool ServerProcess::start()
{
    m_output.clear();
    const QString db = TestDatabase::forPath(m_dbPath);
    if (db.isEmpty())
        return false;
    const QStringList args = QStringList{u"--listen"_s, u"127.0.0.1:%1"_s.arg(m_fixedPort), u"--db"_s, db}
            + m_extraArgs;
    if (m_listener >= 0) {
        // LISTEN_PID must be the server's own pid: a shell learns it ($$) and execs the server.
        if (m_program.isEmpty())
            m_program = m_process.program();
        m_process.setProgram(u"/bin/sh"_s);
        m_process.setArguments(QStringList{u"-c"_s, u"LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" \"$@\""_s, m_program}
                               + args);
    } else {
        m_process.setArguments(args);
    }
    m_process.setChildProcessModifier([soft = m_softFiles, hard = m_hardFiles, listener = m_listener] {
        // If the test process dies (a crash, a sanitizer abort), its server dies with it
        // instead of running on and loading the machine.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (soft >= 0) {
            const rlimit limit{rlim_t(soft), rlim_t(hard)};
            ::setrlimit(RLIMIT_NOFILE, &limit);
        }
        if (listener == 3)
            ::fcntl(3, F_SETFD, 0); // the server inherits it
        else if (listener >= 0)
            ::dup2(listener, 3); // a copy without close-on-exec: the server inherits it
    });
    m_process.start();
    if (!m_process.waitForStarted(10000))
        return false;
    static const QRegularExpression line(u"listening on https?://[^:]+:(\\d+)"_s);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        if (m_process.canReadLine() || m_process.waitForReadyRead(200)) {
            m_output += m_process.readAllStandardOutput();
            const auto match = line.match(QString::fromUtf8(m_output));
            if (match.hasMatch()) {
                m_port = quint16(match.captured(1).toUInt());
                return true;
            }
        }
        if (m_process.state() == QProcess::NotRunning) {
            qWarning() << "chat-server exited:" << m_process.readAllStandardError();
            return false;
        }
    }
    return false;
}

QByteArray ServerProcess::log()
{
    m_log += m_process.readAllStandardError();
    return m_log;
}

quint16 ServerProcess::freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

void ServerProcess::kill()
{
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(10000);
}

bool ServerProcess::terminate(int *exitCode)
{
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(15000))
        return false;
    m_output += m_process.readAllStandardOutput();
    *exitCode = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    return true;
}

qint64 ServerProcess::rssKiB() const
{
    QFile status(u"/proc/%1/status"_s.arg(pid()));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

QUrl ServerProcess::http(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path));
}

QUrl ServerProcess::ws() const
{
    return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_port));
}
