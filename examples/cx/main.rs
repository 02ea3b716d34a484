//! `cx` — the command line of the cx customer-experience engine (SPEC §5.5).
//!
//! ```text
//! cargo run --release --example cx -- <command> …
//! cx [demo]                    the sample organisation's full report (writes cx-report.html)
//! cx validate PLAN [--json]    diagnostics of a plan (exit 1 on any error)
//! cx schema NAME               print a JSON Schema (plan, …)
//! cx stats …                   NPS, proportion, driver and comment (sentiment) statistics
//! cx ingest PLAN FILE… [--mapping M] [--cube DIMS] [--granularity G] [--max-cell-bytes B] [--snapshot-out S] [--json]
//! cx score PLAN FILE… [--mapping M] [--cube DIMS] [--granularity G] [--query Q] [--json] [--from-snapshot S]
//! cx report PLAN FILE… [--mapping M] [--html OUT] [--md OUT] [--json] [--from-snapshot S]
//! cx sql "SELECT …" --table NAME=PATH… [--json]   (feature `datafusion`)
//! cx COMMAND --help            that command's usage (exit 0)
//! ```
//! FILE `-` is JSON Lines on standard input, streamed in 8 MiB chunks.
//! `--cube segment,touchpoint --granularity isoWeek` keeps only those
//! dimensions and weeks (default: every dimension × day); memory follows
//! the cube's cells; `--max-cell-bytes B` is their memory budget (default
//! 1 GiB), past which the command fails with a `memory-limit` error.
//! An option that would have no effect is a usage error: `--cube`,
//! `--granularity`, `--max-cell-bytes` and `--mapping` with
//! `--from-snapshot` (the snapshot keeps its own cube and limits), and
//! `--mapping` when no data file is CSV.
//!
//! Every output file (`--snapshot-out`, `--html`, `--md`, the demo's
//! report) is written atomically (`cx_core::file`): a temporary file beside
//! it, flushed to disk and renamed over it, so the old file survives a
//! full disk or a killed process. An output that is the same file as an
//! input is refused (exit 2) before anything is read.
//!
//! Standard output (module `out`): a closed pipe (`| head`) drops the rest
//! of the output silently and the command finishes with its own status (0
//! on success; not 141 as coreutils' SIGPIPE death gives); any other write
//! error (`> /dev/full`) is a message on stderr and exit status 2.
//!
//! Exit status: 0 success, 1 the input has errors (records past 2^53 of a
//! kind with the snapshot's included: `overflow`), 2 usage, I/O or
//! memory-limit error.

#[macro_use]
mod out;
mod args;
mod data;
mod demo;
mod report;
mod sql;
mod stats;
mod validate;

use std::process::ExitCode;

const USAGE: &str = "usage: cx [demo] | validate PLAN [--json] | schema NAME | stats (nps|nps-diff|proportion|drivers|sentiment) … | ingest PLAN FILE…|- [--cube DIMS] [--granularity G] [--max-cell-bytes B] | score PLAN FILE…|- [--cube DIMS] [--granularity G] [--query Q] [--json] | report PLAN FILE… [--html OUT] [--md OUT] [--json] | sql \"SELECT …\" --table NAME=PATH… [--json]
       cx COMMAND --help   that command's usage";

/// The usage of each command, printed by `cx COMMAND --help` (or `-h`).
fn usage_of(command: &str) -> Option<&'static str> {
    Some(match command {
        "demo" => demo::USAGE,
        "validate" => validate::USAGE,
        "schema" => validate::SCHEMA_USAGE,
        "stats" => stats::USAGE,
        "ingest" => data::INGEST_USAGE,
        "score" => data::SCORE_USAGE,
        "report" => report::USAGE,
        "sql" => sql::USAGE,
        _ => return None,
    })
}

/// Prints a usage text on standard output: exit status 0, or 2 when
/// standard output cannot be written.
fn help(text: &str) -> u8 {
    data::finish(outln!("{text}").map(|()| 0))
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match argv.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("demo", &[][..]),
    };
    let asks_help = rest.iter().any(|a| a == "--help" || a == "-h");
    let code = match (command, usage_of(command)) {
        (_, Some(usage)) if asks_help => help(usage),
        ("demo", _) => demo::run(rest),
        ("validate", _) => validate::run(rest),
        ("schema", _) => validate::schema(rest),
        ("stats", _) => stats::run(rest),
        ("ingest", _) => data::ingest(rest),
        ("score", _) => data::score(rest),
        ("report", _) => report::run(rest),
        ("sql", _) => sql::run(rest),
        ("-h" | "--help" | "help", _) => help(USAGE),
        (other, _) => {
            eprintln!("cx: unknown command `{other}`\n{USAGE}");
            2
        }
    };
    ExitCode::from(code)
}
