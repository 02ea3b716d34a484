//! Values across the boundary: JS objects and text read into cx-core
//! documents through one parser (`cx_core::json`, so errors carry the same
//! JSON Pointer and message as in C), results written as plain JS objects
//! (`BigInt` for the exact `u128` sums of a snapshot), text and bytes
//! arguments, and the numeric arguments of the score functions.

use cx_core::diagnostic::Diagnostic;
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::score;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors::{error, invalid_argument, parse_error, score_error};
use crate::{json_parse_with_reviver, TextEncoder};

/// JSON text of a JS value (`None` for `undefined`, functions, symbols).
pub(crate) fn json_of(value: &JsValue, what: &str) -> Result<String, JsValue> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| {
            invalid_argument(&format!(
                "{what} cannot be read as JSON (undefined, a cycle, a BigInt or a function?)"
            ))
        })
}

/// JSON text of record objects: `JSON.stringify`, but a non-finite
/// `weight` (`NaN`, `Infinity`) is written as its text (`"NaN"`), so the
/// record is rejected at its `weight` instead of read as `null` (no
/// weight, i.e. weight 1) as every other non-finite number is.
pub(crate) fn records_json(value: &JsValue, what: &str) -> Result<String, JsValue> {
    let replacer =
        Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|k: JsValue, v: JsValue| {
            match v.as_f64() {
                Some(x) if !x.is_finite() && k.as_string().as_deref() == Some("weight") => {
                    // As JS writes them: `String(NaN)`, `String(-Infinity)`.
                    JsValue::from(match x {
                        x if x.is_nan() => "NaN",
                        x if x > 0.0 => "Infinity",
                        _ => "-Infinity",
                    })
                }
                _ => v,
            }
        });
    js_sys::JSON::stringify_with_replacer(value, replacer.as_ref())
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
pub(crate) fn json_with_bigints(value: &JsValue) -> Result<String, JsValue> {
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
pub(crate) fn from_js<T: DeserializeOwned>(
    value: &JsValue,
    what: &str,
    text_ok: bool,
) -> Result<T, JsValue> {
    match value.as_string() {
        Some(t) if text_ok => parse_doc(&t, what, true),
        _ => parse_doc(&json_of(value, what)?, what, false),
    }
}

/// Parses JSON text into a document; `positions`: report line and column.
pub(crate) fn parse_doc<T: DeserializeOwned>(
    text: &str,
    what: &str,
    positions: bool,
) -> Result<T, JsValue> {
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
pub(crate) fn optional<T: DeserializeOwned + Default>(
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
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
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
pub(crate) fn write_json<T: Serialize>(value: &T, exact: bool) -> Result<(String, bool), JsValue> {
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
pub(crate) const BIGINT_MARK: &str = "\u{1}cx-bigint:";
/// `BIGINT_MARK` as written in JSON text, after the opening quote.
pub(crate) const BIGINT_MARK_JSON: &str = "\\u0001cx-bigint:";

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

pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

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
pub(crate) fn text_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
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
pub(crate) fn plan_from(value: &JsValue) -> Result<Plan, Diagnostic> {
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

pub(crate) fn level_of(level: Option<f64>) -> Result<f64, JsValue> {
    let level = level.unwrap_or(score::DEFAULT_LEVEL);
    score::z_quantile(level)
        .map(|_| level)
        .map_err(|e| score_error(e, "/level"))
}

/// A count: a non-negative safe integer.
pub(crate) fn count(x: f64, what: &str) -> Result<u64, JsValue> {
    if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_991.0 {
        Ok(x as u64)
    } else {
        Err(invalid_argument(&format!(
            "{what} must be a non-negative integer, got {x}"
        )))
    }
}
