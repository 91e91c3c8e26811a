// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace bench {

// A PostgreSQL cluster of the benchmark's own, as the test harness has one: initdb into a
// directory, a unix socket there and no TCP, default durability (fsync, synchronous_commit on),
// stopped in the destructor. As root the server runs as Debian's "postgres" user.
class PgCluster
{
public:
    explicit PgCluster(std::string binDir); // the cluster lives in a new /tmp directory
    ~PgCluster();
    PgCluster(const PgCluster &) = delete;
    PgCluster &operator=(const PgCluster &) = delete;

    bool start();
    std::string dir() const { return m_dir; }
    // A new empty database; returns the chat-server --db URL for it, empty on failure.
    std::string createDatabase();

private:
    bool run(const std::string &command) const; // as the server's user

    std::string m_bin;
    std::string m_dir;
    std::string m_user;  // as root: the unprivileged user the server runs as
    std::string m_runAs; // "runuser -u USER -- " as root
    bool m_started = false;
    int m_databases = 0;
};

} // namespace bench
