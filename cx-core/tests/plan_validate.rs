//! Every validation code of SPEC §2.1 has a plan that triggers it (code,
//! severity, path), and the sample plan triggers none.

use cx_core::diagnostic::Severity;
use cx_core::error::ParseError;
use cx_core::plan::{codes, Plan, PlanError};
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("../../examples/data/plan.json");

fn sample() -> Value {
    serde_json::from_str(SAMPLE).unwrap()
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    *doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = value;
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = doc.pointer_mut(parent).unwrap();
    match parent {
        Value::Object(m) => {
            m.remove(key).unwrap();
        }
        Value::Array(a) => {
            a.remove(key.parse().unwrap());
        }
        _ => panic!("not a container"),
    }
}

/// Asserts that `doc` yields a diagnostic with `code`, `severity` and `path`.
fn expect(doc: &Value, code: &str, severity: Severity, path: &str) {
    let plan: Plan = Plan::from_json(&doc.to_string()).expect("plan parses");
    let diags = plan.validate();
    assert!(
        diags.iter().any(|d| d.code == code
            && d.severity == severity
            && d.pointer == path
            && !d.message.is_empty()),
        "expected {code} ({severity:?}) at {path}, got {diags:#?}"
    );
    // The code is in the documented table with this severity.
    assert!(
        codes::ALL.contains(&(code, severity)),
        "{code} not documented"
    );
}

#[test]
fn sample_plan_is_clean() {
    let plan = Plan::from_json(SAMPLE).unwrap();
    assert_eq!(plan.validate(), vec![]);
    let trace = plan.trace();
    assert_eq!(trace.coverage.facets_supported.percent, Some(100.0));
    assert_eq!(trace.coverage.rules_measured.percent, Some(100.0));
    assert_eq!(trace.coverage.goals_acted_on.percent, Some(100.0));
}

#[test]
fn unknown_schema_version() {
    let mut d = sample();
    set(&mut d, "/schemaVersion", json!(2));
    expect(
        &d,
        codes::UNKNOWN_SCHEMA_VERSION,
        Severity::Error,
        "/schemaVersion",
    );
}

#[test]
fn duplicate_ids() {
    let mut d = sample();
    set(&mut d, "/deployment/rules/1/id", json!("rule-name"));
    expect(
        &d,
        codes::DUPLICATE_ID,
        Severity::Error,
        "/deployment/rules/1/id",
    );
    // Rules and norms share one namespace.
    let mut d = sample();
    set(&mut d, "/deployment/norms/0/id", json!("rule-own"));
    expect(
        &d,
        codes::DUPLICATE_ID,
        Severity::Error,
        "/deployment/norms/0/id",
    );
    let mut d = sample();
    set(&mut d, "/strategy/goals/1/id", json!("goal-nps-mid"));
    expect(
        &d,
        codes::DUPLICATE_ID,
        Severity::Error,
        "/strategy/goals/1/id",
    );
}

#[test]
fn dangling_references() {
    let cases = [
        (
            "/deployment/rules/0/supports/0",
            "/deployment/rules/0/supports/0",
        ),
        (
            "/evaluation/instruments/3/rules/0",
            "/evaluation/instruments/3/rules/0",
        ),
        ("/attributes/0/facetId", "/attributes/0/facetId"),
        ("/attributes/0/processId", "/attributes/0/processId"),
        (
            "/interventions/0/addresses/0",
            "/interventions/0/addresses/0",
        ),
        (
            "/strategy/positioning/facetId",
            "/strategy/positioning/facetId",
        ),
        (
            "/deployment/mobilization/0/rules/0",
            "/deployment/mobilization/0/rules/0",
        ),
        ("/context/needs/1/segment", "/context/needs/1/segment"),
        ("/strategy/goals/5/segment", "/strategy/goals/5/segment"),
    ];
    for (at, path) in cases {
        let mut d = sample();
        set(&mut d, at, json!("no-such-thing"));
        expect(&d, codes::DANGLING_REFERENCE, Severity::Error, path);
    }
    let mut d = sample();
    set(&mut d, "/strategy/goals/3/metric", json!("attribute:nope"));
    expect(
        &d,
        codes::DANGLING_REFERENCE,
        Severity::Error,
        "/strategy/goals/3/metric",
    );
}

#[test]
fn identity_missing_dominant() {
    let mut d = sample();
    remove(&mut d, "/strategy/identity/dominant");
    expect(
        &d,
        codes::IDENTITY_MISSING_DOMINANT,
        Severity::Error,
        "/strategy/identity",
    );
}

