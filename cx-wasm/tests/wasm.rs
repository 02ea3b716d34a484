//! Tests of the wasm exports, run in Node by `wasm-bindgen-test-runner`:
//!
//! ```text
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p cx-wasm --target wasm32-unknown-unknown
//! ```
//!
//! (`scripts/ci/wasm.sh` does this.) The JavaScript-side tests are in
//! `tests/js/` (Node) and `tests/browser/` (Chromium).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(cx_wasm::version(), env!("CARGO_PKG_VERSION"));
}
