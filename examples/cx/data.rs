//! `cx ingest` and `cx score`: load a plan, ingest data files (JSON Lines,
//! JSON, CSV with a column mapping, or Parquet with or without one in a
//! build with the `datafusion` feature) or a snapshot, report what was
//! accepted and rejected, and print scorecards.

use std::io::IsTerminal;

use cx_core::engine::{
    CsvFeed, CsvMapping, Cube, Engine, EngineConfig, EngineError, Granularity, IngestError,
    IngestReport, JsonLinesFeed, Query, Scorecard,
};
use cx_core::plan::Plan;

use crate::args::Args;

/// A failure with its exit status.
pub struct Failure(pub u8, pub String);

fn io(msg: String) -> Failure {
    Failure(2, msg)
}

/// Reads a file, or fails with exit status 2.
pub fn read(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| io(format!("cannot read {path}: {e}")))
}

/// Loads and validates a plan (errors → exit 1 with diagnostics).
pub fn load_plan(path: &str) -> Result<Plan, Failure> {
    let text =
        String::from_utf8(read(path)?).map_err(|_| Failure(1, format!("{path}: not UTF-8")))?;
    let plan = Plan::from_json(&text).map_err(|e| Failure(1, format!("{path}: {e}")))?;
    let errors: Vec<String> = plan
        .validate()
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| format!("  error[{}] {}: {}", d.code, d.pointer, d.message))
        .collect();
    if !errors.is_empty() {
        return Err(Failure(
            1,
            format!(
                "{path}: the plan has errors (run `cx validate`):\n{}",
                errors.join("\n")
            ),
        ));
    }
    Ok(plan)
}

/// Reads a mapping or query argument: a path, or inline JSON.
fn path_or_inline(arg: &str) -> Result<String, Failure> {
    if arg.trim_start().starts_with('{') {
        Ok(arg.to_string())
    } else {
        String::from_utf8(read(arg)?).map_err(|_| io(format!("{arg}: not UTF-8")))
    }
}

/// The engine after ingesting the data (or restoring the snapshot), with
/// the combined ingest report.
pub fn load(
    args: &Args,
    plan_path: &str,
    files: &[String],
) -> Result<(Engine, IngestReport), Failure> {
    let plan = load_plan(plan_path)?;
    if let Some(snap) = args.value("from-snapshot") {
        if !files.is_empty() {
            return Err(io(
                "--from-snapshot replaces data files; give one or the other".into(),
            ));
        }
        // A snapshot keeps the cube, limits and data it was made with: an
        // option that would shape a new engine would be silently ignored.
        if let Some(flag) = ["cube", "granularity", "max-cell-bytes", "mapping"]
            .into_iter()
            .find(|f| args.value(f).is_some())
        {
            return Err(io(format!(
                "--{flag} has no effect with --from-snapshot (the snapshot keeps the cube, limits and data it was made with); drop --{flag}, or ingest the data files instead"
            )));
        }
        // A snapshot stream or a JSON snapshot document (told apart by their
        // first bytes, never by the extension).
        let f = std::fs::File::open(snap).map_err(|e| io(format!("cannot read {snap}: {e}")))?;
        let engine = Engine::read_snapshot(f).map_err(|e| Failure(1, format!("{snap}: {e}")))?;
        if *engine.plan() != plan {
            return Err(Failure(
                1,
                format!("{snap}: the snapshot was made with a different plan than {plan_path}"),
            ));
        }
        print_footprint(&engine);
        return Ok((engine, IngestReport::default()));
    }
    if files.is_empty() {
        return Err(io("no data file given (or use --from-snapshot)".into()));
    }
    if args.value("mapping").is_some() && !files.iter().any(|f| is_csv(f) || is_parquet(f)) {
        return Err(io(format!(
            "--mapping applies to CSV (.csv, .tsv) and Parquet (.parquet) files only, and none of {} is one; drop --mapping",
            files.join(", ")
        )));
    }
    let mapping = args
        .value("mapping")
        .map(|m| {
            CsvMapping::from_json(&path_or_inline(m)?).map_err(|e| io(format!("mapping: {e}")))
        })
        .transpose()?;
    let mut config = EngineConfig {
        cube: cube(args)?,
        ..EngineConfig::default()
    };
    if let Some(b) = args.value("max-cell-bytes") {
        config.limits.max_cell_bytes = b.parse().map_err(|_| {
            io(format!(
                "--max-cell-bytes {b}: expected a number of bytes (the cells' memory budget)"
            ))
        })?;
    }
    let mut engine = Engine::with_config(plan, config).map_err(|e| match e {
        // `--cube` names the dimensions: a wrong one is a usage error.
        EngineError::UnknownCubeDimension(d) => io(format!(
            "--cube: `{d}` is not a standard dimension nor one the plan declares"
        )),
        e => Failure(1, e.to_string()),
    })?;
    let limits = engine.config().limits.clone();
    let mut total = IngestReport::default();
    for file in files {
        let report = if file == "-" {
            ingest_stdin(&mut engine)?
        } else {
            ingest_file(&mut engine, file, mapping.as_ref())?
        };
        print_report(file, &report);
        // The combined report lists as many errors and alerts as one call
        // would (the engine's limits); the rest are counted.
        total.absorb(report, limits.max_errors_listed, limits.max_alerts_listed);
    }
    print_footprint(&engine);
    Ok((engine, total))
}

