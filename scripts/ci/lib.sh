# Shared helpers for scripts/ci/*.sh. Source it; do not run it.
#
# Sets ROOT (repository root), TARGET_DIR (cargo's target directory,
# honouring CARGO_TARGET_DIR) and CX_VERSION (the workspace version from
# Cargo.toml), and moves to ROOT.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

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
