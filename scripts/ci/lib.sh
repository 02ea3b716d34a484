# Shared helpers for scripts/ci/*.sh. Source it; do not run it.
#
# Sets ROOT (repository root), TARGET_DIR (cargo's target directory,
# honouring CARGO_TARGET_DIR) and CX_VERSION (the workspace version from
# Cargo.toml), and moves to ROOT.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

# Disk: CI machines may have only a few GB free (a run ran out of space
# compiling the benches). A CI run builds each crate once, so incremental
# caches (1.7 GB of debug/ alone) are waste, and full debug info makes every
# test binary ~100 MB; line tables keep file:line in panics and backtraces.
# Either can be set back for a local run.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

# cargo-c's background install (scripts/ci/setup.sh): its log, and the file
# its exit status is written to when it ends (absent: none was started).
CARGO_C_LOG="$TARGET_DIR/cargo-c/install.log"
CARGO_C_STATUS="$TARGET_DIR/cargo-c/status"

# Waits for setup's background install of cargo-c, if one was started, and
# fails with its log when it failed.
cargo_c_wait() {
  [ -e "$CARGO_C_LOG" ] || return 0
  local waited=0
  while [ ! -s "$CARGO_C_STATUS" ]; do
    [ "$waited" -eq 0 ] && step "waiting for the background install of cargo-c ($CARGO_C_LOG)"
    [ "$waited" -ge 1800 ] && die "cargo-c's install did not end within 30 minutes ($CARGO_C_LOG)"
    sleep 5; waited=$((waited + 5))
  done
  [ "$waited" -gt 0 ] && step "waited ${waited}s for cargo-c"
  if [ "$(cat "$CARGO_C_STATUS")" != 0 ]; then
    tail -n 30 "$CARGO_C_LOG" >&2
    die "cargo install cargo-c failed (exit $(cat "$CARGO_C_STATUS")); full log: $CARGO_C_LOG"
  fi
  rm -f "$CARGO_C_LOG" "$CARGO_C_STATUS"
}

# The version cargo builds (workspace.package.version in the root Cargo.toml).
cargo_version() {
  cargo metadata --format-version 1 --no-deps --offline 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
        const p=JSON.parse(s).packages.find(p=>p.name==="cx-core");
        process.stdout.write(p.version)})'
}

section() { printf '\n==== %s ====\n' "$*"; }
step() { printf -- '--- %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# With CX_FREE_DISK=1 (set by .ci/run), a step deletes the executables it
# built and no later step runs (test and bench binaries in <profile>/deps,
# the files with no extension there):
# cargo re-links one if it is asked for again. Local runs keep them.
free_disk() {
  [ "${CX_FREE_DISK:-0}" = 1 ] || return 0
  local dir
  for dir in "$@"; do
    [ -d "$dir" ] && find "$dir" -maxdepth 1 -type f -executable ! -name "*.*" -delete
  done
  step "freed disk: test and bench binaries in $* ($(df -h --output=avail . | tail -1 | tr -d ' ') free)"
}