/// The engine's footprint on stderr: `footprint: N cells, B bytes, R rows`.
fn print_footprint(engine: &Engine) {
    let s = engine.stats();
    eprintln!(
        "footprint: {} cells, {} bytes, {} rows",
        s.cells, s.bytes, s.rows
    );
}

/// The cube from `--cube DIMS` (comma-separated dimension ids; `none` or
/// empty: no dimension) and `--granularity none|day|isoWeek|month`; by
/// default every dimension × day. A smaller cube keeps fewer cells: memory
/// follows cells, not rows.
fn cube(args: &Args) -> Result<Cube, Failure> {
    let dimensions = args.value("cube").map(|c| {
        c.split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != "none")
            .map(str::to_string)
            .collect()
    });
    let granularity = match args.value("granularity") {
        None | Some("day") => Granularity::Day,
        Some("none") => Granularity::None,
        Some("isoWeek") => Granularity::IsoWeek,
        Some("month") => Granularity::Month,
        Some(g) => {
            return Err(io(format!(
                "--granularity {g}: expected none, day, isoWeek or month"
            )))
        }
    };
    Ok(Cube {
        dimensions,
        granularity,
    })
}

/// JSON Lines from standard input, streamed (`JsonLinesFeed::read`:
/// memory holds a chunk and the cells, whatever the input's size).
fn ingest_stdin(engine: &mut Engine) -> Result<IngestReport, Failure> {
    JsonLinesFeed::new()
        .read(engine, std::io::stdin().lock())
        .map_err(|e| ingest_failure("standard input", e))
}

/// Whether a data file is read as CSV (by its extension, `.csv` or `.tsv`).
fn is_csv(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".csv") || lower.ends_with(".tsv")
}

/// Whether a data file is read as Parquet (by its extension, `.parquet`).
fn is_parquet(file: &str) -> bool {
    file.to_ascii_lowercase().ends_with(".parquet")
}

/// A Parquet file, streamed by row group through the mapping, or the
/// columns' own names without one (`Engine::ingest_parquet`).
#[cfg(feature = "datafusion")]
fn ingest_parquet(
    engine: &mut Engine,
    file: &str,
    mapping: Option<&CsvMapping>,
) -> Result<IngestReport, Failure> {
    use cx_core::engine::ArrowIngestError;
    let f = std::fs::File::open(file).map_err(|e| io(format!("cannot read {file}: {e}")))?;
    engine.ingest_parquet(f, mapping).map_err(|e| match e {
        // The input's own fault, as for CSV: records past 2^53 of a kind.
        ArrowIngestError::Overflow(_) => Failure(1, format!("{file}: {e}")),
        e => io(format!("{file}: {e}")),
    })
}

