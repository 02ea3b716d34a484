//! Criterion benches of the engine (fixed seed, realistic sizes). Figures
//! and the machine they were measured on are in `benches/README.md`.
//!
//! - `kernel/rows`: the row path into the kernel: the same responses pushed
//!   one by one through `Engine::response_ingest` (row checks, interning,
//!   the columnar batch, then the kernel; 1,000 segments, NPS + CSAT + CES,
//!   segment × no-time cube, alert rules off). The kernel has no public
//!   entry of its own: the cells and their store are private (issue #17),
//!   so `kernel/histogram`, which called `engine::store` directly, is gone.
//! - `batch/columns`: the same responses through `Engine::ingest_columns`
//!   (scale checks, dictionary interning, batching, then the kernel) — the
//!   engine's hot path for callers holding columns; with the default alert
//!   rules (the uniform ratings raise an alert on most rows) and with every
//!   alert rule off (`columns-no-alerts`).
//! - `ingest/typed`: typed `Response` values, default cube (every dimension
//!   × day), demo organisation data.
//! - `ingest/jsonl`, `ingest/csv`: text straight to statistics.
//! - `query/year-by-segment`: NPS + CSAT + CES by segment × month over a
//!   year × 1,000 segments.
//! - `importance/johnson-pearson/20`: relative weights (Johnson) and Pearson
//!   with 20 predictors from co-moments.
//! - `report/build`, `report/markdown`, `report/html`: the demo
//!   organisation's full report (120 days), built from the engine, then
//!   rendered to Markdown and to self-contained HTML with SVG charts.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use cx_core::demo::{generate, DemoConfig, Rng};
use cx_core::engine::{
    CsvMapping, Cube, DimensionColumn, Engine, EngineConfig, Granularity, Query, ResponseColumns,
    ResponseRef,
};
use cx_core::plan::Plan;
use cx_core::record::Record;
use cx_core::report::{Report, ReportOptions};
use cx_core::score::{relative_importance, CoMoments};

fn bare_plan() -> Plan {
    Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Bench"}}"#).unwrap()
}

/// The bare plan with every alert rule off (the ingest report then carries
/// no alert).
fn quiet_plan() -> Plan {
    Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Bench"}, "thresholds": {"alerts": {"detractor": false, "csatBottomTwo": false, "cesAtMost": null}}}"#).unwrap()
}

fn segment_cube(g: Granularity) -> EngineConfig {
    EngineConfig {
        cube: Cube {
            dimensions: Some(vec!["segment".into()]),
            granularity: g,
        },
        ..EngineConfig::default()
    }
}

struct Columns {
    at: Vec<i64>,
    seg: Vec<u32>,
    nps: Vec<u8>,
    csat: Vec<u8>,
    ces: Vec<u8>,
    dict: Vec<String>,
}

fn columns(rows: usize, segments: usize) -> Columns {
    let mut rng = Rng(42);
    Columns {
        at: (0..rows)
            .map(|i| 1_767_225_600 + (i as i64 % 365) * 86_400)
            .collect(),
        seg: (0..rows).map(|_| rng.below(segments) as u32).collect(),
        nps: (0..rows).map(|_| rng.below(11) as u8).collect(),
        csat: (0..rows).map(|_| 1 + rng.below(5) as u8).collect(),
        ces: (0..rows).map(|_| 1 + rng.below(7) as u8).collect(),
        dict: (0..segments).map(|i| format!("segment-{i:04}")).collect(),
    }
}

/// The columns as the engine's columnar input (one segment dimension).
fn response_columns<'a>(data: &'a Columns, dict: &'a [&'a str]) -> ResponseColumns<'a> {
    ResponseColumns {
        at: &data.at,
        dimensions: vec![(
            "segment",
            DimensionColumn {
                dictionary: dict,
                codes: &data.seg,
            },
        )],
        nps: Some(&data.nps),
        csat: Some(&data.csat),
        ces: Some(&data.ces),
        ..ResponseColumns::default()
    }
}

/// Rows of the kernel and columnar-batch benches.
const KERNEL_ROWS: usize = 1_000_000;

fn bench_rows(c: &mut Criterion) {
    let data = columns(KERNEL_ROWS, 1000);
    let segments: Vec<&[u8]> = data
        .seg
        .iter()
        .map(|&s| data.dict[s as usize].as_bytes())
        .collect();
    let mut g = c.benchmark_group("kernel");
    g.throughput(Throughput::Elements(KERNEL_ROWS as u64));
    g.sample_size(10);
    g.bench_function("rows", |b| {
        b.iter(|| {
            let mut e = Engine::with_config(quiet_plan(), segment_cube(Granularity::None)).unwrap();
            let mut ingest = e.response_ingest();
            for (i, &segment) in segments.iter().enumerate() {
                ingest.push(&ResponseRef {
                    segment: Some(segment),
                    nps: Some(data.nps[i]),
                    csat: Some(data.csat[i]),
                    ces: Some(data.ces[i]),
                    ..ResponseRef::default()
                });
            }
            black_box(ingest.finish().unwrap().accepted)
        })
    });
    g.finish();
}

