//! C ABI ingest vs typed ingest (SPEC §5.6; results in benches/README.md).
//!
//! The same customer responses — the data and cube of the typed-ingest
//! bench `ingest/typed` in `benches/engine.rs`: the demo organisation over
//! 120 days, the sample plan `examples/data/plan.json`, the default cube
//! (every dimension × day) — go in
//! through `Engine::ingest_responses` (typed rows, report as a Rust
//! value), through `cx_engine_ingest_rows` (C structs, called through the
//! `cx-ffi` rlib; counts and alerts read as C values, result freed) and
//! through `cx_engine_ingest_responses` (the same, report serialised to
//! JSON and freed). Each
//! iteration ingests into a fresh engine. The demo generator is seeded, so
//! every run sees the same rows.

use std::ffi::{c_char, CString};
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::Plan;
use cx_core::record::{Record, Response};
use cx_ffi::{
    cx_attribute, cx_buffer, cx_buffer_free, cx_dimension, cx_engine, cx_engine_free,
    cx_engine_ingest_responses, cx_engine_ingest_rows, cx_engine_new, cx_ingest_result_alerts,
    cx_ingest_result_counts, cx_ingest_result_free, cx_plan_free, cx_plan_new, cx_response,
    cx_status,
};

const PLAN: &str = include_str!("../examples/data/plan.json");
/// The data and cube of the typed-ingest bench of `benches/engine.rs`
/// (`ingest/typed`): the demo organisation's customer responses over 120
/// days (seed 7, about 60 a day), the sample plan, the default cube.
fn responses() -> Vec<Response> {
    generate(&DemoConfig {
        days: 120,
        ..DemoConfig::default()
    })
    .records
    .into_iter()
    .filter_map(|r| match r {
        Record::Response(r) => Some(r),
        _ => None,
    })
    .collect()
}

/// The same rows as C structs, with the strings they point to.
struct CRows {
    rows: Vec<cx_response>,
    _strings: Vec<CString>,
    _attributes: Vec<Vec<cx_attribute>>,
    _dimensions: Vec<Vec<cx_dimension>>,
}

fn c_rows(data: &[Response]) -> CRows {
    let mut strings = Vec::new();
    let mut keep = |s: &Option<String>| -> *const c_char {
        match s {
            None => std::ptr::null(),
            Some(s) => {
                let c = CString::new(s.as_str()).unwrap();
                let p = c.as_ptr();
                strings.push(c);
                p
            }
        }
    };
    let mut attributes = Vec::new();
    let mut dimensions = Vec::new();
    let mut rows = Vec::new();
    for r in data {
        let mut row = cx_response::empty();
        row.id = keep(&r.id);
        row.at = r.at.unix();
        row.segment = keep(&r.segment);
        row.touchpoint = keep(&r.touchpoint);
        row.channel = keep(&r.channel);
        row.team = keep(&r.team);
        row.employee = keep(&r.employee);
        let score = |v: Option<u8>| v.map_or(-1, i16::from);
        row.nps = score(r.nps);
        row.csat = score(r.csat);
        row.ces = score(r.ces);
        row.overall = score(r.overall);
        let mut pairs = |m: &std::collections::BTreeMap<String, u8>| -> Vec<cx_attribute> {
            m.iter()
                .map(|(k, &v)| cx_attribute {
                    id: keep(&Some(k.clone())),
                    value: v as i8,
                })
                .collect()
        };
        let attrs = pairs(&r.attributes);
        let expect = pairs(&r.expectations);
        let dims: Vec<cx_dimension> = r
            .dimensions
            .iter()
            .map(|(k, v)| cx_dimension {
                id: keep(&Some(k.clone())),
                value: keep(&Some(v.clone())),
            })
            .collect();
        row.attributes = attrs.as_ptr();
        row.attributes_len = attrs.len();
        row.expectations = expect.as_ptr();
        row.expectations_len = expect.len();
        row.dimensions = dims.as_ptr();
        row.dimensions_len = dims.len();
        attributes.push(attrs);
        attributes.push(expect);
        dimensions.push(dims);
        rows.push(row);
    }
    CRows {
        rows,
        _strings: strings,
        _attributes: attributes,
        _dimensions: dimensions,
    }
}

/// An engine handle freed on drop (criterion drops outputs outside the
/// measurement, as it does the typed engine).
struct Handle(*mut cx_engine);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: from cx_engine_new, freed once.
        unsafe { cx_engine_free(self.0) }
    }
}

fn c_engine() -> Handle {
    let mut plan = std::ptr::null_mut();
    let mut engine = std::ptr::null_mut();
    // SAFETY: valid arguments; the plan is freed after the engine copied it.
    unsafe {
        assert_eq!(
            cx_plan_new(PLAN.as_ptr().cast(), PLAN.len(), &mut plan),
            cx_status::Ok
        );
        assert_eq!(cx_engine_new(plan, &mut engine), cx_status::Ok);
        cx_plan_free(plan);
    }
    Handle(engine)
}

fn bench(c: &mut Criterion) {
    let plan = Plan::from_json(PLAN).unwrap();
    let data = responses();
    let n = data.len();
    let crows = c_rows(&data);
    let mut g = c.benchmark_group("ingest_demo_120_days");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    g.bench_function("typed Engine::ingest_responses", |b| {
        b.iter_batched(
            || Engine::new(plan.clone()).unwrap(),
            |mut e| {
                let report = e.ingest_responses(black_box(&data)).unwrap();
                assert_eq!(report.accepted, n as u64);
                (e, report)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("C ABI cx_engine_ingest_rows", |b| {
        b.iter_batched(
            c_engine,
            |e| {
                let mut result = std::ptr::null_mut();
                let (mut total, mut accepted) = (0, 0);
                let mut alerts = std::ptr::null();
                // SAFETY: rows valid for the call; the result is freed.
                unsafe {
                    let s =
                        cx_engine_ingest_rows(e.0, black_box(crows.rows.as_ptr()), n, &mut result);
                    assert_eq!(s, cx_status::Ok);
                    cx_ingest_result_counts(
                        result,
                        &mut total,
                        &mut accepted,
                        std::ptr::null_mut(),
                    );
                    black_box(cx_ingest_result_alerts(result, &mut alerts));
                    cx_ingest_result_free(result);
                }
                assert_eq!((total, accepted), (n as u64, n as u64));
                e
            },
            BatchSize::PerIteration,
        );
    });
    g.bench_function("C ABI cx_engine_ingest_responses (JSON report)", |b| {
        b.iter_batched(
            c_engine,
            |e| {
                let mut report = cx_buffer {
                    ptr: std::ptr::null_mut(),
                    len: 0,
                };
                // SAFETY: rows valid for the call; the buffer is freed.
                unsafe {
                    let s = cx_engine_ingest_responses(
                        e.0,
                        black_box(crows.rows.as_ptr()),
                        n,
                        &mut report,
                    );
                    assert_eq!(s, cx_status::Ok);
                    cx_buffer_free(&mut report);
                }
                e
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
