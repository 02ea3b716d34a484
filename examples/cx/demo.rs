//! `cx` / `cx demo`: the sample organisation — its plan, nine months of
//! generated data (deterministic, seeded) and its full report: a terminal
//! summary and `cx-report.html` in the current directory.

use cx::demo::{generate, DemoConfig};
use cx::engine::Engine;
use cx::plan::Plan;

/// The sample plan, compiled into the binary so the demo runs anywhere.
pub const SAMPLE_PLAN: &str = include_str!("../data/plan.json");

/// Runs the demo.
pub fn run(argv: &[String]) -> u8 {
    let args = match crate::args::Args::parse(argv, &["html", "json"], &[]) {
        Ok(a) if a.positionals.is_empty() => a,
        _ => {
            eprintln!("usage: cx [demo [--html OUT] [--json OUT]]");
            return 2;
        }
    };
    let plan = match Plan::from_json(SAMPLE_PLAN) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cx demo: the sample plan does not parse: {e}");
            return 1;
        }
    };
    println!("cx {} — {}", cx::VERSION, plan.organization.name);
    if let Some(pos) = &plan.strategy.positioning {
        println!("Positioning: {}", pos.statement);
    }
    if let Some(id) = &plan.strategy.identity {
        let names = |v: &[cx::plan::Facet]| {
            v.iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(d) = &id.dominant {
            println!(
                "Identity: dominant {}; emphasised {}; base {}",
                d.name,
                names(&id.emphasized),
                names(&id.base)
            );
        }
    }
    let c = plan.trace().coverage;
    let pct = |s: cx::plan::trace::Share| s.percent.map_or("n/a".into(), |p| format!("{p:.0}%"));
    println!(
        "Traceability: facets supported {}, rules measured {}, goals acted on {}",
        pct(c.facets_supported),
        pct(c.rules_measured),
        pct(c.goals_acted_on)
    );
    let data = generate(&DemoConfig::default());
    let mut engine = match Engine::new(plan) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cx demo: {e}");
            return 1;
        }
    };
    let report = match engine.ingest_batch(&data.records) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cx demo: {e}");
            return 1;
        }
    };
    println!(
        "Demo data: {} records ingested ({} rejected), {} alerts raised, {} cells kept",
        report.accepted,
        report.rejected,
        report.alerts.len(),
        engine.cell_count()
    );
    let built = match cx::report::Report::build(&engine, &cx::report::ReportOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cx demo: {e}");
            return 1;
        }
    };
    print!("\n{}", crate::report::summary(&built));
    let path = args.value("html").unwrap_or("cx-report.html");
    if let Err(crate::data::Failure(code, msg)) =
        crate::report::write_outputs(&built, Some(path), None)
    {
        eprintln!("cx demo: {msg}");
        return code;
    }
    if let Some(json) = args.value("json") {
        if let Err(e) = std::fs::write(json, built.to_json_pretty()) {
            eprintln!("cx demo: cannot write {json}: {e}");
            return 2;
        }
    }
    println!("\nFull report: {path}");
    u8::from(report.rejected > 0)
}