fn bench_batch(c: &mut Criterion) {
    let data = columns(KERNEL_ROWS, 1000);
    let dict: Vec<&str> = data.dict.iter().map(String::as_str).collect();
    let cols = response_columns(&data, &dict);
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(KERNEL_ROWS as u64));
    g.sample_size(10);
    g.bench_function("columns", |b| {
        b.iter(|| {
            let mut e = Engine::with_config(bare_plan(), segment_cube(Granularity::None)).unwrap();
            black_box(e.ingest_columns(&cols).unwrap().accepted)
        })
    });
    g.bench_function("columns-no-alerts", |b| {
        b.iter(|| {
            let mut e = Engine::with_config(quiet_plan(), segment_cube(Granularity::None)).unwrap();
            black_box(e.ingest_columns(&cols).unwrap().accepted)
        })
    });
    // The row path (the dense path takes no attribute column): the same
    // columns and one attribute rated like CSAT.
    let plan = Plan::from_json(r#"{"schemaVersion": 1, "organization": {"name": "Bench"}, "attributes": [{"id": "speed", "label": "Speed", "scale": {"min": 1, "max": 5}}]}"#).unwrap();
    let rated = ResponseColumns {
        attributes: vec![("speed", &data.csat[..])],
        ..response_columns(&data, &dict)
    };
    g.bench_function("columns-rows", |b| {
        b.iter(|| {
            let mut e = Engine::with_config(plan.clone(), segment_cube(Granularity::None)).unwrap();
            black_box(e.ingest_columns(&rated).unwrap().accepted)
        })
    });
    g.finish();
}

fn bench_ingest(c: &mut Criterion) {
    let plan = Plan::from_json(include_str!("../examples/data/plan.json")).unwrap();
    let data = generate(&DemoConfig {
        days: 120,
        ..DemoConfig::default()
    });
    let responses: Vec<Record> = data
        .records
        .iter()
        .filter(|r| matches!(r, Record::Response(_)))
        .cloned()
        .collect();
    let jsonl: String = responses
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10);
    g.throughput(Throughput::Elements(responses.len() as u64));
    g.bench_function("typed", |b| {
        b.iter(|| {
            let mut e = Engine::new(plan.clone()).unwrap();
            black_box(e.ingest_batch(&responses).unwrap().accepted)
        })
    });
    g.bench_function("jsonl", |b| {
        b.iter(|| {
            let mut e = Engine::new(plan.clone()).unwrap();
            black_box(e.ingest_json_lines(jsonl.as_bytes()).unwrap().accepted)
        })
    });
    // CSV: NPS + CSAT + CES by segment, 200k rows.
    let rows = 200_000;
    let d = columns(rows, 1000);
    let mut csv = String::from("date,segment,nps,csat,ces\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "2026-01-{:02},{},{},{},{}\n",
            1 + i % 28,
            d.dict[d.seg[i] as usize],
            d.nps[i],
            d.csat[i],
            d.ces[i]
        ));
    }
    let mapping = CsvMapping::from_json(r#"{"at": {"column": "date", "format": "date"}, "dimensions": {"segment": "segment"}, "nps": "nps", "csat": "csat", "ces": "ces"}"#).unwrap();
    g.throughput(Throughput::Elements(rows as u64));
    g.bench_function("csv", |b| {
        b.iter(|| {
            let mut e = Engine::with_config(bare_plan(), segment_cube(Granularity::None)).unwrap();
            black_box(e.ingest_csv(csv.as_bytes(), &mapping).unwrap().accepted)
        })
    });
    g.finish();
}

fn bench_query(c: &mut Criterion) {
    let data = columns(2_000_000, 1000);
    let dict: Vec<&str> = data.dict.iter().map(String::as_str).collect();
    let cols = response_columns(&data, &dict);
    let mut e = Engine::with_config(bare_plan(), segment_cube(Granularity::Day)).unwrap();
    e.ingest_columns(&cols).unwrap();
    let q = Query::from_json(
        r#"{"metrics": ["nps", "csat", "ces"], "groupBy": ["segment", "period:month"]}"#,
    )
    .unwrap();
    let mut g = c.benchmark_group("query");
    g.sample_size(10);
    g.throughput(Throughput::Elements(e.cell_count() as u64));
    g.bench_function("year-by-segment", |b| {
        b.iter(|| black_box(e.query(&q).unwrap().rows.len()))
    });
    g.finish();
}

fn bench_importance(c: &mut Criterion) {
    let mut rng = Rng(7);
    let k = 20;
    let mut co = CoMoments::new(k + 1);
    for _ in 0..20_000 {
        let base = rng.below(5) as i64;
        let mut row: Vec<i64> = (0..k)
            .map(|_| 1 + ((base + rng.below(3) as i64) % 5))
            .collect();
        let y = row.iter().take(5).sum::<i64>() / 2 + rng.below(3) as i64;
        row.push(y);
        co.add(&row).unwrap();
    }
    let mut g = c.benchmark_group("importance");
    g.bench_with_input(BenchmarkId::new("johnson-pearson", k), &co, |b, co| {
        b.iter(|| black_box(relative_importance(co, k).map(|i| i.r2).ok()))
    });
    g.finish();
}

fn bench_report(c: &mut Criterion) {
    let plan = Plan::from_json(include_str!("../examples/data/plan.json")).unwrap();
    let data = generate(&DemoConfig {
        days: 120,
        ..DemoConfig::default()
    });
    let mut e = Engine::new(plan).unwrap();
    e.ingest_batch(&data.records).unwrap();
    let options = ReportOptions::default();
    let report = Report::build(&e, &options).unwrap();
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.bench_function("build", |b| {
        b.iter(|| black_box(Report::build(&e, &options).unwrap()))
    });
    g.bench_function("markdown", |b| {
        b.iter(|| black_box(report.to_markdown().len()))
    });
    g.bench_function("html", |b| b.iter(|| black_box(report.to_html().len())));
    g.finish();
}

criterion_group!(
    benches,
    bench_rows,
    bench_batch,
    bench_ingest,
    bench_query,
    bench_importance,
    bench_report
);
criterion_main!(benches);
