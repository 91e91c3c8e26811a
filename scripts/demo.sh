#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo: the server on an embedded SQLite file under the user's data directory, and, once the
# desktop client exists and a display is there, two client windows as two demo users.
set -euo pipefail
BUILD_DIR=${BUILD_DIR:-build}
LISTEN=${CHAT_DEMO_LISTEN:-127.0.0.1:8080}
server="$BUILD_DIR/app-server/chat-server"
client="$BUILD_DIR/app-client/chat-client"
url="http://$LISTEN"

has_display() { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }

if [ -x "$client" ] && has_display; then
  "$server" --listen "$LISTEN" &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null' EXIT INT TERM
  for _ in $(seq 50); do
    curl -sf "$url/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  export CHAT_PASSWORD=${CHAT_DEMO_PASSWORD:-demo-password}
  for user in alice bob; do
    # --register creates the account the first time and logs in afterwards.
    "$client" --server "$url" --user "$user" --register &
  done
  wait "$server_pid"
  exit 0
fi

if ! has_display; then
  echo "No display found (DISPLAY / WAYLAND_DISPLAY unset): running the server only."
elif [ ! -x "$client" ]; then
  echo "The desktop client is not built yet: running the server only."
fi
cat <<EOM

  Server: $url   (WebSocket: ws://$LISTEN/ws)
  Try it:  curl -X POST $url/api/v1/register -d '{"username":"alice","password":"demo-password"}'
  Other machines: run with CHAT_DEMO_LISTEN=0.0.0.0:8080 make demo and use http://<this-host>:8080
  Stop with Ctrl+C.

EOM
exec "$server" --listen "$LISTEN"
