//! Comment themes linked to the plan feed the vital-process ranking and the
//! playbook (issue #20, item 7): a theme that detractors mention
//! significantly more often than promoters points at its processes,
//! attributes and rules.
//!
//! The engine's comment statistics are built by hand here and analysed with
//! `comment_analysis`; the analysis is then set on an `Analysis` of the demo
//! engine, or on a `VitalProcesses` built by hand.
//!
//! Reference figures (R 4): for 34/100 detractors' comments against 9/150
//! promoters', `2 * pnorm(-abs(p1 - p2) / sqrt(p1 * (1 - p1) / n1 + p2 *
//! (1 - p2) / n2))` = 4.493944742322360e-08, below 0.001 after Holm over
//! four themes.

use std::sync::OnceLock;

use cx_core::analysis::{
    analyse, comment_analysis, Analysis, AnalysisOptions, CommentAnalysis, CommentOptions,
    VitalAttribute, VitalProcess, VitalProcesses,
};
use cx_core::comment::{ClassCounts, CommentStats, GroupCounts, ThemeStats};
use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::{InterventionKind, Plan, Theme, ThemeLinks};
use cx_core::playbook::{defaults::default_triggers, evaluate, Condition, Evidence, Trigger};
use cx_core::score::{NpsMethod, Quadrant};

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn links(attributes: &[&str], processes: &[&str], rules: &[&str]) -> ThemeLinks {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
    ThemeLinks {
        attributes: v(attributes),
        processes: v(processes),
        facets: Vec::new(),
        rules: v(rules),
    }
}

fn theme(id: &str, label: &str, l: ThemeLinks) -> Theme {
    Theme {
        id: id.into(),
        label: Some(label.into()),
        terms: vec![id.into()],
        links: l,
        alert: false,
    }
}

/// The demo plan with five themes:
/// 0 delay → attribute claim-speed (process claims);
/// 1 staff → process contact-centre;
/// 2 price → process billing and rule rule-inform;
/// 3 app → process onboarding;
/// 4 queue → process branch and rule rule-own.
fn plan() -> Plan {
    let mut p = Plan::from_json(PLAN).unwrap();
    p.themes = vec![
        theme("delay", "Delays", links(&["claim-speed"], &[], &[])),
        theme("staff", "Staff", links(&[], &["contact-centre"], &[])),
        theme("price", "Price", links(&[], &["billing"], &["rule-inform"])),
        theme("app", "The app", links(&[], &["onboarding"], &[])),
        theme("queue", "Queues", links(&[], &["branch"], &["rule-own"])),
    ];
    p
}

/// 400 comments, 100 of detractors and 150 of promoters; `mentions[i]` =
/// (detractors', promoters') mentions of theme i.
fn stats(mentions: &[(u64, u64)]) -> CommentStats {
    CommentStats {
        classes: ClassCounts {
            negative: 120,
            neutral: 80,
            positive: 200,
        },
        compound: 0,
        groups: GroupCounts {
            detractors: 100,
            passives: 100,
            promoters: 150,
        },
        themes: mentions
            .iter()
            .enumerate()
            .filter(|(_, (d, p))| d + p > 0)
            .map(|(i, &(d, p))| ThemeStats {
                theme: i as u32,
                classes: ClassCounts {
                    negative: d,
                    neutral: 0,
                    positive: p,
                },
                compound: 0,
                groups: GroupCounts {
                    detractors: d,
                    passives: 0,
                    promoters: p,
                },
            })
            .collect(),
    }
}

/// delay: 34 vs 9 (detractors, significant); staff: 10 vs 40 (promoters,
/// significant); price: 5 vs 3 (not significant); app and queue: none.
const DEFAULT_MENTIONS: [(u64, u64); 5] = [(34, 9), (10, 40), (5, 3), (0, 0), (0, 0)];

fn comments(plan: &Plan, mentions: &[(u64, u64)]) -> CommentAnalysis {
    let o = CommentOptions {
        level: 0.95,
        significance: 0.05,
        method: NpsMethod::AdjustedWald,
    };
    comment_analysis(plan, &stats(mentions), &[], o).unwrap()
}

/// The demo's records without their comments: the analyses of this file
/// set the comment analysis themselves.
fn records() -> Vec<cx_core::record::Record> {
    let mut d = generate(&DemoConfig {
        days: 60,
        ..DemoConfig::default()
    });
    for r in &mut d.records {
        if let cx_core::record::Record::Response(r) = r {
            r.comment = None;
        }
    }
    d.records
}

/// The demo engine (comments left out) under this file's plan.
fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let mut e = Engine::new(plan()).unwrap();
        e.ingest_batch(&records()).unwrap();
        e
    })
}

