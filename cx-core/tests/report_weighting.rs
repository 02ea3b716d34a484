//! The plan's `weighting` section through the analysis and the report
//! (issue #19, item 5): a small survey of four months, 120 responses a
//! month, with design weights 0.5 + (i mod 5)/2 and class Business for one
//! response in three, raked by the plan to Business 0.5 / Eco 0.5. NPS is
//! flat from January to March and jumps in April; CSAT is flat.
//!
//! The figures are R `survey` 4.2's (`benches/reference/report_weighting.R`
//! builds the same records):
//!
//! ```r
//! des <- svydesign(ids = ~1, weights = ~w, data = d); W <- sum(d$w)
//! r <- calibrate(des, ~class, population = c(`(Intercept)` = W, classEco = 0.5 * W),
//!                calfun = "raking", epsilon = 1e-13)
//! w <- weights(r); sum(w); sum(w)^2 / sum(w^2)        # Σw, effective n
//! svymean(~y, r)                                       # headline NPS
//! b <- svyby(~y, ~m, r, svymean)                       # monthly NPS
//! delta <- diff(coef(b)); se <- sqrt(SE(b)[-1]^2 + SE(b)[-4]^2)
//! p <- 2 * pnorm(-abs(delta / se)); p.adjust(p, "holm")
//! ```

// R's figures are copied as printed, all 17 significant digits.
#![allow(clippy::excessive_precision)]

use cx_core::analysis::HeadlineScore;
use cx_core::engine::{Engine, Query};
use cx_core::plan::Plan;
use cx_core::report::{Report, ReportOptions};

const RAKE: &str = r#"[{"dimension": "class", "shares": {"Business": 0.5, "Eco": 0.5}}]"#;

/// The plan, with `weighting` as given (none when empty).
fn plan(weighting: &str) -> Plan {
    let section = if weighting.is_empty() {
        String::new()
    } else {
        format!(r#", "weighting": {weighting}"#)
    };
    Plan::from_json(&format!(
        r#"{{"schemaVersion": 1, "organization": {{"name": "Air"}},
            "dimensions": [{{"id": "class", "label": "Class"}}]{section}}}"#
    ))
    .unwrap()
}

/// The records of `benches/reference/report_weighting.R`, as JSON lines;
/// without weights when `weighted` is false.
fn records(weighted: bool) -> String {
    let mut out = String::new();
    for m in 1..=4u32 {
        for i in 0..120u32 {
            let class = if i % 3 == 0 { "Business" } else { "Eco" };
            let w = 0.5 + f64::from(i % 5) * 0.5;
            let nps = match (m < 4, i % 11 < 8) {
                (true, _) => i % 11,
                (false, true) => 10,
                (false, false) => 3,
            };
            let weight = if weighted {
                format!(r#","weight":{w}"#)
            } else {
                String::new()
            };
            out.push_str(&format!(
                r#"{{"id":"r{m}-{i}","at":"2026-{m:02}-{:02}T10:00:00Z","dimensions":{{"class":"{class}"}},"nps":{nps},"csat":{}{weight}}}"#,
                1 + i % 28,
                1 + i % 5
            ));
            out.push('\n');
        }
    }
    out
}

fn engine(weighting: &str, weighted: bool) -> Engine {
    let mut e = Engine::new(plan(weighting)).unwrap();
    let r = e.ingest_json_lines(records(weighted).as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected), (480, 0));
    e
}

fn report(e: &Engine) -> Report {
    Report::build(e, &ReportOptions::default()).unwrap()
}

/// The headline score of `metric`.
fn headline<'a>(r: &'a Report, metric: &str) -> &'a HeadlineScore {
    r.analysis
        .headline
        .iter()
        .find(|h| h.metric == metric)
        .unwrap_or_else(|| panic!("no headline {metric}"))
}

