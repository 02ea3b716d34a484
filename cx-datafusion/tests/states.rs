//! States: the exact histogram, whatever the partitions and the order in
//! which states are merged; `cx_score(state)` equals the direct score.

mod common;

use std::sync::Arc;

use common::{ctx, one, run, state_of, table};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListArray, RecordBatch, StringArray, StructArray,
    UInt64Array,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use proptest::prelude::*;

fn ratings_batch(ratings: &[Option<u8>]) -> RecordBatch {
    let schema = Schema::new(vec![Field::new("r", DataType::Int64, true)]);
    let r: ArrayRef = Arc::new(Int64Array::from_iter(
        ratings.iter().map(|r| r.map(i64::from)),
    ));
    RecordBatch::try_new(Arc::new(schema), vec![r]).unwrap()
}

/// The histogram counted here, the reference.
fn counts(ratings: &[Option<u8>]) -> Vec<u64> {
    let mut c = vec![0u64; 11];
    for r in ratings.iter().flatten() {
        c[usize::from(*r)] += 1;
    }
    c
}

/// A table `s` of states (column `state`), in the order given.
fn states_batch(states: &[(String, Vec<u64>)]) -> RecordBatch {
    let metric = StringArray::from_iter_values(states.iter().map(|s| s.0.as_str()));
    let values = UInt64Array::from_iter_values(states.iter().flat_map(|s| s.1.clone()));
    let offsets = OffsetBuffer::from_lengths(states.iter().map(|s| s.1.len()));
    let item = Arc::new(Field::new_list_field(DataType::UInt64, false));
    let counts = ListArray::new(item, offsets, Arc::new(values), None);
    let s = StructArray::from(vec![
        (
            Arc::new(Field::new("metric", DataType::Utf8, false)),
            Arc::new(metric) as ArrayRef,
        ),
        (
            Arc::new(Field::new("counts", counts.data_type().clone(), false)),
            Arc::new(counts) as ArrayRef,
        ),
    ]);
    let schema = Schema::new(vec![Field::new("state", s.data_type().clone(), true)]);
    RecordBatch::try_new(Arc::new(schema), vec![Arc::new(s)]).unwrap()
}

fn single_state(sql: &str, ctx: &datafusion::prelude::SessionContext) -> (String, Vec<u64>) {
    let got = one(&run(ctx, sql).unwrap());
    state_of(got.column(0).as_struct(), 0).unwrap()
}

/// Each metric and the ratings its function accepts.
const METRICS: [(&str, u8, u8); 5] = [
    ("nps", 0, 10),
    ("csat", 1, 5),
    ("ces", 1, 7),
    ("enps", 0, 10),
    ("attribute", 0, 5),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For each metric, `cx_*_state` over any partitioning is the exact
    /// histogram; the states of random chunks, merged by `cx_merge` in a
    /// random order (over random partitions), are that same histogram, bit
    /// for bit.
    #[test]
    fn states_are_exact_in_any_partition_and_merge_order(
        metric in 0usize..5,
        raw in proptest::collection::vec(proptest::option::of(any::<u8>()), 0..400),
        cuts in proptest::collection::vec(0usize..400, 0..6),
        partitions in 1usize..5,
        order in proptest::collection::vec(any::<u64>(), 7),
    ) {
        let (name, lo, hi) = METRICS[metric];
        let ratings: Vec<Option<u8>> = raw.iter().map(|r| r.map(|r| lo + r % (hi - lo + 1))).collect();
        let mut cuts = cuts;
        cuts.sort_unstable();
        let want = (name.to_string(), counts(&ratings));
        let ctx = ctx(partitions);
        table(&ctx, "t", &ratings_batch(&ratings), &cuts);
        let whole = single_state(&format!("SELECT cx_{name}_state(r) FROM t"), &ctx);
        prop_assert_eq!(&whole, &want);

        // One state per chunk, shuffled by the random keys.
        let mut bounds = vec![0];
        bounds.extend(cuts.iter().map(|&c| c.min(ratings.len())));
        bounds.push(ratings.len());
        let mut chunks: Vec<(u64, (String, Vec<u64>))> = bounds
            .windows(2)
            .enumerate()
            .map(|(i, w)| (order[i % order.len()], (name.to_string(), counts(&ratings[w[0]..w[1].max(w[0])]))))
            .collect();
        chunks.sort_by_key(|c| c.0);
        let states: Vec<(String, Vec<u64>)> = chunks.into_iter().map(|c| c.1).collect();
        let n = states.len();
        table(&ctx, "s", &states_batch(&states), &[n / 3, n / 2]);
        let merged = single_state("SELECT cx_merge(state) FROM s", &ctx);
        prop_assert_eq!(&merged, &want);
    }
}