#[test]
fn facet_in_two_tiers() {
    let mut d = sample();
    let dup = d
        .pointer("/strategy/identity/emphasized/0")
        .unwrap()
        .clone();
    d.pointer_mut("/strategy/identity/base")
        .unwrap()
        .as_array_mut()
        .unwrap()
        .push(dup);
    expect(
        &d,
        codes::FACET_IN_TWO_TIERS,
        Severity::Error,
        "/strategy/identity/base/3/id",
    );
}

#[test]
fn goal_value_out_of_range() {
    let mut d = sample();
    set(&mut d, "/strategy/goals/0/target/value", json!(130));
    expect(
        &d,
        codes::GOAL_VALUE_OUT_OF_RANGE,
        Severity::Error,
        "/strategy/goals/0/target/value",
    );
    // attribute goals use the attribute's own scale (1–5)
    let mut d = sample();
    set(&mut d, "/strategy/goals/3/target/value", json!(5.5));
    expect(
        &d,
        codes::GOAL_VALUE_OUT_OF_RANGE,
        Severity::Error,
        "/strategy/goals/3/target/value",
    );
    // CES goals use the plan's CES scale (1–7)
    let mut d = sample();
    set(&mut d, "/strategy/goals/4/baseline/value", json!(0.5));
    expect(
        &d,
        codes::GOAL_VALUE_OUT_OF_RANGE,
        Severity::Error,
        "/strategy/goals/4/baseline/value",
    );
}

#[test]
fn goal_dates_reversed() {
    let mut d = sample();
    set(&mut d, "/strategy/goals/0/target/date", json!("2025-06-30"));
    expect(
        &d,
        codes::GOAL_DATES_REVERSED,
        Severity::Error,
        "/strategy/goals/0/target/date",
    );
}

#[test]
fn rule_weight_not_positive() {
    let mut d = sample();
    set(&mut d, "/deployment/rules/2/weight", json!(0));
    expect(
        &d,
        codes::RULE_WEIGHT_NOT_POSITIVE,
        Severity::Error,
        "/deployment/rules/2/weight",
    );
    let mut d = sample();
    set(&mut d, "/deployment/norms/0/weight", json!(-1));
    expect(
        &d,
        codes::RULE_WEIGHT_NOT_POSITIVE,
        Severity::Error,
        "/deployment/norms/0/weight",
    );
}

#[test]
fn attribute_scale_invalid() {
    let mut d = sample();
    set(&mut d, "/attributes/0/scale", json!({"min": 5, "max": 5}));
    expect(
        &d,
        codes::ATTRIBUTE_SCALE_INVALID,
        Severity::Error,
        "/attributes/0/scale",
    );
}

#[test]
fn not_applicable_in_scale() {
    let mut d = sample();
    set(&mut d, "/attributes/2/notApplicable", json!(3));
    expect(
        &d,
        codes::NOT_APPLICABLE_IN_SCALE,
        Severity::Error,
        "/attributes/2/notApplicable",
    );
}

#[test]
fn scale_not_supported() {
    let mut d = sample();
    set(&mut d, "/scales/ces", json!({"min": 0, "max": 10}));
    expect(
        &d,
        codes::SCALE_NOT_SUPPORTED,
        Severity::Error,
        "/scales/ces",
    );
    let mut d = sample();
    set(&mut d, "/scales/csat", json!({"min": 1, "max": 3}));
    expect(
        &d,
        codes::SCALE_NOT_SUPPORTED,
        Severity::Error,
        "/scales/csat",
    );
}

#[test]
fn value_out_of_range() {
    let cases = [
        ("/context/needs/0/importance", json!(9)),
        ("/context/segments/0/share", json!(1.5)),
        ("/successConditions/rigour", json!(7)),
        ("/thresholds/complianceFloor", json!(120)),
        ("/thresholds/significance", json!(1.5)),
        ("/factorWeights/brand", json!(-1)),
        ("/benchmarks/0/value", json!(-140)),
    ];
    for (at, v) in cases {
        let mut d = sample();
        set(&mut d, at, v);
        expect(&d, codes::VALUE_OUT_OF_RANGE, Severity::Error, at);
    }
}

