//! The alerts an engine keeps are the newest `limits.maxAlertsKept` of every
//! alert raised, by `at`, then record id (absent first), then reason: the
//! same whatever the path — one call, a stream in pieces, split files
//! ingested in sequence or merged in any order, parallel parts, typed rows,
//! CSV, columns, a snapshot restored — and whatever the listing limit.
//!
//! `index` and `line` are positions in the call that ingested a record, so
//! paths that cut the input into several calls are compared without them
//! ([`unplaced`]); paths over one whole input are compared exactly.

use cx_core::engine::{
    Alert, AlertReason, CsvFeed, CsvMapping, DimensionColumn, Engine, EngineConfig, JsonLinesFeed,
    Limits, ResponseColumns, Snapshot, ABSENT,
};
use cx_core::plan::{AuditMethod, Plan};
use cx_core::record::{Audit, AuditCheck, AuditKind, AuditOutcome, Record, Response, Timestamp};
use proptest::prelude::*;

const PLAN: &str = include_str!("../../examples/data/plan.json");
const SEGMENTS: [&str; 3] = ["families", "seniors", "small-business"];
const MISSING: u8 = u8::MAX;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

fn engine(kept: usize) -> Engine {
    let config = EngineConfig {
        limits: Limits {
            max_alerts_kept: kept,
            max_alerts_listed: 5,
            ..Limits::default()
        },
        ..EngineConfig::default()
    };
    Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap()
}

/// A customer response at one of `hours` hours (many share an `at`), with
/// one of a few ids or none (many share an id too), and ratings that raise
/// zero to three alerts.
fn response(rng: &mut Rng, hours: usize, ids: bool) -> Response {
    let opt =
        |rng: &mut Rng, lo: usize, n: usize| (rng.below(4) > 0).then(|| (lo + rng.below(n)) as u8);
    Response {
        id: (ids && rng.below(4) > 0).then(|| format!("r{}", rng.below(4))),
        at: Timestamp::from_unix(1_767_225_600 + 3_600 * rng.below(hours) as i64).unwrap(),
        segment: Some(SEGMENTS[rng.below(3)].to_string()),
        nps: opt(rng, 0, 11),
        csat: opt(rng, 1, 5),
        ces: opt(rng, 1, 7),
        ..Response::default()
    }
}

/// An audit that fails the plan's critical rule now and then.
fn audit(rng: &mut Rng, hours: usize) -> Audit {
    let outcome = [AuditOutcome::Pass, AuditOutcome::Fail][rng.below(2)];
    Audit {
        kind: AuditKind::Audit,
        id: (rng.below(2) == 0).then(|| format!("r{}", rng.below(4))),
        at: Timestamp::from_unix(1_767_225_600 + 3_600 * rng.below(hours) as i64).unwrap(),
        method: AuditMethod::ALL[rng.below(4)],
        auditor: None,
        employee: Some(format!("e{}", rng.below(3))),
        team: None,
        touchpoint: None,
        items: vec![AuditCheck {
            rule: "rule-polite".into(),
            outcome,
            score: None,
        }],
    }
}

/// `n` records: responses (a tenth audits), some repeated verbatim (the
/// same alerts twice), in an order that is not time order.
fn records(seed: u64, n: usize, hours: usize) -> Vec<Record> {
    let mut rng = Rng(seed | 1);
    let mut out: Vec<Record> = Vec::with_capacity(n);
    while out.len() < n {
        let r = match rng.below(10) {
            0 => Record::Audit(audit(&mut rng, hours)),
            1 if !out.is_empty() => out[rng.below(out.len())].clone(),
            _ => Record::Response(response(&mut rng, hours, true)),
        };
        out.push(r);
    }
    out
}

/// `n` customer responses (with ids or not), as records and JSON Lines.
fn responses(seed: u64, n: usize, ids: bool) -> (Vec<Response>, Vec<Record>, String) {
    let mut rng = Rng(seed);
    let responses: Vec<Response> = (0..n).map(|_| response(&mut rng, 40, ids)).collect();
    let records: Vec<Record> = responses.iter().cloned().map(Record::Response).collect();
    let text = json_lines(&records);
    (responses, records, text)
}

