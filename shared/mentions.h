// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// Mentions of a user in a message: "@name", ignoring case, not inside a longer name ("@bob"
// does not mention bobby; "@bob." at the end of a sentence does mention bob). The server counts
// them for the room list (docs/protocol.md, "Read state"); the client highlights the same ones.
namespace Mentions {

bool mentions(const QString &body, const QString &user);
// Where the mention of user at or after from starts (its '@'), and its length; -1 when none.
qsizetype find(const QString &body, const QString &user, qsizetype from, qsizetype *length);

} // namespace Mentions
