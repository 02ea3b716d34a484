//! `cx_engine`: creation, text ingest (JSON, JSON Lines, CSV), queries,
//! comparisons, alerts, snapshots and merges. The typed hot path
//! (`cx_engine_ingest_responses`) is in `response.rs`.
//!
//! The handle wraps the engine in a `RwLock`: calls taking a
//! `const cx_engine *` share it, calls taking a `cx_engine *` hold it
//! alone, so concurrent use of one handle from several threads is safe.

use std::ffi::c_char;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use cx_core::engine::{
    CompareRequest, CsvMapping, Engine, EngineConfig, EngineError, IngestError, MappingError,
    Query, QueryError, Snapshot,
};
use cx_core::error::ErrorCode;

use serde::Serialize;

use crate::boundary::{arg, bytes, c_str, document, guard, out, text};
use crate::buffer::{cx_buffer, write_json};
use crate::plan::cx_plan;
use crate::status::{cx_status, Failure};

/// An engine (opaque): the statistics of everything ingested, per cube
/// cell. Thread-safe: see the README's threading section.
#[allow(non_camel_case_types)]
pub struct cx_engine {
    pub(crate) engine: RwLock<Engine>,
}

impl cx_engine {
    pub(crate) fn read(&self) -> Result<RwLockReadGuard<'_, Engine>, Failure> {
        self.engine.read().map_err(|_| poisoned())
    }

    pub(crate) fn write(&self) -> Result<RwLockWriteGuard<'_, Engine>, Failure> {
        self.engine.write().map_err(|_| poisoned())
    }

    fn boxed(engine: Engine) -> *mut cx_engine {
        Box::into_raw(Box::new(cx_engine {
            engine: RwLock::new(engine),
        }))
    }
}

fn poisoned() -> Failure {
    Failure::internal("internal error: an earlier panic during a call on this engine left it unusable; free it and restore from a snapshot")
}

pub(crate) fn engine_failure(e: &EngineError) -> Failure {
    let mut message = e.to_string();
    if let EngineError::InvalidPlan(diagnostics) = e {
        message.push_str("\nerrors:");
        for d in diagnostics {
            message.push_str(&format!("\n  {} [{}]: {}", d.pointer, d.code, d.message));
        }
    }
    let f = Failure::new(e.code(), e.pointer(), message);
    match e {
        // The cube of a config is an argument of `cx_engine_new_with_config`.
        EngineError::UnknownCubeDimension(_) => f.with_status(cx_status::InvalidArgument),
        _ => f,
    }
}

pub(crate) fn query_failure(e: &QueryError) -> Failure {
    Failure::new(e.code(), e.pointer(), e.to_string())
}

fn mapping_failure(e: &MappingError) -> Failure {
    Failure::new(e.code(), e.pointer(), e.to_string())
}

/// The body of a call on an engine that writes one JSON document to a
/// buffer: `out_buf` is checked first and written only when `f` succeeds;
/// `f` gets the engine (and reads any other argument itself).
///
/// # Safety
/// `engine` is NULL or a live handle; `out_buf` is NULL or writable.
unsafe fn json_call<R: Serialize>(
    engine: *const cx_engine,
    out_buf: *mut cx_buffer,
    out_name: &str,
    f: impl FnOnce(&cx_engine) -> Result<R, Failure>,
) -> cx_status {
    guard(|| {
        let out_buf = out(out_buf, out_name)?;
        // SAFETY: per the contract.
        let engine = unsafe { arg(engine, "engine") }?;
        let value = f(engine)?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(out_buf, &value) }
    })
}

/// Creates an engine for a valid plan, with the default cube (every
/// dimension × day) and limits, and writes the new handle to `*out`.
///
/// The engine keeps its own copy of the plan: `plan` may be freed
/// afterwards. Returns `CX_STATUS_NULL_ARGUMENT`, or `CX_STATUS_INVALID_PLAN`
/// when the plan has validation errors (the last error lists every error
/// diagnostic, one per line: path, code, message; its path is the first
/// one's). `*out` is written only on success; free the handle with
/// `cx_engine_free`. Thread-safe (the plan is only read).
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_new(
    plan: *const cx_plan,
    out_engine: *mut *mut cx_engine,
) -> cx_status {
    guard(|| {
        let out_engine = out(out_engine, "out")?;
        // SAFETY: per the contract.
        let plan = unsafe { arg(plan, "plan") }?;
        let engine = Engine::new(plan.plan.clone()).map_err(|e| engine_failure(&e))?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { out_engine.write(cx_engine::boxed(engine)) };
        Ok(())
    })
}

