#!/usr/bin/env bash
# The CX report in a real browser: the `cx` example writes the demo report
# and a report of the airline sample (HTML + JSON); headless Chromium opens
# each, with no console error, and the SVG points/bars and the numbers shown
# match the JSON, and the layout holds at 1280 px and 390 px wide
# (tests/browser/report.test.mjs). The screenshots it takes are left in
# $TARGET_DIR/report/screenshots (CI keeps them). Needs node_modules
# (playwright-core) and /usr/bin/chromium: run the `setup` step first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

OUT="$TARGET_DIR/report"
mkdir -p "$OUT"
CX="$TARGET_DIR/release/examples/cx"

section "report: build the cx example"
cargo build --release --example cx --locked

section "report: cx demo and cx report (HTML + JSON)"
"$CX" demo --html "$OUT/demo.html" --json "$OUT/demo.json" > "$OUT/demo.txt"
step "demo: $(grep -c . "$OUT/demo.txt") lines of summary; $(wc -c < "$OUT/demo.html") bytes of HTML"
"$CX" report examples/data/airline-plan.json tests/fixtures/airline-sample.csv \
  --mapping examples/data/airline-mapping.json \
  --json --html "$OUT/airline.html" --md "$OUT/airline.md" > "$OUT/airline.json"
step "airline sample: $(wc -c < "$OUT/airline.html") bytes of HTML"

section "report: headless Chromium (node --test tests/browser/)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || die "chromium missing: run scripts/ci/setup.sh"
[ -d node_modules/playwright-core ] || die "node_modules missing: run scripts/ci/setup.sh (npm ci)"
SHOTS="$OUT/screenshots"
rm -rf "$SHOTS"
status=0
CX_SCREENSHOTS="$SHOTS" \
CX_REPORTS="$OUT/demo.html:$OUT/demo.json,$OUT/airline.html:$OUT/airline.json" \
  node --test tests/browser/ || status=$?

# Listed even when a check failed: the pictures show what went wrong.
section "report: screenshots (CI artifacts)"
step "$SHOTS"
ls -1 "$SHOTS" 2>/dev/null || step "(none taken)"
exit "$status"

