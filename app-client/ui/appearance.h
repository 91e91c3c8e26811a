// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// Light or dark, for desktops whose theme Qt cannot read (Qt 6.4 has no colour-scheme hint, and
// without a platform theme plugin it paints light everywhere): "system" keeps what the desktop
// gives, "light" and "dark" set Qt's Fusion style with a palette of that kind. Everything the
// client paints takes its colours from the palette, so the whole window follows.
namespace Appearance {
void apply(const QString &mode); // "system", "light" or "dark"; call after QApplication exists
bool isDark();                   // the palette in use is a dark one
} // namespace Appearance
