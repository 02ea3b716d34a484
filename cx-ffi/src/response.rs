//! The hot path: `cx_response` rows (C structs) read in place as
//! `cx_core::engine::ResponseRef`s (no copy of their strings) and ingested
//! through the engine's row path (`Engine::response_ingest`).
//!
//! Reading only: a row whose numbers do not fit the record's types (a score
//! that is not -1 nor 0–255, a negative rating, an `at` outside years
//! 1–9999) or whose arrays or ids are NULL is refused in the report with
//! the same shape as the engine's own rejections; every other check
//! (UTF-8, scales, ids) is the engine's.

use std::ffi::{c_char, CStr};

use cx_core::engine::{IngestReport, ResponseRef};
use cx_core::record::Timestamp;

use crate::boundary::{arg, guard, out};
use crate::buffer::{cx_buffer, write_json};
use crate::engine::cx_engine;
use cx_core::error::ErrorCode;

use crate::status::{cx_status, Failure};

/// The value of a score field (`nps`, `csat`, `ces`, `overall`) or of an
/// attribute rating that means "not answered".
pub const CX_MISSING: i16 = -1;

/// One attribute rating (or expected level) of a response.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct cx_attribute {
    /// Attribute id of the plan (NUL-terminated UTF-8, not NULL).
    pub id: *const c_char,
    /// Rating on the attribute's scale, or its not-applicable value;
    /// `CX_MISSING` (-1) skips the entry.
    pub value: i8,
}

/// One custom dimension value of a response (a dimension the plan declares
/// under `dimensions`).
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct cx_dimension {
    /// Dimension id (NUL-terminated UTF-8, not NULL).
    pub id: *const c_char,
    /// Value (NUL-terminated UTF-8); NULL skips the entry.
    pub value: *const c_char,
}

/// One customer survey response, the row of `cx_engine_ingest_responses`
/// (SPEC §5.6).
///
/// Strings are NUL-terminated UTF-8; NULL means absent. Scores are
/// integers with `CX_MISSING` (-1) for "not answered"; a zero-filled struct
/// answers 0 to every score, so start from `cx_response_init`. Arrays are a
/// pointer and a length (the pointer may be NULL when the length is 0); if
/// an id repeats in `attributes` or `expectations`, the last one wins, as in
/// JSON. The library only reads the row during the call and keeps none of
/// its pointers.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct cx_response {
    /// Record id, echoed in alerts and errors (e.g. the call id).
    pub id: *const c_char,
    /// When the customer answered, unix seconds (UTC).
    pub at: i64,
    /// Customer segment.
    pub segment: *const c_char,
    /// Touchpoint (a process id of the plan).
    pub touchpoint: *const c_char,
    /// Channel.
    pub channel: *const c_char,
    /// Team.
    pub team: *const c_char,
    /// Employee.
    pub employee: *const c_char,
    /// Likelihood to recommend, 0–10, or -1.
    pub nps: i16,
    /// Satisfaction on the plan's CSAT scale (default 1–5), or -1.
    pub csat: i16,
    /// Effort on the plan's CES scale (default 1–7), or -1.
    pub ces: i16,
    /// Overall outcome, 0–10, or -1.
    pub overall: i16,
    /// Attribute ratings.
    pub attributes: *const cx_attribute,
    /// Number of `attributes`.
    pub attributes_len: usize,
    /// Expected levels per attribute (gap analysis).
    pub expectations: *const cx_attribute,
    /// Number of `expectations`.
    pub expectations_len: usize,
    /// Custom dimensions.
    pub dimensions: *const cx_dimension,
    /// Number of `dimensions`.
    pub dimensions_len: usize,
    /// Survey weight, a finite number from 0.000001 to 100000, rounded to
    /// the nearest millionth (counted in the report's `weightsRounded`).
    /// 0 means no weight (weight 1), so a zero-filled struct and
    /// `cx_response_init` leave the row unweighted; a negative, NaN,
    /// infinite or out-of-range weight rejects the row (pointer
    /// `/weight`).
    pub weight: f64,
    /// Free-text comment, NUL-terminated UTF-8, or NULL for none (a blank
    /// comment is none). Scored for sentiment and the plan's themes; a
    /// comment longer than the engine's `limits.maxCommentBytes` (8 KiB by
    /// default) rejects the row (pointer `/comment`).
    pub comment: *const c_char,
}

