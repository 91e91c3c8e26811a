#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo: chat-server on an embedded SQLite file under the user's data directory and, with a
# display, two client windows side by side as the demo users alice and bob.
set -euo pipefail
BUILD_DIR=${BUILD_DIR:-build}
LISTEN=${CHAT_DEMO_LISTEN:-127.0.0.1:8080}
PORT=${LISTEN##*:}
server="$BUILD_DIR/app-server/chat-server"
client="$BUILD_DIR/app-client/chat-client"
url="http://127.0.0.1:$PORT"

has_display() { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }

if ! has_display; then
  cat <<EOM
No display found (DISPLAY / WAYLAND_DISPLAY unset): running the server only.

  Server: http://$LISTEN   (WebSocket: ws://$LISTEN/ws)
  Connect: $client --server http://<this-host>:$PORT   (from a machine with a display)
  Try it:  curl -X POST $url/api/v2/register -d '{"username":"alice","password":"demo-password"}'
  Other machines: CHAT_DEMO_LISTEN=0.0.0.0:$PORT make demo
  Stop with Ctrl+C.

EOM
  exec "$server" --listen "$LISTEN"
fi

"$server" --listen "$LISTEN" &
server_pid=$!
client_pids=()
cleanup() {
  kill "${client_pids[@]}" 2>/dev/null || true
  kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "chat-server did not start" >&2; exit 1; }
  sleep 0.1
done

export CHAT_PASSWORD=${CHAT_DEMO_PASSWORD:-demo-password}
# --register creates each account the first time and just logs in afterwards.
"$client" --server "$url" --user alice --register -qwindowgeometry 640x540+10+40 &
client_pids+=($!)
"$client" --server "$url" --user bob --register -qwindowgeometry 640x540+670+40 &
client_pids+=($!)
echo "Two client windows (alice, bob) on $url. Close both windows or press Ctrl+C to stop."
wait "${client_pids[@]}" || true
