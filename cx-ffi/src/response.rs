//! The hot path: `cx_response` rows (C structs) converted to
//! `cx_core::record::Response` and ingested by `Engine::ingest_responses`.
//!
//! Conversion only: a row whose strings are not UTF-8, or whose numbers do
//! not fit the record's types (a score that is not -1 nor 0–255, a
//! negative rating, an `at` outside years 1–9999), is rejected in the
//! report with the same shape as the engine's own rejections; every scale
//! check is the engine's.

use std::collections::BTreeMap;
use std::ffi::c_char;

use cx_core::engine::{IngestReport, RecordError};
use cx_core::record::{Response, Timestamp};

use crate::boundary::{arg, c_str, guard, out};
use crate::buffer::{cx_buffer, write_json};
use crate::engine::cx_engine;
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

/// Why a row could not become a `Response`: (JSON Pointer, code, message).
type RowError = (String, &'static str, String);

fn bad_utf8(field: &str) -> RowError {
    (
        format!("/{field}"),
        "invalid-utf8",
        format!("`{field}` is not valid UTF-8"),
    )
}

/// # Safety
/// `ptr` is NULL or NUL-terminated.
unsafe fn opt_string(ptr: *const c_char, field: &str) -> Result<Option<String>, RowError> {
    // SAFETY: forwarded.
    match unsafe { c_str(ptr) } {
        Ok(s) => Ok(s.map(str::to_owned)),
        Err(()) => Err(bad_utf8(field)),
    }
}

fn score(v: i16, field: &str) -> Result<Option<u8>, RowError> {
    if v == CX_MISSING {
        return Ok(None);
    }
    u8::try_from(v).map(Some).map_err(|_| {
        (
            format!("/{field}"),
            "out-of-range",
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
            "invalid-value",
            format!("`{field}` is NULL (or too long) but `{field}_len` is {len}"),
        ));
    }
    // SAFETY: non-NULL, size checked, valid per the caller.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// # Safety
/// As `array`, and every id NUL-terminated.
unsafe fn ratings(
    ptr: *const cx_attribute,
    len: usize,
    field: &str,
) -> Result<BTreeMap<String, u8>, RowError> {
    let mut map = BTreeMap::new();
    // SAFETY: forwarded.
    for (i, a) in unsafe { array(ptr, len, field) }?.iter().enumerate() {
        // SAFETY: forwarded.
        let id = match unsafe { c_str(a.id) } {
            Ok(Some(id)) => id,
            Ok(None) => {
                return Err((
                    format!("/{field}/{i}"),
                    "invalid-value",
                    format!("`{field}[{i}].id` is NULL"),
                ))
            }
            Err(()) => return Err(bad_utf8(&format!("{field}/{i}"))),
        };
        if i16::from(a.value) == CX_MISSING {
            continue;
        }
        let v = u8::try_from(a.value).map_err(|_| {
            (
                format!("/{field}/{}", cx_core::diagnostic::escape_pointer_token(id)),
                "out-of-range",
                format!(
                    "`{id}` is {}, which is not a rating (use -1 for a missing answer)",
                    a.value
                ),
            )
        })?;
        map.insert(id.to_owned(), v);
    }
    Ok(map)
}

/// Converts one row.
///
/// # Safety
/// Every pointer of the row is valid per the `cx_response` contract.
unsafe fn to_response(row: &cx_response) -> Result<Response, RowError> {
    let at = Timestamp::from_unix(row.at).ok_or_else(|| {
        (
            "/at".to_string(),
            "out-of-range",
            format!(
                "`at` is {}, outside the years 1 to 9999 (unix seconds)",
                row.at
            ),
        )
    })?;
    let mut dimensions = BTreeMap::new();
    // SAFETY: per the contract.
    for (i, d) in unsafe { array(row.dimensions, row.dimensions_len, "dimensions") }?
        .iter()
        .enumerate()
    {
        // SAFETY: per the contract.
        let id = match unsafe { c_str(d.id) } {
            Ok(Some(id)) => id,
            Ok(None) => {
                return Err((
                    format!("/dimensions/{i}"),
                    "invalid-value",
                    format!("`dimensions[{i}].id` is NULL"),
                ))
            }
            Err(()) => return Err(bad_utf8(&format!("dimensions/{i}"))),
        };
        // SAFETY: per the contract.
        if let Some(v) = unsafe { opt_string(d.value, &format!("dimensions/{i}")) }? {
            dimensions.insert(id.to_owned(), v);
        }
    }
    // SAFETY (every block below): per the contract.
    Ok(Response {
        kind: None,
        id: unsafe { opt_string(row.id, "id") }?,
        at,
        segment: unsafe { opt_string(row.segment, "segment") }?,
        touchpoint: unsafe { opt_string(row.touchpoint, "touchpoint") }?,
        channel: unsafe { opt_string(row.channel, "channel") }?,
        team: unsafe { opt_string(row.team, "team") }?,
        employee: unsafe { opt_string(row.employee, "employee") }?,
        dimensions,
        nps: score(row.nps, "nps")?,
        csat: score(row.csat, "csat")?,
        ces: score(row.ces, "ces")?,
        overall: score(row.overall, "overall")?,
        attributes: unsafe { ratings(row.attributes, row.attributes_len, "attributes") }?,
        expectations: unsafe { ratings(row.expectations, row.expectations_len, "expectations") }?,
        comment: None,
    })
}

/// Ingests rows: converts, runs the engine's typed ingest, and places the
/// conversion rejections in the report at their row positions.
///
/// # Safety
/// Every row is valid per the `cx_response` contract.
pub(crate) unsafe fn ingest_rows(
    engine: &mut cx_core::engine::Engine,
    rows: &[cx_response],
) -> IngestReport {
    let mut good = Vec::with_capacity(rows.len());
    let mut origin = Vec::new(); // row index of each good row, once one failed
    let mut refused: Vec<RecordError> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        // SAFETY: per the contract.
        match unsafe { to_response(row) } {
            Ok(r) => {
                if !refused.is_empty() {
                    origin.push(index);
                }
                good.push(r);
            }
            Err((pointer, code, message)) => {
                if refused.is_empty() {
                    origin.extend(0..index);
                }
                refused.push(RecordError {
                    index,
                    line: None,
                    column: None,
                    pointer,
                    field: None,
                    // SAFETY: per the contract.
                    id: unsafe { c_str(row.id) }.ok().flatten().map(str::to_owned),
                    code: code.to_string(),
                    message,
                });
            }
        }
    }
    let mut report = engine.ingest_responses(&good);
    if refused.is_empty() {
        return report;
    }
    // Positions are the row's index in the caller's array.
    for e in &mut report.errors {
        e.index = origin[e.index];
    }
    for a in &mut report.alerts {
        a.index = origin[a.index];
    }
    let max = engine.config().limits.max_errors_listed;
    let n_refused = refused.len() as u64;
    let listed = report.errors.len() + refused.len();
    let mut errors = std::mem::take(&mut report.errors);
    errors.append(&mut refused);
    errors.sort_by_key(|e| e.index);
    errors.truncate(max);
    report.errors_not_listed += (listed - errors.len()) as u64;
    report.errors = errors;
    report.total += n_refused;
    report.rejected += n_refused;
    report
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
/// `rows` may be NULL when `n` is 0. Returns `CX_STATUS_NULL_ARGUMENT` or
/// `CX_STATUS_INVALID_ARGUMENT` (`n` too large for memory). `*report_out`
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
        let engine = unsafe { arg(engine, "engine") }?;
        let rows: &[cx_response] = if n == 0 {
            &[]
        } else if rows.is_null() {
            return Err(Failure::null("rows"));
        } else if n > isize::MAX as usize / std::mem::size_of::<cx_response>() {
            return Err(Failure::new(
                cx_status::InvalidArgument,
                "invalid-argument",
                "",
                format!("`n` ({n}) is larger than any array can be"),
            ));
        } else {
            // SAFETY: non-NULL, size checked, valid per the contract.
            unsafe { std::slice::from_raw_parts(rows, n) }
        };
        let mut guard = engine.write()?;
        // SAFETY: per the contract.
        let report = unsafe { ingest_rows(&mut guard, rows) };
        drop(guard);
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(out_buf, &report) }
    })
}
