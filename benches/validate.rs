//! Criterion bench of a plan with 100,000 rules of the game (issue #16,
//! item 12): what `cx validate` (text) and `cx report` do with it. Figures
//! and the machine are in `benches/README.md` ("Plans with 100,000 rules").
//!
//! The plan is the sample plan (`examples/data/plan.json`) plus 100,000
//! rules, each supporting the facet `respect` and serving a goal, with one
//! audit, one training and one intervention naming every rule: the shape
//! that made the trace, compliance and the playbook's evidence quadratic.
//!
//! - `validate-100k/validate`: `Plan::validate` (all `cx validate --json`
//!   does).
//! - `validate-100k/text`: what `cx validate` adds in text: the trace's
//!   coverage line and every diagnostic rendered as the CLI prints it.
//! - `report-100k/build`, `/markdown`, `/html`: the report of the demo
//!   organisation's data (45 days, demo seed) under that plan.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::{
    Instrument, InstrumentKind, Intervention, InterventionKind, InterventionStatus, Mobilization,
    MobilizationKind, Plan, Rule,
};
use cx_core::report::{Report, ReportOptions};

const RULES: usize = 100_000;

/// The sample plan with `RULES` more rules, all audited, trained and
/// addressed.
fn plan_with_rules() -> Plan {
    let mut plan = Plan::from_json(include_str!("../examples/data/plan.json")).unwrap();
    let goal = plan.strategy.goals[0].id.clone();
    let d = &mut plan.deployment;
    d.rules.extend((0..RULES).map(|i| Rule {
        id: format!("bench-rule-{i}"),
        behaviour: format!("Behaviour {i}."),
        supports: vec!["respect".into()],
        goals: vec![goal.clone()],
        weight: 1.0,
        critical: false,
    }));
    let ids: Vec<String> = d.rules.iter().map(|r| r.id.clone()).collect();
    d.mobilization.push(Mobilization {
        id: "bench-training".into(),
        kind: MobilizationKind::Training,
        audience: "everyone".into(),
        topic: "every rule".into(),
        rules: ids.clone(),
    });
    plan.evaluation.instruments.push(Instrument {
        id: "bench-audit".into(),
        kind: InstrumentKind::RuleAudit,
        channel: None,
        method: Some(cx_core::plan::AuditMethod::ManagerObservation),
        rules: ids.clone(),
        metrics: Vec::new(),
        goals: Vec::new(),
        cadence_days: Some(7),
    });
    plan.interventions.push(Intervention {
        id: "bench-agree".into(),
        kind: InterventionKind::AgreeOnRulesOfTheGame,
        title: "Agree on every rule".into(),
        owner: None,
        due: None,
        status: InterventionStatus::Planned,
        addresses: ids,
    });
    plan
}

/// What `cx validate` prints in text (examples/cx/validate.rs), into a
/// string.
fn validate_text(plan: &Plan) -> String {
    let mut o = String::new();
    let c = plan.trace().coverage;
    let pct =
        |s: cx_core::plan::trace::Share| s.percent.map_or("n/a".into(), |p| format!("{p:.0}%"));
    let _ = writeln!(
        o,
        "{}: facets supported {}, rules measured {}, goals acted on {}",
        plan.organization.name,
        pct(c.facets_supported),
        pct(c.rules_measured),
        pct(c.goals_acted_on)
    );
    for d in plan.validate() {
        let _ = writeln!(
            o,
            "{:?}[{}] plan.json {}\n    {}",
            d.severity, d.code, d.pointer, d.message
        );
    }
    o
}

fn validate(c: &mut Criterion) {
    let plan = plan_with_rules();
    let mut g = c.benchmark_group("validate-100k");
    g.sample_size(10);
    g.bench_function("validate", |b| b.iter(|| black_box(&plan).validate()));
    g.bench_function("text", |b| b.iter(|| validate_text(black_box(&plan))));
    g.finish();
}

fn report(c: &mut Criterion) {
    let plan = plan_with_rules();
    let mut engine = Engine::new(plan).unwrap();
    let data = generate(&DemoConfig {
        days: 45,
        ..DemoConfig::default()
    });
    engine.ingest_batch(&data.records).unwrap();
    let options = ReportOptions::default();
    let mut g = c.benchmark_group("report-100k");
    g.sample_size(10);
    g.bench_function("build", |b| {
        b.iter(|| Report::build(black_box(&engine), &options).unwrap())
    });
    let r = Report::build(&engine, &options).unwrap();
    g.bench_function("markdown", |b| b.iter(|| black_box(&r).to_markdown()));
    g.bench_function("html", |b| b.iter(|| black_box(&r).to_html()));
    g.finish();
}

criterion_group!(benches, validate, report);
criterion_main!(benches);
