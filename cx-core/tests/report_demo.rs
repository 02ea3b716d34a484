//! The report finds the problems the demo generator plants, for two seeds
//! (asserted against `planted`, never literals), and user triggers work.

use std::sync::OnceLock;

use cx_core::analysis::InversionKind;
use cx_core::demo::{generate, DemoConfig, Planted};
use cx_core::engine::Engine;
use cx_core::plan::{InterventionKind, Plan};
use cx_core::playbook::Playbook;
use cx_core::report::{Report, ReportOptions};
use cx_core::score::GoalStatus;

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn demo(seed: u64) -> &'static (Engine, Planted) {
    static SEVEN: OnceLock<(Engine, Planted)> = OnceLock::new();
    static FORTY_TWO: OnceLock<(Engine, Planted)> = OnceLock::new();
    let cell = if seed == 7 { &SEVEN } else { &FORTY_TWO };
    cell.get_or_init(|| {
        let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
        let d = generate(&DemoConfig {
            seed,
            ..DemoConfig::default()
        });
        assert_eq!(e.ingest_batch(&d.records).unwrap().rejected, 0);
        (e, d.planted)
    })
}

fn report(seed: u64) -> (Report, &'static Planted) {
    let (e, p) = demo(seed);
    (Report::build(e, &ReportOptions::default()).unwrap(), p)
}

fn finds_the_planted_problems(seed: u64) {
    let (r, planted) = report(seed);
    let a = &r.analysis;
    // The under-performing emphasised strength is an identity inversion…
    let weak: Vec<_> = a
        .identity
        .inversions
        .iter()
        .filter(|i| i.kind == InversionKind::EmphasizedBelowBase)
        .collect();
    assert!(!weak.is_empty());
    assert!(
        weak.iter().all(|i| i.facet == planted.weak_strength),
        "{weak:?}"
    );
    // …below every base strength.
    let bases = r
        .plan
        .identity
        .iter()
        .find(|t| t.facets.len() == 3)
        .unwrap();
    assert_eq!(weak.len(), bases.facets.len());
    let plan = Plan::from_json(include_str!("../../examples/data/plan.json")).unwrap();
    let emphasized = plan.strategy.identity.iter().flat_map(|i| &i.emphasized);
    assert!(emphasized
        .map(|f| &f.id)
        .any(|id| *id == planted.weak_strength));

    // The weak team gets prepareTraining with its rules as evidence.
    let training = r
        .recommendations
        .iter()
        .find(|x| x.intervention == InterventionKind::PrepareTraining)
        .expect("prepareTraining");
    let ev = &training.evidence[0];
    assert_eq!(ev.trigger, "compliance-below-floor");
    assert_eq!(ev.teams, vec![planted.weak_team.clone()]);
    let mut rules = ev.rules.clone();
    rules.sort();
    let mut expected = planted.weak_rules.clone();
    expected.sort();
    assert_eq!(rules, expected);
    assert!(
        ev.rows
            .iter()
            .any(|row| row.key.get("team") == Some(&planted.weak_team)
                && row.key.contains_key("rule"))
    );
    assert!(!ev.employees.is_empty());
    assert!(
        ev.employees
            .iter()
            .all(|e| e.starts_with(&planted.weak_team)),
        "{:?}",
        ev.employees
    );

    // The vital process is ranked first, via its attribute.
    assert_eq!(a.vital.vital_attributes[0].id, planted.vital_attribute);
    assert_eq!(a.vital.vital_attributes[0].rank, Some(1));
    assert_eq!(a.vital.vital_processes[0].id, planted.vital_process);
    assert!(r
        .recommendations
        .iter()
        .any(|x| x.intervention == InterventionKind::FormInnovationTeam));

    // Goals: the generator improves every metric slowly; the ambitious NPS,
    // claim-speed and eNPS targets are at risk, the others on track.
    let status = |id: &str| a.goals.iter().find(|g| g.id == id).unwrap().status;
    assert_eq!(status("goal-nps-mid"), GoalStatus::AtRisk);
    assert_eq!(status("goal-claims-speed"), GoalStatus::AtRisk);
    assert_eq!(status("goal-enps"), GoalStatus::AtRisk);
    assert_eq!(status("goal-compliance"), GoalStatus::OnTrack);
    assert_eq!(status("goal-ces"), GoalStatus::OnTrack);
    assert_eq!(status("goal-retention"), GoalStatus::OnTrack);
    assert_eq!(status("goal-complaints"), GoalStatus::OnTrack);
    assert!(a.goals.iter().all(|g| g.current.is_some() && g.n > 0));
    let report_rec = r
        .recommendations
        .iter()
        .find(|x| x.intervention == InterventionKind::ReportToManagement)
        .unwrap();
    assert!(report_rec.evidence[0]
        .goals
        .contains(&"goal-nps-mid".to_string()));

    // Low eNPS names the weak team only.
    let enps = r
        .recommendations
        .iter()
        .find(|x| x.intervention == InterventionKind::EnlivenEnvironment)
        .unwrap();
    assert_eq!(enps.evidence[0].teams, vec![planted.weak_team.clone()]);

    // Everything is dated by the data, not the clock.
    assert_eq!(a.as_of, demo(seed).0.latest_date());
    // Priorities are ordered.
    assert!(r
        .recommendations
        .windows(2)
        .all(|w| w[0].priority <= w[1].priority));
}