/// `cx_score(state)` is `cx_nps(rating)`, field for field, for every
/// metric, including an explicit level and method.
#[test]
fn score_of_a_state_is_the_direct_score() {
    let ratings: Vec<Option<u8>> = (0..97u8).map(|i| (i % 13 != 0).then_some(i % 5)).collect();
    let ctx = ctx(3);
    table(&ctx, "t", &ratings_batch(&ratings), &[30, 60]);
    // Ratings 0..=4: valid for every function once shifted to its scale.
    for (f, shift) in [
        ("nps", 0),
        ("csat", 1),
        ("ces", 1),
        ("enps", 0),
        ("attribute", 0),
    ] {
        for args in ["", ", 0.9"] {
            let direct = format!("cx_{f}(r + {shift}{args})");
            let stored = format!("cx_score(cx_{f}_state(r + {shift}){args})");
            let got =
                one(&run(&ctx, &format!("SELECT {direct} AS a, {stored} AS b FROM t")).unwrap());
            let (a, b) = (got.column(0), got.column(1));
            assert_eq!(a.data_type(), b.data_type(), "{f}{args}: one type");
            assert_eq!(a.to_data(), b.to_data(), "{f}{args}");
        }
    }
    let got = one(&run(
        &ctx,
        "SELECT cx_nps(r, 'score', 0.8) AS a, cx_score(cx_nps_state(r), 0.8, 'score') AS b FROM t",
    )
    .unwrap());
    assert_eq!(got.column(0).to_data(), got.column(1).to_data());
    let s = got.column(0).as_struct();
    assert_eq!(common::str_of(s, "method", 0).as_deref(), Some("score"));
}

/// A state of one metric does not merge with another's, nor does a
/// function take another metric's state as its partial state.
#[test]
fn merging_different_metrics_is_an_error() {
    let ctx = ctx(1);
    let states = vec![
        ("nps".to_string(), vec![1; 11]),
        ("csat".to_string(), vec![0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]),
    ];
    table(&ctx, "s", &states_batch(&states), &[]);
    let err = run(&ctx, "SELECT cx_merge(state) FROM s").unwrap_err();
    assert!(
        err.contains("cx_merge: cannot merge a csat state into nps states"),
        "{err}"
    );
    // Grouped by metric, each group merges.
    let got = one(&run(&ctx, "SELECT state['metric'] AS m, cx_score(cx_merge(state)) AS s FROM s GROUP BY state['metric'] ORDER BY m").unwrap());
    let s = got.column(1).as_struct();
    assert_eq!(common::u64_of(s, "n", 0), Some(5));
    assert_eq!(common::u64_of(s, "n", 1), Some(11));
}

/// A stored state that is not a valid state is an error naming what is
/// wrong: an unknown metric, a count list of the wrong length, counts
/// outside the metric's ratings.
#[test]
fn invalid_states_are_errors() {
    let ctx = ctx(1);
    let cases = [
        (
            ("promoters", vec![0; 11]),
            "a state's metric is `promoters`: expected nps, csat, ces, enps or attribute",
        ),
        (
            ("nps", vec![1; 10]),
            "counts must be 11 counts (ratings 0 to 10) without nulls; got 10 value(s)",
        ),
        (
            ("csat", vec![2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]),
            "this csat state is invalid: 2 rating(s) of 0 are outside the scale 1..=5",
        ),
        (
            ("ces", vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]),
            "this ces state is invalid: 3 rating(s) of 10 are outside the scale 1..=7",
        ),
    ];
    for ((metric, counts), want) in cases {
        table(
            &ctx,
            "bad",
            &states_batch(&[(metric.to_string(), counts)]),
            &[],
        );
        for sql in [
            "SELECT cx_score(state) FROM bad",
            "SELECT cx_merge(state) FROM bad",
        ] {
            let err = run(&ctx, sql).unwrap_err();
            assert!(err.contains(want), "{sql}: {err}");
        }
    }
}

/// Merging past the largest count is an error, never a wrapped or
/// saturated count.
#[test]
fn merged_counts_never_overflow_silently() {
    let ctx = ctx(1);
    let mut big = vec![0u64; 11];
    big[9] = u64::MAX;
    let mut one_more = vec![0u64; 11];
    one_more[9] = 1;
    table(
        &ctx,
        "s",
        &states_batch(&[("nps".into(), big), ("nps".into(), one_more)]),
        &[],
    );
    let err = run(&ctx, "SELECT cx_merge(state) FROM s").unwrap_err();
    assert!(
        err.contains("cx_merge: merging nps states: overflow"),
        "{err}"
    );
}

/// `cx_merge` of no state, or of NULL states only, is NULL, and so is its
/// score; a state read back with other Arrow types (large strings, large
/// lists, nullable fields) is read the same.
#[test]
fn null_and_foreign_typed_states() {
    let ctx = ctx(1);
    table(
        &ctx,
        "s",
        &states_batch(&[("nps".to_string(), vec![1; 11])]),
        &[],
    );
    let got = one(
        &run(&ctx, "SELECT cx_merge(state) AS m, cx_score(cx_merge(state)) AS s FROM s WHERE state['metric'] = 'none'")
            .unwrap(),
    );
    assert!(got.column(0).is_null(0) && got.column(1).is_null(0));
    let got = one(&run(&ctx, "SELECT cx_score(NULL) AS s").unwrap());
    assert!(got.column(0).is_null(0));
    let got = one(
        &run(
            &ctx,
            "SELECT cx_score(named_struct('metric', arrow_cast('nps', 'LargeUtf8'), \
             'counts', arrow_cast(make_array(0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2), 'LargeList(UInt64)'))) AS s",
        )
        .unwrap(),
    );
    let s = got.column(0).as_struct();
    assert_eq!(common::u64_of(s, "n", 0), Some(6));
    assert_eq!(common::u64_of(s, "promoters", 0), Some(4));
}
