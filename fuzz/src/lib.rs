//! The fuzz harnesses of cx: one function per target, each taking the raw
//! fuzz input and checking invariants (not only "no panic"). The files in
//! `fuzz_targets/` are one line each; `cx-core/tests/fuzz_regressions.rs`
//! includes this file (`#[path]`) and replays the committed crash inputs
//! through the same functions, so a replay checks exactly what the fuzzer
//! checked.
//!
//! Apart from the C ABI target, this file is self-contained (no
//! libfuzzer-sys): it only uses `cx_core`, `serde_json` and `arbitrary`.
//! The C ABI target lives in `cabi.rs`, a module only with the `ffi`
//! feature (on by default here; off when cx-core's test includes this
//! file); `cx-ffi/tests/fuzz_regressions.rs` replays it.
//!
//! Adding a target: write `pub fn <name>(data: &[u8])` here, add it to
//! [`TARGETS`] and [`run`], add a `[[bin]]` to `fuzz/Cargo.toml` and a
//! one-line `fuzz_targets/<name>.rs`, and a seed directory
//! `fuzz/seeds/<name>/`. `scripts/ci/fuzz.sh` runs every target listed by
//! `cargo fuzz list`.

#[cfg(feature = "ffi")]
pub mod cabi;

use std::sync::OnceLock;

use arbitrary::Unstructured;
use cx_core::engine::{CsvMapping, Engine, IngestReport, Query, Scorecard, Snapshot};
use cx_core::plan::Plan;
use cx_core::score::{
    nps, nps_diff, nps_z_test, proportion, relative_importance, wilson, CoMoments, Histogram,
    NpsCounts, NpsMethod, Score,
};
use serde_json::Value;

/// Every target, by name (the names of the `fuzz_targets/*.rs` files and of
/// the regression directories).
pub const TARGETS: &[&str] = &[
    "plan", "records", "csv", "query", "snapshot", "stats", "columns", "cabi",
];

/// The targets replayed by `cx-core/tests/fuzz_regressions.rs`; `cabi`
/// drives the C ABI, so `cx-ffi/tests/fuzz_regressions.rs` replays it.
pub const CORE_TARGETS: &[&str] = &[
    "plan", "records", "csv", "query", "snapshot", "stats", "columns", "stream",
];

/// Runs one target by name (used by the regression replay).
pub fn run(target: &str, data: &[u8]) {
    match target {
        #[cfg(feature = "ffi")]
        "cabi" => cabi::cabi(data),
        "plan" => plan(data),
        "records" => records(data),
        "csv" => csv(data),
        "query" => query(data),
        "snapshot" => snapshot(data),
        "stats" => stats(data),
        "columns" => columns(data),
        "stream" => stream(data),
        other => panic!("unknown fuzz target `{other}`"),
    }
}

/// The sample plan (`examples/data/plan.json`).
pub const PLAN: &str = include_str!("../../examples/data/plan.json");

/// A few records of every kind for the sample plan.
pub const SAMPLE_JSONL: &str = r#"{"id":"g1","at":"2026-01-05T09:00:00+01:00","segment":"families","touchpoint":"claims","team":"north","employee":"e1","nps":9,"csat":5,"ces":6,"attributes":{"wait-time":4,"claim-speed":5}}
{"id":"g2","at":"2026-01-06","segment":"seniors","nps":6,"csat":3,"ces":5,"attributes":{"wait-time":2,"claim-speed":0},"expectations":{"wait-time":4}}
{"id":"g3","at":"2026-02-01","segment":"families","nps":10,"csat":4,"dimensions":{"region":"north"},"comment":"merci"}
{"kind":"employee","id":"w1","at":"2026-01-10","team":"north","enps":9,"satisfaction":{"workload":4,"recognition":2}}
{"kind":"audit","id":"a1","at":"2026-01-11","method":"callRecording","employee":"e1","team":"north","items":[{"rule":"rule-name","outcome":"pass"},{"rule":"rule-inform","outcome":"fail"}]}
{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":5000}
{"kind":"kpi","metric":"retainedCustomers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":4400}
{"id":"g4","at":"2026-02-03T23:30:00-05:00","segment":"small-business","nps":0,"ces":1}
"#;

/// The CSV mapping used when a `csv` input has no mapping part.
pub const SAMPLE_MAPPING: &str = r#"{"id": "id", "at": {"column": "date"},
 "dimensions": {"segment": "seg", "team": "team", "region": "region"},
 "nps": "nps", "csat": "csat", "ces": "ces",
 "overall": {"column": "ok", "equals": "yes"},
 "attributes": {"wait-time": "wait", "claim-speed": "speed"},
 "expectations": {"wait-time": "wait-exp"}, "missing": ["", "NA"]}"#;