impl cx_response {
    /// A row with nothing answered (what `cx_response_init` writes).
    pub fn empty() -> cx_response {
        cx_response {
            id: std::ptr::null(),
            at: 0,
            segment: std::ptr::null(),
            touchpoint: std::ptr::null(),
            channel: std::ptr::null(),
            team: std::ptr::null(),
            employee: std::ptr::null(),
            nps: CX_MISSING,
            csat: CX_MISSING,
            ces: CX_MISSING,
            overall: CX_MISSING,
            attributes: std::ptr::null(),
            attributes_len: 0,
            expectations: std::ptr::null(),
            expectations_len: 0,
            dimensions: std::ptr::null(),
            dimensions_len: 0,
            weight: 0.0,
            comment: std::ptr::null(),
        }
    }
}

/// Resets `*row` to an empty response: every pointer NULL, every length
/// and `at` 0, every score `CX_MISSING`. NULL does nothing. Thread-safe.
///
/// # Safety
/// `row` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_response_init(row: *mut cx_response) {
    crate::boundary::guard_value((), || {
        if !row.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { row.write(cx_response::empty()) };
        }
    })
}

/// Why a row could not be read: (JSON Pointer, code, message).
type RowError = (String, ErrorCode, String);

/// A NUL-terminated string as bytes (UTF-8 is the engine's check).
///
/// # Safety
/// `ptr` is NULL or NUL-terminated, valid for `'a`.
unsafe fn bytes<'a>(ptr: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: non-NULL and NUL-terminated per the caller.
    (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

fn score(v: i16, field: &str) -> Result<Option<u8>, RowError> {
    if v == CX_MISSING {
        return Ok(None);
    }
    u8::try_from(v).map(Some).map_err(|_| {
        (
            format!("/{field}"),
            ErrorCode::OutOfRange,
            format!("`{field}` is {v}, which is not a rating (use -1 for a missing answer)"),
        )
    })
}

/// A C array as a slice.
///
/// # Safety
/// `ptr` is NULL or valid for `len` elements.
unsafe fn array<'a, T>(ptr: *const T, len: usize, field: &str) -> Result<&'a [T], RowError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || len > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err((
            format!("/{field}"),
            ErrorCode::InvalidValue,
            format!("`{field}` is NULL (or too long) but `{field}_len` is {len}"),
        ));
    }
    // SAFETY: non-NULL, size checked, valid per the caller.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

fn null_id(field: &str, i: usize) -> RowError {
    (
        format!("/{field}/{i}"),
        ErrorCode::InvalidValue,
        format!("`{field}[{i}].id` is NULL"),
    )
}

/// Reads a `cx_attribute` array into `out`.
///
/// # Safety
/// As `array`, and every id NUL-terminated.
unsafe fn ratings(
    ptr: *const cx_attribute,
    len: usize,
    field: &str,
    out: &mut Vec<(&[u8], u8)>,
) -> Result<(), RowError> {
    out.clear();
    // SAFETY: forwarded.
    for (i, a) in unsafe { array(ptr, len, field) }?.iter().enumerate() {
        // SAFETY: forwarded.
        let id = unsafe { bytes(a.id) }.ok_or_else(|| null_id(field, i))?;
        if i16::from(a.value) == CX_MISSING {
            continue;
        }
        let v = u8::try_from(a.value).map_err(|_| {
            let name = String::from_utf8_lossy(id);
            (
                format!(
                    "/{field}/{}",
                    cx_core::diagnostic::escape_pointer_token(&name)
                ),
                ErrorCode::OutOfRange,
                format!(
                    "`{name}` is {}, which is not a rating (use -1 for a missing answer)",
                    a.value
                ),
            )
        })?;
        out.push((id, v));
    }
    Ok(())
}

