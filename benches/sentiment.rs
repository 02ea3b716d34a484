//! Criterion bench of the VADER method (issue #20, the sentiment
//! throughput target): `Vader::polarity_scores` over the reference texts
//! of `cx-core/tests/data/vader/texts.jsonl`, one core. The Python peer,
//! `benches/peers/vader_peer.py`, times vaderSentiment 3.3.2 on the same
//! texts; figures and the machine are in `benches/README.md` ("Comment
//! sentiment (#20)").
//!
//! - `sentiment/reference-set`: all 866 texts once (90,187 bytes; five are
//!   long comments of 200 to 2,000 words).
//! - `sentiment/comments`: the 861 texts under 1,000 bytes (typical
//!   comments; median 9 words).
//!
//! Prints texts/s and MB/s of each after criterion's own report.

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cx_core::comment::vader::Vader;

/// The reference texts, in file order.
fn texts() -> Vec<String> {
    include_str!("../cx-core/tests/data/vader/texts.jsonl")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            v["text"].as_str().expect("a text").to_owned()
        })
        .collect()
}

/// The two sets: all texts, and the comments under 1,000 bytes.
fn sets() -> [(&'static str, Vec<String>); 2] {
    let all = texts();
    let short = all.iter().filter(|t| t.len() < 1_000).cloned().collect();
    [("reference-set", all), ("comments", short)]
}

/// Scores every text; the compound sum keeps the work observable.
fn score_all(vader: &Vader, texts: &[String]) -> f64 {
    texts
        .iter()
        .map(|t| vader.polarity_scores(black_box(t)).compound)
        .sum()
}

fn bench(c: &mut Criterion) {
    let vader = Vader::standard();
    let mut g = c.benchmark_group("sentiment");
    for (name, texts) in sets() {
        g.throughput(Throughput::Elements(texts.len() as u64));
        g.bench_function(name, |b| b.iter(|| score_all(vader, &texts)));
    }
    g.finish();
    // Texts/s and MB/s, best of 20 passes (the figure the peer prints).
    for (name, texts) in sets() {
        let bytes: usize = texts.iter().map(String::len).sum();
        let best = (0..20)
            .map(|_| {
                let t = Instant::now();
                black_box(score_all(vader, &texts));
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        println!(
            "sentiment/{name}: {} texts, {bytes} bytes, best {:.3} ms: {:.0} texts/s, {:.2} MB/s",
            texts.len(),
            best * 1e3,
            texts.len() as f64 / best,
            bytes as f64 / best / 1e6
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
