#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every libFuzzer target for a while: scripts/run-fuzzers.sh BUILD_DIR SECONDS
# The working corpus grows in BUILD_DIR/corpus; a crash is kept in BUILD_DIR/crashes and fails the run.
set -uo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
status=0
for target in client_frame server_frame http_input; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus" "$build/crashes"
  echo "== fuzz_$target for ${seconds}s"
  if ! "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/crashes/$target-" \
      "$corpus" "$here/tests/fuzz/corpus/$target" 2>"$build/fuzz_$target.log"; then
    echo "fuzz_$target FAILED; last lines of $build/fuzz_$target.log:"
    tail -30 "$build/fuzz_$target.log"
    echo "Keep the input from $build/crashes/ in tests/fuzz/regressions/$target/ with the fix."
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz_$target.log" | sed 's/^/   /'
    echo "   corpus: $(ls "$corpus" | wc -l) inputs"
  fi
done
exit $status
