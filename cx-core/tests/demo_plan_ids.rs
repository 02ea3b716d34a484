//! The demo takes every id it writes from the plan it generates for (issue
//! #17): a plan whose ids are all renamed gets the same demo under the new
//! ids, every record accepted and the planted problems found; a plan that
//! lacks a role the demo needs is refused, saying where.

use cx_core::analysis::{analyse, AnalysisOptions};
use cx_core::demo::{generate_for, DemoConfig, DemoError};
use cx_core::engine::Engine;
use cx_core::plan::Plan;
use serde_json::Value;

const PLAN: &str = include_str!("../../examples/data/plan.json");

/// The renamed form of an id.
fn renamed(id: &str) -> String {
    format!("x-{id}")
}

/// Every id of the lists the demo reads (segments, identity facets, rules,
/// attributes, processes, dimensions).
fn ids(plan: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut list = |v: &Value| {
        for x in v.as_array().into_iter().flatten() {
            out.extend(x["id"].as_str().map(str::to_string));
        }
    };
    list(&plan["context"]["segments"]);
    list(&plan["strategy"]["identity"]["emphasized"]);
    list(&plan["strategy"]["identity"]["base"]);
    list(&plan["deployment"]["rules"]);
    list(&plan["attributes"]);
    list(&plan["processes"]);
    list(&plan["dimensions"]);
    out.extend(
        plan["strategy"]["identity"]["dominant"]["id"]
            .as_str()
            .map(str::to_string),
    );
    out
}

/// `v` with every string equal to one of `ids` (or `attribute:ID`) renamed.
fn rename(v: &mut Value, ids: &[String]) {
    match v {
        Value::String(s) => {
            if ids.contains(s) {
                *s = renamed(s);
            } else if let Some(id) = s
                .strip_prefix("attribute:")
                .filter(|id| ids.iter().any(|x| x == id))
            {
                *s = format!("attribute:{}", renamed(id));
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename(x, ids)),
        Value::Object(o) => o.values_mut().for_each(|x| rename(x, ids)),
        _ => {}
    }
}

/// Three months of the demo (the planted problems show by then).
fn config() -> DemoConfig {
    DemoConfig {
        days: 90,
        responses_per_day: 40,
        ..DemoConfig::default()
    }
}

#[test]
fn a_plan_with_renamed_ids_yields_the_same_demo_under_the_new_ids() {
    let mut doc: Value = serde_json::from_str(PLAN).unwrap();
    let ids = ids(&doc);
    assert!(ids.len() > 30, "{ids:?}");
    rename(&mut doc, &ids);
    let plan = Plan::from_json(&doc.to_string()).unwrap();
    assert!(plan.is_valid(), "{:?}", plan.validate());

    let sample = generate_for(&Plan::from_json(PLAN).unwrap(), &config()).unwrap();
    let data = generate_for(&plan, &config()).unwrap();
    // The same records, the renamed ids read back as the sample's.
    let mut back = data.to_json_lines();
    for id in &ids {
        back = back.replace(&format!("\"{}\"", renamed(id)), &format!("\"{id}\""));
    }
    assert_eq!(back, sample.to_json_lines());
    assert_eq!(data.planted.vital_attribute, renamed("claim-speed"));
    assert_eq!(data.planted.vital_process, renamed("claims"));
    assert!(data
        .planted
        .weak_rules
        .iter()
        .all(|r| r.starts_with("x-rule-")));

    // A full demo for the renamed plan: every record accepted, the planted
    // vital attribute found.
    let mut engine = Engine::new(plan).unwrap();
    let report = engine.ingest_batch(&data.records).unwrap();
    assert_eq!(report.total, data.records.len() as u64);
    assert_eq!(report.accepted, report.total, "{:?}", report.errors.first());
    let a = analyse(&engine, &AnalysisOptions::default()).unwrap();
    assert_eq!(a.vital.vital_attributes[0].id, data.planted.vital_attribute);
    assert_eq!(a.vital.vital_processes[0].id, data.planted.vital_process);
}

#[test]
fn a_plan_without_a_role_the_demo_needs_is_refused_saying_where() {
    let mut doc: Value = serde_json::from_str(PLAN).unwrap();
    doc["strategy"]["identity"]["emphasized"] = Value::Array(Vec::new());
    let plan = Plan::from_json(&doc.to_string()).unwrap();
    let e = generate_for(&plan, &config()).unwrap_err();
    assert!(matches!(
        e,
        DemoError::Missing {
            pointer: "/strategy/identity/emphasized",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "/strategy/identity/emphasized: the demo needs at least one emphasised strength"
    );

    let mut doc: Value = serde_json::from_str(PLAN).unwrap();
    doc["processes"].as_array_mut().unwrap().truncate(4);
    let plan = Plan::from_json(&doc.to_string()).unwrap();
    assert!(matches!(
        generate_for(&plan, &config()),
        Err(DemoError::Missing {
            pointer: "/processes",
            ..
        })
    ));
}
