//! Issue #19, item 1: `cx_response.weight` through the C ABI gives the
//! report typed Rust ingest gives for the same rows (0 in C is no weight,
//! `None` in Rust); the C suite (`tests/c/test_weights.c`) checks the same
//! figures from C.

use std::ffi::CStr;

use cx_core::engine::Engine;
use cx_core::plan::Plan;
use cx_core::record::{Response, Timestamp};
use cx_ffi::*;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;
const MARCH_1: i64 = 1_772_323_200;
const WEIGHTS: [f64; 8] = [
    2.5,
    0.0,
    1.0,
    0.1234567,
    -1.0,
    100_000.5,
    f64::NAN,
    f64::INFINITY,
];

#[test]
fn c_rows_carry_the_weight_typed_responses_carry() {
    let mut typed = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let rows: Vec<Response> = WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, &w)| Response {
            at: Timestamp::from_unix(MARCH_1 + i as i64 * 60).unwrap(),
            nps: Some(9),
            weight: (w != 0.0).then_some(w),
            ..Response::default()
        })
        .collect();
    let report = typed.ingest_responses(&rows).unwrap();
    assert_eq!(
        (report.accepted, report.rejected, report.weights_rounded),
        (4, 4, 1)
    );
    let c_rows: Vec<cx_response> = WEIGHTS
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            let mut r = cx_response::empty();
            assert_eq!(r.weight, 0.0);
            r.at = MARCH_1 + i as i64 * 60;
            r.nps = 9;
            r.weight = w;
            r
        })
        .collect();
    let (mut plan, mut engine) = (std::ptr::null_mut(), std::ptr::null_mut());
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
        assert_eq!(
            cx_engine_ingest_responses(engine, c_rows.as_ptr(), c_rows.len(), &mut buf),
            cx_status::Ok
        );
        let c_report = CStr::from_ptr(buf.ptr).to_str().unwrap();
        assert_eq!(c_report, serde_json::to_string(&report).unwrap());
        cx_buffer_free(&mut buf);
        let mut stats = cx_stats {
            cells: 0,
            bytes: 0,
            rows: 0,
            weighted_rows: 0,
        };
        assert_eq!(cx_engine_stats(engine, &mut stats), cx_status::Ok);
        assert_eq!((stats.rows, stats.weighted_rows), (4, 2));
        assert_eq!(stats.weighted_rows, typed.stats().weighted_rows);
        cx_engine_free(engine);
        cx_plan_free(plan);
    }
}
