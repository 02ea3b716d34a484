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
#![deny(missing_docs)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use cx_core::diagnostic::Diagnostic;
use cx_core::engine::{
    CsvMapping, Engine, EngineConfig, IngestError, IngestReport, Query, Selection, Snapshot,
};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::score::{self, DriversInput, NpsCounts, NpsOptions};
use serde::de::DeserializeOwned;
use serde::Serialize;
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

// ---------------------------------------------------------------- errors

/// A JS `Error` (name `CxError`) with `code`, `message` and `path` (the
/// JSON Pointer).
fn error(code: ErrorCode, message: &str, pointer: &str) -> js_sys::Error {
    let e = js_sys::Error::new(message);
    e.set_name("CxError");
    set(&e, "code", &JsValue::from_str(code.as_str()));
    set(&e, "path", &JsValue::from_str(pointer));
    e
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

fn invalid_argument(message: &str) -> JsValue {
    error(ErrorCode::InvalidArgument, message, "").into()
}

/// A `parse-error` from a document with `(line, column, pointer, message)`.
fn parse_error(
    what: &str,
    line: Option<usize>,
    column: Option<usize>,
    pointer: &str,
    message: &str,
) -> JsValue {
    let e = error(
        ErrorCode::ParseError,
        &format!("{what}: {message}"),
        pointer,
    );
    if let Some(l) = line {
        set(&e, "line", &JsValue::from_f64(l as f64));
    }
    if let Some(c) = column {
        set(&e, "column", &JsValue::from_f64(c as f64));
    }
    e.into()
}

/// A `memory-limit` error, with the budget and what the engine keeps as
/// numbers (`budget`, `reached`, `cells`, `bytes`).
fn memory_error(e: &cx_core::engine::MemoryLimit) -> JsValue {
    let err = error(e.code(), &e.to_string(), "");
    for (name, v) in [
        ("budget", e.budget),
        ("reached", e.reached),
        ("cells", e.cells),
        ("bytes", e.bytes),
    ] {
        set(&err, name, &JsValue::from_f64(v as f64));
    }
    err.into()
}

/// An `overflow` error: an ingest would take the records of a kind past
/// 2^53; `kind` names it and `held` is what the engine still holds (the
/// count reached is in the message: past 2^53, a JS number is not exact).
fn overflow_error(e: &cx_core::engine::Overflow) -> JsValue {
    let err = error(e.code(), &e.to_string(), "");
    set(&err, "kind", &JsValue::from_str(e.kind));
    set(&err, "held", &JsValue::from_f64(e.held as f64));
    err.into()
}

/// The error of an ingest that failed as a whole: `memory-limit` or
/// `overflow`.
fn limit_error(e: &cx_core::engine::LimitError) -> JsValue {
    match e {
        cx_core::engine::LimitError::MemoryLimit(e) => memory_error(e),
        cx_core::engine::LimitError::Overflow(e) => overflow_error(e),
        e => error(e.code(), &e.to_string(), "").into(),
    }
}

fn score_error(e: score::ScoreError, pointer: &str) -> JsValue {
    error(e.code(), &e.to_string(), pointer).into()
}

// ---------------------------------------------------------------- conversion

/// JSON text of a JS value (`None` for `undefined`, functions, symbols).
fn json_of(value: &JsValue, what: &str) -> Result<String, JsValue> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| {
            invalid_argument(&format!(
                "{what} cannot be read as JSON (undefined, a cycle, a BigInt or a function?)"
            ))
        })
}

