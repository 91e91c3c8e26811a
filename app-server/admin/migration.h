// SPDX-License-Identifier: MIT
#pragma once

#include "store/databaseurl.h"

#include <QStringList>

// chat-admin migrate: an SQLite database (stopped: its lock is taken) copied whole into a new
// PostgreSQL database — ids, seqs, the epoch, accounts, tokens, memberships, events and
// reactions — in one transaction that commits only once every table's row count, and every
// room's last seq, event count and text length, are the same on both sides. A target that holds
// anything but what an empty installation has (the general room) is refused, and so is one whose
// tables or columns differ from the source's (a schema of another release).
namespace Migration {

// The tables in the order their references allow, every table of the schema: a table added by
// a migration must be added here too, or migrate refuses to run (it would not carry it).
const QStringList &tables();

// *report: a line per table and room, for the operator.
bool run(const DatabaseUrl &from, const DatabaseUrl &to, const QString &toPasswordFile,
         QStringList *report, QString *error);

} // namespace Migration
