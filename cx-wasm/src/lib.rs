//! `cx-wasm` — the cx engine for JavaScript (wasm-bindgen). A thin layer:
//! every function converts arguments, calls `cx-core`, converts results.
//!
//! - Documents cross the boundary as plain JS objects (JSON-compatible:
//!   maps are plain objects, absent values `null`; built with `JSON.parse`
//!   and read with `JSON.stringify`, so serde_json is the one format); only
//!   text the caller already holds (JSON Lines, CSV, a plan or snapshot read
//!   from a file) crosses as a string or `Uint8Array`.
//! - Every failure is thrown as a JS `Error` with a string `code` and a
//!   `path` (JSON Pointer into the argument), plus `line`/`column` when the
//!   argument was text. Nothing panics: every export returns
//!   `Result<_, JsValue>`.
//! - The TypeScript types of every document (`Plan`, `Record`, `Query`,
//!   `Scorecard`, …) are generated from cx-core's JSON Schemas into
//!   `src/types.d.ts` (`node cx-wasm/npm/schema-to-dts.mjs`) and included
//!   in the generated `.d.ts`.
//!
//! One module per JS class, as lol-html's js-api is; this file keeps the
//! module map and the glue they share (the TypeScript section, the typed
//! argument names, the JS globals):
//!
//! - `engine`: the `Engine` class.
//! - `json_lines_feed`: the `JsonLinesFeed` class (`engine.jsonLinesFeed()`).
//! - `functions`: `version`, `validatePlan`, `npsStats`, `npsDiff`,
//!   `proportion`, `drivers`.
//! - `convert`: documents in (one parser, `cx_core::json`) and out (plain
//!   JS objects), text and numeric arguments.
//! - `errors`: the `CxError` every export throws.
#![deny(missing_docs)]

mod convert;
mod engine;
mod errors;
mod functions;
mod json_lines_feed;

pub use engine::JsEngine;
pub use functions::{drivers, nps_diff, nps_stats, proportion, validate_plan, version};
pub use json_lines_feed::JsJsonLinesFeed;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen]
extern "C" {
    /// Optional `NpsOptions` argument (typed for TypeScript).
    #[wasm_bindgen(typescript_type = "NpsOptions")]
    pub type NpsOptionsArg;
    /// Optional `Query` argument (typed for TypeScript).
    #[wasm_bindgen(typescript_type = "Query")]
    pub type QueryArg;
    /// Optional `ReportOptions` argument (typed for TypeScript).
    #[wasm_bindgen(typescript_type = "ReportOptions")]
    pub type ReportOptionsArg;
    /// Optional `EngineConfig` argument (typed for TypeScript).
    #[wasm_bindgen(typescript_type = "EngineConfig")]
    pub type EngineConfigArg;

    /// The global `TextEncoder` (Node ≥ 11, every browser).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// UTF-8 of a JS string, encoded natively (lone surrogates as U+FFFD).
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsValue) -> js_sys::Uint8Array;

    /// `JSON.parse(text, reviver)` (js-sys has no binding for the reviver).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse_with_reviver(text: &str, reviver: &js_sys::Function) -> Result<JsValue, JsValue>;
}
