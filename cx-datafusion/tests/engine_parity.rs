//! Every cx aggregate against `Engine::query` on random data: the same rows
//! through the engine (records) and through SQL (an in-memory table cut
//! into random partitions) give identical `n`, `value`, standard error,
//! interval bounds, flags and extras, grouped (the GroupsAccumulator path)
//! and overall (the Accumulator path), at a random level and NPS method.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{ctx, f64_of, flags_of, one, run, str_of, table, u64_of};
use cx_core::engine::{Engine, GroupBy, Query};
use cx_core::plan::Plan;
use cx_core::record::{EmployeeKind, EmployeeResponse, Record, Response, Timestamp};
use cx_core::score::{NpsMethod, Score};
use datafusion::arrow::array::{
    ArrayRef, AsArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray, StructArray,
    UInt8Array,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use proptest::prelude::*;

/// One attribute on 1–5 with 0 = not applicable, as in the airline plan.
const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Parity"},
  "attributes": [{"id": "a", "label": "A", "scale": {"min": 1, "max": 5}, "notApplicable": 0}]}"#;

/// One survey row: team, then NPS, CSAT, CES, attribute and eNPS ratings
/// (None = no answer).
type Row = (
    u8,
    Option<u8>,
    Option<u8>,
    Option<u8>,
    Option<u8>,
    Option<u8>,
);

fn row() -> impl Strategy<Value = Row> {
    (
        0u8..4,
        proptest::option::of(0u8..=10),
        proptest::option::of(1u8..=5),
        proptest::option::of(1u8..=7),
        proptest::option::of(0u8..=5),
        proptest::option::of(0u8..=10),
    )
}

fn engine(rows: &[Row]) -> Engine {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let at = Timestamp::from_unix(1_767_225_600).unwrap();
    let mut records = Vec::new();
    for &(team, nps, csat, ces, a, enps) in rows {
        let team = Some(format!("t{team}"));
        let mut r = Response {
            at,
            team: team.clone(),
            nps,
            csat,
            ces,
            ..Response::default()
        };
        if let Some(a) = a {
            r.attributes.insert("a".into(), a);
        }
        records.push(Record::Response(r));
        if let Some(enps) = enps {
            records.push(Record::Employee(EmployeeResponse {
                kind: EmployeeKind::Employee,
                id: None,
                at,
                team,
                enps: Some(enps),
                satisfaction: BTreeMap::new(),
                weight: None,
                comment: None,
            }));
        }
    }
    let report = e.ingest_batch(&records).unwrap();
    assert_eq!(
        (report.accepted, report.rejected),
        (records.len() as u64, 0)
    );
    e
}

/// The rows as a batch; the columns have different numeric types (integers
/// of several widths, a float column of integral values).
fn batch(rows: &[Row]) -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("team", DataType::Utf8, false),
        Field::new("nps", DataType::Int64, true),
        Field::new("csat", DataType::Int32, true),
        Field::new("ces", DataType::Float64, true),
        Field::new("a", DataType::UInt8, true),
        Field::new("enps", DataType::Int64, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| format!("t{}", r.0)),
        )),
        Arc::new(Int64Array::from_iter(
            rows.iter().map(|r| r.1.map(i64::from)),
        )),
        Arc::new(Int32Array::from_iter(
            rows.iter().map(|r| r.2.map(i32::from)),
        )),
        Arc::new(Float64Array::from_iter(
            rows.iter().map(|r| r.3.map(f64::from)),
        )),
        Arc::new(UInt8Array::from_iter(rows.iter().map(|r| r.4))),
        Arc::new(Int64Array::from_iter(
            rows.iter().map(|r| r.5.map(i64::from)),
        )),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).unwrap()
}

fn bits(x: Option<f64>) -> Option<u64> {
    x.map(f64::to_bits)
}

/// Asserts that row `row` of the score column `s` states `want`.
fn assert_same(what: &str, want: &Score, s: &StructArray, row: usize) {
    assert_eq!(u64_of(s, "n", row), Some(want.n), "{what}: n");
    let floats = [
        ("value", want.value),
        ("se", want.se),
        ("low", want.interval.map(|i| i.low)),
        ("high", want.interval.map(|i| i.high)),
        ("mean", want.mean),
        ("agree", want.agree),
        ("index", want.index),
    ];
    for (field, w) in floats {
        assert_eq!(bits(f64_of(s, field, row)), bits(w), "{what}: {field}");
    }
    if want.top_two_box.is_some() {
        assert_eq!(
            bits(f64_of(s, "topTwoBox", row)),
            bits(want.top_two_box),
            "{what}: topTwoBox"
        );
    }
    for (field, w) in [
        ("detractors", want.detractors),
        ("passives", want.passives),
        ("promoters", want.promoters),
    ] {
        assert_eq!(u64_of(s, field, row), w, "{what}: {field}");
    }
    let flags: Vec<String> = want
        .flags
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(flags_of(s, row), flags, "{what}: flags");
    let method = want.interval.map(|i| {
        serde_json::to_value(i.method)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    });
    assert_eq!(str_of(s, "method", row), method, "{what}: method");
    assert_eq!(str_of(s, "reason", row), want.reason, "{what}: reason");
}

