//! `cx sql "SELECT …" --table NAME=PATH… [--json]`: SQL over Parquet, CSV
//! and JSON Lines files with cx's functions (`cx_nps`, `cx_csat`, …,
//! `cx_merge`, `cx_score`; `docs/datafusion.md`). The work is
//! `cx_datafusion::sql`'s; this file parses the arguments and prints.
//!
//! Built only with the `datafusion` feature; without it, `cx sql` says how
//! to build it (exit status 2).
//!
//! Exit status: 0 success, 1 the data has errors (a rating out of range, a
//! malformed file), 2 usage, a missing or unknown file, or a query that
//! cannot be planned (bad SQL, an unknown column, a bad argument).

use crate::data::{finish, Failure};

/// `cx sql --help`.
pub const USAGE: &str = "usage: cx sql \"SELECT …\" --table NAME=PATH… [--json]
  --table NAME=PATH  a table read from PATH: .parquet, .csv (header row), .jsonl or .ndjson (repeatable)
  --json             one JSON array of row objects (cx scores as nested objects) instead of a table
  functions: cx_nps, cx_csat, cx_ces, cx_enps, cx_attribute (rating [, level] [, 'method']),
             their _state forms, cx_merge(state), cx_score(state [, level] [, 'method'])";

/// Runs `cx sql`.
pub fn run(argv: &[String]) -> u8 {
    finish(sql(argv))
}

#[cfg(feature = "datafusion")]
fn sql(argv: &[String]) -> Result<u8, Failure> {
    use cx_datafusion::sql::{self, Tables};

    use crate::args::Args;

    let usage = |e: &str| Failure(2, format!("cx sql: {e}\n{USAGE}"));
    let args = Args::parse_repeatable(argv, &[], &["json"], &["table"]).map_err(|e| usage(&e))?;
    let [query] = args.positionals.as_slice() else {
        return Err(usage("expected one SQL statement (quote it)"));
    };
    let mut tables = Tables::default();
    for spec in args.values("table") {
        tables.add(spec)?;
    }
    if args.flag("json") {
        // Streamed: one batch at a time, whatever the result's size.
        let mut rows = sql::JsonRows::default();
        sql::run_each(query, &tables, |b| crate::out::print(&rows.batch(b)?))?;
        outln!("{}", rows.finish())?;
    } else {
        // A table needs every row for its column widths.
        let batches = sql::run(query, &tables)?;
        outln!("{}", sql::to_text(&batches)?)?;
    }
    Ok(0)
}

#[cfg(feature = "datafusion")]
impl From<cx_datafusion::sql::SqlError> for Failure {
    fn from(e: cx_datafusion::sql::SqlError) -> Failure {
        Failure(
            if e.is_data_error() { 1 } else { 2 },
            format!("cx sql: {e}"),
        )
    }
}

#[cfg(not(feature = "datafusion"))]
fn sql(_argv: &[String]) -> Result<u8, Failure> {
    Err(Failure(
        2,
        "cx sql: this cx was built without SQL; build it with the `datafusion` feature: \
         cargo build --release --features datafusion --example cx"
            .into(),
    ))
}
