//! `cx` / `cx demo`: the sample organisation — its plan, nine months of
//! generated data (deterministic, seeded) and its full report: a terminal
//! summary and `cx-report.html` in the current directory.

use cx_core::demo::{generate, DemoConfig};
use cx_core::engine::Engine;
use cx_core::plan::Plan;

use crate::data::Failure;

/// The sample plan, compiled into the binary so the demo runs anywhere.
pub const SAMPLE_PLAN: &str = include_str!("../data/plan.json");

/// `cx demo --help`.
pub const USAGE: &str = "usage: cx [demo [--html OUT] [--json OUT]]";

/// Runs the demo.
pub fn run(argv: &[String]) -> u8 {
    crate::data::finish(demo(argv))
}

fn fail(code: u8, e: impl std::fmt::Display) -> Failure {
    Failure(code, format!("cx demo: {e}"))
}

fn demo(argv: &[String]) -> Result<u8, Failure> {
    let args = match crate::args::Args::parse(argv, &["html", "json"], &[]) {
        Ok(a) if a.positionals.is_empty() => a,
        _ => return Err(Failure(2, USAGE.into())),
    };
    let plan = Plan::from_json(SAMPLE_PLAN)
        .map_err(|e| fail(1, format!("the sample plan does not parse: {e}")))?;
    outln!("cx {} — {}", cx_core::VERSION, plan.organization.name)?;
    if let Some(pos) = &plan.strategy.positioning {
        outln!("Positioning: {}", pos.statement)?;
    }
    if let Some(id) = &plan.strategy.identity {
        let names = |v: &[cx_core::plan::Facet]| {
            v.iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(d) = &id.dominant {
            outln!(
                "Identity: dominant {}; emphasised {}; base {}",
                d.name,
                names(&id.emphasized),
                names(&id.base)
            )?;
        }
    }
    let c = plan.trace().coverage;
    let pct =
        |s: cx_core::plan::trace::Share| s.percent.map_or("n/a".into(), |p| format!("{p:.0}%"));
    outln!(
        "Traceability: facets supported {}, rules measured {}, goals acted on {}",
        pct(c.facets_supported),
        pct(c.rules_measured),
        pct(c.goals_acted_on)
    )?;
    let data = generate(&DemoConfig::default());
    let mut engine = Engine::new(plan).map_err(|e| fail(1, e))?;
    let report = engine.ingest_batch(&data.records).map_err(|e| fail(1, e))?;
    outln!(
        "Demo data: {} records ingested ({} rejected), {} alerts raised, {} cells kept",
        report.accepted,
        report.rejected,
        report.alerts.len(),
        engine.cell_count()
    )?;
    let built = cx_core::report::Report::build(&engine, &cx_core::report::ReportOptions::default())
        .map_err(|e| fail(1, e))?;
    crate::out::print(&format!("\n{}", crate::report::summary(&built)))?;
    let path = args.value("html").unwrap_or("cx-report.html");
    let json = args.value("json");
    if let Some(json) =
        json.filter(|j| cx_core::file::same_file(j, path).unwrap_or(false) || j == &path)
    {
        return Err(Failure(
            2,
            format!("--json {json} is the HTML report's file too; choose another"),
        ));
    }
    crate::report::write_outputs(&built, Some(path), None)
        .map_err(|Failure(code, msg)| fail(code, msg))?;
    if let Some(json) = json {
        crate::out::write_file(json, built.to_json_pretty().as_bytes())
            .map_err(|Failure(code, msg)| fail(code, msg))?;
    }
    outln!("\nFull report: {path}")?;
    Ok(u8::from(report.rejected > 0))
}
