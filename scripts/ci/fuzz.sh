#!/usr/bin/env bash
# Fuzz smoke: install cargo-fuzz and the pinned nightly when missing
# (idempotent), `cargo check` the fuzz crate, then run every target for
# CX_FUZZ_SECONDS (default 30) from its committed seeds. libFuzzer's output
# goes to fuzz/target/smoke/<target>.log (TOOLCHAIN pitfall 11); on failure
# the last lines are printed. A crash leaves its input in
# fuzz/artifacts/<target>/: fix it, then commit the input under
# cx-core/tests/fuzz-regressions/<target>/ (see DEVELOPING.md, "Fuzzing").
#
#   bash scripts/ci/fuzz.sh                     # every target, 30 s each
#   CX_FUZZ_SECONDS=300 bash scripts/ci/fuzz.sh csv   # one target, 5 min
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NIGHTLY=nightly-2026-05-19      # TOOLCHAIN.md; RUSTUP_AUTO_INSTALL=0 (pitfall 9)
CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET="${CX_FUZZ_SECONDS:-30}"

section "fuzz: toolchain $NIGHTLY and cargo-fuzz $CARGO_FUZZ_VERSION"
if rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
  step "$NIGHTLY already installed: $(rustup run "$NIGHTLY" rustc --version)"
else
  rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src --no-self-update
fi
if [ "$(cargo fuzz --version 2>/dev/null)" = "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  step "cargo-fuzz $CARGO_FUZZ_VERSION already installed"
else
  cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --force
fi

cd "$ROOT/fuzz"
# The fuzz crate is its own workspace with its own target directory.
unset CARGO_TARGET_DIR

section "fuzz: cargo check (fuzz crate, $NIGHTLY)"
cargo "+$NIGHTLY" check --locked --bins --lib

section "fuzz: cargo fuzz build (release, debug assertions)"
cargo "+$NIGHTLY" fuzz build

if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo "+$NIGHTLY" fuzz list); fi
LOGS="$ROOT/fuzz/target/smoke"
mkdir -p "$LOGS"
for t in "${targets[@]}"; do
  section "fuzz: $t for ${SECONDS_PER_TARGET}s"
  [ -d "seeds/$t" ] || die "no seed corpus fuzz/seeds/$t"
  mkdir -p "corpus/$t"
  log="$LOGS/$t.log"
  # corpus/<t> collects new inputs (not committed); seeds/<t> is read only.
  if ! cargo "+$NIGHTLY" fuzz run "$t" "corpus/$t" "seeds/$t" -- \
       -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=20 \
       -print_final_stats=1 > "$log" 2>&1; then
    tail -n 60 "$log"
    die "fuzz target $t failed (full log: $log; input in fuzz/artifacts/$t/)"
  fi
  # The last status line: executions, coverage, features, corpus.
  grep -E '^#[0-9]+' "$log" | tail -n 1 || true
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" || true
done
