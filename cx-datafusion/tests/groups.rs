//! `GROUP BY` through the GroupsAccumulator: many groups give, group for
//! group, what the plain Accumulator gives (a window over each group uses
//! it), also when DataFusion skips partial aggregation (each row turned
//! into a state) and with `FILTER (WHERE …)`.

mod common;

use std::sync::Arc;

use common::{assert_same_columns, ctx, one, run, table};
use datafusion::arrow::array::{ArrayRef, Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::SessionContext;

/// `rows` rows over `groups` groups, pseudo-random ratings 0..=4 (with
/// NULLs), from a fixed-seed linear congruential generator.
fn batch(rows: usize, groups: i64) -> RecordBatch {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        x >> 33
    };
    let mut g = Vec::with_capacity(rows);
    let mut r = Vec::with_capacity(rows);
    for _ in 0..rows {
        g.push((next() % groups as u64) as i64);
        let v = next() % 6;
        r.push((v < 5).then_some(v as i64));
    }
    let schema = Schema::new(vec![
        Field::new("g", DataType::Int64, false),
        Field::new("r", DataType::Int64, true),
    ]);
    let columns: Vec<ArrayRef> = vec![Arc::new(Int64Array::from(g)), Arc::new(Int64Array::from(r))];
    RecordBatch::try_new(Arc::new(schema), columns).unwrap()
}

const CALLS: &str = "cx_nps(r) AS nps, cx_csat(r + 1) AS csat, cx_ces(r + 1, 0.9) AS ces, \
    cx_enps(r, 'wald') AS enps, cx_attribute(r) AS attr, cx_nps_state(r) AS st";

/// Asserts that the grouped query equals the per-group window query.
fn assert_grouped_equals_windowed(ctx: &SessionContext) {
    let grouped = one(&run(
        ctx,
        &format!("SELECT g, {CALLS} FROM t GROUP BY g ORDER BY g"),
    )
    .unwrap());
    let windowed = one(&run(
        ctx,
        &format!(
            "SELECT DISTINCT g, {} FROM t ORDER BY g",
            CALLS.replace(" AS ", " OVER (PARTITION BY g) AS ")
        ),
    )
    .unwrap());
    assert!(grouped.num_rows() > 1000, "{} groups", grouped.num_rows());
    assert_same_columns(&grouped, &windowed);
}

#[test]
fn many_groups_equal_the_accumulator_per_group() {
    let ctx = ctx(4);
    table(&ctx, "t", &batch(20_000, 1_500), &[5_000, 9_000, 14_000]);
    assert_grouped_equals_windowed(&ctx);
}

/// With partial aggregation skipped at once, every row becomes a state
/// (`convert_to_state`) and the final stage merges them.
#[test]
fn skipped_partial_aggregation_gives_the_same_groups() {
    let ctx = ctx(4);
    for (k, v) in [
        (
            "datafusion.execution.skip_partial_aggregation_probe_rows_threshold",
            "1",
        ),
        (
            "datafusion.execution.skip_partial_aggregation_probe_ratio_threshold",
            "0.0",
        ),
        ("datafusion.execution.batch_size", "512"),
    ] {
        run(&ctx, &format!("SET {k} = {v}")).unwrap();
    }
    table(&ctx, "t", &batch(20_000, 1_500), &[5_000, 9_000, 14_000]);
    assert_grouped_equals_windowed(&ctx);
}

/// `FILTER (WHERE …)` keeps only the rows it selects.
#[test]
fn filter_clause_keeps_the_selected_rows() {
    let ctx = ctx(2);
    table(&ctx, "t", &batch(20_000, 1_500), &[7_000]);
    let got = one(&run(
        &ctx,
        "SELECT g, cx_nps(r) FILTER (WHERE r > 2) AS a, \
             cx_nps(CASE WHEN r > 2 THEN r END) AS b FROM t GROUP BY g ORDER BY g",
    )
    .unwrap());
    assert_eq!(got.column(1).to_data(), got.column(2).to_data());
}
