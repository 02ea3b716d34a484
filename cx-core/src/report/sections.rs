//! The report's sections, in order, each written once over a [`Writer`]:
//! what a section shows, and when, is decided here; how it looks is the
//! writer's business (HTML in `html.rs`, Markdown in `markdown.rs`).

use super::writer::{num_col, text_col, Bar, Card, Chart, Item, Span, Table, Writer};
use super::{name_of, num, Report};
use crate::playbook::{Evidence, Recommendation};
use crate::record::Timestamp;

/// Writes the whole report with `w` and returns the text.
pub(crate) fn write<W: Writer>(r: &Report, mut w: W) -> String {
    title(r, &mut w);
    plan(r, &mut w);
    weighting(r, &mut w);
    headline(r, &mut w);
    goals(r, &mut w);
    vital(r, &mut w);
    super::comments::comments(r, &mut w);
    identity(r, &mut w);
    compliance(r, &mut w);
    impact(r, &mut w);
    benchmarks(r, &mut w);
    service_profit_link(r, &mut w);
    satisfaction(r, &mut w);
    readiness(r, &mut w);
    recommendations(r, &mut w);
    alerts(r, &mut w);
    w.finish()
}

/// `—` for no date.
fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or("—".into(), |d| d.to_string())
}

/// A percentage with no decimal, `—` for none.
fn percent(p: Option<f64>) -> String {
    p.map_or("—".into(), |x| format!("{x:.0}%"))
}

/// A time for people: `2026-01-17 10:00 UTC`.
fn when(t: Timestamp) -> String {
    let s = t.to_string();
    match (s.get(..10), s.get(11..16)) {
        (Some(d), Some(hm)) => format!("{d} {hm} UTC"),
        _ => s,
    }
}

fn title(r: &Report, w: &mut impl Writer) {
    let a = &r.analysis;
    w.begin(
        &format!("CX report — {}", r.plan.organization),
        &[Span::Muted(format!(
            "As of {} · intervals at {:.0}% · {}",
            date(a.as_of),
            a.level * 100.0,
            r.generator
        ))],
    );
}

fn plan(r: &Report, w: &mut impl Writer) {
    let p = &r.plan;
    w.section("plan", "Plan");
    let mut items = Vec::new();
    if let Some(pos) = &p.positioning {
        items.push(Item {
            text: vec![
                Span::Strong("Positioning".into()),
                Span::text(format!(": {} ", pos.statement)),
                Span::Muted(format!("(rests on {})", pos.facet_id)),
            ],
            ..Item::default()
        });
    }
    let share =
        |s: &crate::plan::trace::Share| s.percent.map_or("n/a".into(), |x| format!("{x:.0}%"));
    let c = &p.coverage;
    items.push(Item {
        text: vec![
            Span::Strong("Traceability".into()),
            Span::text(format!(
                ": facets supported {}, rules measured {}, goals acted on {}",
                share(&c.facets_supported),
                share(&c.rules_measured),
                share(&c.goals_acted_on)
            )),
        ],
        ..Item::default()
    });
    w.list(false, &items);
    if !p.identity.is_empty() {
        let mut t = Table::new(&[text_col("tier"), text_col("facets")]);
        for tier in &p.identity {
            t.row([name_of(&tier.tier), tier.facets.join(", ")]);
        }
        w.table(&t);
    }
    w.end_section();
}

fn headline(r: &Report, w: &mut impl Writer) {
    w.section("headline", "Headline scores");
    let cards: Vec<Card> = r
        .analysis
        .headline
        .iter()
        .map(|h| Card {
            metric: h.metric.clone(),
            value: num(h.score.value, 1),
            detail: format!(
                "{} · n = {}",
                h.score.interval.map_or("no interval".into(), |i| format!(
                    "[{:.1}, {:.1}]",
                    i.low, i.high
                )),
                h.score.n
            ),
            trend: Chart::Trend {
                name: format!("trend-{}", h.metric),
                title: format!("{} by month", h.metric),
                points: &h.trend,
            },
        })
        .collect();
    w.cards(&cards);
    let marked = r
        .analysis
        .headline
        .iter()
        .any(|h| h.trend.iter().any(|p| p.significant));
    if marked {
        w.paragraph(&[Span::Muted(format!(
            "▲▼ marks a significant change against the month before: p < {} after Holm's adjustment over the metric's monthly trend.",
            r.analysis.significance
        ))]);
    }
    w.end_section();
}

