#!/usr/bin/env bash
# Miri, the CI step (`miri` in scripts/test.sh): `cargo miri test -p cx-ffi`
# runs the Rust tests that call every C ABI function (cx-ffi/src/tests.rs:
# the crate's `unsafe`, ownership of handles and buffers) and cx-core's
# focused tests (cx-core/tests/miri.rs, included by cx-ffi/tests/core_miri.rs:
# score statistics and their merges, engine ingest, merge, snapshot and
# restore). Built through cx-ffi because cx-core's dev-dependencies
# (jsonschema, proptest) take minutes to build under Miri.
#
#   bash scripts/ci/miri.sh                 # the CI subset (~5 min cold)
#   CX_MIRI_FULL=1 bash scripts/ci/miri.sh  # + engine_merge_snapshot_restore
#                 # (every record kind, the sample plan), and again in cx-core
#                 # with the score module's unit tests (~14 min cold)
#
# Installs the Miri nightly when missing. The fuzzing nightly
# (nightly-2026-05-19) has no Miri component; the next day's has, so Miri
# runs on nightly-2026-05-20. Each part prints its time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MIRI_NIGHTLY=nightly-2026-05-20

timed() {
  local start=$SECONDS
  "$@"
  step "$((SECONDS - start)) s: $*"
}

section "miri: toolchain $MIRI_NIGHTLY with miri and rust-src"
if rustup run "$MIRI_NIGHTLY" cargo miri --version >/dev/null 2>&1; then
  step "$(rustup run "$MIRI_NIGHTLY" cargo miri --version)"
else
  rustup toolchain install "$MIRI_NIGHTLY" --profile minimal --component miri,rust-src --no-self-update
fi
timed cargo "+$MIRI_NIGHTLY" miri setup

if [ "${CX_MIRI_FULL:-0}" = 1 ]; then skip=(); else
  # 100 s under Miri (the full sample plan); engines are snapshotted,
  # restored and merged through the C ABI by cx-ffi's own tests.
  skip=(--skip engine_merge_snapshot_restore)
fi
section "miri: cargo miri test -p cx-ffi (every C ABI function; cx-core's tests/miri.rs)"
timed cargo "+$MIRI_NIGHTLY" miri test -p cx-ffi --locked --lib --test core_miri -- "${skip[@]}"

if [ "${CX_MIRI_FULL:-0}" = 1 ]; then
  section "miri: cargo miri test -p cx-core --test miri"
  timed cargo "+$MIRI_NIGHTLY" miri test -p cx-core --locked --test miri
  section "miri: cargo miri test -p cx-core --lib score::"
  timed cargo "+$MIRI_NIGHTLY" miri test -p cx-core --locked --lib score::
fi
