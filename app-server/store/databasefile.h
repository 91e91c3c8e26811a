// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QLockFile;

// Why an SQLite database file cannot be used, in words an operator can act on.
namespace DatabaseFile {

// Empty when the file can be opened or created where it is named; else why not (missing folder,
// not a folder, a folder where the file should be, a read-only file).
QString problem(const QString &path);
// Why the lock next to the database could not be taken: in use by another process (with its
// program, pid and host), or why no file can be created there.
QString lockProblem(const QLockFile &lock, const QString &path);
// The path with symbolic links and "." / ".." resolved, of the file or (not there yet) of its
// folder: the one name every way of naming the database leads to.
QString canonicalPath(const QString &path);

} // namespace DatabaseFile
