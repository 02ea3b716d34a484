//! The figures the C suite (`tests/c/test_api.c`) checks, computed through
//! typed Rust ingest, and the same data through `cx_engine_ingest_responses`
//! giving the very same scorecard.

use std::ffi::CStr;

use cx_core::engine::{Engine, Query};
use cx_core::plan::Plan;
use cx_core::record::{Response, Timestamp};
use cx_ffi::*;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"},
  "attributes": [{"id": "courtesy", "label": "Courtesy", "scale": {"min": 1, "max": 5}}],
  "dimensions": [{"id": "region", "label": "Region"}]}"#;
const MARCH_1: i64 = 1_772_323_200;
const NPS: [u8; 10] = [0, 6, 7, 8, 8, 9, 9, 10, 10, 10];
const CSAT: [u8; 10] = [5, 5, 4, 4, 3, 3, 2, 1, 5, 4];
const QUERY: &str = r#"{"metrics": ["nps", "csat", "attribute:courtesy"]}"#;

#[test]
fn typed_and_c_ingest_give_the_hand_derived_figures() {
    // Typed.
    let mut typed = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let rows: Vec<Response> = (0..10)
        .map(|i| Response {
            id: Some(format!("call-{i}")),
            at: Timestamp::from_unix(MARCH_1 + i as i64 * 60).unwrap(),
            segment: Some("retail".into()),
            team: Some("north".into()),
            dimensions: [("region".to_string(), "west".to_string())].into(),
            nps: Some(NPS[i]),
            csat: Some(CSAT[i]),
            attributes: [("courtesy".to_string(), 4)].into(),
            ..Response::default()
        })
        .collect();
    let report = typed.ingest_responses(&rows).unwrap();
    assert_eq!((report.accepted, report.alerts.len()), (10, 4));
    let card = typed.query(&Query::from_json(QUERY).unwrap()).unwrap();
    let s = &card.rows[0].scores;
    // 2 detractors, 3 passives, 5 promoters: (5 − 2)/10 = 30.
    assert!((s["nps"].value.unwrap() - 30.0).abs() < 1e-9);
    assert_eq!(
        (s["nps"].detractors, s["nps"].passives, s["nps"].promoters),
        (Some(2), Some(3), Some(5))
    );
    // CSAT top-2-box 6/10 = 60 %, mean 36/10 = 3.6.
    assert!((s["csat"].value.unwrap() - 60.0).abs() < 1e-9);
    assert!((s["csat"].mean.unwrap() - 3.6).abs() < 1e-9);
    assert!((s["attribute:courtesy"].mean.unwrap() - 4.0).abs() < 1e-9);

    // Through the C ABI.
    let ids: Vec<String> = (0..10).map(|i| format!("call-{i}\0")).collect();
    let courtesy = [cx_attribute {
        id: c"courtesy".as_ptr(),
        value: 4,
    }];
    let region = [cx_dimension {
        id: c"region".as_ptr(),
        value: c"west".as_ptr(),
    }];
    let c_rows: Vec<cx_response> = (0..10)
        .map(|i| {
            let mut r = cx_response::empty();
            r.id = ids[i].as_ptr().cast();
            r.at = MARCH_1 + i as i64 * 60;
            r.segment = c"retail".as_ptr();
            r.team = c"north".as_ptr();
            r.dimensions = region.as_ptr();
            r.dimensions_len = 1;
            r.nps = i16::from(NPS[i]);
            r.csat = i16::from(CSAT[i]);
            r.attributes = courtesy.as_ptr();
            r.attributes_len = 1;
            r
        })
        .collect();
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
        assert_eq!(
            cx_engine_ingest_responses(engine, c_rows.as_ptr(), c_rows.len(), &mut buf),
            cx_status::Ok
        );
        let c_report = CStr::from_ptr(buf.ptr).to_str().unwrap();
        assert_eq!(c_report, serde_json::to_string(&report).unwrap());
        cx_buffer_free(&mut buf);
        assert_eq!(
            cx_engine_query(engine, QUERY.as_ptr().cast(), QUERY.len(), &mut buf),
            cx_status::Ok
        );
        let c_card = CStr::from_ptr(buf.ptr).to_str().unwrap();
        assert_eq!(c_card, serde_json::to_string(&card).unwrap());
        cx_buffer_free(&mut buf);
        cx_engine_free(engine);
        cx_plan_free(plan);
    }
}
