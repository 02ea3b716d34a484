//! Ratings in: bad ratings are errors naming the function, the column and
//! the value (never a clamp); bad arguments are planning errors; NULLs are
//! skipped and left out of `n`, as the engine leaves out a missing answer.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{ctx, f64_of, one, run, str_of, table, u64_of};
use cx_core::engine::{Engine, GroupBy, Query};
use cx_core::plan::Plan;
use cx_core::record::{Record, Response, Timestamp};
use datafusion::arrow::array::{
    ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};

/// Table `t`: an integer column `i`, a float column `f`, a text column `s`
/// and a group `g`.
fn setup(ints: &[Option<i64>], floats: &[Option<f64>]) -> datafusion::prelude::SessionContext {
    assert_eq!(ints.len(), floats.len());
    let schema = Schema::new(vec![
        Field::new("g", DataType::Utf8, false),
        Field::new("i", DataType::Int64, true),
        Field::new("f", DataType::Float64, true),
        Field::new("s", DataType::Utf8, true),
    ]);
    let n = ints.len();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            (0..n).map(|k| format!("g{}", k % 2)),
        )),
        Arc::new(Int64Array::from(ints.to_vec())),
        Arc::new(Float64Array::from(floats.to_vec())),
        Arc::new(StringArray::from_iter_values((0..n).map(|k| k.to_string()))),
    ];
    let batch = RecordBatch::try_new(Arc::new(schema), columns).unwrap();
    let ctx = ctx(2);
    table(&ctx, "t", &batch, &[n / 2]);
    ctx
}

fn error_of(ctx: &datafusion::prelude::SessionContext, sql: &str) -> String {
    match run(ctx, sql) {
        Ok(_) => panic!("{sql}: expected an error"),
        Err(e) => e,
    }
}

/// Each bad rating, overall (Accumulator) and grouped (GroupsAccumulator):
/// the error names the function, the column, the value and what was
/// expected.
#[test]
fn bad_ratings_are_errors_naming_function_column_and_value() {
    let cases: [(&str, Option<i64>, Option<f64>, &str); 8] = [
        ("cx_nps(i)", Some(11), None, "cx_nps(i): 11 is out of range: expected an integer from 0 to 10"),
        ("cx_nps(i)", Some(-1), None, "cx_nps(i): -1 is out of range: expected an integer from 0 to 10"),
        ("cx_enps(f)", None, Some(7.5), "cx_enps(f): 7.5 is not an integer: expected an integer from 0 to 10"),
        ("cx_csat(i)", Some(0), None, "cx_csat(i): 0 is out of range: expected an integer from 1 to 5"),
        ("cx_ces(f)", None, Some(8.0), "cx_ces(f): 8 is out of range: expected an integer from 1 to 7"),
        ("cx_ces(f)", None, Some(f64::NAN), "cx_ces(f): NaN is not an integer: expected an integer from 1 to 7"),
        ("cx_attribute(i)", Some(6), None, "cx_attribute(i): 6 is out of range: expected an integer from 1 to 5, or 0 for not applicable"),
        ("cx_nps_state(f)", None, Some(f64::INFINITY), "cx_nps_state(f): inf is not an integer: expected an integer from 0 to 10"),
    ];
    for (call, bad_i, bad_f, want) in cases {
        // The bad value among good ones, in the second partition.
        let ints = [Some(3), None, Some(4), bad_i.or(Some(3)), Some(5)];
        let floats = [Some(3.0), Some(4.0), None, bad_f.or(Some(3.0)), Some(5.0)];
        let ctx = setup(&ints, &floats);
        for sql in [
            format!("SELECT {call} FROM t"),
            format!("SELECT g, {call} FROM t GROUP BY g"),
        ] {
            let err = error_of(&ctx, &sql);
            assert!(err.contains(want), "{sql}:\n{err}\nwanted: {want}");
        }
    }
}

