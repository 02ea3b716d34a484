//! HTML rendering of a [`Report`]: one self-contained file — inline CSS and
//! SVG, no script, no external asset (the favicon is `data:`).

use std::fmt::Write;

use super::svg::{self, esc, Bar};
use super::{name_of, num, Report};
use crate::plan::Tier;

const CSS: &str = r#"
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #e4e7ee;padding-bottom:4px}
.muted{color:#667085}.grid{display:flex;flex-wrap:wrap;gap:16px}.card{border:1px solid #e4e7ee;border-radius:8px;padding:12px;background:#fff}
table{border-collapse:collapse;margin:8px 0}td,th{border-bottom:1px solid #e4e7ee;padding:4px 10px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kpi{font-size:28px;font-weight:600}.tag{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eef1f6}
.s-achieved,.s-onTrack{background:#dcf5e3}.s-atRisk{background:#fff0cc}.s-missed{background:#fde0dd}.s-noData{background:#eef1f6}
svg{font:11px system-ui,sans-serif;background:#fff}svg .axis,svg .frame{stroke:#98a2b3;fill:none}svg .band{fill:#b9d3f5;opacity:.6}
svg .line{fill:none;stroke:#2463c7;stroke-width:2}svg .point{fill:#2463c7}svg .value{fill:#1d2330}svg .tick,svg .quadrant{fill:#667085}
svg .mean{stroke:#98a2b3;stroke-dasharray:4 3}svg .reference{stroke:#c0392b;stroke-dasharray:5 3}
svg .q-concentrate{fill:#c0392b}svg .q-keep{fill:#2e8b57}svg .q-low{fill:#98a2b3}svg .q-overkill{fill:#e0a526}
svg .bar{fill:#2463c7}svg .bar.dominant{fill:#6b3fa0}svg .bar.emphasized{fill:#2463c7}svg .bar.base{fill:#7ea6e0}svg .bar.below{fill:#c0392b}
ol.recs li{margin-bottom:10px}
"#;

fn tier_class(t: Tier) -> &'static str {
    match t {
        Tier::Dominant => "dominant",
        Tier::Emphasized => "emphasized",
        Tier::Base => "base",
    }
}

pub(crate) fn render(r: &Report) -> String {
    let a = &r.analysis;
    let p = &r.plan;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>CX report — {}</title><style>{CSS}</style></head><body>"#,
        esc(&p.organization)
    );
    let _ = write!(
        o,
        r#"<h1>CX report — {}</h1><p class="muted">As of {} · intervals at {:.0}% · {}</p>"#,
        esc(&p.organization),
        a.as_of.map_or("—".into(), |d| d.to_string()),
        a.level * 100.0,
        esc(&r.generator)
    );
    // Plan summary.
    o.push_str(r#"<section id="plan"><h2>Plan</h2><div class="grid">"#);
    if let Some(pos) = &p.positioning {
        let _ = write!(
            o,
            r#"<div class="card"><b>Positioning</b><br>{}<br><span class="muted">rests on {}</span></div>"#,
            esc(&pos.statement),
            esc(&pos.facet_id)
        );
    }
    let share =
        |s: &crate::plan::trace::Share| s.percent.map_or("n/a".into(), |x| format!("{x:.0}%"));
    let c = &p.coverage;
    let _ = write!(
        o,
        r#"<div class="card"><b>Traceability</b><br>facets supported {}<br>rules measured {}<br>goals acted on {}</div>"#,
        share(&c.facets_supported),
        share(&c.rules_measured),
        share(&c.goals_acted_on)
    );
    o.push_str("</div>");
    if !p.identity.is_empty() {
        o.push_str("<table><tr><th>tier</th><th>facets</th></tr>");
        for t in &p.identity {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td></tr>",
                name_of(&t.tier),
                esc(&t.facets.join(", "))
            );
        }
        o.push_str("</table>");
    }
    o.push_str("</section>");

    // Headline scores and trends.
    o.push_str(r#"<section id="headline"><h2>Headline scores</h2><div class="grid">"#);
    for h in &a.headline {
        let s = &h.score;
        let _ = write!(
            o,
            r#"<div class="card" data-metric="{}"><b>{}</b><div class="kpi">{}</div><span class="muted">{} · n = {}</span>"#,
            esc(&h.metric),
            esc(&h.metric),
            num(s.value, 1),
            s.interval.map_or("no interval".into(), |i| format!(
                "[{:.1}, {:.1}]",
                i.low, i.high
            )),
            s.n
        );
        if !h.trend.is_empty() {
            o.push_str(&svg::trend(
                &format!("trend-{}", h.metric),
                &format!("{} by month", h.metric),
                &h.trend,
            ));
        }
        o.push_str("</div>");
    }
    o.push_str("</div></section>");

    // Goals.
    o.push_str(r#"<section id="goals"><h2>Goals</h2>"#);
    let goal_bars: Vec<Bar> = a
        .goals
        .iter()
        .map(|g| Bar {
            label: g.id.clone(),
            value: g.progress,
            class: "",
        })
        .collect();
    o.push_str(&svg::bars(
        "goals",
        "Goal progress (%)",
        &goal_bars,
        0.0,
        100.0,
        None,
    ));
    o.push_str("<table><tr><th>goal</th><th>metric</th><th>baseline</th><th>current</th><th>target</th><th>progress</th><th>projected</th><th>status</th></tr>");
    for g in &a.goals {
        let status = name_of(&g.status);
        let _ = write!(
            o,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{} by {}</td><td class="num">{}</td><td class="num">{}</td><td><span class="tag s-{status}">{status}</span></td></tr>"#,
            esc(&g.id),
            esc(&g.metric),
            g.baseline.value,
            num(g.current, 2),
            g.target.value,
            g.target.date,
            g.progress.map_or("—".into(), |x| format!("{x:.0}%")),
            num(g.projected, 2)
        );
    }
    o.push_str("</table></section>");

    // Vital processes.
    let v = &a.vital;
    o.push_str(r#"<section id="vital"><h2>Vital processes</h2>"#);
    if let Some(reason) = &v.reason {
        let _ = write!(o, "<p>No result: {}</p>", esc(reason));
    } else {
        let _ = write!(
            o,
            r#"<p class="muted">Importance: {} on {} ({} complete cases, R² {}); performance: attribute mean rescaled to 0–100.</p>"#,
            v.method.map_or("—".into(), |m| name_of(&m)),
            v.outcome.map_or("—".into(), |m| name_of(&m)),
            v.n,
            num(v.r2, 3)
        );
        o.push_str(&svg::ipa(v));
        o.push_str("<table><tr><th>rank</th><th>vital attribute</th><th>process</th><th>importance</th><th>performance</th></tr>");
        for x in &v.vital_attributes {
            let _ = write!(
                o,
                r#"<tr><td class="num">{}</td><td>{} <span class="muted">({})</span></td><td>{}</td><td class="num">{:.2}</td><td class="num">{:.1}</td></tr>"#,
                x.rank.unwrap_or(0),
                esc(&x.label),
                esc(&x.id),
                esc(x.process.as_deref().unwrap_or("—")),
                x.importance,
                x.performance
            );
        }
        o.push_str("</table><ol>");
        for pr in &v.vital_processes {
            let _ = write!(
                o,
                "<li><b>{}</b> ({}): priority {:.2}; vital attributes {}</li>",
                esc(&pr.name),
                esc(&pr.id),
                pr.priority,
                esc(&pr.vital_attributes.join(", "))
            );
        }
        o.push_str("</ol>");
    }
    o.push_str("</section>");

    // Identity.
    let id = &a.identity;
    o.push_str(r#"<section id="identity"><h2>Identity alignment</h2>"#);
    if id.defined {
        let bars: Vec<Bar> = id
            .facets
            .iter()
            .map(|f| Bar {
                label: format!("{} ({})", f.name, name_of(&f.tier)),
                value: f.performance,
                class: tier_class(f.tier),
            })
            .collect();
        o.push_str(&svg::bars(
            "identity",
            "Perceived performance by facet (0–100)",
            &bars,
            0.0,
            100.0,
            None,
        ));
        if id.inversions.is_empty() {
            o.push_str("<p>No inversion: the identity is perceived as intended.</p>");
        } else {
            o.push_str("<ul>");
            for i in &id.inversions {
                let _ = write!(
                    o,
                    "<li>{}: <b>{}</b> ({:.1}) is perceived below {} ({:.1})</li>",
                    name_of(&i.kind),
                    esc(&i.facet),
                    i.performance,
                    esc(&i.above),
                    i.above_performance
                );
            }
            o.push_str("</ul>");
        }
    } else {
        o.push_str("<p>The plan has no identity yet.</p>");
    }
    o.push_str("</section>");

    // Compliance.
    let c = &a.compliance;
    let _ = write!(
        o,
        r#"<section id="compliance"><h2>Rule compliance</h2><p class="muted">Recent window {} to {}; floor {:.0}%; overall mean audit score {} (n = {}).</p>"#,
        c.window.from.map_or("—".into(), |d| d.to_string()),
        c.window.to.map_or("—".into(), |d| d.to_string()),
        c.floor,
        num(c.overall.value, 1),
        c.overall.n
    );
    let rule_bars: Vec<Bar> = c
        .by_rule
        .iter()
        .map(|x| Bar {
            label: x.rule.clone(),
            value: x.score.value,
            class: if x.below_floor { "below" } else { "" },
        })
        .collect();
    o.push_str(&svg::bars(
        "compliance-rules",
        "Pass rate by rule (%)",
        &rule_bars,
        0.0,
        100.0,
        Some(c.floor),
    ));
    let team_bars: Vec<Bar> = c
        .by_team
        .iter()
        .map(|x| Bar {
            label: x.key.clone(),
            value: x.score.value,
            class: if x.below_floor || !x.rules_below_floor.is_empty() {
                "below"
            } else {
                ""
            },
        })
        .collect();
    o.push_str(&svg::bars(
        "compliance-teams",
        "Mean audit score by team (%)",
        &team_bars,
        0.0,
        100.0,
        Some(c.floor),
    ));
    o.push_str("<table><tr><th>team</th><th>rules below the floor</th></tr>");
    for t in c.by_team.iter().filter(|t| !t.rules_below_floor.is_empty()) {
        let rules: Vec<String> = t
            .rules_below_floor
            .iter()
            .map(|x| format!("{} {:.1}%", x.rule, x.value))
            .collect();
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(&t.key),
            esc(&rules.join(", "))
        );
    }
    o.push_str("</table></section>");

    // Impact.
    if !a.impact.kpis.is_empty() {
        o.push_str(r#"<section id="impact"><h2>Impact</h2><table><tr><th>KPI</th><th>latest month</th><th>change</th><th>good direction</th></tr>"#);
        for k in &a.impact.kpis {
            let _ = write!(
                o,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"#,
                esc(&k.metric),
                num(k.series.last().map(|x| x.value), 2),
                k.change.map_or("—".into(), |c| format!(
                    "{:+.2} ({})",
                    c.delta,
                    name_of(&c.trend)
                )),
                name_of(&k.direction)
            );
        }
        o.push_str("</table></section>");
    }

    // Benchmarks, link, TCS, readiness.
    if !a.benchmarks.is_empty() {
        o.push_str(r#"<section id="benchmarks"><h2>Benchmarks</h2><table><tr><th>metric</th><th>own</th><th>benchmark</th><th>value</th><th>gap</th><th>p</th><th>rank</th></tr>"#);
        for b in &a.benchmarks {
            for cmp in &b.comparisons {
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td class="num">{}</td><td>{}</td><td class="num">{:.1}</td><td class="num">{:+.1}</td><td class="num">{}</td><td class="num">{} of {}</td></tr>"#,
                    esc(&b.metric),
                    num(b.own.value, 1),
                    esc(&cmp.name),
                    cmp.benchmark,
                    cmp.gap,
                    num(cmp.p, 4),
                    b.rank.map_or("—".into(), |x| x.to_string()),
                    b.of
                );
            }
        }
        o.push_str("</table></section>");
    }
    let l = &a.service_profit_link;
    let _ = write!(
        o,
        r#"<section id="link"><h2>Service-profit link</h2><p>Team eNPS vs team NPS: r = {} across {} teams (p = {}).</p></section>"#,
        num(l.correlation.r, 2),
        l.correlation.n,
        num(l.correlation.p, 4)
    );
    if let Some(t) = &a.satisfaction.tcs {
        let f: Vec<String> = t
            .factors
            .iter()
            .map(|f| format!("{} {}", name_of(&f.factor), num(f.value, 1)))
            .collect();
        let _ = write!(
            o,
            r#"<section id="tcs"><h2>Total customer satisfaction</h2><p>TCS {} ({}).</p></section>"#,
            num(t.value, 1),
            esc(&f.join(", "))
        );
    }
    if let Some(rd) = &a.readiness {
        let weakest: Vec<String> = rd.weakest.iter().map(name_of).collect();
        let _ = write!(
            o,
            r#"<section id="readiness"><h2>Readiness</h2><p>{:.0}/100; weakest: {}.</p></section>"#,
            rd.value,
            esc(&weakest.join(", "))
        );
    }

    // Recommendations.
    o.push_str(r#"<section id="recommendations"><h2>Recommended interventions</h2>"#);
    if r.recommendations.is_empty() {
        o.push_str("<p>No trigger fired.</p>");
    }
    o.push_str(r#"<ol class="recs">"#);
    for rec in &r.recommendations {
        let _ = write!(
            o,
            r#"<li data-intervention="{}"><b>{}</b> <span class="tag">priority {}</span>{}<ul>"#,
            name_of(&rec.intervention),
            name_of(&rec.intervention),
            rec.priority,
            if rec.planned.is_empty() {
                String::new()
            } else {
                format!(
                    r#" <span class="muted">already planned: {}</span>"#,
                    esc(&rec.planned.join(", "))
                )
            }
        );
        for e in &rec.evidence {
            let _ = write!(
                o,
                "<li><code>{}</code> {} <span class=\"muted\">{}</span></li>",
                esc(&e.trigger),
                esc(&e.summary),
                esc(&e.rationale)
            );
        }
        o.push_str("</ul></li>");
    }
    o.push_str("</ol></section>");

    let al = &r.alerts;
    let reasons: Vec<String> = al
        .by_reason
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let _ = write!(
        o,
        r#"<section id="alerts"><h2>Alerts</h2><p>{} alert(s) kept ({}); {} due for follow-up by asOf.</p></section>"#,
        al.total,
        esc(&if reasons.is_empty() {
            "none".into()
        } else {
            reasons.join(", ")
        }),
        al.due_by_as_of
    );
    o.push_str("</body></html>\n");
    o
}
