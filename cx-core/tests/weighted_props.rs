//! Issue #19 property tests through the engine: all-ones weights equal the
//! unweighted engine bit for bit; engines of any split of weighted records,
//! merged in any order, equal one engine (cells, snapshots and every
//! weighted, raked and compared score).

use cx_core::engine::{Engine, Query};
use cx_core::plan::Plan;
use cx_core::record::{Record, Response, Timestamp};
use proptest::prelude::*;

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn plan() -> Plan {
    Plan::from_json(PLAN).unwrap()
}

prop_compose! {
    fn response()(day in 0i64..60, seg in 0usize..3, nps in 0u8..11, csat in proptest::option::of(1u8..6),
                  ces in proptest::option::of(1u8..8), attr in proptest::option::of(1u8..6),
                  weight in proptest::option::of(prop_oneof![Just(1.0), 0.01f64..50.0])) -> Response {
        let plan = plan();
        let mut r = Response {
            at: Timestamp::from_unix(1_767_225_600 + day * 86_400).unwrap(),
            segment: Some(["families", "seniors", "small-business"][seg].into()),
            nps: Some(nps),
            csat,
            ces,
            weight,
            ..Response::default()
        };
        if let (Some(a), Some(v)) = (plan.attributes.first(), attr) {
            r.attributes.insert(a.id.clone(), a.scale.min + v % (a.scale.max - a.scale.min + 1));
        }
        r
    }
}

fn engine(records: &[Response]) -> Engine {
    let mut e = Engine::new(plan()).unwrap();
    let recs: Vec<Record> = records.iter().cloned().map(Record::Response).collect();
    let report = e.ingest_batch(&recs).unwrap();
    assert_eq!(report.accepted, records.len() as u64);
    e
}

const QUERIES: &[&str] = &[
    r#"{"groupBy": ["segment"]}"#,
    r#"{"groupBy": ["segment"], "weights": true, "compare": "rest"}"#,
    r#"{"groupBy": ["period:month"], "weights": true, "compare": "previousPeriod", "adjust": "bh"}"#,
    r#"{"weights": true, "rake": [{"dimension": "segment", "shares": {"families": 0.5, "seniors": 0.3, "small-business": 0.2}}]}"#,
];

fn answers(e: &Engine) -> Vec<String> {
    QUERIES
        .iter()
        .map(|q| match e.query(&Query::from_json(q).unwrap()) {
            Ok(card) => serde_json::to_string(&card).unwrap(),
            Err(err) => err.to_string(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn all_ones_weights_equal_no_weights(records in proptest::collection::vec(response(), 1..80)) {
        let ones: Vec<Response> = records.iter().cloned().map(|r| Response { weight: Some(1.0), ..r }).collect();
        let none: Vec<Response> = records.iter().cloned().map(|r| Response { weight: None, ..r }).collect();
        let (a, b) = (engine(&ones), engine(&none));
        prop_assert_eq!(a.stats(), b.stats());
        prop_assert_eq!(a.snapshot(), b.snapshot());
        prop_assert_eq!(answers(&a), answers(&b));
    }

    #[test]
    fn merged_weighted_engines_equal_one_engine(
        records in proptest::collection::vec(response(), 1..120),
        cuts in proptest::collection::vec(0usize..120, 0..4),
        reverse in any::<bool>(),
    ) {
        let one = engine(&records);
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c % (records.len() + 1)).collect();
        bounds.extend([0, records.len()]);
        bounds.sort_unstable();
        let mut parts: Vec<Engine> = bounds.windows(2).map(|w| engine(&records[w[0]..w[1]])).collect();
        if reverse {
            parts.reverse();
        }
        let mut merged = Engine::new(plan()).unwrap();
        for p in &parts {
            merged.merge(p).unwrap();
        }
        prop_assert_eq!(one.stats().weighted_rows, merged.stats().weighted_rows);
        prop_assert_eq!(answers(&one), answers(&merged));
        // A snapshot of the merged engine restores to the same answers.
        let restored = Engine::restore(merged.snapshot()).unwrap();
        prop_assert_eq!(answers(&restored), answers(&one));
        let mut bytes = Vec::new();
        merged.write_snapshot(&mut bytes).unwrap();
        prop_assert_eq!(answers(&Engine::read_snapshot(&bytes[..]).unwrap()), answers(&one));
    }
}