const METRICS: [(&str, &str); 5] = [
    ("nps", "nps"),
    ("csat", "csat"),
    ("ces", "ces"),
    ("a", "attribute:a"),
    ("enps", "enps"),
];

fn sql(level: f64, method: &str, grouped: bool) -> String {
    let (key, group) = if grouped {
        ("team, ", " GROUP BY team ORDER BY team")
    } else {
        ("", "")
    };
    format!(
        "SELECT {key}cx_nps(nps, '{method}', {level}) AS nps, cx_csat(csat, {level}) AS csat, \
         cx_ces(ces, {level}) AS ces, cx_attribute(a, {level}) AS a, \
         cx_enps(enps, {level}, '{method}') AS enps FROM t{group}"
    )
}

fn check(
    rows: &[Row],
    cuts: &[usize],
    partitions: usize,
    level: f64,
    method: NpsMethod,
    grouped: bool,
) {
    let e = engine(rows);
    let q = Query {
        metrics: Some(METRICS.iter().map(|m| m.1.parse().unwrap()).collect()),
        group_by: if grouped {
            vec![GroupBy::Dimension("team".into())]
        } else {
            Vec::new()
        },
        level: Some(level),
        nps_method: Some(method),
        ..Query::default()
    };
    let card = e.query(&q).unwrap();
    let ctx = ctx(partitions);
    table(&ctx, "t", &batch(rows), cuts);
    let name = serde_json::to_value(method).unwrap();
    let got = one(&run(&ctx, &sql(level, name.as_str().unwrap(), grouped)).unwrap());
    assert_eq!(got.num_rows(), card.rows.len(), "one row per group");
    for (i, want) in card.rows.iter().enumerate() {
        if grouped {
            let team = got.column(0).as_string::<i32>().value(i);
            assert_eq!(Some(team), want.key["team"].as_deref());
        }
        for (column, metric) in METRICS {
            let s = got.column_by_name(column).unwrap().as_struct();
            assert_same(&format!("{metric} of row {i}"), &want.scores[metric], s, i);
        }
    }
}

fn method() -> impl Strategy<Value = NpsMethod> {
    prop_oneof![
        Just(NpsMethod::Wald),
        Just(NpsMethod::AdjustedWald),
        Just(NpsMethod::Score)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn grouped_scores_equal_the_engine(
        rows in proptest::collection::vec(row(), 1..300),
        cuts in proptest::collection::vec(0usize..300, 0..5),
        partitions in 1usize..5,
        level in prop_oneof![Just(0.8), Just(0.9), Just(0.95), Just(0.99)],
        method in method(),
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        check(&rows, &cuts, partitions, level, method, true);
    }

    #[test]
    fn overall_scores_equal_the_engine(
        rows in proptest::collection::vec(row(), 1..300),
        cuts in proptest::collection::vec(0usize..300, 0..5),
        partitions in 1usize..5,
        method in method(),
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        check(&rows, &cuts, partitions, 0.95, method, false);
    }
}

/// The defaults: no level and no method are 0.95 and adjustedWald, as in
/// the engine's queries.
#[test]
fn defaults_are_the_engines() {
    let rows: Vec<Row> = (0..50u8)
        .map(|i| {
            (
                0,
                Some(i % 11),
                Some(1 + i % 5),
                Some(1 + i % 7),
                Some(i % 6),
                Some(i % 11),
            )
        })
        .collect();
    let e = engine(&rows);
    let card = e.query(&Query::default()).unwrap();
    let ctx = ctx(2);
    table(&ctx, "t", &batch(&rows), &[20]);
    let got = one(&run(
        &ctx,
        "SELECT cx_nps(nps) AS nps, cx_attribute(a) AS a FROM t",
    )
    .unwrap());
    for (column, metric) in [("nps", "nps"), ("a", "attribute:a")] {
        let s = got.column_by_name(column).unwrap().as_struct();
        assert_same(metric, &card.rows[0].scores[metric], s, 0);
    }
    let s = got.column_by_name("a").unwrap().as_struct();
    // i % 6 == 0 for i in 0..50: 9 "not applicable" answers.
    assert_eq!(u64_of(s, "notApplicable", 0), Some(9));
    assert_eq!(f64_of(s, "level", 0), Some(0.95));
}
