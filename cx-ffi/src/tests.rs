//! Unit tests calling every export from Rust (no I/O, no libc: Miri-able).

use std::ffi::{c_char, CStr};
use std::ptr;

use crate::*;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"},
  "attributes": [{"id": "courtesy", "label": "Courtesy", "scale": {"min": 1, "max": 5}}],
  "dimensions": [{"id": "region", "label": "Region"}]}"#;

fn c(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

fn text(b: &cx_buffer) -> String {
    assert!(!b.ptr.is_null());
    // SAFETY: the library NUL-terminates every buffer.
    let s = unsafe { CStr::from_ptr(b.ptr) }
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(s.len(), b.len);
    s
}

fn take(mut b: cx_buffer) -> serde_json::Value {
    let v = serde_json::from_str(&text(&b)).unwrap();
    // SAFETY: filled by the library.
    unsafe { cx_buffer_free(&mut b) };
    assert!(b.ptr.is_null() && b.len == 0);
    v
}

fn empty() -> cx_buffer {
    cx_buffer {
        ptr: ptr::null_mut(),
        len: 0,
    }
}

fn last(f: extern "C" fn() -> *const c_char) -> String {
    // SAFETY: never NULL, NUL-terminated.
    unsafe { CStr::from_ptr(f()) }.to_str().unwrap().to_owned()
}

fn plan() -> *mut cx_plan {
    let mut p = ptr::null_mut();
    let (s, n) = c(PLAN);
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_plan_new(s, n, &mut p) }, cx_status::Ok);
    p
}

fn engine() -> *mut cx_engine {
    let p = plan();
    let mut e = ptr::null_mut();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_engine_new(p, &mut e) }, cx_status::Ok);
    // SAFETY: from cx_plan_new; the engine keeps its own copy.
    unsafe { cx_plan_free(p) };
    e
}

/// 2 detractors, 3 passives, 5 promoters: NPS = (5 − 2)/10 = 30.
const NPS: [i16; 10] = [0, 6, 7, 8, 8, 9, 9, 10, 10, 10];

#[test]
fn version_and_status_strings() {
    // SAFETY: static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(cx_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    for (s, want) in [
        (0, "ok"),
        (3, "parse error"),
        (10, "internal error (panic)"),
        (99, "unknown status"),
        (-1, "unknown status"),
    ] {
        // SAFETY: static NUL-terminated string.
        assert_eq!(
            unsafe { CStr::from_ptr(cx_status_str(s)) }
                .to_str()
                .unwrap(),
            want
        );
    }
}

#[test]
fn plan_parse_validate_trace_and_errors() {
    let p = plan();
    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_plan_validate(p, &mut b) }, cx_status::Ok);
    assert!(take(b)["diagnostics"].is_array());
    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_plan_trace(p, &mut b) }, cx_status::Ok);
    assert!(take(b).is_object());
    // NULL arguments.
    // SAFETY: NULLs are allowed.
    unsafe {
        assert_eq!(
            cx_plan_validate(ptr::null(), &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_plan_validate(p, ptr::null_mut()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_plan_trace(ptr::null(), &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_plan_new(ptr::null(), 0, &mut ptr::null_mut()),
            cx_status::NullArgument
        );
        assert_eq!(last(cx_last_error_code), "null-argument");
        cx_plan_free(ptr::null_mut());
        cx_plan_free(p);
    }
    // Malformed JSON: parse error with line and path; out untouched.
    let mut out = ptr::null_mut();
    let (s, n) = c("{\"schemaVersion\": 1,\n \"organization\": {\"name\": 7}}");
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_plan_new(s, n, &mut out) },
        cx_status::ParseError
    );
    assert!(out.is_null());
    assert_eq!(last(cx_last_error_code), "parse-error");
    assert_eq!(last(cx_last_error_path), "/organization/name");
    assert!(last(cx_last_error_message).contains("line 2"));
    // Bad UTF-8.
    let bad = b"{\"a\": \"\xff\"}";
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_plan_new(bad.as_ptr().cast(), bad.len(), &mut out) },
        cx_status::InvalidUtf8
    );
    assert_eq!(last(cx_last_error_code), "invalid-utf8");
}