#[test]
fn too_many_attributes() {
    // 100,000 attributes: one clear error, quickly (not an out-of-memory in
    // the engine's co-moments later).
    let mut d = sample();
    let template = d["attributes"][0].clone();
    let many: Vec<Value> = (0..100_000)
        .map(|i| {
            let mut a = template.clone();
            a["id"] = json!(format!("attr-{i}"));
            a
        })
        .collect();
    set(&mut d, "/attributes", Value::Array(many));
    expect(
        &d,
        codes::TOO_MANY_ATTRIBUTES,
        Severity::Error,
        "/attributes",
    );
    let plan = Plan::from_json(&d.to_string()).unwrap();
    match cx_core::engine::Engine::new(plan) {
        Err(cx_core::engine::EngineError::InvalidPlan(ds)) => {
            assert!(ds.iter().any(|d| d.code == codes::TOO_MANY_ATTRIBUTES))
        }
        other => panic!("expected InvalidPlan, got {other:?}"),
    }
}

/// One case of the id syntax; the table of every id kind is in
/// `plan_ids.rs`.
#[test]
fn invalid_id() {
    let mut d = sample();
    set(&mut d, "/dimensions/0/id", json!("period:month"));
    expect(&d, codes::INVALID_ID, Severity::Error, "/dimensions/0/id");
}

#[test]
fn reserved_dimension_id() {
    let mut d = sample();
    set(&mut d, "/dimensions/0/id", json!("team"));
    expect(
        &d,
        codes::RESERVED_DIMENSION_ID,
        Severity::Error,
        "/dimensions/0/id",
    );
}

#[test]
fn instrument_kind_mismatch() {
    let mut d = sample();
    remove(&mut d, "/evaluation/instruments/3/method");
    expect(
        &d,
        codes::INSTRUMENT_KIND_MISMATCH,
        Severity::Error,
        "/evaluation/instruments/3/method",
    );
    let mut d = sample();
    d["evaluation"]["instruments"][0]["method"] = json!("phoneCheck");
    expect(
        &d,
        codes::INSTRUMENT_KIND_MISMATCH,
        Severity::Error,
        "/evaluation/instruments/0/method",
    );
}

#[test]
fn plan_being_built_warnings() {
    let mut d = sample();
    remove(&mut d, "/strategy/identity");
    // Attributes and supports now dangle; drop them to isolate the warning.
    set(&mut d, "/attributes", json!([]));
    set(&mut d, "/deployment", json!({}));
    set(&mut d, "/themes", json!([]));
    set(&mut d, "/strategy/positioning", Value::Null);
    remove(&mut d, "/strategy/positioning");
    set(&mut d, "/interventions", json!([]));
    set(&mut d, "/strategy/goals", json!([]));
    set(&mut d, "/evaluation/instruments", json!([]));
    expect(
        &d,
        codes::NO_IDENTITY,
        Severity::Warning,
        "/strategy/identity",
    );
    expect(
        &d,
        codes::NO_POSITIONING,
        Severity::Warning,
        "/strategy/positioning",
    );
    expect(&d, codes::NO_RULES, Severity::Warning, "/deployment/rules");
    let plan = Plan::from_json(&d.to_string()).unwrap();
    assert!(plan.is_valid(), "{:#?}", plan.validate());
}

#[test]
fn no_needs_and_no_context() {
    let mut d = sample();
    set(&mut d, "/context", json!({}));
    set(&mut d, "/strategy/goals/5/segment", Value::Null);
    remove(&mut d, "/strategy/goals/5/segment");
    expect(&d, codes::NO_NEEDS, Severity::Warning, "/context/needs");
    expect(
        &d,
        codes::NO_CONTEXT_ANALYSIS,
        Severity::Warning,
        "/context",
    );
}

#[test]
fn positioning_not_dominant() {
    let mut d = sample();
    set(
        &mut d,
        "/strategy/positioning/facetId",
        json!("flexibility"),
    );
    expect(
        &d,
        codes::POSITIONING_NOT_DOMINANT,
        Severity::Warning,
        "/strategy/positioning/facetId",
    );
}

#[test]
fn goal_not_addressed() {
    let mut d = sample();
    // goal-retention (index 5) is addressed only by iv-report.
    set(
        &mut d,
        "/interventions/2/addresses",
        json!(["goal-nps-mid"]),
    );
    expect(
        &d,
        codes::GOAL_NOT_ADDRESSED,
        Severity::Warning,
        "/strategy/goals/5",
    );
}

#[test]
fn emphasized_unsupported() {
    let mut d = sample();
    set(
        &mut d,
        "/strategy/identity/emphasized/0",
        json!({"id": "warmth", "name": "Warmth"}),
    );
    expect(
        &d,
        codes::EMPHASIZED_UNSUPPORTED,
        Severity::Warning,
        "/strategy/identity/emphasized/0",
    );
}

