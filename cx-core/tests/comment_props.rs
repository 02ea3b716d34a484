//! Issue #20, property tests: the comment statistics and the verbatims do
//! not depend on the path (typed records, JSON Lines with and without
//! escapes, a CSV mapping, columns: their cells) nor on how the records are split,
//! merged (in any order) and carried through both snapshot formats.

use cx_core::engine::{CsvMapping, Engine, EngineConfig, ResponseColumns};
use cx_core::plan::Plan;
use cx_core::record::{Record, Response, Timestamp};
use proptest::prelude::*;

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Air"},
  "themes": [
    {"id": "delay", "terms": ["delay*", "late", "waiting"]},
    {"id": "staff", "terms": ["staff", "crew"], "alert": true},
    {"id": "food", "terms": ["food", "meal"]}
  ],
  "lexicon": {"meh": -1.5}}"#;

/// Pieces comments are made of (sentiment words, theme terms, emphasis,
/// quotes and commas for the CSV and JSON escapes, non-ASCII).
const WORDS: [&str; 16] = [
    "great",
    "late",
    "crew",
    "rude",
    "food",
    "delayed",
    "not",
    "very",
    "GOOD",
    "!!!",
    "meh",
    "\"quoted\"",
    "a, b",
    "café",
    ":)",
    "waiting",
];

fn plan() -> Plan {
    Plan::from_json(PLAN).unwrap()
}

fn config() -> EngineConfig {
    let mut c = EngineConfig::default();
    c.limits.max_verbatims = 2;
    c
}

prop_compose! {
    fn response()(day in 0i64..6, seg in 0usize..3, nps in proptest::option::of(0u8..=10),
                  words in proptest::collection::vec(0usize..WORDS.len(), 0..6), id in 0u32..50) -> Response {
        let text: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
        Response {
            id: Some(format!("r{id}")),
            at: Timestamp::from_unix(1_767_225_600 + day * 86_400).unwrap(),
            segment: Some(["a", "b", "c"][seg].to_string()),
            nps,
            comment: (!text.is_empty()).then(|| text.join(" ")),
            ..Response::default()
        }
    }
}

fn typed(rs: &[Response]) -> Engine {
    let mut e = Engine::with_config(plan(), config()).unwrap();
    let records: Vec<Record> = rs.iter().cloned().map(Record::Response).collect();
    e.ingest_batch(&records).unwrap();
    e
}

fn json_lines(rs: &[Response]) -> Engine {
    let mut e = Engine::with_config(plan(), config()).unwrap();
    let mut text = String::new();
    for r in rs {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
    }
    e.ingest_json_lines(text.as_bytes()).unwrap();
    e
}

fn csv(rs: &[Response]) -> Engine {
    let mut e = Engine::with_config(plan(), config()).unwrap();
    let mut w = csv_writer();
    w.write_record(["id", "at", "segment", "nps", "comment"])
        .unwrap();
    for r in rs {
        w.write_record([
            r.id.clone().unwrap_or_default(),
            r.at.to_string(),
            r.segment.clone().unwrap_or_default(),
            r.nps.map(|n| n.to_string()).unwrap_or_default(),
            r.comment.clone().unwrap_or_default(),
        ])
        .unwrap();
    }
    let bytes = w.into_inner().unwrap();
    let mapping: CsvMapping = serde_json::from_str(
        r#"{"id": "id", "at": {"column": "at"}, "dimensions": {"segment": "segment"},
            "nps": "nps", "comment": "comment"}"#,
    )
    .unwrap();
    let report = e.ingest_csv(&bytes, &mapping).unwrap();
    assert_eq!(report.rejected, 0, "{:?}", report.errors);
    e
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn columns(rs: &[Response]) -> Engine {
    let mut e = Engine::with_config(plan(), config()).unwrap();
    let at: Vec<i64> = rs.iter().map(|r| r.at.unix()).collect();
    let nps: Vec<u8> = rs.iter().map(|r| r.nps.unwrap_or(u8::MAX)).collect();
    let comments: Vec<Option<&str>> = rs.iter().map(|r| r.comment.as_deref()).collect();
    let codes: Vec<u32> = rs
        .iter()
        .map(|r| match r.segment.as_deref() {
            Some("a") => 0,
            Some("b") => 1,
            _ => 2,
        })
        .collect();
    let dictionary = ["a", "b", "c"];
    let cols = ResponseColumns {
        at: &at,
        dimensions: vec![(
            "segment",
            cx_core::engine::DimensionColumn {
                dictionary: &dictionary,
                codes: &codes,
            },
        )],
        nps: Some(&nps),
        comment: Some(&comments),
        ..ResponseColumns::default()
    };
    e.ingest_columns(&cols).unwrap();
    e
}

/// What must not depend on the path: the comment statistics of every
/// cell, the verbatims (in the snapshot) and the alerts.
fn facts(e: &Engine) -> (String, String, String, Vec<cx_core::engine::Alert>) {
    let s = e.snapshot();
    (
        serde_json::to_string(&s.response_comments).unwrap(),
        serde_json::to_string(&s.verbatims).unwrap(),
        serde_json::to_string(&s.responses).unwrap(),
        e.alerts()
            .into_iter()
            .map(|mut a| {
                a.index = 0;
                a.line = None;
                a
            })
            .collect(),
    )
}

/// The comment scores per segment, as JSON.
fn by_segment(e: &Engine) -> String {
    let q = cx_core::engine::Query::from_json(
        r#"{"metrics": ["sentiment", "theme:delay", "theme:staff", "theme:food"], "groupBy": ["segment"]}"#,
    )
    .unwrap();
    serde_json::to_string(&e.query(&q).unwrap().rows).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_path_files_the_same_comments(rs in proptest::collection::vec(response(), 0..40)) {
        let want = facts(&typed(&rs));
        prop_assert_eq!(&facts(&json_lines(&rs)), &want);
        prop_assert_eq!(&facts(&csv(&rs)), &want);
        // Columns carry no record id: their verbatims and alerts have none,
        // so only the cells are compared.
        let c = facts(&columns(&rs));
        prop_assert_eq!((&c.0, &c.2), (&want.0, &want.2));
    }

    #[test]
    fn any_split_merged_in_any_order_equals_one_engine(
        rs in proptest::collection::vec(response(), 0..40),
        cuts in proptest::collection::vec(0usize..40, 0..4),
        reverse in any::<bool>(),
    ) {
        let one = typed(&rs);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(rs.len())).collect();
        cuts.push(0);
        cuts.push(rs.len());
        cuts.sort_unstable();
        let mut parts: Vec<Engine> = cuts.windows(2).map(|w| typed(&rs[w[0]..w[1]])).collect();
        if reverse {
            parts.reverse();
        }
        let mut merged = Engine::with_config(plan(), config()).unwrap();
        for p in &parts {
            // Each part goes through a snapshot of either format first.
            let p = if reverse {
                Engine::restore(p.snapshot()).unwrap()
            } else {
                let mut bytes = Vec::new();
                p.write_snapshot(&mut bytes).unwrap();
                Engine::read_snapshot(&bytes[..]).unwrap()
            };
            merged.merge(&p).unwrap();
        }
        prop_assert_eq!(merged.comment_stats(), one.comment_stats());
        for t in 0..3 {
            prop_assert_eq!(merged.verbatims(t), one.verbatims(t));
        }
        // Interned ids depend on the merge order: compare by value.
        prop_assert_eq!(by_segment(&merged), by_segment(&one));
        prop_assert_eq!(facts(&merged).1, facts(&one).1);
    }
}
