//! Checked counts on ingest (issue 16, item 4): an engine counts at most
//! 2^53 records of each kind (customer responses, employee responses,
//! audits, KPI observations). An engine restored close to that limit that
//! is given records past it fails the whole call with the `overflow` code
//! and changes nothing, on every ingest path (JSON, JSON Lines in one call,
//! fed or read on one or two threads, CSV in one call or read on one or two
//! threads, typed records and rows, row sessions, columns); a call that
//! reaches exactly 2^53 succeeds, and the engine's snapshot then restores.

use cx_core::engine::{
    CsvFeed, CsvMapping, DimensionColumn, Engine, IngestReport, JsonLinesFeed, ResponseColumns,
    RowScratch, Snapshot, MAX_SNAPSHOT_COUNT,
};
use cx_core::error::ErrorCode;
use cx_core::plan::Plan;
use cx_core::record::{Audit, EmployeeResponse, KpiObservation, Record, Response};

const PLAN: &str = include_str!("../../examples/data/plan.json");
const MAX: u64 = MAX_SNAPSHOT_COUNT;

/// Records per call: enough text (over 64 KiB) for the threaded JSON Lines
/// paths to split it.
const N: u64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Responses,
    Employees,
    Audits,
    Kpis,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Responses, Kind::Employees, Kind::Audits, Kind::Kpis];

    /// The kind in the error's words.
    fn words(self) -> &'static str {
        match self {
            Kind::Responses => "customer responses",
            Kind::Employees => "employee responses",
            Kind::Audits => "audits",
            Kind::Kpis => "KPI observations",
        }
    }

    /// Record `i` of this kind as a JSON line (all in the seed's cells or
    /// next to them).
    fn line(self, i: u64) -> String {
        let day = 5 + i % 3;
        match self {
            Kind::Responses => format!(
                r#"{{"at": "2026-01-{day:02}T10:00:00Z", "segment": "families", "nps": {}, "csat": {}}}"#,
                i % 11,
                1 + i % 5
            ),
            Kind::Employees => format!(
                r#"{{"kind": "employee", "at": "2026-01-{day:02}T12:00:00Z", "team": "claims-north", "enps": {}}}"#,
                i % 11
            ),
            Kind::Audits => format!(
                r#"{{"kind": "audit", "at": "2026-01-{day:02}T11:00:00Z", "method": "phoneCheck", "team": "claims-north", "items": [{{"rule": "rule-name", "outcome": "pass"}}]}}"#
            ),
            Kind::Kpis => format!(
                r#"{{"kind": "kpi", "metric": "customers", "period": {{"start": "2026-01-{day:02}", "end": "2026-01-{day:02}"}}, "value": 10.0, "segment": "families"}}"#
            ),
        }
    }

    fn record(self, i: u64) -> Record {
        let line = self.line(i);
        match self {
            Kind::Responses => Record::Response(serde_json::from_str::<Response>(&line).unwrap()),
            Kind::Employees => {
                Record::Employee(serde_json::from_str::<EmployeeResponse>(&line).unwrap())
            }
            Kind::Audits => Record::Audit(serde_json::from_str::<Audit>(&line).unwrap()),
            Kind::Kpis => Record::Kpi(serde_json::from_str::<KpiObservation>(&line).unwrap()),
        }
    }

    fn json_lines(self, n: u64) -> String {
        (0..n).map(|i| self.line(i) + "\n").collect()
    }
}

