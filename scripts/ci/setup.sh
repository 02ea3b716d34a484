#!/usr/bin/env bash
# Install every tool the other steps need. Idempotent: each install is
# skipped when the tool is already present at the right version, so this is
# cheap on a machine that already ran it. Recipe: TOOLCHAIN.md (team notes).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CBINDGEN_VERSION=0.29.4
# cargo-c: the newest release that builds with our stable toolchain (1.95;
# 0.10.25+ need 1.97). Debian bookworm's 0.9.14 cannot read this workspace
# (lock file v4, sparse index).
CARGO_C_VERSION=0.10.24

section "setup: rust components and targets"
rustup component add rustfmt clippy
rustup target add wasm32-unknown-unknown

section "setup: system packages (chromium, chromium-driver, valgrind, cmake)"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
# cmake: scripts/ci/ffi.sh builds and runs examples/c/CMakeLists.txt.
command -v cmake >/dev/null || missing+=(cmake)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  step "all present: $(chromium --version 2>/dev/null | head -1); $(valgrind --version); $(cmake --version | head -1)"
fi

section "setup: wasm-bindgen-cli (same version as the locked wasm-bindgen crate)"
WB="$(cargo pkgid wasm-bindgen)"; WB="${WB##*@}"
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WB" ] \
   && command -v wasm-bindgen-test-runner >/dev/null; then
  step "wasm-bindgen $WB already installed"
else
  # The --locked install can fail when its lockfile pins a crate the registry
  # does not serve (TOOLCHAIN pitfall 1): fall back to an unlocked install.
  cargo install wasm-bindgen-cli --version "=$WB" --locked \
    || cargo install wasm-bindgen-cli --version "=$WB" --force
fi

section "setup: cbindgen $CBINDGEN_VERSION"
if [ "$(cbindgen --version 2>/dev/null)" = "cbindgen $CBINDGEN_VERSION" ]; then
  step "cbindgen $CBINDGEN_VERSION already installed"
else
  cargo install cbindgen --version "=$CBINDGEN_VERSION" --locked --force
fi

section "setup: cargo-c $CARGO_C_VERSION (cargo cinstall, for the ffi step)"
# `cargo install cargo-c` compiles for about 8 minutes on 2 cores: it runs in
# the background, at low priority, while the next steps run, and
# scripts/ci/ffi.sh waits for it (cargo_c_wait in lib.sh). Its log and exit
# status go to $CARGO_C_LOG and $CARGO_C_STATUS.
case "$(cargo cinstall --version 2>/dev/null | head -1)" in
  "cargo-c $CARGO_C_VERSION+"*) have_cargo_c=1 ;;
  *) have_cargo_c=0 ;;
esac
if [ "$have_cargo_c" = 1 ]; then
  step "cargo-c $CARGO_C_VERSION already installed"
  rm -f "$CARGO_C_STATUS"
else
  mkdir -p "$(dirname "$CARGO_C_LOG")"
  rm -f "$CARGO_C_STATUS"
  # A temporary target directory (CARGO_TARGET_DIR unset), deleted after.
  ( status=0
    env -u CARGO_TARGET_DIR nice -n 10 cargo install cargo-c --version "=$CARGO_C_VERSION" \
      --locked --force > "$CARGO_C_LOG" 2>&1 || status=$?
    echo "$status" > "$CARGO_C_STATUS" ) &
  step "installing in the background (pid $!), log: $CARGO_C_LOG"
fi

section "setup: npm packages (package-lock.json: playwright-core, binaryen, typescript)"
# `npm ci` always wipes node_modules; skip it when the lockfile it installed
# is the committed one.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/.cx-lock-sha256 ] && [ "$(cat node_modules/.cx-lock-sha256)" = "$lock_sum" ]; then
  step "node_modules matches package-lock.json"
else
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.cx-lock-sha256
fi
step "wasm-opt: $(wasm-opt --version) ($(command -v wasm-opt))"
