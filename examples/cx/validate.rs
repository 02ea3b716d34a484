//! `cx validate PLAN [--json]` and `cx schema NAME`.

use cx::diagnostic::{Diagnostic, Severity};
use cx::plan::Plan;

use crate::args::Args;

/// Reads and validates a plan file: the diagnostics, or the I/O error text.
pub fn diagnostics_of(path: &str) -> Result<(Option<Plan>, Vec<Diagnostic>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(match Plan::from_json(&text) {
        Ok(plan) => {
            let diags = plan.validate();
            (Some(plan), diags)
        }
        Err(e) => (None, vec![e.to_diagnostic()]),
    })
}

/// Prints diagnostics for a person.
pub fn print_diagnostics(path: &str, diags: &[Diagnostic]) {
    for d in diags {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let at = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
            _ => path.to_string(),
        };
        let ptr = if d.pointer.is_empty() {
            "/"
        } else {
            d.pointer.as_str()
        };
        println!("{sev}[{}] {at} {ptr}\n    {}", d.code, d.message);
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    println!("{path}: {errors} error(s), {warnings} warning(s)");
}

/// Runs `cx validate`.
pub fn run(argv: &[String]) -> u8 {
    let args = match Args::parse(argv, &[], &["json"]) {
        Ok(a) => a,
        Err(e) => return usage(&e),
    };
    let [path] = args.positionals.as_slice() else {
        return usage("expected exactly one PLAN file");
    };
    let (plan, diags) = match diagnostics_of(path) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("cx validate: {e}");
            return 2;
        }
    };
    if args.flag("json") {
        let doc = serde_json::json!({ "diagnostics": diags });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        if let Some(plan) = &plan {
            let c = plan.trace().coverage;
            let pct = |s: cx::plan::trace::Share| {
                s.percent.map_or("n/a".to_string(), |p| format!("{p:.0}%"))
            };
            println!(
                "{}: facets supported {}, rules measured {}, goals acted on {}",
                plan.organization.name,
                pct(c.facets_supported),
                pct(c.rules_measured),
                pct(c.goals_acted_on)
            );
        }
        print_diagnostics(path, &diags);
    }
    u8::from(diags.iter().any(Diagnostic::is_error))
}

fn usage(msg: &str) -> u8 {
    eprintln!("cx validate: {msg}\nusage: cx validate PLAN [--json]");
    2
}

/// Runs `cx schema NAME`.
pub fn schema(argv: &[String]) -> u8 {
    let names = cx::schema::names().join(", ");
    let [name] = argv else {
        eprintln!("usage: cx schema NAME   (one of: {names})");
        return 2;
    };
    match cx::schema::get(name) {
        Some(s) => {
            println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            0
        }
        None => {
            eprintln!("cx schema: unknown schema `{name}` (one of: {names})");
            2
        }
    }
}
