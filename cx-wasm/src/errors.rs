//! The errors every export throws: a JS `Error` named `CxError` with a
//! string `code` (an `ErrorCode`), a `path` (JSON Pointer) and, per kind,
//! more fields (`line`/`column`, `diagnostics`, `budget`, …; the
//! `CxError` interface of `types.d.ts` lists them).

use cx_core::diagnostic::Diagnostic;
use cx_core::error::ErrorCode;
use cx_core::score;
use wasm_bindgen::prelude::*;

use crate::convert::to_js;

/// A JS `Error` (name `CxError`) with `code`, `message` and `path` (the
/// JSON Pointer).
pub(crate) fn error(code: ErrorCode, message: &str, pointer: &str) -> js_sys::Error {
    let e = js_sys::Error::new(message);
    e.set_name("CxError");
    set(&e, "code", &JsValue::from_str(code.as_str()));
    set(&e, "path", &JsValue::from_str(pointer));
    e
}

pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

pub(crate) fn invalid_argument(message: &str) -> JsValue {
    error(ErrorCode::InvalidArgument, message, "").into()
}

/// A `parse-error` from a document with `(line, column, pointer, message)`.
pub(crate) fn parse_error(
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
pub(crate) fn memory_error(e: &cx_core::engine::MemoryLimit) -> JsValue {
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
pub(crate) fn overflow_error(e: &cx_core::engine::Overflow) -> JsValue {
    let err = error(e.code(), &e.to_string(), "");
    set(&err, "kind", &JsValue::from_str(e.kind));
    set(&err, "held", &JsValue::from_f64(e.held as f64));
    err.into()
}

/// The error of an ingest that failed as a whole: `memory-limit` or
/// `overflow`.
pub(crate) fn limit_error(e: &cx_core::engine::LimitError) -> JsValue {
    match e {
        cx_core::engine::LimitError::MemoryLimit(e) => memory_error(e),
        cx_core::engine::LimitError::Overflow(e) => overflow_error(e),
        e => error(e.code(), &e.to_string(), "").into(),
    }
}

pub(crate) fn score_error(e: score::ScoreError, pointer: &str) -> JsValue {
    error(e.code(), &e.to_string(), pointer).into()
}

pub(crate) fn diagnostic_error(d: &Diagnostic) -> JsValue {
    parse_error("plan", d.line, d.column, &d.pointer, &d.message)
}

pub(crate) fn engine_error(e: cx_core::engine::EngineError) -> JsValue {
    let err = error(e.code(), &e.to_string(), &e.pointer());
    if let cx_core::engine::EngineError::InvalidPlan(diagnostics) = &e {
        if let Ok(d) = to_js(diagnostics) {
            set(&err, "diagnostics", &d);
        }
    }
    err.into()
}

/// The error of a call on an engine after its `free()`.
pub(crate) fn freed_engine() -> JsValue {
    error(
        ErrorCode::FreedEngine,
        "this engine was freed (free() was called): create or restore another",
        "",
    )
    .into()
}

/// The error of `push` or `finish` on a finished feed.
pub(crate) fn finished_feed() -> JsValue {
    error(
        ErrorCode::FinishedFeed,
        "this feed was finished (finish() was called): start another with engine.jsonLinesFeed()",
        "",
    )
    .into()
}