/// The weighting block: weighted or not, Σw and effective n of every
/// observation up to asOf, and the raking targets. Absent for data without
/// weights under a plan without a `weighting` section.
fn weighting(r: &Report, w: &mut impl Writer) {
    let Some(s) = &r.analysis.weighting else {
        return;
    };
    w.section("weighting", "Weighting");
    let Some(sel) = &s.selection else {
        let why = if s.weights == Some(false) {
            "the plan turns the weights off"
        } else {
            "no response carries a weight and the plan does not rake"
        };
        w.paragraph(&[
            Span::Strong("Unweighted".into()),
            Span::text(format!(": {why}; every response counts once.")),
        ]);
        w.end_section();
        return;
    };
    let how = if sel.rake.is_empty() {
        "Weighted by the responses' design weights".to_string()
    } else {
        let dims: Vec<&str> = sel.rake.iter().map(|t| t.dimension.as_str()).collect();
        format!("Raked to population shares on {}", dims.join(", "))
    };
    w.paragraph(&[
        Span::Strong(how),
        Span::text(format!(
            ": {} responses ({} with a weight of their own), Σw = {}, effective n = {}.",
            sel.responses,
            sel.weighted_responses,
            num(Some(sel.weight_sum), 1),
            num(sel.effective_n, 1)
        )),
        Span::Muted(
            " Values, standard errors and intervals as R survey's svymean (calibrate for raking)."
                .into(),
        ),
    ]);
    if !sel.rake.is_empty() {
        let mut t = Table::new(&[text_col("dimension"), text_col("value"), num_col("share")]);
        for target in &sel.rake {
            for (value, share) in &target.shares {
                t.row([
                    target.dimension.clone(),
                    value.clone(),
                    format!("{}%", num(Some(share * 100.0), 1)),
                ]);
            }
        }
        w.table(&t);
    }
    w.end_section();
}

fn goals(r: &Report, w: &mut impl Writer) {
    let goals = &r.analysis.goals;
    w.section("goals", "Goals");
    w.chart(&Chart::Bars {
        name: "goals",
        title: "Goal progress (%)",
        bars: goals
            .iter()
            .map(|g| Bar {
                label: g.id.clone(),
                value: g.progress,
                class: "",
            })
            .collect(),
        reference: None,
    });
    let mut t = Table::new(&[
        text_col("goal"),
        text_col("metric"),
        num_col("baseline"),
        num_col("current"),
        num_col("target"),
        num_col("progress"),
        num_col("projected"),
        text_col("status"),
    ]);
    for g in goals {
        let status = name_of(&g.status);
        let mut row: Vec<Vec<Span>> = [
            g.id.clone(),
            g.metric.clone(),
            g.baseline.value.to_string(),
            num(g.current, 2),
            format!("{} by {}", g.target.value, g.target.date),
            percent(g.progress),
            num(g.projected, 2),
        ]
        .into_iter()
        .map(|c| vec![Span::text(c)])
        .collect();
        row.push(vec![Span::Tag(format!("s-{status}"), status)]);
        t.rows.push(row);
    }
    w.table(&t);
    w.end_section();
}

fn vital(r: &Report, w: &mut impl Writer) {
    let v = &r.analysis.vital;
    w.section("vital", "Vital processes");
    if let Some(reason) = &v.reason {
        w.paragraph(&[Span::text(format!("No result: {reason}"))]);
        w.end_section();
        return;
    }
    w.paragraph(&[Span::Muted(format!(
        "Importance: {} on {} ({} complete cases, R² {}); performance: attribute mean rescaled to 0–100.",
        v.method.map_or("—".into(), |m| name_of(&m)),
        v.outcome.map_or("—".into(), |m| name_of(&m)),
        v.n,
        num(v.r2, 3)
    ))]);
    w.chart(&Chart::Ipa(v));
    let mut t = Table::new(&[
        num_col("rank"),
        text_col("vital attribute"),
        text_col("process"),
        num_col("importance"),
        num_col("performance"),
        text_col("quadrant"),
    ]);
    for x in &v.vital_attributes {
        t.rows.push(vec![
            vec![Span::text(x.rank.unwrap_or(0).to_string())],
            vec![
                Span::text(format!("{} ", x.label)),
                Span::Muted(format!("({})", x.id)),
            ],
            vec![Span::text(x.process.as_deref().unwrap_or("—"))],
            vec![Span::text(format!("{:.2}", x.importance))],
            vec![Span::text(format!("{:.1}", x.performance))],
            vec![Span::text(name_of(&x.quadrant))],
        ]);
    }
    w.table(&t);
    let processes: Vec<Item> = v
        .vital_processes
        .iter()
        .map(|pr| Item {
            text: vec![
                Span::Strong(pr.name.clone()),
                Span::text(if pr.vital_attributes.is_empty() {
                    format!(" ({}): named by detractors' comments", pr.id)
                } else {
                    format!(
                        " ({}): priority {:.2}; vital attributes {}",
                        pr.id,
                        pr.priority,
                        pr.vital_attributes.join(", ")
                    )
                }),
            ],
            sub: pr.comments.iter().map(process_theme).collect(),
            ..Item::default()
        })
        .collect();
    w.list(true, &processes);
    w.end_section();
}

