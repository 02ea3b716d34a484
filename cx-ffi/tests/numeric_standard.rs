//! Issue #16, item 6 through the C ABI: the one table of the numeric
//! standard (`cx-core/tests/common/numeric_cases.rs`) given to
//! `cx_engine_ingest_json_lines` and `cx_engine_ingest_csv` as text, and
//! its plain integers to `cx_engine_ingest_responses` as typed `int16_t`
//! rows (whose -1 is `CX_MISSING`, the C "no answer").

use std::ffi::CStr;

use cx_ffi::*;

include!("../../cx-core/tests/common/numeric_cases.rs");

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;
const MAPPING: &str = r#"{"fixedAt": "2026-01-05", "nps": "NPS"}"#;
const QUERY: &str = r#"{"metrics": ["nps"]}"#;

/// Runs `ingest` on a fresh engine: `Some(scorecard JSON)` when it
/// accepted the one record, `None` when it rejected it or failed.
fn through(ingest: impl FnOnce(*mut cx_engine, &mut cx_buffer) -> cx_status) -> Option<String> {
    let mut plan = std::ptr::null_mut();
    let mut engine = std::ptr::null_mut();
    let mut buf = cx_buffer {
        ptr: std::ptr::null_mut(),
        len: 0,
    };
    // SAFETY: valid arguments throughout; every buffer and handle is freed.
    unsafe {
        assert_eq!(
            cx_plan_new(PLAN.as_ptr().cast(), PLAN.len(), &mut plan),
            cx_status::Ok
        );
        assert_eq!(cx_engine_new(plan, &mut engine), cx_status::Ok);
        let status = ingest(engine, &mut buf);
        let accepted = status == cx_status::Ok && {
            let report: serde_json::Value =
                serde_json::from_str(CStr::from_ptr(buf.ptr).to_str().unwrap()).unwrap();
            assert_eq!(report["total"], 1, "{report}");
            report["accepted"] == 1
        };
        cx_buffer_free(&mut buf);
        let card = accepted.then(|| {
            assert_eq!(
                cx_engine_query(engine, QUERY.as_ptr().cast(), QUERY.len(), &mut buf),
                cx_status::Ok
            );
            let card = CStr::from_ptr(buf.ptr).to_str().unwrap().to_string();
            cx_buffer_free(&mut buf);
            card
        });
        cx_engine_free(engine);
        cx_plan_free(plan);
        card
    }
}

fn typed(nps: i16) -> Option<String> {
    let mut row = cx_response::empty();
    row.at = 1_767_571_200; // 2026-01-05
    row.nps = nps;
    // SAFETY: one valid row.
    through(|e, buf| unsafe { cx_engine_ingest_responses(e, &row, 1, buf) })
}

#[test]
fn the_c_abi_reads_every_case_as_the_core_does() {
    let mut failures = Vec::new();
    for &(text, expected) in NUMERIC_CASES {
        let want = expected.map(|v| typed(i16::from(v)).expect("a rating in range"));
        let line = format!(r#"{{"at": "2026-01-05", "nps": {text}}}"#);
        let csv = format!("NPS\n{text}\n");
        let mut outcomes = vec![
            // SAFETY: valid buffers of their lengths.
            (
                "cx_engine_ingest_json_lines",
                through(|e, buf| unsafe {
                    cx_engine_ingest_json_lines(e, line.as_ptr().cast(), line.len(), buf)
                }),
            ),
            // SAFETY: valid buffers of their lengths.
            (
                "cx_engine_ingest_csv",
                through(|e, buf| unsafe {
                    cx_engine_ingest_csv(
                        e,
                        csv.as_ptr().cast(),
                        csv.len(),
                        MAPPING.as_ptr().cast(),
                        MAPPING.len(),
                        buf,
                    )
                }),
            ),
        ];
        // A plain integer a C caller can hold in `int16_t`, other than
        // CX_MISSING.
        if let Some(v) = typed_value(text)
            .and_then(|v| i16::try_from(v).ok())
            .filter(|&v| v != CX_MISSING)
        {
            outcomes.push(("cx_engine_ingest_responses", typed(v)));
        }
        for (call, got) in outcomes {
            if got != want {
                failures.push(format!(
                    "`{text}` through {call}: {} (expected {expected:?})",
                    if got.is_some() {
                        "accepted"
                    } else {
                        "rejected"
                    }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
