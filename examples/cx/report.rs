//! `cx report PLAN FILE… [--mapping M] [--html OUT] [--md OUT] [--json]
//! [--from-snapshot S] [--as-of DATE] [--playbook P]`: the full CX report
//! (analyses, recommendations) as a terminal summary, JSON, Markdown or one
//! self-contained HTML file. All logic is in `cx_core::report`; this file
//! only formats and writes.

use cx_core::analysis::AnalysisOptions;
use cx_core::engine::Engine;
use cx_core::playbook::Playbook;
use cx_core::report::{Report, ReportOptions};

use crate::args::Args;
use crate::data::{finish, inputs, load, read, Failure};

const VALUE_FLAGS: &[&str] = &[
    "mapping",
    "html",
    "md",
    "from-snapshot",
    "as-of",
    "playbook",
];
/// `cx report --help`.
pub const USAGE: &str = "usage: cx report PLAN FILE… [--mapping M] [--html OUT] [--md OUT] [--json] [--from-snapshot S] [--as-of YYYY-MM-DD] [--playbook P]";

/// Builds the report of an engine with the command's options.
pub fn build(engine: &Engine, args: &Args) -> Result<Report, Failure> {
    let mut options = ReportOptions::default();
    if let Some(d) = args.value("as-of") {
        options.analysis = AnalysisOptions {
            as_of: Some(
                d.parse()
                    .map_err(|_| Failure(2, format!("--as-of {d}: expected YYYY-MM-DD")))?,
            ),
            ..AnalysisOptions::default()
        };
    }
    if let Some(p) = args.value("playbook") {
        let text =
            String::from_utf8(read(p)?).map_err(|_| Failure(2, format!("{p}: not UTF-8")))?;
        options.playbook =
            Some(Playbook::from_json(&text).map_err(|e| Failure(1, format!("{p}: {e}")))?);
    }
    Report::build(engine, &options).map_err(|e| Failure(2, format!("report: {e}")))
}

/// Writes the HTML and Markdown files the flags ask for, atomically (the
/// old file survives any failure).
pub fn write_outputs(report: &Report, html: Option<&str>, md: Option<&str>) -> Result<(), Failure> {
    if let Some(path) = html {
        crate::out::write_file(path, report.to_html().as_bytes())?;
        eprintln!("HTML report written to {path}");
    }
    if let Some(path) = md {
        crate::out::write_file(path, report.to_markdown().as_bytes())?;
        eprintln!("Markdown report written to {path}");
    }
    Ok(())
}

/// `cx report …`.
pub fn run(argv: &[String]) -> u8 {
    finish((|| {
        let args = Args::parse(argv, VALUE_FLAGS, &["json"])
            .map_err(|e| Failure(2, format!("cx report: {e}\n{USAGE}")))?;
        let Some((plan, files)) = args.positionals.split_first() else {
            return Err(Failure(2, USAGE.into()));
        };
        let outputs: Vec<(&str, &str)> = ["html", "md"]
            .into_iter()
            .filter_map(|f| args.value(f).map(|p| (f, p)))
            .collect();
        crate::out::refuse_inputs(&inputs(&args, plan, files), &outputs)?;
        let (engine, ingest) = load(&args, plan, files)?;
        let report = build(&engine, &args)?;
        if args.flag("json") {
            outln!("{}", report.to_json_pretty())?;
        } else {
            crate::out::print(&summary(&report))?;
        }
        write_outputs(&report, args.value("html"), args.value("md"))?;
        Ok(u8::from(ingest.rejected > 0))
    })())
}

fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.filter(|x| x.is_finite())
        .map_or("—".into(), |x| format!("{x:.digits$}"))
}

/// The terminal summary of a report.
pub fn summary(r: &Report) -> String {
    let a = &r.analysis;
    let mut o = String::new();
    o.push_str(&format!(
        "CX report — {} (as of {})\n",
        r.plan.organization,
        a.as_of.map_or("—".into(), |d| d.to_string())
    ));
    o.push_str("\nHeadline scores\n");
    for h in &a.headline {
        let s = &h.score;
        o.push_str(&format!(
            "  {:<22}{:>8}  {:<18} n={}\n",
            h.metric,
            num(s.value, 1),
            s.interval
                .map_or(String::new(), |i| format!("[{:.1}, {:.1}]", i.low, i.high)),
            s.n
        ));
    }
    let v = &a.vital;
    o.push_str(&format!(
        "\nVital attributes ({} importance on {})\n",
        v.method.map_or("—".into(), |m| name(&m)),
        v.outcome.map_or("—".into(), |m| name(&m))
    ));
    if let Some(reason) = &v.reason {
        o.push_str(&format!("  none: {reason}\n"));
    }
    for x in v.vital_attributes.iter().take(5) {
        o.push_str(&format!(
            "  {}. {} ({}) — importance {:.2}, performance {:.1}, {}\n",
            x.rank.unwrap_or(0),
            x.label,
            x.id,
            x.importance,
            x.performance,
            name(&x.quadrant)
        ));
    }
    for p in v.vital_processes.iter().take(3) {
        o.push_str(&format!("  process {}. {} ({})\n", p.rank, p.name, p.id));
    }
    if a.identity.defined {
        o.push_str("\nIdentity alignment\n");
        for f in &a.identity.facets {
            o.push_str(&format!(
                "  {:<24}{:<11}{:>6}\n",
                f.name,
                name(&f.tier),
                num(f.performance, 1)
            ));
        }
        for i in &a.identity.inversions {
            o.push_str(&format!(
                "  inversion: {} {} ({:.1}) below {} ({:.1})\n",
                name(&i.kind),
                i.facet,
                i.performance,
                i.above,
                i.above_performance
            ));
        }
    }
    if !a.goals.is_empty() {
        o.push_str("\nGoals\n");
        for g in &a.goals {
            o.push_str(&format!(
                "  {:<20}{:<24}current {:>8}  progress {:>5}  {}\n",
                g.id,
                g.metric,
                num(g.current, 2),
                g.progress.map_or("—".into(), |x| format!("{x:.0}%")),
                name(&g.status)
            ));
        }
    }
    let c = &a.compliance;
    if !c.by_team.is_empty() {
        o.push_str(&format!("\nCompliance (floor {:.0}%)\n", c.floor));
        for t in &c.by_team {
            let rules: Vec<String> = t.rules_below_floor.iter().map(|x| x.rule.clone()).collect();
            o.push_str(&format!(
                "  {:<20}{:>6}  {}\n",
                t.key,
                num(t.score.value, 1),
                if rules.is_empty() {
                    String::new()
                } else {
                    format!("below the floor on {}", rules.join(", "))
                }
            ));
        }
    }
    o.push_str("\nRecommended interventions\n");
    if r.recommendations.is_empty() {
        o.push_str("  none\n");
    }
    for (i, rec) in r.recommendations.iter().enumerate() {
        o.push_str(&format!(
            "  {}. {} (priority {}) ← {}\n",
            i + 1,
            name(&rec.intervention),
            rec.priority,
            rec.triggers.join(", ")
        ));
        for e in &rec.evidence {
            o.push_str(&format!("     {}\n", e.summary));
        }
    }
    o.push_str(&format!(
        "\nAlerts: {} kept, {} due for follow-up by as-of\n",
        r.alerts.total, r.alerts.due_by_as_of
    ));
    o
}