/// A comment theme pointing at a vital process, for people.
fn process_theme(t: &crate::analysis::ProcessTheme) -> Vec<Span> {
    let pct = |v: Option<f64>| v.map_or("—".into(), |x| format!("{x:.0}%"));
    vec![Span::text(format!(
        "comments on '{}' (via {}): {} of detractors' vs {} of promoters', lift {}{}",
        t.label,
        t.via.join(", "),
        pct(t.detractors),
        pct(t.promoters),
        num(t.lift, 1),
        if t.significant { " ▲" } else { "" }
    ))]
}

fn identity(r: &Report, w: &mut impl Writer) {
    let id = &r.analysis.identity;
    w.section("identity", "Identity alignment");
    if !id.defined {
        w.paragraph(&[Span::text("The plan has no identity yet.")]);
        w.end_section();
        return;
    }
    let tier_class = |t: crate::plan::Tier| match t {
        crate::plan::Tier::Dominant => "dominant",
        crate::plan::Tier::Emphasized => "emphasized",
        crate::plan::Tier::Base => "base",
    };
    w.chart(&Chart::Bars {
        name: "identity",
        title: "Perceived performance by facet (0–100)",
        bars: id
            .facets
            .iter()
            .map(|f| Bar {
                label: format!("{} ({})", f.name, name_of(&f.tier)),
                value: f.performance,
                class: tier_class(f.tier),
            })
            .collect(),
        reference: None,
    });
    let mut t = Table::new(&[
        text_col("facet"),
        text_col("tier"),
        num_col("perceived (0–100)"),
    ]);
    for f in &id.facets {
        t.row([f.name.clone(), name_of(&f.tier), num(f.performance, 1)]);
    }
    w.table(&t);
    if id.inversions.is_empty() {
        w.paragraph(&[Span::text(
            "No inversion: the identity is perceived as intended.",
        )]);
        w.end_section();
        return;
    }
    let items: Vec<Item> = id
        .inversions
        .iter()
        .map(|i| Item {
            text: vec![
                Span::text(format!("{}: ", name_of(&i.kind))),
                Span::Strong(i.facet.clone()),
                Span::text(format!(
                    " ({:.1}) is perceived below {} ({:.1})",
                    i.performance, i.above, i.above_performance
                )),
            ],
            ..Item::default()
        })
        .collect();
    w.list(false, &items);
    w.end_section();
}

fn compliance(r: &Report, w: &mut impl Writer) {
    let c = &r.analysis.compliance;
    w.section("compliance", "Rule compliance");
    w.paragraph(&[Span::Muted(format!(
        "Recent window {} to {}; floor {:.0}%; overall mean audit score {} (n = {}).",
        date(c.window.from),
        date(c.window.to),
        c.floor,
        num(c.overall.value, 1),
        c.overall.n
    ))]);
    let below = |b: bool| if b { "below" } else { "" };
    w.chart(&Chart::Bars {
        name: "compliance-rules",
        title: "Pass rate by rule (%)",
        bars: c
            .by_rule
            .iter()
            .map(|x| Bar {
                label: x.rule.clone(),
                value: x.score.value,
                class: below(x.below_floor),
            })
            .collect(),
        reference: Some(c.floor),
    });
    w.chart(&Chart::Bars {
        name: "compliance-teams",
        title: "Mean audit score by team (%)",
        bars: c
            .by_team
            .iter()
            .map(|x| Bar {
                label: x.key.clone(),
                value: x.score.value,
                class: below(x.below_floor || !x.rules_below_floor.is_empty()),
            })
            .collect(),
        reference: Some(c.floor),
    });
    let mut rules = Table::new(&[
        text_col("rule"),
        num_col("pass rate"),
        num_col("n"),
        text_col("measured"),
    ]);
    for x in &c.by_rule {
        let measured = if x.measured { "yes" } else { "no" };
        rules.row([
            x.rule.clone(),
            num(x.score.value, 1),
            x.score.n.to_string(),
            measured.into(),
        ]);
    }
    w.table(&rules);
    let mut teams = Table::new(&[
        text_col("team"),
        num_col("mean audit score"),
        num_col("n"),
        text_col("rules below the floor"),
    ]);
    for t in &c.by_team {
        let below: Vec<String> = t
            .rules_below_floor
            .iter()
            .map(|x| format!("{} {:.1}%", x.rule, x.value))
            .collect();
        teams.row([
            t.key.clone(),
            num(t.score.value, 1),
            t.score.n.to_string(),
            below.join(", "),
        ]);
    }
    w.table(&teams);
    w.end_section();
}

