//! `cx` / `cx demo`: the sample organisation.

use cx::plan::Plan;

/// The sample plan, compiled into the binary so the demo runs anywhere.
pub const SAMPLE_PLAN: &str = include_str!("../data/plan.json");

/// Runs the demo.
pub fn run(argv: &[String]) -> u8 {
    if !argv.is_empty() {
        eprintln!("usage: cx [demo]");
        return 2;
    }
    let plan = match Plan::from_json(SAMPLE_PLAN) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cx demo: the sample plan does not parse: {e}");
            return 1;
        }
    };
    let diags = plan.validate();
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
    println!(
        "Goals: {}, rules of the game: {}, instruments: {}",
        plan.strategy.goals.len(),
        plan.deployment.rules.len(),
        plan.evaluation.instruments.len()
    );
    println!("Validation: {} diagnostic(s)", diags.len());
    u8::from(diags.iter().any(|d| d.is_error()))
}
