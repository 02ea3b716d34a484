//! Every default trigger has a case that fires it and one that does not.

use std::sync::OnceLock;

use chrono::NaiveDate;
use cx_core::analysis::{analyse, AnalysisOptions};
use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::Plan;
use cx_core::playbook::{defaults::default_triggers, evaluate, Evidence};
use cx_core::record::Record;

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn records() -> &'static [Record] {
    static R: OnceLock<Vec<Record>> = OnceLock::new();
    R.get_or_init(|| {
        generate(&DemoConfig {
            days: 120,
            responses_per_day: 30,
            ..DemoConfig::default()
        })
        .records
    })
}

fn sample() -> Plan {
    Plan::from_json(PLAN).unwrap()
}

fn engine_with(plan: Plan) -> Engine {
    let mut e = Engine::new(plan).unwrap();
    e.ingest_batch(records()).unwrap();
    e
}

/// The evidence of default trigger `id` on `engine`, if it fires.
fn fire_with(id: &str, engine: &Engine, options: &AnalysisOptions) -> Option<Evidence> {
    let t: Vec<_> = default_triggers()
        .into_iter()
        .filter(|t| t.id == id)
        .collect();
    assert_eq!(t.len(), 1, "no default trigger {id}");
    let a = analyse(engine, options).unwrap();
    let recs = evaluate(&t, engine, &a);
    for r in &recs {
        assert!(t[0].recommend.contains(&r.intervention));
    }
    assert!(recs.is_empty() || recs.len() == t[0].recommend.len());
    recs.into_iter().next().map(|r| r.evidence[0].clone())
}

fn fire(id: &str, engine: &Engine) -> Option<Evidence> {
    fire_with(id, engine, &AnalysisOptions::default())
}

fn demo_engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| engine_with(sample()))
}

#[test]
fn the_default_playbook_covers_the_method() {
    let ids: Vec<String> = default_triggers().into_iter().map(|t| t.id).collect();
    for id in [
        "no-identity",
        "no-needs",
        "no-rules",
        "compliance-below-floor",
        "rule-not-measured",
        "no-recent-survey",
        "vital-process",
        "tangible-vital",
        "low-enps",
        "goal-at-risk",
        "nps-drop",
    ] {
        assert!(ids.iter().any(|x| x == id), "{id}");
    }
}

#[test]
fn no_identity() {
    assert!(fire("no-identity", demo_engine()).is_none());
    let mut p = sample();
    p.strategy.identity = None;
    p.strategy.positioning = None;
    p.deployment
        .rules
        .iter_mut()
        .for_each(|r| r.supports.clear());
    p.deployment
        .norms
        .iter_mut()
        .for_each(|r| r.supports.clear());
    p.deployment
        .policies
        .iter_mut()
        .for_each(|r| r.supports.clear());
    p.deployment
        .tangibles
        .iter_mut()
        .for_each(|r| r.supports.clear());
    p.attributes.iter_mut().for_each(|a| a.facet_id = None);
    p.themes.iter_mut().for_each(|t| t.links.facets.clear());
    p.interventions.iter_mut().for_each(|i| {
        i.addresses
            .retain(|x| !["fluidity", "accessibility"].contains(&x.as_str()))
    });
    let e = Engine::new(p).unwrap();
    assert!(fire("no-identity", &e).is_some());
}

#[test]
fn no_needs() {
    assert!(fire("no-needs", demo_engine()).is_none());
    let mut p = sample();
    p.context.needs.clear();
    let ev = fire("no-needs", &Engine::new(p).unwrap()).unwrap();
    assert!(ev.summary.contains("need"));
}

#[test]
fn no_rules() {
    assert!(fire("no-rules", demo_engine()).is_none());
    let mut p = Plan::new("Starting out");
    p.context = sample().context;
    assert!(fire("no-rules", &Engine::new(p).unwrap()).is_some());
}

#[test]
fn compliance_below_floor() {
    let ev = fire("compliance-below-floor", demo_engine()).unwrap();
    assert_eq!(ev.teams, vec!["branches".to_string()]);
    assert_eq!(ev.threshold, Some(80.0));
    let mut p = sample();
    p.thresholds.compliance_floor = 40.0;
    assert!(fire("compliance-below-floor", &engine_with(p)).is_none());
}

