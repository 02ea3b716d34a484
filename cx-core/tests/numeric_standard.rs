//! Issue #16, item 6: one numeric standard for every input. The one table
//! of cases (`common/numeric_cases.rs`) through JSON document ingest, JSON
//! Lines, CSV and columns; the C ABI runs it in
//! `cx-ffi/tests/numeric_standard.rs`. A rating is a number in JSON
//! grammar whose value is whole and in its field's range
//! (`cx_core::number`).

use cx_core::engine::{CsvMapping, Engine, Query, ResponseColumns};
use cx_core::plan::Plan;
use cx_core::record::{Response, Timestamp};

include!("common/numeric_cases.rs");

/// NPS (0–10) and one attribute on a 0–10 scale: a case means the same
/// value for both fields.
const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"},
  "attributes": [{"id": "courtesy", "label": "Courtesy", "scale": {"min": 0, "max": 10}}]}"#;
const QUERY: &str = r#"{"metrics": ["nps", "attribute:courtesy"]}"#;
const JAN_5: i64 = 1_767_571_200;

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

/// The scorecard of one response rated `v` in both fields, filed typed.
fn card_of(v: u8) -> String {
    let mut e = engine();
    let r = Response {
        at: Timestamp::from_unix(JAN_5).unwrap(),
        nps: Some(v),
        attributes: [("courtesy".to_string(), v)].into(),
        ..Response::default()
    };
    assert_eq!(e.ingest_responses(&[r]).unwrap().accepted, 1);
    card(&e)
}

fn card(e: &Engine) -> String {
    serde_json::to_string(&e.query(&Query::from_json(QUERY).unwrap()).unwrap()).unwrap()
}

/// How one adapter took a case: `Some(scorecard)` when it accepted the
/// record, `None` when it rejected it (the record or the whole call).
type Outcome = Option<String>;

fn json_lines(text: &str) -> Outcome {
    let mut e = engine();
    let line =
        format!(r#"{{"at": "2026-01-05", "nps": {text}, "attributes": {{"courtesy": {text}}}}}"#);
    let report = e.ingest_json_lines(line.as_bytes()).unwrap();
    assert_eq!(report.accepted + report.rejected, 1, "{line}");
    (report.accepted == 1).then(|| card(&e))
}

fn json_document(text: &str) -> Outcome {
    let mut e = engine();
    let doc =
        format!(r#"[{{"at": "2026-01-05", "nps": {text}, "attributes": {{"courtesy": {text}}}}}]"#);
    // Text that is no JSON number is no JSON document: the call fails.
    let report = e.ingest_json(&doc).ok()?;
    assert_eq!(report.accepted + report.rejected, 1, "{doc}");
    (report.accepted == 1).then(|| card(&e))
}

fn csv(text: &str) -> Outcome {
    let mut e = engine();
    let mapping = CsvMapping::from_json(
        r#"{"fixedAt": "2026-01-05", "nps": "NPS", "attributes": {"courtesy": "Courtesy"}}"#,
    )
    .unwrap();
    let doc = format!("NPS,Courtesy\n{text},{text}\n");
    let report = e.ingest_csv(doc.as_bytes(), &mapping).unwrap();
    assert_eq!(report.accepted + report.rejected, 1, "{doc}");
    (report.accepted == 1).then(|| card(&e))
}

/// Columns are typed `u8`: a case whose integer does not fit is no column
/// a caller can build (the type refuses it, which is the rule's answer),
/// and 255 is the columns' "no answer" (`MISSING`), not a rating.
fn columns(value: i64) -> Option<Outcome> {
    let v = u8::try_from(value).ok().filter(|&v| v != u8::MAX)?;
    let mut e = engine();
    let at = [JAN_5];
    let col = [v];
    let cols = ResponseColumns {
        at: &at,
        nps: Some(&col),
        attributes: vec![("courtesy", &col)],
        ..ResponseColumns::default()
    };
    let report = e.ingest_columns(&cols).unwrap();
    assert_eq!(report.accepted + report.rejected, 1);
    Some((report.accepted == 1).then(|| card(&e)))
}

#[test]
fn every_adapter_reads_every_case_alike() {
    let mut failures = Vec::new();
    for &(text, expected) in NUMERIC_CASES {
        let want: Outcome = expected.map(card_of);
        let mut outcomes = vec![
            ("JSON Lines", json_lines(text)),
            ("JSON document", json_document(text)),
            ("CSV", csv(text)),
        ];
        if let Some(c) = typed_value(text).and_then(columns) {
            outcomes.push(("columns", c));
        }
        for (adapter, got) in outcomes {
            if got != want {
                failures.push(format!(
                    "`{text}` through {adapter}: {} (expected {expected:?})",
                    if got.is_some() {
                        "accepted"
                    } else {
                        "rejected"
                    }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_table_holds_both_kinds_of_case() {
    // Each accepted case is whole; each spelling the issue named is there.
    for name in ["7.0", "-0", "6e0", ".6e1", "6.", "+6", "06"] {
        let norm = name.replace('6', "7");
        assert!(
            NUMERIC_CASES.iter().any(|(t, _)| *t == name || *t == norm),
            "{name}"
        );
    }
    assert!(NUMERIC_CASES.iter().any(|c| c.1.is_none()));
    assert!(NUMERIC_CASES.iter().any(|c| c.1.is_some()));
}
