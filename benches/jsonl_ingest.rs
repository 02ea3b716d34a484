//! Native ingest throughput on the data `benches/wasm_ingest.mjs` gives the
//! WebAssembly build: `examples/data/responses.jsonl` (the seeded sample,
//! 1,211 records) repeated to 50,000 records, into the default cube (every
//! dimension × day) of the sample plan. Three paths: JSON Lines text, a JSON
//! array text (what `engine.ingest(array).unwrap()` does in JS after
//! `JSON.stringify`), and typed records parsed beforehand.
//!
//! ```text
//! cargo bench --bench jsonl_ingest
//! ```

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use cx_core::engine::Engine;
use cx_core::plan::Plan;
use cx_core::record::Record;

const PLAN: &str = include_str!("../examples/data/plan.json");
const SAMPLE: &str = include_str!("../examples/data/responses.jsonl");
/// Records per iteration (same as benches/wasm_ingest.mjs).
const RECORDS: usize = 50_000;

fn data() -> (String, String, Vec<Record>) {
    let lines: Vec<&str> = SAMPLE.lines().filter(|l| !l.trim().is_empty()).collect();
    let picked: Vec<&str> = (0..RECORDS).map(|i| lines[i % lines.len()]).collect();
    let jsonl = picked.join("\n") + "\n";
    let array = format!("[{}]", picked.join(","));
    let records = picked
        .iter()
        .map(|l| Record::from_json(l).unwrap())
        .collect();
    (jsonl, array, records)
}

fn bench(c: &mut Criterion) {
    let plan = Plan::from_json(PLAN).unwrap();
    let empty = Engine::new(plan).unwrap();
    let (jsonl, array, records) = data();
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.sample_size(10);
    g.bench_function("json_lines", |b| {
        b.iter_batched(
            || empty.clone(),
            |mut e| assert_eq!(e.ingest_json_lines(jsonl.as_bytes()).unwrap().rejected, 0),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("json_array", |b| {
        b.iter_batched(
            || empty.clone(),
            |mut e| assert_eq!(e.ingest_json(&array).unwrap().rejected, 0),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("typed_records", |b| {
        b.iter_batched(
            || empty.clone(),
            |mut e| assert_eq!(e.ingest_batch(&records).unwrap().rejected, 0),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
