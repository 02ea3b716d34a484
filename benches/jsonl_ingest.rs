//! Native ingest throughput on the data `benches/wasm_ingest.mjs` gives the
//! WebAssembly build: `examples/data/responses.jsonl` (the seeded sample,
//! 1,211 records) repeated to 50,000 records, into the default cube (every
//! dimension × day) of the sample plan. Three paths: JSON Lines text, a JSON
//! array text (what `engine.ingest(array).unwrap()` does in JS after
//! `JSON.stringify`), and typed records parsed beforehand.
//!
//! The group `ingest_comments` (issue #20) gives every customer response a comment
//! (one of [`COMMENTS`], realistic customer comments of 40 to 300 bytes)
//! and measures the JSON Lines ingest with and without them: the cost of
//! scoring and filing comments (VADER and the sample plan's themes).
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

/// Realistic comments: praise, complaints, negation, "but", capitals,
/// emoji, a long one.
const COMMENTS: [&str; 8] = [
    "The adjuster called back the same day and explained everything. Great service!",
    "Still waiting for my claim after three weeks, nobody answers the phone.",
    "Not bad, but the online form kept crashing and I had to start again :(",
    "VERY slow settlement. I will not renew.",
    "Friendly staff at the branch, quick and easy 😊",
    "The claim was paid, the process was fine.",
    "I was promised a call back twice and it never happened. The delay is unacceptable and the \
     person on the phone was rude. I have been a customer for twelve years and I expected better.",
    "Kind of confusing letter about the excess, otherwise ok",
];

fn with_comments(jsonl: &str) -> String {
    let mut out = String::with_capacity(jsonl.len() * 2);
    for (i, line) in jsonl.lines().enumerate() {
        // Customer responses (no `kind`) get a comment; the other records
        // of the sample stay as they are.
        if line.contains("\"kind\"") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let comment = serde_json::to_string(COMMENTS[i % COMMENTS.len()]).unwrap();
        let body = line.trim_end().strip_suffix('}').unwrap();
        out.push_str(&format!("{body},\"comment\":{comment}}}\n"));
    }
    out
}

fn bench_comments(c: &mut Criterion) {
    let plan = Plan::from_json(PLAN).unwrap();
    let empty = Engine::new(plan).unwrap();
    let (jsonl, _, _) = data();
    let commented = with_comments(&jsonl);
    let mut g = c.benchmark_group("ingest_comments");
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.sample_size(10);
    for (name, text) in [("without", &jsonl), ("with", &commented)] {
        g.bench_function(name, |b| {
            b.iter_batched(
                || empty.clone(),
                |mut e| assert_eq!(e.ingest_json_lines(text.as_bytes()).unwrap().rejected, 0),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench, bench_comments);
criterion_main!(benches);
