#!/usr/bin/env bash
# Install every tool the other steps need. Idempotent: each install is
# skipped when the tool is already present at the right version, so this is
# cheap on a machine that already ran it. Recipe: TOOLCHAIN.md (team notes).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CBINDGEN_VERSION=0.29.4

section "setup: rust components and targets"
rustup component add rustfmt clippy
rustup target add wasm32-unknown-unknown

section "setup: system packages (chromium, chromium-driver, valgrind, cmake, cargo-c)"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
# cmake: scripts/ci/ffi.sh builds and runs examples/c/CMakeLists.txt.
command -v cmake >/dev/null || missing+=(cmake)
# cargo-c (`cargo cinstall`), tried by scripts/ci/ffi.sh to install the C
# library; `cargo install cargo-c` compiles for ~10 minutes, the Debian
# package is seconds. Bookworm's 0.9.14 cannot read this workspace (lock file
# v4, sparse index): ffi.sh then installs the same layout by hand.
command -v cargo-cinstall >/dev/null || missing+=(cargo-c)
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