/// `JSON.stringify` where a `BigInt` is written as a plain integer literal
/// (the exact sums of a snapshot).
fn json_with_bigints(value: &JsValue) -> Result<String, JsValue> {
    let replacer =
        Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|_k: JsValue, v: JsValue| {
            if v.is_bigint() {
                let digits: String = js_sys::BigInt::unchecked_from_js(v)
                    .to_string(10)
                    .map(String::from)
                    .unwrap_or_default();
                JsValue::from(format!("{BIGINT_MARK}{digits}"))
            } else {
                v
            }
        });
    let text = js_sys::JSON::stringify_with_replacer(value, replacer.as_ref())
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| invalid_argument("snapshot cannot be read as JSON"))?;
    // JSON.stringify escapes U+0001 as \u0001: unquote the marked numbers.
    let quoted = format!("\"{BIGINT_MARK_JSON}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find(&quoted) {
        out.push_str(&rest[..i]);
        rest = &rest[i + quoted.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push_str(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Reads a document from a JS object (or, when `text_ok`, from JSON text)
/// through serde_json, so that every error carries the JSON Pointer of the
/// offending value (and the line and column when the caller gave text).
/// Inputs go through `JSON.stringify` rather than a JS-value deserializer:
/// one parser (the one cx-core already uses for text) keeps the module small
/// and the messages identical to the JSON Lines ones.
fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str, text_ok: bool) -> Result<T, JsValue> {
    match value.as_string() {
        Some(t) if text_ok => parse_doc(&t, what, true),
        _ => parse_doc(&json_of(value, what)?, what, false),
    }
}

/// Parses JSON text into a document; `positions`: report line and column.
fn parse_doc<T: DeserializeOwned>(text: &str, what: &str, positions: bool) -> Result<T, JsValue> {
    cx_core::json::from_json_positioned(text).map_err(|e| {
        let (l, c) = if positions {
            (Some(e.line), Some(e.column))
        } else {
            (None, None)
        };
        parse_error(what, l, c, &e.pointer, &e.message)
    })
}

/// An optional argument: `undefined` and `null` are absent.
fn optional<T: DeserializeOwned + Default>(
    value: Option<impl Into<JsValue>>,
    what: &str,
) -> Result<T, JsValue> {
    match value.map(Into::into) {
        Some(v) if !v.is_undefined() && !v.is_null() => from_js(&v, what, false),
        _ => Ok(T::default()),
    }
}

/// Serialises a document as plain JS objects: written as JSON text by
/// serde_json, then `JSON.parse`d. Maps are objects, absent values `null`; a
/// `u128` (the exact sums of a snapshot) is a `BigInt`; a `u64` or `i64`
/// outside the safe integers is an `unrepresentable` error. One serializer
/// (the one `snapshotJson` needs anyway) keeps the module small, and
/// `JSON.parse` builds large results (an ingest report's alerts) far faster
/// than creating each value across the boundary.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let (text, bigints) = write_json(value, false)?;
    let parsed = if bigints {
        let reviver =
            Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|_k: JsValue, v: JsValue| {
                let digits = v
                    .as_string()
                    .and_then(|s| s.strip_prefix(BIGINT_MARK).map(str::to_string));
                match digits {
                    Some(d) => js_sys::BigInt::new(&JsValue::from_str(&d)).map_or(v, JsValue::from),
                    None => v,
                }
            });
        json_parse_with_reviver(&text, reviver.as_ref().unchecked_ref())
    } else {
        js_sys::JSON::parse(&text)
    };
    parsed.map_err(|_| {
        error(
            ErrorCode::Unrepresentable,
            "the result is not valid JSON",
            "",
        )
        .into()
    })
}

/// JSON text of a document and whether it holds marked `u128`s. `exact`:
/// plain JSON, every integer a number literal (`snapshotJson`); otherwise
/// for `JSON.parse` (see `to_js`).
fn write_json<T: Serialize>(value: &T, exact: bool) -> Result<(String, bool), JsValue> {
    let mut text = Vec::with_capacity(256);
    let bigints = std::cell::Cell::new(false);
    let formatter = JsFormatter {
        exact,
        bigints: &bigints,
    };
    value
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut text, formatter,
        ))
        .map_err(|e| JsValue::from(error(ErrorCode::Unrepresentable, &e.to_string(), "")))?;
    // serde_json writes UTF-8.
    Ok((String::from_utf8(text).unwrap_or_default(), bigints.get()))
}