#[test]
fn seed_7_planted_problems_are_found() {
    finds_the_planted_problems(7);
}

#[test]
fn seed_42_planted_problems_are_found() {
    let (_, a) = demo(7);
    let (_, b) = demo(42);
    assert_ne!(a.weak_team, b.weak_team);
    assert_ne!(a.weak_strength, b.weak_strength);
    finds_the_planted_problems(42);
}

#[test]
fn a_user_trigger_from_json_fires_with_its_evidence() {
    let (engine, planted) = demo(7);
    let playbook = Playbook::from_json(
        r#"{"triggers": [{"id": "team-nps-negative",
            "when": {"type": "score", "metric": "nps", "below": 0, "groupBy": "team", "minN": 30},
            "recommend": ["coaching", "guidance"], "priority": 1,
            "rationale": "A team whose customers would not recommend us needs coaching."}]}"#,
    )
    .unwrap();
    assert!(!cx_core::playbook::defaults::default_triggers()
        .iter()
        .any(|t| t.id == "team-nps-negative"));
    let r = Report::build(
        engine,
        &ReportOptions {
            playbook: Some(playbook),
            ..ReportOptions::default()
        },
    )
    .unwrap();
    for kind in [InterventionKind::Coaching, InterventionKind::Guidance] {
        let rec = r
            .recommendations
            .iter()
            .find(|x| x.intervention == kind)
            .unwrap();
        assert_eq!(rec.priority, 1);
        assert_eq!(rec.triggers, vec!["team-nps-negative".to_string()]);
        let e = &rec.evidence[0];
        assert_eq!(e.metric.as_deref(), Some("nps"));
        assert_eq!(e.threshold, Some(0.0));
        assert_eq!(e.teams, vec![planted.weak_team.clone()]);
        assert_eq!(e.rows.len(), 1);
        assert!(e.value.unwrap() < 0.0 && e.rows[0].n >= 30);
    }
    // The default triggers are still there (extendsDefault), and first come priority-1 ones.
    assert!(r
        .recommendations
        .iter()
        .any(|x| x.intervention == InterventionKind::PrepareTraining));
    assert_eq!(r.recommendations[0].priority, 1);
    // Disabling a default trigger removes its recommendation.
    let off = Playbook::from_json(r#"{"disable": ["compliance-below-floor"]}"#).unwrap();
    let r = Report::build(
        engine,
        &ReportOptions {
            playbook: Some(off),
            ..ReportOptions::default()
        },
    )
    .unwrap();
    assert!(!r
        .recommendations
        .iter()
        .any(|x| x.intervention == InterventionKind::PrepareTraining));
}

#[test]
fn bad_playbooks_are_refused_with_a_position() {
    let e = Playbook::from_json(r#"{"triggers": [{"id": "x", "when": {"type": "nope"}, "recommend": ["coaching"], "priority": 1, "rationale": ""}]}"#).unwrap_err();
    assert_eq!(e.code(), "parse-error");
    let e = Playbook::from_json(r#"{"triggers": [{"id": "x", "when": {"type": "noRules"}, "recommend": [], "priority": 1, "rationale": ""}]}"#).unwrap_err();
    assert_eq!(e.code(), "recommend-count");
    let t = r#"{"id": "x", "when": {"type": "noRules"}, "recommend": ["coaching"], "priority": 1, "rationale": ""}"#;
    let e = Playbook::from_json(&format!(r#"{{"triggers": [{t}, {t}]}}"#)).unwrap_err();
    assert_eq!(e.code(), "duplicate-id");
    assert!(Playbook::from_json(r#"{"triggers": [], "typo": 1}"#).is_err());
}

#[test]
fn renders_markdown_and_self_contained_html() {
    let (r, planted) = report(7);
    let md = r.to_markdown();
    assert!(md.contains(&planted.weak_team) && md.contains("prepareTraining"));
    let html = r.to_html();
    assert!(html.contains(r#"<link rel="icon" href="data:,">"#));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    let count = |chart: &str, class: &str| {
        let start = html.find(&format!(r#"data-chart="{chart}""#)).unwrap();
        let end = start + html[start..].find("</svg>").unwrap();
        html[start..end]
            .matches(&format!(r#"class="{class}"#))
            .count()
    };
    assert_eq!(count("ipa", "point"), r.analysis.vital.attributes.len());
    assert_eq!(count("identity", "bar"), r.analysis.identity.facets.len());
    assert_eq!(count("goals", "bar"), r.analysis.goals.len());
    assert_eq!(
        count("compliance-rules", "bar"),
        r.analysis.compliance.by_rule.len()
    );
    assert_eq!(
        count("compliance-teams", "bar"),
        r.analysis.compliance.by_team.len()
    );
    let nps = r
        .analysis
        .headline
        .iter()
        .find(|h| h.metric == "nps")
        .unwrap();
    assert_eq!(nps.trend.len(), 9);
    assert_eq!(count("trend-nps", "point"), 9);
    // JSON round trip.
    let back: Report = serde_json::from_str(&r.to_json_pretty()).unwrap();
    assert_eq!(back.recommendations, r.recommendations);
}
