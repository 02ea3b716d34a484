#!/usr/bin/env bash
# Miri on the focused tests of cx-core (tests/miri.rs: score statistics and
# their merges, engine ingest, merge, snapshot and restore) and the unit
# tests of the score module. Installs the Miri nightly when missing.
#
# The fuzzing nightly (nightly-2026-05-19) has no Miri component; the next
# day's has, so Miri runs on nightly-2026-05-20.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MIRI_NIGHTLY=nightly-2026-05-20

section "miri: toolchain $MIRI_NIGHTLY with miri and rust-src"
if rustup run "$MIRI_NIGHTLY" cargo miri --version >/dev/null 2>&1; then
  step "$(rustup run "$MIRI_NIGHTLY" cargo miri --version)"
else
  rustup toolchain install "$MIRI_NIGHTLY" --profile minimal --component miri,rust-src --no-self-update
fi
cargo "+$MIRI_NIGHTLY" miri setup

section "miri: cargo miri test -p cx-core --test miri"
cargo "+$MIRI_NIGHTLY" miri test -p cx-core --locked --test miri

section "miri: cargo miri test -p cx-core --lib score::"
cargo "+$MIRI_NIGHTLY" miri test -p cx-core --locked --lib score::