/// An engine holding one record of each kind on 2026-01-05 (one cell
/// each), restored from its snapshot edited (and sealed again) so that it
/// holds `total` records of `kind`.
fn engine_with(kind: Kind, total: u64) -> Engine {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let seed: String = Kind::ALL.iter().map(|k| k.line(0) + "\n").collect();
    let r = e.ingest_json_lines(seed.as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected), (4, 0), "{r:?}");
    let mut v = serde_json::to_value(e.snapshot()).unwrap();
    let (field, value) = match kind {
        Kind::Responses => (&mut v["responses"][0][1]["responses"], total),
        Kind::Employees => (&mut v["employees"][0][1]["responses"], total),
        // One scored audit and `total - 1` unscored ones.
        Kind::Audits => (
            &mut v["audits"][0][1]["compliance"]["audits"]["unscored"],
            total - 1,
        ),
        Kind::Kpis => (&mut v["kpis"][0][1]["sums"]["customers"]["n"], total),
    };
    assert!(field.is_u64(), "{kind:?}: the snapshot layout changed");
    *field = value.into();
    let mut s: Snapshot = serde_json::from_value(v).unwrap();
    s.seal();
    let e = Engine::restore(s).unwrap();
    assert_eq!(e.stats().rows, total + 3, "{kind:?}");
    e
}

/// Everything an engine answers with: its snapshot document and stream,
/// byte for byte, its alerts and footprint.
fn state(e: &Engine) -> (Vec<u8>, Vec<u8>, String, String) {
    let mut stream = Vec::new();
    e.write_snapshot(&mut stream).unwrap();
    (
        serde_json::to_vec(&e.snapshot()).unwrap(),
        stream,
        format!("{:?}", e.alerts()),
        format!("{:?}", e.stats()),
    )
}

/// The outcome of an ingest: its report, or its error's code and message.
type Outcome = Result<IngestReport, (ErrorCode, String)>;

/// An ingest path for records of any kind: files `n` records of a kind.
type JsonPath = fn(&mut Engine, Kind, u64) -> Outcome;

/// An ingest path for customer responses: files `n` of them.
type ResponsePath = fn(&mut Engine, u64) -> Outcome;

/// A named check, run on its own (see [`all`]).
type Check = (String, Box<dyn FnOnce() + std::panic::UnwindSafe>);

fn fail<E: std::fmt::Display>(code: ErrorCode, e: E) -> (ErrorCode, String) {
    (code, e.to_string())
}

/// The ingest paths that take JSON text, for every kind: each files the
/// `n` records of `kind` in one call.
fn json_paths() -> Vec<(&'static str, JsonPath)> {
    vec![
        ("ingest_json", |e, k, n| {
            let items: Vec<String> = (0..n).map(|i| k.line(i)).collect();
            e.ingest_json(&format!("[{}]", items.join(",")))
                .map_err(|e| fail(e.code(), e))
        }),
        ("ingest_json_lines", |e, k, n| {
            e.ingest_json_lines(k.json_lines(n).as_bytes())
                .map_err(|e| fail(e.code(), e))
        }),
        ("JsonLinesFeed::push", |e, k, n| {
            let mut feed = JsonLinesFeed::new();
            feed.push(e, k.json_lines(n).as_bytes())
                .map_err(|e| fail(e.code(), e))?;
            feed.finish(e).map_err(|e| fail(e.code(), e))
        }),
        ("JsonLinesFeed::push on 2 threads", |e, k, n| {
            let text = k.json_lines(n);
            assert!(text.len() >= 1 << 16, "too short to split");
            let mut feed = JsonLinesFeed::new().threads(2);
            feed.push(e, text.as_bytes())
                .map_err(|e| fail(e.code(), e))?;
            feed.finish(e).map_err(|e| fail(e.code(), e))
        }),
        ("JsonLinesFeed::read", |e, k, n| {
            JsonLinesFeed::new()
                .read(e, k.json_lines(n).as_bytes())
                .map_err(|e| fail(e.code(), e))
        }),
        ("JsonLinesFeed::read on 2 threads", |e, k, n| {
            JsonLinesFeed::new()
                .threads(2)
                .read(e, k.json_lines(n).as_bytes())
                .map_err(|e| fail(e.code(), e))
        }),
        ("ingest_batch", |e, k, n| {
            let records: Vec<Record> = (0..n).map(|i| k.record(i)).collect();
            e.ingest_batch(&records).map_err(|e| fail(e.code(), e))
        }),
    ]
}