/// Bad arguments are planning errors in the user's words.
#[test]
fn bad_arguments_are_errors() {
    let ctx = setup(&[Some(3)], &[Some(3.0)]);
    let cases = [
        ("SELECT cx_nps(s) FROM t", "cx_nps: the rating must be an integer or floating-point column; got a value of type Utf8"),
        ("SELECT cx_nps(i, 1.5) FROM t", "cx_nps: confidence level 1.5 is invalid: expected a number strictly between 0 and 1"),
        ("SELECT cx_csat(i, 'wald') FROM t", "cx_csat: 'wald' is an NPS interval method, but cx_csat takes none"),
        ("SELECT cx_nps(i, 'tango') FROM t", "cx_nps: 'tango' is not an NPS interval method: expected 'adjustedWald', 'wald' or 'score'"),
        ("SELECT cx_nps(i, f) FROM t", "cx_nps: argument 2 must be a literal confidence level (such as 0.9) or NPS interval method (such as 'wald'), not a column"),
        ("SELECT cx_nps(i, 0.9, 0.8) FROM t", "cx_nps: a confidence level is given twice; give it once"),
        ("SELECT cx_score(i) FROM t", "cx_score: the argument must be a cx state"),
        ("SELECT cx_merge(i) FROM t", "cx_merge: the argument must be a cx state"),
        ("SELECT cx_score(cx_nps_state(i), 0) FROM t", "cx_score: confidence level 0 is invalid"),
    ];
    for (sql, want) in cases {
        let err = error_of(&ctx, sql);
        assert!(err.contains(want), "{sql}:\n{err}\nwanted: {want}");
    }
}

/// Integral floats are ratings: 7.0 counts as 7.
#[test]
fn integral_floats_are_ratings() {
    let ctx = setup(&[Some(7), Some(9)], &[Some(7.0), Some(9.0)]);
    let got = one(&run(&ctx, "SELECT cx_nps(i) AS a, cx_nps(f) AS b FROM t").unwrap());
    assert_eq!(got.column(0).to_data(), got.column(1).to_data());
    assert_eq!(u64_of(got.column(0).as_struct(), "promoters", 0), Some(1));
}

/// NULLs are skipped: `n` counts the answers only. A group whose answers
/// are all NULL gets the engine's empty score: n = 0, no value, the
/// engine's reason. The figures are the engine's for the same records
/// (a response without an NPS answer).
#[test]
fn nulls_are_skipped_as_the_engine_skips_missing_answers() {
    // Group g0 (even rows): 7, NULL, 10; group g1 (odd rows): NULL, NULL.
    let ints = [Some(7), None, None, None, Some(10)];
    let ctx = setup(&ints, &[None; 5]);
    let got = one(&run(
        &ctx,
        "SELECT g, cx_nps(i) AS nps, cx_csat(f) AS csat FROM t GROUP BY g ORDER BY g",
    )
    .unwrap());
    let nps = got.column(1).as_struct();
    assert_eq!(u64_of(nps, "n", 0), Some(2));
    assert_eq!(u64_of(nps, "n", 1), Some(0));
    assert_eq!(f64_of(nps, "value", 1), None);

    let mut e = Engine::new(
        Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "N"}}"#).unwrap(),
    )
    .unwrap();
    let records: Vec<Record> = ints
        .iter()
        .enumerate()
        .map(|(k, &r)| {
            Record::Response(Response {
                at: Timestamp::from_unix(1_767_225_600).unwrap(),
                team: Some(format!("g{}", k % 2)),
                nps: r.map(|r| r as u8),
                ..Response::default()
            })
        })
        .collect();
    e.ingest_batch(&records).unwrap();
    let card = e
        .query(&Query {
            metrics: Some(vec!["nps".parse().unwrap(), "csat".parse().unwrap()]),
            group_by: vec![GroupBy::Dimension("team".into())],
            ..Query::default()
        })
        .unwrap();
    let by_group: BTreeMap<_, _> = card
        .rows
        .iter()
        .map(|r| (r.key["team"].clone(), &r.scores))
        .collect();
    for (row, g) in ["g0", "g1"].iter().enumerate() {
        let want = by_group[&Some(g.to_string())];
        assert_eq!(u64_of(nps, "n", row), Some(want["nps"].n));
        assert_eq!(str_of(nps, "reason", row), want["nps"].reason, "{g}");
        let csat = got.column(2).as_struct();
        assert_eq!(u64_of(csat, "n", row), Some(0));
        assert_eq!(str_of(csat, "reason", row), want["csat"].reason, "{g}");
    }
    // A NULL literal is no answer at all.
    let got = one(&run(&ctx, "SELECT cx_nps(NULL) AS s FROM t").unwrap());
    assert_eq!(u64_of(got.column(0).as_struct(), "n", 0), Some(0));
}