/// The demo engine's analysis with the comment analysis of `mentions`.
fn analysis(mentions: &[(u64, u64)]) -> Analysis {
    let e = engine();
    let mut a = analyse(e, &AnalysisOptions::default()).unwrap();
    a.comments = Some(comments(e.plan(), mentions));
    a
}

fn trigger(significance: Option<f64>) -> Trigger {
    Trigger {
        id: "comments".into(),
        when: Condition::CommentsPointAt { significance },
        recommend: vec![InterventionKind::ModifySystemsAndProcedures],
        priority: 2,
        rationale: "Detractors say why.".into(),
    }
}

fn fire(t: &Trigger, a: &Analysis) -> Option<Evidence> {
    let recs = evaluate(std::slice::from_ref(t), engine(), a);
    recs.into_iter().next().map(|r| r.evidence[0].clone())
}

#[test]
fn detractors_comments_point_at_the_linked_attribute() {
    let a = analysis(&DEFAULT_MENTIONS);
    let e = fire(&trigger(None), &a).expect("fires");
    assert_eq!(
        e.summary,
        "Detractors' comments point at Speed of claim settlement: 'Delays' in 34% of \
         detractors' comments vs 6% of promoters' (lift 5.7, p < 0.001)."
    );
    assert_eq!(e.attributes, ["claim-speed"]);
    assert!(e.processes.is_empty() && e.rules.is_empty());
    assert_eq!(e.rows.len(), 1);
    let r = &e.rows[0];
    assert_eq!(r.key["theme"], "delay");
    assert_eq!(r.key["attribute"], "claim-speed");
    assert_eq!((r.value, r.n), (Some(34.0), 100));
    assert_eq!((e.value, e.threshold), (Some(34.0), Some(0.05)));
}

#[test]
fn processes_and_rules_are_listed_and_named() {
    // price: 30 vs 3 now significant, linked to billing and rule-inform.
    let mut m = DEFAULT_MENTIONS;
    m[2] = (30, 3);
    let a = analysis(&m);
    let e = fire(&trigger(None), &a).expect("fires");
    assert_eq!(e.processes, ["billing"]);
    assert_eq!(e.rules, ["rule-inform"]);
    assert_eq!(e.attributes, ["claim-speed"]);
    assert!(
        e.summary
            .contains("Billing and payments, rule-inform: 'Price' in 30%"),
        "{}",
        e.summary
    );
    let keys: Vec<String> = e.rows.iter().map(|r| format!("{:?}", r.key)).collect();
    assert_eq!(e.rows.len(), 3, "{keys:?}");
}

#[test]
fn it_does_not_fire_without_a_detractor_signal() {
    // Only promoters' significant theme (staff) and a non-significant one.
    let a = analysis(&[(5, 7), (10, 40), (5, 3), (0, 0), (0, 0)]);
    assert_eq!(fire(&trigger(None), &a), None);
    // No comment analysis.
    let mut a = analysis(&DEFAULT_MENTIONS);
    a.comments = None;
    assert_eq!(fire(&trigger(None), &a), None);
    // A stricter level than delay's Holm p (1.35e-7).
    let a = analysis(&DEFAULT_MENTIONS);
    assert_eq!(fire(&trigger(Some(1e-9)), &a), None);
    assert!(fire(&trigger(Some(1e-6)), &a).is_some());
}

#[test]
fn a_significant_theme_linked_to_nothing_does_not_fire() {
    let mut p = plan();
    p.themes[0].links = ThemeLinks::default();
    let mut a = analysis(&DEFAULT_MENTIONS);
    a.comments = Some(comments(&p, &DEFAULT_MENTIONS));
    assert_eq!(fire(&trigger(None), &a), None);
}