fn csv(n: u64) -> String {
    let mut text = String::from("date,segment,nps\n");
    for i in 0..n {
        text += &format!("2026-01-{:02},families,{}\n", 5 + i % 3, i % 11);
    }
    text
}

fn mapping() -> CsvMapping {
    CsvMapping::from_json(
        r#"{"at": {"column": "date", "format": "date"}, "dimensions": {"segment": "segment"}, "nps": "nps"}"#,
    )
    .unwrap()
}

/// Customer responses in columns, with or without an attribute column
/// (which turns the dense kernel down: the row path files them).
fn columns(e: &mut Engine, n: u64, attribute: bool) -> Outcome {
    let at: Vec<i64> = (0..n)
        .map(|i| 1_767_607_200 + 86_400 * (i % 3) as i64)
        .collect();
    let nps: Vec<u8> = (0..n).map(|i| (i % 11) as u8).collect();
    let ratings: Vec<u8> = (0..n).map(|i| 1 + (i % 5) as u8).collect();
    let codes = vec![0u32; n as usize];
    let dictionary = ["families"];
    let cols = ResponseColumns {
        at: &at,
        dimensions: vec![(
            "segment",
            DimensionColumn {
                dictionary: &dictionary,
                codes: &codes,
            },
        )],
        nps: Some(&nps),
        csat: None,
        ces: None,
        overall: None,
        attributes: if attribute {
            vec![("wait-time", &ratings[..])]
        } else {
            Vec::new()
        },
        weight: None,
        comment: None,
    };
    e.ingest_columns(&cols).map_err(|e| fail(e.code(), e))
}

/// The paths that take customer responses only.
fn response_paths() -> Vec<(&'static str, ResponsePath)> {
    vec![
        ("ingest_csv", |e, n| {
            e.ingest_csv(csv(n).as_bytes(), &mapping())
                .map_err(|e| fail(e.code(), e))
        }),
        ("CsvFeed::read", |e, n| {
            CsvFeed::new(&mapping())
                .read(e, csv(n).as_bytes())
                .map_err(|e| fail(e.code(), e))
        }),
        ("CsvFeed::read on 2 threads", |e, n| {
            CsvFeed::new(&mapping())
                .threads(2)
                .read(e, csv(n).as_bytes())
                .map_err(|e| fail(e.code(), e))
        }),
        ("ingest_responses", |e, n| {
            let rows: Vec<Response> = (0..n)
                .map(|i| match Kind::Responses.record(i) {
                    Record::Response(r) => r,
                    _ => unreachable!(),
                })
                .collect();
            e.ingest_responses(&rows).map_err(|e| fail(e.code(), e))
        }),
        ("response_ingest", |e, n| {
            let rows: Vec<Response> = (0..n)
                .map(|i| match Kind::Responses.record(i) {
                    Record::Response(r) => r,
                    _ => unreachable!(),
                })
                .collect();
            let mut session = e.response_ingest();
            let mut scratch = RowScratch::new();
            for r in &rows {
                session.push(&scratch.borrow(r));
            }
            session.finish().map_err(|e| fail(e.code(), e))
        }),
        ("ingest_columns (dense kernel)", |e, n| columns(e, n, false)),
        ("ingest_columns (row path)", |e, n| columns(e, n, true)),
    ]
}