/// Marks a `u128` written as a JSON string (as `JSON.parse` reads it), for
/// `to_js`'s reviver and `json_with_bigints`.
const BIGINT_MARK: &str = "\u{1}cx-bigint:";
/// `BIGINT_MARK` as written in JSON text, after the opening quote.
const BIGINT_MARK_JSON: &str = "\\u0001cx-bigint:";

/// serde_json's compact output; unless `exact`, integers JS numbers cannot
/// hold exactly are an error (`u64`, `i64`) or a marked string (`u128`).
struct JsFormatter<'a> {
    exact: bool,
    /// Set when a `u128` was written as a marked string.
    bigints: &'a std::cell::Cell<bool>,
}

impl JsFormatter<'_> {
    fn check_safe(&self, magnitude: u64, v: impl std::fmt::Display) -> std::io::Result<()> {
        if self.exact || magnitude <= MAX_SAFE_INTEGER {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "{v} can't be represented as a JavaScript number"
            )))
        }
    }

    fn write_big<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        v: impl std::fmt::Display,
    ) -> std::io::Result<()> {
        if self.exact {
            write!(w, "{v}")
        } else {
            self.bigints.set(true);
            write!(w, "\"{BIGINT_MARK_JSON}{v}\"")
        }
    }
}

const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

impl serde_json::ser::Formatter for JsFormatter<'_> {
    fn write_u64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: u64) -> std::io::Result<()> {
        self.check_safe(v, v)?;
        serde_json::ser::CompactFormatter.write_u64(w, v)
    }

    fn write_i64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: i64) -> std::io::Result<()> {
        self.check_safe(v.unsigned_abs(), v)?;
        serde_json::ser::CompactFormatter.write_i64(w, v)
    }

    fn write_u128<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        v: u128,
    ) -> std::io::Result<()> {
        self.write_big(w, v)
    }

    fn write_i128<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        v: i128,
    ) -> std::io::Result<()> {
        self.write_big(w, v)
    }
}

/// Text input: a string, or UTF-8 bytes (`Uint8Array`, `ArrayBuffer`).
/// A string is encoded by `TextEncoder` then copied in: for large inputs
/// this is several times faster than `as_string`, whose glue copies ASCII
/// one character at a time in JS.
fn text_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if value.is_string() {
        return Ok(TextEncoder::new().encode(value).to_vec());
    }
    if value.is_instance_of::<js_sys::Uint8Array>() {
        return Ok(js_sys::Uint8Array::new(value).to_vec());
    }
    if value.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(value).to_vec());
    }
    Err(invalid_argument(&format!(
        "{what} must be a string, a Uint8Array or an ArrayBuffer"
    )))
}

/// A plan from an object or JSON text; a shape error as a `parse-error`
/// diagnostic (with line and column for text).
fn plan_from(value: &JsValue) -> Result<Plan, Diagnostic> {
    let text = match value.as_string() {
        Some(text) => text,
        None => json_of(value, "plan").map_err(|_| {
            Diagnostic::error(
                ErrorCode::ParseError,
                "",
                "the plan must be an object or JSON text",
            )
        })?,
    };
    Plan::from_json(&text).map_err(|e| {
        let mut d = e.to_diagnostic();
        if !value.is_string() {
            // Positions in our own JSON.stringify output mean nothing to the caller.
            (d.line, d.column) = (None, None);
        }
        d
    })
}

fn diagnostic_error(d: &Diagnostic) -> JsValue {
    parse_error("plan", d.line, d.column, &d.pointer, &d.message)
}

fn engine_error(e: cx_core::engine::EngineError) -> JsValue {
    let err = error(e.code(), &e.to_string(), &e.pointer());
    if let cx_core::engine::EngineError::InvalidPlan(diagnostics) = &e {
        if let Ok(d) = to_js(diagnostics) {
            set(&err, "diagnostics", &d);
        }
    }
    err.into()
}