/// JSON Lines of the records, with a rejected line (it raises nothing) and
/// a blank line every so often.
fn json_lines(records: &[Record]) -> String {
    let mut text = String::new();
    for (i, r) in records.iter().enumerate() {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
        if i % 97 == 3 {
            text.push_str("{\"at\": \"2026-01-01\", \"nps\": 12}\n\n");
        }
    }
    text
}

/// The alerts without their call-relative positions.
fn unplaced(mut alerts: Vec<Alert>) -> Vec<Alert> {
    for a in &mut alerts {
        a.index = 0;
        a.line = None;
    }
    alerts
}

type Key = (Timestamp, Option<String>, AlertReason);

/// What the rule says is kept, from every alert raised (a report that
/// lists them all): the newest `n` keys, oldest first.
fn model(text: &str, n: usize) -> Vec<Key> {
    let mut all = Engine::with_config(
        Plan::from_json(PLAN).unwrap(),
        EngineConfig {
            limits: Limits {
                max_alerts_listed: usize::MAX,
                ..Limits::default()
            },
            ..EngineConfig::default()
        },
    )
    .unwrap();
    let report = all.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!(report.alerts_not_listed, 0);
    let mut keys: Vec<Key> = report
        .alerts
        .into_iter()
        .map(|a| (a.at, a.record_id, a.reason))
        .collect();
    keys.sort();
    keys.split_off(keys.len().saturating_sub(n))
}

fn keys(alerts: &[Alert]) -> Vec<Key> {
    alerts
        .iter()
        .map(|a| (a.at, a.record_id.clone(), a.reason))
        .collect()
}

/// The text cut into `parts` pieces at line starts chosen by `rng`.
fn cut_lines<'t>(text: &'t str, parts: usize, rng: &mut Rng) -> Vec<&'t str> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    let mut cuts: Vec<usize> = (1..parts)
        .map(|_| starts[rng.below(starts.len())])
        .collect();
    cuts.push(0);
    cuts.push(text.len());
    cuts.sort_unstable();
    cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

/// JSON Lines fed in pieces of random sizes (split anywhere).
fn fed(text: &str, kept: usize, threads: usize, piece: usize, rng: &mut Rng) -> Engine {
    let mut e = engine(kept);
    let mut feed = JsonLinesFeed::new().threads(threads);
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        let n = (1 + rng.below(piece)).min(rest.len());
        feed.push(&mut e, &rest[..n]).unwrap();
        rest = &rest[n..];
    }
    feed.finish(&mut e).unwrap();
    e
}

