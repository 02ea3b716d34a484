//! Issue #20, item 5: `sentiment` and `theme:<id>` wherever a metric id
//! goes — goals, benchmarks and playbook triggers — give what a query
//! gives for the same selection.

use cx_core::engine::{Engine, Query};
use cx_core::plan::Plan;
use cx_core::playbook::Playbook;
use cx_core::record::{Record, Response, Timestamp};
use cx_core::report::{Report, ReportOptions};

const PLAN: &str = r#"{"schemaVersion": 1, "organization": {"name": "Air"},
  "themes": [{"id": "delay", "label": "Delays", "terms": ["delay*", "late"]}],
  "strategy": {"goals": [
    {"id": "goal-sentiment", "metric": "sentiment", "baseline": {"value": -20, "date": "2025-12-31"},
     "target": {"value": 30, "date": "2026-12-31"}, "horizon": "midTerm"},
    {"id": "goal-delay", "metric": "theme:delay", "baseline": {"value": 40, "date": "2025-12-31"},
     "target": {"value": 10, "date": "2026-12-31"}, "horizon": "midTerm"}]},
  "benchmarks": [{"id": "bm-sentiment", "metric": "sentiment", "source": "Industry panel", "value": 10, "n": 500, "date": "2025-10-01"}],
  "thresholds": {"minSample": 5}}"#;

const TEXTS: [&str; 5] = [
    "Great flight, lovely crew!",
    "Delayed three hours, awful.",
    "The flight left at noon.",
    "Late again and nobody told us.",
    "Very good service, thanks.",
];

fn engine() -> Engine {
    let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
    let records: Vec<Record> = (0..40)
        .map(|i| {
            Record::Response(Response {
                at: Timestamp::from_unix(1_772_323_200 + i * 3_600).unwrap(),
                team: Some(["north", "south"][i as usize % 2].into()),
                comment: Some(TEXTS[i as usize % TEXTS.len()].into()),
                ..Response::default()
            })
        })
        .collect();
    assert_eq!(e.ingest_batch(&records).unwrap().rejected, 0);
    e
}

fn value(e: &Engine, metric: &str) -> f64 {
    let q = Query::from_json(&format!(r#"{{"metrics": ["{metric}"]}}"#)).unwrap();
    e.query(&q).unwrap().rows[0].scores[metric].value.unwrap()
}

#[test]
fn goals_and_benchmarks_read_the_comment_metrics() {
    let e = engine();
    let r = Report::build(&e, &ReportOptions::default()).unwrap();
    let goal = |id: &str| r.analysis.goals.iter().find(|g| g.id == id).unwrap();
    assert_eq!(goal("goal-sentiment").current, Some(value(&e, "sentiment")));
    assert_eq!(goal("goal-sentiment").n, 40);
    assert_eq!(goal("goal-delay").current, Some(value(&e, "theme:delay")));
    let bm = r
        .analysis
        .benchmarks
        .iter()
        .find(|b| b.metric == "sentiment")
        .unwrap();
    assert_eq!(bm.own.value, Some(value(&e, "sentiment")));
    assert_eq!(bm.comparisons[0].gap, value(&e, "sentiment") - 10.0);
}

fn playbook(above: f64) -> Playbook {
    Playbook::from_json(&format!(
        r#"{{"extendsDefault": false, "triggers": [{{"id": "delays-talked-about",
            "when": {{"type": "score", "metric": "theme:delay", "above": {above}, "groupBy": "team", "minN": 5}},
            "recommend": ["modifySystemsAndProcedures"], "priority": 1,
            "rationale": "Customers keep writing about delays."}}]}}"#
    ))
    .unwrap()
}

fn recommendations(e: &Engine, above: f64) -> Vec<cx_core::playbook::Recommendation> {
    let options = ReportOptions {
        playbook: Some(playbook(above)),
        ..ReportOptions::default()
    };
    Report::build(e, &options).unwrap().recommendations
}

#[test]
fn a_trigger_on_a_theme_share_fires_per_team() {
    let e = engine();
    let share = value(&e, "theme:delay");
    let fired = recommendations(&e, share - 1.0);
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired[0].triggers, vec!["delays-talked-about"]);
    // Above every team's share, it does not fire.
    assert!(recommendations(&e, share + 1.0).is_empty());
}

#[test]
fn a_goal_on_an_unknown_theme_is_a_dangling_reference() {
    let plan = Plan::from_json(&PLAN.replace("\"theme:delay\"", "\"theme:nope\"")).unwrap();
    let d = plan
        .validate()
        .into_iter()
        .find(|d| d.pointer == "/strategy/goals/1/metric")
        .expect("a diagnostic at the goal's metric");
    assert!(d.is_error());
    assert!(d.message.contains("nope"), "{}", d.message);
}