/// As `cx_engine_new`, with settings: `config_json` (UTF-8, `config_len`
/// bytes) is an `EngineConfig` document, e.g.
/// `{"cube": {"dimensions": ["segment", "team"], "granularity": "month"},
/// "limits": {"maxErrorsListed": 100}}` (every field optional).
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8`,
/// `CX_STATUS_PARSE_ERROR` (malformed config), `CX_STATUS_INVALID_PLAN`, or
/// `CX_STATUS_INVALID_ARGUMENT` (the cube names a dimension the plan does
/// not have; code `unknown-dimension`). `*out` is written only on success.
/// Thread-safe.
///
/// # Safety
/// `plan` is NULL or a live handle; `config_json` is NULL or readable for
/// `config_len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_new_with_config(
    plan: *const cx_plan,
    config_json: *const c_char,
    config_len: usize,
    out_engine: *mut *mut cx_engine,
) -> cx_status {
    guard(|| {
        let out_engine = out(out_engine, "out")?;
        // SAFETY: per the contract.
        let plan = unsafe { arg(plan, "plan") }?;
        // SAFETY: per the contract.
        let config: EngineConfig = document("engine config", unsafe {
            text(config_json, config_len, "config_json")
        }?)?;
        let engine =
            Engine::with_config(plan.plan.clone(), config).map_err(|e| engine_failure(&e))?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { out_engine.write(cx_engine::boxed(engine)) };
        Ok(())
    })
}

/// Ingests a JSON document (`len` bytes of UTF-8): an array of records or
/// one record (customer responses, and `"kind": "employee" | "audit" |
/// "kpi"` records), and writes the ingest report to `*report_out`:
/// `{"total", "accepted", "rejected", "errors": [...], "errorsNotListed",
/// "alerts": [...]}`. A bad record is rejected in the report (with its
/// JSON Pointer, e.g. `/3/nps`) and changes nothing; that is not a call
/// failure.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8`,
/// `CX_STATUS_PARSE_ERROR` when the text is not JSON at all (nothing is
/// ingested), `CX_STATUS_MEMORY_LIMIT` (the cells would pass
/// `limits.maxCellBytes`) or `CX_STATUS_OVERFLOW` (the records of a kind
/// would pass 2^53); nothing of a failed call is kept. `*report_out` is
/// written only on success; free it with
/// `cx_buffer_free`. Mutates the engine: waits for other calls on it.
///
/// # Safety
/// `engine` is NULL or a live handle; `json` is NULL or readable for `len`
/// bytes; `report_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_ingest_json(
    engine: *mut cx_engine,
    json: *const c_char,
    len: usize,
    report_out: *mut cx_buffer,
) -> cx_status {
    let body = |engine: &cx_engine| {
        // SAFETY: per the contract.
        let text = unsafe { text(json, len, "json") }?;
        let report = engine.write()?.ingest_json(text).map_err(|e| match e {
            IngestError::Parse(ref p) => {
                Failure::new(ErrorCode::ParseError, p.pointer.clone(), e.to_string())
            }
            e => Failure::new(e.code(), "", e.to_string()),
        })?;
        Ok(report)
    };
    // SAFETY: per the contract.
    unsafe { json_call(engine, report_out, "report_out", body) }
}

/// Ingests JSON Lines (`len` bytes; one record per line, blank lines
/// skipped) and writes the ingest report (see `cx_engine_ingest_json`) to
/// `*report_out`; errors carry 1-based line numbers. The bytes need not be
/// UTF-8 as a whole: a line that is not UTF-8 is rejected in the report.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_MEMORY_LIMIT` (the cells
/// would pass `limits.maxCellBytes`) or `CX_STATUS_OVERFLOW` (the records
/// of a kind would pass 2^53); nothing of a failed call is kept.
/// `*report_out` is written only on success. Mutates the engine: waits for
/// other calls on it.
///
/// # Safety
/// `engine` is NULL or a live handle; `text` is NULL or readable for `len`
/// bytes; `report_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_ingest_json_lines(
    engine: *mut cx_engine,
    text: *const c_char,
    len: usize,
    report_out: *mut cx_buffer,
) -> cx_status {
    let body = |engine: &cx_engine| {
        // SAFETY: per the contract.
        let text = unsafe { bytes(text, len, "text") }?;
        let report = engine
            .write()?
            .ingest_json_lines(text)
            .map_err(|e| Failure::limit(&e))?;
        Ok(report)
    };
    // SAFETY: per the contract.
    unsafe { json_call(engine, report_out, "report_out", body) }
}