/// Without the `datafusion` feature there is no Parquet reader: say how
/// to build one.
#[cfg(not(feature = "datafusion"))]
fn ingest_parquet(
    _: &mut Engine,
    file: &str,
    _: Option<&CsvMapping>,
) -> Result<IngestReport, Failure> {
    Err(io(format!(
        "{file}: this cx was built without Parquet input; build it with `cargo build --release --features datafusion --example cx`"
    )))
}

fn ingest_file(
    engine: &mut Engine,
    file: &str,
    mapping: Option<&CsvMapping>,
) -> Result<IngestReport, Failure> {
    let lower = file.to_ascii_lowercase();
    if is_parquet(file) {
        return ingest_parquet(engine, file, mapping);
    }
    let csv = is_csv(file);
    if lower.ends_with(".json") {
        let bytes = read(file)?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| Failure(1, format!("{file}: not UTF-8")))?;
        return engine
            .ingest_json(text)
            .map_err(|e| Failure(1, format!("{file}: {e}")));
    }
    // CSV and JSON Lines, streamed in chunks (memory follows the cells, not
    // the file) and filed on every core; a progress bar when stderr is a
    // terminal.
    let mapping = match (csv, mapping) {
        (true, None) => return Err(io(format!("{file}: a CSV file needs --mapping"))),
        (true, Some(m)) => Some(m),
        (false, _) => None,
    };
    let f = std::fs::File::open(file).map_err(|e| io(format!("cannot read {file}: {e}")))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = f.metadata().map_or(0, |m| m.len());
    let ingest = |engine: &mut Engine, input: &mut dyn std::io::Read| match mapping {
        Some(m) => CsvFeed::new(m).threads(threads).read(engine, input),
        None => JsonLinesFeed::new().threads(threads).read(engine, input),
    };
    let report = if size > 8 << 20 && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(file.to_string());
        let report = ingest(engine, &mut bar.wrap_read(f));
        bar.finish_and_clear();
        report
    } else {
        ingest(engine, &mut { f })
    };
    report.map_err(|e| ingest_failure(file, e))
}

/// The failure of a streamed ingest of `source`: exit 1 for the input's
/// own fault (an unterminated quote, as a JSON document that cannot be
/// read; records past 2^53 of a kind, as NPS counts past 2^64 − 1 in
/// `cx stats`), else 2 (a read error, the memory limit).
fn ingest_failure(source: &str, e: IngestError) -> Failure {
    match e {
        IngestError::Quote(_) | IngestError::Overflow(_) => Failure(1, format!("{source}: {e}")),
        e => io(format!("{source}: {e}")),
    }
}

/// "N alert(s)", with how many are listed when not all are.
fn alerts_text(r: &IngestReport) -> String {
    let listed = r.alerts.len() as u64;
    match r.alerts_not_listed {
        0 => format!("{listed} alert(s)"),
        more => format!("{} alert(s) ({listed} listed)", listed + more),
    }
}

/// ", N weight(s) rounded to millionths" when the input had such weights.
fn rounded_text(r: &IngestReport) -> String {
    match r.weights_rounded {
        0 => String::new(),
        n => format!(", {n} weight(s) rounded to millionths"),
    }
}

/// Prints an ingest report on stderr.
pub fn print_report(file: &str, r: &IngestReport) {
    eprintln!(
        "{file}: {} record(s): {} accepted, {} rejected, {}{}",
        r.total,
        r.accepted,
        r.rejected,
        alerts_text(r),
        rounded_text(r)
    );
    for e in &r.errors {
        let mut at = file.to_string();
        if let Some(l) = e.line {
            at.push_str(&format!(":{l}"));
            if let Some(c) = e.column {
                at.push_str(&format!(":{c}"));
            }
        } else {
            at.push_str(&format!(" record {}", e.index));
        }
        let field = e
            .field
            .as_ref()
            .map_or(String::new(), |f| format!(" column `{f}`"));
        let ptr = if e.pointer.is_empty() {
            String::new()
        } else {
            format!(" {}", e.pointer)
        };
        eprintln!("  {at}: {}{ptr}{field}: {}", e.code, e.message);
    }
    if r.errors_not_listed > 0 {
        eprintln!("  … and {} more rejected record(s)", r.errors_not_listed);
    }
}

