//! The committed schemas describe what the code writes: generated records,
//! queries, scorecards, ingest reports and snapshots validate against them.

use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::{Engine, Query};
use cx_core::plan::Plan;
use serde_json::Value;

fn validator(text: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&serde_json::from_str::<Value>(text).unwrap()).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn written_documents_match_their_schemas() {
    let plan = Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
    let data = generate(&DemoConfig {
        days: 40,
        ..DemoConfig::default()
    });
    let record = validator(include_str!("../../schema/record.schema.json"));
    for r in data.records.iter().step_by(37) {
        assert_valid(&record, &serde_json::to_value(r).unwrap(), "record");
    }
    let mut engine = Engine::new(plan).unwrap();
    let mut text = data.to_json_lines();
    text.push_str("{\"at\": \"2026-01-01\", \"nps\": 99}\n");
    let report = engine.ingest_json_lines(text.as_bytes()).unwrap();
    assert_eq!(report.rejected, 1);
    assert_valid(
        &validator(include_str!("../../schema/ingestReport.schema.json")),
        &serde_json::to_value(&report).unwrap(),
        "report",
    );
    let q: Query = Query::from_json(r#"{"groupBy": ["team", "period:month"]}"#).unwrap();
    assert_valid(
        &validator(include_str!("../../schema/query.schema.json")),
        &serde_json::to_value(&q).unwrap(),
        "query",
    );
    let card = engine.query(&q).unwrap();
    assert_valid(
        &validator(include_str!("../../schema/scorecard.schema.json")),
        &serde_json::to_value(&card).unwrap(),
        "scorecard",
    );
    assert_valid(
        &validator(include_str!("../../schema/snapshot.schema.json")),
        &serde_json::to_value(engine.snapshot()).unwrap(),
        "snapshot",
    );
}
