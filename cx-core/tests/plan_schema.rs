//! The committed plan schema accepts the sample plan and rejects a plan with
//! a missing required field and one with a wrongly typed field.

use serde_json::{json, Value};

const SCHEMA: &str = include_str!("../../schema/plan.schema.json");
const SAMPLE: &str = include_str!("../../examples/data/plan.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn schema_accepts_the_sample_plan() {
    let v = validator();
    let doc: Value = serde_json::from_str(SAMPLE).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn schema_rejects_missing_required_field() {
    let v = validator();
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
    doc.as_object_mut().unwrap().remove("organization");
    assert!(!v.is_valid(&doc));
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
    doc["deployment"]["rules"][0]
        .as_object_mut()
        .unwrap()
        .remove("behaviour");
    assert!(!v.is_valid(&doc));
}

#[test]
fn schema_rejects_wrong_types_and_unknown_fields() {
    let v = validator();
    for (pointer, bad) in [
        ("/deployment/rules/0/weight", json!("heavy")),
        ("/schemaVersion", json!("one")),
        ("/strategy/goals/0/metric", json!("loyalty")),
        ("/strategy/goals/0/horizon", json!("someday")),
        ("/organization/leadershipCommitted", json!("yes")),
    ] {
        let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
        *doc.pointer_mut(pointer).unwrap() = bad;
        assert!(!v.is_valid(&doc), "{pointer} accepted");
    }
    let mut doc: Value = serde_json::from_str(SAMPLE).unwrap();
    doc["organization"]["ceo"] = json!("x");
    assert!(!v.is_valid(&doc), "unknown field accepted");
}
