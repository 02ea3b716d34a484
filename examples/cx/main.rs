//! `cx` — the command line of the cx customer-experience engine (SPEC §5.5).
//!
//! ```text
//! cargo run --release --example cx -- <command> …
//! cx [demo]                    the sample organisation's full report (writes cx-report.html)
//! cx validate PLAN [--json]    diagnostics of a plan (exit 1 on any error)
//! cx schema NAME               print a JSON Schema (plan, …)
//! cx stats …                   NPS, proportion and driver statistics
//! cx ingest PLAN FILE… [--mapping M] [--cube DIMS] [--granularity G] [--max-cell-bytes B] [--snapshot-out S] [--json]
//! cx score PLAN FILE… [--mapping M] [--cube DIMS] [--granularity G] [--query Q] [--json] [--from-snapshot S]
//! cx report PLAN FILE… [--mapping M] [--html OUT] [--md OUT] [--json] [--from-snapshot S]
//! ```
//! FILE `-` is JSON Lines on standard input, streamed in 8 MiB chunks.
//! `--cube segment,touchpoint --granularity isoWeek` keeps only those
//! dimensions and weeks (default: every dimension × day); memory follows
//! the cube's cells; `--max-cell-bytes B` is their memory budget (default
//! 1 GiB), past which the command fails with a `memory-limit` error.
//! Exit status: 0 success, 1 the input has errors, 2 usage, I/O or
//! memory-limit error.

mod args;
mod data;
mod demo;
mod report;
mod stats;
mod validate;

use std::process::ExitCode;

const USAGE: &str = "usage: cx [demo] | validate PLAN [--json] | schema NAME | stats (nps|nps-diff|proportion|drivers) … | ingest PLAN FILE…|- [--cube DIMS] [--granularity G] [--max-cell-bytes B] | score PLAN FILE…|- [--cube DIMS] [--granularity G] [--query Q] [--json] | report PLAN FILE… [--html OUT] [--md OUT] [--json]";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match argv.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("demo", &[][..]),
    };
    let code = match command {
        "demo" => demo::run(rest),
        "validate" => validate::run(rest),
        "schema" => validate::schema(rest),
        "stats" => stats::run(rest),
        "ingest" => data::ingest(rest),
        "score" => data::score(rest),
        "report" => report::run(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            0
        }
        other => {
            eprintln!("cx: unknown command `{other}`\n{USAGE}");
            2
        }
    };
    ExitCode::from(code)
}
