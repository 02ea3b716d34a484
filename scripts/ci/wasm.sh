#!/usr/bin/env bash
# The JavaScript surface: build cx-wasm for wasm32 with the size profile, run
# wasm-bindgen for the nodejs, web and bundler targets into
# cx-wasm/pkg/<target>/ (with a package.json each), shrink with npm's wasm-opt
# (never Debian's: TOOLCHAIN pitfall 2), print the sizes, then run the
# wasm-bindgen tests (Node), the Node tests (cx-wasm/tests/js/) and the
# browser tests (cx-wasm/tests/browser/, headless Chromium).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PKG="$ROOT/cx-wasm/pkg"
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/cx_wasm.wasm"
WASM_OPT="$ROOT/node_modules/.bin/wasm-opt"
[ -x "$WASM_OPT" ] || die "npm's wasm-opt is missing: run scripts/ci/setup.sh (npm ci)"
version="$(cargo_version)"

section "wasm: TypeScript declarations up to date with schema/*.schema.json"
node cx-wasm/npm/schema-to-dts.mjs --check

section "wasm: cargo build --profile wasm-release (wasm32-unknown-unknown)"
cargo build -p cx-wasm --target wasm32-unknown-unknown --profile wasm-release --locked
step "$WASM: $(stat -c %s "$WASM") bytes"

for target in nodejs web bundler; do
  section "wasm: wasm-bindgen --target $target → cx-wasm/pkg/$target"
  rm -rf "${PKG:?}/$target"
  wasm-bindgen --target "$target" --out-dir "$PKG/$target" "$WASM"
  # --converge: repeat -Oz until it gains nothing (about 2 KB gzip).
  "$WASM_OPT" -Oz --converge "$PKG/$target/cx_wasm_bg.wasm" -o "$PKG/$target/cx_wasm_bg.wasm"
  cp cx-wasm/README.md "$PKG/$target/"
  node cx-wasm/npm/write-package-json.mjs "$target" "$PKG/$target" "$version"
  ls -l "$PKG/$target"
done

section "wasm: size of the optimised module"
opt="$PKG/web/cx_wasm_bg.wasm"
raw=$(stat -c %s "$opt"); gz=$(gzip -9 -c "$opt" | wc -c)
printf 'cx_wasm_bg.wasm: %d bytes raw, %d bytes gzip -9 (before wasm-bindgen + wasm-opt: %d)\n' \
  "$raw" "$gz" "$(stat -c %s "$WASM")"

section "wasm: npm pack --dry-run (nodejs, bundler)"
for target in nodejs bundler; do
  (cd "$PKG/$target" && npm pack --dry-run --json --silent) \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
        const [p]=JSON.parse(s);const f=p.files.map(f=>f.path);
        if(!f.includes("cx_wasm_bg.wasm")){console.error("no .wasm in",f);process.exit(1)}
        console.log(`${p.filename}: ${f.length} files, ${p.size} bytes: ${f.join(" ")}`)})'
done

section "wasm: wasm-bindgen-test (cargo test -p cx-wasm --target wasm32, in Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p cx-wasm --target wasm32-unknown-unknown --tests --locked

section "wasm: TypeScript check (tsc --noEmit cx-wasm/tests/ts/usage.ts)"
tsc -p cx-wasm/tests/ts/tsconfig.json

section "wasm: native reference figures (cargo test -p cx-core --test js_reference)"
export CX_REFERENCE_OUT="$TARGET_DIR/cx-reference"
cargo test -p cx-core --test js_reference --locked

section "wasm: Node tests (node --test cx-wasm/tests/js/)"
CX_WASM_PKG="$PKG/nodejs" node --test cx-wasm/tests/js/

section "wasm: browser tests (node --test cx-wasm/tests/browser/, Chromium)"
CARGO_TARGET_DIR="$TARGET_DIR" node --test cx-wasm/tests/browser/