/// `path` over an engine one record short of room for `n` fails with
/// `overflow` and changes nothing; over an engine with room for exactly
/// `n` it files them all, and the engine's snapshot restores.
fn check_path(kind: Kind, path: &str, ingest: impl Fn(&mut Engine, u64) -> Outcome, n: u64) {
    let mut e = engine_with(kind, MAX - n + 1);
    let before = state(&e);
    let (code, message) = match ingest(&mut e, n) {
        Ok(r) => panic!("{kind:?} {path}: filed past 2^53 ({} accepted)", r.accepted),
        Err(err) => err,
    };
    assert_eq!(code, ErrorCode::Overflow, "{kind:?} {path}: {message}");
    for part in [
        "overflow",
        "2^53",
        kind.words(),
        "nothing of this call was kept",
    ] {
        assert!(message.contains(part), "{kind:?} {path}: {message}");
    }
    assert!(
        message.contains(&format!("still holds {} {}", MAX - n + 1, kind.words())),
        "{kind:?} {path}: {message}"
    );
    assert!(state(&e) == before, "{kind:?} {path}: the engine changed");
    // The engine still takes what fits: records of another kind.
    let other = if kind == Kind::Kpis {
        Kind::Audits
    } else {
        Kind::Kpis
    };
    e.ingest_json_lines(other.json_lines(1).as_bytes()).unwrap();

    let mut e = engine_with(kind, MAX - n);
    let r = ingest(&mut e, n).unwrap_or_else(|e| panic!("{kind:?} {path}: {e:?}"));
    assert_eq!((r.accepted, r.rejected), (n, 0), "{kind:?} {path}");
    let restored = Engine::restore(e.snapshot())
        .unwrap_or_else(|err| panic!("{kind:?} {path}: its snapshot: {err}"));
    assert!(
        serde_json::to_vec(&restored.snapshot()).unwrap()
            == serde_json::to_vec(&e.snapshot()).unwrap(),
        "{kind:?} {path}: the restored engine differs"
    );
    assert_eq!(restored.stats().rows, MAX + 3, "{kind:?} {path}");
    assert_eq!(e.stats().rows, MAX + 3, "{kind:?} {path}");
}

/// Runs every check, then fails listing each path that failed (so one
/// run shows them all).
fn all(checks: Vec<Check>) {
    let failed: Vec<String> = checks
        .into_iter()
        .filter_map(|(name, check)| std::panic::catch_unwind(check).err().map(|_| name))
        .collect();
    assert!(failed.is_empty(), "failed: {failed:#?}");
}

#[test]
fn every_json_path_of_every_kind_fails_whole_past_2_53() {
    let mut checks: Vec<Check> = Vec::new();
    for kind in Kind::ALL {
        for (path, ingest) in json_paths() {
            checks.push((
                format!("{kind:?} {path}"),
                Box::new(move || check_path(kind, path, |e, n| ingest(e, kind, n), N)),
            ));
        }
    }
    all(checks);
}

#[test]
fn every_response_path_fails_whole_past_2_53() {
    all(response_paths()
        .into_iter()
        .map(|(path, ingest)| {
            let check: Check = (
                path.to_string(),
                Box::new(move || check_path(Kind::Responses, path, ingest, N)),
            );
            check
        })
        .collect());
}

#[test]
fn one_record_past_2_53_fails_and_one_to_it_succeeds() {
    for kind in Kind::ALL {
        check_path(
            kind,
            "ingest",
            |e, n| {
                assert_eq!(n, 1);
                e.ingest(kind.record(0)).map_err(|e| fail(e.code(), e))
            },
            1,
        );
    }
}

#[test]
fn a_rejected_record_does_not_count() {
    // At exactly 2^53, a call of rejected records only (an off-scale NPS,
    // an unknown rule) still succeeds: only filed records count.
    let mut e = engine_with(Kind::Responses, MAX);
    let r = e
        .ingest_json_lines(b"{\"at\": \"2026-01-05\", \"nps\": 11}\n")
        .unwrap();
    assert_eq!((r.accepted, r.rejected), (0, 1));
    let mut e = engine_with(Kind::Audits, MAX);
    let r = e
        .ingest_json_lines(
            br#"{"kind": "audit", "at": "2026-01-05T11:00:00Z", "method": "phoneCheck", "items": [{"rule": "nope", "outcome": "pass"}]}"#,
        )
        .unwrap();
    assert_eq!((r.accepted, r.rejected), (0, 1));
}
