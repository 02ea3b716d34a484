//! Columnar ingest gives exactly the statistics of typed ingest of the same
//! rows, rejects bad rows with their index and field, and refuses columns
//! that do not fit.

use cx_core::engine::{DimensionColumn, Engine, Query, ResponseColumns, ABSENT};
use cx_core::plan::Plan;
use cx_core::record::{Response, Timestamp};

const PLAN: &str = include_str!("../../examples/data/plan.json");
const MISSING: u8 = u8::MAX;

#[test]
fn columns_equal_typed_rows() {
    let plan = Plan::from_json(PLAN).unwrap();
    let segs = ["families", "seniors"];
    let at: Vec<i64> = (0..50).map(|i| 1_767_225_600 + i * 40_000).collect();
    let seg_codes: Vec<u32> = (0..50)
        .map(|i| if i % 7 == 0 { ABSENT } else { (i % 2) as u32 })
        .collect();
    let nps: Vec<u8> = (0..50)
        .map(|i| if i % 9 == 0 { MISSING } else { (i % 11) as u8 })
        .collect();
    let csat: Vec<u8> = (0..50).map(|i| 1 + (i % 5) as u8).collect();
    let wait: Vec<u8> = (0..50)
        .map(|i| {
            if i % 5 == 0 {
                MISSING
            } else {
                1 + (i % 5) as u8
            }
        })
        .collect();
    let claim: Vec<u8> = (0..50).map(|i| (i % 6) as u8).collect(); // 0 = not applicable
    let cols = ResponseColumns {
        at: &at,
        dimensions: vec![(
            "segment",
            DimensionColumn {
                dictionary: &segs,
                codes: &seg_codes,
            },
        )],
        nps: Some(&nps),
        csat: Some(&csat),
        attributes: vec![("wait-time", &wait), ("claim-speed", &claim)],
        ..ResponseColumns::default()
    };
    let mut a = Engine::new(plan.clone()).unwrap();
    let ra = a.ingest_columns(&cols).unwrap();
    let rows: Vec<Response> = (0..50)
        .map(|i| {
            let mut r = Response {
                at: Timestamp::from_unix(at[i]).unwrap(),
                segment: (seg_codes[i] != ABSENT).then(|| segs[seg_codes[i] as usize].to_string()),
                nps: (nps[i] != MISSING).then_some(nps[i]),
                csat: Some(csat[i]),
                ..Response::default()
            };
            if wait[i] != MISSING {
                r.attributes.insert("wait-time".into(), wait[i]);
            }
            r.attributes.insert("claim-speed".into(), claim[i]);
            r
        })
        .collect();
    let mut b = Engine::new(plan).unwrap();
    let rb = b.ingest_responses(&rows);
    assert_eq!((ra.accepted, rb.accepted), (50, 50));
    assert_eq!(ra.alerts.len(), rb.alerts.len());
    let q = Query::from_json(r#"{"groupBy": ["segment", "period:day"]}"#).unwrap();
    assert_eq!(a.query(&q).unwrap(), b.query(&q).unwrap());
}

#[test]
fn bad_rows_and_bad_columns() {
    let plan = Plan::from_json(PLAN).unwrap();
    let mut e = Engine::new(plan).unwrap();
    let at = [1_767_225_600i64, 1_767_225_600, i64::MAX];
    let nps = [9u8, 11, 9];
    let cols = ResponseColumns {
        at: &at,
        nps: Some(&nps),
        ..ResponseColumns::default()
    };
    let r = e.ingest_columns(&cols).unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 2));
    assert_eq!(
        (
            r.errors[0].index,
            r.errors[0].field.as_deref(),
            r.errors[0].code.as_str()
        ),
        (1, Some("nps"), "out-of-range")
    );
    assert_eq!(r.errors[1].field.as_deref(), Some("at"));
    let short = [9u8];
    let err = e
        .ingest_columns(&ResponseColumns {
            at: &at,
            nps: Some(&short),
            ..ResponseColumns::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "column-length");
    let bad = [5u8, 5, 5];
    let err = e
        .ingest_columns(&ResponseColumns {
            at: &at,
            attributes: vec![("wifi", &bad)],
            ..ResponseColumns::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "unknown-column");
    let dict = ["a"];
    let codes = [0u32, 3, 0];
    let err = e
        .ingest_columns(&ResponseColumns {
            at: &at,
            dimensions: vec![(
                "team",
                DimensionColumn {
                    dictionary: &dict,
                    codes: &codes,
                },
            )],
            ..ResponseColumns::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid-code");
}