fn sample_plan() -> &'static Plan {
    static P: OnceLock<Plan> = OnceLock::new();
    P.get_or_init(|| Plan::from_json(PLAN).expect("sample plan parses"))
}

/// An empty engine over the sample plan.
fn empty() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(sample_plan().clone()).expect("sample plan is valid"))
}

/// An engine over the sample plan holding [`SAMPLE_JSONL`].
fn loaded() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let mut e = empty().clone();
        let r = e.ingest_json_lines(SAMPLE_JSONL.as_bytes()).unwrap();
        assert_eq!(r.rejected, 0, "{r:#?}");
        e
    })
}

fn sample_mapping() -> &'static CsvMapping {
    static M: OnceLock<CsvMapping> = OnceLock::new();
    M.get_or_init(|| CsvMapping::from_json(SAMPLE_MAPPING).expect("sample mapping parses"))
}

/// The comparison query: every metric the data has, by segment and month.
fn probe() -> &'static Query {
    static Q: OnceLock<Query> = OnceLock::new();
    Q.get_or_init(|| {
        Query::from_json(r#"{"groupBy": ["segment", "period:month"]}"#).expect("probe query")
    })
}

/// The probe query's answer as JSON (NaN and ±∞ become `null`).
fn card(e: &Engine) -> Value {
    let c: Scorecard = e
        .query(probe())
        .expect("the probe query runs on every engine");
    serde_json::to_value(c).expect("a scorecard serialises")
}

// `approx_eq`: equal JSON up to float rounding (shared with cabi.rs).
include!("approx.rs");

#[track_caller]
fn assert_same(a: &Value, b: &Value, what: &str) {
    assert!(
        approx_eq(a, b),
        "{what}: scorecards differ\n left: {a}\nright: {b}"
    );
}

/// accepted + rejected = total; every rejection listed or counted.
#[track_caller]
fn check_report(r: &IngestReport) {
    assert_eq!(r.accepted + r.rejected, r.total, "{r:#?}");
    assert_eq!(
        r.errors.len() as u64 + r.errors_not_listed,
        r.rejected,
        "{r:#?}"
    );
    for e in &r.errors {
        assert!(!e.code.as_str().is_empty(), "{e:?}");
        assert!(!e.message.is_empty(), "{e:?}");
        assert!(e.pointer.is_empty() || e.pointer.starts_with('/'), "{e:?}");
    }
}

#[track_caller]
fn check_pointer(code: &str, pointer: &str) {
    assert!(!code.is_empty(), "empty code (pointer {pointer:?})");
    assert!(
        pointer.is_empty() || pointer.starts_with('/'),
        "pointer {pointer:?} of `{code}` is not a JSON Pointer"
    );
}

/// snapshot → JSON → restore answers the probe query like the engine, and
/// snapshots again to the same document.
fn check_snapshot_roundtrip(e: &Engine, expected: &Value) {
    let s = e.snapshot();
    let text = serde_json::to_string(&s).expect("a snapshot serialises");
    let back: Snapshot = serde_json::from_str(&text).expect("a snapshot parses back");
    let r = Engine::restore(back).expect("an engine's own snapshot restores");
    assert_same(expected, &card(&r), "restore(snapshot)");
    let again = serde_json::to_value(r.snapshot()).unwrap();
    let first = serde_json::to_value(&s).unwrap();
    assert!(approx_eq(&first, &again), "snapshot(restore(s)) != s");
    // The compact stream: the same answers, and it streams to itself.
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes)
        .expect("a stream writes to memory");
    let r = Engine::read_snapshot(&bytes[..]).expect("an engine's own stream restores");
    assert_same(expected, &card(&r), "read_snapshot(write_snapshot)");
    let mut again = Vec::new();
    r.write_snapshot(&mut again).unwrap();
    assert!(again == bytes, "stream(read(stream)) != stream");
    assert_eq!(
        (r.stats().cells, r.stats().rows),
        (e.stats().cells, e.stats().rows)
    );
}

/// The sample engine's snapshot stream.
pub fn sample_stream() -> &'static [u8] {
    static S: OnceLock<Vec<u8>> = OnceLock::new();
    S.get_or_init(|| {
        let mut bytes = Vec::new();
        loaded().write_snapshot(&mut bytes).unwrap();
        bytes
    })
}

// ---------------------------------------------------------------- stream

