//! Hostile input gets a clear error, never a panic, a hang or an
//! out-of-memory (issue 9). Complements `engine_ingest.rs`
//! (`limits_reject_hostile_records_with_clear_errors`: small line and
//! cardinality limits, 1e400, `NaN`, 10,000 nested brackets and a duplicate
//! field in JSON Lines) and `plan_validate.rs` (`too_many_attributes`: a plan
//! with 100,000 attributes).

use cx_core::engine::{CsvMapping, Engine, EngineError, IngestError, Query, Snapshot};
use cx_core::error::ParseError;
use cx_core::plan::{Plan, PlanError};

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn engine() -> Engine {
    Engine::new(Plan::from_json(PLAN).unwrap()).unwrap()
}

fn card(e: &Engine) -> String {
    serde_json::to_string(&e.query(&Query::default()).unwrap()).unwrap()
}

#[test]
fn duplicate_keys_are_errors_in_plans_records_queries_and_mappings() {
    // A duplicate field of a plan.
    let text = PLAN.replacen(
        "\"schemaVersion\": 1,",
        "\"schemaVersion\": 1, \"schemaVersion\": 1,",
        1,
    );
    let PlanError::Parse(ParseError { message, .. }) = Plan::from_json(&text).unwrap_err() else {
        unreachable!()
    };
    assert!(
        message.contains("duplicate field `schemaVersion`"),
        "{message}"
    );

    // In records: a duplicate field, and a duplicate key in every map.
    let mut e = engine();
    let before = card(&e);
    let lines = [
        (
            r#"{"at":"2026-01-05","nps":9,"nps":0}"#,
            "duplicate field `nps`",
        ),
        (
            r#"{"at":"2026-01-05","attributes":{"wait-time":4,"wait-time":1}}"#,
            "duplicate key `wait-time`",
        ),
        (
            r#"{"at":"2026-01-05","expectations":{"wait-time":4,"wait-time":1}}"#,
            "duplicate key `wait-time`",
        ),
        (
            r#"{"at":"2026-01-05","dimensions":{"region":"n","region":"s"}}"#,
            "duplicate key `region`",
        ),
        (
            r#"{"kind":"employee","at":"2026-01-05","satisfaction":{"workload":4,"workload":1}}"#,
            "duplicate key `workload`",
        ),
    ];
    let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let r = e.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected), (0, lines.len() as u64), "{r:#?}");
    for (err, (_, msg)) in r.errors.iter().zip(lines) {
        assert_eq!(err.code, "parse-error");
        assert!(err.message.contains(msg), "{err:?}");
    }
    // The same records as one JSON document (not read through a map that
    // keeps the last key).
    let doc = format!("[{}]", lines.map(|(l, _)| l).join(","));
    let r = e.ingest_json(&doc).unwrap();
    assert_eq!((r.accepted, r.rejected), (0, lines.len() as u64), "{r:#?}");
    assert_eq!(r.errors[0].pointer, "/0");
    assert!(r.errors[1].message.contains("duplicate key `wait-time`"));
    assert_eq!(card(&e), before);

    // Queries and mappings.
    let err = Query::from_json(r#"{"filters":{"segment":["a"],"segment":["b"]}}"#).unwrap_err();
    assert!(err.to_string().contains("duplicate key `segment`"), "{err}");
    // A repeated grouping key (found by the `query` fuzz target) would lose
    // a column of the row keys.
    let q = Query::from_json(r#"{"groupBy":["team","employee","employee"]}"#).unwrap();
    let err = e.query(&q).unwrap_err();
    assert_eq!(
        (err.code().as_str(), err.pointer().as_str()),
        ("duplicate-group-by", "/groupBy/2")
    );
    let err = Query::from_json(r#"{"level":0.9,"level":0.5}"#).unwrap_err();
    assert!(err.to_string().contains("duplicate field `level`"), "{err}");
    let err = CsvMapping::from_json(
        r#"{"fixedAt":"2026-01-01","attributes":{"wait-time":"A","wait-time":"B"}}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("duplicate key `wait-time`"),
        "{err}"
    );
}

#[test]
fn nan_infinity_and_huge_numbers() {
    let mut e = engine();
    let lines = [
        r#"{"at":"2026-01-05","nps":Infinity}"#,
        r#"{"at":"2026-01-05","nps":-Infinity}"#,
        r#"{"at":"2026-01-05","nps":NaN}"#,
        r#"{"at":"2026-01-05","nps":9e999}"#,
        r#"{"at":"2026-01-05","nps":-1}"#,
        r#"{"at":"2026-01-05","nps":256}"#,
        r#"{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":1e400}"#,
        r#"{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":NaN}"#,
    ];
    let r = e.ingest_json_lines(lines.join("\n").as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected), (0, lines.len() as u64), "{r:#?}");
    // NaN is not JSON: a document containing it is refused as a whole.
    let Err(IngestError::Parse(err)) = e.ingest_json(r#"[{"at":"2026-01-05","nps":NaN}]"#) else {
        panic!("NaN is not JSON");
    };
    assert_eq!(err.line, 1);
    // 1e400 is JSON, but no record's number: that element alone is refused.
    let r = e
        .ingest_json(r#"[{"at":"2026-01-05","nps":9},{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":1e400}]"#)
        .unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 1), "{r:#?}");
    assert_eq!(r.errors[0].pointer, "/1/value");
    // In a plan.
    for bad in ["NaN", "Infinity", "1e400"] {
        let text = PLAN.replacen("\"share\": 0.55", &format!("\"share\": {bad}"), 1);
        assert!(
            matches!(Plan::from_json(&text), Err(PlanError::Parse { .. })),
            "{bad}"
        );
    }
}

