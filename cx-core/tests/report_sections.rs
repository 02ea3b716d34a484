//! The report's sections are written once for both formats: HTML and
//! Markdown have the same sections, in the same order, with the same facts;
//! the alerts list the latest follow-ups; each intervention names the
//! trigger, and the figures, that rank it.

use std::sync::OnceLock;

use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::Plan;
use cx_core::report::{Report, ReportOptions, FOLLOW_UPS_LISTED};

const PLAN: &str = include_str!("../../examples/data/plan.json");

fn report() -> &'static (Engine, Report) {
    static REPORT: OnceLock<(Engine, Report)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let mut e = Engine::new(Plan::from_json(PLAN).unwrap()).unwrap();
        let d = generate(&DemoConfig::default());
        assert_eq!(e.ingest_batch(&d.records).unwrap().rejected, 0);
        let r = Report::build(&e, &ReportOptions::default()).unwrap();
        (e, r)
    })
}

/// The text between each `open` and the next `close`.
fn between<'a>(s: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    s.split(open)
        .skip(1)
        .filter_map(|part| part.split(close).next())
        .collect()
}

#[test]
fn html_and_markdown_have_the_same_sections_in_the_same_order() {
    let (_, r) = report();
    let html = r.to_html();
    let md = r.to_markdown();
    let html_sections = between(&html, "<h2>", "</h2>");
    let md_sections: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(html_sections, md_sections);
    assert_eq!(html_sections.first(), Some(&"Plan"));
    assert_eq!(html_sections.last(), Some(&"Alerts"));
    assert!(html_sections.len() >= 10, "{html_sections:?}");
    // Every section HTML opens, it closes.
    assert_eq!(
        html.matches("<section").count(),
        html.matches("</section>").count()
    );
}

#[test]
fn both_formats_show_every_rule_facet_and_team() {
    let (_, r) = report();
    let (html, md) = (r.to_html(), r.to_markdown());
    let a = &r.analysis;
    let names = a
        .compliance
        .by_rule
        .iter()
        .map(|x| &x.rule)
        .chain(a.compliance.by_team.iter().map(|t| &t.key))
        .chain(a.identity.facets.iter().map(|f| &f.name));
    for name in names {
        assert!(md.contains(&format!("| {name} |")), "{name} in Markdown");
        assert!(html.contains(&format!("<td>{name}</td>")), "{name} in HTML");
    }
}

#[test]
fn alerts_list_the_latest_follow_ups() {
    let (engine, r) = report();
    let al = &r.alerts;
    let all = engine.alerts();
    assert!(all.len() > FOLLOW_UPS_LISTED, "the demo raises alerts");
    assert_eq!(al.follow_ups.len(), FOLLOW_UPS_LISTED);
    // Latest due first, and none later than those listed is left out.
    assert!(al.follow_ups.windows(2).all(|w| w[0].due >= w[1].due));
    let last = al.follow_ups.last().unwrap().due;
    assert!(all.iter().filter(|a| a.due > last).count() < FOLLOW_UPS_LISTED);
    let (html, md) = (r.to_html(), r.to_markdown());
    for f in &al.follow_ups {
        let id = f.record_id.as_deref().expect("demo records have ids");
        assert!(all
            .iter()
            .any(|a| a.record_id.as_deref() == Some(id) && a.reason == f.reason && a.due == f.due));
        assert!(html.contains(&format!("<code>{id}</code>")), "{id} in HTML");
        assert!(md.contains(&format!("`{id}`")), "{id} in Markdown");
    }
}

#[test]
fn each_intervention_names_the_trigger_that_ranks_it() {
    let (_, r) = report();
    assert!(!r.recommendations.is_empty());
    let md = r.to_markdown();
    for rec in &r.recommendations {
        // The trigger with the recommendation's priority fired for it.
        let ranking = rec
            .evidence
            .iter()
            .find(|e| r.trigger_priorities.get(&e.trigger) == Some(&rec.priority))
            .expect("a trigger with the recommendation's priority");
        let kind = serde_json::to_value(rec.intervention).unwrap();
        let kind = format!("**{}**", kind.as_str().unwrap());
        let line = md
            .lines()
            .find(|l| l.contains(&kind))
            .expect("the intervention's line");
        assert!(
            line.contains(&format!("ranked by `{}`", ranking.trigger)),
            "{line}"
        );
        if let Some(v) = ranking.value {
            let shown = if v.abs() < 10.0 {
                format!("{v:.2}")
            } else {
                format!("{v:.1}")
            };
            assert!(line.contains(&shown), "{line} shows {v}");
        }
    }
    // Every trigger that fired has its priority in the report.
    for rec in &r.recommendations {
        for t in &rec.triggers {
            assert!(r.trigger_priorities[t] >= rec.priority);
        }
    }
}
