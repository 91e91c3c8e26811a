// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// Files only the user may read (tokens, unsent messages, read markers): a folder of mode 0700,
// files of mode 0600.
namespace PrivateFiles {

// Creates the folder (and its parents) if needed and makes it owner-only; false if it failed.
bool makeDir(const QString &dir);
// Creates the file empty if it does not exist, and makes it owner-only; false if it failed.
bool makeFile(const QString &path);
// Makes an existing file owner-only; a missing file is fine.
void restrict(const QString &path);

} // namespace PrivateFiles
