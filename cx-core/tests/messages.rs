//! Issue #16, item 13: messages speak the user's terms, never Rust's. A
//! corpus of bad inputs is run and every message scanned for Rust type
//! names.
//!
//! The corpus: queries the cube's granularity cannot answer (it said
//! "keeps time by None"), the stray CSV quote, ratings in JSON Lines, JSON
//! and CSV ("expected u8", "from 0 to 255"), records that are no object
//! ("expected struct KindProbe", "invalid length"), a time past year 9999
//! ("is not a time"), plans, mappings and queries of the wrong shape, and
//! a snapshot whose `span` is no pair.

use cx_core::engine::Snapshot;
use cx_core::engine::{CsvFeed, CsvMapping, Cube, Engine, EngineConfig, Granularity, Query};
use cx_core::json::from_json_positioned;
use cx_core::plan::Plan;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Acme"}}"#;

/// Rust type names and serde phrases a user should never read.
const RUST: &[&str] = &[
    "u8",
    "u16",
    "u32",
    "u64",
    "i64",
    "usize",
    "f64",
    "struct ",
    "enum ",
    "None",
    "Some(",
    "Vec",
    "String",
    "Option",
    "invalid length",
    "floating point",
    "tuple",
    "sequence",
];

fn rust_words(message: &str) -> Vec<&'static str> {
    RUST.iter()
        .copied()
        .filter(|w| {
            message.match_indices(w).any(|(i, _)| {
                // A whole word: `None` in "Nonexistent" is not the type.
                let before = message[..i].chars().next_back();
                let after = message[i + w.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    || w.ends_with(['(', ' '])
            })
        })
        .collect()
}

fn engine(granularity: Granularity) -> Engine {
    let config = EngineConfig {
        cube: Cube {
            dimensions: None,
            granularity,
        },
        ..EngineConfig::default()
    };
    Engine::with_config(Plan::from_json(PLAN).unwrap(), config).unwrap()
}

/// Every message of the corpus.
fn corpus() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for g in [Granularity::None, Granularity::Month] {
        let e = engine(g);
        for q in [
            r#"{"groupBy": ["period:day"]}"#,
            r#"{"from": "2026-01-05"}"#,
        ] {
            let query = Query::from_json(q).unwrap();
            if let Err(err) = e.query(&query) {
                out.push((format!("query {q} on a {g:?} cube"), err.to_string()));
            }
        }
    }
    let mapping = CsvMapping::from_json(r#"{"fixedAt": "2026-01-05", "nps": "NPS"}"#).unwrap();
    let mut e = engine(Granularity::Day);
    if let Err(err) = CsvFeed::new(&mapping).read(&mut e, "NPS,c\n9,\"stray\n".as_bytes()) {
        out.push(("csv stray quote".into(), err.to_string()));
    }
    records(&mut out);
    documents(&mut out);
    out
}

/// Bad records through JSON Lines, a JSON document and CSV.
fn records(out: &mut Vec<(String, String)>) {
    let plan = r#"{"schemaVersion": 1, "organization": {"name": "Acme"},
      "attributes": [{"id": "courtesy", "label": "Courtesy", "scale": {"min": 1, "max": 5}}]}"#;
    let lines = [
        r#"{"at": "2026-01-05", "nps": 300}"#,
        r#"{"at": "2026-01-05", "nps": 7.5}"#,
        r#"{"at": "2026-01-05", "nps": "9"}"#,
        r#"{"at": "2026-01-05", "nps": -3}"#,
        r#"{"at": "2026-01-05", "csat": 1e3}"#,
        r#"{"at": "2026-01-05", "attributes": {"courtesy": 4.5}}"#,
        r#"{"at": "2026-01-05", "attributes": {"courtesy": [4]}}"#,
        r#"{"at": "2026-01-05", "attributes": [4]}"#,
        r#"{"kind": "employee", "at": "2026-01-05", "enps": 12.5}"#,
        r#"{"kind": "employee", "at": "2026-01-05", "satisfaction": {"pay": 9000}}"#,
        r#"{"kind": "audit", "at": "2026-01-05", "method": "mystery", "items": [{"rule": "r", "outcome": "pass", "score": "x"}]}"#,
        r#"{"kind": "kpi", "metric": "sales", "period": {"start": "2026-01-01", "end": 5}, "value": 1}"#,
        r#"{"kind": "kpi", "metric": "sales", "period": [], "value": 1}"#,
        r#"{"at": "9999-12-31T23:59:59-23:59"}"#,
        r#"{"at": 20260105}"#,
        "[]",
        "[1, 2]",
        "5",
        "\"x\"",
        "null",
    ];
    for line in lines {
        let mut e = Engine::new(Plan::from_json(plan).unwrap()).unwrap();
        let report = e.ingest_json_lines(line.as_bytes()).unwrap();
        assert_eq!(report.rejected, 1, "{line}");
        for err in &report.errors {
            out.push((format!("JSON Lines {line}"), err.message.clone()));
        }
        let doc = format!("[{line}]");
        match e.ingest_json(&doc) {
            Ok(r) => out.extend(
                r.errors
                    .iter()
                    .map(|x| (format!("JSON {doc}"), x.message.clone())),
            ),
            Err(err) => out.push((format!("JSON {doc}"), err.to_string())),
        }
    }
    let mapping = CsvMapping::from_json(
        r#"{"fixedAt": "2026-01-05", "nps": "NPS", "csat": "CSAT", "attributes": {"courtesy": "C"}}"#,
    )
    .unwrap();
    for row in [
        "300,3,3", "7.5,3,3", "+7,3,3", "07,3,3", "7,9.5,3", "7,3,256", "7,3,x",
    ] {
        let mut e = Engine::new(Plan::from_json(plan).unwrap()).unwrap();
        let text = format!("NPS,CSAT,C\n{row}\n");
        let report = e.ingest_csv(text.as_bytes(), &mapping).unwrap();
        assert_eq!(report.rejected, 1, "{row}");
        for err in &report.errors {
            out.push((format!("CSV {row}"), err.message.clone()));
        }
    }
}