#[test]
fn invalid_plan_loads_but_engine_refuses_it() {
    let (s, n) = c(r#"{"schemaVersion": 1, "organization": {"name": "Acme"},
      "attributes": [{"id": "a", "label": "A", "scale": {"min": 5, "max": 1}}]}"#);
    let mut p = ptr::null_mut();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_plan_new(s, n, &mut p) }, cx_status::Ok);
    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_plan_validate(p, &mut b) }, cx_status::Ok);
    let d = take(b);
    assert!(d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["severity"] == "error"));
    let mut e = ptr::null_mut();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_engine_new(p, &mut e) }, cx_status::InvalidPlan);
    assert!(e.is_null());
    assert_eq!(last(cx_last_error_code), "invalid-plan");
    assert!(last(cx_last_error_message).contains("errors:"));
    let (cfg, cn) = c("{}");
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_new_with_config(p, cfg, cn, &mut e) },
        cx_status::InvalidPlan
    );
    // SAFETY: from cx_plan_new.
    unsafe { cx_plan_free(p) };
}

#[test]
fn config_errors() {
    let p = plan();
    let mut e = ptr::null_mut();
    let (s, n) = c(r#"{"cube": {"dimensions": ["segment"], "granularity": "month"}}"#);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_new_with_config(p, s, n, &mut e) },
        cx_status::Ok
    );
    // SAFETY: from this library.
    unsafe { cx_engine_free(e) };
    let mut e = ptr::null_mut();
    let (s, n) = c(r#"{"cube": {"dimensions": ["planet"]}}"#);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_new_with_config(p, s, n, &mut e) },
        cx_status::InvalidArgument
    );
    assert_eq!(last(cx_last_error_code), "unknown-dimension");
    let (s, n) = c(r#"{"cube": {"granularity": "fortnight"}}"#);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_new_with_config(p, s, n, &mut e) },
        cx_status::ParseError
    );
    assert_eq!(last(cx_last_error_path), "/cube/granularity");
    assert!(e.is_null());
    // SAFETY: NULLs allowed.
    unsafe {
        assert_eq!(
            cx_engine_new_with_config(p, ptr::null(), 0, &mut e),
            cx_status::NullArgument
        );
        assert_eq!(cx_engine_new(ptr::null(), &mut e), cx_status::NullArgument);
        assert_eq!(cx_engine_new(p, ptr::null_mut()), cx_status::NullArgument);
        cx_plan_free(p);
    }
}

fn row(nps: i16) -> cx_response {
    let mut r = cx_response::empty();
    r.at = 1_772_323_200; // 2026-03-01
    r.nps = nps;
    r
}