fn level_of(level: Option<f64>) -> Result<f64, JsValue> {
    let level = level.unwrap_or(score::DEFAULT_LEVEL);
    score::z_quantile(level)
        .map(|_| level)
        .map_err(|e| score_error(e, "/level"))
}

/// A count: a non-negative safe integer.
fn count(x: f64, what: &str) -> Result<u64, JsValue> {
    if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_991.0 {
        Ok(x as u64)
    } else {
        Err(invalid_argument(&format!(
            "{what} must be a non-negative integer, got {x}"
        )))
    }
}

// ---------------------------------------------------------------- functions

/// The library version, e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    cx_core::VERSION.to_string()
}

#[derive(Serialize)]
struct Validation {
    diagnostics: Vec<Diagnostic>,
}

/// Validates a plan (an object, or JSON text): every diagnostic (errors,
/// warnings, info). A plan that cannot be read gives one `parse-error`
/// diagnostic; this function throws only when the result cannot be built.
#[wasm_bindgen(js_name = validatePlan, unchecked_return_type = "Validation")]
pub fn validate_plan(
    #[wasm_bindgen(unchecked_param_type = "Plan | string")] plan: JsValue,
) -> Result<JsValue, JsValue> {
    let diagnostics = match plan_from(&plan) {
        Ok(p) => p.validate(),
        Err(d) => vec![d],
    };
    to_js(&Validation { diagnostics })
}

/// NPS with its interval from detractor/passive/promoter counts.
#[wasm_bindgen(js_name = npsStats, unchecked_return_type = "Score")]
pub fn nps_stats(
    #[wasm_bindgen(unchecked_param_type = "NpsCounts")] counts: JsValue,
    options: Option<NpsOptionsArg>,
) -> Result<JsValue, JsValue> {
    let counts: NpsCounts = from_js(&counts, "counts", false)?;
    let options: NpsOptions = optional(options, "options")?;
    let s = score::nps(&counts, options.method(), options.level())
        .map_err(|e| score_error(e, "/level"))?;
    to_js(&s)
}

/// The two-sample NPS difference a − b with its interval and p-value.
#[wasm_bindgen(js_name = npsDiff, unchecked_return_type = "DifferenceTest")]
pub fn nps_diff(
    #[wasm_bindgen(unchecked_param_type = "NpsCounts")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NpsCounts")] b: JsValue,
    options: Option<NpsOptionsArg>,
) -> Result<JsValue, JsValue> {
    let a: NpsCounts = from_js(&a, "a", false)?;
    let b: NpsCounts = from_js(&b, "b", false)?;
    let options: NpsOptions = optional(options, "options")?;
    let d = score::nps_diff(&a, &b, options.method(), options.level())
        .map_err(|e| score_error(e, "/level"))?;
    to_js(&d)
}

/// A share `successes / n` in percent with its Wilson interval.
#[wasm_bindgen(unchecked_return_type = "Score")]
pub fn proportion(successes: f64, n: f64, level: Option<f64>) -> Result<JsValue, JsValue> {
    let s = score::proportion(
        count(successes, "successes")?,
        count(n, "n")?,
        level_of(level)?,
    )
    .map_err(|e| score_error(e, ""))?;
    to_js(&s)
}

/// Key-driver analysis (relative importance) of rows of numbers: Pearson r,
/// Johnson's relative weights and exact Shapley/LMG of every column but the
/// outcome, over complete cases.
#[wasm_bindgen(unchecked_return_type = "Drivers")]
pub fn drivers(
    #[wasm_bindgen(unchecked_param_type = "DriversInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let input: DriversInput = from_js(&input, "input", false)?;
    let d = score::drivers(&input).map_err(|e| score_error(e, ""))?;
    to_js(&d)
}

// ---------------------------------------------------------------- engine