/// Ingests CSV (`csv_len` bytes, with a header row) through a column
/// mapping (`mapping_json`, a `CsvMapping` document of `mapping_len` bytes)
/// and writes the ingest report to `*report_out`; a bad row is rejected in
/// the report with its line, field number and column name.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8` (mapping),
/// `CX_STATUS_PARSE_ERROR` (malformed mapping) or `CX_STATUS_MAPPING_ERROR`
/// (the mapping names a column the header lacks or an id the plan lacks;
/// nothing is ingested), `CX_STATUS_MEMORY_LIMIT` or `CX_STATUS_OVERFLOW`
/// (the customer responses would pass 2^53; nothing of the call is kept).
/// `*report_out` is written only on success. Mutates the engine: waits for
/// other calls on it.
///
/// # Safety
/// `engine` is NULL or a live handle; `csv` and `mapping_json` are NULL or
/// readable for their lengths; `report_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_ingest_csv(
    engine: *mut cx_engine,
    csv: *const c_char,
    csv_len: usize,
    mapping_json: *const c_char,
    mapping_len: usize,
    report_out: *mut cx_buffer,
) -> cx_status {
    let body = |engine: &cx_engine| {
        // SAFETY: per the contract.
        let csv = unsafe { bytes(csv, csv_len, "csv") }?;
        // SAFETY: per the contract.
        let mapping = unsafe { text(mapping_json, mapping_len, "mapping_json") }?;
        let mapping = CsvMapping::from_json(mapping).map_err(|e| mapping_failure(&e))?;
        let report = engine
            .write()?
            .ingest_csv(csv, &mapping)
            .map_err(|e| mapping_failure(&e))?;
        Ok(report)
    };
    // SAFETY: per the contract.
    unsafe { json_call(engine, report_out, "report_out", body) }
}

/// Runs a query (`query_json`, `len` bytes: SPEC §5.4, e.g.
/// `{"metrics": ["nps"], "groupBy": ["segment"]}`; `{}` for every metric
/// overall) and writes the scorecard JSON to `*scorecard_out`.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8`,
/// `CX_STATUS_PARSE_ERROR` (malformed query) or `CX_STATUS_QUERY_ERROR`
/// (unknown metric or dimension, a dimension the cube does not keep, an
/// invalid level; the last error's path points into the query).
/// `*scorecard_out` is written only on success. Read-only: runs
/// concurrently with other `const cx_engine *` calls on the same engine.
///
/// # Safety
/// `engine` is NULL or a live handle; `query_json` is NULL or readable for
/// `len` bytes; `scorecard_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_query(
    engine: *const cx_engine,
    query_json: *const c_char,
    len: usize,
    scorecard_out: *mut cx_buffer,
) -> cx_status {
    let body = |engine: &cx_engine| {
        // SAFETY: per the contract.
        let query = unsafe { text(query_json, len, "query_json") }?;
        let query = Query::from_json(query).map_err(|e| query_failure(&e))?;
        let card = engine
            .read()?
            .query(&query)
            .map_err(|e| query_failure(&e))?;
        Ok(card)
    };
    // SAFETY: per the contract.
    unsafe { json_call(engine, scorecard_out, "scorecard_out", body) }
}

/// Runs the two-sample tests between two selections (Δ = a − b) and
/// writes the comparison JSON (`{"level", "nps", "enps", "csat", "ces",
/// "npsSignificant"}`) to `*comparison_out`. `request_json` (`len` bytes)
/// is a `CompareRequest` document (`schema/compareRequest.schema.json`),
/// `{"a": SELECTION, "b": SELECTION, "level": 0.95, "npsMethod":
/// "adjustedWald"}` where a selection is `{"filters": {...}, "from":
/// "YYYY-MM-DD", "to": "YYYY-MM-DD"}`; `level` and `npsMethod` (`wald`,
/// `adjustedWald`, `score`) are optional.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8`,
/// `CX_STATUS_PARSE_ERROR` or `CX_STATUS_QUERY_ERROR`. `*comparison_out` is
/// written only on success. Read-only: runs concurrently with other
/// `const cx_engine *` calls.
///
/// # Safety
/// `engine` is NULL or a live handle; `request_json` is NULL or readable
/// for `len` bytes; `comparison_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_compare(
    engine: *const cx_engine,
    request_json: *const c_char,
    len: usize,
    comparison_out: *mut cx_buffer,
) -> cx_status {
    let body = |engine: &cx_engine| {
        // SAFETY: per the contract.
        let request = unsafe { text(request_json, len, "request_json") }?;
        let request: CompareRequest = document("comparison request", request)?;
        let cmp = engine
            .read()?
            .compare_request(&request)
            .map_err(|e| query_failure(&e))?;
        Ok(cmp)
    };
    // SAFETY: per the contract.
    unsafe { json_call(engine, comparison_out, "comparison_out", body) }
}