/// A restore's engine, exercised: it answers queries and its alerts, merges
/// with itself and into a loaded engine, and ingests. A refused restore
/// has a code and a pointer (`None`).
fn exercised(result: Result<Engine, cx_core::engine::EngineError>) -> Option<Engine> {
    let e = match result {
        Ok(e) => e,
        Err(err) => {
            check_pointer(err.code().as_str(), &err.pointer());
            return None;
        }
    };
    let _ = e.query(&Query::default());
    let _ = e.query(probe());
    let _ = e.alerts();
    let mut twice = e.clone();
    if twice.merge(&e).is_ok() {
        let _ = twice.query(&Query::default());
    }
    let mut with_data = loaded().clone();
    if with_data.merge(&e).is_ok() {
        let _ = with_data.query(probe());
    }
    let mut more = e.clone();
    check_report(&more.ingest_json_lines(SAMPLE_JSONL.as_bytes()).unwrap());
    Some(e)
}

/// A snapshot stream: raw bytes (input starting with `CXSNAP`), else the
/// sample engine's stream with 1–8 bytes changed, a cut or bytes inserted
/// where the input says. A corrupted stream is an error with a code and a
/// pointer, never a panic; a stream that restores answers queries, merges,
/// ingests and streams to a stream that restores to the same answers.
pub fn stream(data: &[u8]) {
    let bytes = if data.starts_with(b"CXSNAP") {
        data.to_vec()
    } else {
        let mut u = Unstructured::new(data);
        let mut b = sample_stream().to_vec();
        for _ in 0..u.int_in_range(1..=8u8).unwrap_or(1) {
            let at = u.choose_index(b.len()).unwrap_or(0);
            match u.int_in_range(0..=9u8).unwrap_or(0) {
                0 => b.truncate(at),
                1 => b.insert(at, u.arbitrary().unwrap_or(0)),
                _ => b[at] ^= u.arbitrary::<u8>().unwrap_or(1).max(1),
            }
            if b.is_empty() {
                break;
            }
        }
        b
    };
    // As it is: a changed stream is refused (its checksum, if nothing
    // before); resealed, so the checks behind the checksum are reached.
    let raw = Engine::read_snapshot(&bytes[..]);
    let mut sealed = bytes.clone();
    cx_core::engine::seal_stream(&mut sealed);
    if raw.is_ok() {
        assert_eq!(sealed, bytes, "a stream with a wrong checksum restored");
    }
    for result in [raw, Engine::read_snapshot(&sealed[..])] {
        let Some(e) = exercised(result) else {
            continue;
        };
        if let Ok(expected) = e.query(probe()) {
            check_snapshot_roundtrip(&e, &serde_json::to_value(expected).unwrap());
        }
    }
}

// ---------------------------------------------------------------- plan

/// Plan JSON: parse, validate, trace, engine creation, round trip.
pub fn plan(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let plan = match Plan::from_json(text) {
        Ok(p) => p,
        Err(e) => {
            let d = e.to_diagnostic();
            check_pointer(d.code.as_str(), &d.pointer);
            assert!(d.is_error());
            return;
        }
    };
    let diags = plan.validate();
    for d in &diags {
        check_pointer(d.code.as_str(), &d.pointer);
        assert!(!d.message.is_empty(), "{d:?}");
    }
    let _ = plan.trace();
    let has_errors = diags.iter().any(|d| d.is_error());
    match Engine::new(plan.clone()) {
        Ok(e) => {
            assert!(!has_errors, "the engine accepted a plan with errors");
            let _ = e
                .query(&Query::default())
                .expect("default query on an empty engine");
        }
        Err(e) => {
            assert!(has_errors, "the engine refused a valid plan: {e}");
            check_pointer(e.code().as_str(), &e.pointer());
        }
    }
    // What we write, we read back to the same plan.
    let json = plan.to_json_pretty();
    let back = Plan::from_json(&json).unwrap_or_else(|e| panic!("re-reading a plan: {e}\n{json}"));
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&plan).unwrap(),
        "plan round trip"
    );
}

// ---------------------------------------------------------------- records

/// The non-blank lines of JSON Lines text, as the engine counts them.
fn jsonl_lines(data: &[u8]) -> Vec<(usize, &[u8])> {
    let data = data
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(data);
    data.split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .collect()
}

