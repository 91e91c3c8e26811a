// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// chat-admin backup on SQLite: SQLite's online backup API copies the database into a new file
// while servers go on writing it. The copy is made in one step inside one read transaction (in
// WAL mode writers do not wait for it), so it is the database as of one commit: never half of a
// batch, never a seq without the events below it. Written as TARGET.partial, checked
// (quick_check), then renamed to TARGET; an existing TARGET is never overwritten.
namespace SqliteBackup {

// *summary: what the copy holds, for the operator.
bool run(const QString &source, const QString &target, QString *summary, QString *error);

} // namespace SqliteBackup