fn close(got: f64, want: f64, what: &str) {
    let rel = (got - want).abs() / want.abs().max(f64::MIN_POSITIVE);
    assert!(rel <= 1e-9, "{what}: got {got:.17}, want {want:.17}");
}

/// The `<svg>` of one chart in the HTML.
fn chart<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<svg data-chart="{name}""#))
        .unwrap_or_else(|| panic!("no chart {name}"));
    let len = html[start..].find("</svg>").unwrap();
    &html[start..start + len]
}

#[test]
fn a_raked_plan_section_weights_the_report_and_states_it() {
    let e = engine(&format!(r#"{{"rake": {RAKE}}}"#), true);
    let r = report(&e);
    let w = r.analysis.weighting.as_ref().expect("weighting stated");
    assert!(w.weighted);
    let sel = w.selection.as_ref().unwrap();
    assert_eq!(sel.responses, 480);
    // R: sum(w); sum(w)^2 / sum(w^2)
    close(sel.weight_sum, 720.0, "Σw");
    close(sel.effective_n.unwrap(), 349.09090909090912, "effective n");
    assert_eq!(sel.rake, e.plan().weighting.as_ref().unwrap().rake);
    // R: svymean(~y, r) = -22.187499999999996, SE 4.8598001782242646
    let nps = &headline(&r, "nps").score;
    close(nps.value.unwrap(), -22.187499999999996, "NPS");
    close(nps.se.unwrap(), 4.8598001782242646, "NPS se");
    close(
        nps.effective_n.unwrap(),
        349.09090909090912,
        "NPS effective n",
    );
    // The same figures as the engine's raked query.
    let q = Query::from_json(&format!(r#"{{"metrics": ["nps"], "rake": {RAKE}}}"#)).unwrap();
    assert_eq!(Some(nps), e.query(&q).unwrap().rows[0].scores.get("nps"));

    let json: serde_json::Value = serde_json::from_str(&r.to_json_pretty()).unwrap();
    let jw = &json["analysis"]["weighting"];
    assert_eq!(jw["weighted"], true);
    assert_eq!(jw["selection"]["rake"][0]["dimension"], "class");
    assert_eq!(jw["selection"]["rake"][0]["shares"]["Eco"], 0.5);

    let html = r.to_html();
    let block = &html[html.find(r#"<section id="weighting">"#).unwrap()..];
    let block = &block[..block.find("</section>").unwrap()];
    assert!(
        block.contains("Raked to population shares on class"),
        "{block}"
    );
    assert!(block.contains("480 responses"), "{block}");
    assert!(block.contains("Σw = 720.0, effective n = 349.1"), "{block}");
    assert!(
        block.contains("<td>Business</td><td class=\"num\">50.0%</td>"),
        "{block}"
    );
    let md = r.to_markdown();
    assert!(md.contains("## Weighting"));
    assert!(md.contains("| class | Eco | 50.0% |"), "{md}");
    // The block stands between the plan and the headline.
    let (p, wt, h) = (
        md.find("## Plan"),
        md.find("## Weighting"),
        md.find("## Headline"),
    );
    assert!(p < wt && wt < h);
}

#[test]
fn design_weights_alone_are_stated_without_targets() {
    let e = engine("", true);
    let r = report(&e);
    let sel = r
        .analysis
        .weighting
        .as_ref()
        .unwrap()
        .selection
        .clone()
        .unwrap();
    assert!(sel.rake.is_empty());
    close(sel.weight_sum, 720.0, "Σw");
    let md = r.to_markdown();
    assert!(
        md.contains("**Weighted by the responses' design weights**"),
        "{md}"
    );
    assert!(!md.contains("| dimension | value | share |"));
}

#[test]
fn the_planted_jump_is_marked_and_the_flat_months_are_not() {
    let e = engine(&format!(r#"{{"rake": {RAKE}}}"#), true);
    let r = report(&e);
    let trend = &headline(&r, "nps").trend;
    let periods: Vec<&str> = trend.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(periods, ["2026-01", "2026-02", "2026-03", "2026-04"]);
    // R: coef(svyby(~y, ~m, r, svymean)), SE(…)
    let want = [
        (-44.999999999999993, 8.5303455789934226),
        (-44.999999999999993, 8.5303455789934493),
        (-44.999999999999993, 8.5303455789934759),
        (46.25, 9.4617090250109417),
    ];
    for (p, (v, _)) in trend.iter().zip(want) {
        close(p.value, v, &p.period);
    }
    assert!(trend[0].change.as_ref().unwrap().delta.is_none());
    // R: p.adjust(p, "holm") = 1 1 2.3704596240258371e-12; delta 0 0 91.25
    let april = trend[3].change.as_ref().unwrap();
    close(april.delta.unwrap(), 91.25, "delta");
    close(
        april.se.unwrap(),
        8.5303455789934759f64.hypot(9.4617090250109417),
        "se",
    );
    close(april.p_adjusted.unwrap(), 2.3704596240258371e-12, "Holm p");
    for p in &trend[1..3] {
        assert_eq!(
            p.change.as_ref().unwrap().p_adjusted,
            Some(1.0),
            "{}",
            p.period
        );
    }
    // The NPS change of asOf's month is the same weighted change, its p
    // unadjusted. R: delta 91.25, p 7.9015320800861239e-13.
    let c = r.analysis.nps_change.as_ref().unwrap();
    assert_eq!(
        (c.current.as_str(), c.previous.as_str()),
        ("2026-04", "2026-03")
    );
    close(c.delta.unwrap(), 91.25, "NPS change");
    close(c.p.unwrap(), 7.9015320800861239e-13, "NPS change p");
    assert_eq!((c.n_current, c.n_previous, c.significant), (120, 120, true));
    let marked: Vec<bool> = trend.iter().map(|p| p.significant).collect();
    assert_eq!(marked, [false, false, false, true]);
    let csat = &headline(&r, "csat").trend;
    assert_eq!(csat.len(), 4);
    assert!(csat.iter().all(|p| !p.significant));

    let html = r.to_html();
    let nps_svg = chart(&html, "trend-nps");
    assert_eq!(nps_svg.matches(r#"class="significant""#).count(), 1);
    assert!(nps_svg.contains(r#"class="significant" d="M"#));
    assert!(nps_svg.contains(r#"data-period="2026-04" data-p-adjusted="#));
    assert!(nps_svg.contains(r#"<text class="legend""#));
    assert_eq!(nps_svg.matches(r#"class="point""#).count(), 4);
    let csat_svg = chart(&html, "trend-csat");
    assert!(!csat_svg.contains("significant"));
    assert!(!csat_svg.contains("legend"));
    let md = r.to_markdown();
    assert!(md.contains("2026-03 -45.0 · 2026-04 46.2 ▲"), "{md}");
    assert!(md.contains("▲▼ marks a significant change against the month before: p < 0.05"));
    assert!(!md.contains("2026-03 -45.0 ▲"));
}

#[test]
fn a_fall_is_marked_down() {
    // The same months in reverse: April's high is January's, so February
    // falls.
    let text = records(false)
        .replace("2026-01-", "2026-05-")
        .replace("2026-04-", "2026-01-");
    let mut e = Engine::new(plan("")).unwrap();
    e.ingest_json_lines(text.as_bytes()).unwrap();
    let r = report(&e);
    assert!(r.analysis.weighting.is_none());
    let trend = &headline(&r, "nps").trend;
    assert_eq!(trend[1].period, "2026-02");
    assert!(trend[1].significant);
    assert!(trend[1].change.as_ref().unwrap().delta.unwrap() < 0.0);
    let md = r.to_markdown();
    assert!(md.contains(" · 2026-02 -46.7 ▼ · "), "{md}");
}

#[test]
fn unweighted_data_without_a_section_states_no_weighting() {
    let e = engine("", false);
    let r = report(&e);
    assert!(r.analysis.weighting.is_none());
    let json = r.to_json_pretty();
    assert!(!json.contains("\"weighting\""));
    let html = r.to_html();
    assert!(!html.contains(r#"<section id="weighting">"#));
    assert!(!r.to_markdown().contains("## Weighting"));
    // The headline is the engine's unweighted score.
    let nps = &headline(&r, "nps").score;
    assert_eq!(nps.effective_n, None);
    let t = e.totals(&Default::default()).unwrap();
    let want = e.score(
        &"nps".parse().unwrap(),
        &t,
        r.analysis.level,
        Default::default(),
    );
    assert_eq!(nps, &want);
}

#[test]
fn weights_off_in_the_plan_state_an_unweighted_report() {
    let e = engine(r#"{"weights": false}"#, true);
    let r = report(&e);
    let w = r.analysis.weighting.as_ref().unwrap();
    assert!(!w.weighted);
    assert_eq!(w.weights, Some(false));
    assert!(w.selection.is_none());
    let nps = &headline(&r, "nps").score;
    assert_eq!(nps.effective_n, None);
    assert!(r
        .to_markdown()
        .contains("**Unweighted**: the plan turns the weights off"));
}

#[test]
fn a_rake_the_data_cannot_meet_fails_the_report_with_the_engine_error() {
    let e = engine(
        r#"{"rake": [{"dimension": "class", "shares": {"Business": 0.5, "First": 0.5}}]}"#,
        true,
    );
    let err = Report::build(&e, &ReportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("Eco"), "{err}");
    // An engine without responses has nothing to rake yet.
    let empty = Engine::new(e.plan().clone()).unwrap();
    let r = report(&empty);
    assert!(!r.analysis.weighting.unwrap().weighted);
}

#[test]
fn goals_and_benchmarks_are_scored_with_the_plan_weighting() {
    let plan = Plan::from_json(&format!(
        r#"{{"schemaVersion": 1, "organization": {{"name": "Air"}},
            "dimensions": [{{"id": "class", "label": "Class"}}],
            "strategy": {{"goals": [{{"id": "g", "metric": "nps", "horizon": "midTerm",
                "baseline": {{"value": -40, "date": "2025-12-31"}},
                "target": {{"value": 0, "date": "2026-12-31"}}}}]}},
            "benchmarks": [{{"id": "b", "metric": "nps", "source": "rival", "value": 10}}],
            "weighting": {{"rake": {RAKE}}}}}"#
    ))
    .unwrap();
    let mut e = Engine::new(plan).unwrap();
    e.ingest_json_lines(records(true).as_bytes()).unwrap();
    let r = report(&e);
    // The benchmark's own NPS is the headline's: R svymean(~y, r).
    let own = &r.analysis.benchmarks[0].own;
    close(own.value.unwrap(), -22.187499999999996, "benchmark NPS");
    close(own.se.unwrap(), 4.8598001782242646, "benchmark NPS se");
    // The goal's current NPS is the raked NPS of the recent window.
    let g = &r.analysis.goals[0];
    let w = g.window;
    let q = Query::from_json(&format!(
        r#"{{"metrics": ["nps"], "from": "{}", "to": "{}", "rake": {RAKE}}}"#,
        w.from.unwrap(),
        w.to.unwrap()
    ))
    .unwrap();
    let want = e.query(&q).unwrap().rows[0].scores["nps"].value;
    assert_eq!(g.current, want);
    let unweighted = Query::from_json(&format!(
        r#"{{"metrics": ["nps"], "from": "{}", "to": "{}", "weights": false}}"#,
        w.from.unwrap(),
        w.to.unwrap()
    ))
    .unwrap();
    assert_ne!(
        g.current,
        e.query(&unweighted).unwrap().rows[0].scores["nps"].value
    );
}