/// Every path over the same JSON Lines gives the alerts of one call.
fn json_paths(text: &str, kept: usize, seed: u64) {
    let mut rng = Rng(seed | 1);
    let mut whole = engine(kept);
    whole.ingest_json_lines(text.as_bytes()).unwrap();
    let expected = whole.alerts();
    assert_eq!(keys(&expected), model(text, kept), "the rule (kept {kept})");
    let exact = |what: &str, e: &Engine| assert_eq!(e.alerts(), expected, "{what} (kept {kept})");
    let mut reader = engine(kept);
    JsonLinesFeed::new()
        .read(&mut reader, text.as_bytes())
        .unwrap();
    exact("reader", &reader);
    exact("feed, small pieces", &fed(text, kept, 1, 40, &mut rng));
    exact(
        "feed, parallel pieces",
        &fed(text, kept, 3, 90_000, &mut rng),
    );
    #[cfg(feature = "parallel")]
    {
        let mut parallel = engine(kept);
        JsonLinesFeed::new()
            .threads(3)
            .read(&mut parallel, text.as_bytes())
            .unwrap();
        exact("parallel", &parallel);
    }
    let snapshot = serde_json::to_string(&whole.snapshot()).unwrap();
    let restored = Engine::restore(serde_json::from_str::<Snapshot>(&snapshot).unwrap()).unwrap();
    exact("restored", &restored);
    // Seven files: in sequence, and as seven engines merged in any order.
    let unplaced_expected = unplaced(expected.clone());
    let parts = cut_lines(text, 7, &mut rng);
    let mut sequence = engine(kept);
    let mut engines: Vec<Engine> = Vec::new();
    for part in &parts {
        sequence.ingest_json_lines(part.as_bytes()).unwrap();
        let mut e = engine(kept);
        e.ingest_json_lines(part.as_bytes()).unwrap();
        engines.push(e);
    }
    assert_eq!(
        unplaced(sequence.alerts()),
        unplaced_expected,
        "seven files in sequence"
    );
    for round in 0..3 {
        rng.shuffle(&mut engines);
        let mut merged = engine(kept);
        for e in &engines {
            merged.merge(e).unwrap();
        }
        assert_eq!(
            unplaced(merged.alerts()),
            unplaced_expected,
            "merged, round {round}"
        );
    }
    // A tree of merges, through snapshots.
    let mut level: Vec<Engine> = engines;
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| {
                let mut a = pair[0].clone();
                if let Some(b) = pair.get(1) {
                    a.merge(b).unwrap();
                }
                let s = serde_json::to_string(&a.snapshot()).unwrap();
                Engine::restore(serde_json::from_str(&s).unwrap()).unwrap()
            })
            .collect();
    }
    assert_eq!(unplaced(level[0].alerts()), unplaced_expected, "merge tree");
    // The same lines in another order.
    let mut lines: Vec<&str> = text.lines().collect();
    rng.shuffle(&mut lines);
    let mut shuffled = engine(kept);
    shuffled
        .ingest_json_lines(lines.join("\n").as_bytes())
        .unwrap();
    assert_eq!(
        unplaced(shuffled.alerts()),
        unplaced_expected,
        "shuffled lines"
    );
}

#[test]
fn every_json_lines_path_keeps_the_same_alerts() {
    // ~150 KB: the parallel paths split it.
    let text = json_lines(&records(7, 2_500, 40));
    assert!(text.len() > 1 << 17);
    for kept in [7, 0, 1, 150, 100_000] {
        json_paths(&text, kept, kept as u64 + 11);
    }
}

