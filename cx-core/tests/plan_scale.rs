//! A plan with 100,000 rules of the game (issue #16, item 12): validation,
//! the trace and the report give the right answer for every rule. The
//! trace, compliance and the playbook's evidence searched a list per rule
//! (quadratic: `cx validate` took minutes in text, `cx report` more); they
//! now look names up in indexes built once. This test checks the answers
//! at that size; `benches/validate.rs` measures the time (figures in
//! `benches/README.md`). It has no time limit of its own: on the quadratic
//! code it does not fail, it runs for hours.

use std::collections::HashSet;

use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::{
    codes, AuditMethod, Instrument, InstrumentKind, Intervention, InterventionKind,
    InterventionStatus, Mobilization, MobilizationKind, Plan, Rule,
};
use cx_core::report::{Report, ReportOptions};

const N: usize = 100_000;

fn sample() -> Plan {
    Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap()
}

fn rule_id(i: usize) -> String {
    format!("scale-rule-{i}")
}

/// The sample plan plus N rules supporting `respect` and serving the first
/// goal; one audit covers the even ones, one training and one intervention
/// cover all of them.
fn big_plan() -> Plan {
    let mut plan = sample();
    let goal = plan.strategy.goals[0].id.clone();
    let d = &mut plan.deployment;
    d.rules.extend((0..N).map(|i| Rule {
        id: rule_id(i),
        behaviour: format!("Behaviour {i}."),
        supports: vec!["respect".into()],
        goals: vec![goal.clone()],
        weight: 1.0,
        critical: false,
    }));
    let all: Vec<String> = (0..N).map(rule_id).collect();
    d.mobilization.push(Mobilization {
        id: "scale-training".into(),
        kind: MobilizationKind::Training,
        audience: "everyone".into(),
        topic: "every rule".into(),
        rules: all.clone(),
    });
    plan.evaluation.instruments.push(Instrument {
        id: "scale-audit".into(),
        kind: InstrumentKind::RuleAudit,
        channel: None,
        method: Some(AuditMethod::ManagerObservation),
        rules: (0..N).step_by(2).map(rule_id).collect(),
        metrics: Vec::new(),
        goals: Vec::new(),
        cadence_days: Some(7),
    });
    plan.interventions.push(Intervention {
        id: "scale-agree".into(),
        kind: InterventionKind::AgreeOnRulesOfTheGame,
        title: "Agree on every rule".into(),
        owner: None,
        due: None,
        status: InterventionStatus::Planned,
        addresses: all,
    });
    plan
}

#[test]
fn validation_and_trace_are_right_for_every_one_of_100k_rules() {
    let base = sample();
    let plan = big_plan();
    let diags = plan.validate();
    assert!(!diags.iter().any(|d| d.is_error()), "{:?}", &diags[..3]);
    // One rule-not-measured warning per odd rule, at its own pointer, on
    // top of the sample's own warnings.
    let unmeasured: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == codes::RULE_NOT_MEASURED)
        .map(|d| d.pointer.as_str())
        .collect();
    let before = base
        .validate()
        .iter()
        .filter(|d| d.code == codes::RULE_NOT_MEASURED)
        .count();
    let first = base.deployment.rules.len();
    assert_eq!(unmeasured.len(), before + N / 2);
    let expected: HashSet<String> = (1..N)
        .step_by(2)
        .map(|i| format!("/deployment/rules/{}", first + i))
        .collect();
    let found: HashSet<String> = unmeasured[before..].iter().map(|s| s.to_string()).collect();
    assert_eq!(found, expected);

    let trace = plan.trace();
    let base_trace = base.trace();
    let rows = &trace.rules[first..first + N];
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.rule_id, rule_id(i));
        let audits: &[&str] = if i % 2 == 0 { &["scale-audit"] } else { &[] };
        assert_eq!(row.instruments, audits, "{}", row.rule_id);
        assert_eq!(row.measured, i % 2 == 0);
        assert_eq!(row.mobilization, ["scale-training"]);
        assert_eq!(row.interventions, ["scale-agree"]);
    }
    let c = trace.coverage.rules_measured;
    let b = base_trace.coverage.rules_measured;
    assert_eq!((c.covered, c.total), (b.covered + N / 2, b.total + N));
    let respect = trace
        .facets
        .iter()
        .find(|f| f.facet_id == "respect")
        .unwrap();
    let base_respect = base_trace
        .facets
        .iter()
        .find(|f| f.facet_id == "respect")
        .unwrap();
    assert_eq!(respect.rules.len(), base_respect.rules.len() + N);
    assert_eq!(respect.rules.last(), Some(&rule_id(N - 1)));
    assert!(respect.instruments.contains(&"scale-audit".to_string()));
    assert!(respect.interventions.contains(&"scale-agree".to_string()));
    let goal = &trace.goals[0];
    assert_eq!(goal.rules.len(), base_trace.goals[0].rules.len() + N);
    assert!(goal.acted_on && !goal.interventions.contains(&"scale-agree".to_string()));
}

#[test]
fn the_report_names_each_of_100k_unaudited_rules_once() {
    let mut engine = Engine::new(big_plan()).unwrap();
    let data = generate(&DemoConfig {
        days: 30,
        ..DemoConfig::default()
    });
    engine.ingest_batch(&data.records).unwrap();
    let r = Report::build(&engine, &ReportOptions::default()).unwrap();
    let by_rule = &r.analysis.compliance.by_rule;
    let first = sample().deployment.rules.len();
    for (i, x) in by_rule[first..first + N].iter().enumerate() {
        assert_eq!(x.rule, rule_id(i));
        let audits: &[&str] = if i % 2 == 0 { &["scale-audit"] } else { &[] };
        assert_eq!(x.instruments, audits);
        // No audit in the data names these rules.
        assert!(!x.measured);
    }
    // The evidence of the unmeasured rules lists every one, once.
    let e = r
        .recommendations
        .iter()
        .flat_map(|rec| &rec.evidence)
        .find(|e| e.rules.contains(&rule_id(0)))
        .expect("evidence naming the unmeasured rules");
    let distinct: HashSet<&String> = e.rules.iter().collect();
    assert_eq!(distinct.len(), e.rules.len());
    assert!((0..N).all(|i| distinct.contains(&rule_id(i))));
    let md = r.to_markdown();
    assert!(md.contains(&rule_id(N - 1)));
}