/// Plans, mappings, queries and a snapshot of the wrong shape.
fn documents(out: &mut Vec<(String, String)>) {
    let plans = [
        r#"{"schemaVersion": "1", "organization": {"name": "Acme"}}"#,
        r#"{"schemaVersion": 1, "organization": []}"#,
        r#"{"schemaVersion": 1, "organization": {"name": "Acme"}, "scales": {"csat": {"min": 1.5, "max": 5}}}"#,
        r#"{"schemaVersion": 1, "organization": {"name": "Acme"}, "scales": {"csat": {"min": 1, "max": 300}}}"#,
        r#"{"schemaVersion": 1, "organization": {"name": "Acme"}, "attributes": {}}"#,
        r#"{"schemaVersion": 1, "organization": {"name": "Acme"}, "attributes": [7]}"#,
        "[]",
    ];
    for p in plans {
        if let Err(err) = Plan::from_json(p) {
            out.push((format!("plan {p}"), err.to_string()));
        }
    }
    for m in [
        r#"{"fixedAt": 5, "nps": "NPS"}"#,
        r#"{"nps": ["NPS"]}"#,
        r#"{"delimiter": 300, "nps": "NPS"}"#,
        "[]",
    ] {
        if let Err(err) = CsvMapping::from_json(m) {
            out.push((format!("mapping {m}"), err.to_string()));
        }
    }
    for q in [
        r#"{"groupBy": "segment"}"#,
        r#"{"level": "high"}"#,
        r#"{"metrics": [1]}"#,
        "[]",
    ] {
        if let Err(err) = Query::from_json(q) {
            out.push((format!("query {q}"), err.to_string()));
        }
    }
    // A snapshot document whose `span` is no [first, last] pair.
    let mut e = engine(Granularity::Day);
    e.ingest_json_lines(br#"{"at": "2026-01-05", "nps": 9}"#)
        .unwrap();
    let doc = serde_json::to_string(&e.snapshot()).unwrap();
    let span = doc.find("\"span\":[").expect("a span");
    let end = span + doc[span..].find(']').unwrap() + 1;
    for bad in ["\"span\":[]", "\"span\":[1]", "\"span\":{}"] {
        let text = format!("{}{bad}{}", &doc[..span], &doc[end..]);
        if let Err(err) = from_json_positioned::<Snapshot>(&text) {
            out.push((format!("snapshot {bad}"), err.message));
        }
    }
}

#[test]
fn no_message_speaks_rust() {
    let corpus = corpus();
    assert!(corpus.len() >= 60, "{}", corpus.len());
    let speaking: Vec<String> = corpus
        .iter()
        .filter_map(|(input, message)| {
            let words = rust_words(message);
            (!words.is_empty()).then(|| format!("{input}: `{message}` speaks Rust: {words:?}"))
        })
        .collect();
    assert!(speaking.is_empty(), "{}", speaking.join("\n"));
}

#[test]
fn the_scanner_finds_rust_words() {
    assert_eq!(rust_words("invalid type: string, expected u8"), ["u8"]);
    assert_eq!(rust_words("the engine keeps time by None"), ["None"]);
    assert_eq!(rust_words("expected struct KindProbe"), ["struct "]);
    assert!(rust_words("Nonexistent column `u8x`").is_empty());
}
