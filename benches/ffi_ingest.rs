//! C ABI ingest vs typed ingest (SPEC §5.6; results in benches/README.md).
//!
//! The same N = 100,000 customer responses (sample plan
//! `examples/data/plan.json`, default cube: every dimension × day) go in
//! through `Engine::ingest_responses` (typed rows, report as a Rust
//! value), through `cx_engine_ingest_rows` (C structs, called through the
//! `cx-ffi` rlib; counts and alerts read as C values, result freed) and
//! through `cx_engine_ingest_responses` (the same, report serialised to
//! JSON and freed). Each
//! iteration ingests into a fresh engine. The data come from a fixed-seed
//! LCG, so every run sees the same rows.

use std::ffi::{c_char, CString};
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use cx_core::engine::Engine;
use cx_core::plan::Plan;
use cx_core::record::{Response, Timestamp};
use cx_ffi::{
    cx_attribute, cx_buffer, cx_buffer_free, cx_engine, cx_engine_free, cx_engine_ingest_responses,
    cx_engine_ingest_rows, cx_engine_new, cx_ingest_result_alerts, cx_ingest_result_counts,
    cx_ingest_result_free, cx_plan_free, cx_plan_new, cx_response, cx_status,
};

const PLAN: &str = include_str!("../examples/data/plan.json");
const N: usize = 100_000;

/// Knuth's MMIX LCG; the high bits are the random ones.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const NPS: [u8; 20] = [
    0, 3, 5, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 10,
];
const CSAT: [u8; 20] = [1, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5];
const CES: [u8; 20] = [1, 2, 3, 4, 4, 5, 5, 5, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7];

/// The data set as typed rows.
fn responses(plan: &Plan) -> Vec<Response> {
    let mut rng = Lcg(0x5eed);
    let segments = ["families", "seniors", "young-drivers", "business"];
    let touchpoints: Vec<&str> = plan.processes.iter().map(|p| p.id.as_str()).collect();
    let channels = ["phone", "web", "branch"];
    let teams = ["north", "south", "east", "west"];
    let start = 1_767_225_600; // 2026-01-01
    (0..N)
        .map(|i| {
            let team = teams[rng.below(4) as usize];
            let mut r = Response {
                id: Some(format!("call-{i}")),
                at: Timestamp::from_unix(start + rng.below(90 * 86_400) as i64).unwrap(),
                segment: Some(segments[rng.below(4) as usize].into()),
                touchpoint: Some(touchpoints[rng.below(touchpoints.len() as u64) as usize].into()),
                channel: Some(channels[rng.below(3) as usize].into()),
                team: Some(team.into()),
                employee: Some(format!("{team}-{}", rng.below(20))),
                // Skewed to the top, as real survey data: 20% detractors,
                // 10% CSAT in the bottom two boxes, 10% CES <= 2.
                nps: Some(NPS[rng.below(20) as usize]),
                csat: Some(CSAT[rng.below(20) as usize]).filter(|_| rng.below(4) > 0),
                ces: Some(CES[rng.below(20) as usize]).filter(|_| rng.below(2) > 0),
                ..Response::default()
            };
            for a in &plan.attributes {
                if rng.below(3) > 0 {
                    r.attributes.insert(
                        a.id.clone(),
                        a.scale.min + rng.below(u64::from(a.scale.max - a.scale.min) + 1) as u8,
                    );
                }
            }
            r
        })
        .collect()
}

/// The same rows as C structs, with the strings they point to.
struct CRows {
    rows: Vec<cx_response>,
    _strings: Vec<CString>,
    _attributes: Vec<Vec<cx_attribute>>,
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
        let attrs: Vec<cx_attribute> = r
            .attributes
            .iter()
            .map(|(k, &v)| cx_attribute {
                id: keep(&Some(k.clone())),
                value: v as i8,
            })
            .collect();
        row.attributes = attrs.as_ptr();
        row.attributes_len = attrs.len();
        attributes.push(attrs);
        rows.push(row);
    }
    CRows {
        rows,
        _strings: strings,
        _attributes: attributes,
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
    let data = responses(&plan);
    let crows = c_rows(&data);
    let mut g = c.benchmark_group("ingest_100k");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("typed Engine::ingest_responses", |b| {
        b.iter_batched(
            || Engine::new(plan.clone()).unwrap(),
            |mut e| {
                let report = e.ingest_responses(black_box(&data));
                assert_eq!(report.accepted, N as u64);
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
                        cx_engine_ingest_rows(e.0, black_box(crows.rows.as_ptr()), N, &mut result);
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
                assert_eq!((total, accepted), (N as u64, N as u64));
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
                        N,
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