fn impact(r: &Report, w: &mut impl Writer) {
    let kpis = &r.analysis.impact.kpis;
    if kpis.is_empty() {
        return;
    }
    w.section("impact", "Impact");
    let mut t = Table::new(&[
        text_col("KPI"),
        num_col("latest month"),
        num_col("change"),
        text_col("good direction"),
    ]);
    for k in kpis {
        t.row([
            k.metric.clone(),
            num(k.series.last().map(|x| x.value), 2),
            k.change.map_or("—".into(), |c| {
                format!("{:+.2} ({})", c.delta, name_of(&c.trend))
            }),
            name_of(&k.direction),
        ]);
    }
    w.table(&t);
    w.end_section();
}

fn benchmarks(r: &Report, w: &mut impl Writer) {
    let benchmarks = &r.analysis.benchmarks;
    if benchmarks.is_empty() {
        return;
    }
    w.section("benchmarks", "Benchmarks");
    let mut t = Table::new(&[
        text_col("metric"),
        num_col("own"),
        text_col("benchmark"),
        num_col("value"),
        num_col("gap"),
        num_col("p"),
        num_col("rank"),
    ]);
    for b in benchmarks {
        for cmp in &b.comparisons {
            t.row([
                b.metric.clone(),
                num(b.own.value, 1),
                cmp.name.clone(),
                format!("{:.1}", cmp.benchmark),
                format!("{:+.1}", cmp.gap),
                num(cmp.p, 4),
                format!(
                    "{} of {}",
                    b.rank.map_or("—".into(), |x| x.to_string()),
                    b.of
                ),
            ]);
        }
    }
    w.table(&t);
    w.end_section();
}

fn service_profit_link(r: &Report, w: &mut impl Writer) {
    let l = &r.analysis.service_profit_link.correlation;
    w.section("link", "Service-profit link");
    w.paragraph(&[Span::text(format!(
        "Team eNPS vs team NPS: r = {} across {} teams (p = {}).",
        num(l.r, 2),
        l.n,
        num(l.p, 4)
    ))]);
    w.end_section();
}

fn satisfaction(r: &Report, w: &mut impl Writer) {
    let Some(t) = &r.analysis.satisfaction.tcs else {
        return;
    };
    let factors: Vec<String> = t
        .factors
        .iter()
        .map(|f| format!("{} {}", name_of(&f.factor), num(f.value, 1)))
        .collect();
    w.section("tcs", "Total customer satisfaction");
    w.paragraph(&[Span::text(format!(
        "TCS {} ({}).",
        num(t.value, 1),
        factors.join(", ")
    ))]);
    w.end_section();
}

fn readiness(r: &Report, w: &mut impl Writer) {
    let Some(rd) = &r.analysis.readiness else {
        return;
    };
    let weakest: Vec<String> = rd.weakest.iter().map(name_of).collect();
    w.section("readiness", "Readiness");
    w.paragraph(&[Span::text(format!(
        "{:.0}/100; weakest: {}.",
        rd.value,
        weakest.join(", ")
    ))]);
    w.end_section();
}

/// Rows of evidence shown with the figures, the rest counted.
const EVIDENCE_ROWS_SHOWN: usize = 2;

/// A figure: two decimals below 10 (importances, correlations), else one.
fn figure(v: f64) -> String {
    if v.abs() < 10.0 {
        num(Some(v), 2)
    } else {
        num(Some(v), 1)
    }
}