#[test]
fn typed_and_csv_paths_keep_the_same_alerts() {
    let (responses, records, text) = responses(99, 2_500, true);
    for kept in [7, 150] {
        let mut whole = engine(kept);
        whole.ingest_json_lines(text.as_bytes()).unwrap();
        let expected = unplaced(whole.alerts());
        let mut typed = engine(kept);
        typed.ingest_batch(&records).unwrap();
        assert_eq!(unplaced(typed.alerts()), expected, "typed (kept {kept})");
        let mut rows = engine(kept);
        rows.ingest_responses(&responses).unwrap();
        assert_eq!(unplaced(rows.alerts()), expected, "rows (kept {kept})");
        // CSV with a mapping, one thread and three.
        let mut csv = String::from("id,at,segment,nps,csat,ces\n");
        let cell = |v: Option<u8>| v.map_or(String::new(), |v| v.to_string());
        for r in &responses {
            csv.push_str(&format!(
                "{},{},{},{},{},{}\n",
                r.id.as_deref().unwrap_or(""),
                r.at.unix(),
                r.segment.as_deref().unwrap_or(""),
                cell(r.nps),
                cell(r.csat),
                cell(r.ces)
            ));
        }
        assert!(csv.len() > 1 << 16);
        let mapping = CsvMapping::from_json(r#"{"id": "id", "at": {"column": "at", "format": "unix"}, "dimensions": {"segment": "segment"}, "nps": "nps", "csat": "csat", "ces": "ces"}"#).unwrap();
        let mut one = engine(kept);
        one.ingest_csv(csv.as_bytes(), &mapping).unwrap();
        assert_eq!(unplaced(one.alerts()), expected, "CSV (kept {kept})");
        #[cfg(feature = "parallel")]
        {
            let mut three = engine(kept);
            CsvFeed::new(&mapping)
                .threads(3)
                .read(&mut three, csv.as_bytes())
                .unwrap();
            let what = format!("CSV on three threads (kept {kept})");
            assert_eq!(three.alerts(), one.alerts(), "{what}");
        }
    }
}

/// Columns have no record ids: compared with the same rows as JSON Lines
/// without ids, through the dense kernel and (with an attribute column)
/// the row path.
#[test]
fn columns_keep_the_alerts_of_the_same_rows() {
    let (responses, _, text) = responses(5, 3_000, false);
    let at: Vec<i64> = responses.iter().map(|r| r.at.unix()).collect();
    let codes: Vec<u32> = responses
        .iter()
        .map(|r| {
            SEGMENTS
                .iter()
                .position(|s| Some(*s) == r.segment.as_deref())
                .map_or(ABSENT, |i| i as u32)
        })
        .collect();
    let column = |f: fn(&Response) -> Option<u8>| -> Vec<u8> {
        responses.iter().map(|r| f(r).unwrap_or(MISSING)).collect()
    };
    let (nps, csat, ces) = (column(|r| r.nps), column(|r| r.csat), column(|r| r.ces));
    let unanswered = vec![MISSING; responses.len()];
    for kept in [7, 0, 150] {
        let mut whole = engine(kept);
        whole.ingest_json_lines(text.as_bytes()).unwrap();
        let expected = unplaced(whole.alerts());
        assert_eq!(keys(&expected), model(&text, kept));
        for with_attribute in [false, true] {
            // Rows `range`; an attribute column sends them down the row path.
            let cols = |range: std::ops::Range<usize>| ResponseColumns {
                at: &at[range.clone()],
                dimensions: vec![(
                    "segment",
                    DimensionColumn {
                        dictionary: &SEGMENTS,
                        codes: &codes[range.clone()],
                    },
                )],
                nps: Some(&nps[range.clone()]),
                csat: Some(&csat[range.clone()]),
                ces: Some(&ces[range.clone()]),
                attributes: if with_attribute {
                    vec![("claim-speed", &unanswered[range])]
                } else {
                    Vec::new()
                },
                ..ResponseColumns::default()
            };
            let mut e = engine(kept);
            let report = e.ingest_columns(&cols(0..at.len())).unwrap();
            assert_eq!(report.alerts.len(), 5);
            assert_eq!(
                unplaced(e.alerts()),
                expected,
                "columns (kept {kept}, attribute column {with_attribute})"
            );
            // In three calls, merged.
            let mut merged = engine(kept);
            for range in [0..1_000, 1_000..1_700, 1_700..3_000] {
                let mut e = engine(kept);
                e.ingest_columns(&cols(range)).unwrap();
                merged.merge(&e).unwrap();
            }
            assert_eq!(unplaced(merged.alerts()), expected, "columns merged");
        }
    }
}

#[test]
fn ties_are_broken_by_id_then_reason() {
    // One instant; ids absent, "a" and "b"; a record raising all three
    // response alerts, and an audit failing the critical rule.
    let lines = [
        r#"{"id": "b", "at": "2026-03-01T10:00:00Z", "nps": 1, "csat": 1, "ces": 1}"#,
        r#"{"at": "2026-03-01T10:00:00Z", "nps": 1}"#,
        r#"{"id": "a", "at": "2026-03-01T10:00:00Z", "ces": 1, "csat": 2}"#,
        r#"{"kind": "audit", "id": "a", "at": "2026-03-01T10:00:00Z", "method": "mysteryShopper", "items": [{"rule": "rule-polite", "outcome": "fail"}]}"#,
        r#"{"id": "z", "at": "2026-03-01T09:59:59Z", "nps": 0}"#,
    ]
    .join("\n");
    // Seven alerts at 10:00 are kept; the one a second earlier is not.
    let mut e = engine(7);
    let report = e.ingest_json_lines(lines.as_bytes()).unwrap();
    assert_eq!(report.rejected, 0, "{:?}", report.errors);
    use AlertReason::*;
    let kept = e.alerts();
    let got: Vec<(Option<&str>, AlertReason)> = kept
        .iter()
        .map(|a| (a.record_id.as_deref(), a.reason))
        .collect();
    assert_eq!(
        got,
        [
            (None, Detractor),
            (Some("a"), CsatBottomTwo),
            (Some("a"), HighEffort),
            (Some("a"), CriticalRuleFailed),
            (Some("b"), Detractor),
            (Some("b"), CsatBottomTwo),
            (Some("b"), HighEffort),
        ]
    );
    // The report still lists the first five in input order.
    assert_eq!(report.alerts.len(), 5);
    assert_eq!(report.alerts_not_listed, 3);
    assert_eq!(report.alerts[0].record_id.as_deref(), Some("b"));
}

#[test]
fn equal_alerts_are_each_kept() {
    let line = "{\"id\": \"a\", \"at\": \"2026-03-01\", \"nps\": 3}\n";
    let mut e = engine(3);
    e.ingest_json_lines(line.repeat(2).as_bytes()).unwrap();
    let mut other = engine(3);
    other.ingest_json_lines(line.as_bytes()).unwrap();
    e.merge(&other).unwrap();
    assert_eq!(unplaced(e.alerts()).len(), 3);
    assert!(unplaced(e.alerts()).windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn snapshots_carry_the_kept_alerts() {
    let text = json_lines(&records(3, 400, 30));
    let mut e = engine(7);
    e.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!(e.alerts().len(), 7);
    let snapshot = e.snapshot();
    assert_eq!(snapshot.alerts, e.alerts());
    // The compact stream carries them too.
    let mut stream = Vec::new();
    e.write_snapshot(&mut stream).unwrap();
    assert_eq!(
        Engine::read_snapshot(&stream[..]).unwrap().alerts(),
        e.alerts()
    );
    let mut value = serde_json::to_value(&snapshot).unwrap();
    // A snapshot written before alerts were kept restores, without alerts.
    let mut old = value.clone();
    old.as_object_mut().unwrap().remove("alerts");
    // (Edited on purpose, so sealed again: see `Snapshot::seal`.)
    let sealed = |v: serde_json::Value| {
        let mut s: cx_core::engine::Snapshot = serde_json::from_value(v).unwrap();
        s.seal();
        s
    };
    let restored = Engine::restore(sealed(old)).unwrap();
    assert!(restored.alerts().is_empty());
    // More alerts than the limit: the newest are kept.
    value["config"]["limits"]["maxAlertsKept"] = 3.into();
    let restored = Engine::restore(sealed(value)).unwrap();
    assert_eq!(restored.alerts(), e.alerts()[4..]);
    // An engine without alerts writes no `alerts` member.
    let empty = serde_json::to_value(engine(7).snapshot()).unwrap();
    assert!(empty.get("alerts").is_none());
}

fn small_text() -> impl Strategy<Value = (String, Vec<usize>, u64)> {
    (any::<u64>(), 0usize..120, 1usize..12).prop_flat_map(|(seed, n, hours)| {
        let text = json_lines(&records(seed, n, hours));
        let lines = text.lines().count().max(1);
        (
            Just(text),
            proptest::collection::vec(0..lines, 0..8),
            any::<u64>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random inputs, random cuts, random merge orders and feed pieces
    /// keep the alerts of one call, which are the rule's.
    #[test]
    fn any_split_and_merge_order_keeps_the_same_alerts(
        (text, cuts, seed) in small_text(),
        kept in 0usize..12,
    ) {
        let mut whole = engine(kept);
        whole.ingest_json_lines(text.as_bytes()).unwrap();
        let expected = whole.alerts();
        prop_assert_eq!(keys(&expected), model(&text, kept));
        let mut rng = Rng(seed | 1);
        prop_assert_eq!(fed(&text, kept, 1, 30, &mut rng).alerts(), expected.clone());
        // Cut at the chosen lines.
        let lines: Vec<&str> = text.lines().collect();
        let mut cuts = cuts;
        cuts.push(0);
        cuts.push(lines.len());
        cuts.sort_unstable();
        let mut engines: Vec<Engine> = cuts
            .windows(2)
            .map(|w| {
                let mut e = engine(kept);
                e.ingest_json_lines(lines[w[0]..w[1]].join("\n").as_bytes()).unwrap();
                e
            })
            .collect();
        rng.shuffle(&mut engines);
        let mut merged = engine(kept);
        for e in &engines {
            merged.merge(e).unwrap();
        }
        prop_assert_eq!(unplaced(merged.alerts()), unplaced(expected));
    }
}