/// Writes the alerts the engine keeps to `*alerts_out` as a JSON array,
/// oldest first: the newest `limits.maxAlertsKept` of every alert raised
/// (listed in a report or not), by `at`, then record id (absent first),
/// then reason — the same however the data arrived (one call or several,
/// merges in any order, a restored snapshot). Each ingest report already
/// lists the alerts its call raised; this is the backlog. Returns
/// `CX_STATUS_NULL_ARGUMENT`. Read-only.
///
/// # Safety
/// `engine` is NULL or a live handle; `alerts_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_alerts(
    engine: *const cx_engine,
    alerts_out: *mut cx_buffer,
) -> cx_status {
    let body = |engine: &cx_engine| {
        let alerts = engine.read()?.alerts();
        Ok(alerts)
    };
    // SAFETY: per the contract.
    unsafe { json_call(engine, alerts_out, "alerts_out", body) }
}

/// An engine's footprint (`cx_engine_stats`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct cx_stats {
    /// Cells held (customer responses, employee responses, audits, KPIs).
    pub cells: u64,
    /// Heap bytes the cell store owns (cells, keys, indexes, packed rows,
    /// interned values).
    pub bytes: u64,
    /// Records filed.
    pub rows: u64,
    /// Of those, the customer and employee responses filed with a survey
    /// weight other than 1.
    pub weighted_rows: u64,
}

/// Writes the engine's footprint to `*stats_out`. Returns
/// `CX_STATUS_NULL_ARGUMENT`; `*stats_out` is written only on success.
/// Read-only.
///
/// # Safety
/// `engine` is NULL or a live handle; `stats_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_stats(
    engine: *const cx_engine,
    stats_out: *mut cx_stats,
) -> cx_status {
    guard(|| {
        let out_stats = out(stats_out, "stats_out")?;
        // SAFETY: per the contract.
        let engine = unsafe { arg(engine, "engine") }?;
        let s = engine.read()?.stats();
        let stats = cx_stats {
            cells: s.cells,
            bytes: s.bytes,
            rows: s.rows,
            weighted_rows: s.weighted_rows,
        };
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { out_stats.write(stats) };
        Ok(())
    })
}

/// Writes the engine's statistics as the compact snapshot stream (version
/// 4: binary, `len` bytes ending with a CRC-32 of every byte before it, a
/// few bytes a response where a JSON snapshot takes about 1.5 KB a cell)
/// to `*stream_out`; `cx_engine_restore` reads
/// it back, on any machine. Returns `CX_STATUS_NULL_ARGUMENT`. Read-only.
///
/// # Safety
/// `engine` is NULL or a live handle; `stream_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_snapshot_stream(
    engine: *const cx_engine,
    stream_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        let out_buf = out(stream_out, "stream_out")?;
        // SAFETY: per the contract.
        let engine = unsafe { arg(engine, "engine") }?;
        let mut bytes = Vec::new();
        engine.read()?.write_snapshot(&mut bytes).map_err(|e| {
            Failure::internal(format!("internal error: cannot write the stream: {e}"))
        })?;
        // SAFETY: checked non-NULL; writable per the contract; `cx_buffer`
        // has no destructor.
        unsafe { out_buf.write(cx_buffer::from_vec(bytes)) };
        Ok(())
    })
}

/// Writes the snapshot stream (as `cx_engine_snapshot_stream`) to the file
/// at `path` (UTF-8, NUL-terminated), atomically: a temporary file in the
/// same directory is written, flushed to disk and renamed over `path`, then
/// the directory is flushed. Whatever fails, `path` holds its old contents
/// or the complete new snapshot, never part of one; `cx_engine_restore`
/// reads the file's bytes back.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8`, or
/// `CX_STATUS_WRITE_ERROR` (code `write-error`; the last error says why and
/// that the file was not changed, e.g. `"cannot write /d/s.snap: No space
/// left on device (os error 28); /d/s.snap was not changed"`). A process
/// killed while writing leaves a `.NAME.PID-N.cx-tmp` file beside the
/// target (the target is intact). Read-only.
///
/// # Safety
/// `engine` is NULL or a live handle; `path` is NULL or a NUL-terminated
/// string.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_snapshot_file(
    engine: *const cx_engine,
    path: *const c_char,
) -> cx_status {
    guard(|| {
        // SAFETY: per the contract.
        let engine = unsafe { arg(engine, "engine") }?;
        // SAFETY: per the contract.
        let path = unsafe { c_str(path, "path") }?;
        engine
            .read()?
            .write_snapshot_file(path)
            .map_err(|e| Failure::new(e.code(), "", e.to_string()))
    })
}