fn join(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

/// Record JSON Lines (and the same text as one JSON document): counts add
/// up, nothing is lost, rejected lines change nothing, merge over a split
/// equals the whole, restore(snapshot) answers the same.
pub fn records(data: &[u8]) {
    let mut e = loaded().clone();
    let r = e.ingest_json_lines(data).unwrap();
    check_report(&r);
    let lines = jsonl_lines(data);
    assert_eq!(r.total, lines.len() as u64, "total != non-blank lines");
    let whole = card(&e);
    if r.accepted == 0 {
        assert_same(&card(loaded()), &whole, "rejected-only input");
    }

    if r.errors_not_listed == 0 {
        let bad_lines: std::collections::BTreeSet<usize> = r
            .errors
            .iter()
            .map(|e| e.line.expect("JSON Lines errors have a line"))
            .collect();
        let (bad, good): (Vec<_>, Vec<_>) = lines.iter().partition(|(n, _)| bad_lines.contains(n));
        let good: Vec<&[u8]> = good.iter().map(|(_, l)| *l).collect();
        let bad: Vec<&[u8]> = bad.iter().map(|(_, l)| *l).collect();
        // The accepted lines alone give the same statistics.
        let mut g = loaded().clone();
        let rg = g.ingest_json_lines(&join(&good)).unwrap();
        assert_eq!((rg.accepted, rg.rejected), (r.accepted, 0), "{rg:#?}");
        assert_same(&whole, &card(&g), "accepted lines alone");
        // The rejected lines, again, change nothing.
        let mut b = e.clone();
        let rb = b.ingest_json_lines(&join(&bad)).unwrap();
        assert_eq!((rb.accepted, rb.rejected), (0, r.rejected), "{rb:#?}");
        assert_same(&whole, &card(&b), "rejected lines again");
        // Merge over a split equals the whole.
        let k = if good.is_empty() {
            0
        } else {
            data[0] as usize % (good.len() + 1)
        };
        let mut a = loaded().clone();
        a.ingest_json_lines(&join(&good[..k])).unwrap();
        let mut c = empty().clone();
        c.ingest_json_lines(&join(&good[k..])).unwrap();
        a.merge(&c).expect("engines over one plan merge");
        assert_same(&whole, &card(&a), "merge over a split");
    }
    check_snapshot_roundtrip(&e, &whole);

    // The same text fed in pieces cut at two points the input picks (a
    // feed), and read through `Read`: the same report and statistics.
    let cut = |i: usize| {
        data.get(i)
            .map_or(0, |&b| usize::from(b) * data.len() / 256)
    };
    let (x, y) = (cut(1).min(cut(2)), cut(1).max(cut(2)));
    let mut f = loaded().clone();
    let mut feed = cx_core::engine::JsonLinesFeed::new();
    let mut pushed = 0;
    for piece in [&data[..x], &data[x..y], &data[y..]] {
        pushed += feed.push(&mut f, piece).expect("within the budget").total;
        assert_eq!(
            feed.report().total,
            pushed,
            "a feed's report counts its pushes"
        );
    }
    assert_eq!(feed.finish(&mut f), Ok(r.clone()), "a feed in three pieces");
    assert_same(&whole, &card(&f), "a feed in three pieces");
    let mut rd = loaded().clone();
    assert_eq!(
        cx_core::engine::JsonLinesFeed::new()
            .read(&mut rd, data)
            .expect("a slice reads"),
        r,
        "a reader"
    );

    // The same text as one JSON document (an array or one record).
    if let Ok(text) = std::str::from_utf8(data) {
        let mut j = loaded().clone();
        match j.ingest_json(text) {
            Ok(r) => {
                check_report(&r);
                if r.accepted == 0 {
                    assert_same(&card(loaded()), &card(&j), "rejected-only JSON document");
                }
            }
            Err(cx_core::engine::IngestError::Parse(err)) => {
                assert!(err.line >= 1 && err.column >= 1, "{err:?}");
                assert!(!err.message.is_empty());
            }
            Err(err) => panic!("a JSON document within the budget: {err}"),
        }
    }
}

// ---------------------------------------------------------------- csv

/// CSV with a mapping. The input is `mapping JSON, NUL, CSV bytes`; without
/// a NUL it is all CSV, read with [`SAMPLE_MAPPING`].
pub fn csv(data: &[u8]) {
    let (mapping, text) = match data.iter().position(|&b| b == 0) {
        Some(i) => {
            let Ok(m) = std::str::from_utf8(&data[..i]) else {
                return;
            };
            match CsvMapping::from_json(m) {
                Ok(m) => (m, &data[i + 1..]),
                Err(err) => {
                    check_pointer(err.code().as_str(), &err.pointer());
                    return;
                }
            }
        }
        None => (sample_mapping().clone(), data),
    };
    let mut e = loaded().clone();
    let r = match e.ingest_csv(text, &mapping) {
        Ok(r) => r,
        Err(err) => {
            check_pointer(err.code().as_str(), &err.pointer());
            assert_same(&card(loaded()), &card(&e), "a refused CSV");
            return;
        }
    };
    check_report(&r);
    let whole = card(&e);
    if r.accepted == 0 {
        assert_same(&card(loaded()), &whole, "rejected-only CSV");
    }
    // The same CSV into an empty engine, merged, equals ingesting it twice.
    let mut once = empty().clone();
    let r1 = once
        .ingest_csv(text, &mapping)
        .expect("the same mapping fits again");
    assert_eq!((r1.accepted, r1.rejected), (r.accepted, r.rejected));
    let mut twice = e.clone();
    let r2 = twice
        .ingest_csv(text, &mapping)
        .expect("the same mapping fits again");
    assert_eq!((r2.accepted, r2.rejected), (r.accepted, r.rejected));
    e.merge(&once).expect("engines over one plan merge");
    assert_same(&card(&twice), &card(&e), "merge equals ingesting twice");
    check_snapshot_roundtrip(&twice, &card(&twice));
}

// ---------------------------------------------------------------- query

fn restored() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::restore(loaded().snapshot()).expect("restore"))
}