/// The customer-experience engine: ingests records into mergeable
/// statistics, answers queries with scorecards, raises alerts.
#[wasm_bindgen(js_name = Engine)]
pub struct JsEngine {
    /// `None` once `free()` was called. Shared (`Rc`) only so that `merge`
    /// can reach another engine given as a plain JS value (see `share`).
    inner: Rc<RefCell<Option<Engine>>>,
}

thread_local! {
    /// The engine an `Engine` hands to `merge` through `__cxShare`.
    static SHARED: Cell<Option<Rc<RefCell<Option<Engine>>>>> = const { Cell::new(None) };
}

fn freed_engine() -> JsValue {
    error(
        ErrorCode::FreedEngine,
        "this engine was freed (free() was called): create or restore another",
        "",
    )
    .into()
}

#[wasm_bindgen(js_class = Engine)]
impl JsEngine {
    /// An engine for a valid plan (an object, or JSON text) with optional
    /// settings (cube and limits). Throws `parse-error` when the plan cannot
    /// be read and `invalid-plan` (with `diagnostics`) when it has errors.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Plan | string")] plan: JsValue,
        config: Option<EngineConfigArg>,
    ) -> Result<JsEngine, JsValue> {
        let plan = plan_from(&plan).map_err(|d| diagnostic_error(&d))?;
        let config: EngineConfig = optional(config, "config")?;
        let engine = Engine::with_config(plan, config).map_err(engine_error)?;
        Ok(JsEngine::wrap(engine))
    }

    /// Ingests one record object or an array of them. Bad records are
    /// reported (with their JSON Pointer, e.g. `/3/nps`) in the returned
    /// report, never thrown. Objects are read as `JSON.stringify` writes
    /// them: `undefined` properties are absent, a `Date` is its ISO string,
    /// and a non-finite number (`NaN`, `Infinity`) is `null`, a missing answer.
    #[wasm_bindgen(unchecked_return_type = "IngestReport")]
    pub fn ingest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record | Record[]")] records: JsValue,
    ) -> Result<JsValue, JsValue> {
        if records.is_undefined() || records.is_null() {
            return Err(invalid_argument(
                "records must be a record object or an array of them",
            ));
        }
        let text = json_of(&records, "records")?;
        let report = self.engine_mut()?.ingest_json(&text).map_err(|e| match e {
            IngestError::Parse(e) => parse_error(
                "records",
                Some(e.line),
                Some(e.column),
                &e.pointer,
                &e.message,
            ),
            IngestError::MemoryLimit(e) => memory_error(&e),
            IngestError::Overflow(e) => overflow_error(&e),
            e => error(e.code(), &e.to_string(), "").into(),
        })?;
        report_js(&report)
    }

    /// Ingests JSON Lines text (a string or UTF-8 bytes): one record per
    /// line; bad lines are reported with their line and column.
    #[wasm_bindgen(js_name = ingestJsonLines, unchecked_return_type = "IngestReport")]
    pub fn ingest_json_lines(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] text: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bytes = text_bytes(&text, "text")?;
        let report = self
            .engine_mut()?
            .ingest_json_lines(&bytes)
            .map_err(|e| limit_error(&e))?;
        report_js(&report)
    }

    /// A feed for JSON Lines that arrives in pieces split anywhere (a
    /// `File`'s `stream()`, a `fetch` body, a WebSocket): `feed.push(chunk)`
    /// files the lines the chunk completes and returns their report (alerts
    /// due now); `feed.finish()` files the last line and returns the report
    /// of the whole input, equal to `ingestJsonLines` of the whole text.
    /// Memory holds one unfinished line at most.
    #[wasm_bindgen(js_name = jsonLinesFeed)]
    pub fn json_lines_feed(&self) -> Result<JsJsonLinesFeed, JsValue> {
        self.engine()?; // a freed engine throws here, not at the first push
        Ok(JsJsonLinesFeed {
            engine: Rc::clone(&self.inner),
            feed: Some(cx_core::engine::JsonLinesFeed::new()),
        })
    }

    /// Ingests CSV text (a string or UTF-8 bytes) with a column mapping (an
    /// object or JSON text). A mapping that does not fit the header or the
    /// plan throws; bad rows are reported.
    #[wasm_bindgen(js_name = ingestCsv, unchecked_return_type = "IngestReport")]
    pub fn ingest_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CsvMapping | string")] mapping: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bytes = text_bytes(&text, "text")?;
        let mapping: CsvMapping = from_js(&mapping, "mapping", true)?;
        let report = self
            .engine_mut()?
            .ingest_csv(&bytes, &mapping)
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))?;
        report_js(&report)
    }

    /// Answers a query (every field optional; no query: every metric the
    /// data has, overall, at 95%).
    #[wasm_bindgen(unchecked_return_type = "Scorecard")]
    pub fn query(&self, query: Option<QueryArg>) -> Result<JsValue, JsValue> {
        let query: Query = optional(query, "query")?;
        let card = self
            .engine()?
            .query(&query)
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))?;
        to_js(&card)
    }

    /// The CX report (SPEC §3.5): plan summary, headline scores with
    /// intervals and trends, goals, vital processes, identity alignment,
    /// compliance, impact, benchmarks, recommended interventions, alerts.
    /// `options` (`ReportOptions`, e.g. `{analysis: {asOf: "2026-09-30"}}`)
    /// is optional; time-dependent results use `asOf`, never the clock.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn report(&self, options: Option<ReportOptionsArg>) -> Result<JsValue, JsValue> {
        to_js(&self.build_report(options)?)
    }

    /// The CX report as Markdown.
    #[wasm_bindgen(js_name = reportMarkdown)]
    pub fn report_markdown(&self, options: Option<ReportOptionsArg>) -> Result<String, JsValue> {
        Ok(self.build_report(options)?.to_markdown())
    }

    /// The CX report as one self-contained HTML page (inline SVG charts, no
    /// script, no external assets).
    #[wasm_bindgen(js_name = reportHtml)]
    pub fn report_html(&self, options: Option<ReportOptionsArg>) -> Result<String, JsValue> {
        Ok(self.build_report(options)?.to_html())
    }

    /// Two-sample tests between selections `a` and `b` (Δ = a − b): NPS,
    /// eNPS, CSAT top-2-box, CES mean.
    #[wasm_bindgen(unchecked_return_type = "Comparison")]
    pub fn compare(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Selection")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Selection")] b: JsValue,
        options: Option<NpsOptionsArg>,
    ) -> Result<JsValue, JsValue> {
        let a: Selection = optional(Some(a), "a")?;
        let b: Selection = optional(Some(b), "b")?;
        let options: NpsOptions = optional(options, "options")?;
        let c = self
            .engine()?
            .compare(&a, &b, options.level(), options.method())
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))?;
        to_js(&c)
    }

    /// The alerts the engine keeps, oldest first: the newest
    /// `limits.maxAlertsKept` of every alert raised, by `at`, then record id
    /// (absent first), then reason — the same whatever the path (one call
    /// or a feed, merges in any order, a restored snapshot).
    #[wasm_bindgen(unchecked_return_type = "Alert[]")]
    pub fn alerts(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine()?.alerts())
    }

    /// The engine's statistics as a versioned document (never the rows).
    /// Exact: a sum that may exceed 2^53 (audit score squares) is a
    /// `BigInt`, so store the text of `snapshotJson()` rather than
    /// `JSON.stringify` of this object.
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine()?.snapshot())
    }

    /// The snapshot as exact JSON text, to store and give back to
    /// `Engine.restore`.
    #[wasm_bindgen(js_name = snapshotJson)]
    pub fn snapshot_json(&self) -> Result<String, JsValue> {
        Ok(write_json(&self.engine()?.snapshot(), true)?.0)
    }

    /// The engine's statistics as the compact snapshot stream (version 4,
    /// binary): what to store and give back to `Engine.restore`; a few bytes
    /// a response where `snapshotJson()` takes about 1.5 KB a cell.
    #[wasm_bindgen(js_name = snapshotStream)]
    pub fn snapshot_stream(&self) -> Result<js_sys::Uint8Array, JsValue> {
        let mut bytes = Vec::new();
        self.engine()?
            .write_snapshot(&mut bytes)
            .map_err(|e| JsValue::from(error(ErrorCode::Unrepresentable, &e.to_string(), "")))?;
        Ok(js_sys::Uint8Array::from(&bytes[..]))
    }

    /// Rebuilds an engine from a snapshot: the object of `snapshot()`
    /// (`BigInt`s included), the text of `snapshotJson()`, or the bytes of
    /// `snapshotStream()`.
    pub fn restore(
        #[wasm_bindgen(unchecked_param_type = "Snapshot | string | Uint8Array")] snapshot: JsValue,
    ) -> Result<JsEngine, JsValue> {
        if let Some(bytes) = snapshot.dyn_ref::<js_sys::Uint8Array>() {
            let engine = Engine::read_snapshot(&bytes.to_vec()[..]).map_err(engine_error)?;
            return Ok(JsEngine::wrap(engine));
        }
        let snapshot: Snapshot = if snapshot.is_string() {
            from_js(&snapshot, "snapshot", true)?
        } else {
            parse_doc(&json_with_bigints(&snapshot)?, "snapshot", false)?
        };
        let engine = Engine::restore(snapshot).map_err(engine_error)?;
        Ok(JsEngine::wrap(engine))
    }

    /// Merges `other` into this engine (same plan and settings): the result
    /// answers every query as one engine that ingested both inputs. Throws
    /// `invalid-argument` when `other` is not an `Engine` and `freed-engine`
    /// when either engine was freed.
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Engine")] other: JsValue,
    ) -> Result<(), JsValue> {
        let other = engine_of(&other)?;
        let result = if Rc::ptr_eq(&self.inner, &other) {
            let copy = self.engine()?.clone();
            self.engine_mut()?.merge(&copy)
        } else {
            let other = other.borrow();
            let other = other.as_ref().ok_or_else(freed_engine)?;
            self.engine_mut()?.merge(other)
        };
        result.map_err(engine_error)
    }

    /// Internal: lends this engine to `merge` (which finds it by calling this
    /// method on the JS object it was given).
    #[wasm_bindgen(js_name = __cxShare, skip_typescript)]
    pub fn share(&self) {
        SHARED.with(|s| s.set(Some(Rc::clone(&self.inner))));
    }

    /// Releases the engine's memory at once (rather than when the object is
    /// garbage-collected). Any later call on it throws `freed-engine`.
    #[wasm_bindgen(skip_typescript)]
    pub fn free(&self) {
        self.inner.borrow_mut().take();
    }

    /// Number of statistics cells held: what memory grows with.
    #[wasm_bindgen(js_name = cellCount)]
    pub fn cell_count(&self) -> Result<usize, JsValue> {
        Ok(self.engine()?.cell_count())
    }

    /// The engine's footprint: `{cells, bytes, rows}` (bytes: the heap the
    /// cell store owns inside the module's memory).
    #[wasm_bindgen(unchecked_return_type = "EngineStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine()?.stats())
    }
}

