//! Focused tests small enough for Miri (`scripts/ci/miri.sh`): the score
//! statistics and their merges, and engine ingest, merge, snapshot and
//! restore. `cx-core` has no `unsafe`; Miri checks what its dependencies
//! (serde_json, hashbrown, csv, nalgebra, statrs, chrono) do underneath.
//! They also run in a normal `cargo test`, with more cases.
//!
//! Cases come from a fixed-seed xorshift generator (no proptest: its
//! failure files need file-system access, which Miri isolates).

use cx_core::engine::{CsvMapping, Engine, Query, Snapshot};
use cx_core::plan::Plan;
use serde_json::Value;

use cx_core::score::{
    nps, nps_diff, proportion, relative_importance, CoMoments, Histogram, NpsCounts, NpsMethod,
};

const CASES: usize = if cfg!(miri) { 4 } else { 200 };
const PLAN: &str = include_str!("../../examples/data/plan.json");

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn counts(r: &mut Rng) -> NpsCounts {
    NpsCounts::new(r.below(50), r.below(50), r.below(50))
}

#[test]
fn nps_counts_merge_is_a_commutative_monoid() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..CASES {
        let (a, b, c) = (counts(&mut r), counts(&mut r), counts(&mut r));
        let mut ab_c = a;
        ab_c.merge(&b);
        ab_c.merge(&c);
        let mut bc = b;
        bc.merge(&c);
        let mut a_bc = a;
        a_bc.merge(&bc);
        assert_eq!(ab_c, a_bc);
        let mut ba = b;
        ba.merge(&a);
        let mut ab = a;
        ab.merge(&b);
        assert_eq!(ab, ba);
        let mut id = a;
        id.merge(&NpsCounts::default());
        assert_eq!(id, a);
        for method in [NpsMethod::Wald, NpsMethod::AdjustedWald, NpsMethod::Score] {
            let _ = nps(&ab, method, 0.95);
        }
        let _ = nps_diff(&a, &b, NpsMethod::Wald, 0.9);
        let _ = proportion(a.promoters, a.n(), 0.95);
    }
    // Saturating, never wrapping.
    let mut big = NpsCounts::new(u64::MAX, 1, 0);
    big.merge(&NpsCounts::new(5, 0, 0));
    assert_eq!(big.n(), u64::MAX);
}

#[test]
fn histogram_and_comoments_merge_equals_the_whole() {
    let mut r = Rng(12345);
    for _ in 0..CASES {
        let cols = 1 + r.below(4) as usize;
        let rows: Vec<Vec<i64>> = (0..r.below(12))
            .map(|_| (0..cols).map(|_| r.below(11) as i64 - 2).collect())
            .collect();
        let split = r.below(rows.len() as u64 + 1) as usize;
        let (mut whole, mut left, mut right) = (
            CoMoments::new(cols),
            CoMoments::default(),
            CoMoments::default(),
        );
        let (mut hw, mut hl, mut hr) = (
            Histogram::default(),
            Histogram::default(),
            Histogram::default(),
        );
        for (i, row) in rows.iter().enumerate() {
            whole.add(row).unwrap();
            let v = row[0].clamp(0, 10) as u8;
            hw.add(v).unwrap();
            if i < split {
                left.add(row).unwrap();
                hl.add(v).unwrap();
            } else {
                right.add(row).unwrap();
                hr.add(v).unwrap();
            }
        }
        left.merge(&right).unwrap();
        if !rows.is_empty() {
            assert_eq!(
                (left.n, &left.sums, &left.cross),
                (whole.n, &whole.sums, &whole.cross)
            );
        }
        hl.merge(&hr);
        assert_eq!(hl, hw);
        let _ = (hw.mean(), hw.sample_variance(), whole.correlation_matrix());
        let _ = relative_importance(&whole, cols - 1);
    }
    // Overflow is an error that changes nothing.
    let mut c = CoMoments::new(1);
    c.add(&[3_000_000_000]).unwrap();
    let before = c.clone();
    assert!(c.add(&[i64::MAX]).is_err());
    assert_eq!(c, before);
}

const LINES: &str = r#"{"id":"g1","at":"2026-01-05T09:00:00+01:00","segment":"families","touchpoint":"claims","team":"north","employee":"e1","nps":9,"csat":5,"ces":6,"attributes":{"wait-time":4,"claim-speed":5}}
{"id":"g2","at":"2026-01-06","segment":"seniors","nps":6,"csat":3,"ces":5,"attributes":{"wait-time":2,"claim-speed":0},"expectations":{"wait-time":4}}
{"id":"bad","at":"2026-01-06","nps":11}
{"kind":"employee","id":"w1","at":"2026-01-10","team":"north","enps":9,"satisfaction":{"workload":4,"recognition":2}}
{"kind":"audit","id":"a1","at":"2026-01-11","method":"callRecording","employee":"e1","team":"north","items":[{"rule":"rule-name","outcome":"pass"},{"rule":"rule-inform","outcome":"fail"}]}
{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":5000}
{"id":"g3","at":"2026-02-01","segment":"families","nps":10,"csat":4,"dimensions":{"region":"north"}}"#;

fn card(e: &Engine) -> Value {
    let q = Query::from_json(r#"{"groupBy": ["segment", "period:month"]}"#).unwrap();
    serde_json::to_value(e.query(&q).unwrap()).unwrap()
}

/// Equal up to the last bits of floats: Miri makes float functions
/// (sqrt, exp, erf…) deliberately imprecise in the last place.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn engine_merge_snapshot_restore() {
    let plan = Plan::from_json(PLAN).unwrap();
    let empty = Engine::new(plan).unwrap();
    let mut whole = empty.clone();
    let r = whole.ingest_json_lines(LINES.as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected, r.total), (6, 1, 7));
    let lines: Vec<&str> = LINES.lines().collect();
    let cases = if cfg!(miri) { 2 } else { lines.len() + 1 };
    for k in (0..=lines.len()).step_by((lines.len() + 1) / cases) {
        let (mut a, mut b) = (empty.clone(), empty.clone());
        a.ingest_json_lines(lines[..k].join("\n").as_bytes())
            .unwrap();
        b.ingest_json_lines(lines[k..].join("\n").as_bytes())
            .unwrap();
        a.merge(&b).unwrap();
        assert!(same(&card(&a), &card(&whole)), "split at {k}");
    }
    let text = serde_json::to_string(&whole.snapshot()).unwrap();
    let s: Snapshot = serde_json::from_str(&text).unwrap();
    let restored = Engine::restore(s).unwrap();
    assert!(same(&card(&restored), &card(&whole)));
    let mut twice = restored.clone();
    twice.merge(&whole).unwrap();
    let m = CsvMapping::from_json(
        r#"{"fixedAt":"2026-01-05","nps":"nps","dimensions":{"segment":"seg"}}"#,
    )
    .unwrap();
    let r = twice
        .ingest_csv(b"nps,seg\n9,families\nx,seniors\n", &m)
        .unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 1));
}
