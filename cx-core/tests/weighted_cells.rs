//! Weighted cells: records with a survey weight are kept once more with
//! their weights; a weight of 1 is no weight; merges and snapshots keep the
//! weighted cells exactly; an invalid weight rejects its record.

use cx_core::engine::{Engine, WeightedCell};
use cx_core::plan::Plan;
use cx_core::record::{EmployeeKind, EmployeeResponse, Record, Timestamp};

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn employee(day: i64, team: &str, enps: u8, item: u8, weight: Option<f64>) -> Record {
    let mut satisfaction = std::collections::BTreeMap::new();
    satisfaction.insert(format!("item-{}", item % 3), 1 + item % 5);
    Record::Employee(EmployeeResponse {
        kind: EmployeeKind::Employee,
        id: None,
        at: Timestamp::from_unix(1_767_225_600 + day * 86_400).unwrap(),
        team: Some(team.into()),
        enps: Some(enps),
        satisfaction,
        weight,
        comment: None,
    })
}

fn records() -> Vec<Record> {
    (0..60u8)
        .map(|i| {
            let w = match i % 4 {
                0 => None,
                1 => Some(1.0),
                2 => Some(0.3 + f64::from(i) / 8.0),
                _ => Some(3.5),
            };
            employee(
                i64::from(i % 9),
                ["a", "b", "c"][usize::from(i % 3)],
                i % 11,
                i,
                w,
            )
        })
        .collect()
}

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

#[test]
fn weighted_records_are_counted_and_weight_one_is_no_weight() {
    let mut e = engine();
    let report = e.ingest_batch(&records()).unwrap();
    assert_eq!((report.accepted, report.rejected), (60, 0));
    // i % 4 == 2 or 3: 30 records with a weight other than 1.
    assert_eq!(e.stats().weighted_rows, 30);
    let mut plain = engine();
    let ones: Vec<Record> = (0..5u8)
        .map(|i| employee(0, "a", i, i, Some(1.0)))
        .collect();
    plain.ingest_batch(&ones).unwrap();
    let mut none = engine();
    let nones: Vec<Record> = (0..5u8).map(|i| employee(0, "a", i, i, None)).collect();
    none.ingest_batch(&nones).unwrap();
    assert_eq!(plain.stats(), none.stats());
    assert_eq!(plain.snapshot(), none.snapshot());
}

#[test]
fn invalid_weights_reject_their_record() {
    let mut e = engine();
    let bad = [0.0, -1.0, f64::NAN, f64::INFINITY, 1e6, 1e-9];
    let recs: Vec<Record> = bad
        .iter()
        .map(|&w| employee(0, "a", 5, 1, Some(w)))
        .collect();
    let report = e.ingest_batch(&recs).unwrap();
    assert_eq!((report.accepted, report.rejected), (0, 6));
    for err in &report.errors {
        assert_eq!(err.pointer, "/weight", "{err:?}");
        assert!(err.message.contains("weight"), "{}", err.message);
    }
    assert_eq!(e.stats().rows, 0);
}

#[test]
fn merges_and_snapshots_keep_the_weighted_cells() {
    let all = records();
    let mut one = engine();
    one.ingest_batch(&all).unwrap();
    // Two halves, the second ingested first into its own engine, merged.
    let (a, b) = all.split_at(23);
    let (mut ea, mut eb) = (engine(), engine());
    eb.ingest_batch(b).unwrap();
    ea.ingest_batch(a).unwrap();
    let mut merged = engine();
    merged.merge(&eb).unwrap();
    merged.merge(&ea).unwrap();
    // The merged engine answers the weighted query as the one engine.
    let q =
        cx_core::engine::Query::from_json(r#"{"metrics": ["enps"], "groupBy": ["team"]}"#).unwrap();
    assert_eq!(merged.query(&q).unwrap(), one.query(&q).unwrap());
    let doc = one.snapshot();
    assert!(!doc.weighted_employees.is_empty());
    let total: u64 = doc.weighted_employees.iter().map(|(_, c)| c.records).sum();
    assert_eq!(total, 30);
    let restored = Engine::restore(doc.clone()).unwrap();
    assert_eq!(restored.snapshot(), doc);
    let mut bytes = Vec::new();
    one.write_snapshot(&mut bytes).unwrap();
    let streamed = Engine::read_snapshot(&bytes[..]).unwrap();
    assert_eq!(streamed.snapshot(), doc);
    // Weight sums are decimal text in JSON.
    let json = serde_json::to_value(&doc).unwrap();
    assert!(json["weightedEmployees"][0][1]["weight"].is_string());
}

#[test]
fn merged_weighted_sums_equal_one_engine() {
    let all = records();
    let mut one = engine();
    one.ingest_batch(&all).unwrap();
    let mut merged = engine();
    for part in all.chunks(7).rev() {
        let mut e = engine();
        e.ingest_batch(part).unwrap();
        merged.merge(&e).unwrap();
    }
    let sum = |e: &Engine| {
        let mut t = WeightedCell::default();
        for (_, c) in e.snapshot().weighted_employees {
            t.records += c.records;
            t.weight += c.weight;
            t.square += c.square;
        }
        t
    };
    assert_eq!(sum(&one), sum(&merged));
    assert_eq!(one.stats().weighted_rows, merged.stats().weighted_rows);
}

#[test]
fn a_tampered_weight_sum_is_refused() {
    let mut e = engine();
    e.ingest_batch(&records()).unwrap();
    let mut doc = e.snapshot();
    doc.weighted_employees[0].1.weight = 0;
    doc.seal();
    let err = Engine::restore(doc).unwrap_err().to_string();
    assert!(err.contains("/weightedEmployees/0/1/weight"), "{err}");
}

#[test]
fn a_call_past_the_budget_keeps_none_of_its_weighted_cells() {
    use cx_core::engine::EngineConfig;
    let base = {
        let mut e = engine();
        e.ingest_batch(&records()[..10]).unwrap();
        e
    };
    let mut config = EngineConfig::default();
    config.limits.max_cell_bytes = base.stats().bytes + 64;
    let mut e = Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap();
    e.ingest_batch(&records()[..10]).unwrap();
    let before = (e.stats(), e.snapshot());
    // Many new weighted cells (new days and teams): past the budget.
    let more: Vec<Record> = (0..400u16)
        .map(|i| employee(100 + i64::from(i), "z", 5, 1, Some(2.0)))
        .collect();
    let err = e.ingest_batch(&more).unwrap_err();
    assert_eq!(err.code().as_str(), "memory-limit", "{err}");
    assert_eq!((e.stats(), e.snapshot()), before);
}
