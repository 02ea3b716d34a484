//! The memory budget (`limits.maxCellBytes`): a call that would take the
//! cells past it fails with a `memory-limit` error and leaves the engine
//! exactly as it was — cells (sparse and dense), interned values, employee,
//! audit and KPI cells, kept alerts, time span and footprint — on every
//! ingest path and for merges; a snapshot past the budget is not restored.

use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::{
    CsvMapping, Cube, Engine, EngineConfig, EngineError, EngineStats, Granularity, IngestError,
    JsonLinesFeed, LimitError, MappingError, MemoryLimit, RowScratch, Snapshot,
};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::record::Record;

const PLAN: &str = include_str!("../../examples/data/plan.json");

/// A cube small enough that demo cells hold several responses, and a
/// sparse threshold low enough that some of them are dense: the failing
/// call appends to sparse cells and changes dense ones.
fn engine(budget: u64) -> Engine {
    let mut config = EngineConfig {
        cube: Cube {
            dimensions: Some(vec!["segment".into(), "touchpoint".into(), "team".into()]),
            granularity: Granularity::Day,
        },
        ..EngineConfig::default()
    };
    config.limits.max_cell_bytes = budget;
    config.limits.max_alerts_kept = 50;
    let mut e = Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap();
    e.set_sparse_threshold(4);
    e
}

fn records(seed: u64, start: (i32, u32, u32), days: u32, per_day: u32) -> Vec<Record> {
    generate(&DemoConfig {
        seed,
        start: chrono::NaiveDate::from_ymd_opt(start.0, start.1, start.2).unwrap(),
        days,
        responses_per_day: per_day,
    })
    .records
}