/// Writes a snapshot of the engine's statistics (a versioned JSON
/// document holding the plan, the settings and the cells, never the rows)
/// to `*snapshot_out`; `cx_engine_restore` reads it back, on any machine.
/// Returns `CX_STATUS_NULL_ARGUMENT`. Read-only.
///
/// # Safety
/// `engine` is NULL or a live handle; `snapshot_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_snapshot(
    engine: *const cx_engine,
    snapshot_out: *mut cx_buffer,
) -> cx_status {
    let body = |engine: &cx_engine| {
        let snapshot = engine.read()?.snapshot();
        Ok(snapshot)
    };
    // SAFETY: per the contract.
    unsafe { json_call(engine, snapshot_out, "snapshot_out", body) }
}

/// Rebuilds an engine from a snapshot (`len` bytes of JSON from
/// `cx_engine_snapshot`) and writes the new handle to `*out`, with the
/// alerts the snapshot keeps.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_UTF8`,
/// `CX_STATUS_PARSE_ERROR` (not a snapshot document), or
/// `CX_STATUS_INVALID_SNAPSHOT` (wrong format or version, inconsistent
/// contents; the last error's path points at the problem). `*out` is
/// written only on success; free it with `cx_engine_free`. Thread-safe.
///
/// # Safety
/// `snapshot_json` is NULL or readable for `len` bytes; `out` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_restore(
    snapshot_json: *const c_char,
    len: usize,
    out_engine: *mut *mut cx_engine,
) -> cx_status {
    guard(|| {
        let out_engine = out(out_engine, "out")?;
        // SAFETY: per the contract.
        let raw = unsafe { bytes(snapshot_json, len, "snapshot_json") }?;
        let restored = if raw.starts_with(b"CXSNAP") {
            Engine::read_snapshot(raw)
        } else {
            // SAFETY: per the contract.
            let text = unsafe { text(snapshot_json, len, "snapshot_json") }?;
            let snapshot: Snapshot = document("snapshot", text)?;
            Engine::restore(snapshot)
        };
        let engine = restored.map_err(|e| {
            let f = engine_failure(&e);
            if f.status == cx_status::InvalidPlan {
                // The plan inside a snapshot is part of the snapshot.
                f.with_status(cx_status::InvalidSnapshot)
            } else {
                f
            }
        })?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { out_engine.write(cx_engine::boxed(engine)) };
        Ok(())
    })
}

/// Merges the statistics (and kept alerts) of `from` into `into`: `into`
/// then answers every query as one engine that ingested both inputs.
/// Both must have the same plan and settings.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_ARGUMENT` when
/// both are the same handle, or `CX_STATUS_INCOMPATIBLE` (different plans
/// or cubes, a KPI total that would overflow, or a dimension that would
/// exceed `limits.maxDistinctValues` of `into`, code `too-many-values`;
/// `into` is unchanged). Mutates `into` and reads `from`: waits
/// for other calls on either; concurrent merges in opposite directions do
/// not deadlock.
///
/// # Safety
/// `into` and `from` are NULL or live handles.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_merge(
    into: *mut cx_engine,
    from: *const cx_engine,
) -> cx_status {
    guard(|| {
        // SAFETY: per the contract.
        let into = unsafe { arg(into, "into") }?;
        // SAFETY: per the contract.
        let from = unsafe { arg(from, "from") }?;
        if std::ptr::eq(into, from) {
            return Err(Failure::new(
                ErrorCode::InvalidArgument,
                "",
                "cannot merge an engine into itself",
            ));
        }
        // Lock in address order so that opposite merges cannot deadlock.
        let result = if (into as *const cx_engine) < (from as *const cx_engine) {
            let mut a = into.write()?;
            let b = from.read()?;
            a.merge(&b)
        } else {
            let b = from.read()?;
            let mut a = into.write()?;
            a.merge(&b)
        };
        result.map_err(|e| engine_failure(&e))
    })
}

/// Frees an engine. NULL does nothing. Must not race with any other call on
/// the same engine.
///
/// # Safety
/// `engine` is NULL or a handle from this library not freed before.
#[no_mangle]
pub unsafe extern "C" fn cx_engine_free(engine: *mut cx_engine) {
    crate::boundary::guard_value((), || {
        if !engine.is_null() {
            // SAFETY: created by `Box::into_raw` in this module.
            drop(unsafe { Box::from_raw(engine) });
        }
    })
}