/// The figures of one piece of evidence: the value that fired the trigger
/// against its threshold, and the first rows concerned.
fn figures(e: &Evidence) -> String {
    let mut parts = Vec::new();
    let metric = e.metric.clone().unwrap_or_default();
    match (e.value, e.threshold) {
        (Some(v), Some(t)) => parts.push(format!("{metric} {} against {}", figure(v), figure(t))),
        (Some(v), None) => parts.push(format!("{metric} {}", figure(v))),
        (None, Some(t)) => parts.push(format!("{metric} threshold {}", figure(t))),
        (None, None) => {}
    }
    let rows: Vec<String> = e
        .rows
        .iter()
        .take(EVIDENCE_ROWS_SHOWN)
        .map(|row| {
            // `team branches`, but `goal-nps-mid`, not `goal goal-nps-mid`.
            let key: Vec<String> = row
                .key
                .iter()
                .map(|(k, v)| {
                    if v.starts_with(k.as_str()) {
                        v.clone()
                    } else {
                        format!("{k} {v}")
                    }
                })
                .collect();
            let value = row.value.map_or("—".into(), figure);
            format!("{} {value} (n = {})", key.join(", "), row.n)
        })
        .collect();
    if !rows.is_empty() {
        let more = e.rows.len().saturating_sub(EVIDENCE_ROWS_SHOWN);
        let tail = if more > 0 {
            format!("; {more} more")
        } else {
            String::new()
        };
        parts.push(format!("{}{tail}", rows.join("; ")));
    }
    if parts.is_empty() {
        e.summary.clone()
    } else {
        parts.join(" — ").trim().to_string()
    }
}

/// The evidence that gives a recommendation its priority: that of its
/// first trigger with that priority (the first evidence when the report
/// does not say).
fn ranking_evidence<'a>(r: &Report, rec: &'a Recommendation) -> Option<&'a Evidence> {
    rec.evidence
        .iter()
        .find(|e| r.trigger_priorities.get(&e.trigger) == Some(&rec.priority))
        .or(rec.evidence.first())
}

fn recommendation(r: &Report, rec: &Recommendation) -> Item {
    let kind = name_of(&rec.intervention);
    let mut text = vec![
        Span::Strong(kind.clone()),
        Span::text(" "),
        Span::Tag("priority".into(), format!("priority {}", rec.priority)),
    ];
    if let Some(e) = ranking_evidence(r, rec) {
        text.push(Span::text(" ranked by "));
        text.push(Span::Code(e.trigger.clone()));
        text.push(Span::text(format!(": {}", figures(e))));
    }
    if !rec.planned.is_empty() {
        text.push(Span::Muted(format!(
            " — already planned: {}",
            rec.planned.join(", ")
        )));
    }
    Item {
        data: Some(("intervention", kind)),
        text,
        sub: rec
            .evidence
            .iter()
            .map(|e| {
                vec![
                    Span::Code(e.trigger.clone()),
                    Span::text(format!(" {} ", e.summary)),
                    Span::Muted(e.rationale.clone()),
                ]
            })
            .collect(),
    }
}

fn recommendations(r: &Report, w: &mut impl Writer) {
    w.section("recommendations", "Recommended interventions");
    if r.recommendations.is_empty() {
        w.paragraph(&[Span::text("No trigger fired.")]);
    }
    let items: Vec<Item> = r
        .recommendations
        .iter()
        .map(|rec| recommendation(r, rec))
        .collect();
    w.list(true, &items);
    w.end_section();
}

fn alerts(r: &Report, w: &mut impl Writer) {
    let al = &r.alerts;
    let reasons: Vec<String> = al
        .by_reason
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    w.section("alerts", "Alerts");
    w.paragraph(&[Span::text(format!(
        "{} alert(s) kept ({}); {} due for follow-up by asOf.",
        al.total,
        if reasons.is_empty() {
            "none".into()
        } else {
            reasons.join(", ")
        },
        al.due_by_as_of
    ))]);
    if !al.follow_ups.is_empty() {
        w.paragraph(&[Span::Strong(format!(
            "The {} latest follow-ups",
            al.follow_ups.len()
        ))]);
        let mut t = Table::new(&[text_col("record"), text_col("reason"), text_col("due")]);
        for f in &al.follow_ups {
            let due = if f.due_by_as_of {
                Span::Tag("s-missed".into(), format!("{} (due by asOf)", when(f.due)))
            } else {
                Span::text(when(f.due))
            };
            t.rows.push(vec![
                vec![Span::Code(
                    f.record_id.clone().unwrap_or_else(|| "—".into()),
                )],
                vec![Span::text(name_of(&f.reason))],
                vec![due],
            ]);
        }
        w.table(&t);
    }
    w.end_section();
}