fn json_lines(records: &[Record]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

/// What a failed call must leave as it was.
#[derive(Debug, PartialEq)]
struct State {
    snapshot: Snapshot,
    stats: EngineStats,
    alerts: Vec<cx_core::engine::Alert>,
}

fn state(e: &Engine) -> State {
    State {
        snapshot: e.snapshot(),
        stats: e.stats(),
        alerts: e.alerts(),
    }
}

struct Setup {
    budget: u64,
    /// The engine before the failing call.
    base: Engine,
    /// The failing call's records: days overlapping the base's (its cells
    /// change) and later ones (new cells, new values, new alerts).
    more: Vec<Record>,
    /// A small call that fits, for after the failure.
    tail: Vec<Record>,
}

fn setup() -> Setup {
    let first = records(7, (2026, 1, 1), 20, 60);
    let more = records(8, (2026, 1, 10), 60, 120);
    let tail = records(9, (2026, 1, 5), 2, 30);
    let mut probe = engine(u64::MAX);
    probe.ingest_batch(&first).unwrap();
    let before = probe.stats().bytes;
    probe.ingest_batch(&more).unwrap();
    let after = probe.stats().bytes;
    assert!(after > 2 * before, "{before} → {after}");
    // Room for the base and the tail, not for the failing call.
    let budget = (before + after) / 2;
    let mut base = engine(budget);
    base.ingest_batch(&first).unwrap();
    assert!(base.alerts().len() == 50, "the alert log is full");
    Setup {
        budget,
        base,
        more,
        tail,
    }
}

/// The memory-limit error of a call failing as a whole.
fn memory(err: &LimitError) -> MemoryLimit {
    match err {
        LimitError::MemoryLimit(m) => m.clone(),
        e => panic!("not a memory-limit error: {e}"),
    }
}

/// The error says what the budget is and what the engine keeps, and the
/// engine is unchanged: it then answers a later call exactly as an engine
/// that never saw the failing one.
fn check(s: &Setup, e: &mut Engine, before: State, err: &MemoryLimit, path: &str) {
    assert_eq!(err.code(), ErrorCode::MemoryLimit, "{path}");
    assert_eq!(err.budget, s.budget, "{path}");
    assert!(err.reached > s.budget, "{path}: {err:?}");
    assert_eq!(
        (err.cells, err.bytes),
        (before.stats.cells, before.stats.bytes),
        "{path}"
    );
    let text = err.to_string();
    assert!(
        text.contains("limits.maxCellBytes") && text.contains("--cube"),
        "{path}: {text}"
    );
    assert!(state(e) == before, "{path}: the engine changed");
    let mut fresh = s.base.clone();
    assert!(state(&fresh).snapshot == before.snapshot);
    let a = e.ingest_batch(&s.tail).unwrap();
    let b = fresh.ingest_batch(&s.tail).unwrap();
    assert_eq!(a, b, "{path}");
    assert!(
        e.snapshot() == fresh.snapshot() && e.alerts() == fresh.alerts(),
        "{path}: the next call differs"
    );
}

#[test]
fn every_ingest_path_fails_whole_past_the_budget() {
    let s = setup();
    let text = json_lines(&s.more);

    let mut e = s.base.clone();
    let before = state(&e);
    let err = e.ingest_batch(&s.more).unwrap_err();
    check(&s, &mut e, before, &memory(&err), "ingest_batch");

    let mut e = s.base.clone();
    let before = state(&e);
    let err = e.ingest_json_lines(text.as_bytes()).unwrap_err();
    check(&s, &mut e, before, &memory(&err), "ingest_json_lines");

    let mut e = s.base.clone();
    let before = state(&e);
    let err = JsonLinesFeed::new()
        .threads(3)
        .push(&mut e, text.as_bytes())
        .unwrap_err();
    check(
        &s,
        &mut e,
        before,
        &memory(&err),
        "JsonLinesFeed::push on 3 threads",
    );

    let mut e = s.base.clone();
    let before = state(&e);
    let Err(IngestError::MemoryLimit(err)) = JsonLinesFeed::new().read(&mut e, text.as_bytes())
    else {
        panic!("the reader passes the budget");
    };
    check(&s, &mut e, before, &err, "JsonLinesFeed::read");

    let mut e = s.base.clone();
    let before = state(&e);
    let Err(IngestError::MemoryLimit(err)) = JsonLinesFeed::new()
        .threads(2)
        .read(&mut e, text.as_bytes())
    else {
        panic!("the threaded feed passes the budget");
    };
    check(&s, &mut e, before, &err, "JsonLinesFeed::read on 2 threads");

    let mut e = s.base.clone();
    let before = state(&e);
    let array = serde_json::to_string(&s.more).unwrap();
    let Err(IngestError::MemoryLimit(err)) = e.ingest_json(&array) else {
        panic!("the JSON document passes the budget");
    };
    check(&s, &mut e, before, &err, "ingest_json");
}

#[test]
fn sessions_feeds_and_rows_fail_whole() {
    let s = setup();
    let text = json_lines(&s.more);

    // A feed: the push that passes the budget fails and spends the feed.
    let mut e = s.base.clone();
    let before = state(&e);
    let mut feed = JsonLinesFeed::new();
    let err = feed.push(&mut e, text.as_bytes()).unwrap_err();
    assert_eq!(feed.push(&mut e, b"\n"), Err(err.clone()));
    assert_eq!(feed.finish(&mut e), Err(err.clone()));
    check(&s, &mut e, before, &memory(&err), "JsonLinesFeed::push");

    let responses: Vec<_> = s
        .more
        .iter()
        .filter_map(|r| match r {
            Record::Response(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    let mut e = s.base.clone();
    let before = state(&e);
    let err = e.ingest_responses(&responses).unwrap_err();
    check(&s, &mut e, before, &memory(&err), "ingest_responses");

    // A row session: past the budget, pushes are refused and finish fails.
    let mut e = s.base.clone();
    let before = state(&e);
    let mut session = e.response_ingest();
    let mut scratch = RowScratch::new();
    // Three times over: the budget is passed at a batch inside the session.
    let mut refused = 0;
    for r in responses.iter().cycle().take(3 * responses.len()) {
        if !session.push(&scratch.borrow(r)) && session.failed() {
            refused += 1;
        }
    }
    assert!(refused > responses.len(), "{refused}");
    let err = session.finish().unwrap_err();
    check(&s, &mut e, before, &memory(&err), "response_ingest");
}

#[test]
fn csv_and_merges_fail_whole() {
    let s = setup();
    let mut csv = String::from("date,segment,touchpoint,team,nps\n");
    for r in &s.more {
        if let Record::Response(r) = r {
            let v = |x: &Option<String>| x.clone().unwrap_or_default();
            let nps = r.nps.map_or(String::new(), |n| n.to_string());
            csv.push_str(&format!(
                "{},{},{},{},{nps}\n",
                r.at.date(),
                v(&r.segment),
                v(&r.touchpoint),
                v(&r.team)
            ));
        }
    }
    let mapping = CsvMapping::from_json(r#"{"at": {"column": "date", "format": "date"}, "dimensions": {"segment": "segment", "touchpoint": "touchpoint", "team": "team"}, "nps": "nps"}"#).unwrap();
    // The CSV's cells cost less (no attribute): make the budget tighter.
    let mut e = s.base.clone();
    let before = state(&e);
    let Err(MappingError::MemoryLimit(err)) = e.ingest_csv(csv.repeat(3).as_bytes(), &mapping)
    else {
        // Not every CSV passes this budget: check what it would take.
        let mut probe = s.base.clone();
        let r = probe.ingest_csv(csv.as_bytes(), &mapping).unwrap();
        panic!("the CSV fits: {} rows, {:?}", r.accepted, probe.stats());
    };
    check(&s, &mut e, before, &err, "ingest_csv");

    let mut other = engine(u64::MAX);
    other.set_sparse_threshold(4);
    other.ingest_batch(&s.more).unwrap();
    let mut e = s.base.clone();
    let before = state(&e);
    let Err(EngineError::MemoryLimit(err)) = e.merge(&other) else {
        panic!("the merge passes the budget");
    };
    assert_eq!(
        EngineError::MemoryLimit(err.clone()).code(),
        ErrorCode::MemoryLimit
    );
    check(&s, &mut e, before, &err, "merge");
}

#[test]
fn a_snapshot_past_its_budget_is_not_restored() {
    let s = setup();
    let mut snap = s.base.snapshot();
    snap.config.limits.max_cell_bytes = s.base.stats().bytes / 2;
    // Edited on purpose: sealed again (a restore checks the checksum).
    snap.seal();
    let Err(EngineError::MemoryLimit(err)) = Engine::restore(snap.clone()) else {
        panic!("restored past the budget");
    };
    assert_eq!(err.budget, s.base.stats().bytes / 2);
    let doc = serde_json::to_vec(&snap).unwrap();
    assert!(matches!(
        Engine::read_snapshot(doc.as_slice()),
        Err(EngineError::MemoryLimit(_))
    ));
    // Within the budget, the same snapshot restores.
    snap.config.limits.max_cell_bytes = s.budget;
    snap.seal();
    assert!(Engine::restore(snap).is_ok());
}