#[test]
fn rule_not_measured() {
    assert!(fire("rule-not-measured", demo_engine()).is_none());
    let mut p = sample();
    let mut rule = p.deployment.rules[0].clone();
    rule.id = "rule-smile".into();
    rule.behaviour = "Smile on the phone.".into();
    p.deployment.rules.push(rule);
    let ev = fire("rule-not-measured", &engine_with(p)).unwrap();
    assert_eq!(ev.rules, vec!["rule-smile".to_string()]);
}

#[test]
fn no_recent_survey() {
    let e = demo_engine();
    assert!(fire("no-recent-survey", e).is_none());
    let later = AnalysisOptions {
        as_of: NaiveDate::from_ymd_opt(2027, 6, 30),
        ..AnalysisOptions::default()
    };
    let ev = fire_with("no-recent-survey", e, &later).unwrap();
    assert_eq!(ev.value, Some(0.0));
    assert_eq!(ev.threshold, Some(90.0));
}

#[test]
fn vital_process() {
    let ev = fire("vital-process", demo_engine()).unwrap();
    assert_eq!(ev.attributes[0], "claim-speed");
    assert_eq!(ev.processes[0], "claims");
    // No attribute ratings: no importance–performance analysis, no vital process.
    let mut e = Engine::new(sample()).unwrap();
    e.ingest_json_lines(
        b"{\"at\": \"2026-03-01\", \"nps\": 9}\n{\"at\": \"2026-03-02\", \"nps\": 3}\n",
    )
    .unwrap();
    assert!(fire("vital-process", &e).is_none());
}

#[test]
fn tangible_vital() {
    // branch-comfort rates tangibles but is not vital.
    assert!(fire("tangible-vital", demo_engine()).is_none());
    let mut p = sample();
    p.attributes
        .iter_mut()
        .find(|a| a.id == "claim-speed")
        .unwrap()
        .tangibles = vec!["tan-guide".into()];
    let ev = fire("tangible-vital", &engine_with(p)).unwrap();
    assert_eq!(ev.attributes, vec!["claim-speed".to_string()]);
    assert_eq!(
        ev.rows[0].key.get("tangible").map(String::as_str),
        Some("tan-guide")
    );
}

#[test]
fn low_enps() {
    let ev = fire("low-enps", demo_engine()).unwrap();
    assert!(ev.teams.contains(&"branches".to_string()));
    let mut p = sample();
    p.thresholds.low_enps = -100.0;
    assert!(fire("low-enps", &engine_with(p)).is_none());
}

#[test]
fn goal_at_risk() {
    let ev = fire("goal-at-risk", demo_engine()).unwrap();
    assert!(ev.goals.contains(&"goal-nps-mid".to_string()));
    // Targets already met: every goal is achieved.
    let mut p = sample();
    for g in &mut p.strategy.goals {
        let easy = match g.metric.to_string().as_str() {
            "nps" | "enps" => -100.0,
            "ces" | "attribute:claim-speed" => 1.0,
            "kpi:complaintRate" => 1000.0,
            _ => 0.0,
        };
        g.baseline.value = easy;
        g.target.value = easy;
    }
    let e = engine_with(p);
    assert!(fire("goal-at-risk", &e).is_none());
    let a = analyse(&e, &AnalysisOptions::default()).unwrap();
    assert!(a
        .goals
        .iter()
        .all(|g| g.status == cx_core::score::GoalStatus::Achieved));
}

#[test]
fn nps_drop() {
    // The demo's NPS rises month after month.
    assert!(fire("nps-drop", demo_engine()).is_none());
    let mut e = Engine::new(sample()).unwrap();
    let mut lines = String::new();
    for day in 1..=28 {
        lines.push_str(&format!("{{\"at\": \"2026-08-{day:02}\", \"nps\": 10}}\n{{\"at\": \"2026-08-{day:02}\", \"nps\": 9}}\n"));
        lines.push_str(&format!("{{\"at\": \"2026-09-{day:02}\", \"nps\": 2}}\n{{\"at\": \"2026-09-{day:02}\", \"nps\": 9}}\n"));
    }
    assert_eq!(e.ingest_json_lines(lines.as_bytes()).unwrap().rejected, 0);
    let ev = fire("nps-drop", &e).unwrap();
    assert_eq!(ev.value, Some(-100.0)); // NPS 100 in August, 0 in September
    assert_eq!(
        ev.rows[1].key.get("period").map(String::as_str),
        Some("2026-09")
    );
}
