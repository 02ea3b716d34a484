//! Cells that cost what they hold: an engine whose response cells are any
//! mix of sparse (packed rows) and dense (histograms and co-moments) cells
//! answers bit-identically to the all-dense representation on the same rows,
//! for every query shape, ingest split, merge order and snapshot round trip.

use cx_core::engine::{Engine, Query, Selection};
use cx_core::plan::Plan;
use cx_core::record::{Record, Response, Timestamp};
use proptest::prelude::*;

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn plan() -> Plan {
    Plan::from_json(PLAN).unwrap()
}

fn opt(v: Option<u8>, lo: u8, hi: u8) -> Option<u8> {
    v.map(|x| lo + x % (hi - lo + 1))
}

prop_compose! {
    /// A response in one of few cells (3 days × 2 segments × 2 teams), so
    /// cells hold from one row to well past any sparse threshold.
    fn response()(day in 0i64..3, seg in 0usize..2, team in 0usize..2, nps in any::<Option<u8>>(),
                  csat in any::<Option<u8>>(), ces in any::<Option<u8>>(), overall in any::<Option<u8>>(),
                  attrs in proptest::collection::vec(any::<Option<u8>>(), 12),
                  exps in proptest::collection::vec(any::<Option<u8>>(), 12)) -> Record {
        let plan = plan();
        let segs = ["families", "seniors"];
        let mut r = Response {
            at: Timestamp::from_unix(1_767_225_600 + day * 86_400 + 3_600).unwrap(),
            segment: Some(segs[seg].to_string()),
            team: Some(format!("team-{team}")),
            nps: opt(nps, 0, 10),
            csat: opt(csat, 1, 5),
            ces: opt(ces, 1, 7),
            overall: opt(overall, 0, 10),
            ..Response::default()
        };
        for ((a, v), e) in plan.attributes.iter().zip(attrs).zip(exps) {
            if let Some(v) = v {
                // Mostly answered on-scale, sometimes not applicable, with an
                // expectation now and then.
                let value = match a.not_applicable {
                    Some(na) if v % 7 == 0 => na,
                    _ => a.scale.min + v % (a.scale.max - a.scale.min + 1),
                };
                r.attributes.insert(a.id.clone(), value);
                if let Some(e) = e.filter(|e| e % 3 == 0) {
                    r.expectations.insert(a.id.clone(), a.scale.min + e % (a.scale.max - a.scale.min + 1));
                }
            }
        }
        Record::Response(r)
    }
}

fn queries() -> Vec<Query> {
    [
        r#"{}"#,
        r#"{"groupBy": ["segment"]}"#,
        r#"{"groupBy": ["team", "period:day"], "metrics": ["nps", "csat", "ces", "cesIndex", "tcs", "attribute:claim-speed", "attribute:wait-time"]}"#,
        r#"{"groupBy": ["period:isoWeek", "segment"], "metrics": ["nps"], "filters": {"team": ["team-1"]}}"#,
    ]
    .iter()
    .map(|q| serde_json::from_str(q).unwrap())
    .collect()
}

/// Every scorecard as text, and the exact statistics (histograms, gaps,
/// co-moments) of every segment and of the whole engine.
fn answers(e: &Engine) -> Vec<String> {
    let mut out: Vec<String> = queries()
        .iter()
        .map(|q| serde_json::to_string(&e.query(q).unwrap()).unwrap())
        .collect();
    for seg in [None, Some("families"), Some("seniors")] {
        let mut sel = Selection::default();
        if let Some(s) = seg {
            sel.filters.insert("segment".into(), vec![s.into()]);
        }
        out.push(format!("{:?}", e.totals(&sel).unwrap()));
    }
    out
}

