//! `cx validate PLAN [--json]` and `cx schema NAME`.

use cx_core::diagnostic::{Diagnostic, Severity};
use cx_core::plan::Plan;

use crate::args::Args;
use crate::data::{finish, Failure};

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

/// `cx validate --help`.
pub const USAGE: &str = "usage: cx validate PLAN [--json]";

/// `cx schema --help`.
pub const SCHEMA_USAGE: &str = "usage: cx schema NAME";

/// Prints diagnostics for a person.
pub fn print_diagnostics(path: &str, diags: &[Diagnostic]) -> Result<(), Failure> {
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
        outln!("{sev}[{}] {at} {ptr}\n    {}", d.code, d.message)?;
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    outln!("{path}: {errors} error(s), {warnings} warning(s)")
}

/// Runs `cx validate`.
pub fn run(argv: &[String]) -> u8 {
    finish(validate(argv))
}

fn validate(argv: &[String]) -> Result<u8, Failure> {
    let args = Args::parse(argv, &[], &["json"]).map_err(|e| usage(&e))?;
    let [path] = args.positionals.as_slice() else {
        return Err(usage("expected exactly one PLAN file"));
    };
    let (plan, diags) =
        diagnostics_of(path).map_err(|e| Failure(2, format!("cx validate: {e}")))?;
    if args.flag("json") {
        let doc = serde_json::json!({ "diagnostics": diags });
        outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default())?;
    } else {
        if let Some(plan) = &plan {
            let c = plan.trace().coverage;
            let pct = |s: cx_core::plan::trace::Share| {
                s.percent.map_or("n/a".to_string(), |p| format!("{p:.0}%"))
            };
            outln!(
                "{}: facets supported {}, rules measured {}, goals acted on {}",
                plan.organization.name,
                pct(c.facets_supported),
                pct(c.rules_measured),
                pct(c.goals_acted_on)
            )?;
        }
        print_diagnostics(path, &diags)?;
    }
    Ok(u8::from(diags.iter().any(Diagnostic::is_error)))
}

fn usage(msg: &str) -> Failure {
    Failure(2, format!("cx validate: {msg}\n{USAGE}"))
}

/// Runs `cx schema NAME`.
pub fn schema(argv: &[String]) -> u8 {
    let names = cx_core::schema::names().join(", ");
    let [name] = argv else {
        eprintln!("{SCHEMA_USAGE}   (one of: {names})");
        return 2;
    };
    match cx_core::schema::get(name) {
        Some(s) => {
            finish(outln!("{}", serde_json::to_string_pretty(&s).unwrap_or_default()).map(|()| 0))
        }
        None => {
            eprintln!("cx schema: unknown schema `{name}` (one of: {names})");
            2
        }
    }
}
