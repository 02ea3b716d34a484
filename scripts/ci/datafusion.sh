#!/usr/bin/env bash
# The one step that compiles DataFusion (issue #18): cx-datafusion's lints,
# docs and tests, the Ballista cluster test (a scheduler and two executor
# processes on localhost), cx-core's Arrow/Parquet input, and the CLI built
# with the `datafusion` feature (`cx sql`, `cx score` on Parquet).
#
# Every cargo command here selects the same packages with the same features,
# so cargo resolves one feature set and compiles DataFusion once, in the dev
# profile only (no release, bench or doc build of it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PKGS=(-p cx-core -p cx-datafusion -p cx)
FEATURES=(--features "cx-core/arrow cx-datafusion/cluster cx/datafusion")

section "datafusion: cargo clippy (-D warnings)"
cargo clippy "${PKGS[@]}" "${FEATURES[@]}" --all-targets --locked -- -D warnings

section "datafusion: cargo doc (-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc "${PKGS[@]}" "${FEATURES[@]}" --no-deps --locked

section "datafusion: the cx CLI with the datafusion feature (the CLI tests run it)"
cargo build "${PKGS[@]}" "${FEATURES[@]}" --example cx --locked

section "datafusion: tests (cx-datafusion with the cluster; Arrow input; cx sql and Parquet CLI)"
cargo test "${PKGS[@]}" "${FEATURES[@]}" --locked -- --test-threads 2

free_disk "$TARGET_DIR/debug/deps"
