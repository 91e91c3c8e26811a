// SPDX-License-Identifier: MIT
#include "pgcluster.h"

#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace bench {

PgCluster::PgCluster(std::string binDir) : m_bin(std::move(binDir))
{
    char dir[] = "/tmp/chat-bench-pg-XXXXXX";
    if (mkdtemp(dir))
        m_dir = dir;
    if (geteuid() == 0) {
        m_user = getpwnam("postgres") ? "postgres" : "nobody";
        m_runAs = "runuser -u " + m_user + " -- ";
    }
}

PgCluster::~PgCluster()
{
    if (m_started)
        run(m_bin + "/pg_ctl -D " + m_dir + "/data -m fast -w stop");
    if (!m_dir.empty())
        std::filesystem::remove_all(m_dir);
}

bool PgCluster::run(const std::string &command) const
{
    // Paths come from mkdtemp and the binary directory: no characters the shell would read.
    const std::string full = m_runAs + command + " >>" + m_dir + "/setup.log 2>&1";
    return std::system(full.c_str()) == 0;
}

bool PgCluster::start()
{
    if (m_dir.empty() || std::system(("mkdir -p " + m_dir + "/socket").c_str()) != 0)
        return false;
    if (!m_user.empty() && std::system(("chown -R " + m_user + " " + m_dir).c_str()) != 0)
        return false;
    if (!run(m_bin + "/initdb -D " + m_dir + "/data -U chat -A trust -E UTF8 --no-instructions"))
        return false;
    m_started = run(m_bin + "/pg_ctl -D " + m_dir + "/data -l " + m_dir + "/server.log -w -o \"-k "
                    + m_dir + "/socket -p 5432 -c listen_addresses=''\" start");
    return m_started;
}

std::string PgCluster::createDatabase()
{
    const std::string name = "bench" + std::to_string(++m_databases);
    if (!run(m_bin + "/createdb -h " + m_dir + "/socket -p 5432 -U chat " + name))
        return {};
    return "postgresql://chat@/" + name + "?host=" + m_dir + "/socket&port=5432";
}

} // namespace bench
