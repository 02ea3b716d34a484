//! Checked counts through the C ABI (issue 16, item 4): every C ingest
//! call that would take an engine's customer responses past 2^53 returns
//! `CX_STATUS_OVERFLOW` with the code `overflow`, and the engine's snapshot
//! is byte for byte what it was; a call that reaches exactly 2^53 succeeds
//! and its snapshot restores.

use std::ffi::CStr;

use cx_core::engine::{Engine, Snapshot, MAX_SNAPSHOT_COUNT};
use cx_core::plan::Plan;
use cx_ffi::*;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;
const MAX: u64 = MAX_SNAPSHOT_COUNT;
/// Rows per call.
const N: u64 = 3;
/// 2026-03-05T10:00:00Z.
const AT: i64 = 1_772_704_800;

/// The JSON snapshot of an engine holding `total` customer responses in
/// one cell (a real snapshot, its count edited and sealed again).
fn snapshot_with(total: u64) -> String {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    e.ingest_json_lines(b"{\"at\": \"2026-03-05T10:00:00Z\", \"segment\": \"a\", \"nps\": 9}\n")
        .unwrap();
    let mut v = serde_json::to_value(e.snapshot()).unwrap();
    v["responses"][0][1]["responses"] = total.into();
    let mut s: Snapshot = serde_json::from_value(v).unwrap();
    s.seal();
    serde_json::to_string(&s).unwrap()
}

fn buffer() -> cx_buffer {
    cx_buffer {
        ptr: std::ptr::null_mut(),
        len: 0,
    }
}

/// A C engine restored from `snapshot`.
fn restore(snapshot: &str) -> *mut cx_engine {
    let mut engine = std::ptr::null_mut();
    // SAFETY: a readable buffer of its length and a writable out-pointer.
    let status =
        unsafe { cx_engine_restore(snapshot.as_ptr().cast(), snapshot.len(), &mut engine) };
    assert_eq!(status, cx_status::Ok);
    engine
}

/// The engine's snapshot document, as `cx_engine_snapshot` writes it.
fn snapshot_of(engine: *const cx_engine) -> String {
    let mut buf = buffer();
    // SAFETY: a live engine and a writable buffer, freed here.
    unsafe {
        assert_eq!(cx_engine_snapshot(engine, &mut buf), cx_status::Ok);
        let s = CStr::from_ptr(buf.ptr).to_str().unwrap().to_string();
        cx_buffer_free(&mut buf);
        s
    }
}

fn json_lines() -> String {
    (0..N)
        .map(|i| {
            format!("{{\"at\": \"2026-03-05T11:00:00Z\", \"segment\": \"a\", \"nps\": {i}}}\n")
        })
        .collect()
}

/// A C ingest call over an engine, returning its status.
type Call = fn(*mut cx_engine) -> cx_status;

/// The C ingest calls, each filing the same `N` customer responses.
fn calls() -> Vec<(&'static str, Call)> {
    vec![
        ("cx_engine_ingest_json_lines", |e| {
            let text = json_lines();
            let mut buf = buffer();
            // SAFETY: a live engine, a readable text, a writable buffer.
            unsafe {
                let s = cx_engine_ingest_json_lines(e, text.as_ptr().cast(), text.len(), &mut buf);
                cx_buffer_free(&mut buf);
                s
            }
        }),
        ("cx_engine_ingest_json", |e| {
            let lines = json_lines();
            let text = format!("[{}]", lines.lines().collect::<Vec<_>>().join(","));
            let mut buf = buffer();
            // SAFETY: as above.
            unsafe {
                let s = cx_engine_ingest_json(e, text.as_ptr().cast(), text.len(), &mut buf);
                cx_buffer_free(&mut buf);
                s
            }
        }),
        ("cx_engine_ingest_csv", |e| {
            let csv = "date,segment,nps\n2026-03-05,a,1\n2026-03-05,a,2\n2026-03-05,a,3\n";
            let mapping = r#"{"at": {"column": "date", "format": "date"}, "dimensions": {"segment": "segment"}, "nps": "nps"}"#;
            let mut buf = buffer();
            // SAFETY: as above.
            unsafe {
                let s = cx_engine_ingest_csv(
                    e,
                    csv.as_ptr().cast(),
                    csv.len(),
                    mapping.as_ptr().cast(),
                    mapping.len(),
                    &mut buf,
                );
                cx_buffer_free(&mut buf);
                s
            }
        }),
        ("cx_json_lines_feed_push", |e| {
            let text = json_lines();
            let mut feed = std::ptr::null_mut();
            let mut buf = buffer();
            // SAFETY: a live feed and engine, a readable text, a writable
            // buffer; the feed is freed here.
            unsafe {
                assert_eq!(cx_json_lines_feed_new(&mut feed), cx_status::Ok);
                let mut s =
                    cx_json_lines_feed_push(feed, e, text.as_ptr().cast(), text.len(), &mut buf);
                cx_buffer_free(&mut buf);
                if s == cx_status::Ok {
                    s = cx_json_lines_feed_finish(feed, e, &mut buf);
                    cx_buffer_free(&mut buf);
                }
                cx_json_lines_feed_free(feed);
                s
            }
        }),
        ("cx_engine_ingest_responses", |e| {
            let rows = rows();
            let mut buf = buffer();
            // SAFETY: a live engine, `rows` valid for its length.
            unsafe {
                let s = cx_engine_ingest_responses(e, rows.as_ptr(), rows.len(), &mut buf);
                cx_buffer_free(&mut buf);
                s
            }
        }),
        ("cx_engine_ingest_rows", |e| {
            let rows = rows();
            let mut result = std::ptr::null_mut();
            // SAFETY: as above; the result is freed here (NULL on failure).
            unsafe {
                let s = cx_engine_ingest_rows(e, rows.as_ptr(), rows.len(), &mut result);
                cx_ingest_result_free(result);
                s
            }
        }),
    ]
}

fn rows() -> Vec<cx_response> {
    (0..N)
        .map(|i| {
            let mut r = cx_response::empty();
            r.at = AT + 3_600;
            r.segment = c"a".as_ptr();
            r.nps = i as i16;
            r
        })
        .collect()
}

#[test]
fn every_c_ingest_call_past_2_53_is_overflow_and_changes_nothing() {
    for (name, call) in calls() {
        let engine = restore(&snapshot_with(MAX - N + 1));
        let before = snapshot_of(engine);
        assert_eq!(call(engine), cx_status::Overflow, "{name}");
        // SAFETY: the last-error strings are NUL-terminated and live until
        // the next failing call on this thread.
        let (code, message) = unsafe {
            (
                CStr::from_ptr(cx_last_error_code()).to_str().unwrap(),
                CStr::from_ptr(cx_last_error_message()).to_str().unwrap(),
            )
        };
        assert_eq!(code, "overflow", "{name}");
        assert!(
            message.contains("customer responses") && message.contains("2^53"),
            "{name}: {message}"
        );
        assert!(snapshot_of(engine) == before, "{name}: the engine changed");
        // SAFETY: a live handle, freed once.
        unsafe { cx_engine_free(engine) };

        let engine = restore(&snapshot_with(MAX - N));
        assert_eq!(call(engine), cx_status::Ok, "{name}");
        let after = restore(&snapshot_of(engine));
        assert!(snapshot_of(after) == snapshot_of(engine), "{name}");
        // SAFETY: live handles, each freed once.
        unsafe {
            cx_engine_free(after);
            cx_engine_free(engine);
        }
    }
}