#[test]
fn rule_not_measured() {
    let mut d = sample();
    for i in 3..7 {
        let rules = d
            .pointer_mut(&format!("/evaluation/instruments/{i}/rules"))
            .unwrap()
            .as_array_mut()
            .unwrap();
        rules.retain(|r| r != "rule-confirm");
    }
    expect(
        &d,
        codes::RULE_NOT_MEASURED,
        Severity::Warning,
        "/deployment/rules/5",
    );
}

#[test]
fn no_employee_survey() {
    let mut d = sample();
    remove(&mut d, "/evaluation/instruments/2");
    expect(
        &d,
        codes::NO_EMPLOYEE_SURVEY,
        Severity::Warning,
        "/evaluation/instruments",
    );
}

#[test]
fn leadership_not_committed() {
    let mut d = sample();
    set(&mut d, "/organization/leadershipCommitted", json!(false));
    expect(
        &d,
        codes::LEADERSHIP_NOT_COMMITTED,
        Severity::Warning,
        "/organization/leadershipCommitted",
    );
}

#[test]
fn long_term_before_mid_term() {
    let mut d = sample();
    set(&mut d, "/strategy/goals/1/target/date", json!("2026-06-30"));
    expect(
        &d,
        codes::LONG_TERM_BEFORE_MID_TERM,
        Severity::Warning,
        "/strategy/goals/1/target/date",
    );
}

#[test]
fn theme_without_terms() {
    // More theme diagnostics: tests/plan_themes.rs.
    let mut d = sample();
    d["themes"] = json!([{"id": "delay", "terms": []}]);
    expect(&d, codes::INVALID_VALUE, Severity::Error, "/themes/0/terms");
}

#[test]
fn every_documented_code_is_tested_here() {
    let me = include_str!("plan_validate.rs");
    for (code, _) in codes::ALL {
        let constant = code.to_uppercase().replace('-', "_");
        assert!(
            me.contains(&format!("codes::{constant}")) || code == codes::PARSE_ERROR,
            "no test for {code}"
        );
    }
}

fn parse_err(text: &str) -> (usize, usize, String, String) {
    match Plan::from_json(text).unwrap_err() {
        PlanError::Parse(ParseError {
            line,
            column,
            pointer,
            message,
        }) => (line, column, pointer, message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn parse_errors_name_line_column_and_path() {
    // Malformed JSON.
    let (line, column, _, msg) =
        parse_err("{\n  \"schemaVersion\": 1,\n  \"organization\": {\"name\": \"A\"\n");
    assert_eq!(line, 4, "{msg}");
    assert!(column > 0, "{msg}");
    // Wrong type.
    let (line, _, path, msg) = parse_err("{\"schemaVersion\": 1,\n\"organization\": {\"name\": \"A\"},\n\"deployment\": {\"rules\": [{\"id\": \"r\", \"behaviour\": \"b\", \"weight\": \"heavy\"}]}}");
    assert_eq!(
        (line, path.as_str()),
        (3, "/deployment/rules/0/weight"),
        "{msg}"
    );
    assert!(msg.contains("invalid type"), "{msg}");
    // Unknown field.
    let (line, _, path, msg) =
        parse_err("{\"schemaVersion\": 1,\n\"organization\": {\"name\": \"A\", \"ceo\": \"B\"}}");
    assert_eq!((line, path.as_str()), (2, "/organization/ceo"), "{msg}");
    assert!(msg.contains("unknown field `ceo`"), "{msg}");
    // Missing field.
    let (_, _, path, msg) = parse_err("{\"schemaVersion\": 1}");
    assert_eq!(path, "", "{msg}");
    assert!(msg.contains("missing field `organization`"), "{msg}");
    // Bad metric id.
    let (_, _, path, msg) = parse_err("{\"schemaVersion\": 1, \"organization\": {\"name\": \"A\"}, \"benchmarks\": [{\"id\": \"b\", \"metric\": \"loyalty\", \"source\": \"s\", \"value\": 1}]}");
    assert_eq!(path, "/benchmarks/0/metric", "{msg}");
    // Trailing garbage, empty input, not an object: errors, never panics.
    for bad in [
        "",
        "[]",
        "null",
        "{\"schemaVersion\": 1, \"organization\": {\"name\": \"A\"}} x",
        "\u{feff}{}",
    ] {
        let e = Plan::from_json(bad).unwrap_err();
        assert_eq!(e.to_diagnostic().code, "parse-error");
    }
}