/// The pairs of one row, reused from row to row.
#[derive(Default)]
struct Scratch<'a> {
    attributes: Vec<(&'a [u8], u8)>,
    expectations: Vec<(&'a [u8], u8)>,
    dimensions: Vec<(&'a [u8], &'a [u8])>,
}

/// Reads one row (no copy of its strings).
///
/// # Safety
/// Every pointer of the row is valid per the `cx_response` contract, for `'a`.
unsafe fn to_ref<'a, 's>(
    row: &'a cx_response,
    scratch: &'s mut Scratch<'a>,
) -> Result<ResponseRef<'s>, RowError> {
    let at = Timestamp::from_unix(row.at).ok_or_else(|| {
        (
            "/at".to_string(),
            ErrorCode::OutOfRange,
            format!(
                "`at` is {}, outside the years 1 to 9999 (unix seconds)",
                row.at
            ),
        )
    })?;
    scratch.dimensions.clear();
    // SAFETY: per the contract.
    for (i, d) in unsafe { array(row.dimensions, row.dimensions_len, "dimensions") }?
        .iter()
        .enumerate()
    {
        // SAFETY: per the contract.
        let id = unsafe { bytes(d.id) }.ok_or_else(|| null_id("dimensions", i))?;
        // SAFETY: per the contract.
        if let Some(v) = unsafe { bytes(d.value) } {
            scratch.dimensions.push((id, v));
        }
    }
    // SAFETY (every block below): per the contract.
    unsafe {
        ratings(
            row.attributes,
            row.attributes_len,
            "attributes",
            &mut scratch.attributes,
        )?;
        ratings(
            row.expectations,
            row.expectations_len,
            "expectations",
            &mut scratch.expectations,
        )?;
    }
    Ok(ResponseRef {
        id: unsafe { bytes(row.id) },
        at,
        segment: unsafe { bytes(row.segment) },
        touchpoint: unsafe { bytes(row.touchpoint) },
        channel: unsafe { bytes(row.channel) },
        team: unsafe { bytes(row.team) },
        employee: unsafe { bytes(row.employee) },
        dimensions: &scratch.dimensions,
        nps: score(row.nps, "nps")?,
        csat: score(row.csat, "csat")?,
        ces: score(row.ces, "ces")?,
        overall: score(row.overall, "overall")?,
        attributes: &scratch.attributes,
        expectations: &scratch.expectations,
        // 0 (a zero-filled struct) is no weight; every other value is the
        // engine's to check.
        weight: (row.weight != 0.0).then_some(row.weight),
        comment: unsafe { bytes(row.comment) },
    })
}

/// Ingests rows through the engine's row path; a row that cannot be read
/// is refused at its position.
///
/// # Safety
/// Every row is valid per the `cx_response` contract.
pub(crate) unsafe fn ingest_rows(
    engine: &mut cx_core::engine::Engine,
    rows: &[cx_response],
) -> Result<IngestReport, Failure> {
    let mut ingest = engine.response_ingest();
    let mut scratch = Scratch::default();
    for row in rows {
        // SAFETY: per the contract.
        match unsafe { to_ref(row, &mut scratch) } {
            Ok(r) => {
                ingest.push(&r);
            }
            Err((pointer, code, message)) => {
                // SAFETY: per the contract.
                let id = unsafe { bytes(row.id) };
                ingest.refuse(id, &pointer, code, &message);
            }
        }
        if ingest.failed() {
            break;
        }
    }
    ingest.finish().map_err(|e| Failure::limit(&e))
}

/// The hot path: ingests `n` customer responses given as C structs and
/// writes the ingest report to `*report_out`: `{"total", "accepted",
/// "rejected", "errors": [{"index", "pointer", "id", "code", "message"}],
/// "errorsNotListed", "alerts": [{"reason", "recordId", "index", "value",
/// "at", "due", "dimensions"}]}`. `index` is the row's position in `rows`.
///
/// The alerts raised by these rows (detractor, CSAT in the bottom two
/// boxes, high effort) come back in this same report, so a ticket can be
/// opened at once. A bad row — off-scale score, unknown attribute or
/// dimension, string that is not UTF-8, -2 where a score should be — is
/// rejected in the report, changes nothing, and is not a call failure.
///
/// `rows` may be NULL when `n` is 0. Returns `CX_STATUS_NULL_ARGUMENT`,
/// `CX_STATUS_INVALID_ARGUMENT` (`n` too large for memory),
/// `CX_STATUS_MEMORY_LIMIT` (the cells would pass `limits.maxCellBytes`)
/// or `CX_STATUS_OVERFLOW` (the customer responses would pass 2^53);
/// nothing of a failed call is kept. `*report_out`
/// is written only on success; free it with `cx_buffer_free`. The library
/// keeps no pointer into `rows`. Mutates the engine: waits for other calls
/// on it.
///
/// # Safety
/// `engine` is NULL or a live handle; `rows` is NULL or valid for `n`
/// elements, each valid per the `cx_response` contract; `report_out` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_ingest_responses(
    engine: *mut cx_engine,
    rows: *const cx_response,
    n: usize,
    report_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        let out_buf = out(report_out, "report_out")?;
        // SAFETY: per the contract.
        let report = unsafe { ingest_call(engine, rows, n) }?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(out_buf, &report) }
    })
}