impl JsEngine {
    fn wrap(engine: Engine) -> JsEngine {
        JsEngine {
            inner: Rc::new(RefCell::new(Some(engine))),
        }
    }

    /// The engine, or `freed-engine` after `free()`.
    fn engine(&self) -> Result<std::cell::Ref<'_, Engine>, JsValue> {
        std::cell::Ref::filter_map(self.inner.borrow(), Option::as_ref).map_err(|_| freed_engine())
    }

    fn engine_mut(&self) -> Result<std::cell::RefMut<'_, Engine>, JsValue> {
        live_engine(&self.inner)
    }

    fn build_report(
        &self,
        options: Option<ReportOptionsArg>,
    ) -> Result<cx_core::report::Report, JsValue> {
        let options: cx_core::report::ReportOptions = optional(options, "report options")?;
        cx_core::report::Report::build(&*self.engine()?, &options)
            .map_err(|e| JsValue::from(error(e.code(), &e.to_string(), &e.pointer())))
    }
}

/// JSON Lines pushed in pieces into an engine (`engine.jsonLinesFeed()`).
#[wasm_bindgen(js_name = JsonLinesFeed)]
pub struct JsJsonLinesFeed {
    engine: Rc<RefCell<Option<Engine>>>,
    /// `None` once `finish()` was called.
    feed: Option<cx_core::engine::JsonLinesFeed>,
}