/// Query JSON against an engine with data, an empty one and a restored one.
pub fn query(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let q = match Query::from_json(text) {
        Ok(q) => q,
        Err(err) => {
            check_pointer(err.code().as_str(), &err.pointer());
            return;
        }
    };
    let answer = |e: &Engine| match e.query(&q) {
        Ok(c) => {
            for row in &c.rows {
                assert_eq!(row.key.len(), c.group_by.len(), "{c:#?}");
            }
            Some(serde_json::to_value(c).unwrap())
        }
        Err(err) => {
            check_pointer(err.code().as_str(), &err.pointer());
            None
        }
    };
    let full = answer(loaded());
    let _ = answer(empty());
    let back = answer(restored());
    match (&full, &back) {
        (Some(a), Some(b)) => assert_same(a, b, "query on restore(snapshot)"),
        (None, None) => {}
        _ => panic!("the query succeeds on only one of engine and restore(snapshot)"),
    }
    let sel = q.selection();
    let level = q.level.unwrap_or(0.95);
    let method = q.nps_method.unwrap_or_default();
    if let Err(err) = loaded().compare(&sel, &Default::default(), level, method) {
        check_pointer(err.code().as_str(), &err.pointer());
    }
}

// ---------------------------------------------------------------- snapshot

/// The snapshot of an engine holding [`SAMPLE_JSONL`], pretty JSON (the
/// seed `fuzz/seeds/snapshot/sample-snapshot.json`).
pub fn sample_snapshot_json() -> String {
    serde_json::to_string_pretty(&loaded().snapshot()).unwrap() + "\n"
}

fn sample_snapshot() -> &'static Value {
    static S: OnceLock<Value> = OnceLock::new();
    S.get_or_init(|| serde_json::to_value(loaded().snapshot()).unwrap())
}

fn arbitrary_value(u: &mut Unstructured, like: &Value) -> arbitrary::Result<Value> {
    Ok(match u.int_in_range(0..=9u8)? {
        0 => Value::from(u.arbitrary::<u64>()?),
        1 => Value::from(u.arbitrary::<i64>()?),
        2 => Value::from(u.int_in_range(0..=12u64)?),
        3 => serde_json::Number::from_f64(u.arbitrary::<f64>()?).map_or(Value::Null, Value::Number),
        4 => Value::from(u.arbitrary::<String>()?),
        5 => Value::Null,
        6 => Value::from(u.arbitrary::<bool>()?),
        7 => Value::Array(vec![]),
        // Boundary values.
        8 => Value::from(*u.choose(&[u64::MAX, u64::MAX / 2, i64::MAX as u64, u32::MAX as u64])?),
        // Duplicate a sibling-like value (same shape, other place).
        _ => like.clone(),
    })
}

/// Edits one place in `v`, chosen by walking down from the root.
fn mutate(u: &mut Unstructured, v: &mut Value) -> arbitrary::Result<()> {
    let descend = u.ratio(7u8, 8u8)?;
    match v {
        Value::Object(m) if descend && !m.is_empty() => {
            let i = u.choose_index(m.len())?;
            let key = m.keys().nth(i).unwrap().clone();
            mutate(u, m.get_mut(&key).unwrap())
        }
        Value::Array(a) if descend && !a.is_empty() => {
            let i = u.choose_index(a.len())?;
            match u.int_in_range(0..=5u8)? {
                0 => {
                    let dup = a[i].clone();
                    a.push(dup);
                    Ok(())
                }
                1 => {
                    a.remove(i);
                    Ok(())
                }
                _ => mutate(u, &mut a[i]),
            }
        }
        _ => {
            let like = v.clone();
            *v = arbitrary_value(u, &like)?;
            Ok(())
        }
    }
}