#[test]
fn the_default_playbook_has_the_trigger() {
    let d = default_triggers();
    let t = d
        .iter()
        .find(|t| t.id == "comments-point-at")
        .expect("default");
    assert_eq!(t.when, Condition::CommentsPointAt { significance: None });
    let a = analysis(&DEFAULT_MENTIONS);
    let recs = evaluate(std::slice::from_ref(t), engine(), &a);
    assert_eq!(recs.len(), t.recommend.len());
    let parsed: Condition =
        serde_json::from_str(r#"{"type": "commentsPointAt", "significance": 0.01}"#).unwrap();
    assert_eq!(
        parsed,
        Condition::CommentsPointAt {
            significance: Some(0.01)
        }
    );
}

fn attribute(id: &str, process: &str, importance: f64, performance: f64) -> VitalAttribute {
    VitalAttribute {
        id: id.into(),
        label: id.into(),
        process: Some(process.into()),
        importance,
        performance,
        quadrant: Quadrant::KeepUpTheGoodWork,
        priority: None,
        rank: None,
        n: 100,
    }
}

fn process(id: &str, rank: u32, priority: f64) -> VitalProcess {
    VitalProcess {
        id: id.into(),
        name: id.into(),
        rank,
        importance: 10.0,
        performance: 50.0,
        priority,
        attributes: 1,
        vital_attributes: vec![format!("{id}-attr")],
        comments: Vec::new(),
    }
}

/// Ratings rank claims and contact-centre equal (ties by id), then billing.
fn vital() -> VitalProcesses {
    VitalProcesses {
        attributes: vec![
            attribute("opening-hours", "branch", 8.0, 70.0),
            attribute("branch-comfort", "branch", 4.0, 80.0),
        ],
        vital_processes: vec![
            process("claims", 1, 5.0),
            process("contact-centre", 2, 5.0),
            process("billing", 3, 2.0),
        ],
        ..VitalProcesses::default()
    }
}

fn order(v: &VitalProcesses) -> Vec<(&str, u32)> {
    v.vital_processes
        .iter()
        .map(|p| (p.id.as_str(), p.rank))
        .collect()
}

#[test]
fn without_a_significant_signal_the_ranking_is_the_ratings() {
    let p = plan();
    let mut v = vital();
    v.add_comment_signals(
        &p,
        &comments(&p, &[(5, 7), (10, 40), (5, 3), (0, 0), (0, 0)]),
    );
    assert_eq!(
        order(&v),
        [("claims", 1), ("contact-centre", 2), ("billing", 3)]
    );
    // The mentioned themes are attached, not significant.
    let cc = &v.vital_processes[1].comments;
    assert_eq!(cc.len(), 1);
    assert_eq!((cc[0].theme.as_str(), cc[0].significant), ("staff", false));
    assert_eq!(cc[0].via, ["process"]);
}

#[test]
fn a_signal_via_an_attribute_breaks_a_tie_and_comments_add_a_process() {
    let p = plan();
    let mut v = vital();
    // delay → claims (already first); queue → branch, significant.
    v.add_comment_signals(
        &p,
        &comments(&p, &[(34, 9), (10, 40), (5, 3), (0, 0), (30, 4)]),
    );
    assert_eq!(
        order(&v),
        [
            ("claims", 1),
            ("contact-centre", 2),
            ("billing", 3),
            ("branch", 4)
        ]
    );
    let claims = &v.vital_processes[0].comments[0];
    assert_eq!(claims.via, ["attribute:claim-speed"]);
    assert!(claims.significant);
    assert!((claims.lift.unwrap() - 34.0 / 6.0).abs() < 1e-12);
    let branch = &v.vital_processes[3];
    assert!(branch.vital_attributes.is_empty());
    assert_eq!((branch.priority, branch.attributes), (0.0, 2));
    assert_eq!((branch.importance, branch.performance), (12.0, 75.0));
    assert_eq!(branch.name, "Branch network");
    // A signal on contact-centre ranks it before claims at equal priority.
    let mut p2 = plan();
    p2.themes[4].links = links(&["courtesy"], &[], &["rule-own"]);
    let mut v = vital();
    v.add_comment_signals(
        &p2,
        &comments(&p2, &[(0, 0), (10, 40), (5, 3), (0, 0), (30, 4)]),
    );
    assert_eq!(
        order(&v),
        [("contact-centre", 1), ("claims", 2), ("billing", 3)]
    );
    // A higher priority is never overtaken by comments.
    let mut v = vital();
    v.vital_processes[1].priority = 4.0;
    v.add_comment_signals(
        &p2,
        &comments(&p2, &[(0, 0), (10, 40), (5, 3), (0, 0), (30, 4)]),
    );
    assert_eq!(
        order(&v),
        [("claims", 1), ("contact-centre", 2), ("billing", 3)]
    );
}

#[test]
fn rules_give_no_process_signal() {
    let mut p = plan();
    p.themes[4].links = links(&[], &[], &["rule-own"]);
    let mut v = vital();
    v.add_comment_signals(
        &p,
        &comments(&p, &[(0, 0), (0, 0), (0, 0), (0, 0), (30, 4)]),
    );
    assert_eq!(
        order(&v),
        [("claims", 1), ("contact-centre", 2), ("billing", 3)]
    );
    assert!(v.vital_processes.iter().all(|x| x.comments.is_empty()));
}

#[test]
fn the_demo_ranking_is_unchanged_without_comments() {
    // The engine holds no comment: the themes change nothing.
    let with = analyse(engine(), &AnalysisOptions::default()).unwrap();
    let mut no_themes = Plan::from_json(PLAN).unwrap();
    no_themes.themes.clear();
    let mut plain = Engine::new(no_themes).unwrap();
    plain.ingest_batch(&records()).unwrap();
    let without = analyse(&plain, &AnalysisOptions::default()).unwrap();
    assert_eq!(with.vital, without.vital);
    assert!(!with.vital.vital_processes.is_empty());
    assert_eq!(without.comments, None);
    assert_eq!(with.comments.as_ref().map(|c| c.comments), Some(0));
}
