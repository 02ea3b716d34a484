#!/usr/bin/env bash
# Rust checks for the whole workspace: format, lints, docs, tests, benches
# (compiled, not run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

section "rust: cargo fmt --check"
cargo fmt --all --check

section "rust: cargo clippy (-D warnings)"
cargo clippy --workspace --exclude cx-datafusion --all-targets --locked -- -D warnings

section "rust: cargo doc (-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --exclude cx-datafusion --no-deps --locked

section "rust: cargo test --workspace (but cx-datafusion: scripts/ci/datafusion.sh)"
cargo test --workspace --exclude cx-datafusion --locked

section "rust: benches compile"
if compgen -G "benches/*.rs" >/dev/null || compgen -G "*/benches/*.rs" >/dev/null; then
  cargo bench --workspace --exclude cx-datafusion --no-run --locked
else
  step "no benches yet (benches/*.rs, */benches/*.rs): skipped"
fi

free_disk "$TARGET_DIR/debug/deps" "$TARGET_DIR/release/deps"
