//! Helpers of the cx-datafusion tests: a session with cx's functions, an
//! in-memory table split into partitions, a query's rows, a struct's fields.

#![allow(dead_code)]

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, RecordBatch, StructArray};
use datafusion::arrow::datatypes::{Float64Type, UInt64Type};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};

/// A session with every cx function, `partitions` target partitions.
pub fn ctx(partitions: usize) -> SessionContext {
    let ctx =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    cx_datafusion::register(&ctx);
    ctx
}

/// Registers `batch` as table `name`, its rows cut at `cuts` (sorted row
/// indices) into partitions.
pub fn table(ctx: &SessionContext, name: &str, batch: &RecordBatch, cuts: &[usize]) {
    let mut parts = Vec::new();
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&batch.num_rows())) {
        let c = c.clamp(start, batch.num_rows());
        parts.push(vec![batch.slice(start, c - start)]);
        start = c;
    }
    let table = MemTable::try_new(batch.schema(), parts).unwrap();
    ctx.deregister_table(name).unwrap();
    ctx.register_table(name, Arc::new(table)).unwrap();
}

/// Runs `sql` on a fresh runtime; the batches or the error text.
pub fn run(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let df = ctx.sql(sql).await.map_err(|e| e.to_string())?;
        df.collect().await.map_err(|e| e.to_string())
    })
}

/// The batches as one batch.
pub fn one(batches: &[RecordBatch]) -> RecordBatch {
    datafusion::arrow::compute::concat_batches(&batches[0].schema(), batches).unwrap()
}

/// A float field of row `row` of a struct column.
pub fn f64_of(s: &StructArray, field: &str, row: usize) -> Option<f64> {
    let c = s
        .column_by_name(field)
        .unwrap()
        .as_primitive::<Float64Type>();
    c.is_valid(row).then(|| c.value(row))
}

/// A count field of row `row` of a struct column.
pub fn u64_of(s: &StructArray, field: &str, row: usize) -> Option<u64> {
    let c = s
        .column_by_name(field)
        .unwrap()
        .as_primitive::<UInt64Type>();
    c.is_valid(row).then(|| c.value(row))
}

/// A text field of row `row` of a struct column.
pub fn str_of(s: &StructArray, field: &str, row: usize) -> Option<String> {
    let c = s.column_by_name(field).unwrap().as_string::<i32>();
    c.is_valid(row).then(|| c.value(row).to_string())
}

/// The flags of row `row` of a score column.
pub fn flags_of(s: &StructArray, row: usize) -> Vec<String> {
    let c = s.column_by_name("flags").unwrap().as_list::<i32>();
    let v = c.value(row);
    let v = v.as_string::<i32>();
    (0..v.len()).map(|i| v.value(i).to_string()).collect()
}

/// Row `row` of a state column: its metric and counts (None when null).
pub fn state_of(s: &StructArray, row: usize) -> Option<(String, Vec<u64>)> {
    if s.is_null(row) {
        return None;
    }
    let metric = str_of(s, "metric", row)?;
    let counts = s
        .column_by_name("counts")
        .unwrap()
        .as_list::<i32>()
        .value(row);
    let counts = counts.as_primitive::<UInt64Type>().values().to_vec();
    Some((metric, counts))
}

/// Asserts that two results have the same rows, column for column (the
/// Arrow data: every value, every null, every nested field).
pub fn assert_same_columns(a: &RecordBatch, b: &RecordBatch) {
    assert_eq!(a.num_rows(), b.num_rows(), "rows");
    assert_eq!(a.num_columns(), b.num_columns(), "columns");
    for c in 0..a.num_columns() {
        let name = a.schema().field(c).name().clone();
        assert_eq!(a.column(c).to_data(), b.column(c).to_data(), "{name}");
    }
}
