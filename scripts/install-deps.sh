#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages the build, the tests and the demo need, if any is missing.
# (qt6-qpa-plugins brings the offscreen platform the widget tests run on, and xcb for the demo;
# fonts-noto-color-emoji lets the client show emoji in messages and reactions.)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  qt6-base-dev qt6-base-private-dev qt6-websockets-dev qt6-httpserver-dev libqt6sql6-sqlite qt6-qpa-plugins
  libsodium-dev libsqlite3-dev qtkeychain-qt6-dev fonts-dejavu-core fonts-noto-color-emoji openssl
)

# Extra groups: `install-deps.sh test` adds PostgreSQL 15 and QtSql's driver for it (the tests
# start a server of their own) and what cpack needs (tst_packaging builds the .debs); `fuzz` adds clang and its libFuzzer runtime; `bench` adds wrk (and
# Node.js when there is none) for make bench; `package` the tools cpack needs for make package.
for group in "$@"; do
  case "$group" in
    test) packages+=(postgresql-15 libqt6sql6-psql dpkg-dev file haproxy) ;;
    fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    package) packages+=(dpkg-dev file) ;;
    bench) packages+=(wrk); command -v npm >/dev/null 2>&1 || packages+=(nodejs npm) ;;
    *) echo "unknown package group: $group" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "error: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; refresh them once if an install fails.
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