#[test]
fn kpi_totals_that_would_overflow_are_refused_and_snapshots_restore() {
    let kpi = r#"{"kind":"kpi","metric":"customers","period":{"start":"2026-01-01","end":"2026-01-31"},"value":1e308}"#;
    let mut e = engine();
    let r = e
        .ingest_json_lines(format!("{kpi}\n{kpi}\n").as_bytes())
        .unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 1), "{r:#?}");
    assert_eq!(
        (r.errors[0].code.as_str(), r.errors[0].pointer.as_str()),
        ("out-of-range", "/value")
    );
    // Two engines each holding 1e308 do not merge into an infinite total.
    let mut other = engine();
    other.ingest_json_lines(kpi.as_bytes()).unwrap();
    let before = card(&e);
    assert!(matches!(e.merge(&other), Err(EngineError::Incompatible(_))));
    assert_eq!(card(&e), before, "a refused merge changes nothing");
    // What is kept still snapshots and restores.
    let s: Snapshot = serde_json::from_str(&serde_json::to_string(&e.snapshot()).unwrap()).unwrap();
    assert_eq!(card(&Engine::restore(s).unwrap()), before);
}

#[test]
fn very_long_lines_and_huge_csv_fields_with_default_limits() {
    // Default limit: 1 MiB per line or CSV record.
    let mut e = engine();
    let long = format!(
        "{{\"at\":\"2026-01-05\",\"nps\":9,\"comment\":\"{}\"}}\n{{\"at\":\"2026-01-05\",\"nps\":9}}\n",
        "x".repeat(2 << 20)
    );
    let r = e.ingest_json_lines(long.as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 1), "{:?}", r.errors);
    assert_eq!(
        (r.errors[0].code.as_str(), r.errors[0].line),
        ("line-too-long", Some(1))
    );

    let m = CsvMapping::from_json(
        r#"{"fixedAt":"2026-01-01","nps":"nps","dimensions":{"segment":"seg"}}"#,
    )
    .unwrap();
    // A record too long by its unquoted cells is one rejected record.
    let csv = format!("nps,seg\n9,{}\n7,families\n", "y".repeat(3 << 20));
    let r = e.ingest_csv(csv.as_bytes(), &m).unwrap();
    assert_eq!((r.accepted, r.rejected), (1, 1), "{:?}", r.errors);
    assert_eq!(r.errors[0].code, "line-too-long");
    // A quoted field still open after limits.maxLineBytes is taken for a
    // stray quote (issue #16): the whole call fails, nothing is filed.
    let before = e.stats();
    let csv = format!("nps,seg\n9,\"{}\"\n7,families\n", "y".repeat(3 << 20));
    match e.ingest_csv(csv.as_bytes(), &m) {
        Err(cx_core::engine::MappingError::Quote(q)) => assert_eq!((q.line, q.column), (2, 3)),
        other => panic!("expected a quote error, got {:?}", other.map(|r| r.total)),
    }
    assert_eq!(e.stats(), before);
    // A huge header is a whole-call error or a clear mapping error, not a panic.
    let csv = format!("nps,{}\n9\n", "h".repeat(3 << 20));
    assert!(e.ingest_csv(csv.as_bytes(), &m).is_err());
}

#[test]
fn deeply_nested_documents_are_parse_errors() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_obj = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    for text in [&deep, &deep_obj] {
        assert!(matches!(
            Plan::from_json(text),
            Err(PlanError::Parse { .. })
        ));
        assert!(Query::from_json(text).is_err());
        assert!(CsvMapping::from_json(text).is_err());
        assert!(serde_json::from_str::<Snapshot>(text).is_err());
        // Not a document of records: refused whole, or each element refused.
        if let Ok(r) = engine().ingest_json(text) {
            assert_eq!(r.accepted, 0);
        }
        let r = engine().ingest_json_lines(text.as_bytes()).unwrap();
        assert_eq!((r.accepted, r.rejected), (0, 1));
    }
    // Nested inside a record field.
    let inside = format!("{{\"at\":\"2026-01-05\",\"comment\":{deep}}}");
    let r = engine().ingest_json_lines(inside.as_bytes()).unwrap();
    assert_eq!((r.rejected, r.errors[0].code.as_str()), (1, "parse-error"));
}

#[test]
fn millions_of_distinct_values_stop_at_the_cardinality_limit() {
    // The default limit is 100,000 values per dimension. Feed 150,000
    // distinct employees in three calls: the first 100,000 count, every
    // later new value is refused with `too-many-values`, a known value
    // still counts, and memory stays bounded by the limit.
    let mut e = engine();
    let mut accepted = 0;
    let mut rejected = 0;
    for part in 0..3 {
        let mut text = String::with_capacity(50 * 50_000);
        for i in part * 50_000..(part + 1) * 50_000 {
            text.push_str(&format!(
                "{{\"at\":\"2026-01-05\",\"employee\":\"e{i}\",\"nps\":9}}\n"
            ));
        }
        let r = e.ingest_json_lines(text.as_bytes()).unwrap();
        assert_eq!(r.accepted + r.rejected, 50_000);
        accepted += r.accepted;
        rejected += r.rejected;
        if let Some(err) = r.errors.first() {
            assert_eq!(
                (err.code.as_str(), err.pointer.as_str()),
                ("too-many-values", "/employee")
            );
        }
    }
    assert_eq!((accepted, rejected), (100_000, 50_000));
    let r = e
        .ingest_json_lines(b"{\"at\":\"2026-01-05\",\"employee\":\"e7\",\"nps\":9}\n")
        .unwrap();
    assert_eq!(r.accepted, 1);
    assert!(e.cell_count() <= 100_001, "{}", e.cell_count());
}