/// Snapshot restore: arbitrary JSON (input starting with `{`), or a real
/// snapshot mutated in a few places chosen by the input. A restored engine
/// answers queries, merges and snapshots again without panicking.
pub fn snapshot(data: &[u8]) {
    let doc: Value = if data.first() == Some(&b'{') {
        match serde_json::from_slice(data) {
            Ok(v) => v,
            Err(_) => return,
        }
    } else {
        let mut u = Unstructured::new(data);
        let mut v = sample_snapshot().clone();
        let edits = u.int_in_range(1..=4u8).unwrap_or(1);
        for _ in 0..edits {
            if mutate(&mut u, &mut v).is_err() {
                break;
            }
        }
        v
    };
    let Ok(s) = serde_json::from_value::<Snapshot>(doc) else {
        return;
    };
    // As it is (an edit is refused: its checksum, if nothing before), then
    // sealed again, so the checks behind the checksum are reached.
    let mut sealed = s.clone();
    sealed.seal();
    if let Some(e) = exercised(Engine::restore(s.clone())) {
        assert_eq!(s, sealed, "a document with a wrong checksum restored");
        drop(e);
    }
    let Some(e) = exercised(Engine::restore(sealed)) else {
        return;
    };
    // A restored engine snapshots to a document that restores again.
    let again = Engine::restore(e.snapshot()).expect("a restored engine's snapshot restores");
    if let (Ok(a), Ok(b)) = (e.query(&Query::default()), again.query(&Query::default())) {
        assert_same(
            &serde_json::to_value(a).unwrap(),
            &serde_json::to_value(b).unwrap(),
            "restore(snapshot(restored))",
        );
    }
}

// ---------------------------------------------------------------- stats

fn check_score(s: &Score, what: &str) {
    if let Some(v) = s.value {
        assert!(v.is_finite(), "{what}: value {v}");
    }
    if let Some(i) = &s.interval {
        assert!(
            !(i.low > i.high),
            "{what}: interval [{}, {}] is upside down",
            i.low,
            i.high
        );
    }
}

fn counts(u: &mut Unstructured) -> arbitrary::Result<NpsCounts> {
    let mut one = || -> arbitrary::Result<u64> {
        Ok(if u.arbitrary::<bool>()? {
            u.int_in_range(0..=1000u64)?
        } else {
            u.arbitrary()?
        })
    };
    Ok(NpsCounts::new(one()?, one()?, one()?))
}

/// The `cx stats` inputs via `arbitrary`: NPS counts, levels and methods,
/// NPS differences, proportions, driver co-moments (merge over a split
/// equals the whole) and decimal parsing.
pub fn stats(data: &[u8]) {
    let _ = stats_inner(&mut Unstructured::new(data));
}

fn stats_inner(u: &mut Unstructured) -> arbitrary::Result<()> {
    let level = if u.arbitrary::<bool>()? {
        *u.choose(&[0.8, 0.9, 0.95, 0.99, 0.999])?
    } else {
        u.arbitrary::<f64>()?
    };
    let method = *u.choose(&[NpsMethod::Wald, NpsMethod::AdjustedWald, NpsMethod::Score])?;
    let (a, b) = (counts(u)?, counts(u)?);
    for c in [&a, &b] {
        if let Ok(s) = nps(c, method, level) {
            check_score(&s, "nps");
        }
        let _ = nps_z_test(c, u.arbitrary()?);
    }
    let mut ab = a;
    ab.merge(&b);
    let mut ba = b;
    ba.merge(&a);
    assert_eq!(ab, ba, "NpsCounts::merge commutes");
    if let Ok(s) = nps(&ab, method, level) {
        check_score(&s, "nps of a merge");
    }
    let _ = nps_diff(&a, &b, method, level);

    let (x, n) = (u.arbitrary::<u64>()?, u.arbitrary::<u64>()?);
    let (x, n) = if u.arbitrary::<bool>()? {
        (x % 1000, n % 1000)
    } else {
        (x, n)
    };
    if let Ok(s) = proportion(x, n, level) {
        check_score(&s, "proportion");
    }
    if let Ok(Some((lo, hi))) = wilson(x, n, level) {
        assert!(lo <= hi && lo >= 0.0 && hi <= 1.0, "wilson [{lo}, {hi}]");
    }

    let mut h = Histogram::default();
    for _ in 0..u.int_in_range(0..=4u8)? {
        let _ = h.add_n(u.arbitrary()?, u.arbitrary()?);
    }
    let _ = (
        h.mean(),
        h.sample_variance(),
        NpsCounts::from_histogram(&h).n(),
    );

    // Drivers: co-moments of rows of exact decimals.
    let columns = u.int_in_range(1..=6usize)?;
    let rows: Vec<Vec<i64>> = (0..u.int_in_range(0..=24usize)?)
        .map(|_| {
            (0..columns)
                .map(|_| {
                    Ok(if u.arbitrary::<bool>()? {
                        u.int_in_range(-10..=10i64)?
                    } else {
                        u.arbitrary()?
                    })
                })
                .collect()
        })
        .collect::<arbitrary::Result<_>>()?;
    let split = if rows.is_empty() {
        0
    } else {
        u.choose_index(rows.len() + 1)?
    };
    let mut whole = CoMoments::new(columns);
    let mut left = CoMoments::new(columns);
    let mut right = CoMoments::default();
    let mut all_ok = true;
    for (i, r) in rows.iter().enumerate() {
        let before = whole.clone();
        if whole.add(r).is_err() {
            assert_eq!(before, whole, "a refused row changes nothing");
            all_ok = false;
            continue;
        }
        let half = if i < split { &mut left } else { &mut right };
        if half.add(r).is_err() {
            all_ok = false;
        }
    }
    if all_ok {
        let mut merged = left.clone();
        merged.merge(&right).expect("the halves of a sum merge");
        if right.n > 0 || left.n > 0 {
            assert_eq!(merged.n, whole.n);
            assert_eq!(merged.sums, whole.sums);
            assert_eq!(merged.cross, whole.cross);
        }
        let mut id = whole.clone();
        id.merge(&CoMoments::default()).expect("identity merges");
        assert_eq!(id, whole, "Default is the identity");
    }
    let outcome = u.choose_index(columns)?;
    if let Ok(imp) = relative_importance(&whole, outcome) {
        let _ = imp;
    }
    let _ = whole.correlation_matrix();
    let _ = whole.means();

    let text: String = u.arbitrary()?;
    if let Ok(d) = cx_core::number::Decimal::of_text(&text) {
        assert!(d.places <= cx_core::number::Decimal::MAX_PLACES);
    }
    Ok(())
}