fn engine(threshold: usize) -> Engine {
    let mut e = Engine::new(plan()).unwrap();
    e.set_sparse_threshold(threshold);
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn any_mix_of_sparse_and_dense_cells_answers_as_all_dense(
        records in proptest::collection::vec(response(), 1..400),
        threshold in 1usize..40,
        parts in proptest::collection::vec(0usize..4, 400),
        order in Just([0usize, 1, 2, 3]).prop_shuffle(),
    ) {
        let mut dense = engine(0);
        prop_assert_eq!(dense.ingest_batch(&records).unwrap().rejected, 0);
        let expected = answers(&dense);

        // One engine, mixed forms.
        let mut mixed = engine(threshold);
        mixed.ingest_batch(&records).unwrap();
        prop_assert_eq!(&answers(&mixed), &expected);

        // Four engines over a random split, merged in a random order; one of
        // them all dense.
        let mut split: Vec<Engine> = (0..4).map(|i| engine(if i == 2 { 0 } else { threshold })).collect();
        for (r, &p) in records.iter().zip(&parts) {
            split[p].ingest(r.clone()).unwrap();
        }
        let mut merged = engine(threshold);
        for &i in &order {
            merged.merge(&split[i]).unwrap();
        }
        prop_assert_eq!(&answers(&merged), &expected);

        // Snapshot round trips: the version-1 document through JSON text,
        // and the compact stream, which restores to the same stream.
        let text = serde_json::to_string(&merged.snapshot()).unwrap();
        let restored = Engine::restore(serde_json::from_str(&text).unwrap()).unwrap();
        prop_assert_eq!(&answers(&restored), &expected);
        prop_assert_eq!(&answers(&Engine::read_snapshot(text.as_bytes()).unwrap()), &expected);
        let mut stream = Vec::new();
        merged.write_snapshot(&mut stream).unwrap();
        let streamed = Engine::read_snapshot(&stream[..]).unwrap();
        prop_assert_eq!(&answers(&streamed), &expected);
        prop_assert_eq!(
            (streamed.stats().cells, streamed.stats().rows),
            (merged.stats().cells, merged.stats().rows)
        );
        let mut again = Vec::new();
        streamed.write_snapshot(&mut again).unwrap();
        prop_assert!(again == stream, "stream(read(stream)) != stream");
        prop_assert_eq!(merged.cell_count(), dense.cell_count());
        prop_assert_eq!(merged.stats().rows, records.len() as u64);
    }
}

/// A stream of a few cells, sparse and dense.
fn small_stream() -> (Engine, Vec<u8>) {
    let mut e = engine(3);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strat = proptest::collection::vec(response(), 40);
    let recs = proptest::strategy::ValueTree::current(&strat.new_tree(&mut runner).unwrap());
    e.ingest_batch(&recs).unwrap();
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes).unwrap();
    (e, bytes)
}

#[test]
fn a_cut_or_corrupted_stream_is_an_error_never_a_panic() {
    let (e, bytes) = small_stream();
    assert_eq!(
        answers(&Engine::read_snapshot(&bytes[..]).unwrap()),
        answers(&e)
    );
    // Cut anywhere: an error that says so.
    for cut in 0..bytes.len() {
        let err = Engine::read_snapshot(&bytes[..cut])
            .err()
            .unwrap_or_else(|| panic!("cut at {cut}"));
        assert_eq!(err.code(), "invalid-snapshot", "cut at {cut}");
    }
    let header_len = u64::from_le_bytes(bytes[8..16].try_into().unwrap()) as usize;
    let cells_at = 16 + header_len + 8;
    let err = Engine::read_snapshot(&bytes[..cells_at + 3])
        .unwrap_err()
        .to_string();
    assert!(err.contains("/responses/0") && err.contains("cut"), "{err}");
    // Any byte of the cells changed: an error or an engine that answers.
    for at in cells_at..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[at] ^= flip;
            if let Ok(r) = Engine::read_snapshot(&b[..]) {
                answers(&r);
            }
        }
    }
    // Trailing bytes are refused.
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Engine::read_snapshot(&longer[..]).is_err());
}