#[wasm_bindgen(js_class = JsonLinesFeed)]
impl JsJsonLinesFeed {
    /// Feeds the next piece (a string or UTF-8 bytes, split anywhere, even
    /// inside a character): files the lines it completes and returns their
    /// report; positions (`index`, `line`) count from the start of the
    /// input. Throws `finished-feed` after `finish()` and `freed-engine`
    /// when the engine was freed.
    #[wasm_bindgen(unchecked_return_type = "IngestReport")]
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] chunk: JsValue,
    ) -> Result<JsValue, JsValue> {
        let bytes = text_bytes(&chunk, "chunk")?;
        let feed = self.feed.as_mut().ok_or_else(finished_feed)?;
        let report = feed
            .push(&mut *live_engine(&self.engine)?, &bytes)
            .map_err(|e| limit_error(&e))?;
        report_js(&report)
    }

    /// Ends the input: files its last line (one without a final newline)
    /// and returns the report of the whole input. Throws `finished-feed`
    /// when called twice and `freed-engine` when the engine was freed.
    #[wasm_bindgen(unchecked_return_type = "IngestReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let mut engine = live_engine(&self.engine)?;
        let feed = self.feed.take().ok_or_else(finished_feed)?;
        report_js(&feed.finish(&mut engine).map_err(|e| limit_error(&e))?)
    }

    /// The 1-based line the next byte belongs to.
    #[wasm_bindgen(getter)]
    pub fn line(&self) -> f64 {
        self.feed.as_ref().map_or(0.0, |f| f.line() as f64)
    }
}

