//! `cx_json_lines_feed`: JSON Lines pushed in pieces split anywhere (a
//! socket, a pipe, an export arriving in packets), each piece's complete
//! lines filed as it arrives.

use std::ffi::c_char;

use cx_core::engine::JsonLinesFeed;

use crate::boundary::{arg, bytes, guard, out};
use crate::buffer::{cx_buffer, write_json};
use crate::engine::cx_engine;
use cx_core::error::ErrorCode;

use crate::status::{cx_status, Failure};

/// JSON Lines fed in pieces (opaque): the lines each push completes are
/// filed at once; the finished feed's report equals
/// `cx_engine_ingest_json_lines` of the whole input. Memory holds one
/// unfinished line at most (a line over `limits.maxLineBytes` is counted
/// and rejected without being kept). Not thread-safe: use a feed from one
/// thread at a time, always with the same engine.
#[allow(non_camel_case_types)]
pub struct cx_json_lines_feed {
    /// `None` once finished.
    feed: Option<JsonLinesFeed>,
}

fn finished() -> Failure {
    Failure::new(
        ErrorCode::FinishedFeed,
        "",
        "this feed was finished (cx_json_lines_feed_finish): free it and create another",
    )
}

/// The state behind a non-NULL handle (`None` once finished).
///
/// # Safety
/// `feed` is NULL or a live handle, used by this thread alone.
unsafe fn state<'a>(
    feed: *mut cx_json_lines_feed,
) -> Result<&'a mut Option<JsonLinesFeed>, Failure> {
    // SAFETY: NULL or live and unshared, per the caller.
    let handle = unsafe { feed.as_mut() }.ok_or_else(|| Failure::null("feed"))?;
    Ok(&mut handle.feed)
}

/// Creates a feed at the start of an input (line 1) and writes the handle
/// to `*feed_out`; free it with `cx_json_lines_feed_free`.
///
/// Returns `CX_STATUS_NULL_ARGUMENT` only; `*feed_out` is written only on
/// success.
///
/// # Safety
/// `feed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_json_lines_feed_new(
    feed_out: *mut *mut cx_json_lines_feed,
) -> cx_status {
    guard(|| {
        let feed_out = out(feed_out, "feed_out")?;
        let feed = Box::into_raw(Box::new(cx_json_lines_feed {
            feed: Some(JsonLinesFeed::new()),
        }));
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { feed_out.write(feed) };
        Ok(())
    })
}

/// Feeds the next `len` bytes (split anywhere, even inside a character):
/// files the lines they complete into `engine` and, when `report_out` is
/// not NULL, writes the report of those lines (JSON, as
/// `cx_engine_ingest_json_lines`; positions count from the start of the
/// input; its alerts are due now).
///
/// Returns `CX_STATUS_NULL_ARGUMENT` (`feed`, `engine`, or `bytes`; `bytes`
/// may be NULL when `len` is 0), `CX_STATUS_INVALID_ARGUMENT` (code
/// `finished-feed`: the feed was finished), `CX_STATUS_MEMORY_LIMIT`
/// (the cells would pass `limits.maxCellBytes`) or `CX_STATUS_OVERFLOW`
/// (the records of a kind would pass 2^53): nothing of this push is kept,
/// and the feed is spent. Mutates the engine: waits for other calls
/// on it.
///
/// # Safety
/// `feed` is NULL or a live handle used by this thread alone; `engine` is
/// NULL or a live handle; `bytes` is NULL or readable for `len` bytes;
/// `report_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_json_lines_feed_push(
    feed: *mut cx_json_lines_feed,
    engine: *mut cx_engine,
    bytes_in: *const c_char,
    len: usize,
    report_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        // SAFETY: per the contract.
        let feed = unsafe { state(feed) }?.as_mut().ok_or_else(finished)?;
        // SAFETY: per the contract.
        let engine = unsafe { arg(engine, "engine") }?;
        let piece: &[u8] = if bytes_in.is_null() && len == 0 {
            &[]
        } else {
            // SAFETY: per the contract.
            unsafe { bytes(bytes_in, len, "bytes") }?
        };
        let mut engine = engine.write()?;
        let report = feed
            .push(&mut engine, piece)
            .map_err(|e| Failure::limit(&e))?;
        if report_out.is_null() {
            return Ok(());
        }
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(report_out, &report) }
    })
}

/// Ends the input: files its last line (one without a final newline) and
/// writes the report of the whole input (every push included) to
/// `*report_out`. The feed is finished: any later push or finish fails
/// with `finished-feed`; it still needs `cx_json_lines_feed_free`.
///
/// Returns `CX_STATUS_NULL_ARGUMENT`, `CX_STATUS_INVALID_ARGUMENT`
/// (`finished-feed`), `CX_STATUS_MEMORY_LIMIT` (the feed passed
/// `limits.maxCellBytes`) or `CX_STATUS_OVERFLOW` (2^53 records of a
/// kind). `*report_out` is written only on success; on a
/// NULL argument the feed is not finished. Mutates the engine.
///
/// # Safety
/// As `cx_json_lines_feed_push`; `report_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cx_json_lines_feed_finish(
    feed: *mut cx_json_lines_feed,
    engine: *mut cx_engine,
    report_out: *mut cx_buffer,
) -> cx_status {
    guard(|| {
        let out_buf = out(report_out, "report_out")?;
        // SAFETY: per the contract.
        let feed = unsafe { state(feed) }?;
        // SAFETY: per the contract.
        let engine = unsafe { arg(engine, "engine") }?;
        let mut engine = engine.write()?;
        let report = feed
            .take()
            .ok_or_else(finished)?
            .finish(&mut engine)
            .map_err(|e| Failure::limit(&e))?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { write_json(out_buf, &report) }
    })
}

/// The 1-based line of the input the next byte belongs to (0 for NULL or
/// a finished feed). Only reads the feed.
///
/// # Safety
/// `feed` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn cx_json_lines_feed_line(feed: *const cx_json_lines_feed) -> u64 {
    crate::boundary::guard_value(0, || {
        // SAFETY: NULL or live per the contract.
        unsafe { feed.as_ref() }
            .and_then(|f| f.feed.as_ref())
            .map_or(0, |f| f.line() as u64)
    })
}

/// Frees a feed (finished or not: lines not yet filed are dropped). NULL
/// does nothing.
///
/// # Safety
/// `feed` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cx_json_lines_feed_free(feed: *mut cx_json_lines_feed) {
    crate::boundary::guard_value((), || {
        if !feed.is_null() {
            // SAFETY: from Box::into_raw in cx_json_lines_feed_new, freed once.
            drop(unsafe { Box::from_raw(feed) });
        }
    })
}
