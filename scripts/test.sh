#!/usr/bin/env bash
# Runs every CI step of every surface, in order: scripts/ci/<step>.sh.
# The same script runs in CI (.ci/run) and locally.
#
#   bash scripts/test.sh              # all steps, stop at the first failure
#   bash scripts/test.sh rust ffi     # only these steps (setup is not implied)
#   CX_KEEP_GOING=1 bash scripts/test.sh   # run every step, then report
#
# To add a step: write scripts/ci/<name>.sh and add <name> to STEPS.
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS=(setup rust report ffi wasm fuzz miri datafusion)
[ $# -gt 0 ] && STEPS=("$@")
for s in "${STEPS[@]}"; do
  [ -f "scripts/ci/$s.sh" ] || { echo "error: no step scripts/ci/$s.sh" >&2; exit 2; }
done

# Free space where the build writes, e.g. "12G": CI machines differ.
disk_free() { df -h --output=avail . 2>/dev/null | tail -1 | tr -d ' '; }

summary=()
failed=0
start_all=$SECONDS
printf 'disk free at start: %s\n' "$(disk_free)"
report() {
  printf '\n==== summary (%ds total) ====\n' "$((SECONDS - start_all))"
  printf '%s\n' "${summary[@]}"
}

for s in "${STEPS[@]}"; do
  start=$SECONDS
  status=0
  bash "scripts/ci/$s.sh" || status=$?
  secs=$((SECONDS - start))
  free="$(disk_free)"
  if [ "$status" -eq 0 ]; then
    line="$(printf 'step %-6s ok     %4ds  (disk free after: %s)' "$s" "$secs" "$free")"
  else
    line="$(printf 'step %-6s FAILED %4ds (exit %d; disk free after: %s)' "$s" "$secs" "$status" "$free")"
    failed=1
  fi
  summary+=("$line")
  printf '\n%s\n' "$line"
  if [ "$failed" -ne 0 ] && [ "${CX_KEEP_GOING:-0}" != 1 ]; then
    report
    exit 1
  fi
done

report
exit "$failed"