/// The engine in a shared cell, unless `free()` emptied it.
fn live_engine(cell: &RefCell<Option<Engine>>) -> Result<std::cell::RefMut<'_, Engine>, JsValue> {
    std::cell::RefMut::filter_map(cell.borrow_mut(), Option::as_mut).map_err(|_| freed_engine())
}

fn finished_feed() -> JsValue {
    error(
        ErrorCode::FinishedFeed,
        "this feed was finished (finish() was called): start another with engine.jsonLinesFeed()",
        "",
    )
    .into()
}

/// The engine behind a JS `Engine` object given as a plain value: asks the
/// object to lend it (`__cxShare`). A value that is not an `Engine` is an
/// `invalid-argument`; a freed one (whose method throws) a `freed-engine`.
fn engine_of(value: &JsValue) -> Result<Rc<RefCell<Option<Engine>>>, JsValue> {
    let not_engine = || invalid_argument("other must be an Engine");
    if !value.is_object() {
        return Err(not_engine());
    }
    let share = js_sys::Reflect::get(value, &JsValue::from_str("__cxShare"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(not_engine)?;
    SHARED.with(|s| s.set(None));
    share.call0(value).map_err(|_| freed_engine())?;
    SHARED.with(|s| s.take()).ok_or_else(not_engine)
}

fn report_js(report: &IngestReport) -> Result<JsValue, JsValue> {
    to_js(report)
}
