//! `cx_plan`: a parsed plan document, validated and traced on demand.

use std::ffi::c_char;

use cx_core::plan::{Plan, PlanError};

use crate::boundary::{arg, guard, out, text};
use crate::buffer::{cx_buffer, write_json};
use crate::status::{cx_status, Failure};

/// A parsed plan (opaque). Immutable once created.
#[allow(non_camel_case_types)]
pub struct cx_plan {
    pub(crate) plan: Plan,
}

pub(crate) fn plan_failure(e: &PlanError) -> Failure {
    let d = e.to_diagnostic();
    Failure::new(e.code(), d.pointer, e.to_string())
}

/// Parses a plan from `len` bytes of UTF-8 JSON at `json` (no NUL needed)
/// and writes a new handle to `*out`.
///
/// Only the document's shape is checked here: a plan with validation
/// errors still loads, so that `cx_plan_validate` can report them (the
/// engine refuses it).
///
/// Returns `CX_STATUS_NULL_ARGUMENT` (`json` or `out` NULL),
/// `CX_STATUS_INVALID_UTF8`, or `CX_STATUS_PARSE_ERROR` (malformed JSON, a
/// wrong type, an unknown field: the last error has the message with line
/// and column, and the JSON Pointer as its path). `*out` is written only on
/// success; the caller owns the handle and frees it with `cx_plan_free`.
/// Thread-safe.
///
/// # Safety
/// `json` is NULL or readable for `len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_plan_new(
    json: *const c_char,
    len: usize,
    out_plan: *mut *mut cx_plan,
) -> cx_status {
    guard(|| {
        let out_plan = out(out_plan, "out")?;
        // SAFETY: per the contract.
        let text = unsafe { text(json, len, "json") }?;
        let plan = Plan::from_json(text).map_err(|e| plan_failure(&e))?;
        let handle = Box::into_raw(Box::new(cx_plan { plan }));
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { out_plan.write(handle) };
        Ok(())
    })
}

/// Validates a plan and writes its diagnostics to `*diagnostics_out` as
/// JSON: `{"diagnostics": [{"severity", "code", "path", "message"}, ...]}`
/// (the shape of `cx validate --json`). A plan with errors is not a call
/// failure: check the severities. The caller frees the buffer with
/// `cx_buffer_free`.
///
/// Returns `CX_STATUS_NULL_ARGUMENT` when an argument is NULL. Does not
/// modify the plan: may run concurrently with any other `const cx_plan *`
/// call on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `diagnostics_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_plan_validate(
    plan: *const cx_plan,
    diagnostics_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        let out_buf = out(diagnostics_out, "diagnostics_out")?;
        // SAFETY: per the contract.
        let plan = unsafe { arg(plan, "plan") }?;
        #[derive(serde::Serialize)]
        struct Diagnostics {
            diagnostics: Vec<cx_core::diagnostic::Diagnostic>,
        }
        let doc = Diagnostics {
            diagnostics: plan.plan.validate(),
        };
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(out_buf, &doc) }
    })
}

/// Writes the plan's traceability matrix (coverage of needs, identity,
/// rules, goals and instruments; SPEC §2.2) to `*trace_out` as JSON. The
/// caller frees the buffer with `cx_buffer_free`.
///
/// Returns `CX_STATUS_NULL_ARGUMENT` when an argument is NULL. Does not
/// modify the plan: may run concurrently with other `const cx_plan *` calls.
///
/// # Safety
/// `plan` is NULL or a live handle; `trace_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_plan_trace(
    plan: *const cx_plan,
    trace_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        let out_buf = out(trace_out, "trace_out")?;
        // SAFETY: per the contract.
        let plan = unsafe { arg(plan, "plan") }?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(out_buf, &plan.plan.trace()) }
    })
}

/// Frees a plan. NULL does nothing. Engines created from the plan keep
/// their own copy, so the plan may be freed while they live. Must not race
/// with another call on the same plan.
///
/// # Safety
/// `plan` is NULL or a handle from `cx_plan_new` not freed before.
#[no_mangle]
pub unsafe extern "C" fn cx_plan_free(plan: *mut cx_plan) {
    crate::boundary::guard_value((), || {
        if !plan.is_null() {
            // SAFETY: created by `Box::into_raw` in `cx_plan_new`.
            drop(unsafe { Box::from_raw(plan) });
        }
    })
}