const VALUE_FLAGS: &[&str] = &[
    "mapping",
    "query",
    "snapshot-out",
    "from-snapshot",
    "cube",
    "granularity",
    "max-cell-bytes",
];

/// `cx ingest --help`.
pub const INGEST_USAGE: &str = "usage: cx ingest PLAN FILE…|- [--mapping M] [--cube DIMS] [--granularity G] [--max-cell-bytes B] [--json] [--snapshot-out S]
       cx ingest PLAN --from-snapshot S [--json] [--snapshot-out S2]";

/// `cx score --help`.
pub const SCORE_USAGE: &str = "usage: cx score PLAN FILE…|- [--mapping M] [--cube DIMS] [--granularity G] [--max-cell-bytes B] [--query Q] [--json] [--snapshot-out S]
       cx score PLAN --from-snapshot S [--query Q] [--json] [--snapshot-out S2]
FILE: JSON Lines, JSON, CSV (.csv, .tsv: needs --mapping) or Parquet (.parquet: --mapping, or columns named after the record fields; in a build with `--features datafusion`)";

fn parse(argv: &[String], usage: &str) -> Result<(Args, String, Vec<String>), Failure> {
    let args =
        Args::parse(argv, VALUE_FLAGS, &["json"]).map_err(|e| io(format!("{e}\n{usage}")))?;
    let Some((plan, files)) = args.positionals.split_first() else {
        return Err(io(usage.to_string()));
    };
    let (plan, files) = (plan.clone(), files.to_vec());
    Ok((args, plan, files))
}

/// The files a command reads, as given: the plan, the data files (`-`,
/// standard input, is skipped later), and the paths of `--mapping`,
/// `--query` (not inline JSON), `--from-snapshot` and `--playbook`.
pub fn inputs<'a>(args: &'a Args, plan: &'a str, files: &'a [String]) -> Vec<&'a str> {
    let mut v: Vec<&str> = std::iter::once(plan)
        .chain(files.iter().map(String::as_str))
        .collect();
    for flag in ["mapping", "query"] {
        v.extend(
            args.value(flag)
                .filter(|a| !a.trim_start().starts_with('{')),
        );
    }
    v.extend(args.value("from-snapshot"));
    v.extend(args.value("playbook"));
    v
}

/// The exit status of a command's result; a failure's message goes to
/// stderr.
pub fn finish(result: Result<u8, Failure>) -> u8 {
    match result {
        Ok(code) => code,
        Err(Failure(code, msg)) => {
            eprintln!("{msg}");
            code
        }
    }
}

/// `cx ingest PLAN FILE… [--mapping M] [--snapshot-out S] [--json]`.
pub fn ingest(argv: &[String]) -> u8 {
    finish((|| {
        let (args, plan, files) = parse(argv, INGEST_USAGE)?;
        refuse_snapshot_over_input(&args, &plan, &files)?;
        let (engine, report) = load(&args, &plan, &files)?;
        if args.flag("json") {
            outln!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            )?;
        } else {
            outln!(
                "{} record(s): {} accepted, {} rejected; {}{}; {} cell(s) kept",
                report.total,
                report.accepted,
                report.rejected,
                alerts_text(&report),
                rounded_text(&report),
                engine.cell_count()
            )?;
        }
        write_snapshot(&args, &engine)?;
        Ok(u8::from(report.rejected > 0))
    })())
}

/// `--snapshot-out S` must not be one of the command's inputs.
fn refuse_snapshot_over_input(args: &Args, plan: &str, files: &[String]) -> Result<(), Failure> {
    let outputs: Vec<(&str, &str)> = args
        .value("snapshot-out")
        .map(|s| ("snapshot-out", s))
        .into_iter()
        .collect();
    crate::out::refuse_inputs(&inputs(args, plan, files), &outputs)
}

