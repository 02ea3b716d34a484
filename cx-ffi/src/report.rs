//! Reports (SPEC §3.5): the CX report of an engine as JSON, Markdown or one
//! self-contained HTML file, built by `cx_core::report`.

use std::ffi::c_char;

use cx_core::report::{Report, ReportOptions};

use crate::boundary::{arg, document, guard, out, text};
use crate::buffer::cx_buffer;
use crate::engine::{cx_engine, query_failure};
use cx_core::error::ErrorCode;

use crate::status::cx_status;

/// The format of `cx_engine_report`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum cx_report_format {
    /// The `Report` JSON document (`schema/report.schema.json`).
    Json = 0,
    /// Markdown.
    Markdown = 1,
    /// One self-contained HTML file with inline SVG charts.
    Html = 2,
}

/// Builds the CX report of the engine — plan summary, headline scores with
/// intervals and trends, goals, vital processes, identity alignment,
/// compliance, impact, benchmarks, recommended interventions, alerts — and
/// writes it to `*report_out` in `format` (`CX_REPORT_FORMAT_JSON`,
/// `CX_REPORT_FORMAT_MARKDOWN` or `CX_REPORT_FORMAT_HTML`).
///
/// `options_json` (`len` bytes) is a `ReportOptions` document, e.g.
/// `{"analysis": {"asOf": "2026-09-30", "importance": "johnson"}}`, or
/// `{}`; NULL with `len` 0 means `{}`. Time-dependent results use `asOf`
/// (default: the latest observation), never the clock.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8`,
/// `CX_STATUS_PARSE_ERROR` (malformed options), `CX_STATUS_INVALID_ARGUMENT`
/// (an unknown format) or `CX_STATUS_QUERY_ERROR`. `*report_out` is written
/// only on success; free it with `cx_buffer_free`. Read-only: runs
/// concurrently with other `const cx_engine *` calls on the same engine.
///
/// # Safety
/// `engine` is NULL or a live handle; `options_json` is NULL (with `len`
/// 0) or readable for `len` bytes; `report_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_report(
    engine: *const cx_engine,
    options_json: *const c_char,
    len: usize,
    format: u32,
    report_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        let out_buf = out(report_out, "report_out")?;
        // SAFETY: per the contract.
        let engine = unsafe { arg(engine, "engine") }?;
        let options: ReportOptions = if options_json.is_null() && len == 0 {
            ReportOptions::default()
        } else {
            // SAFETY: per the contract.
            let t = unsafe { text(options_json, len, "options_json") }?;
            document("report options", t)?
        };
        let format = match format {
            0 => cx_report_format::Json,
            1 => cx_report_format::Markdown,
            2 => cx_report_format::Html,
            other => {
                return Err(crate::status::Failure::new(
                    ErrorCode::InvalidArgument,
                    String::new(),
                    format!(
                    "format {other} is not CX_REPORT_FORMAT_JSON (0), _MARKDOWN (1) or _HTML (2)"
                ),
                ))
            }
        };
        let report = Report::build(&*engine.read()?, &options).map_err(|e| query_failure(&e))?;
        let buffer = match format {
            cx_report_format::Json => cx_buffer::json(&report)?,
            cx_report_format::Markdown => cx_buffer::from_vec(report.to_markdown().into_bytes()),
            cx_report_format::Html => cx_buffer::from_vec(report.to_html().into_bytes()),
        };
        // SAFETY: checked non-NULL; writable per the contract; `cx_buffer`
        // has no destructor.
        unsafe { out_buf.write(buffer) };
        Ok(())
    })
}
