//! `cx-wasm` — the cx engine for JavaScript (wasm-bindgen). A thin layer:
//! every function converts arguments, calls `cx-core`, converts results.
#![deny(missing_docs)]

use wasm_bindgen::prelude::*;

/// The library version, e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    cx_core::VERSION.to_string()
}