/// `Engine::ingest_columns` (the columnar kernel and, when it declines, the
/// row path) against the row path itself: the input picks the cube, the
/// dictionaries and every row's timestamp, codes and scores (mostly valid,
/// sometimes absent, off-scale, out of range or past the dictionary). A
/// code past its dictionary must be the call's error, naming the first such
/// row of the first such column, with nothing filed; otherwise the counts,
/// alerts, cells and scorecards equal those of the same rows pushed one by
/// one through `Engine::response_ingest`.
pub fn columns(data: &[u8]) {
    let _ = columns_inner(&mut Unstructured::new(data));
}

fn columns_inner(u: &mut Unstructured) -> arbitrary::Result<()> {
    use cx_core::engine::{
        ColumnsError, Cube, DimensionColumn, EngineConfig, Granularity, ResponseColumns,
        ResponseRef, ABSENT,
    };
    use cx_core::record::Timestamp;
    const MISSING: u8 = 255;
    let granularity = *u.choose(&[
        Granularity::None,
        Granularity::Day,
        Granularity::IsoWeek,
        Granularity::Month,
    ])?;
    let keep: Vec<String> = [
        ("segment", u.arbitrary::<bool>()?),
        ("region", u.arbitrary::<bool>()?),
    ]
    .iter()
    .filter(|(_, k)| *k)
    .map(|(d, _)| d.to_string())
    .collect();
    let config = EngineConfig {
        cube: Cube {
            dimensions: Some(keep.clone()),
            granularity,
        },
        ..EngineConfig::default()
    };
    let (segments, regions) = (u.int_in_range(1..=5usize)?, u.int_in_range(1..=3usize)?);
    let seg_names: Vec<String> = (0..segments).map(|i| format!("s{i}")).collect();
    let reg_names: Vec<String> = (0..regions).map(|i| format!("r{i}")).collect();
    let seg_dict: Vec<&str> = seg_names.iter().map(String::as_str).collect();
    let reg_dict: Vec<&str> = reg_names.iter().map(String::as_str).collect();
    let (scores, attribute) = (u.arbitrary::<bool>()?, u.arbitrary::<bool>()?);
    // Defaults of an exhausted input (the low end of every range) are
    // valid values; the rows stop where the input does.
    let bad_code = u.int_in_range(0..=7u8)? == 7;
    let rows = u.int_in_range(0..=300usize)?.min(u.len() / 8);
    let code = |u: &mut Unstructured, size: usize| -> arbitrary::Result<u32> {
        Ok(match u.int_in_range(0..=7u8)? {
            0..=5 => u.int_in_range(0..=size as u32 - 1)?,
            _ => ABSENT,
        })
    };
    let rating = |u: &mut Unstructured, lo: u8, hi: u8| -> arbitrary::Result<u8> {
        Ok(match u.int_in_range(0..=15u8)? {
            0..=12 => u.int_in_range(lo..=hi)?,
            13 => MISSING,
            _ => u.arbitrary()?,
        })
    };
    let (mut at, mut seg, mut reg) = (vec![], vec![], vec![]);
    let (mut nps, mut csat, mut ces, mut wait) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rows {
        at.push(match u.int_in_range(0..=31u8)? {
            31 => u.arbitrary::<i64>()?,
            _ => 1_767_225_600 + i64::from(u.int_in_range(0..=400 * 86_400u32)?),
        });
        seg.push(code(u, segments)?);
        reg.push(code(u, regions)?);
        nps.push(rating(u, 0, 10)?);
        csat.push(rating(u, 1, 5)?);
        ces.push(rating(u, 1, 7)?);
        wait.push(rating(u, 1, 5)?);
    }
    // Now and then, one code past its dictionary (the whole call's error).
    if rows > 0 && bad_code {
        let row = u.choose_index(rows)?;
        let (codes, size) = if u.arbitrary()? {
            (&mut seg, segments)
        } else {
            (&mut reg, regions)
        };
        codes[row] = size as u32 + u32::from(u.arbitrary::<u8>()?);
    }
    let cols = ResponseColumns {
        at: &at,
        dimensions: vec![
            (
                "segment",
                DimensionColumn {
                    dictionary: &seg_dict,
                    codes: &seg,
                },
            ),
            (
                "region",
                DimensionColumn {
                    dictionary: &reg_dict,
                    codes: &reg,
                },
            ),
        ],
        nps: scores.then_some(&nps[..]),
        csat: scores.then_some(&csat[..]),
        ces: scores.then_some(&ces[..]),
        attributes: if attribute {
            vec![("wait-time", &wait[..])]
        } else {
            vec![]
        },
        ..ResponseColumns::default()
    };
    let mut a = Engine::with_config(sample_plan().clone(), config.clone()).expect("valid cube");
    let got = a.ingest_columns(&cols);
    let past = |codes: &[u32], size: usize| {
        codes
            .iter()
            .position(|&k| k != ABSENT && k as usize >= size)
    };
    if let Some(row) = past(&seg, segments).or(past(&reg, regions)) {
        assert!(
            matches!(got, Err(ColumnsError::Code { row: r, .. }) if r == row),
            "{got:?}, first code past its dictionary at row {row}"
        );
        assert_eq!(a.cell_count(), 0, "a refused call files nothing");
        return Ok(());
    }
    let ra = got.expect("columns of the right length and names");
    check_report(&ra);
    assert_eq!(ra.total, rows as u64);
    let mut b = Engine::with_config(sample_plan().clone(), config).expect("valid cube");
    let mut ingest = b.response_ingest();
    let opt = |v: u8| (v != MISSING).then_some(v);
    fn pick<'a>(dict: &[&'a str], k: u32) -> Option<&'a [u8]> {
        (k != ABSENT).then(|| dict[k as usize].as_bytes())
    }
    for i in 0..rows {
        let Some(t) = Timestamp::from_unix(at[i]) else {
            ingest.refuse(
                None,
                "/at",
                cx_core::error::ErrorCode::OutOfRange,
                "timestamp out of range",
            );
            continue;
        };
        let region = pick(&reg_dict, reg[i]).map(|v| (b"region".as_slice(), v));
        let dims: Vec<(&[u8], &[u8])> = region.into_iter().collect();
        let attrs: Vec<(&[u8], u8)> = if attribute && wait[i] != MISSING {
            vec![(b"wait-time".as_slice(), wait[i])]
        } else {
            vec![]
        };
        ingest.push(&ResponseRef {
            at: t,
            segment: pick(&seg_dict, seg[i]),
            dimensions: &dims,
            nps: if scores { opt(nps[i]) } else { None },
            csat: if scores { opt(csat[i]) } else { None },
            ces: if scores { opt(ces[i]) } else { None },
            attributes: &attrs,
            ..ResponseRef::default()
        });
    }
    let rb = ingest.finish().expect("within the budget");
    assert_eq!(
        (ra.total, ra.accepted, ra.rejected),
        (rb.total, rb.accepted, rb.rejected),
        "columns against rows"
    );
    assert_eq!(
        ra.alerts.len() as u64 + ra.alerts_not_listed,
        rb.alerts.len() as u64 + rb.alerts_not_listed,
        "alerts"
    );
    assert_eq!(a.cell_count(), b.cell_count(), "cells");
    // Every metric overall, and by each kept dimension.
    let mut queries = vec![Query::default()];
    for d in &keep {
        queries.push(Query::from_json(&format!(r#"{{"groupBy": ["{d}"]}}"#)).expect("query"));
    }
    for q in &queries {
        let answer = |e: &Engine| {
            serde_json::to_value(e.query(q).expect("a query over kept dimensions runs"))
                .expect("a scorecard serialises")
        };
        assert_same(&answer(&a), &answer(&b), "columns against rows");
    }
    Ok(())
}