#[test]
fn ingest_responses_query_round_trip() {
    let e = engine();
    let ids: Vec<String> = (0..10).map(|i| format!("call-{i}\0")).collect();
    let seg = "retail\0";
    let courtesy = [cx_attribute {
        id: c"courtesy".as_ptr(),
        value: 4,
    }];
    let region = [cx_dimension {
        id: c"region".as_ptr(),
        value: c"west".as_ptr(),
    }];
    let mut rows: Vec<cx_response> = NPS
        .iter()
        .zip(&ids)
        .map(|(&n, id)| {
            let mut r = row(n);
            r.id = id.as_ptr().cast();
            r.segment = seg.as_ptr().cast();
            r.attributes = courtesy.as_ptr();
            r.attributes_len = 1;
            r.dimensions = region.as_ptr();
            r.dimensions_len = 1;
            r
        })
        .collect();
    // Bad rows: an off-scale score (the engine's check), a score that is
    // no rating, bad UTF-8, an unknown attribute, a NULL array.
    rows.push(row(11));
    let mut r = row(9);
    r.csat = 300;
    rows.push(r);
    let mut r = row(9);
    r.segment = c"\xff".as_ptr();
    rows.push(r);
    let unknown = [cx_attribute {
        id: c"nope".as_ptr(),
        value: 1,
    }];
    let mut r = row(9);
    r.attributes = unknown.as_ptr();
    r.attributes_len = 1;
    rows.push(r);
    let mut r = row(9);
    r.dimensions_len = 2;
    rows.push(r);
    let mut b = empty();
    // SAFETY: valid rows.
    assert_eq!(
        unsafe { cx_engine_ingest_responses(e, rows.as_ptr(), rows.len(), &mut b) },
        cx_status::Ok
    );
    let rep = take(b);
    assert_eq!(
        (
            rep["total"].as_u64(),
            rep["accepted"].as_u64(),
            rep["rejected"].as_u64()
        ),
        (Some(15), Some(10), Some(5))
    );
    let errs = rep["errors"].as_array().unwrap();
    let got: Vec<(u64, &str, &str)> = errs
        .iter()
        .map(|e| {
            (
                e["index"].as_u64().unwrap(),
                e["code"].as_str().unwrap(),
                e["pointer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (10, "out-of-range", "/nps"),
            (11, "out-of-range", "/csat"),
            (12, "invalid-utf8", "/segment"),
            (13, "unknown-attribute", "/attributes/nope"),
            (14, "invalid-value", "/dimensions"),
        ]
    );
    let alerts = rep["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[0]["recordId"], "call-0");
    assert_eq!(alerts[1]["index"], 1);
    assert_eq!(alerts[1]["dimensions"]["region"], "west");

    // The same rows through the JSON-free hot path: the same counts, alerts
    // as C values, the same report on request.
    let e2 = engine();
    let mut result = ptr::null_mut();
    // SAFETY: valid rows; the result is freed once.
    unsafe {
        assert_eq!(
            cx_engine_ingest_rows(e2, rows.as_ptr(), rows.len(), &mut result),
            cx_status::Ok
        );
        let (mut t, mut a, mut r) = (0, 0, 0);
        cx_ingest_result_counts(result, &mut t, &mut a, &mut r);
        assert_eq!((t, a, r), (15, 10, 5));
        let mut p = ptr::null();
        let n = cx_ingest_result_alerts(result, &mut p);
        let got = std::slice::from_raw_parts(p, n);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].reason, cx_alert_reason::Detractor);
        assert_eq!((got[0].index, got[0].value), (0, 0));
        assert_eq!((got[1].index, got[1].value), (1, 6));
        assert_eq!(got[1].due - got[1].at, 48 * 3600);
        let mut b = empty();
        assert_eq!(cx_ingest_result_json(result, &mut b), cx_status::Ok);
        assert_eq!(take(b), rep);
        cx_ingest_result_free(result);
        let mut result = ptr::null_mut();
        assert_eq!(
            cx_engine_ingest_rows(e2, ptr::null(), 1, &mut result),
            cx_status::NullArgument
        );
        assert!(result.is_null());
        assert_eq!(
            cx_ingest_result_json(ptr::null(), &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(cx_ingest_result_alerts(ptr::null(), &mut p), 0);
        cx_ingest_result_counts(ptr::null(), &mut t, ptr::null_mut(), ptr::null_mut());
        cx_ingest_result_free(ptr::null_mut());
        cx_engine_free(e2);
    }

    let mut b = empty();
    let (q, n) = c(r#"{"metrics": ["nps", "attribute:courtesy"]}"#);
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_engine_query(e, q, n, &mut b) }, cx_status::Ok);
    let card = take(b);
    let nps = &card["rows"][0]["scores"]["nps"];
    assert!((nps["value"].as_f64().unwrap() - 30.0).abs() < 1e-9);
    assert_eq!(
        (
            nps["n"].as_u64(),
            nps["detractors"].as_u64(),
            nps["passives"].as_u64(),
            nps["promoters"].as_u64()
        ),
        (Some(10), Some(2), Some(3), Some(5))
    );
    assert_eq!(card["rows"][0]["scores"]["attribute:courtesy"]["mean"], 4.0);

    // Query errors.
    let (q, n) = c(r#"{"metrics": ["attribute:nope"]}"#);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_query(e, q, n, &mut empty()) },
        cx_status::QueryError
    );
    assert_eq!(last(cx_last_error_path), "/metrics/0");
    let (q, n) = c("{");
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_query(e, q, n, &mut empty()) },
        cx_status::ParseError
    );
    // SAFETY: NULLs allowed; n = 0 with NULL rows is an empty batch.
    unsafe {
        assert_eq!(
            cx_engine_query(ptr::null(), q, n, &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_ingest_responses(e, ptr::null(), 1, &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_ingest_responses(ptr::null_mut(), rows.as_ptr(), 1, &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_ingest_responses(e, rows.as_ptr(), 1, ptr::null_mut()),
            cx_status::NullArgument
        );
        let mut b = empty();
        assert_eq!(
            cx_engine_ingest_responses(e, ptr::null(), 0, &mut b),
            cx_status::Ok
        );
        assert_eq!(take(b)["total"], 0);
        cx_engine_free(e);
    }
}

#[test]
fn text_ingest_compare_alerts_snapshot_merge() {
    let e = engine();
    let mut b = empty();
    let (s, n) = c(
        r#"[{"at": "2026-03-01", "nps": 9, "segment": "a"}, {"at": "2026-03-01", "nps": 2, "segment": "b"}, {"at": "2026-03-01", "nps": 12}]"#,
    );
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_json(e, s, n, &mut b) },
        cx_status::Ok
    );
    let r = take(b);
    assert_eq!(
        (r["accepted"].as_u64(), r["rejected"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(r["errors"][0]["pointer"], "/2/nps");
    let (s, n) = c("[1,");
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_json(e, s, n, &mut empty()) },
        cx_status::ParseError
    );

    let mut b = empty();
    let (s, n) = c("{\"at\": \"2026-03-02\", \"nps\": 10, \"segment\": \"a\"}\n\n{\"at\": \"2026-03-02\", \"nps\": \"x\"}\n");
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_json_lines(e, s, n, &mut b) },
        cx_status::Ok
    );
    let r = take(b);
    assert_eq!(
        (r["accepted"].as_u64(), r["errors"][0]["line"].as_u64()),
        (Some(1), Some(3))
    );

    let mut b = empty();
    let (csv, cn) = c("date,score,seg\n2026-03-03,10,a\n2026-03-03,4,b\n2026-03-03,99,b\n");
    let (m, mn) = c(
        r#"{"at": {"column": "date", "format": "date"}, "nps": "score", "dimensions": {"segment": "seg"}}"#,
    );
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_csv(e, csv, cn, m, mn, &mut b) },
        cx_status::Ok
    );
    let r = take(b);
    assert_eq!(
        (r["accepted"].as_u64(), r["rejected"].as_u64()),
        (Some(2), Some(1))
    );
    let (m2, mn2) = c(r#"{"at": {"column": "when", "format": "date"}, "nps": "score"}"#);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_csv(e, csv, cn, m2, mn2, &mut empty()) },
        cx_status::MappingError
    );
    assert_eq!(last(cx_last_error_code), "missing-column");
    let (m3, mn3) = c("{\"nps\": ");
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_csv(e, csv, cn, m3, mn3, &mut empty()) },
        cx_status::ParseError
    );

    let mut b = empty();
    let (s, n) = c(
        r#"{"a": {"filters": {"segment": ["a"]}}, "b": {"filters": {"segment": ["b"]}}, "npsMethod": "wald"}"#,
    );
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_engine_compare(e, s, n, &mut b) }, cx_status::Ok);
    let cmp = take(b);
    assert_eq!(cmp["level"], 0.95);
    assert!(cmp["nps"].is_object());
    let (s, n) = c(r#"{"a": {}, "b": {}, "level": 2}"#);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_compare(e, s, n, &mut empty()) },
        cx_status::QueryError
    );
    let (s, n) = c(r#"{"a": {}}"#);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_compare(e, s, n, &mut empty()) },
        cx_status::ParseError
    );

    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_engine_alerts(e, &mut b) }, cx_status::Ok);
    assert_eq!(take(b).as_array().unwrap().len(), 2); // nps 2 (JSON) and 4 (CSV)

    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_engine_snapshot(e, &mut b) }, cx_status::Ok);
    let snap = text(&b);
    let mut r = ptr::null_mut();
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_restore(b.ptr, b.len, &mut r) },
        cx_status::Ok
    );
    // SAFETY: filled by the library.
    unsafe { cx_buffer_free(&mut b) };
    // Merge the restored copy back: every count doubles.
    // SAFETY: live handles.
    assert_eq!(unsafe { cx_engine_merge(e, r) }, cx_status::Ok);
    // SAFETY: live handle, twice.
    assert_eq!(unsafe { cx_engine_merge(e, e) }, cx_status::InvalidArgument);
    let mut b = empty();
    let (q, n) = c(r#"{"metrics": ["nps"]}"#);
    // SAFETY: valid arguments.
    assert_eq!(unsafe { cx_engine_query(e, q, n, &mut b) }, cx_status::Ok);
    assert_eq!(take(b)["rows"][0]["scores"]["nps"]["n"], 10);

    // The compact stream restores to the same answers; the footprint agrees.
    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_snapshot_stream(e, &mut b) },
        cx_status::Ok
    );
    let mut r3 = ptr::null_mut();
    // SAFETY: `b` was filled by the library (binary, `len` bytes).
    assert_eq!(
        unsafe { cx_engine_restore(b.ptr, b.len, &mut r3) },
        cx_status::Ok
    );
    // SAFETY: filled by the library.
    unsafe { cx_buffer_free(&mut b) };
    let (mut s1, mut s3) = (cx_stats::default(), cx_stats::default());
    // SAFETY: live handles, writable outputs.
    assert_eq!(unsafe { cx_engine_stats(e, &mut s1) }, cx_status::Ok);
    // SAFETY: as above.
    assert_eq!(unsafe { cx_engine_stats(r3, &mut s3) }, cx_status::Ok);
    assert_eq!((s1.cells, s1.rows), (s3.cells, s3.rows));
    assert!(s1.rows > 0 && s1.bytes > 0);
    // SAFETY: a live handle, freed once.
    unsafe { cx_engine_free(r3) };

    // Snapshot errors.
    let bad = snap.replacen("\"version\":3", "\"version\":99", 1);
    let (s, n) = c(&bad);
    let mut r2 = ptr::null_mut();
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_restore(s, n, &mut r2) },
        cx_status::InvalidSnapshot
    );
    assert_eq!(last(cx_last_error_path), "/version");
    let (s, n) = c("{\"format\": 1}");
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_restore(s, n, &mut r2) },
        cx_status::ParseError
    );
    assert!(r2.is_null());

    // Incompatible engines (different cube).
    let p = plan();
    let mut other = ptr::null_mut();
    let (s, n) = c(r#"{"cube": {"granularity": "month"}}"#);
    // SAFETY: valid arguments.
    unsafe {
        assert_eq!(
            cx_engine_new_with_config(p, s, n, &mut other),
            cx_status::Ok
        );
        assert_eq!(cx_engine_merge(e, other), cx_status::Incompatible);
        assert_eq!(last(cx_last_error_code), "incompatible-engines");
        assert_eq!(
            cx_engine_merge(ptr::null_mut(), other),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_alerts(ptr::null(), &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_snapshot(e, ptr::null_mut()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_restore(ptr::null(), 0, &mut r2),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_ingest_json_lines(e, ptr::null(), 0, &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_ingest_json(e, ptr::null(), 0, &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_ingest_csv(e, ptr::null(), 0, m, mn, &mut empty()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_compare(e, ptr::null(), 0, &mut empty()),
            cx_status::NullArgument
        );
        cx_engine_free(other);
        cx_engine_free(r);
        cx_engine_free(e);
        cx_engine_free(ptr::null_mut());
        cx_plan_free(p);
    }
}

#[test]
fn buffer_free_and_response_init_accept_null() {
    // SAFETY: NULL and empty buffers are allowed.
    unsafe {
        cx_buffer_free(ptr::null_mut());
        let mut b = empty();
        cx_buffer_free(&mut b);
        cx_response_init(ptr::null_mut());
    }
    let mut r = row(3);
    // SAFETY: writable.
    unsafe { cx_response_init(&mut r) };
    assert_eq!((r.nps, r.csat, r.ces, r.overall, r.at), (-1, -1, -1, -1, 0));
    assert!(r.id.is_null() && r.attributes.is_null());
}

#[test]
fn last_error_is_per_thread_and_empty_at_first() {
    std::thread::spawn(|| {
        assert_eq!(last(cx_last_error_message), "");
        assert_eq!(last(cx_last_error_code), "");
        assert_eq!(last(cx_last_error_path), "");
    })
    .join()
    .unwrap();
}

#[test]
fn a_panic_becomes_a_status() {
    let s = crate::boundary::guard(|| panic!("boom"));
    assert_eq!(s, cx_status::Panic);
    assert!(last(cx_last_error_message).contains("boom"));
    assert_eq!(last(cx_last_error_code), "panic");
}

#[test]
fn report_in_three_formats_and_errors() {
    let e = engine();
    let jsonl = "{\"at\":\"2026-03-01\",\"segment\":\"retail\",\"nps\":9}\n{\"at\":\"2026-03-02\",\"nps\":2}\n";
    let (s, n) = c(jsonl);
    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_json_lines(e, s, n, &mut b) },
        cx_status::Ok
    );
    take(b);
    let (o, on) = c(r#"{"analysis": {"asOf": "2026-03-31"}}"#);
    let mut b = empty();
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_report(e, o, on, 0, &mut b) },
        cx_status::Ok
    );
    let report = take(b);
    assert!(report.get("recommendations").is_some());
    for (format, starts) in [(1u32, "# "), (2, "<!DOCTYPE html>")] {
        let mut b = empty();
        // SAFETY: NULL options with length 0 mean `{}`.
        assert_eq!(
            unsafe { cx_engine_report(e, ptr::null(), 0, format, &mut b) },
            cx_status::Ok
        );
        assert!(text(&b).starts_with(starts), "{format}");
        // SAFETY: filled by the library.
        unsafe { cx_buffer_free(&mut b) };
    }
    let mut b = empty();
    // SAFETY: invalid format / NULLs are reported, nothing written.
    unsafe {
        assert_eq!(
            cx_engine_report(e, ptr::null(), 0, 9, &mut b),
            cx_status::InvalidArgument
        );
        let (bad, bn) = c("{\"nope\": 1}");
        assert_eq!(
            cx_engine_report(e, bad, bn, 0, &mut b),
            cx_status::ParseError
        );
        assert_eq!(
            cx_engine_report(ptr::null(), ptr::null(), 0, 0, &mut b),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_engine_report(e, ptr::null(), 0, 0, ptr::null_mut()),
            cx_status::NullArgument
        );
    }
    assert!(b.ptr.is_null());
    // SAFETY: from cx_engine_new.
    unsafe { cx_engine_free(e) };
}

#[test]
fn json_lines_feed_in_pieces_equals_the_whole_text() {
    let text = "{\"at\": \"2026-03-02\", \"nps\": 3, \"segment\": \"caf\u{e9}\"}\n\n{\"at\": \"2026-03-02\", \"nps\": 11}\n{\"at\": \"2026-03-03\", \"nps\": 9}";
    let whole = engine();
    let mut b = empty();
    let (s, n) = c(text);
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { cx_engine_ingest_json_lines(whole, s, n, &mut b) },
        cx_status::Ok
    );
    let expected = take(b);
    assert_eq!(expected["total"].as_u64(), Some(3));
    for size in [1, 5, text.len()] {
        let e = engine();
        let mut feed = ptr::null_mut();
        // SAFETY: valid arguments; the feed is used by this thread alone.
        unsafe {
            assert_eq!(cx_json_lines_feed_new(&mut feed), cx_status::Ok);
            let mut first = None;
            for (i, piece) in text.as_bytes().chunks(size).enumerate() {
                let mut b = empty();
                let out = if i % 2 == 0 {
                    &mut b as *mut _
                } else {
                    ptr::null_mut()
                };
                let status =
                    cx_json_lines_feed_push(feed, e, piece.as_ptr().cast(), piece.len(), out);
                assert_eq!(status, cx_status::Ok);
                if i % 2 == 0 {
                    let part = take(b);
                    if first.is_none() && part["total"].as_u64() > Some(0) {
                        first = Some(part);
                    }
                }
            }
            assert_eq!(cx_json_lines_feed_line(feed), 4);
            let mut b = empty();
            assert_eq!(cx_json_lines_feed_finish(feed, e, &mut b), cx_status::Ok);
            assert_eq!(take(b), expected, "pieces of {size} bytes");
            if let Some(part) = first {
                // The first push that completed a line reported its alert.
                assert_eq!(part["alerts"][0]["reason"], "detractor");
            }
            let (x, xn) = c("{}");
            assert_eq!(
                cx_json_lines_feed_push(feed, e, x, xn, ptr::null_mut()),
                cx_status::InvalidArgument
            );
            assert_eq!(last(cx_last_error_code), "finished-feed");
            assert_eq!(cx_json_lines_feed_line(feed), 0);
            cx_json_lines_feed_free(feed);
            cx_engine_free(e);
        }
    }
    // SAFETY: NULL arguments are refused; the engine is live.
    unsafe {
        assert_eq!(
            cx_json_lines_feed_new(ptr::null_mut()),
            cx_status::NullArgument
        );
        let mut feed = ptr::null_mut();
        assert_eq!(cx_json_lines_feed_new(&mut feed), cx_status::Ok);
        assert_eq!(
            cx_json_lines_feed_push(feed, ptr::null_mut(), ptr::null(), 0, ptr::null_mut()),
            cx_status::NullArgument
        );
        assert_eq!(
            cx_json_lines_feed_push(feed, whole, ptr::null(), 0, ptr::null_mut()),
            cx_status::Ok
        );
        assert_eq!(
            cx_json_lines_feed_finish(ptr::null_mut(), whole, &mut empty()),
            cx_status::NullArgument
        );
        cx_json_lines_feed_free(feed);
        cx_json_lines_feed_free(ptr::null_mut());
        cx_engine_free(whole);
    }
}
