//! Merge laws and snapshots: engines over a random split of the data merge
//! to exactly the engine over all of it, and restore(snapshot) answers every
//! query identically. Statistics are integer sums, so equality is exact.

use cx_core::engine::{Cube, Engine, EngineConfig, Granularity, JsonLinesFeed, Query};
use cx_core::plan::Plan;
use cx_core::record::{
    Audit, AuditCheck, AuditKind, AuditOutcome, EmployeeKind, EmployeeResponse, Record, Response,
    Timestamp,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn plan() -> Plan {
    Plan::from_json(PLAN).unwrap()
}

fn opt(v: Option<u8>, lo: u8, hi: u8) -> Option<u8> {
    v.map(|x| lo + x % (hi - lo + 1))
}

prop_compose! {
    fn response()(day in 0i64..400, seg in 0usize..4, team in 0usize..3, nps in any::<Option<u8>>(), csat in any::<Option<u8>>(),
                  ces in any::<Option<u8>>(), overall in any::<Option<u8>>(), attrs in proptest::collection::vec(any::<Option<u8>>(), 12)) -> Record {
        let plan = plan();
        let segs = ["families", "seniors", "small-business", ""];
        let mut r = Response {
            at: Timestamp::from_unix(1_767_225_600 + day * 86_400 + 3_600).unwrap(),
            segment: (!segs[seg].is_empty()).then(|| segs[seg].to_string()),
            team: Some(format!("team-{team}")),
            nps: opt(nps, 0, 10),
            csat: opt(csat, 1, 5),
            ces: opt(ces, 1, 7),
            overall: opt(overall, 0, 1),
            ..Response::default()
        };
        for (a, v) in plan.attributes.iter().zip(attrs) {
            if let Some(v) = v {
                // Mostly on-scale, sometimes the not-applicable value.
                let value = match a.not_applicable {
                    Some(na) if v % 7 == 0 => na,
                    _ => a.scale.min + v % (a.scale.max - a.scale.min + 1),
                };
                r.attributes.insert(a.id.clone(), value);
            }
        }
        Record::Response(r)
    }
}

prop_compose! {
    fn other()(day in 0i64..400, kind in 0u8..2, enps in 0u8..11, team in 0usize..3, outcomes in proptest::collection::vec(0u8..3, 1..5)) -> Record {
        let at = Timestamp::from_unix(1_767_225_600 + day * 86_400).unwrap();
        if kind == 0 {
            let mut satisfaction = std::collections::BTreeMap::new();
            satisfaction.insert(format!("item-{}", enps % 3), 1 + enps % 5);
            Record::Employee(EmployeeResponse { kind: EmployeeKind::Employee, id: None, at, team: Some(format!("team-{team}")), enps: Some(enps), satisfaction, weight: None, comment: None })
        } else {
            let rules = ["rule-name", "rule-polite", "rule-inform", "rule-own"];
            let items = outcomes.iter().enumerate().map(|(i, o)| AuditCheck {
                rule: rules[i % 4].into(),
                outcome: [AuditOutcome::Pass, AuditOutcome::Fail, AuditOutcome::NotApplicable][*o as usize],
                score: None,
            }).collect();
            Record::Audit(Audit { kind: AuditKind::Audit, id: None, at, method: cx_core::plan::AuditMethod::ALL[team % 4], auditor: None, employee: Some(format!("e{enps}")), team: Some(format!("team-{team}")), touchpoint: None, items })
        }
    }
}

fn queries() -> Vec<Query> {
    [
        r#"{}"#,
        r#"{"groupBy": ["segment"]}"#,
        r#"{"groupBy": ["team", "period:month"], "metrics": ["nps", "csat", "ces", "cesIndex", "enps", "employeeSatisfaction", "compliance", "tcs", "attribute:claim-speed"]}"#,
        r#"{"groupBy": ["auditMethod"], "metrics": ["compliance"]}"#,
        r#"{"groupBy": ["period:isoWeek"], "metrics": ["nps"], "filters": {"segment": ["families", "seniors"]}, "from": "2026-02-01", "to": "2026-10-31"}"#,
    ]
    .iter()
    .map(|q| serde_json::from_str(q).unwrap())
    .collect()
}

fn answers(e: &Engine) -> Vec<String> {
    // Compare the serialised scorecards: f64 results from identical integer
    // statistics are bit-identical.
    queries()
        .iter()
        .map(|q| serde_json::to_string(&e.query(q).unwrap()).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn merge_of_a_random_split_equals_the_whole(
        records in proptest::collection::vec(prop_oneof![3 => response(), 1 => other()], 0..120),
        split in proptest::collection::vec(any::<bool>(), 120),
    ) {
        let mut whole = Engine::new(plan()).unwrap();
        let mut a = Engine::new(plan()).unwrap();
        let mut b = Engine::new(plan()).unwrap();
        let rep = whole.ingest_batch(&records).unwrap();
        prop_assert_eq!(rep.rejected, 0);
        let (left, right): (Vec<_>, Vec<_>) = records.iter().cloned().zip(&split).partition(|(_, s)| **s);
        let left: Vec<Record> = left.into_iter().map(|(r, _)| r).collect();
        let right: Vec<Record> = right.into_iter().map(|(r, _)| r).collect();
        a.ingest_batch(&left).unwrap();
        b.ingest_batch(&right).unwrap();
        // b merged into a, and a into b: commutative.
        let mut ab = a.clone();
        ab.merge(&b).unwrap();
        let mut ba = b.clone();
        ba.merge(&a).unwrap();
        let expected = answers(&whole);
        prop_assert_eq!(&answers(&ab), &expected);
        prop_assert_eq!(&answers(&ba), &expected);
        // Identity: merging an empty engine changes nothing.
        let mut id = whole.clone();
        id.merge(&Engine::new(plan()).unwrap()).unwrap();
        prop_assert_eq!(&answers(&id), &expected);
        // Snapshot round trip, through JSON text.
        let text = serde_json::to_string(&ab.snapshot()).unwrap();
        let restored = Engine::restore(serde_json::from_str(&text).unwrap()).unwrap();
        prop_assert_eq!(&answers(&restored), &expected);
        // Merging restored snapshots (the head-office journey).
        let mut sa = Engine::restore(a.snapshot()).unwrap();
        sa.merge(&Engine::restore(b.snapshot()).unwrap()).unwrap();
        prop_assert_eq!(&answers(&sa), &expected);
    }
}

#[test]
fn merge_is_associative() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strat = proptest::collection::vec(response(), 30..60);
    for _ in 0..5 {
        let recs = strat.new_tree(&mut runner).unwrap().current();
        let thirds: Vec<Vec<Record>> = recs
            .chunks(recs.len() / 3 + 1)
            .map(<[Record]>::to_vec)
            .collect();
        let e: Vec<Engine> = thirds
            .iter()
            .map(|c| {
                let mut e = Engine::new(plan()).unwrap();
                e.ingest_batch(c).unwrap();
                e
            })
            .collect();
        let mut left = e[0].clone();
        left.merge(&e[1]).unwrap();
        left.merge(&e[2]).unwrap();
        let mut bc = e[1].clone();
        bc.merge(&e[2]).unwrap();
        let mut right = e[0].clone();
        right.merge(&bc).unwrap();
        assert_eq!(answers(&left), answers(&right));
    }
}

#[test]
fn merge_refuses_different_plans_or_cubes() {
    let mut a = Engine::new(plan()).unwrap();
    let mut other_plan = plan();
    other_plan.organization.name = "Other".into();
    assert_eq!(
        a.merge(&Engine::new(other_plan).unwrap())
            .unwrap_err()
            .code(),
        "incompatible-engines"
    );
    let config = EngineConfig {
        cube: Cube {
            dimensions: Some(vec!["segment".into()]),
            granularity: Granularity::Month,
        },
        ..EngineConfig::default()
    };
    assert!(a
        .merge(&Engine::with_config(plan(), config).unwrap())
        .is_err());
}

#[test]
fn corrupted_snapshots_are_errors() {
    let mut e = Engine::new(plan()).unwrap();
    e.ingest_json_lines(b"{\"at\":\"2026-01-01\",\"segment\":\"families\",\"nps\":9}\n")
        .unwrap();
    let good = serde_json::to_value(e.snapshot()).unwrap();
    let cases: Vec<(&str, serde_json::Value)> = vec![
        ("/version", serde_json::json!(99)),
        ("/format", serde_json::json!("other")),
        ("/responses/0/0/dims/0", serde_json::json!(77)),
        ("/responses/0/1/attributes", serde_json::json!([])),
        ("/dimensions", serde_json::json!(["segment"])),
    ];
    for (ptr, v) in cases {
        let mut s = good.clone();
        *s.pointer_mut(ptr).unwrap() = v;
        let snap: cx_core::engine::Snapshot = serde_json::from_value(s).unwrap();
        assert!(Engine::restore(snap).is_err(), "{ptr} accepted");
    }
}

#[cfg(feature = "parallel")]
#[test]
fn parallel_json_lines_equals_sequential() {
    let mut text = String::new();
    for i in 0..20_000u32 {
        if i % 997 == 0 {
            text.push_str("{broken\n\n");
        }
        let seg = ["families", "seniors", "small-business"][(i % 3) as usize];
        text.push_str(&format!(
            "{{\"id\":\"r{i}\",\"at\":\"2026-{:02}-{:02}\",\"segment\":\"{seg}\",\"team\":\"t{}\",\"nps\":{},\"csat\":{},\"attributes\":{{\"wait-time\":{}}}}}\n",
            1 + i % 12,
            1 + i % 28,
            i % 5,
            i % 11,
            1 + i % 5,
            1 + (i / 7) % 5
        ));
    }
    let mut seq = Engine::new(plan()).unwrap();
    let r1 = seq.ingest_json_lines(text.as_bytes()).unwrap();
    let mut par = Engine::new(plan()).unwrap();
    let r2 = JsonLinesFeed::new()
        .threads(4)
        .read(&mut par, text.as_bytes())
        .unwrap();
    assert_eq!(r1, r2);
    assert_eq!(answers(&seq), answers(&par));
    assert_eq!(r1.rejected, 21);
}

/// A byte-order mark is skipped only at the start of the text: a part of
/// the parallel split that starts with one (here the second of two equal
/// halves) reads it as part of its first line, as sequential ingest does.
#[cfg(feature = "parallel")]
#[test]
fn parallel_json_lines_skips_a_byte_order_mark_only_at_the_start() {
    let a = "{\"id\":\"aaa\",\"at\":\"2026-01-01\",\"nps\":9}\n";
    let b = "{\"id\":\"\",\"at\":\"2026-01-01\",\"nps\":9}\n";
    let first = a.repeat(1000);
    let second = format!("\u{feff}{b}{}", a.repeat(999));
    assert_eq!(first.len(), second.len());
    let text = first + &second;
    let mut seq = Engine::new(plan()).unwrap();
    let r1 = seq.ingest_json_lines(text.as_bytes()).unwrap();
    let mut par = Engine::new(plan()).unwrap();
    let r2 = JsonLinesFeed::new()
        .threads(2)
        .read(&mut par, text.as_bytes())
        .unwrap();
    assert_eq!((r1.rejected, r1.errors[0].line), (1, Some(1001)));
    assert_eq!(r1, r2);
    assert_eq!(answers(&seq), answers(&par));
}

/// Issue #9 (a): counts near `u64::MAX` in a snapshot would overflow on the
/// next ingest or merge; restore refuses them, naming the JSON Pointer.
#[test]
fn restore_refuses_counts_beyond_two_to_the_53() {
    use cx_core::engine::MAX_SNAPSHOT_COUNT;
    let mut e = Engine::new(plan()).unwrap();
    let r = e.ingest_json_lines(
        b"{\"at\":\"2026-01-01\",\"segment\":\"families\",\"nps\":9,\"attributes\":{\"wait-time\":4}}\n\
          {\"kind\":\"employee\",\"at\":\"2026-01-10\",\"team\":\"north\",\"enps\":9}\n\
          {\"kind\":\"kpi\",\"metric\":\"customers\",\"period\":{\"start\":\"2026-01-01\",\"end\":\"2026-01-31\"},\"value\":5}\n",
    ).unwrap();
    assert_eq!(r.rejected, 0, "{r:#?}");
    let good = serde_json::to_value(e.snapshot()).unwrap();
    for ptr in [
        "/responses/0/1/responses",
        "/responses/0/1/nps/counts/9",
        "/responses/0/1/attributes/0/ratings/counts/4",
        "/employees/0/1/responses",
        "/kpis/0/1/sums/customers/n",
    ] {
        for v in [u64::MAX, u64::MAX - 1, MAX_SNAPSHOT_COUNT + 1] {
            let mut s = good.clone();
            *s.pointer_mut(ptr).unwrap_or_else(|| panic!("{ptr}")) = v.into();
            let mut snap: cx_core::engine::Snapshot = serde_json::from_value(s).unwrap();
            snap.seal();
            let err = Engine::restore(snap).expect_err(ptr);
            assert_eq!(
                (err.code().as_str(), err.pointer()),
                ("invalid-snapshot", ptr.to_string())
            );
            assert!(err.to_string().contains("2^53"), "{err}");
        }
        // The bound itself (with a response count that holds it, so the
        // cell is consistent; sealed again) restores, ingests and answers;
        // a merge with itself would count 2^54 records of a kind, past what
        // an engine counts exactly: `overflow`, and nothing changes
        // (issue 16).
        let mut s = good.clone();
        *s.pointer_mut(ptr).unwrap() = MAX_SNAPSHOT_COUNT.into();
        if ptr.starts_with("/responses/0/1/") {
            s["responses"][0][1]["responses"] = MAX_SNAPSHOT_COUNT.into();
        }
        let mut snap: cx_core::engine::Snapshot = serde_json::from_value(s).unwrap();
        snap.seal();
        let mut r = Engine::restore(snap).unwrap();
        let copy = r.clone();
        let err = r.merge(&copy).unwrap_err();
        assert_eq!(err.code().as_str(), "overflow", "{err}");
        assert_eq!(r.snapshot(), copy.snapshot());
        // One more customer response: past 2^53 of them it is `overflow`,
        // and nothing changes (tests/ingest_overflow.rs covers every path).
        let one = b"{\"at\":\"2026-01-01\",\"segment\":\"families\",\"nps\":9}\n";
        if ptr.starts_with("/responses/") {
            let err = r.ingest_json_lines(one).unwrap_err();
            assert_eq!(err.code().as_str(), "overflow", "{err}");
            assert_eq!(r.snapshot(), copy.snapshot());
        } else {
            r.ingest_json_lines(one).unwrap();
        }
        r.query(&Query::default()).unwrap();
    }
}

/// Issue #9 (b): a merge respects `limits.maxDistinctValues`, all or
/// nothing.
#[test]
fn merge_respects_max_distinct_values_all_or_nothing() {
    let config = EngineConfig {
        limits: cx_core::engine::Limits {
            max_distinct_values: 3,
            ..Default::default()
        },
        ..EngineConfig::default()
    };
    let line = |seg: &str, team: &str| {
        format!("{{\"at\":\"2026-01-01\",\"segment\":\"{seg}\",\"team\":\"{team}\",\"nps\":9}}\n")
    };
    let mut a = Engine::with_config(plan(), config.clone()).unwrap();
    a.ingest_json_lines((line("s1", "t1") + &line("s2", "t1")).as_bytes())
        .unwrap();
    let mut b = Engine::with_config(plan(), config.clone()).unwrap();
    b.ingest_json_lines((line("s2", "t2") + &line("s3", "t3")).as_bytes())
        .unwrap();
    // s1, s2, s3: three segments, fits.
    let mut ab = a.clone();
    ab.merge(&b).unwrap();
    // s4 and s5 would make five segments: refused, and nothing changes
    // (not even the teams, which would fit).
    let mut c = Engine::with_config(plan(), config).unwrap();
    c.ingest_json_lines((line("s4", "t9") + &line("s5", "t9")).as_bytes())
        .unwrap();
    let before = answers(&ab);
    let snap = ab.snapshot();
    let err = ab.merge(&c).unwrap_err();
    assert_eq!(err.code(), "too-many-values");
    assert!(err.to_string().contains("`segment` would have 5"), "{err}");
    assert!(err.to_string().contains("maxDistinctValues"), "{err}");
    assert_eq!(answers(&ab), before);
    assert_eq!(ab.snapshot(), snap, "a refused merge changes nothing");
    // The engine keeps working: a known value still counts.
    let r = ab.ingest_json_lines(line("s1", "t1").as_bytes()).unwrap();
    assert_eq!(r.accepted, 1);
}

/// Issue #9 (c): parallel JSON Lines ingest makes the KPI overflow check of
/// sequential ingest across its parts (and the distinct-values limit), so
/// it never files an infinite total and reports what sequential ingest
/// reports.
#[cfg(feature = "parallel")]
#[test]
fn parallel_json_lines_keeps_the_kpi_overflow_check_across_parts() {
    let kpi = r#"{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":1e308}"#;
    let filler = r#"{"at":"2026-01-05","segment":"families","nps":9,"comment":"padding padding padding padding padding padding"}"#;
    // One KPI line at the start and one at the end: in different parts.
    let mut text = format!("{kpi}\n");
    while text.len() < 1 << 18 {
        text.push_str(filler);
        text.push('\n');
    }
    text.push_str(kpi);
    text.push('\n');
    let mut seq = Engine::new(plan()).unwrap();
    let r1 = seq.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!(r1.rejected, 1, "{:#?}", r1.errors);
    assert_eq!(r1.errors[0].code, "out-of-range");
    let mut par = Engine::new(plan()).unwrap();
    let r2 = JsonLinesFeed::new()
        .threads(4)
        .read(&mut par, text.as_bytes())
        .unwrap();
    assert_eq!(r1, r2);
    assert_eq!(answers(&seq), answers(&par));
    // The engine holds a finite total: it snapshots and restores.
    let s = serde_json::to_string(&par.snapshot()).unwrap();
    Engine::restore(serde_json::from_str(&s).unwrap()).unwrap();

    // The same with the distinct-values limit: three segments spread over
    // the parts of an engine that keeps two.
    let config = EngineConfig {
        limits: cx_core::engine::Limits {
            max_distinct_values: 2,
            ..Default::default()
        },
        ..EngineConfig::default()
    };
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1 << 18 {
        let seg = ["s1", "s2", "s3"][(i * 3) / 6000 % 3];
        text.push_str(&format!(
            "{{\"at\":\"2026-01-05\",\"segment\":\"{seg}\",\"nps\":9}}\n"
        ));
        i += 1;
    }
    let mut seq = Engine::with_config(plan(), config.clone()).unwrap();
    let r1 = seq.ingest_json_lines(text.as_bytes()).unwrap();
    assert!(r1.rejected > 0);
    let mut par = Engine::with_config(plan(), config).unwrap();
    let r2 = JsonLinesFeed::new()
        .threads(4)
        .read(&mut par, text.as_bytes())
        .unwrap();
    assert_eq!(r1, r2);
    assert_eq!(answers(&seq), answers(&par));
}
