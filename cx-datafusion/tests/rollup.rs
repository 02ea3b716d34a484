//! The rollup law through SQL: daily states written to Parquet, read back
//! and merged into months, equal the months computed from the rows (the
//! states bit for bit, the scores field for field).

mod common;

use std::sync::Arc;

use common::{assert_same_columns, ctx, one, run, state_of, table};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Array, Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Date32Type, Field, Int64Type, Schema};

/// 3 000 rows over the 70 days from 2026-01-20 to 2026-03-30 (three months), ratings 0..=4
/// and NULLs from a fixed-seed generator.
fn batch() -> RecordBatch {
    let mut x: u64 = 42;
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    // 2026-01-20 is day 20_473 since 1970-01-01.
    let (mut day, mut r) = (Vec::new(), Vec::new());
    for _ in 0..3_000 {
        day.push(20_473 + (next() % 70) as i32);
        let v = next() % 6;
        r.push((v < 5).then_some(v as i64));
    }
    let schema = Schema::new(vec![
        Field::new("day", DataType::Date32, false),
        Field::new("r", DataType::Int64, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Date32Array::from(day)),
        Arc::new(Int64Array::from(r)),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).unwrap()
}

#[test]
fn daily_states_merged_equal_the_month_from_rows() {
    let dir = std::env::temp_dir().join(format!("cx-datafusion-rollup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("daily.parquet");
    let ctx = ctx(4);
    table(&ctx, "t", &batch(), &[700, 1_500, 2_200]);
    let copy = format!(
        "COPY (SELECT day, cx_nps_state(r) AS nps, cx_csat_state(r + 1) AS csat, \
         cx_attribute_state(r) AS attr FROM t GROUP BY day) TO '{}' STORED AS PARQUET",
        path.display()
    );
    run(&ctx, &copy).unwrap();
    let register = format!(
        "CREATE EXTERNAL TABLE daily STORED AS PARQUET LOCATION '{}'",
        path.display()
    );
    run(&ctx, &register).unwrap();

    let from_states = one(&run(
        &ctx,
        "SELECT date_trunc('month', day) AS m, cx_merge(nps) AS nps_state, \
             cx_score(cx_merge(nps), 0.9, 'wald') AS nps, cx_score(cx_merge(csat)) AS csat, \
             cx_score(cx_merge(attr)) AS attr FROM daily GROUP BY m ORDER BY m",
    )
    .unwrap());
    let from_rows = one(&run(
        &ctx,
        "SELECT date_trunc('month', day) AS m, cx_nps_state(r) AS nps_state, \
             cx_nps(r, 0.9, 'wald') AS nps, cx_csat(r + 1) AS csat, cx_attribute(r) AS attr \
             FROM t GROUP BY m ORDER BY m",
    )
    .unwrap());
    assert_eq!(from_states.num_rows(), 3, "January, February, March");
    assert_same_columns(&from_states, &from_rows);
    // The reference, counted here from the rows: month → NPS histogram.
    let rows = batch();
    let (days, ratings) = (
        rows.column(0).as_primitive::<Date32Type>(),
        rows.column(1).as_primitive::<Int64Type>(),
    );
    let mut months = [[0u64; 11]; 3];
    for i in 0..rows.num_rows() {
        // Days 20_454.., 20_485.., 20_513..: January, February, March 2026.
        let m = match days.value(i) {
            d if d < 20_485 => 0,
            d if d < 20_513 => 1,
            _ => 2,
        };
        if ratings.is_valid(i) {
            months[m][ratings.value(i) as usize] += 1;
        }
    }
    let states = from_states.column(1).as_struct();
    for (m, want) in months.iter().enumerate() {
        assert_eq!(
            state_of(states, m),
            Some(("nps".to_string(), want.to_vec())),
            "month {m}"
        );
    }
    // The months' states merge again into the quarter.
    let quarter = one(&run(&ctx, "SELECT cx_score(cx_merge(nps)) FROM daily").unwrap());
    let direct = one(&run(&ctx, "SELECT cx_nps(r) FROM t").unwrap());
    assert_eq!(quarter.column(0).to_data(), direct.column(0).to_data());
    std::fs::remove_dir_all(&dir).unwrap();
}