/// The engine and rows of an ingest call, checked, and the report.
///
/// # Safety
/// As `cx_engine_ingest_rows`.
unsafe fn ingest_call(
    engine: *mut cx_engine,
    rows: *const cx_response,
    n: usize,
) -> Result<IngestReport, Failure> {
    // SAFETY: per the contract.
    let engine = unsafe { arg(engine, "engine") }?;
    let rows: &[cx_response] = if n == 0 {
        &[]
    } else if rows.is_null() {
        return Err(Failure::null("rows"));
    } else if n > isize::MAX as usize / std::mem::size_of::<cx_response>() {
        return Err(Failure::new(
            ErrorCode::InvalidArgument,
            "",
            format!("`n` ({n}) is larger than any array can be"),
        ));
    } else {
        // SAFETY: non-NULL, size checked, valid per the contract.
        unsafe { std::slice::from_raw_parts(rows, n) }
    };
    let mut guard = engine.write()?;
    // SAFETY: per the contract.
    unsafe { ingest_rows(&mut guard, rows) }
}

/// Why an alert was raised (`cx_alert.reason`).
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cx_alert_reason {
    /// An NPS rating 0–6.
    Detractor = 0,
    /// A CSAT in the bottom two boxes of its scale.
    CsatBottomTwo = 1,
    /// A CES at or below the plan's `thresholds.alerts.cesAtMost`.
    HighEffort = 2,
    /// An audit failed a critical rule (not raised by customer rows).
    CriticalRuleFailed = 3,
    /// A comment at or below the plan's
    /// `thresholds.alerts.commentCompoundAtMost`.
    NegativeComment = 4,
    /// A comment mentioning a theme marked `alert` (the theme is in the
    /// result's JSON).
    CommentTheme = 5,
}

/// A closed-loop alert raised by one row of `cx_engine_ingest_rows`: the
/// row (`index` into the caller's array, whose id and dimensions the
/// caller holds), why, the rating, and when to follow up.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct cx_alert {
    /// Why (a `cx_alert_reason`).
    pub reason: cx_alert_reason,
    /// The rating that raised it, or -1.
    pub value: i16,
    /// Position of the row in the `rows` array.
    pub index: usize,
    /// When the customer answered, unix seconds.
    pub at: i64,
    /// Follow-up due time, unix seconds: `at` + the plan's
    /// `thresholds.followUpHours`.
    pub due: i64,
}

/// The result of `cx_engine_ingest_rows` (opaque): counts and alerts as C
/// values, the whole report as JSON on request.
#[allow(non_camel_case_types)]
pub struct cx_ingest_result {
    report: IngestReport,
    alerts: Vec<cx_alert>,
}

impl cx_ingest_result {
    fn new(report: IngestReport) -> cx_ingest_result {
        use cx_core::engine::AlertReason;
        let alerts = report
            .alerts
            .iter()
            .map(|a| cx_alert {
                reason: match a.reason {
                    AlertReason::Detractor => cx_alert_reason::Detractor,
                    AlertReason::CsatBottomTwo => cx_alert_reason::CsatBottomTwo,
                    AlertReason::HighEffort => cx_alert_reason::HighEffort,
                    AlertReason::CriticalRuleFailed => cx_alert_reason::CriticalRuleFailed,
                    AlertReason::NegativeComment => cx_alert_reason::NegativeComment,
                    AlertReason::CommentTheme => cx_alert_reason::CommentTheme,
                },
                value: a.value.map_or(CX_MISSING, i16::from),
                index: a.index,
                at: a.at.unix(),
                due: a.due.unix(),
            })
            .collect();
        cx_ingest_result { report, alerts }
    }
}

