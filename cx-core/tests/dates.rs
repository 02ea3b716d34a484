//! Dates in documents are `YYYY-MM-DD` in the years 0001–9999: the dates a
//! snapshot can write and read back. The fuzzer found `"at": "-026-01-06"`
//! accepted (chrono reads a signed year), filed as an instant before year 1
//! and written into a snapshot that could not be read back
//! (`tests/fuzz-regressions/records/signed-year-date-breaks-snapshot.jsonl`).

use chrono::NaiveDate;
use cx_core::engine::{CsvMapping, Engine, Query, Snapshot};
use cx_core::plan::Plan;
use cx_core::record::{KpiKind, KpiObservation, Period, Timestamp};

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;

/// Dates chrono alone would take, none of which a snapshot can hold.
const BAD_DATES: &[&str] = &[
    "-026-01-06",
    "+026-01-06",
    "0000-12-31",
    "-0001-01-01",
    "+10000-01-01",
];

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

#[test]
fn a_date_needs_four_year_digits_from_0001() {
    for s in BAD_DATES {
        let err = s.parse::<Timestamp>().unwrap_err().to_string();
        assert!(err.contains("is not a time"), "{s}: {err}");
    }
    for (s, unix) in [
        ("0001-01-01", -62_135_596_800),
        ("9999-12-31", 253_402_214_400),
    ] {
        assert_eq!(s.parse::<Timestamp>().unwrap().unix(), unix, "{s}");
    }
}

#[test]
fn records_with_such_dates_are_rejected_where_they_say_it() {
    for s in BAD_DATES {
        let lines = format!(
            "{{\"at\": \"{s}\", \"nps\": 9}}\n\
             {{\"kind\": \"kpi\", \"metric\": \"sales\", \"period\": {{\"start\": \"{s}\", \"end\": \"2026-01-31\"}}, \"value\": 1}}\n\
             {{\"kind\": \"kpi\", \"metric\": \"sales\", \"period\": {{\"start\": \"2026-01-01\", \"end\": \"{s}\"}}, \"value\": 1}}\n"
        );
        let mut e = engine();
        let r = e.ingest_json_lines(lines.as_bytes()).unwrap();
        assert_eq!((r.accepted, r.rejected), (0, 3), "{s}: {r:#?}");
        let pointers: Vec<_> = r.errors.iter().map(|x| x.pointer.as_str()).collect();
        assert_eq!(pointers, ["/at", "/period/start", "/period/end"], "{s}");
        assert!(
            r.errors[1]
                .message
                .contains("is not a date: expected YYYY-MM-DD"),
            "{:?}",
            r.errors[1]
        );
    }
}

#[test]
fn the_earliest_and_latest_dates_survive_a_snapshot() {
    let mut e = engine();
    let lines = br#"{"at": "0001-01-01", "nps": 9}
{"at": "9999-12-31T23:59:59Z", "nps": 3}
{"kind": "kpi", "metric": "sales", "period": {"start": "0001-01-01", "end": "9999-12-31"}, "value": 7}
"#;
    let r = e.ingest_json_lines(lines).unwrap();
    assert_eq!((r.accepted, r.rejected), (3, 0), "{r:#?}");
    let text = serde_json::to_string(&e.snapshot()).unwrap();
    let back = Engine::restore(serde_json::from_str::<Snapshot>(&text).unwrap()).unwrap();
    assert_eq!(serde_json::to_string(&back.snapshot()).unwrap(), text);
}

#[test]
fn a_typed_kpi_before_year_1_is_refused() {
    let mut e = engine();
    let start = NaiveDate::from_ymd_opt(-26, 1, 6).unwrap();
    let kpi = KpiObservation {
        kind: KpiKind::Kpi,
        id: None,
        metric: "sales".into(),
        period: Period {
            start,
            end: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        },
        value: 1.0,
        segment: None,
    };
    let r = e.ingest(kpi).unwrap();
    assert_eq!((r.accepted, r.rejected), (0, 1), "{r:#?}");
    assert_eq!(r.errors[0].pointer, "/period/start");
    assert!(
        r.errors[0].message.contains("0001-01-01 to 9999-12-31"),
        "{:?}",
        r.errors[0]
    );
}

#[test]
fn mappings_queries_and_plans_read_dates_the_same_way() {
    for s in BAD_DATES {
        let m = format!(r#"{{"fixedAt": "{s}", "nps": "NPS"}}"#);
        let err = CsvMapping::from_json(&m).unwrap_err().to_string();
        assert!(err.contains("is not a date"), "{s}: {err}");
        let q = format!(r#"{{"from": "{s}"}}"#);
        let err = Query::from_json(&q).unwrap_err().to_string();
        assert!(err.contains("is not a date"), "{s}: {err}");
        let p = format!(
            r#"{{"schemaVersion": 1, "organization": {{"name": "Acme"}},
              "benchmarks": [{{"metric": "nps", "value": 30, "source": "x", "date": "{s}"}}]}}"#
        );
        let err = Plan::from_json(&p).unwrap_err().to_string();
        assert!(err.contains("is not a date"), "{s}: {err}");
    }
    let err = Query::from_json(r#"{"asOf": 20260930}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("expected a date written YYYY-MM-DD"), "{err}");
}
