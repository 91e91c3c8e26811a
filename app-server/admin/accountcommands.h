// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

struct AdminDatabase;

// chat-admin's `users …`, `tokens …` and `rooms …` commands. Each returns the process' exit
// code: 0 done, 1 refused or failed (said on stderr), 2 a usage error.
namespace AccountCommands {

struct Options
{
    bool json = false;          // listings as JSON arrays
    bool passwordStdin = false; // create / reset-password: the password is stdin's first line
};

int users(const AdminDatabase &db, const QStringList &args, const Options &options);
int tokens(const AdminDatabase &db, const QStringList &args, const Options &options);
int rooms(const AdminDatabase &db, const QStringList &args, const Options &options);

} // namespace AccountCommands