/// `--snapshot-out S`: the compact snapshot stream, written atomically
/// (`Engine::write_snapshot_file`: a temporary file beside `S`, flushed and
/// renamed over it), so `S` is never left half written.
fn write_snapshot(args: &Args, engine: &Engine) -> Result<(), Failure> {
    let Some(out) = args.value("snapshot-out") else {
        return Ok(());
    };
    engine
        .write_snapshot_file(out)
        .map_err(|e| io(e.to_string()))?;
    eprintln!("snapshot written to {out}");
    Ok(())
}

/// `cx score PLAN FILE… [--mapping M] [--query Q] [--json]`.
pub fn score(argv: &[String]) -> u8 {
    finish((|| {
        let (args, plan, files) = parse(argv, SCORE_USAGE)?;
        refuse_snapshot_over_input(&args, &plan, &files)?;
        let (engine, report) = load(&args, &plan, &files)?;
        let query = match args.value("query") {
            Some(q) => {
                Query::from_json(&path_or_inline(q)?).map_err(|e| io(format!("query: {e}")))?
            }
            None => Query::default(),
        };
        let card = engine
            .query(&query)
            .map_err(|e| io(format!("query: {e}")))?;
        if args.flag("json") {
            outln!(
                "{}",
                serde_json::to_string_pretty(&card).unwrap_or_default()
            )?;
        } else {
            crate::out::print(&scorecard_text(&card))?;
        }
        write_snapshot(&args, &engine)?;
        Ok(u8::from(report.rejected > 0))
    })())
}

/// A scorecard for a person: one block per row, one line per metric.
pub fn scorecard_text(card: &Scorecard) -> String {
    let mut out = String::new();
    for row in &card.rows {
        let key: Vec<String> = row
            .key
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("(none)")))
            .collect();
        out.push_str(&if key.is_empty() {
            "overall".to_string()
        } else {
            key.join(", ")
        });
        out.push('\n');
        for m in &card.metrics {
            let Some(s) = row.scores.get(m) else { continue };
            let value = match s.value {
                Some(v) => format!("{v:>9.2}"),
                None => format!("{:>9}", "—"),
            };
            let interval = s.interval.map_or(String::new(), |i| {
                format!("  [{:.2}, {:.2}]", i.low, i.high)
            });
            let flags = if s.flags.is_empty() {
                String::new()
            } else {
                format!(
                    "  {}",
                    s.flags
                        .iter()
                        .map(|f| format!("{f:?}"))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            };
            // A missing value says why ("—" alone would hide an overflow).
            let reason = match (s.value, &s.reason) {
                (None, Some(r)) => format!("  ({r})"),
                _ => String::new(),
            };
            let effective = s
                .effective_n
                .map_or(String::new(), |e| format!(" (effective {e:.1})"));
            let change = s.change.as_ref().map_or(String::new(), |c| match c.delta {
                Some(d) => format!(
                    "  Δ {d:+.2} p={} adj={}",
                    c.p.map_or("—".into(), |p| format!("{p:.3}")),
                    c.p_adjusted.map_or("—".into(), |p| format!("{p:.3}"))
                ),
                None => "  Δ —".into(),
            });
            out.push_str(&format!(
                "  {m:<28}{value}{interval}  n={}{effective}{change}{flags}{reason}\n",
                s.n
            ));
        }
    }
    if let Some(w) = &card.weighting {
        let raked: Vec<&str> = w.rake.iter().map(|t| t.dimension.as_str()).collect();
        out.push_str(&format!(
            "weighted: {} responses ({} with a weight), Σw {:.2}, effective n {}{}\n",
            w.responses,
            w.weighted_responses,
            w.weight_sum,
            w.effective_n.map_or("—".into(), |e| format!("{e:.1}")),
            if raked.is_empty() {
                String::new()
            } else {
                format!("; raked on {}", raked.join(", "))
            }
        ));
    }
    out.push_str(&format!(
        "level {:.0}%, as of {}\n",
        card.level * 100.0,
        card.as_of.map_or("—".into(), |d| d.to_string())
    ));
    out
}
