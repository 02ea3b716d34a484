//! The DataFusion side of the Parquet peer harness (`benches/peers/parquet.py`,
//! issue #18 item 5): query (b), NPS + CSAT + CES by segment, over one
//! Parquet file, with DataFusion's own hand-written SQL (`sum(case …)`) or
//! with cx's aggregate functions, in this process or on a Ballista cluster;
//! `floor` counts the answers per segment only (the scan and grouping that
//! any (b) pays), and prints no rows.
//!
//! ```text
//! df-peers --file F --mode hand|cx|floor [--threads T] [--repeat R] [--scheduler df://HOST:PORT]
//! ```
//!
//! Prints one JSON object: the best of R timed runs (seconds, from the SQL
//! text to the collected result, Parquet read included) and the rows in the
//! harness's shape: `{"key": [segment], "nps": [n, value], "csat": [n, value],
//! "ces": [n, value]}`.

use std::time::Instant;

use ballista_core::extension::SessionConfigExt;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::error::Result;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use serde_json::{json, Value};

/// DataFusion's own SQL for (b): the figures cx computes, by hand.
const HAND: &str = "SELECT segment, \
    count(nps) AS nps_n, \
    100.0 * (sum(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) - sum(CASE WHEN nps <= 6 THEN 1 ELSE 0 END)) / count(nps) AS nps_value, \
    count(csat) AS csat_n, \
    100.0 * sum(CASE WHEN csat >= 4 THEN 1 ELSE 0 END) / count(csat) AS csat_value, \
    count(ces) AS ces_n, \
    avg(ces) AS ces_value \
    FROM t GROUP BY segment";

/// The floor of any (b): the same scan and grouping, counting only.
const FLOOR: &str = "SELECT segment, count(nps) AS nps_n, count(csat) AS csat_n, \
    count(ces) AS ces_n FROM t GROUP BY segment";

/// The same with cx's functions (intervals and flags computed too).
const CX: &str = "SELECT segment, \
    s.nps['n'] AS nps_n, s.nps['value'] AS nps_value, \
    s.csat['n'] AS csat_n, s.csat['value'] AS csat_value, \
    s.ces['n'] AS ces_n, s.ces['value'] AS ces_value \
    FROM (SELECT segment, cx_nps(nps) AS nps, cx_csat(csat) AS csat, cx_ces(ces) AS ces \
          FROM t GROUP BY segment) AS s";

struct Args {
    file: String,
    mode: String,
    threads: usize,
    repeat: usize,
    scheduler: Option<String>,
}

fn args() -> std::result::Result<Args, String> {
    let mut a = Args {
        file: String::new(),
        mode: "cx".into(),
        threads: 1,
        repeat: 3,
        scheduler: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--file" => a.file = value,
            "--mode" => a.mode = value,
            "--threads" => a.threads = value.parse().map_err(|_| "--threads: a number")?,
            "--repeat" => a.repeat = value.parse().map_err(|_| "--repeat: a number")?,
            "--scheduler" => a.scheduler = Some(value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if a.file.is_empty() {
        return Err("--file is required".into());
    }
    Ok(a)
}

async fn context(a: &Args) -> Result<SessionContext> {
    let ctx = match &a.scheduler {
        None => {
            let ctx = SessionContext::new_with_config(
                SessionConfig::new().with_target_partitions(a.threads),
            );
            cx_datafusion::register(&ctx);
            ctx
        }
        Some(url) => {
            let config = SessionConfig::new_with_ballista().with_target_partitions(a.threads);
            cx_datafusion::cluster::connect_with_config(url, config).await?
        }
    };
    ctx.register_parquet("t", &a.file, ParquetReadOptions::default())
        .await?;
    Ok(ctx)
}

fn column_f64(b: &RecordBatch, i: usize) -> Vec<Option<f64>> {
    let c = cast(b.column(i), &DataType::Float64).expect("a numeric column");
    let c = c.as_primitive::<Float64Type>();
    (0..c.len())
        .map(|r| c.is_valid(r).then(|| c.value(r)))
        .collect()
}

fn column_i64(b: &RecordBatch, i: usize) -> Vec<i64> {
    let c = cast(b.column(i), &DataType::Int64).expect("a count column");
    c.as_primitive::<Int64Type>().values().to_vec()
}

fn shape(batches: &[RecordBatch]) -> Vec<Value> {
    let mut rows = Vec::new();
    for b in batches {
        let seg = cast(b.column(0), &DataType::Utf8).expect("segment as text");
        let seg = seg.as_string::<i32>();
        let (n, v): (Vec<_>, Vec<_>) = [1, 3, 5]
            .iter()
            .map(|&i| (column_i64(b, i), column_f64(b, i + 1)))
            .unzip();
        for r in 0..b.num_rows() {
            rows.push(json!({
                "key": [seg.value(r)],
                "nps": [n[0][r], v[0][r]], "csat": [n[1][r], v[1][r]], "ces": [n[2][r], v[2][r]],
            }));
        }
    }
    rows
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.threads)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let sql = match a.mode.as_str() {
        "hand" => HAND,
        "floor" => FLOOR,
        _ => CX,
    };
    let out = rt.block_on(async {
        let ctx = context(&a).await?;
        let mut best = f64::INFINITY;
        let mut batches = Vec::new();
        for _ in 0..a.repeat {
            let t = Instant::now();
            batches = ctx.sql(sql).await?.collect().await?;
            best = best.min(t.elapsed().as_secs_f64());
        }
        Ok::<_, datafusion::error::DataFusionError>((best, batches))
    });
    match out {
        Ok((seconds, batches)) => {
            let engine = format!("datafusion-{}", a.mode);
            let results = if a.mode == "floor" {
                Vec::new()
            } else {
                shape(&batches)
            };
            println!(
                "{}",
                json!({"engine": engine, "seconds": seconds, "results": results})
            );
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