/// The hot path without JSON: ingests `n` customer responses given as C
/// structs and writes a result handle to `*result_out`, whose counts and
/// alerts are read with `cx_ingest_result_counts` and
/// `cx_ingest_result_alerts` (C values, no parsing) and whose whole report
/// (errors with their pointers and messages, alerts with their dimensions)
/// `cx_ingest_result_json` writes as the JSON of
/// `cx_engine_ingest_responses`.
///
/// Rows are checked exactly as by `cx_engine_ingest_responses`: a bad row
/// is rejected (counted, described in the JSON), changes nothing, and is
/// not a call failure. `rows` may be NULL when `n` is 0. Returns
/// `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_ARGUMENT` (`n` too large
/// for memory), `CX_STATUS_MEMORY_LIMIT` or `CX_STATUS_OVERFLOW` (as
/// `cx_engine_ingest_responses`; nothing of a failed call is kept).
/// `*result_out` is written only on success; free it with
/// `cx_ingest_result_free`. The library keeps no pointer into `rows`.
/// Mutates the engine: waits for other calls on it.
///
/// # Safety
/// `engine` is NULL or a live handle; `rows` is NULL or valid for `n`
/// elements, each valid per the `cx_response` contract; `result_out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_ingest_rows(
    engine: *mut cx_engine,
    rows: *const cx_response,
    n: usize,
    result_out: *mut *mut cx_ingest_result,
) -> cx_status {
    guard(|| {
        let result_out = out(result_out, "result_out")?;
        // SAFETY: per the contract.
        let report = unsafe { ingest_call(engine, rows, n) }?;
        let result = Box::into_raw(Box::new(cx_ingest_result::new(report)));
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { result_out.write(result) };
        Ok(())
    })
}

/// Writes the counts of an ingest: rows read (`*total`), filed
/// (`*accepted`) and rejected (`*rejected`); accepted + rejected = total.
/// Any of the three out-pointers may be NULL (not written). NULL `result`
/// writes nothing. Thread-safe (only reads).
///
/// # Safety
/// `result` is NULL or a live handle; each out-pointer NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_ingest_result_counts(
    result: *const cx_ingest_result,
    total: *mut u64,
    accepted: *mut u64,
    rejected: *mut u64,
) {
    crate::boundary::guard_value((), || {
        if result.is_null() {
            return;
        }
        // SAFETY: non-NULL and live per the contract.
        let r = unsafe { &(*result).report };
        for (p, v) in [
            (total, r.total),
            (accepted, r.accepted),
            (rejected, r.rejected),
        ] {
            if !p.is_null() {
                // SAFETY: non-NULL and writable per the contract.
                unsafe { p.write(v) };
            }
        }
    })
}

/// The alerts raised by the ingested rows, in row order: returns their
/// number and writes a pointer to the first to `*alerts_out` (NULL when
/// there is none). The array belongs to `result` and lives until
/// `cx_ingest_result_free`. NULL `result` returns 0; NULL `alerts_out` only
/// counts. Thread-safe (only reads).
///
/// # Safety
/// `result` is NULL or a live handle; `alerts_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_ingest_result_alerts(
    result: *const cx_ingest_result,
    alerts_out: *mut *const cx_alert,
) -> usize {
    crate::boundary::guard_value(0, || {
        if result.is_null() {
            return 0;
        }
        // SAFETY: non-NULL and live per the contract.
        let alerts = unsafe { &(*result).alerts };
        if !alerts_out.is_null() {
            let p = if alerts.is_empty() {
                std::ptr::null()
            } else {
                alerts.as_ptr()
            };
            // SAFETY: non-NULL and writable per the contract.
            unsafe { alerts_out.write(p) };
        }
        alerts.len()
    })
}

/// Writes the whole ingest report as JSON to `*report_out` (the document
/// `cx_engine_ingest_responses` returns: errors with their pointers, codes
/// and messages; alerts with record ids and dimensions). Returns
/// `CX_STATUS_NULL_ARGUMENT`; `*report_out` is written only on success;
/// free it with `cx_buffer_free`. Thread-safe (only reads).
///
/// # Safety
/// `result` is NULL or a live handle; `report_out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_ingest_result_json(
    result: *const cx_ingest_result,
    report_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        let out_buf = out(report_out, "report_out")?;
        // SAFETY: per the contract.
        let result = unsafe { arg(result, "result") }?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(out_buf, &result.report) }
    })
}

/// Frees a result of `cx_engine_ingest_rows` (and its alert array). NULL
/// does nothing. Not thread-safe for the same handle (free it once, after
/// every other use).
///
/// # Safety
/// `result` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cx_ingest_result_free(result: *mut cx_ingest_result) {
    crate::boundary::guard_value((), || {
        if !result.is_null() {
            // SAFETY: from Box::into_raw in cx_engine_ingest_rows, freed once.
            drop(unsafe { Box::from_raw(result) });
        }
    })
}
